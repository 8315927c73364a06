package qr

import (
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/qrgate/qrgate/decoder/internal/bitmap"
)

// TestSteepAngle reads a code seen at a steep angle, its near edge over
// twice its far one, as a label on a box photographed from the side. The
// side from the top-left finder to the near bottom-left one is then longer
// than the diagonal between the top-right and bottom-left finders, so "the
// corner is opposite the longest side" names the top-right finder the
// corner; the triplet with the other corner must be tried too.
func TestSteepAngle(t *testing.T) {
	const text = "https://tinyurl.com/steep-angle"
	bm, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0,
		map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_QR_VERSION: 3, gozxing.EncodeHintType_MARGIN: 0})
	if err != nil {
		t.Fatal(err)
	}
	const w = 420
	img := image.NewGray(image.Rect(0, 0, w, w))
	for i := range img.Pix {
		img.Pix[i] = 140
	}
	// quiet zone included: far (right) edge short, near (left) edge long
	q := [4][2]float64{{60, 40}, {230, 110}, {240, 320}, {80, 380}}
	renderQuad(img, bm, 4, q)
	p := bitmap.Plane{Pix: img.Pix, W: w, H: w, Stride: img.Stride}

	// the case this guards: the finders' own triangle misleads
	n := float64(bm.GetWidth() + 8)
	at := func(mx, my float64) candidate {
		x, y := homog(squareToQuad(q), (mx+4)/n, (my+4)/n)
		return candidate{x: x, y: y, m: 5, dark: true}
	}
	d := float64(bm.GetWidth())
	tl, tr, bl := at(3.5, 3.5), at(d-3.5, 3.5), at(3.5, d-3.5)
	if got, _ := makeTriplet(tl, tr, bl); dist(got.tl, tl) < 1 {
		t.Fatalf("the rendering does not mislead the corner choice (legs %.0f, %.0f, diagonal %.0f)", dist(tl, tr), dist(tl, bl), dist(tr, bl))
	}

	for _, got := range readPlane(p) {
		if got == text {
			return
		}
	}
	t.Errorf("code at a steep angle not read")
}
