package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/qrgate/qrgate/review/postgres"
	"github.com/qrgate/qrgate/review/sqlite"
	"github.com/qrgate/qrgate/review/store"
)

// openStore opens the review store --store names: SQLite in dataDir when it
// is empty (or "sqlite"), PostgreSQL for a postgres:// URL. The choice lives
// here, in the command, so that no library package links a database driver
// it does not use.
func openStore(ctx context.Context, spec, dataDir string, now func() time.Time, q store.Quotas) (store.Store, error) {
	switch {
	case spec == "" || spec == "sqlite":
		if dataDir == "" {
			return nil, errors.New("no data dir for the SQLite store")
		}
		return sqlite.Open(ctx, sqlite.Config{Dir: dataDir, Now: now, Quotas: q})
	case strings.HasPrefix(spec, "postgres://") || strings.HasPrefix(spec, "postgresql://"):
		return postgres.Open(ctx, postgres.Config{URL: spec, Now: now, Quotas: q})
	}
	return nil, fmt.Errorf("store %q: want empty (SQLite in the data dir) or a postgres:// URL", redactURL(spec))
}

// redactURL hides a password in a store URL before it reaches a log.
func redactURL(s string) string {
	if i := strings.Index(s, "@"); i >= 0 {
		if j := strings.Index(s, "://"); j >= 0 && j < i {
			return s[:j+3] + "…" + s[i:]
		}
	}
	return s
}
