package datamatrix

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gzdm "github.com/makiuchi-d/gozxing/datamatrix"
	dmencoder "github.com/makiuchi-d/gozxing/datamatrix/encoder"

	"github.com/qrgate/qrgate/decoder/internal/bitmap"
	"github.com/qrgate/qrgate/decoder/qr"
)

// The tests draw Data Matrix symbols from gozxing's encoder into planes
// with their own geometry code (independent of the detector's transform):
// a map from each image pixel to the symbol's module coordinates.

// encoded is a symbol's module grid as the encoder made it.
type encoded struct {
	text       string
	cols, rows int
	dark       [][]bool
}

// encode makes a symbol of exactly rows × cols modules holding text.
func encode(t testing.TB, text string, rows, cols int) encoded {
	t.Helper()
	shape := dmencoder.SymbolShapeHint_FORCE_SQUARE
	if rows != cols {
		shape = dmencoder.SymbolShapeHint_FORCE_RECTANGLE
	}
	minD, _ := gozxing.NewDimension(cols, rows)
	maxD, _ := gozxing.NewDimension(cols, rows)
	hints := map[gozxing.EncodeHintType]any{
		gozxing.EncodeHintType_DATA_MATRIX_SHAPE: shape,
		gozxing.EncodeHintType_MIN_SIZE:          minD,
		gozxing.EncodeHintType_MAX_SIZE:          maxD,
	}
	bm, err := gzdm.NewDataMatrixWriter().Encode(text, gozxing.BarcodeFormat_DATA_MATRIX, 0, 0, hints)
	if err != nil {
		t.Fatalf("encode %q as %dx%d: %v", text, rows, cols, err)
	}
	if bm.GetWidth() != cols || bm.GetHeight() != rows {
		t.Fatalf("encode %q: got %dx%d, want %dx%d", text, bm.GetHeight(), bm.GetWidth(), rows, cols)
	}
	e := encoded{text: text, cols: cols, rows: rows, dark: make([][]bool, rows)}
	for y := range e.dark {
		e.dark[y] = make([]bool, cols)
		for x := range e.dark[y] {
			e.dark[y][x] = bm.Get(x, y)
		}
	}
	return e
}

// payloadFor is a text that fills a good part of a rows × cols symbol.
func payloadFor(rows, cols int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	// ASCII encodation: one codeword a character; about 60% of the
	// symbol's codewords are data, 8 bits each
	n := max(1, rows*cols/8*6/10/2)
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[(i*7+rows*3+cols)%len(alphabet)]
	}
	return string(b)
}

// scene is how a symbol is drawn: toModule maps an image point to the
// symbol's module coordinates (x along its columns, y down its rows, the
// symbol spanning [0, cols)×[0, rows)), the quiet zone in modules, the
// ink and paper grey levels, and the background.
type scene struct {
	w, h       int
	toModule   func(x, y float64) (float64, float64)
	quiet      float64
	ink, paper uint8
	background func(x, y int) uint8 // nil: paper
}

// render draws e in the scene, supersampled 4×4 per pixel.
func render(e encoded, sc scene) bitmap.Plane {
	p := bitmap.NewPlane(sc.w, sc.h)
	for y := 0; y < sc.h; y++ {
		for x := 0; x < sc.w; x++ {
			sum := 0.0
			for sy := 0; sy < 4; sy++ {
				for sx := 0; sx < 4; sx++ {
					u, v := sc.toModule(float64(x)+(float64(sx)+0.5)/4, float64(y)+(float64(sy)+0.5)/4)
					sum += sc.shade(e, x, y, u, v)
				}
			}
			p.Pix[y*p.Stride+x] = uint8(math.Round(sum / 16))
		}
	}
	return p
}

func (sc scene) shade(e encoded, x, y int, u, v float64) float64 {
	inSymbol := u >= 0 && v >= 0 && u < float64(e.cols) && v < float64(e.rows)
	if inSymbol && e.dark[int(v)][int(u)] {
		return float64(sc.ink)
	}
	q := sc.quiet
	if inSymbol || u >= -q && v >= -q && u < float64(e.cols)+q && v < float64(e.rows)+q || sc.background == nil {
		return float64(sc.paper)
	}
	return float64(sc.background(x, y))
}

// similarity places a symbol of cols × rows modules of size m pixels,
// centred at (cx, cy), turned by deg degrees.
func similarity(e encoded, m, deg, cx, cy float64) func(x, y float64) (float64, float64) {
	s, c := math.Sincos(-deg * math.Pi / 180)
	return func(x, y float64) (float64, float64) {
		dx, dy := x-cx, y-cy
		return (c*dx-s*dy)/m + float64(e.cols)/2, (s*dx+c*dy)/m + float64(e.rows)/2
	}
}

// projective maps the image quadrilateral q (corners of the symbol:
// top-left, top-right, bottom-right, bottom-left) onto its modules, by
// solving the eight-unknown linear system of the homography directly.
func projective(e encoded, q [4][2]float64) func(x, y float64) (float64, float64) {
	src := q
	dst := [4][2]float64{{0, 0}, {float64(e.cols), 0}, {float64(e.cols), float64(e.rows)}, {0, float64(e.rows)}}
	var a [8][9]float64
	for i := 0; i < 4; i++ {
		x, y, u, v := src[i][0], src[i][1], dst[i][0], dst[i][1]
		a[2*i] = [9]float64{x, y, 1, 0, 0, 0, -u * x, -u * y, u}
		a[2*i+1] = [9]float64{0, 0, 0, x, y, 1, -v * x, -v * y, v}
	}
	h := solve8(a)
	return func(x, y float64) (float64, float64) {
		w := h[6]*x + h[7]*y + 1
		return (h[0]*x + h[1]*y + h[2]) / w, (h[3]*x + h[4]*y + h[5]) / w
	}
}

// solve8 solves an 8×8 system (augmented) by Gaussian elimination with
// partial pivoting.
func solve8(a [8][9]float64) [8]float64 {
	for c := 0; c < 8; c++ {
		p := c
		for r := c + 1; r < 8; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		a[c], a[p] = a[p], a[c]
		for r := 0; r < 8; r++ {
			if r == c {
				continue
			}
			f := a[r][c] / a[c][c]
			for k := c; k < 9; k++ {
				a[r][k] -= f * a[c][k]
			}
		}
	}
	var x [8]float64
	for i := range x {
		x[i] = a[i][8] / a[i][i]
	}
	return x
}

// busy is a background of random grey rectangles of 3–40 px, a texture
// with edges everywhere.
func busy(w, h int, seed uint64) func(x, y int) uint8 {
	r := rand.New(rand.NewPCG(seed, 7))
	grey := make([]uint8, w*h)
	for i := range grey {
		grey[i] = 128
	}
	for k := 0; k < w*h/150; k++ {
		x0, y0 := r.IntN(w), r.IntN(h)
		rw, rh := 3+r.IntN(38), 3+r.IntN(38)
		g := uint8(r.IntN(256))
		for y := y0; y < min(h, y0+rh); y++ {
			for x := x0; x < min(w, x0+rw); x++ {
				grey[y*w+x] = g
			}
		}
	}
	return func(x, y int) uint8 { return grey[y*w+x] }
}

// host is a scan with no deadline whose attempts run directly.
type host struct{}

func (host) Expired() bool         { return false }
func (host) Attempt(decode func()) { decode() }
func (host) Spend(int64) bool      { return true }

// readPlane runs the reader on p as the full-resolution level of a scan,
// with the busy blocks of that level's finder scan (as the decoder does).
func readPlane(p bitmap.Plane) []string { return readLevel(p, 1) }

// readLevel runs the reader on p as the pyramid level downscaled by scale.
func readLevel(p bitmap.Plane, scale int) []string {
	th := bitmap.NewThresholds(p, bitmap.StatsOf(p))
	ls := qr.ScanLevel(th, 2, 1.3, 5)
	var texts []string
	for _, c := range ReadLevel(host{}, th, ls.Changes, scale) {
		texts = append(texts, c.Text)
	}
	return texts
}

// detectPlane runs the detector alone on p (dark on light) and returns the
// symbols it found.
func detectPlane(p bitmap.Plane, invert bool) []symbol {
	th := bitmap.NewThresholds(p, bitmap.StatsOf(p))
	im := newBinImage(th, invert)
	var out []symbol
	newDetector(im, func(int64) bool { return true }).detect(func(s symbol) bool {
		out = append(out, s)
		return true
	})
	return out
}
