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

// homog maps (x, y) through the 3×3 matrix h (row-major, h[8] = 1).
func homog(h [9]float64, x, y float64) (float64, float64) {
	w := h[6]*x + h[7]*y + h[8]
	return (h[0]*x + h[1]*y + h[2]) / w, (h[3]*x + h[4]*y + h[5]) / w
}

// squareToQuad is the homography taking the unit square's corners
// (0,0),(1,0),(1,1),(0,1) to q.
func squareToQuad(q [4][2]float64) [9]float64 {
	x0, y0, x1, y1, x2, y2, x3, y3 := q[0][0], q[0][1], q[1][0], q[1][1], q[2][0], q[2][1], q[3][0], q[3][1]
	dx3, dy3 := x0-x1+x2-x3, y0-y1+y2-y3
	if dx3 == 0 && dy3 == 0 {
		return [9]float64{x1 - x0, x2 - x1, x0, y1 - y0, y2 - y1, y0, 0, 0, 1}
	}
	dx1, dx2, dy1, dy2 := x1-x2, x3-x2, y1-y2, y3-y2
	den := dx1*dy2 - dx2*dy1
	a13 := (dx3*dy2 - dx2*dy3) / den
	a23 := (dx1*dy3 - dx3*dy1) / den
	return [9]float64{x1 - x0 + a13*x1, x3 - x0 + a23*x3, x0, y1 - y0 + a13*y1, y3 - y0 + a23*y3, y0, a13, a23, 1}
}

func invert3(m [9]float64) [9]float64 {
	a, b, c, d, e, f, g, h, i := m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8]
	A, B, C := e*i-f*h, -(d*i - f*g), d*h-e*g
	det := a*A + b*B + c*C
	return [9]float64{A / det, -(b*i - c*h) / det, (b*f - c*e) / det, B / det, (a*i - c*g) / det, -(a*f - c*d) / det, C / det, -(a*h - b*g) / det, (a*e - b*d) / det}
}

// renderQuad draws bm (with a quiet zone of qz modules) into img so that the
// symbol's square maps onto quad q, supersampled 3×3.
func renderQuad(img *image.Gray, bm *gozxing.BitMatrix, qz int, q [4][2]float64) {
	n := bm.GetWidth() + 2*qz
	inv := invert3(squareToQuad(q))
	minX, minY, maxX, maxY := q[0][0], q[0][1], q[0][0], q[0][1]
	for _, c := range q {
		minX, maxX = math.Min(minX, c[0]), math.Max(maxX, c[0])
		minY, maxY = math.Min(minY, c[1]), math.Max(maxY, c[1])
	}
	b := img.Bounds()
	for y := max(b.Min.Y, int(minY)-1); y < min(b.Max.Y, int(maxY)+2); y++ {
		for x := max(b.Min.X, int(minX)-1); x < min(b.Max.X, int(maxX)+2); x++ {
			in, sum := 0, 0.0
			for sy := 0; sy < 3; sy++ {
				for sx := 0; sx < 3; sx++ {
					u, v := homog(inv, float64(x)+(float64(sx)+0.5)/3, float64(y)+(float64(sy)+0.5)/3)
					if u < 0 || v < 0 || u >= 1 || v >= 1 {
						continue
					}
					in++
					mx, my := int(u*float64(n))-qz, int(v*float64(n))-qz
					if mx >= 0 && my >= 0 && mx < bm.GetWidth() && my < bm.GetHeight() && bm.Get(mx, my) {
						sum += 30
					} else {
						sum += 225
					}
				}
			}
			if in > 0 {
				old := float64(img.Pix[y*img.Stride+x])
				img.Pix[y*img.Stride+x] = uint8((sum + old*float64(9-in)) / 9)
			}
		}
	}
}

// perspectiveHost collects what a Scan reports.
type perspectiveHost struct{ reads []string }

func (h *perspectiveHost) Expired() bool            { return false }
func (h *perspectiveHost) Attempt(f func())         { f() }
func (h *perspectiveHost) Found(r *Read)            { h.reads = append(h.reads, r.Text) }
func (h *perspectiveHost) Unread(c [4][2]float64)   {}
func (h *perspectiveHost) InCode(x, y float64) bool { return false }

// readPlane runs the QR levels of the decoder's full and half pyramid
// levels over p.
func readPlane(p bitmap.Plane) []string {
	h := &perspectiveHost{}
	s := NewScan()
	full := bitmap.NewThresholds(p, bitmap.StatsOf(p))
	s.ReadLevel(h, p, ScanLevel(full, 2, 1.3, 5), 1, 1.3, Options{})
	half := p.Half()
	s.ReadLevel(h, p, ScanLevel(bitmap.NewThresholds(half, bitmap.StatsOf(half)), 1, 2.2, 5.5), 2, 2.2, Options{})
	return h.reads
}

// TestStrongPerspective reads QR codes whose corners are each pushed up to
// a fifth of the code's side off the square, in random directions and at
// any rotation (one finder's modules then measure up to twice another's):
// a transform from the finder centres and a parallelogram's fourth corner
// reads 3 of these 16, the one fitted to the finders' rings and
// alignment patterns all but a few.
func TestStrongPerspective(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 4))
	read, n := 0, 0
	for _, ver := range []int{3, 5, 8, 10} {
		for k := 0; k < 4; k++ {
			n++
			text := fmt.Sprintf("https://u.wechat.com/%x", rng.Uint64())
			bm, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0,
				map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_QR_VERSION: ver, gozxing.EncodeHintType_MARGIN: 0})
			if err != nil {
				t.Fatal(err)
			}
			mod := 3.5 + 2*rng.Float64()
			side := mod * float64(bm.GetWidth()+8)
			w := int(side*1.6) + 40
			img := image.NewGray(image.Rect(0, 0, w, w))
			for i := range img.Pix {
				img.Pix[i] = uint8(110 + rng.IntN(100))
			}
			th := rng.Float64() * 2 * math.Pi
			var q [4][2]float64
			for i, c := range [4][2]float64{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}} {
				x, y := c[0]*side/2, c[1]*side/2
				x, y = x*math.Cos(th)-y*math.Sin(th), x*math.Sin(th)+y*math.Cos(th)
				a, r := rng.Float64()*2*math.Pi, 0.2*side*(0.7+0.3*rng.Float64())
				q[i] = [2]float64{float64(w)/2 + x + r*math.Cos(a), float64(w)/2 + y + r*math.Sin(a)}
			}
			renderQuad(img, bm, 4, q)
			p := bitmap.Plane{Pix: img.Pix, W: w, H: w, Stride: img.Stride}
			for _, got := range readPlane(p) {
				if got == text {
					read++
					break
				}
			}
		}
	}
	if read < n-3 {
		t.Errorf("read %d of %d codes in strong perspective, want at least %d", read, n, n-3)
	}
}
