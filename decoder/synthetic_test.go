package decoder_test

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/datamatrix"
	"github.com/makiuchi-d/gozxing/datamatrix/encoder"

	"github.com/qrgate/qrgate/decoder"
)

// Helpers for tests that draw a code into a synthetic photo and check that
// the decoder reads exactly that code, where it was drawn.

// squareDataMatrix encodes text as a square ECC 200 Data Matrix.
func squareDataMatrix(t *testing.T, text string) *gozxing.BitMatrix {
	t.Helper()
	bm, err := datamatrix.NewDataMatrixWriter().Encode(text, gozxing.BarcodeFormat_DATA_MATRIX, 0, 0,
		map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_DATA_MATRIX_SHAPE: encoder.SymbolShapeHint_FORCE_SQUARE})
	if err != nil {
		t.Fatal(err)
	}
	return bm
}

// flatGray is a w×h grey image of one level.
func flatGray(w, h int, level uint8) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = level
	}
	return img
}

// drawModules draws bm's set modules, mod px each, at (ox, oy), in dark.
func drawModules(img *image.Gray, bm *gozxing.BitMatrix, ox, oy, mod int, dark uint8) {
	for y := 0; y < bm.GetHeight()*mod; y++ {
		for x := 0; x < bm.GetWidth()*mod; x++ {
			if bm.Get(x/mod, y/mod) {
				img.Pix[(oy+y)*img.Stride+ox+x] = dark
			}
		}
	}
}

func encodeJPEG(t *testing.T, img image.Image, quality int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// decodeOne decodes data with the default configuration and requires
// exactly one code, reading text.
func decodeOne(t *testing.T, data []byte, text string) decoder.Code {
	t.Helper()
	res, err := decoder.New(decoder.Config{}).Decode(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Codes) != 1 || res.Codes[0].Text != text {
		t.Fatalf("codes %+v, want the one code %q", res.Codes, text)
	}
	return res.Codes[0]
}

// wantCornersIn requires every corner of c within the square [lo, hi]².
func wantCornersIn(t *testing.T, c decoder.Code, lo, hi int) {
	t.Helper()
	for _, pt := range c.Corners {
		if pt[0] < lo || pt[0] > hi || pt[1] < lo || pt[1] > hi {
			t.Errorf("corner %v outside the code's box [%d, %d]", pt, lo, hi)
		}
	}
}
