package policy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/qrgate/qrgate/internal/filewatch"
)

// ErrNoFile is returned by Reload when the built-in policy is in use.
var ErrNoFile = errors.New("no policy file configured (the built-in policy is in use)")

// Holder holds the policy in force. Readers take one snapshot per
// listing with Get; a reload parses a fresh policy and swaps the pointer, so
// a request never sees half of two policies and a bad file never replaces a
// good one.
type Holder struct {
	path string
	file *filewatch.File // nil for the built-in policy
	cur  atomic.Pointer[Policy]

	mu sync.Mutex // serialises reloads

	onSwap   func(old, new *Policy)
	onResult func(err error)
}

// NewHolder loads path, or the built-in policy when path is "".
func NewHolder(path string) (*Holder, error) {
	h := &Holder{path: path}
	if path == "" {
		h.cur.Store(Default())
		return h, nil
	}
	h.file = filewatch.New(path)
	b, err := h.file.Read()
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	p, err := parseFile(path, b)
	if err != nil {
		return nil, err
	}
	h.cur.Store(p)
	return h, nil
}

// Get returns the policy in force.
func (h *Holder) Get() *Policy { return h.cur.Load() }

// Path is the policy file, "" for the built-in one.
func (h *Holder) Path() string { return h.path }

// Observe installs hooks for metrics and logs: onSwap after a new policy is
// in force, onResult after every reload attempt (nil error on success).
func (h *Holder) Observe(onSwap func(old, new *Policy), onResult func(error)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.onSwap, h.onResult = onSwap, onResult
}

// Reload reads and parses the file again and swaps it in if valid. It
// returns the policy in force afterwards (the old one on error).
func (h *Holder) Reload() (*Policy, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.path == "" {
		return h.Get(), ErrNoFile
	}
	b, err := h.file.Read()
	return h.apply(b, err)
}

// apply finishes a reload with the file's bytes (or the error reading them).
func (h *Holder) apply(b []byte, err error) (*Policy, error) {
	var p *Policy
	if err != nil {
		err = fmt.Errorf("policy: %w", err)
	} else {
		p, err = parseFile(h.path, b)
	}
	if h.onResult != nil {
		h.onResult(err)
	}
	if err != nil {
		return h.Get(), err
	}
	old := h.cur.Swap(p)
	if h.onSwap != nil {
		h.onSwap(old, p)
	}
	return p, nil
}

// Watch checks the policy file every interval until ctx ends and reloads
// it when its content changes (filewatch: a ConfigMap's symlink swap is
// seen, a touch is not). A bad file is refused once (counted and logged by
// the hooks) and not retried until it changes again.
func (h *Holder) Watch(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	h.WatchTicks(ctx, t.C, log)
}

// WatchTicks is Watch driven by tick (see filewatch.File.WatchTicks).
func (h *Holder) WatchTicks(ctx context.Context, tick <-chan time.Time, log *slog.Logger) {
	if h.file == nil {
		return
	}
	h.file.WatchTicks(ctx, tick, func(b []byte) {
		h.mu.Lock()
		p, err := h.apply(b, nil)
		h.mu.Unlock()
		if err != nil {
			log.Error("policy file changed but is invalid; keeping the policy in force", "file", h.path, "err", err, "version", p.Version())
		} else {
			log.Info("policy file changed; reloaded", "file", h.path, "version", p.Version())
		}
	})
}
