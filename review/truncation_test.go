package review

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/qrgate/qrgate/decoder/symbology"
	"github.com/qrgate/qrgate/policy"
	"github.com/qrgate/qrgate/review/store"
)

// withLinks is a flagged record whose one text holds n links, each a
// finding.
func withLinks(t *testing.T, scan, seller string, n, pad int) *Record {
	r := flagged(t, scan, "L-"+scan, seller, "weixin: x", "x", nil)
	r.Images = nil
	var b strings.Builder
	r.Findings = nil
	for i := range n {
		start := b.Len()
		fmt.Fprintf(&b, "x.io/%d", i)
		r.Findings = append(r.Findings, policy.Finding{Source: policy.SourceText, Start: start, End: b.Len(), Symbology: symbology.TEXT,
			Payload: b.String()[start:], Identifier: b.String()[start:], Category: "external_link", Action: policy.Warn, Rule: "url.other"})
		b.WriteByte(' ')
	}
	b.WriteString(strings.Repeat("-", pad))
	r.Texts = []string{b.String()}
	return r
}

// TestItemPageTruncatedAndPaged: an item stored over its quota says on
// its page what was left out and why; a metric counts it; its findings are
// listed 100 a page; the page shows at most 64 KiB of text.
func TestItemPageTruncatedAndPaged(t *testing.T) {
	ts := newTestServer(t, func(o *Options) { o.Quotas = store.Quotas{SellerBytes: 200 << 10} })
	ts.record(t, withLinks(t, "a", "S", 250, 100<<10))
	over := withLinks(t, "b", "S", 250, 100<<10)
	ts.record(t, over)
	if over.Truncated == nil || over.Truncated.Reason != store.OverSellerQuota {
		t.Fatalf("second listing: truncated %+v", over.Truncated)
	}
	if n := testutil.ToFloat64(ts.svc.m.truncated.WithLabelValues(store.OverSellerQuota)); n != 1 {
		t.Errorf("qrgate_review_truncated_total{reason=seller_quota} = %v, want 1", n)
	}
	b := ts.browser(t)
	b.login(aliceToken)
	resp, page := b.get("/ui/items/2")
	if resp.StatusCode != 200 || !strings.Contains(page, `id="truncated"`) || !strings.Contains(page, fmt.Sprint(over.Truncated.TextBytes, " bytes of its texts")) ||
		!strings.Contains(page, "the seller&#39;s storage quota was full") {
		t.Errorf("truncated item page (%d) does not say what was left out and why", resp.StatusCode)
	}
	_, page = b.get("/ui/items/1")
	if strings.Contains(page, `id="truncated"`) {
		t.Error("an item stored whole says it was truncated")
	}
	// 250 findings: three pages; the first lists 1–100, the last 201–250.
	if strings.Count(page, `<td class="n">`) != 100 || !strings.Contains(page, "1–100 of 250") || !strings.Contains(page, `href="/ui/items/1?findings=2"`) {
		t.Errorf("first findings page: %d rows", strings.Count(page, `<td class="n">`))
	}
	if !strings.Contains(page, "more bytes not shown here") {
		t.Error("a text over 64 KiB is shown whole")
	}
	_, page = b.get("/ui/items/1?findings=3")
	if strings.Count(page, `<td class="n">`) != 50 || !strings.Contains(page, `<td class="n">250</td>`) || !strings.Contains(page, "201–250 of 250") {
		t.Errorf("last findings page: %d rows", strings.Count(page, `<td class="n">`))
	}
	if resp, _ := b.get("/ui/items/1?findings=4"); resp.StatusCode != 400 {
		t.Errorf("findings page 4 of 3: %d, want 400", resp.StatusCode)
	}
}

// TestPurgedItemGone: after a retention purge, an item the counts no
// longer count answers 404 "purged" on the API and the page, and refuses
// a decision; the counts and the queue agree.
func TestPurgedItemGone(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ts := newTestServer(t, func(o *Options) {
		o.Now = func() time.Time { return now }
		o.RetainDecided = time.Hour
		o.MaintainEvery = time.Hour
	})
	ts.record(t, flagged(t, "a", "L1", "S1", "weixin: a", "a", testPNG(t, 48, 36, 1)))
	ts.record(t, flagged(t, "b", "L2", "S1", "weixin: b", "b", testPNG(t, 48, 36, 2)))
	ts.do(t, "POST", "/v1/reviews/1/decision", aliceToken, map[string]any{"decision": "reject"}, nil)
	now = now.Add(2 * time.Hour)
	ts.svc.Maintain()
	var l listBody
	ts.do(t, "GET", "/v1/reviews", aliceToken, nil, &l)
	if l.Counts[store.Rejected] != 0 || l.Counts[store.Pending] != 1 || len(l.Items) != 1 {
		t.Fatalf("after the purge: counts %v, %d items", l.Counts, len(l.Items))
	}
	var e errBody
	if resp := ts.do(t, "GET", "/v1/reviews/1", aliceToken, nil, &e); resp.StatusCode != 404 || e.Error.Code != "purged" {
		t.Errorf("GET of the purged item: %d %+v, want 404 purged", resp.StatusCode, e)
	}
	if resp := ts.do(t, "POST", "/v1/reviews/1/decision", aliceToken, map[string]any{"decision": "approve", "override": true}, &e); resp.StatusCode != 404 || e.Error.Code != "purged" {
		t.Errorf("decision on the purged item: %d %+v, want 404 purged", resp.StatusCode, e)
	}
	b := ts.browser(t)
	b.login(aliceToken)
	if resp, page := b.get("/ui/items/1"); resp.StatusCode != 404 || !strings.Contains(page, "retention") {
		t.Errorf("page of the purged item: %d", resp.StatusCode)
	}
	if resp := ts.do(t, "GET", "/v1/reviews/2", aliceToken, nil, nil); resp.StatusCode != 200 {
		t.Errorf("the pending item: %d", resp.StatusCode)
	}
}
