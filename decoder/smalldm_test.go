package decoder_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"testing"

	"github.com/disintegration/imaging"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/datamatrix"
	"github.com/makiuchi-d/gozxing/datamatrix/encoder"

	"github.com/qrgate/qrgate/decoder"
)

// A Data Matrix printed small (modules of 2–3.5 px) is one of the tricks:
// gozxing's detector miscounts such modules, so a region found at full
// resolution that does not read is read again at twice its size. Rendered
// smoothly (Lanczos), turned 0° and 20°, on a flat photo, JPEG q85.
func TestSmallDataMatrix(t *testing.T) {
	const payload = "https://u.wechat.com/AbAbAbAbAbAb"
	bm, err := datamatrix.NewDataMatrixWriter().Encode(payload, gozxing.BarcodeFormat_DATA_MATRIX, 0, 0,
		map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_DATA_MATRIX_SHAPE: encoder.SymbolShapeHint_FORCE_SQUARE})
	if err != nil {
		t.Fatal(err)
	}
	n := bm.GetWidth()
	const big = 10 // rendered at 10 px per module, then scaled down
	code := image.NewGray(image.Rect(0, 0, (n+4)*big, (n+4)*big))
	for i := range code.Pix {
		code.Pix[i] = 240
	}
	for y := 0; y < n*big; y++ {
		for x := 0; x < n*big; x++ {
			if bm.Get(x/big, y/big) {
				code.Pix[(2*big+y)*code.Stride+2*big+x] = 20
			}
		}
	}
	for _, mod := range []float64{1.8, 2.0, 2.2, 2.4, 2.6, 2.8, 3.0, 3.5} {
		for _, angle := range []float64{0, 20} {
			t.Run(fmt.Sprintf("module%.1f/%v°", mod, angle), func(t *testing.T) {
				small := imaging.Resize(code, int(float64(n+4)*mod), 0, imaging.Lanczos)
				small = imaging.Rotate(small, angle, color.Gray{Y: 240})
				photo := imaging.New(800, 800, color.NRGBA{R: 120, G: 130, B: 110, A: 255})
				photo = imaging.Paste(photo, small, image.Pt(300, 300))
				var buf bytes.Buffer
				if err := jpeg.Encode(&buf, photo, &jpeg.Options{Quality: 85}); err != nil {
					t.Fatal(err)
				}
				res, err := decoder.New(decoder.Config{}).Decode(context.Background(), buf.Bytes())
				if err != nil {
					t.Fatal(err)
				}
				if len(res.Codes) != 1 || res.Codes[0].Text != payload {
					t.Fatalf("codes %+v, want the one Data Matrix", res.Codes)
				}
				lo, hi := 290, 300+small.Bounds().Dx()+10
				for _, c := range res.Codes[0].Corners {
					if c[0] < lo || c[0] > hi || c[1] < lo || c[1] > hi {
						t.Errorf("corner %v outside the code's box [%d, %d]", c, lo, hi)
					}
				}
			})
		}
	}
}
