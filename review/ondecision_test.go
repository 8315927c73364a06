package review

import (
	"net/http"
	"sync/atomic"
	"testing"
)

// TestOnDecisionAfterEachCommit: the decision webhook is woken once per
// committed decision (an override too), never for a refused one.
func TestOnDecisionAfterEachCommit(t *testing.T) {
	var calls atomic.Int32
	ts := newTestServer(t, func(o *Options) { o.OnDecision = func() { calls.Add(1) } })
	ts.record(t, flagged(t, "scan-1", "L1", "S1", "weixin: abc", "abc", testPNG(t, 8, 8, 1)))
	id := "1"
	if resp := ts.do(t, "POST", "/v1/reviews/"+id+"/decision", aliceToken, map[string]any{"decision": "reject"}, nil); resp.StatusCode != 200 {
		t.Fatalf("decision: %d", resp.StatusCode)
	}
	if resp := ts.do(t, "POST", "/v1/reviews/"+id+"/decision", bobToken, map[string]any{"decision": "approve"}, nil); resp.StatusCode != http.StatusConflict {
		t.Fatalf("second decision: %d", resp.StatusCode)
	}
	if resp := ts.do(t, "POST", "/v1/reviews/"+id+"/decision", bobToken, map[string]any{"decision": "approve", "override": true}, nil); resp.StatusCode != 200 {
		t.Fatalf("override: %d", resp.StatusCode)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("OnDecision called %d times, want 2", n)
	}
}
