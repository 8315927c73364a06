package scan_test

import (
	"context"
	"testing"

	"github.com/qrgate/qrgate/decoder"
	"github.com/qrgate/qrgate/decoder/symbology"
	"github.com/qrgate/qrgate/internal/testfixtures"
	"github.com/qrgate/qrgate/policy"
	"github.com/qrgate/qrgate/scan"
)

// TestDecoyGIFNeverAllowed (issue 22): frame 0 of the decoy holds an
// allowed platform link, frame 49 a WeChat link, noise in between. At the
// default budget and at a tenth of it the verdict is warn or block, never
// allow: a scan cut short carries the timeout error and one IMAGE_ERROR
// finding (on_image_error) beside the code it read.
func TestDecoyGIFNeverAllowed(t *testing.T) {
	data := testfixtures.DecoyGIF()
	pol := policy.Default()
	for _, budget := range []decoder.Work{decoder.DefaultBudget, decoder.DefaultBudget / 10} {
		t.Run(budget.String(), func(t *testing.T) {
			decode := scan.Direct(decoder.New(decoder.Config{Budget: budget}))
			l, err := scan.Scan(context.Background(), pol, scan.Input{Images: [][]byte{data}}, decode)
			if err != nil {
				t.Fatal(err)
			}
			if l.Verdict != policy.Warn && l.Verdict != policy.Block {
				t.Fatalf("verdict %s, want warn or block; findings %+v", l.Verdict, l.Findings)
			}
			im := l.Images[0]
			if !im.Partial {
				return // scanned to the end: the WeChat code made it block
			}
			if im.Error == nil || im.Error.Code != decoder.ErrTimeout {
				t.Errorf("a partial scan with error %+v, want timeout", im.Error)
			}
			errs, allowed := 0, false
			for _, f := range im.Findings {
				switch {
				case f.Symbology == symbology.IMAGE_ERROR:
					errs++
					if f.Action != pol.OnImageError() || f.Category != policy.CategoryImageError {
						t.Errorf("IMAGE_ERROR finding %+v, want category image_error, action %s", f, pol.OnImageError())
					}
				case f.Payload == testfixtures.DecoyAllowedPayload:
					allowed = true
				}
			}
			if errs != 1 || !allowed || im.Codes != len(im.Findings)-1 {
				t.Errorf("findings %+v (codes %d): want the frame-0 code and one IMAGE_ERROR", im.Findings, im.Codes)
			}
		})
	}
}

// TestPartialCarriesImageError: whatever cut a scan short (the work budget
// or a deadline), the codes it read are kept and the image gets the
// timeout error and one IMAGE_ERROR finding, so an allowed code can never
// make a cut-short image pass.
func TestPartialCarriesImageError(t *testing.T) {
	pol := policy.Default()
	shop := decoder.Code{Symbology: symbology.QR_CODE, Text: "https://item.taobao.com/item.htm?id=1", Corners: [][2]int{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}
	for _, cut := range []decoder.Cut{decoder.CutByBudget, decoder.CutByDeadline} {
		t.Run(cut.String(), func(t *testing.T) {
			res := &decoder.Result{Format: "gif", Frames: 50, Codes: []decoder.Code{shop}, Partial: true, Cut: cut, Work: 7}
			l, err := scan.Scan(context.Background(), pol, scan.Input{Images: make([][]byte, 1)}, fixed(scan.Decoded{Result: res}))
			if err != nil {
				t.Fatal(err)
			}
			im := l.Images[0]
			if l.Verdict != pol.OnImageError() || im.Error == nil || im.Error.Code != decoder.ErrTimeout || !im.Partial || im.Codes != 1 || im.Work != 7 {
				t.Fatalf("verdict %s, image %+v", l.Verdict, im)
			}
			if len(l.Findings) != 2 || l.Findings[0].Payload != shop.Text || l.Findings[1].Symbology != symbology.IMAGE_ERROR {
				t.Errorf("findings %+v, want the code then one IMAGE_ERROR", l.Findings)
			}
		})
	}
	// A complete scan has no error.
	res := &decoder.Result{Format: "png", Frames: 1, Codes: []decoder.Code{shop}}
	l, _ := scan.Scan(context.Background(), pol, scan.Input{Images: make([][]byte, 1)}, fixed(scan.Decoded{Result: res}))
	if l.Verdict != policy.Allow || l.Images[0].Error != nil || len(l.Findings) != 1 {
		t.Errorf("complete scan: verdict %s, image %+v", l.Verdict, l.Images[0])
	}
}
