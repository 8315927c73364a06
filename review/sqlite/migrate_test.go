package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/qrgate/qrgate/review/sqlstore"
	"github.com/qrgate/qrgate/review/store"
)

// TestMigrateSellerBuckets: a version 5 database counted sellers by
// seller_id alone; version 6 counts them within their client, and
// listings without one apart. The rows are rebuilt from the stored images,
// so a purge afterwards gives back exactly what was charged.
func TestMigrateSellerBuckets(t *testing.T) {
	dir := t.TempDir()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	old := &sqlstore.DB{R: db, W: db, D: sqlstore.Dialect{Name: "sqlite", Migrations: migrations[:5]}}
	if err := old.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`INSERT INTO items (id, scan_id, listing_id, seller_id, verdict, policy_version, texts, scanned_at, created_at, status, client)
			VALUES (1, 'a', 'L1', 'S', 'warn', 'v', '[]', 1, 1, 'pending', 'key:A'), (2, 'b', 'L2', 'S', 'warn', 'v', '[]', 1, 1, 'pending', 'key:B'),
			(3, 'c', 'L3', '', 'warn', 'v', '[]', 1, 1, 'pending', 'key:A')`,
		`INSERT INTO images (sha256, format, width, height, size, data, created_at, stored, seller_id, client)
			VALUES ('h1', 'png', 1, 1, 100, x'00', 1, 1, 'S', 'key:A'), ('h2', 'png', 1, 1, 30, x'00', 1, 1, 'S', 'key:B'),
			('h3', 'png', 1, 1, 7, x'00', 1, 1, '', 'key:A'), ('h4', 'png', 1, 1, 1000, x'', 1, 0, 'S', 'key:A')`,
		`INSERT INTO item_images (item_id, idx, name, sha256) VALUES (1, 0, '', 'h1'), (2, 0, '', 'h2'), (3, 0, '', 'h3'), (1, 1, '', 'h4')`,
		`INSERT INTO store_usage (owner, bytes) VALUES ('seller:S', 130), ('seller:', 7), ('client:key:A', 107), ('client:key:B', 30)`,
		`UPDATE store_usage SET bytes = 137 WHERE owner = 'total:0'`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err := Open(context.Background(), Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	usage := map[string]int64{}
	rows, err := s.DB.R.Query(`SELECT owner, bytes FROM store_usage WHERE owner NOT LIKE 'total:%'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var owner string
		var n int64
		rows.Scan(&owner, &n)
		usage[owner] = n
	}
	rows.Close()
	want := map[string]int64{"seller:key:A|S": 100, "seller:key:B|S": 30, "noseller:key:A": 7, "client:key:A": 107, "client:key:B": 30}
	if len(usage) != len(want) {
		t.Errorf("usage %v, want %v", usage, want)
	}
	for owner, n := range want {
		if usage[owner] != n {
			t.Errorf("usage %v, want %v", usage, want)
			break
		}
	}
	for _, id := range []int64{1, 2, 3} {
		if _, err := s.Decide(context.Background(), id, store.Decision{Decision: store.Reject, Moderator: "m", At: time.Unix(10, 0)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Purge(context.Background(), time.Unix(20, 0), time.Unix(20, 0)); err != nil {
		t.Fatal(err)
	}
	var left int64
	if err := s.DB.R.QueryRow(`SELECT SUM(bytes) FROM store_usage`).Scan(&left); err != nil || left != 0 {
		t.Errorf("after purging everything, %d bytes still charged (%v)", left, err)
	}
}
