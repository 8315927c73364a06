// Package zx is the decoder's one adapter to gozxing's readers: it hands
// them a view of a luminance plane, binarized the way their 2-D detectors
// expect, and turns their results into codes in the original image's
// pixels with qrgate's symbology names. Keeping gozxing behind it keeps its
// types out of every other package.
package zx

import (
	"fmt"
	"math"
	"strings"

	"github.com/makiuchi-d/gozxing"
	dmdecoder "github.com/makiuchi-d/gozxing/datamatrix/decoder"
	qrdetector "github.com/makiuchi-d/gozxing/qrcode/detector"

	"github.com/qrgate/qrgate/decoder/internal/bitmap"
	"github.com/qrgate/qrgate/decoder/symbology"
)

// Code is a code a gozxing reader found.
type Code struct {
	Symbology symbology.Symbology
	Text      string
	Raw       []byte   // the code's bytes (byte segments), if the reader gave them
	Corners   [][2]int // in the original image's pixels
}

// Region is a view binarized once for every reader tried on it.
type Region struct {
	View   bitmap.View
	Bitmap *gozxing.BinaryBitmap
}

// NewRegion binarizes v with gozxing's hybrid binarizer; it reports false
// when gozxing refuses the plane (empty).
func NewRegion(v bitmap.View) (*Region, bool) {
	p := v.P
	src, err := gozxing.NewPlanarYUVLuminanceSource(p.Pix, p.Stride, p.H, 0, 0, p.W, p.H, false)
	if err != nil {
		return nil, false
	}
	bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(src))
	if err != nil {
		return nil, false
	}
	return &Region{View: v, Bitmap: bmp}, true
}

// Hints are the options every 2-D read runs with.
func Hints() map[gozxing.DecodeHintType]any {
	return map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
}

// FromResult turns a reader's result on v into a Code.
func FromResult(v bitmap.View, r *gozxing.Result) Code {
	text := r.GetText()
	if id, _ := r.GetResultMetadata()[gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER].(string); id == "]d2" || id == "]d5" {
		text = strings.TrimPrefix(text, "\x1d") // GS1: see DecodeDataMatrix
	}
	return Code{Symbology: Symbology(r.GetBarcodeFormat()), Text: text, Raw: byteSegments(r), Corners: corners(v, r)}
}

func byteSegments(r *gozxing.Result) []byte {
	segs, ok := r.GetResultMetadata()[gozxing.ResultMetadataType_BYTE_SEGMENTS].([][]byte)
	if !ok {
		return nil
	}
	var out []byte
	for _, s := range segs {
		out = append(out, s...)
	}
	return out
}

// Symbology is qrgate's name for a gozxing barcode format.
func Symbology(f gozxing.BarcodeFormat) symbology.Symbology {
	switch f {
	case gozxing.BarcodeFormat_QR_CODE:
		return symbology.QR_CODE
	case gozxing.BarcodeFormat_DATA_MATRIX:
		return symbology.DATA_MATRIX
	case gozxing.BarcodeFormat_AZTEC:
		return symbology.AZTEC
	case gozxing.BarcodeFormat_EAN_13:
		return symbology.EAN_13
	case gozxing.BarcodeFormat_EAN_8:
		return symbology.EAN_8
	case gozxing.BarcodeFormat_UPC_A:
		return symbology.UPC_A
	case gozxing.BarcodeFormat_UPC_E:
		return symbology.UPC_E
	case gozxing.BarcodeFormat_CODE_128:
		return symbology.CODE_128
	case gozxing.BarcodeFormat_CODE_39:
		return symbology.CODE_39
	case gozxing.BarcodeFormat_PDF_417:
		return symbology.PDF_417
	}
	return symbology.Symbology(fmt.Sprint(f))
}

// corners turns a result's points into the code's corners in image space.
// QR results carry finder-pattern centres (bottom-left, top-left, top-right):
// the corners lie 3.5 modules further out.
func corners(v bitmap.View, r *gozxing.Result) [][2]int {
	pts := r.GetResultPoints()
	if r.GetBarcodeFormat() == gozxing.BarcodeFormat_QR_CODE && len(pts) >= 3 {
		bl, tl, tr := pts[0], pts[1], pts[2]
		ms := 1.0
		if fp, ok := tl.(*qrdetector.FinderPattern); ok {
			ms = fp.GetEstimatedModuleSize()
		}
		ux, uy := unit(tr.GetX()-tl.GetX(), tr.GetY()-tl.GetY())
		vx, vy := unit(bl.GetX()-tl.GetX(), bl.GetY()-tl.GetY())
		d := 3.5 * ms
		return [][2]int{
			v.ToImage(tl.GetX()-d*ux-d*vx, tl.GetY()-d*uy-d*vy),
			v.ToImage(tr.GetX()+d*ux-d*vx, tr.GetY()+d*uy-d*vy),
			v.ToImage(tr.GetX()+bl.GetX()-tl.GetX()+d*ux+d*vx, tr.GetY()+bl.GetY()-tl.GetY()+d*uy+d*vy),
			v.ToImage(bl.GetX()-d*ux+d*vx, bl.GetY()-d*uy+d*vy),
		}
	}
	out := make([][2]int, 0, len(pts))
	for _, p := range pts {
		out = append(out, v.ToImage(p.GetX(), p.GetY()))
	}
	return out
}

func unit(x, y float64) (float64, float64) {
	n := math.Hypot(x, y)
	if n == 0 {
		return 0, 0
	}
	return x / n, y / n
}

// DecodeDataMatrix decodes a sampled ECC200 module grid (dark reports
// whether the module in column x, row y is dark) with gozxing's Data Matrix
// decoder: Reed–Solomon correction and the encodation modes. It fails on a
// size that is no ECC200 symbol's and on a grid the correction cannot
// repair.
func DecodeDataMatrix(cols, rows int, dark func(x, y int) bool) (text string, raw []byte, ok bool) {
	bm, err := gozxing.NewBitMatrix(cols, rows)
	if err != nil {
		return "", nil, false
	}
	for y := 0; y < rows; y++ {
		for x := 0; x < cols; x++ {
			if dark(x, y) {
				bm.Set(x, y)
			}
		}
	}
	res, err := dmdecoder.NewDecoder().Decode(bm)
	if err != nil {
		return "", nil, false
	}
	for _, s := range res.GetByteSegments() {
		raw = append(raw, s...)
	}
	text = res.GetText()
	// FNC1 in the first position (symbology modifier 2, or 5 with an ECI)
	// flags GS1 data; it is no character of the payload, though gozxing
	// writes it as a GS
	if m := res.GetSymbologyModifier(); m == 2 || m == 5 {
		text = strings.TrimPrefix(text, "\x1d")
	}
	return text, raw, true
}
