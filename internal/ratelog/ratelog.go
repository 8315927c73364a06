// Package ratelog keeps a flood of identical log lines from flooding the
// logs: a slog.Handler wrapper that passes at most Burst records of one
// message (at one level) per Interval and drops the rest, counting them.
// The next record of that message to pass carries the count as
// dropped=N, and Flush reports what is still pending (at shutdown), so a
// reader always learns how many lines were left out.
//
// Records are keyed by level and message only, not by their attributes:
// "review store failed" for a thousand scan ids is one message repeated,
// which is exactly what must not take a thousand lines.
package ratelog

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Defaults.
const (
	DefaultBurst    = 10
	DefaultInterval = 10 * time.Second
	DefaultMaxKeys  = 1024
)

// DroppedKey is the attribute that carries the count of dropped records.
const DroppedKey = "dropped"

// Options tune the limiter. Zero fields take the defaults.
type Options struct {
	Burst    int           // records of one message passed per interval
	Interval time.Duration // the window Burst applies to
	// MaxKeys bounds the messages tracked; messages beyond it share one
	// budget per level (messages are constants in code, so this is a
	// safety net, not a working limit).
	MaxKeys int
	Now     func() time.Time
}

// Handler is the rate-limiting wrapper. Handlers derived with WithAttrs and
// WithGroup share their parent's counts.
type Handler struct {
	next slog.Handler
	st   *state
}

type key struct {
	level slog.Level
	msg   string
}

type bucket struct {
	start   time.Time
	passed  int
	dropped int
}

type state struct {
	mu      sync.Mutex
	o       Options
	buckets map[key]*bucket
	// handler is the innermost handler Flush writes through.
	handler slog.Handler
}

// New wraps next.
func New(next slog.Handler, o Options) *Handler {
	if o.Burst <= 0 {
		o.Burst = DefaultBurst
	}
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	if o.MaxKeys <= 0 {
		o.MaxKeys = DefaultMaxKeys
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Handler{next: next, st: &state{o: o, buckets: map[key]*bucket{}, handler: next}}
}

// Enabled defers to the wrapped handler.
func (h *Handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

// Handle passes r on unless its message has used its burst in this window.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	pass, dropped := h.st.admit(key{r.Level, r.Message})
	if !pass {
		return nil
	}
	if dropped > 0 {
		r = r.Clone()
		r.AddAttrs(slog.Int(DroppedKey, dropped))
	}
	return h.next.Handle(ctx, r)
}

// WithAttrs shares the counts with h.
func (h *Handler) WithAttrs(as []slog.Attr) slog.Handler {
	return &Handler{next: h.next.WithAttrs(as), st: h.st}
}

// WithGroup shares the counts with h.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{next: h.next.WithGroup(name), st: h.st}
}

// admit decides one record; dropped is the count of this message's records
// dropped since the last one that passed, reported on this one.
func (s *state) admit(k key) (pass bool, dropped int) {
	now := s.o.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.buckets[k]
	if b == nil {
		if len(s.buckets) >= s.o.MaxKeys {
			k.msg = ""
			b = s.buckets[k]
		}
		if b == nil {
			b = &bucket{start: now}
			s.buckets[k] = b
		}
	}
	if now.Sub(b.start) >= s.o.Interval {
		b.start, b.passed = now, 0
	}
	if b.passed >= s.o.Burst {
		b.dropped++
		return false, 0
	}
	b.passed++
	dropped, b.dropped = b.dropped, 0
	return true, dropped
}

// Flush writes one record per message with drops not yet reported, and
// forgets every count. Call it before the process exits.
func (h *Handler) Flush(ctx context.Context) error {
	s := h.st
	s.mu.Lock()
	var pending []slog.Record
	now := s.o.Now()
	for k, b := range s.buckets {
		if b.dropped > 0 {
			msg := k.msg
			if msg == "" {
				msg = "log lines over the per-message limit"
			}
			r := slog.NewRecord(now, k.level, msg, 0)
			r.AddAttrs(slog.Int(DroppedKey, b.dropped))
			pending = append(pending, r)
		}
	}
	s.buckets = map[key]*bucket{}
	s.mu.Unlock()
	for _, r := range pending {
		if err := s.handler.Handle(ctx, r); err != nil {
			return err
		}
	}
	return nil
}
