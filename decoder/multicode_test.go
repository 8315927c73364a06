package decoder_test

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"slices"
	"testing"

	"github.com/disintegration/imaging"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/qrgate/qrgate/decoder"
	"github.com/qrgate/qrgate/decoder/symbology"
)

// sheetCode is one code of a sheet: its payload, symbology, module size
// (px) and in-plane turn (degrees).
type sheetCode struct {
	text   string
	sym    symbology.Symbology
	module float64
	turn   float64
}

// qrMatrix encodes text as a QR code of at least the given version
// (0: the smallest that holds it).
func qrMatrix(t *testing.T, text string, version int) *gozxing.BitMatrix {
	t.Helper()
	hints := map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_MARGIN: 0}
	if version > 0 {
		hints[gozxing.EncodeHintType_QR_VERSION] = version
	}
	bm, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0, hints)
	if err != nil {
		t.Fatal(err)
	}
	return bm
}

// renderSheet draws the codes on a cols-wide grid of cells of a textured
// photo, each centred in its cell with a 4-module quiet zone, turned, and
// returns the photo as a JPEG (q90): a price-tag sheet or a page of
// stickers photographed flat.
func renderSheet(t *testing.T, codes []sheetCode, cols, cell int) []byte {
	t.Helper()
	rows := (len(codes) + cols - 1) / cols
	photo := imaging.New(cols*cell, rows*cell, color.NRGBA{R: 150, G: 140, B: 120, A: 255})
	for y := 0; y < photo.Bounds().Dy(); y++ {
		for x := 0; x < photo.Bounds().Dx(); x++ {
			v := uint8(110 + (x*7+y*13)%40) // a mild woven texture
			photo.Set(x, y, color.NRGBA{R: v, G: v - 10, B: v - 30, A: 255})
		}
	}
	for i, c := range codes {
		var bm *gozxing.BitMatrix
		switch c.sym {
		case symbology.QR_CODE:
			bm = qrMatrix(t, c.text, 0)
		case symbology.DATA_MATRIX:
			bm = squareDataMatrix(t, c.text)
		default:
			t.Fatalf("no renderer for %s", c.sym)
		}
		const big = 8 // drawn at 8 px per module, then scaled to c.module
		n := bm.GetWidth()
		code := flatGray((n+8)*big, (n+8)*big, 245)
		drawModules(code, bm, 4*big, 4*big, big, 25)
		small := imaging.Resize(code, int(float64(n+8)*c.module), 0, imaging.Lanczos)
		turned := imaging.Rotate(small, c.turn, color.Transparent)
		cx, cy := (i%cols)*cell+cell/2, (i/cols)*cell+cell/2
		at := image.Pt(cx-turned.Bounds().Dx()/2, cy-turned.Bounds().Dy()/2)
		if at.X < (i%cols)*cell || at.Y < (i/cols)*cell {
			t.Fatalf("code %d (%d px turned) does not fit its %d px cell", i, turned.Bounds().Dx(), cell)
		}
		photo = imaging.Overlay(photo, turned, at, 1)
	}
	return encodeJPEG(t, photo, 90)
}

// TestEveryCodeOnASheet: a photo of several codes — QR codes of different
// sizes and turns beside Data Matrix codes — reads every payload, nothing
// else, each code with corners inside its own cell. A scan that stops
// looking after the first codes it reads, or that lets the triplets of one
// level crowd out another's, misses some.
func TestEveryCodeOnASheet(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cols  int
		cell  int
		codes []sheetCode
	}{
		{"3x3 QR", 3, 330, []sheetCode{
			{"https://t.me/sheet_one", symbology.QR_CODE, 5, 0},
			{"https://wa.me/8613800000002", symbology.QR_CODE, 4, 12},
			{"weixin://dl/chat?sheet3", symbology.QR_CODE, 6, 33},
			{"https://u.wechat.com/sheet-four-AAAA", symbology.QR_CODE, 4.5, 90},
			{"QQ:123456785", symbology.QR_CODE, 7, 47},
			{"https://line.me/ti/p/sheet6", symbology.QR_CODE, 5, 200},
			{"tel:+86-138-0000-0007", symbology.QR_CODE, 3.5, 5},
			{"https://bit.ly/sheet8-xyz", symbology.QR_CODE, 5.5, 300},
			{"https://paypal.me/sheetnine/15", symbology.QR_CODE, 4, 21},
		}},
		// 12 codes whose modules only the full-resolution level resolves:
		// more than one level's decode attempts, were reads and failures
		// counted alike.
		{"4x3 small", 4, 230, func() []sheetCode {
			var cs []sheetCode
			for i := range 12 {
				cs = append(cs, sheetCode{fmt.Sprintf("https://t.me/small_sheet_%02d", i), symbology.QR_CODE, 3 + float64(i%3)*0.4, float64(i * 23 % 360)})
			}
			return cs
		}()},
		{"2x2 mixed", 2, 420, []sheetCode{
			{"https://t.me/mixed_qr_one", symbology.QR_CODE, 6, 8},
			{"DM-MIXED-0002-wechat:abc", symbology.DATA_MATRIX, 6, 0},
			{"https://wa.me/8613900000003?text=a-longer-payload-for-a-bigger-version", symbology.QR_CODE, 3.5, 28},
			{"https://u.wechat.com/dm-four", symbology.DATA_MATRIX, 7, 15},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := decoder.New(decoder.Config{}).Decode(context.Background(), renderSheet(t, tc.codes, tc.cols, tc.cell))
			if err != nil {
				t.Fatal(err)
			}
			for i, want := range tc.codes {
				k := slices.IndexFunc(res.Codes, func(c decoder.Code) bool { return c.Text == want.text })
				if k < 0 {
					t.Errorf("code %d (%s, %.1f px, %v°) %q not read", i, want.sym, want.module, want.turn, want.text)
					continue
				}
				got := res.Codes[k]
				if got.Symbology != want.sym {
					t.Errorf("code %d read as %s, want %s", i, got.Symbology, want.sym)
				}
				cellBox := image.Rect((i%tc.cols)*tc.cell, (i/tc.cols)*tc.cell, (i%tc.cols+1)*tc.cell, (i/tc.cols+1)*tc.cell)
				for _, pt := range got.Corners {
					if !image.Pt(pt[0], pt[1]).In(cellBox) {
						t.Errorf("code %d corner %v outside its cell %v", i, pt, cellBox)
					}
				}
			}
			if len(res.Codes) != len(tc.codes) {
				t.Errorf("%d codes reported, want %d: %s", len(res.Codes), len(tc.codes), describe(res.Codes))
			}
		})
	}
}
