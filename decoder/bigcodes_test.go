package decoder_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/datamatrix"
	"github.com/makiuchi-d/gozxing/datamatrix/encoder"

	"github.com/qrgate/qrgate/decoder"
)

// A Data Matrix has no finder pattern: it is found as a code-like region,
// a block of dense dark/light changes at some pyramid level. Big modules
// (a code photographed close, or pasted large) show dense changes only at
// the coarsest levels, and a patch of the code can stand out as a region of
// its own at a finer level; neither may keep the code from being read, and
// its corners must come back in the original image's pixels.
func TestBigDataMatrix(t *testing.T) {
	short := "wxp://f2f0abcdefgh"                                    // 18×18 modules
	long := "https://u.wechat.com/" + strings.Repeat("AbCdEfGh", 20) // 52×52
	for _, tc := range []struct {
		side, mod int
		payload   string
	}{{1200, 8, short}, {1200, 20, short}, {1200, 40, short}, {2600, 16, short}, {2600, 28, short}, {2600, 40, short}, {2600, 12, long}} {
		payload := tc.payload
		bm, err := datamatrix.NewDataMatrixWriter().Encode(payload, gozxing.BarcodeFormat_DATA_MATRIX, 0, 0,
			map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_DATA_MATRIX_SHAPE: encoder.SymbolShapeHint_FORCE_SQUARE})
		if err != nil {
			t.Fatal(err)
		}
		n := bm.GetWidth()
		t.Run(fmt.Sprintf("%dpx/%dmodules/module%d", tc.side, n, tc.mod), func(t *testing.T) {
			img := image.NewGray(image.Rect(0, 0, tc.side, tc.side))
			for i := range img.Pix {
				img.Pix[i] = 235
			}
			off := (tc.side - n*tc.mod) / 3 // off-centre
			for y := 0; y < n*tc.mod; y++ {
				for x := 0; x < n*tc.mod; x++ {
					if bm.Get(x/tc.mod, y/tc.mod) {
						img.Pix[(off+y)*img.Stride+off+x] = 20
					}
				}
			}
			var buf bytes.Buffer
			if err := png.Encode(&buf, img); err != nil {
				t.Fatal(err)
			}
			res, err := decoder.New(decoder.Config{}).Decode(context.Background(), buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Codes) != 1 || res.Codes[0].Text != payload {
				t.Fatalf("codes %+v, want the one Data Matrix", res.Codes)
			}
			lo, hi := off-2*tc.mod, off+(n+2)*tc.mod
			for _, c := range res.Codes[0].Corners {
				if c[0] < lo || c[0] > hi || c[1] < lo || c[1] > hi {
					t.Errorf("corner %v outside the code's box [%d, %d]", c, lo, hi)
				}
			}
		})
	}
}
