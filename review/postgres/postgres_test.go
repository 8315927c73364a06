package postgres

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"github.com/qrgate/qrgate/internal/testenv"
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
	testenv.Need(t, u != "", "a PostgreSQL database ("+testURLEnv+" unset)",
		"apt-get install -y postgresql, start it, and set "+testURLEnv+"=postgres://user@127.0.0.1/db (.ci/review-deps does this)")
	return u
}

// openFresh opens a store in a new schema of its own, dropped afterwards.
func openFresh(t testing.TB, q store.Quotas) store.Store {
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
	v := u.Query()
	v.Set("search_path", schema)
	u.RawQuery = v.Encode()
	s, err := Open(context.Background(), Config{URL: u.String(), Quotas: q})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSuite(t *testing.T) {
	storetest.Run(t, func(t *testing.T, q store.Quotas) store.Store { return openFresh(t, q) })
}

// BenchmarkPut: QRGATE_TEST_POSTGRES=… go test -run '^$' -bench Put ./review/postgres/
func BenchmarkPut(b *testing.B) {
	if os.Getenv(testURLEnv) == "" {
		b.Skipf("%s not set", testURLEnv)
	}
	storetest.BenchPut(b, openFresh(b, store.Quotas{}), 64<<10)
}
