package gateway

import (
	"os/exec"
	"strings"
	"testing"
)

// forbiddenDeps are packages the gateway must not link: database drivers
// (every database/sql driver imports database/sql/driver; pgx and SQLite
// are named too, as they can be used without it) and the review side's
// backends and UI. The gateway knows the store only through Recorder; the
// command picks the backend.
var forbiddenDeps = []string{
	"database/sql",
	"modernc.org/sqlite",
	"github.com/jackc/pgx",
	"github.com/lib/pq",
	"github.com/mattn/go-sqlite3",
	"github.com/qrgate/qrgate/review/sqlite",
	"github.com/qrgate/qrgate/review/postgres",
	"github.com/qrgate/qrgate/review/sqlstore",
	"github.com/qrgate/qrgate/review/ui",
}

// TestNoDatabaseDriverInDeps: `go list -deps` of the gateway holds none of
// forbiddenDeps (nor the review package itself, which wires them).
func TestNoDatabaseDriverInDeps(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 50 {
		t.Fatalf("go list -deps gave %d packages: %q", len(deps), out)
	}
	for _, d := range deps {
		if d == "github.com/qrgate/qrgate/review" {
			t.Errorf("gateway depends on %s", d)
		}
		for _, f := range forbiddenDeps {
			if d == f || strings.HasPrefix(d, f+"/") {
				t.Errorf("gateway depends on %s", d)
			}
		}
	}
}
