package decoder

import (
	"context"
	"os"
	"strings"
	"testing"
)

// TestChargesAddUp: what a scan is charged is its levels' pixels plus its
// reader calls' costs. A clean 640×480 photo with every strategy off is
// charged exactly the full plane and its 2×, 4× and 8× reductions (the 16×
// one's shorter side is under 60 px: not scanned); with the finder search
// on, each finder triplet tried adds chargeTriplet on top.
func TestChargesAddUp(t *testing.T) {
	data, err := os.ReadFile("../testdata/images/clean-photo.jpg")
	if err != nil {
		t.Fatal(err)
	}
	var levels Work
	for scale := 1; scale <= 8; scale *= 2 {
		levels += Work(640/scale) * Work(480/scale)
	}
	var all Strategy
	for _, st := range AllStrategies() {
		all |= st
	}
	res, err := New(Config{Skip: all}).Decode(context.Background(), data)
	if err != nil || res.Partial || res.Width != 640 || res.Height != 480 {
		t.Fatalf("%v, %+v", err, res)
	}
	if res.Work != levels {
		t.Errorf("every strategy off: charged %v, want the %v of the levels' pixels", res.Work, levels)
	}
	res, err = New(Config{Skip: all &^ (FinderFull | FinderHalf | FinderQuarter)}).Decode(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	if extra := res.Work - levels; extra <= 0 || extra%chargeTriplet != 0 {
		t.Errorf("finder search on: charged %v, want the levels' %v plus a whole number (> 0) of triplets at %v", res.Work, levels, chargeTriplet)
	}
}

// TestChargedAttempt: a reader call is charged its cost before it runs;
// the first one the budget cannot pay is not made, cuts the scan by the
// budget, and no call runs after it, however cheap.
func TestChargedAttempt(t *testing.T) {
	s := newScanState(context.Background(), 25, func(any) {})
	ran := 0
	for range 3 {
		charged{s, 10}.Attempt(func() { ran++ })
	}
	charged{s, 1}.Attempt(func() { ran++ })
	if ran != 2 || s.spent != 20 || s.cut != CutByBudget || !s.Expired() {
		t.Errorf("ran %d, spent %v, cut %v; want 2 calls, 20 spent, cut by the budget", ran, s.spent, s.cut)
	}
}

// TestDeadlineCut: once the caller's context is done no call runs or is
// charged, and the cut is the deadline's, not the budget's.
func TestDeadlineCut(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s := newScanState(ctx, DefaultBudget, func(any) {})
	charged{s, 10}.Attempt(func() {})
	cancel()
	ran := false
	charged{s, 10}.Attempt(func() { ran = true })
	if ran || s.spent != 10 || s.cut != CutByDeadline {
		t.Errorf("ran %v, spent %v, cut %v; want no call after the deadline, cut by it", ran, s.spent, s.cut)
	}
}

// TestParseWork: the budget's flag syntax — megapixel-passes as a plain
// number, optionally with its unit — and the old durations refused with a
// message naming the unit.
func TestParseWork(t *testing.T) {
	for in, want := range map[string]Work{"400": 400 * MPass, "0.5": MPass / 2, "40MPass": 40 * MPass, " 8 MPass ": 8 * MPass} {
		if got, err := ParseWork(in); err != nil || got != want {
			t.Errorf("ParseWork(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"2s", "300ms", "1m"} {
		if _, err := ParseWork(in); err == nil || !strings.Contains(err.Error(), "is a duration") || !strings.Contains(err.Error(), "megapixel-passes") {
			t.Errorf("ParseWork(%q): %v, want a refusal naming the new unit", in, err)
		}
	}
	for _, in := range []string{"", "0", "-1", "NaN", "Inf", "1e300", "lots"} {
		if w, err := ParseWork(in); err == nil {
			t.Errorf("ParseWork(%q) = %v, want an error", in, w)
		}
	}
}
