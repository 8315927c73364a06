// Package membudget is a budget of bytes that work reserves before it
// allocates: an image decode reserves what its headers say it will hold
// (decoder/image.Info.Bytes) and gives it back when it ends, so that
// concurrent decodes never hold more than the budget, whatever the images.
//
// Unlike a FIFO semaphore, a reservation that fits goes ahead even while a
// bigger one waits: ordinary images are not held up behind a bomb, and a
// bomb that cannot get its bytes within the wait is refused (the caller
// answers 503), which is what it should get under load.
package membudget

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Errors of Acquire.
var (
	// ErrTooLarge: the reservation is larger than the whole budget.
	ErrTooLarge = errors.New("more memory than the whole decode budget")
	// ErrTimeout: the bytes were not free within the wait.
	ErrTimeout = errors.New("decode memory budget spent; the wait for it would exceed the queue timeout")
)

// Budget is a number of bytes shared by its reservations. It is safe for
// concurrent use.
type Budget struct {
	max     int64
	mu      sync.Mutex
	used    int64
	changed chan struct{} // closed (and replaced) whenever bytes are released
}

// New returns a budget of max bytes.
func New(max int64) *Budget {
	return &Budget{max: max, changed: make(chan struct{})}
}

// Max is the budget's size in bytes.
func (b *Budget) Max() int64 { return b.max }

// InUse is the bytes reserved now.
func (b *Budget) InUse() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}

// Acquire reserves n bytes, waiting at most wait for them to be free. The
// returned release must be called exactly once. It fails with ErrTooLarge
// at once when n is over the whole budget, with ErrTimeout when the wait
// passes, and with ctx's error when ctx ends first.
func (b *Budget) Acquire(ctx context.Context, n int64, wait time.Duration) (release func(), err error) {
	if n > b.max {
		return nil, ErrTooLarge
	}
	n = max(n, 0)
	var timer *time.Timer
	for {
		b.mu.Lock()
		if b.used+n <= b.max {
			b.used += n
			b.mu.Unlock()
			return b.releaser(n), nil
		}
		changed := b.changed
		b.mu.Unlock()
		if timer == nil {
			timer = time.NewTimer(wait)
			defer timer.Stop()
		}
		select {
		case <-changed:
		case <-timer.C:
			return nil, ErrTimeout
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (b *Budget) releaser(n int64) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			b.mu.Lock()
			b.used -= n
			close(b.changed)
			b.changed = make(chan struct{})
			b.mu.Unlock()
		})
	}
}
