package review

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/qrgate/qrgate/decoder/symbology"
	"github.com/qrgate/qrgate/internal/testfixtures"
	"github.com/qrgate/qrgate/policy"
)

// itemWithImages is a listing of three images as the gateway now queues
// it: a photo with a code (a link), a photo with nothing found, and a
// 20000×20000 upload the scan refused as too_large.
func itemWithImages(t *testing.T) (*Record, [][2]int) {
	photo, corners := testfixtures.QRPhoto("https://shop.example.co.uk/deal?id=7", 1200, 900, 3)
	r := flagged(t, "img", "L-img", "S-img", "https://shop.example.co.uk/deal?id=7", "shop.example.co.uk/deal?id=7", nil)
	r.Images = []Image{
		{Index: 0, Name: "front.png", Format: "png", Width: 1200, Height: 900, Data: photo},
		{Index: 1, Name: "back.png", Format: "png", Width: 480, Height: 360, Data: testPNG(t, 480, 360, 4)},
		{Index: 2, Name: "huge.png", Format: "png", Width: 20000, Height: 20000, Data: testfixtures.PNGBomb(20000, 20000),
			ErrorCode: "too_large", ErrorMessage: "20000x20000 pixels is over the limit of 40 megapixels"},
	}
	r.Findings[0].Category, r.Findings[0].Rule, r.Findings[0].Corners = "external_link", "url.other", corners
	r.Findings = append(r.Findings, policy.Finding{Source: policy.SourceImage, Image: 2, Symbology: symbology.IMAGE_ERROR,
		Category: policy.CategoryImageError, Action: policy.Warn, Rule: "on_image_error"})
	return r, corners
}

// rect is an element's box on screen, "x,y,w,h".
func rect(t *testing.T, ctx context.Context, sel string) [4]float64 {
	t.Helper()
	s := evalString(t, ctx, `(function(){var r=document.querySelector('`+sel+`').getBoundingClientRect();return [r.x,r.y,r.width,r.height].join(',')})()`)
	var r [4]float64
	if _, err := fmt.Sscanf(strings.ReplaceAll(s, ",", " "), "%g %g %g %g", &r[0], &r[1], &r[2], &r[3]); err != nil {
		t.Fatalf("%s: %q: %v", sel, s, err)
	}
	return r
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// TestBrowserItemImages: the item page shows every image of the listing
// (the one with nothing found too, marked so), spells out why one could
// not be read instead of an empty IMAGE_ERROR (stumble 7) and does not
// draw a 20000×20000 upload as a blank box; the preview is the 1600 px
// thumbnail; outlines have a dark and a light stroke; clicking and the
// wheel zoom the image with its outlines (stumble 9), "fit" undoes it; a
// link's registrable domain is shown.
func TestBrowserItemImages(t *testing.T) {
	ctx, dialogs := newBrowser(t)
	ts := newTestServer(t)
	r, _ := itemWithImages(t)
	ts.record(t, r)
	loginInBrowser(t, ctx, ts.url, aliceToken)
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.url+"/ui/items/1"), chromedp.WaitVisible(chromedp.CSS("#shot-0 svg.overlay polygon.code"))); err != nil {
		t.Fatal(err)
	}
	if n := evalInt(t, ctx, `document.querySelectorAll('figure.shot').length`); n != 3 {
		t.Fatalf("%d images shown, want all 3", n)
	}
	captions := evalString(t, ctx, `[...document.querySelectorAll('figure.shot figcaption')].map(c => c.innerText.split(' · ').slice(0,2).join(' ')).join('|')`)
	if captions != "image 0 flagged|image 1 nothing found|image 2 flagged" {
		t.Errorf("captions %q", captions)
	}
	// Stumble 7: the reason, on the image and on its finding.
	if got := evalString(t, ctx, `document.getElementById('image-error-2').innerText`); got != "could not be read: too_large — 20000x20000 pixels is over the limit of 40 megapixels" {
		t.Errorf("image 2 says %q", got)
	}
	if got := evalString(t, ctx, `[...document.querySelectorAll('#findings tbody tr')].find(r => r.innerText.includes('IMAGE_ERROR')).querySelector('td.payload').innerText`); !strings.Contains(got, "too_large") || !strings.Contains(got, "over the limit") {
		t.Errorf("the IMAGE_ERROR finding's row says %q, want too_large and why", got)
	}
	// Not drawn as an SVG of the 20000×20000 original: its preview is the
	// thumbnailer's placeholder, which the browser draws.
	if n := evalInt(t, ctx, `document.querySelectorAll('#shot-2 svg').length`); n != 0 {
		t.Errorf("the too_large image is drawn as an SVG of the original")
	}
	waitTrue(t, ctx, `(i => i.complete && i.naturalWidth > 0)(document.querySelector('#shot-2 img.preview'))`)
	if got := evalString(t, ctx, `document.querySelector('#shot-2 img.preview').getAttribute('src')`); !strings.HasSuffix(got, "?w=1600") {
		t.Errorf("too_large preview src %q", got)
	}
	if got := evalString(t, ctx, `document.querySelector('#shot-0 svg image').getAttribute('href')`); !strings.HasSuffix(got, "?w=1600") {
		t.Errorf("preview href %q, want the ?w=1600 thumbnail, not the original", got)
	}
	// Two strokes: dark under light.
	lum := func(sel string) float64 {
		s := evalString(t, ctx, `getComputedStyle(document.querySelector('`+sel+`')).stroke`)
		var r, g, b float64
		if _, err := fmt.Sscanf(s, "rgb(%g, %g, %g)", &r, &g, &b); err != nil {
			t.Fatalf("stroke of %s: %q", sel, s)
		}
		return (0.2126*r + 0.7152*g + 0.0722*b) / 255
	}
	if dark, light := lum("#shot-0 polygon.halo"), lum("#shot-0 polygon.code"); dark > 0.2 || light < 0.8 {
		t.Errorf("outline strokes: luminance %.2f under %.2f, want a dark one (≤0.2) under a light one (≥0.8)", dark, light)
	}
	// Stumble 9: click at the code zooms 2× there; the outline grows with it.
	code := "#shot-0 polygon.code"
	r0 := rect(t, ctx, code)
	cx, cy := r0[0]+r0[2]/2, r0[1]+r0[3]/2
	if err := chromedp.Do(ctx, chromedp.MouseClickXY(cx, cy)); err != nil {
		t.Fatal(err)
	}
	waitTrue(t, ctx, `document.querySelector('#shot-0 .zoom-level').textContent == '2×'`)
	r1 := rect(t, ctx, code)
	if !near(r1[2], 2*r0[2], 2) || !near(r1[0]+r1[2]/2, cx, 2) || !near(r1[1]+r1[3]/2, cy, 2) {
		t.Errorf("after a click: outline %v, want twice %v around the same point (%.0f,%.0f)", r1, r0, cx, cy)
	}
	// The wheel: deltaY -347 is another 2× (e^(0.002·347)).
	evalString(t, ctx, fmt.Sprintf(`document.querySelector('#shot-0 svg').dispatchEvent(new WheelEvent('wheel', {deltaY: -347, clientX: %g, clientY: %g, bubbles: true, cancelable: true})) ? '' : ''`, cx, cy))
	waitTrue(t, ctx, `document.querySelector('#shot-0 .zoom-level').textContent == '4×'`)
	if r2 := rect(t, ctx, code); !near(r2[2], 4*r0[2], 4) {
		t.Errorf("after the wheel: outline %.0f px wide, want %.0f", r2[2], 4*r0[2])
	}
	if got := evalString(t, ctx, `document.querySelector('#shot-0 svg image').getAttribute('href')`); strings.Contains(got, "?w=") {
		t.Errorf("at 4× the image is still the preview %q, want the original", got)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#shot-0 .zoom-reset"))); err != nil {
		t.Fatal(err)
	}
	waitTrue(t, ctx, `document.querySelector('#shot-0 .zoom-level').textContent == '1×'`)
	if r3 := rect(t, ctx, code); !near(r3[2], r0[2], 1) {
		t.Errorf("after fit: outline %.0f px wide, want %.0f", r3[2], r0[2])
	}
	// The link's registrable domain.
	if got := evalString(t, ctx, `document.querySelector('#findings .domain').innerText`); got != "domain example.co.uk" {
		t.Errorf("domain %q, want example.co.uk", got)
	}
	if dialogs.Load() != 0 {
		t.Errorf("%d dialogs", dialogs.Load())
	}
}
