package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/qrgate/qrgate/review/store"
)

func decide(t *testing.T, s store.Store, id int64, d store.Decision) {
	t.Helper()
	if _, err := s.Decide(ctx(t), id, d); err != nil {
		t.Fatalf("decide %d: %v", id, err)
	}
}

// testFeed: every decision and every override is an entry, in commit
// order, with the item's ids; "after" resumes where a reader left off.
func testFeed(t *testing.T, s store.Store) {
	defer s.Close()
	if got, err := s.Decisions(ctx(t), 0, 10); err != nil || len(got) != 0 {
		t.Fatalf("empty feed: %+v %v", got, err)
	}
	a := put(t, s, NewRecord("scan-a", "LA", "SA", "x", PNG))
	b := put(t, s, NewRecord("scan-b", "LB", "", "y", PNG))
	c := put(t, s, NewRecord("scan-c", "LC", "SC", "z", PNG))
	at := T0.Add(time.Hour)
	decide(t, s, b, store.Decision{Decision: store.Reject, Moderator: "alice", Note: "ring", At: at})
	decide(t, s, a, store.Decision{Decision: store.Approve, Moderator: "bob", At: at.Add(time.Second)})
	decide(t, s, b, store.Decision{Decision: store.Approve, Moderator: "carol", Note: "wrong flag", At: at.Add(2 * time.Second), Override: true})
	all, err := s.Decisions(ctx(t), 0, 10)
	if err != nil || len(all) != 3 {
		t.Fatalf("feed: %+v %v", all, err)
	}
	want := []store.FeedEntry{
		{ItemID: b, ScanID: "scan-b", ListingID: "LB", SellerID: "", Decision: store.Reject, Moderator: "alice", Note: "ring", DecidedAt: at},
		{ItemID: a, ScanID: "scan-a", ListingID: "LA", SellerID: "SA", Decision: store.Approve, Moderator: "bob", DecidedAt: at.Add(time.Second)},
		{ItemID: b, ScanID: "scan-b", ListingID: "LB", SellerID: "", Decision: store.Approve, Moderator: "carol", Note: "wrong flag", DecidedAt: at.Add(2 * time.Second), Override: true},
	}
	for i, w := range want {
		g := all[i]
		w.Seq = g.Seq
		if !g.DecidedAt.Equal(w.DecidedAt) {
			t.Errorf("entry %d decided at %v, want %v", i, g.DecidedAt, w.DecidedAt)
		}
		g.DecidedAt = w.DecidedAt
		if g != w {
			t.Errorf("entry %d:\n got %+v\nwant %+v", i, g, w)
		}
		if i > 0 && g.Seq <= all[i-1].Seq {
			t.Errorf("entry %d: seq %d after %d", i, g.Seq, all[i-1].Seq)
		}
	}
	// A refused decision leaves no entry.
	if _, err := s.Decide(ctx(t), a, store.Decision{Decision: store.Reject, Moderator: "dave", At: at}); !errors.Is(err, store.ErrAlreadyDecided) {
		t.Fatalf("second decision: %v", err)
	}
	page, err := s.Decisions(ctx(t), all[0].Seq, 1)
	if err != nil || len(page) != 1 || page[0].Seq != all[1].Seq {
		t.Errorf("after the first, limit 1: %+v %v", page, err)
	}
	if rest, err := s.Decisions(ctx(t), all[2].Seq, 10); err != nil || len(rest) != 0 {
		t.Errorf("after the last: %+v %v", rest, err)
	}
	decide(t, s, c, store.Decision{Decision: store.Reject, Moderator: "alice", At: at})
	if rest, err := s.Decisions(ctx(t), all[2].Seq, 10); err != nil || len(rest) != 1 || rest[0].ItemID != c {
		t.Errorf("resumed after the last: %+v %v", rest, err)
	}
	// Purging the decided items' contents keeps the feed whole.
	if _, err := s.Purge(ctx(t), at.Add(time.Hour), at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if again, err := s.Decisions(ctx(t), 0, 10); err != nil || len(again) != 4 || again[0].ListingID != "LB" {
		t.Errorf("after purge: %+v %v", again, err)
	}
}

// testFeedConcurrent: moderators decide at once while a reader polls with
// its cursor; the reader sees every decision exactly once, in Seq order.
func testFeedConcurrent(t *testing.T, s store.Store) {
	defer s.Close()
	const moderators, each = 4, 25
	ids := make([]int64, moderators*each)
	for i := range ids {
		ids[i] = put(t, s, NewRecord(fmt.Sprint("scan-", i), fmt.Sprint("L", i), "S", "x", PNG))
	}
	var wg sync.WaitGroup
	for m := range moderators {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, id := range ids[m*each : (m+1)*each] {
				if _, err := s.Decide(ctx(t), id, store.Decision{Decision: store.Approve, Moderator: fmt.Sprint("m", m), At: T0}); err != nil {
					t.Errorf("decide %d: %v", id, err)
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	seen := map[int64]int{}
	var after int64
	poll := func() {
		page, err := s.Decisions(ctx(t), after, 7)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page {
			if e.Seq <= after {
				t.Fatalf("seq %d after cursor %d", e.Seq, after)
			}
			after = e.Seq
			seen[e.ItemID]++
		}
	}
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		poll()
	}
	for n := -1; n != len(seen); {
		n = len(seen)
		poll()
	}
	for _, id := range ids {
		if seen[id] != 1 {
			t.Errorf("item %d seen %d times by the polling reader, want 1", id, seen[id])
		}
	}
}

// testDeliveryCursor: a new cursor starts at the feed's end; one holder at
// a time; the position persists, only grows, and a lapsed or released
// lease passes to another holder.
func testDeliveryCursor(t *testing.T, s store.Store) {
	defer s.Close()
	a := put(t, s, NewRecord("scan-a", "LA", "SA", "x", PNG))
	b := put(t, s, NewRecord("scan-b", "LB", "SB", "y", PNG))
	decide(t, s, a, store.Decision{Decision: store.Approve, Moderator: "m", At: T0})
	first, _ := s.Decisions(ctx(t), 0, 10)
	now := T0
	l1 := store.Lease{Name: "webhook", Holder: "r1", Until: now.Add(time.Minute)}
	pos, err := s.ClaimDelivery(ctx(t), l1, now)
	if err != nil || pos != first[0].Seq {
		t.Fatalf("first claim: position %d %v, want the feed's end %d", pos, err, first[0].Seq)
	}
	l2 := store.Lease{Name: "webhook", Holder: "r2", Until: now.Add(time.Minute)}
	if _, err := s.ClaimDelivery(ctx(t), l2, now.Add(30*time.Second)); !errors.Is(err, store.ErrLeased) {
		t.Errorf("claim while leased: %v, want ErrLeased", err)
	}
	if err := s.AdvanceDelivery(ctx(t), l2, pos+5); !errors.Is(err, store.ErrLeased) {
		t.Errorf("advance by a non-holder: %v, want ErrLeased", err)
	}
	decide(t, s, b, store.Decision{Decision: store.Reject, Moderator: "m", At: T0})
	next, _ := s.Decisions(ctx(t), pos, 10)
	if len(next) != 1 {
		t.Fatalf("after the cursor: %+v", next)
	}
	if err := s.AdvanceDelivery(ctx(t), l1, next[0].Seq); err != nil {
		t.Fatal(err)
	}
	if err := s.AdvanceDelivery(ctx(t), l1, pos); err != nil {
		t.Fatal(err)
	}
	if p, err := s.ClaimDelivery(ctx(t), l1, now); err != nil || p != next[0].Seq {
		t.Errorf("renewed claim: %d %v, want %d (never backwards)", p, err, next[0].Seq)
	}
	// The lease lapses: another holder takes over where r1 left off.
	l2.Until = now.Add(3 * time.Minute)
	if p, err := s.ClaimDelivery(ctx(t), l2, now.Add(2*time.Minute)); err != nil || p != next[0].Seq {
		t.Errorf("claim after the lease lapsed: %d %v", p, err)
	}
	if _, err := s.ClaimDelivery(ctx(t), l1, now.Add(2*time.Minute)); !errors.Is(err, store.ErrLeased) {
		t.Errorf("old holder after takeover: %v, want ErrLeased", err)
	}
	// A release hands it over at once.
	l2.Until = time.Time{}
	if err := s.AdvanceDelivery(ctx(t), l2, next[0].Seq); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimDelivery(ctx(t), l1, now.Add(2*time.Minute)); err != nil {
		t.Errorf("claim after release: %v", err)
	}
	// Another cursor is independent.
	if p, err := s.ClaimDelivery(ctx(t), store.Lease{Name: "other", Holder: "r2", Until: now.Add(time.Minute)}, now); err != nil || p != next[0].Seq {
		t.Errorf("a second cursor: %d %v", p, err)
	}
}
