package membudget

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestReservationsNeverExceedTheBudget: what fits goes ahead, what does
// not waits for a release, and a reservation over the whole budget is
// refused at once.
func TestReservationsNeverExceedTheBudget(t *testing.T) {
	b := New(100)
	ctx := context.Background()
	r60, err := b.Acquire(ctx, 60, time.Hour)
	if err != nil || b.InUse() != 60 {
		t.Fatalf("60 of 100: %v, in use %d", err, b.InUse())
	}
	if _, err := b.Acquire(ctx, 101, time.Hour); !errors.Is(err, ErrTooLarge) {
		t.Errorf("101 of 100: %v, want ErrTooLarge", err)
	}
	got := make(chan error, 1)
	go func() {
		r, err := b.Acquire(ctx, 50, time.Hour) // waits for the 60 to go
		if err == nil {
			defer r()
		}
		got <- err
	}()
	// A small reservation that fits is not held up behind the waiting one.
	r30, err := b.Acquire(ctx, 30, time.Hour)
	if err != nil || b.InUse() != 90 {
		t.Fatalf("30 while 50 waits: %v, in use %d", err, b.InUse())
	}
	select {
	case err := <-got:
		t.Fatalf("50 was granted (%v) with 90 of 100 in use", err)
	default:
	}
	r60()
	r60() // twice is once
	if err := <-got; err != nil {
		t.Errorf("50 after the 60 was released: %v", err)
	}
	r30()
	if b.InUse() != 0 {
		t.Errorf("in use %d after every release", b.InUse())
	}
}

// TestAcquireGivesUp: the wait is bounded by its timeout and its context.
func TestAcquireGivesUp(t *testing.T) {
	b := New(10)
	hold, _ := b.Acquire(context.Background(), 10, 0)
	defer hold()
	if _, err := b.Acquire(context.Background(), 1, time.Millisecond); !errors.Is(err, ErrTimeout) {
		t.Errorf("full budget, 1 ms wait: %v, want ErrTimeout", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := b.Acquire(ctx, 1, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("full budget, cancelled context: %v", err)
	}
}
