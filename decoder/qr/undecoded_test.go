package qr

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/qrgate/qrgate/decoder/internal/bitmap"
)

// unreadHost collects what a Scan reports, unread codes included.
type unreadHost struct {
	perspectiveHost
	unread [][4][2]float64
}

func (h *unreadHost) Unread(c [4][2]float64) { h.unread = append(h.unread, c) }

// scanFull runs the decoder's full and half QR levels over p.
func scanFull(h Host, p bitmap.Plane) {
	s := NewScan()
	s.ReadLevel(h, p, ScanLevel(bitmap.NewThresholds(p, bitmap.StatsOf(p)), 2, 1.3, 5), 1, 1.3, Options{})
	half := p.Half()
	s.ReadLevel(h, p, ScanLevel(bitmap.NewThresholds(half, bitmap.StatsOf(half)), 1, 2.2, 5.5), 2, 2.2, Options{})
}

// scrambled is a QR code of the given version whose every module but the
// three finders and their separators is noise: no timing pattern, no
// format information, nothing to decode; only the finders say "a code".
func scrambled(t *testing.T, version int, seed uint64) *gozxing.BitMatrix {
	t.Helper()
	bm, err := qrcode.NewQRCodeWriter().Encode("x", gozxing.BarcodeFormat_QR_CODE, 0, 0,
		map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_QR_VERSION: version, gozxing.EncodeHintType_MARGIN: 0})
	if err != nil {
		t.Fatal(err)
	}
	n := bm.GetWidth()
	rng := rand.New(rand.NewPCG(seed, 9))
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if x < 8 && y < 8 || x >= n-8 && y < 8 || x < 8 && y >= n-8 {
				continue
			}
			if rng.IntN(2) == 0 {
				bm.Set(x, y)
			} else {
				bm.Unset(x, y)
			}
		}
	}
	return bm
}

// TestUndecodedByFinderFit: a code whose finders are intact but whose
// timing patterns and data are not (torn, scratched, printed over) is
// reported as seen, with its corners, because its three finders' rings
// fit one code's layout; the timing patterns alone would not say so.
func TestUndecodedByFinderFit(t *testing.T) {
	for k, tc := range []struct {
		version int
		mod     float64
		turn    float64
	}{{3, 5, 0.3}, {5, 4, 1.2}, {7, 3.5, 2.5}, {10, 3, 4}} {
		t.Run(fmt.Sprintf("v%d", tc.version), func(t *testing.T) {
			bm := scrambled(t, tc.version, uint64(k))
			n := float64(bm.GetWidth())
			side := tc.mod * (n + 8)
			w := int(side*1.5) + 20
			img := image.NewGray(image.Rect(0, 0, w, w))
			for i := range img.Pix {
				img.Pix[i] = 150
			}
			var q [4][2]float64
			for i, c := range [4][2]float64{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}} {
				x, y := c[0]*side/2, c[1]*side/2
				q[i] = [2]float64{float64(w)/2 + x*math.Cos(tc.turn) - y*math.Sin(tc.turn), float64(w)/2 + x*math.Sin(tc.turn) + y*math.Cos(tc.turn)}
			}
			renderQuad(img, bm, 4, q)
			h := &unreadHost{}
			scanFull(h, bitmap.Plane{Pix: img.Pix, W: w, H: w, Stride: img.Stride})
			if len(h.reads) > 0 {
				t.Fatalf("read %q from noise", h.reads)
			}
			if len(h.unread) == 0 {
				t.Fatal("a code with three intact finders was not reported seen")
			}
			// The reported corners are the code's own (the symbol without
			// its quiet zone), within two modules.
			got := h.unread[0]
			for _, want := range [][2]float64{q[0], q[1], q[2], q[3]} {
				wx := float64(w)/2 + (want[0]-float64(w)/2)*n/(n+8)
				wy := float64(w)/2 + (want[1]-float64(w)/2)*n/(n+8)
				best := math.Inf(1)
				for _, g := range got {
					best = min(best, math.Hypot(g[0]-wx, g[1]-wy))
				}
				if best > 2*tc.mod {
					t.Errorf("corner (%.0f, %.0f): nearest reported %.1f px off (corners %v)", wx, wy, best, got)
				}
			}
		})
	}
}

// TestUndecodedNotForLookalikes: three finder patterns where a code's
// would be, but each turned its own way (a sticker sheet, a tiled print),
// are no code: their rings fit no single code's layout, and nothing is
// reported.
func TestUndecodedNotForLookalikes(t *testing.T) {
	finder, _ := gozxing.NewBitMatrix(7, 7)
	for y := 0; y < 7; y++ {
		for x := 0; x < 7; x++ {
			if r := max(abs(x-3), abs(y-3)); r != 2 {
				finder.Set(x, y)
			}
		}
	}
	const mod, w = 5.0, 400
	img := image.NewGray(image.Rect(0, 0, w, w))
	for i := range img.Pix {
		img.Pix[i] = 150
	}
	// centres of a 33-module code's finders, each finder turned by its own angle
	for _, c := range [3][3]float64{{90, 90, 0}, {90 + 26*mod, 90, 0.5}, {90, 90 + 26*mod, 0.9}} {
		half := 4.5 * mod // 7 modules and a light module round them
		var q [4][2]float64
		for k, d := range [4][2]float64{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}} {
			x, y := d[0]*half, d[1]*half
			q[k] = [2]float64{c[0] + x*math.Cos(c[2]) - y*math.Sin(c[2]), c[1] + x*math.Sin(c[2]) + y*math.Cos(c[2])}
		}
		renderQuad(img, finder, 1, q)
	}
	h := &unreadHost{}
	scanFull(h, bitmap.Plane{Pix: img.Pix, W: w, H: w, Stride: img.Stride})
	if len(h.unread) > 0 || len(h.reads) > 0 {
		t.Errorf("three finders turned apart reported as a code: unread %v, read %q", h.unread, h.reads)
	}
}
