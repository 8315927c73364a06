package decoder_test

import (
	"fmt"
	"image"
	"image/color"
	"testing"

	"github.com/disintegration/imaging"
)

// A Data Matrix printed small (modules of 2–3.5 px) is one of the tricks:
// gozxing's detector miscounts such modules, so a region found at full
// resolution that does not read is read again at twice its size. Rendered
// smoothly (Lanczos), turned 0° and 20°, on a flat photo, JPEG q85.
func TestSmallDataMatrix(t *testing.T) {
	const payload = "https://u.wechat.com/AbAbAbAbAbAb"
	bm := squareDataMatrix(t, payload)
	n := bm.GetWidth()
	const big = 10 // rendered at 10 px per module, then scaled down
	code := flatGray((n+4)*big, (n+4)*big, 240)
	drawModules(code, bm, 2*big, 2*big, big, 20)
	for _, mod := range []float64{1.8, 2.0, 2.2, 2.4, 2.6, 2.8, 3.0, 3.5} {
		for _, angle := range []float64{0, 20} {
			t.Run(fmt.Sprintf("module%.1f/%v°", mod, angle), func(t *testing.T) {
				small := imaging.Resize(code, int(float64(n+4)*mod), 0, imaging.Lanczos)
				small = imaging.Rotate(small, angle, color.Gray{Y: 240})
				photo := imaging.New(800, 800, color.NRGBA{R: 120, G: 130, B: 110, A: 255})
				photo = imaging.Paste(photo, small, image.Pt(300, 300))
				got := decodeOne(t, encodeJPEG(t, photo, 85), payload)
				wantCornersIn(t, got, 290, 300+small.Bounds().Dx()+10)
			})
		}
	}
}
