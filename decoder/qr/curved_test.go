package qr

import (
	"fmt"
	"image"
	"math"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/qrgate/qrgate/decoder/internal/bitmap"
)

// curve is a code wrapped round a cylinder whose axis runs along the
// code's columns, seen from straight ahead (a label on a bottle): module
// column u lands at sin of its angle round the cylinder, so modules shrink
// towards the left and right edges; then turned by turn in the plane.
type curve struct {
	n      float64 // modules across, quiet zone included
	scale  float64 // pixels per module at the middle
	arc    float64 // radians of the cylinder the code covers
	turn   float64
	cx, cy float64
}

// toModule maps a pixel to module coordinates (quiet zone included),
// false off the code.
func (c curve) toModule(x, y float64) (float64, float64, bool) {
	dx, dy := x-c.cx, y-c.cy
	rx, ry := dx*math.Cos(c.turn)+dy*math.Sin(c.turn), -dx*math.Sin(c.turn)+dy*math.Cos(c.turn)
	r := c.n * c.scale / c.arc // the cylinder's radius in pixels
	if math.Abs(rx) >= r {
		return 0, 0, false
	}
	u := math.Asin(rx/r)/c.arc*c.n + c.n/2
	v := ry/c.scale + c.n/2
	return u, v, u >= 0 && v >= 0 && u < c.n && v < c.n
}

// renderCurved draws text as a QR code of the given version wrapped on a
// cylinder, supersampled 3×3, on a w×w plane of grey 150.
func renderCurved(t *testing.T, text string, version int, mod, arcDeg, turn float64) bitmap.Plane {
	t.Helper()
	bm, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0,
		map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_QR_VERSION: version, gozxing.EncodeHintType_MARGIN: 0})
	if err != nil {
		t.Fatal(err)
	}
	const qz = 4
	n := float64(bm.GetWidth() + 2*qz)
	w := int(n*mod*1.45) + 20
	c := curve{n: n, scale: mod, arc: arcDeg * math.Pi / 180, turn: turn, cx: float64(w) / 2, cy: float64(w) / 2}
	img := image.NewGray(image.Rect(0, 0, w, w))
	for y := 0; y < w; y++ {
		for x := 0; x < w; x++ {
			sum := 0.0
			for sy := 0; sy < 3; sy++ {
				for sx := 0; sx < 3; sx++ {
					u, v, in := c.toModule(float64(x)+(float64(sx)+0.5)/3, float64(y)+(float64(sy)+0.5)/3)
					mx, my := int(u)-qz, int(v)-qz
					switch {
					case !in:
						sum += 150
					case mx >= 0 && my >= 0 && mx < bm.GetWidth() && my < bm.GetHeight() && bm.Get(mx, my):
						sum += 30
					default:
						sum += 225
					}
				}
			}
			img.Pix[y*w+x] = uint8(sum / 9)
		}
	}
	return bitmap.Plane{Pix: img.Pix, W: w, H: w, Stride: w}
}

// TestCurved reads codes wrapped round a bottle, turned in the plane.
// Where the curve is mild, one homography through the finders and the
// alignment patterns reads them (without the patterns, the finders alone
// do not, at version 14 and 70°); where it is strong, only sampling cell
// by cell between the located patterns does (version 14 at 80°, version 20
// at 70°).
func TestCurved(t *testing.T) {
	for _, tc := range []struct {
		version int
		arc     float64
	}{{7, 80}, {10, 70}, {14, 70}, {14, 80}, {20, 70}} {
		t.Run(fmt.Sprintf("v%d %.0f°", tc.version, tc.arc), func(t *testing.T) {
			for k, turn := range []float64{0.7, 3.0} {
				text := fmt.Sprintf("https://u.wechat.com/curved-%d-%d", tc.version, k)
				p := renderCurved(t, text, tc.version, 3.5, tc.arc, turn)
				if got := readPlane(p); !slices.Contains(got, text) {
					t.Errorf("turned %.1f rad: not read (read %q)", turn, got)
				}
			}
		})
	}
}
