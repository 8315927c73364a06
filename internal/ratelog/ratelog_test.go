package ratelog

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func lines(t *testing.T, b *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		out = append(out, m)
	}
	b.Reset()
	return out
}

// TestBurstThenDropsCounted: 1000 identical errors in one window give
// Burst lines; the first line of the next window reports the rest.
func TestBurstThenDropsCounted(t *testing.T) {
	var buf bytes.Buffer
	c := &clock{time.Unix(1000, 0)}
	h := New(slog.NewJSONHandler(&buf, nil), Options{Burst: 3, Interval: time.Second, Now: c.now})
	log := slog.New(h).With("component", "store")
	for i := range 1000 {
		log.Error("review store failed", "scan_id", i)
	}
	log.Info("other message") // its own budget
	got := lines(t, &buf)
	if len(got) != 4 {
		t.Fatalf("%d lines, want 3 + 1: %v", len(got), got)
	}
	for _, l := range got[:3] {
		if _, ok := l[DroppedKey]; ok || l["component"] != "store" {
			t.Errorf("line within the burst: %v", l)
		}
	}
	c.t = c.t.Add(time.Second)
	log.Error("review store failed", "scan_id", 1000)
	got = lines(t, &buf)
	if len(got) != 1 || got[0][DroppedKey] != float64(997) || got[0]["scan_id"] != float64(1000) {
		t.Fatalf("next window: %v, want one line with dropped=997", got)
	}
	// Dropped again, then reported by Flush.
	for range 5 {
		log.Error("review store failed")
	}
	if err := h.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	got = lines(t, &buf)
	if len(got) != 3 || got[2]["msg"] != "review store failed" || got[2][DroppedKey] != float64(3) {
		t.Fatalf("after Flush: %v, want 2 passed and a summary of 3 dropped", got)
	}
}

// TestLevelsAndKeysBounded: a level is part of the key, and messages past
// MaxKeys share one budget instead of growing the map.
func TestLevelsAndKeysBounded(t *testing.T) {
	var buf bytes.Buffer
	c := &clock{time.Unix(1000, 0)}
	h := New(slog.NewJSONHandler(&buf, nil), Options{Burst: 1, Interval: time.Minute, MaxKeys: 2, Now: c.now})
	log := slog.New(h)
	log.Warn("a")
	log.Error("a")
	for i := range 100 {
		log.Error("distinct " + strings.Repeat("x", i))
	}
	got := lines(t, &buf)
	if len(got) != 3 {
		t.Fatalf("%d lines, want warn a, error a, one overflow line: %v", len(got), got)
	}
	if n := len(h.st.buckets); n != 3 {
		t.Errorf("%d buckets, want 3 (2 keys + overflow)", n)
	}
}
