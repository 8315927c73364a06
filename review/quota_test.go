package review

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/qrgate/qrgate/review/store"
)

// TestSellerFloodStaysWithinQuota: one seller sends 20 listings of 4
// distinct unreadable images; the store keeps that seller's bytes within
// its quota, queues every listing with its findings and image hashes, and
// the page says "not stored (limit)" where bytes are missing; another
// seller's flagged listing is stored whole and shown.
func TestSellerFloodStaysWithinQuota(t *testing.T) {
	const imgBytes = 64 << 10
	const quota = 1 << 20 // 16 images' worth
	ts := newTestServer(t, func(o *Options) { o.Quotas = store.Quotas{SellerBytes: quota, TotalBytes: 64 << 20} })
	for l := range 20 {
		r := flagged(t, fmt.Sprint("flood-", l), fmt.Sprint("F", l), "flooder", "weixin: x", "x", nil)
		r.Images = nil
		for i := range 4 {
			data := make([]byte, imgBytes)
			copy(data, fmt.Sprintf("unreadable %d/%d", l, i))
			r.Images = append(r.Images, Image{Index: i, Name: "junk.bin", Format: "", Data: data})
		}
		ts.record(t, r)
	}
	good := flagged(t, "good", "G1", "honest", "weixin: y", "y", testPNG(t, 480, 360, 3))
	ts.record(t, good)

	stored, err := ts.svc.st.StoredBytes(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if stored > quota+int64(len(good.Images[0].Data)) {
		t.Errorf("store holds %d bytes; the flooder's quota is %d", stored, quota)
	}
	// 16 images' worth, less the texts and findings every listing is
	// charged too: 15 images stored.
	if n := testutil.ToFloat64(ts.svc.m.notStored.WithLabelValues(store.OverSellerQuota)); n != 80-15 {
		t.Errorf("images not stored: %v, want 65", n)
	}
	if n := testutil.ToFloat64(ts.svc.m.truncated.WithLabelValues(store.OverSellerQuota)); n != 17 {
		t.Errorf("listings truncated: %v, want 17 (the 4th listing on)", n)
	}
	var l listBody
	ts.do(t, "GET", "/v1/reviews?seller_id=flooder&limit=100", aliceToken, nil, &l)
	if len(l.Items) != 20 {
		t.Fatalf("flooder's listings queued: %d, want all 20", len(l.Items))
	}
	var it itemBody
	ts.do(t, "GET", fmt.Sprintf("/v1/reviews/%d", l.Items[0].ID), aliceToken, nil, &it) // the newest: over quota
	if len(it.Images) != 4 || it.Images[0].Stored || it.Images[0].SHA256 == "" || len(it.Findings) != 2 {
		t.Fatalf("listing over quota: %+v", it)
	}
	var e errBody
	if resp := ts.do(t, "GET", it.Images[0].URL, aliceToken, nil, &e); resp.StatusCode != 404 || !strings.Contains(e.Error.Message, "not stored (limit)") {
		t.Errorf("bytes of an image over quota: %d %+v", resp.StatusCode, e)
	}
	b := ts.browser(t)
	b.login(aliceToken)
	resp, page := b.get(fmt.Sprintf("/ui/items/%d", l.Items[0].ID))
	if resp.StatusCode != 200 || strings.Count(page, "not stored (limit)") != 4 {
		t.Errorf("item page over quota: %d, %d × \"not stored (limit)\", want 4", resp.StatusCode, strings.Count(page, "not stored (limit)"))
	}
	ts.do(t, "GET", "/v1/reviews?seller_id=honest", aliceToken, nil, &l)
	if len(l.Items) != 1 {
		t.Fatalf("the other seller's listing: %+v", l.Items)
	}
	resp, page = b.get(fmt.Sprintf("/ui/items/%d", l.Items[0].ID))
	if resp.StatusCode != 200 || strings.Contains(page, "not stored (limit)") || !strings.Contains(page, "/v1/images/") {
		t.Errorf("the other seller's item page: %d, images not shown", resp.StatusCode)
	}
	if r := ts.do(t, "GET", "/v1/images/"+good.Images[0].SHA256, aliceToken, nil, nil); r.StatusCode != http.StatusOK {
		t.Errorf("the other seller's image: %d", r.StatusCode)
	}
	// Maintenance reads the size for the gauge.
	ts.svc.Maintain()
	if g := testutil.ToFloat64(ts.svc.m.storedBytes); int64(g) != stored {
		t.Errorf("qrgate_review_store_bytes = %v, want %d", g, stored)
	}
	if g := testutil.ToFloat64(ts.svc.m.maxBytes); g != 64<<20 {
		t.Errorf("qrgate_review_store_max_bytes = %v", g)
	}
}

// TestRetentionPurge: a maintenance round after --retain-decided empties
// decided items and counts it; pending items stay.
func TestRetentionPurge(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ts := newTestServer(t, func(o *Options) {
		o.Now = func() time.Time { return now }
		o.RetainDecided = time.Hour
		o.MaintainEvery = time.Hour // rounds run only when the test calls Maintain
	})
	ts.record(t, flagged(t, "a", "L1", "S1", "weixin: a", "a", testPNG(t, 48, 36, 1)))
	ts.record(t, flagged(t, "b", "L2", "S1", "weixin: b", "b", testPNG(t, 48, 36, 2)))
	if resp := ts.do(t, "POST", "/v1/reviews/1/decision", aliceToken, map[string]any{"decision": "reject"}, nil); resp.StatusCode != 200 {
		t.Fatalf("decide: %d", resp.StatusCode)
	}
	ts.svc.Maintain()
	if _, err := ts.svc.st.Get(t.Context(), 1); err != nil {
		t.Fatalf("before its retention ended: %v", err)
	}
	now = now.Add(2 * time.Hour)
	ts.svc.Maintain()
	if _, err := ts.svc.st.Get(t.Context(), 1); !errors.Is(err, store.ErrPurged) {
		t.Errorf("decided item after retention: %v, want ErrPurged", err)
	}
	if _, err := ts.svc.st.Get(t.Context(), 2); err != nil {
		t.Errorf("a pending item after the purge: %v", err)
	}
	if n := testutil.ToFloat64(ts.svc.m.purged.WithLabelValues("items")); n != 1 {
		t.Errorf("purged items metric %v, want 1", n)
	}
}
