package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/qrgate/qrgate/review/store"
)

// at is the suite's injected clock: minutes after T0.
func at(min int) time.Time { return T0.Add(time.Duration(min) * time.Minute) }

func claim(t *testing.T, s store.Store, id int64, who string, now int) store.Claim {
	t.Helper()
	c, err := s.Claim(ctx(t), id, who, at(now), at(now).Add(store.ClaimTTL))
	if err != nil {
		t.Fatalf("%s claims %d at +%dm: %v", who, id, now, err)
	}
	if c.Moderator != who || !c.Until.Equal(at(now).Add(store.ClaimTTL)) {
		t.Fatalf("%s claims %d at +%dm: got %+v", who, id, now, c)
	}
	return c
}

// claimedBy asserts that who cannot claim id at now because holder has it.
func claimedBy(t *testing.T, s store.Store, id int64, who string, now int, holder string, until time.Time) {
	t.Helper()
	_, err := s.Claim(ctx(t), id, who, at(now), at(now).Add(store.ClaimTTL))
	var ce *store.ClaimedError
	if !errors.As(err, &ce) || !errors.Is(err, store.ErrClaimed) {
		t.Fatalf("%s claims %d at +%dm: err %v, want ErrClaimed by %s", who, id, now, err, holder)
	}
	if ce.Claim.Moderator != holder || !ce.Claim.Until.Equal(until) || ce.Claim.ItemID != id {
		t.Fatalf("%s claims %d at +%dm: in the way %+v, want %s until %s", who, id, now, ce.Claim, holder, until)
	}
}

// pendingIDs lists the pending items who would be offered at now.
func pendingIDs(t *testing.T, s store.Store, who string, now int) ([]int64, map[int64]*store.Claim) {
	t.Helper()
	p, err := s.List(ctx(t), store.Filter{Status: store.Pending, Now: at(now), SkipClaimed: true, Moderator: who})
	if err != nil {
		t.Fatal(err)
	}
	ids, claims := []int64{}, map[int64]*store.Claim{}
	for _, it := range p.Items {
		ids = append(ids, it.ID)
		claims[it.ID] = it.Claim
	}
	return ids, claims
}

func testClaims(t *testing.T, s store.Store) {
	defer s.Close()
	var ids []int64
	for i := range 3 {
		ids = append(ids, put(t, s, NewRecord(fmt.Sprintf("c%d", i), fmt.Sprintf("L%d", i), "S", "abc", PNG)))
	}
	a, b, c := ids[0], ids[1], ids[2]

	first := claim(t, s, a, "alice", 0)
	claimedBy(t, s, a, "bob", 1, "alice", first.Until)
	// Renewing keeps it alice's, for longer.
	renewed := claim(t, s, a, "alice", 2)
	claimedBy(t, s, a, "bob", 6, "alice", renewed.Until)

	// Bob is not offered alice's item; alice is, and both see who holds it.
	got, _ := pendingIDs(t, s, "bob", 3)
	if fmt.Sprint(got) != fmt.Sprint([]int64{c, b}) {
		t.Fatalf("bob's pending at +3m: %v, want %v (alice's %d skipped)", got, []int64{c, b}, a)
	}
	got, claims := pendingIDs(t, s, "alice", 3)
	if fmt.Sprint(got) != fmt.Sprint([]int64{c, b, a}) {
		t.Fatalf("alice's pending at +3m: %v, want %v", got, []int64{c, b, a})
	}
	if cl := claims[a]; cl == nil || cl.Moderator != "alice" || !cl.Until.Equal(renewed.Until) {
		t.Fatalf("item %d's claim in the list: %+v, want alice until %s", a, cl, renewed.Until)
	}
	if claims[b] != nil {
		t.Fatalf("unclaimed item %d listed with claim %+v", b, claims[b])
	}

	// Expiry: at +7m alice's claim (until +7m) has ended; bob is offered
	// the item and takes it over.
	got, claims = pendingIDs(t, s, "bob", 7)
	if len(got) != 3 || claims[a] != nil {
		t.Fatalf("bob's pending at +7m: %v (claim on %d: %+v), want all three, none claimed", got, a, claims[a])
	}
	claim(t, s, a, "bob", 7)
	claimedBy(t, s, a, "alice", 8, "bob", at(7).Add(store.ClaimTTL))

	// A decision ends the claim; a decided item cannot be claimed.
	claim(t, s, b, "alice", 8)
	if _, err := s.Decide(ctx(t), b, store.Decision{Decision: store.Reject, Moderator: "alice", At: at(9)}); err != nil {
		t.Fatal(err)
	}
	p, err := s.List(ctx(t), store.Filter{Now: at(9)})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range p.Items {
		if it.ID == b && it.Claim != nil {
			t.Fatalf("decided item %d still claimed: %+v", b, it.Claim)
		}
	}
	if _, err := s.Claim(ctx(t), b, "bob", at(9), at(14)); !errors.Is(err, store.ErrAlreadyDecided) {
		t.Fatalf("claiming a decided item: %v, want ErrAlreadyDecided", err)
	}
	if _, err := s.Claim(ctx(t), 1<<40, "bob", at(9), at(14)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("claiming a missing item: %v, want ErrNotFound", err)
	}
	if _, err := s.Claim(ctx(t), c, "", at(9), at(14)); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("claim without a moderator: %v, want ErrInvalid", err)
	}

	// Release: only the holder's release counts.
	claim(t, s, c, "alice", 9)
	if err := s.ReleaseClaim(ctx(t), c, "bob"); err != nil {
		t.Fatal(err)
	}
	claimedBy(t, s, c, "bob", 10, "alice", at(9).Add(store.ClaimTTL))
	if err := s.ReleaseClaim(ctx(t), c, "alice"); err != nil {
		t.Fatal(err)
	}
	claim(t, s, c, "bob", 10)

	// Purge's sweep of expired claims leaves bob's live one.
	if _, err := s.Purge(ctx(t), T0, at(11)); err != nil {
		t.Fatal(err)
	}
	claimedBy(t, s, c, "alice", 11, "bob", at(10).Add(store.ClaimTTL))
	// Without Now, List reports no claim.
	p, err = s.List(ctx(t), store.Filter{Status: store.Pending})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range p.Items {
		if it.Claim != nil {
			t.Fatalf("List without Now reports claim %+v", it.Claim)
		}
	}
}

// testClaimsConcurrent: moderators opening one item at the same instant;
// exactly one holds it, and every other is told who.
func testClaimsConcurrent(t *testing.T, s store.Store) {
	defer s.Close()
	id := put(t, s, NewRecord("cc", "L", "S", "abc", PNG))
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.Claim(ctx(t), id, fmt.Sprintf("mod%d", i), T0, at(5))
		}()
	}
	wg.Wait()
	winner := ""
	for i, err := range errs {
		var ce *store.ClaimedError
		switch {
		case err == nil && winner == "":
			winner = fmt.Sprintf("mod%d", i)
		case err == nil:
			t.Fatalf("two moderators hold item %d: %s and mod%d", id, winner, i)
		case !errors.As(err, &ce):
			t.Fatalf("mod%d: %v", i, err)
		}
	}
	if winner == "" {
		t.Fatal("nobody holds the item")
	}
	for i, err := range errs {
		var ce *store.ClaimedError
		if errors.As(err, &ce) && ce.Claim.Moderator != winner {
			t.Fatalf("mod%d told %s holds it; %s does", i, ce.Claim.Moderator, winner)
		}
	}
}
