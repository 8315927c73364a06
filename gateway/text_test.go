package gateway

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/qrgate/qrgate/policy"
	"github.com/qrgate/qrgate/review/store"
)

// floodText is issue 22's text: 256 KiB of "x.io/N" words, 24,840 links.
func floodText() string {
	var b strings.Builder
	for i := 0; b.Len() < 256<<10-16; i++ {
		fmt.Fprintf(&b, "x.io/%d ", i)
	}
	return b.String()
}

// TestTextFloodBounded: a 256 KiB text of links is answered with the cap's
// worth of findings and the too_many_findings summary, in an answer no
// larger than the text, and recorded for review with the same findings.
func TestTextFloodBounded(t *testing.T) {
	tg := startGateway(t)
	text := floodText()
	r := postJSON(t, tg.pub+"/v1/scan", map[string]any{"listing_id": "L1", "seller_id": "S1", "texts": []string{"hello", text}})
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if len(r.body) > 256<<10 {
		t.Errorf("answer of %d bytes for a %d-byte text, want at most 256 KiB", len(r.body), len(text))
	}
	m := r.json(t)
	fs, _ := m["findings"].([]any)
	if len(fs) != policy.DefaultMaxTextFindings+1 || m["verdict"] != "warn" {
		t.Fatalf("%d findings, verdict %v", len(fs), m["verdict"])
	}
	sum, _ := fs[len(fs)-1].(map[string]any)
	if sum["category"] != "too_many_findings" || sum["rule"] != "text.limit" || sum["action"] != "warn" || sum["text"] != 1.0 ||
		sum["count"] != float64(strings.Count(text, " ")-policy.DefaultMaxTextFindings) {
		t.Errorf("summary %v", sum)
	}
	recs := tg.rec.all()
	if len(recs) != 1 || len(recs[0].Findings) != policy.DefaultMaxTextFindings+1 {
		t.Fatalf("recorded %d listings", len(recs))
	}
	if got := metric(t, tg.reg, "qrgate_findings_total", "category", "too_many_findings"); got != 1 {
		t.Errorf("qrgate_findings_total{category=too_many_findings} = %v, want 1", got)
	}
}

// TestTextFindingsCapFlag: Config.MaxTextFindings (--max-text-findings) is
// the cap the gateway applies.
func TestTextFindingsCapFlag(t *testing.T) {
	tg := startGateway(t, func(o *Options) { o.Config.MaxTextFindings = 2 })
	r := postJSON(t, tg.pub+"/v1/scan", map[string]any{"listing_id": "L1", "texts": []string{"x.io/1 x.io/2 x.io/3 x.io/4"}})
	fs, _ := r.json(t)["findings"].([]any)
	if len(fs) != 3 || fs[2].(map[string]any)["count"] != 2.0 {
		t.Errorf("cap 2, four links: %s", r.body)
	}
}

// truncatingRecorder stores like fakeRecorder and says a quota kept part
// of every listing out.
type truncatingRecorder struct{ fakeRecorder }

func (r *truncatingRecorder) Record(ctx context.Context, rec *store.Record) error {
	rec.Truncated = &store.Truncation{Reason: store.OverClientQuota, TextBytes: 1}
	return r.fakeRecorder.Record(ctx, rec)
}

// TestRecordClientAndTruncation: the record names its client as the
// per-client quota needs it (an address on the open API, the key with API
// keys), and a listing a quota cut is answered review_truncated.
func TestRecordClientAndTruncation(t *testing.T) {
	listing := map[string]any{"listing_id": "L1", "seller_id": "S1", "texts": []string{"x.io/1"}}
	rec := &truncatingRecorder{}
	tg := startGateway(t, func(o *Options) { o.Recorder = rec })
	r := postJSON(t, tg.pub+"/v1/scan", listing)
	if m := r.json(t); m["review_stored"] != true || m["review_truncated"] != true {
		t.Errorf("answer: %s", r.body)
	}
	if recs := rec.all(); len(recs) != 1 || !recs[0].ByAddress || !strings.HasPrefix(recs[0].Client, "addr:127.0.0.1") {
		t.Fatalf("open API record: %+v", recs[0])
	}
	k, err := LoadAPIKeys(writeFile(t, "keys", "key-one\n"))
	if err != nil {
		t.Fatal(err)
	}
	keyed := startGateway(t, func(o *Options) { o.APIKeys = k })
	r = postJSON(t, keyed.pub+"/v1/scan", listing, "Authorization", "Bearer key-one")
	if m := r.json(t); m["review_stored"] != true || m["review_truncated"] != false {
		t.Errorf("answer: %s", r.body)
	}
	if recs := keyed.rec.all(); len(recs) != 1 || recs[0].ByAddress || !strings.HasPrefix(recs[0].Client, "key:") {
		t.Fatalf("API key record: %+v", recs[0])
	}
}
