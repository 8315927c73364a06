package datamatrix

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/qrgate/qrgate/decoder/internal/bitmap"
	"github.com/qrgate/qrgate/decoder/qr"
)

// squareSizes are the square symbols the tests draw (up to 52×52: bigger
// ones need more pixels than a unit test should draw); rectSizes all six
// rectangles.
var (
	squareSizes = [][2]int{{10, 10}, {12, 12}, {14, 14}, {16, 16}, {18, 18}, {20, 20}, {22, 22}, {24, 24}, {26, 26}, {32, 32}, {36, 36}, {40, 40}, {44, 44}, {48, 48}, {52, 52}}
	rectSizes   = [][2]int{{8, 18}, {8, 32}, {12, 26}, {12, 36}, {16, 36}, {16, 48}}
)

// drawTurned draws a rows × cols symbol of m-pixel modules turned by deg
// in the middle of a plane with room around it.
func drawTurned(t *testing.T, rows, cols int, m, deg float64, bg bool) (encoded, bitmap.Plane) {
	e := encode(t, payloadFor(rows, cols), rows, cols)
	w := int(float64(max(rows, cols))*m*1.5) + 40
	sc := scene{w: w, h: w, toModule: similarity(e, m, deg, float64(w)/2, float64(w)/2), quiet: 1.5, ink: 30, paper: 220}
	if bg {
		sc.background = busy(w, w, uint64(rows*1000+cols))
	}
	return e, render(e, sc)
}

func wantRead(t *testing.T, e encoded, p bitmap.Plane, what string) {
	t.Helper()
	got := readPlane(p)
	read := slices.Contains(got, e.text)
	switch {
	case knownGaps[what] && read:
		t.Errorf("%s: read, but listed in knownGaps: take it off the list", what)
	case !knownGaps[what] && !read:
		t.Errorf("%s: read %q, want %q", what, got, e.text)
	}
}

// knownGaps are cases the reader is known to miss: each is expected to
// fail, and the test fails the day one passes, so the list stays true.
// Small symbols at 2 px a module lose their timing edges in the block
// thresholds once turned off the axis; a strong keystone of a 16×48
// symbol traces the far (short) side's timing edge short.
var knownGaps = map[string]bool{
	"12x12, 2 px modules, turned 5°":   true,
	"12x12, 2 px modules, turned 184°": true,
	"12x12, 2 px modules, turned 273°": true,
	"8x32, 2 px modules, turned 5°":    true,
	"8x32, 2 px modules, turned 184°":  true,
	"8x32, 2 px modules, turned 273°":  true,
	"16x48, 2 px modules, turned 5°":   true,
	"12x26 on a busy background":       true,
	"16x48 in quad 1":                  true,
}

func TestRotation(t *testing.T) {
	for deg := 0.0; deg < 360; deg += 15 {
		e, p := drawTurned(t, 20, 20, 4, deg, false)
		wantRead(t, e, p, fmt.Sprintf("20x20 turned %v°", deg))
	}
}

func TestEverySize(t *testing.T) {
	for i, sz := range append(slices.Clone(squareSizes), rectSizes...) {
		deg := float64(i*37%360) + 7 // neither axis-aligned nor the same for all
		e, p := drawTurned(t, sz[0], sz[1], 3, deg, false)
		wantRead(t, e, p, fmt.Sprintf("%dx%d turned %v°", sz[0], sz[1], deg))
	}
}

func TestTwoPixelModules(t *testing.T) {
	for _, sz := range [][2]int{{12, 12}, {24, 24}, {40, 40}, {8, 32}, {16, 48}} {
		for _, deg := range []float64{0, 5, 90, 184, 273} {
			e, p := drawTurned(t, sz[0], sz[1], 2, deg, false)
			wantRead(t, e, p, fmt.Sprintf("%dx%d, 2 px modules, turned %v°", sz[0], sz[1], deg))
		}
	}
}

func TestBusyBackground(t *testing.T) {
	for _, sz := range [][2]int{{14, 14}, {26, 26}, {44, 44}, {12, 26}, {16, 36}} {
		e, p := drawTurned(t, sz[0], sz[1], 3, 33, true)
		wantRead(t, e, p, fmt.Sprintf("%dx%d on a busy background", sz[0], sz[1]))
	}
}

func TestInverted(t *testing.T) {
	for _, sz := range [][2]int{{16, 16}, {32, 32}, {12, 36}} {
		e := encode(t, payloadFor(sz[0], sz[1]), sz[0], sz[1])
		w := int(float64(max(sz[0], sz[1]))*4*1.5) + 40
		// light modules on a dark plate, on a mid-grey background
		p := render(e, scene{w: w, h: w, toModule: similarity(e, 4, 50, float64(w)/2, float64(w)/2), quiet: 2, ink: 230, paper: 25,
			background: func(int, int) uint8 { return 128 }})
		// light on dark is looked for from the half level up (the full
		// level's second pass would cost as much as its first)
		if got := readLevel(p, 2); !slices.Contains(got, e.text) {
			t.Errorf("%dx%d light on dark, at the half level: read %q, want %q", sz[0], sz[1], got, e.text)
		}
		if got := readLevel(p, 1); slices.Contains(got, e.text) {
			t.Errorf("%dx%d light on dark: read at the full level, which skips that pass", sz[0], sz[1])
		}
		// and the detector does not find it as dark on light
		for _, s := range detectPlane(p, false) {
			if s.rows == e.rows && s.cols == e.cols {
				t.Errorf("%dx%d light on dark: found as dark on light", sz[0], sz[1])
			}
		}
	}
}

func TestPerspective(t *testing.T) {
	quads := [][4][2]float64{
		{{60, 50}, {250, 80}, {240, 260}, {70, 230}},   // leaning right
		{{100, 40}, {220, 70}, {250, 250}, {40, 220}},  // keystone
		{{50, 60}, {260, 40}, {220, 210}, {90, 250}},   // strongly skewed
		{{230, 60}, {250, 240}, {60, 250}, {40, 50}},   // a quarter turn and tilt
		{{80, 120}, {200, 40}, {280, 180}, {150, 270}}, // 45° and tilt
	}
	for _, sz := range [][2]int{{20, 20}, {36, 36}, {16, 48}} {
		for i, q := range quads {
			e := encode(t, payloadFor(sz[0], sz[1]), sz[0], sz[1])
			p := render(e, scene{w: 320, h: 320, toModule: projective(e, q), quiet: 2, ink: 30, paper: 220})
			wantRead(t, e, p, fmt.Sprintf("%dx%d in quad %d", sz[0], sz[1], i))
		}
	}
}

// cylinder wraps a symbol round a vertical cylinder seen from the front
// (a label on a bottle): an arc of arcDeg degrees, modules m pixels high.
func cylinder(e encoded, m, arcDeg, cx, cy float64) func(x, y float64) (float64, float64) {
	half := arcDeg / 2 * math.Pi / 180
	r := float64(e.cols) * m / 2 / half // the arc is as long as the flat symbol
	return func(x, y float64) (float64, float64) {
		s := (x - cx) / r
		if math.Abs(s) >= 1 {
			return -100, -100
		}
		return float64(e.cols)/2 + r*math.Asin(s)/m, (y-cy)/m + float64(e.rows)/2
	}
}

// TestTimingRefinement: on a symbol wrapped round a bottle, the
// homography through the corners puts the middle columns over half a
// module off; the centres refined on the top timing edge read it.
func TestTimingRefinement(t *testing.T) {
	for _, sz := range [][2]int{{32, 32}, {26, 26}, {12, 36}} {
		e := encode(t, payloadFor(sz[0], sz[1]), sz[0], sz[1])
		w := int(float64(max(sz[0], sz[1]))*4*1.5) + 40
		p := render(e, scene{w: w, h: w, toModule: cylinder(e, 4, 110, float64(w)/2, float64(w)/2), quiet: 2, ink: 30, paper: 220})
		th := bitmap.NewThresholds(p, bitmap.StatsOf(p))
		im := newBinImage(th, false)
		syms := detectPlane(p, false)
		found := false
		for _, s := range syms {
			if s.rows != e.rows || s.cols != e.cols {
				continue
			}
			found = true
			if g, ok := sample(im, s, nil, nil); ok && wrongBits(g, e) == 0 {
				t.Errorf("%dx%d on a cylinder: the homography alone samples it right; the case tests nothing", sz[0], sz[1])
			}
			colC, rowC := timingCentres(s)
			g, ok := sample(im, s, colC, rowC)
			if !ok || wrongBits(g, e) > 0 {
				t.Errorf("%dx%d on a cylinder: %d modules wrong after the timing refinement", sz[0], sz[1], wrongBits(g, e))
			}
		}
		if !found {
			t.Errorf("%dx%d on a cylinder: not found (%d symbols)", sz[0], sz[1], len(syms))
		}
		wantRead(t, e, p, fmt.Sprintf("%dx%d on a cylinder", sz[0], sz[1]))
	}
}

// wrongBits counts the modules g samples differently from the encoder.
func wrongBits(g grid, e encoded) int {
	if g.cols != e.cols || g.rows != e.rows {
		return e.cols * e.rows
	}
	n := 0
	for y := range e.rows {
		for x := range e.cols {
			if g.at(x, y) != e.dark[y][x] {
				n++
			}
		}
	}
	return n
}

// budgetHost pays for a fixed number of pixel visits.
type budgetHost struct {
	host
	left *int64
}

func (b budgetHost) Spend(n int64) bool {
	*b.left -= n
	return *b.left >= 0
}

// TestBudgetStopsTracing: the tracing is charged to the scan's budget
// line by line, and stops when the budget cannot pay.
func TestBudgetStopsTracing(t *testing.T) {
	// the code in a corner, which the first start lines (from the middle
	// out) do not cross
	e := encode(t, payloadFor(24, 24), 24, 24)
	p := render(e, scene{w: 400, h: 400, toModule: similarity(e, 3, 10, 330, 330), quiet: 2, ink: 30, paper: 220, background: busy(400, 400, 3)})
	th := bitmap.NewThresholds(p, bitmap.StatsOf(p))
	ls := qr.ScanLevel(th, 2, 1.3, 5)
	left := int64(p.W * 4) // a few start lines' worth
	if codes := ReadLevel(budgetHost{left: &left}, th, ls.Changes, 1); len(codes) > 0 {
		t.Errorf("read %d codes on a budget of a few lines", len(codes))
	}
	if left < -int64(p.W)*pixelsPerTraceStep*40 {
		t.Errorf("went on %d pixel visits past the budget", -left)
	}
	left = 1 << 40
	if codes := ReadLevel(budgetHost{left: &left}, th, ls.Changes, 1); len(codes) != 1 || codes[0].Text != e.text {
		t.Errorf("with budget to spare: read %v, want %q", codes, e.text)
	}
}
