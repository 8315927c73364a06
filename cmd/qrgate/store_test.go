package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/qrgate/qrgate/review/store"
)

// TestOpenStore: empty --store is SQLite in the data dir; anything that is
// neither that nor a postgres:// URL is refused without echoing a password.
func TestOpenStore(t *testing.T) {
	st, err := openStore(context.Background(), "", t.TempDir(), time.Now, store.Quotas{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Ready(context.Background()); err != nil {
		t.Errorf("sqlite store not ready: %v", err)
	}
	st.Close()
	if _, err := openStore(context.Background(), "", "", time.Now, store.Quotas{}); err == nil {
		t.Error("SQLite without a data dir was accepted")
	}
	_, err = openStore(context.Background(), "mysql://admin:hunter2@db/q", t.TempDir(), time.Now, store.Quotas{})
	if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "@db/q") {
		t.Errorf("unknown store: %v", err)
	}
}
