package decoder_test

import (
	"fmt"
	"image"
	"image/color"
	"testing"

	"github.com/disintegration/imaging"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	qrenc "github.com/makiuchi-d/gozxing/qrcode/decoder"
)

// A sticker over one finder pattern defeats readers that need all three:
// the code must still be read from the other two, whichever is hidden and
// however the code is turned.
func TestHiddenFinder(t *testing.T) {
	const payload = "https://u.wechat.com/EHiddenFinder42"
	bm, err := qrcode.NewQRCodeWriter().Encode(payload, gozxing.BarcodeFormat_QR_CODE, 0, 0,
		map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_ERROR_CORRECTION: qrenc.ErrorCorrectionLevel_H, gozxing.EncodeHintType_MARGIN: 0})
	if err != nil {
		t.Fatal(err)
	}
	n := bm.GetWidth()
	const mod, quiet = 6, 4
	for _, hidden := range []string{"top-left", "top-right", "bottom-left"} {
		for _, angle := range []float64{0, 30, 121} {
			t.Run(fmt.Sprintf("%s/%v°", hidden, angle), func(t *testing.T) {
				side := (n + 2*quiet) * mod
				code := flatGray(side, side, 245)
				drawModules(code, bm, quiet*mod, quiet*mod, mod, 25)
				// the sticker: a mid-grey square over the finder and its separator
				fx, fy := 0, 0
				switch hidden {
				case "top-right":
					fx = n - 8
				case "bottom-left":
					fy = n - 8
				}
				for y := (quiet + fy - 1) * mod; y < (quiet+fy+9)*mod; y++ {
					for x := (quiet + fx - 1) * mod; x < (quiet+fx+9)*mod; x++ {
						code.Pix[y*code.Stride+x] = 140
					}
				}
				turned := imaging.Rotate(code, angle, color.Gray{Y: 245})
				photo := imaging.New(900, 900, color.NRGBA{R: 200, G: 190, B: 170, A: 255})
				photo = imaging.Paste(photo, turned, image.Pt(120, 140))
				decodeOne(t, encodeJPEG(t, photo, 85), payload)
			})
		}
	}
}
