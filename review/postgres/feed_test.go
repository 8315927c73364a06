package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/qrgate/qrgate/review/store"
	"github.com/qrgate/qrgate/review/store/storetest"
)

// TestFeedSkipsNothingWhenCommitsCross holds one decision's transaction
// open while a second decision runs, the way two moderators on two
// replicas can. Without the feed lock the second commits first with the
// higher position, a reader's cursor passes it, and the first decision,
// committed afterwards at a lower position, is never read.
func TestFeedSkipsNothingWhenCommitsCross(t *testing.T) {
	s := openFresh(t, store.Quotas{}).(*Store)
	defer s.Close()
	ctx := context.Background()
	a, err := s.Put(ctx, storetest.NewRecord("scan-a", "LA", "S", "x", storetest.PNG))
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Put(ctx, storetest.NewRecord("scan-b", "LB", "S", "y", storetest.PNG))
	if err != nil {
		t.Fatal(err)
	}
	d := store.Decision{Decision: store.Approve, Moderator: "alice", At: storetest.T0}
	tx1, err := s.DB.W.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx1.Rollback() //nolint:errcheck
	if err := s.DB.DecideTx(ctx, tx1, a, d); err != nil {
		t.Fatal(err)
	}
	pid := make(chan int, 1)
	done := make(chan error, 1)
	go func() {
		tx2, err := s.DB.W.BeginTx(ctx, nil)
		if err != nil {
			pid <- 0
			done <- err
			return
		}
		defer tx2.Rollback() //nolint:errcheck
		var p int
		tx2.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&p) //nolint:errcheck
		pid <- p
		if err := s.DB.DecideTx(ctx, tx2, b, d); err != nil {
			done <- err
			return
		}
		done <- tx2.Commit()
	}()
	// Wait until the second decision has committed or is waiting on a lock.
	p := <-pid
	for waiting := false; !waiting; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			done <- nil
			waiting = true
			continue
		default:
		}
		var ev *string
		if err := s.DB.R.QueryRowContext(ctx, `SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1`, p).Scan(&ev); err != nil {
			t.Fatal(err)
		}
		waiting = ev != nil && *ev == "Lock"
		if !waiting {
			time.Sleep(time.Millisecond) // polling another backend's state: there is no event to wait on
		}
	}
	seen := map[int64]int{}
	var after int64
	poll := func() {
		page, err := s.Decisions(ctx, after, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page {
			seen[e.ItemID]++
			after = e.Seq
		}
	}
	poll()
	if err := tx1.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	poll()
	if seen[a] != 1 || seen[b] != 1 {
		t.Errorf("a reader polling while the commits crossed saw item a %d times, item b %d times; want once each", seen[a], seen[b])
	}
}
