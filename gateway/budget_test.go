package gateway

import (
	"errors"
	"testing"
	"time"

	"github.com/qrgate/qrgate/decoder"
	"github.com/qrgate/qrgate/internal/testfixtures"
)

// TestDecoyGIFOverHTTP (issue 22): the decoy animation — an allowed
// platform link in frame 0, a WeChat link in frame 49, noise between — is
// answered warn or block, never allow, at the default work budget and at a
// tenth of it: a scan cut short answers the timeout error, partial, and an
// IMAGE_ERROR finding beside the code it read, and the listing reaches the
// review queue. The cut was decided by the work budget, so the same bytes
// again are a cache hit with the same answer.
func TestDecoyGIFOverHTTP(t *testing.T) {
	data := testfixtures.DecoyGIF()
	for _, budget := range []decoder.Work{decoder.DefaultBudget, decoder.DefaultBudget / 10} {
		t.Run(budget.String(), func(t *testing.T) {
			// No wall-clock cut: on a slow machine the scan deadline would
			// cut first, and that is not cached (TestScanDeadlineMarksPartial).
			tg := startGateway(t, func(o *Options) { o.Decoder.Budget, o.Config.ScanTimeout = budget, time.Hour })
			var verdicts []any
			for i, wantCached := range []bool{false, true} {
				r := do(t, "POST", tg.pub+"/v1/scan?listing_id=decoy&seller_id=S", "image/gif", data)
				m := r.json(t)
				if r.status != 200 {
					t.Fatalf("%d %s", r.status, r.body)
				}
				verdicts = append(verdicts, m["verdict"])
				if v := m["verdict"]; v != "warn" && v != "block" {
					t.Fatalf("request %d: verdict %v, want warn or block: %s", i, v, r.body)
				}
				im := m["images"].([]any)[0].(map[string]any)
				if im["cached"] != wantCached {
					t.Errorf("request %d: cached %v, want %v", i, im["cached"], wantCached)
				}
				if im["partial"] != true {
					continue // scanned to the end: the WeChat code blocks
				}
				if e, _ := im["error"].(map[string]any); e == nil || e["code"] != "timeout" {
					t.Errorf("request %d: partial with error %v, want timeout", i, im["error"])
				}
				var syms []any
				for _, f := range m["findings"].([]any) {
					syms = append(syms, f.(map[string]any)["symbology"])
				}
				if len(syms) != 2 || syms[0] != "QR_CODE" || syms[1] != "IMAGE_ERROR" {
					t.Errorf("request %d: findings %v, want frame 0's QR code and one IMAGE_ERROR", i, syms)
				}
			}
			if verdicts[0] != verdicts[1] {
				t.Errorf("verdicts %v: the cached answer differs", verdicts)
			}
			if verdicts[0] == "warn" {
				tg.rec.mu.Lock()
				n := len(tg.rec.records)
				tg.rec.mu.Unlock()
				if n != 2 {
					t.Errorf("%d listings queued for review, want both", n)
				}
			}
		})
	}
}

// TestCacheableOutcomes: what the bytes and the limits decide is cached —
// codes, image errors (too_large…), a cut by the work budget with or without
// codes; a wall-clock cut (the scan deadline, whatever stage it reached) is
// not.
func TestCacheableOutcomes(t *testing.T) {
	timeout := &decoder.Error{Code: decoder.ErrTimeout, Message: "cut"}
	code := []decoder.Code{{Symbology: "QR_CODE", Text: "x"}}
	for _, c := range []struct {
		name string
		out  decodeOutcome
		want bool
	}{
		{"complete", decodeOutcome{res: &decoder.Result{Codes: code}}, true},
		{"image error", decodeOutcome{res: &decoder.Result{}, err: &decoder.Error{Code: decoder.ErrTooLarge}}, true},
		{"partial, work budget", decodeOutcome{res: &decoder.Result{Codes: code, Partial: true, Cut: decoder.CutByBudget}}, true},
		{"timeout, work budget", decodeOutcome{res: &decoder.Result{Partial: true, Cut: decoder.CutByBudget}, err: timeout}, true},
		{"partial, deadline", decodeOutcome{res: &decoder.Result{Codes: code, Partial: true, Cut: decoder.CutByDeadline}}, false},
		{"timeout, deadline", decodeOutcome{res: &decoder.Result{Partial: true, Cut: decoder.CutByDeadline}, err: timeout}, false},
		{"timeout inside the pixel decoders", decodeOutcome{res: &decoder.Result{}, err: timeout}, false},
		{"timeout before a worker", decodeOutcome{err: timeout}, false},
		{"not a decoder error", decodeOutcome{err: errors.New("not a decoder error")}, false},
	} {
		if got := cacheable(c.out); got != c.want {
			t.Errorf("%s: cacheable %v, want %v", c.name, got, c.want)
		}
	}
}
