package postgres

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/qrgate/qrgate/review/store"
	"github.com/qrgate/qrgate/review/store/storetest"
)

// testURLEnv names a PostgreSQL database the tests may create schemas in
// (.ci/run starts one and sets it). Without it the tests skip, except in
// CI, where a missing database is a failure.
const testURLEnv = "QRGATE_TEST_POSTGRES"

func testURL(t testing.TB) string {
	u := os.Getenv(testURLEnv)
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set in CI: .ci/run should start PostgreSQL", testURLEnv)
		}
		t.Skipf("%s not set: no PostgreSQL to test against", testURLEnv)
	}
	return u
}

// openFresh opens a store in a new schema of its own, dropped afterwards.
func openFresh(t testing.TB) store.Store {
	base := testURL(t)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	s, err := Open(context.Background(), Config{URL: u.String()})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSuite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openFresh(t) })
}

// BenchmarkPut: QRGATE_TEST_POSTGRES=… go test -run '^$' -bench Put ./review/postgres/
func BenchmarkPut(b *testing.B) {
	if os.Getenv(testURLEnv) == "" {
		b.Skipf("%s not set", testURLEnv)
	}
	storetest.BenchPut(b, openFresh(b), 64<<10)
}
