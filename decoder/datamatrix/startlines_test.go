package datamatrix

import (
	"slices"
	"testing"

	"github.com/qrgate/qrgate/decoder/internal/bitmap"
)

// The reference walk the start lines replace: zxing-cpp's
// moveToNextWhiteAfterBlack, one pixel at a time through the thresholds.

// stepToEdge advances to the first pixel past the next edge (a change of
// value, leaving the plane included) and reports whether that pixel is in
// the plane.
func (c *cursor) stepToEdge() bool {
	v := c.im.at(c.p)
	for v != outside {
		c.p = c.p.add(c.d)
		if w := c.im.at(c.p); w != v {
			return w != outside
		}
	}
	return false
}

// moveToNextWhiteAfterBlack moves the start cursor (axis-aligned) to the
// next light pixel that follows a dark one: the outside of an edge.
func (t *tracer) moveToNextWhiteAfterBlack() bool {
	if !t.stepToEdge() {
		return false
	}
	if t.im.at(t.p) == white {
		return true
	}
	return t.stepToEdge()
}

// TestStartLinesMatchWalk: the bit-parallel start positions are those of
// the pixel-by-pixel walk, on every start line in each direction and
// polarity, on a busy plane whose width and height are no multiple of 64.
func TestStartLinesMatchWalk(t *testing.T) {
	e := encode(t, payloadFor(20, 20), 20, 20)
	p := render(e, scene{w: 203, h: 171, toModule: similarity(e, 3, 20, 100, 80), quiet: 2, ink: 30, paper: 220, background: busy(203, 171, 5)})
	th := bitmap.NewThresholds(p, bitmap.StatsOf(p))
	for _, invert := range []bool{false, true} {
		im := newBinImage(th, invert)
		sl := newStartLines(im)
		lines := 0
		for _, dir := range []pt{{-1, 0}, {1, 0}, {0, -1}, {0, 1}} {
			cx, cy := float64(im.w/2), float64(im.h/2)
			start := pt{cx - cx*dir.x + minSymbolSize/2*dir.x, cy - cy*dir.y + minSymbolSize/2*dir.y}.centered()
			for i := 1; ; i++ {
				tr := tracer{cursor: cursor{im: im, p: start, d: dir}}
				off := float64(i / 2 * minSymbolSize)
				if i&1 != 0 {
					off = -off
				}
				tr.p = tr.p.add(tr.right().mul(off))
				if !tr.isIn() {
					break
				}
				b, n, from := sl.line(tr.p, tr.d)
				got := lightAfterDark(b, n, from, int(dir.x+dir.y), nil)
				var want []int
				for w := tr; w.moveToNextWhiteAfterBlack(); {
					want = append(want, int(w.p.x*abs1(dir.x)+w.p.y*abs1(dir.y)))
				}
				if !slices.Equal(got, want) {
					t.Errorf("invert %v, direction %v, line %d: starts %v, the walk gives %v", invert, dir, i, got, want)
				}
				lines++
			}
		}
		if lines < 20 {
			t.Fatalf("only %d start lines", lines)
		}
	}
}

func abs1(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
