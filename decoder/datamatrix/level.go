package datamatrix

import (
	"github.com/qrgate/qrgate/decoder/internal/bitmap"
	"github.com/qrgate/qrgate/decoder/internal/zx"
	"github.com/qrgate/qrgate/decoder/symbology"
)

// Host is what the Data Matrix reader needs from the scan that runs it.
type Host interface {
	// Expired reports whether the scan's budget or deadline has run out.
	Expired() bool
	// Attempt runs one decode (sampling and ECC200 decoding), containing
	// a panic inside it.
	Attempt(decode func())
	// Spend charges the tracing of one start line, in pixel visits (each
	// pixel the start line walks, pixelsPerTraceStep for each step of an
	// edge trace); false: the budget cannot pay it, stop.
	Spend(pixels int64) bool
}

// pixelsPerTraceStep is what one step of an edge trace costs in pixel
// visits: it tests up to ten pixels ahead and beside the edge, and walks
// back out to the light side.
const pixelsPerTraceStep = 8

// ReadLevel finds the Data Matrix codes of one pyramid level (the plane
// downscaled by scale, binarized by th), dark on light and, from the half
// level up, light on dark,
// with the edge tracer, samples and decodes each; corners are in the
// full image's pixels. Traces start only next to the blocks the level
// scan counted busy (ch): a code's L edge borders its busy modules, and
// the smooth parts of a photo cost nothing.
func ReadLevel(h Host, th *bitmap.Thresholds, ch bitmap.Changes, scale int) []zx.Code {
	var out []zx.Code
	near := nearBusy(ch)
	for _, invert := range []bool{false, true} {
		if invert && scale == 1 {
			// light on dark from the half level up: the full level is
			// most of the tracing's cost, and light-on-dark codes are
			// rare; theirs must have modules of 4 px or more
			break
		}
		if h.Expired() {
			break
		}
		out = readBinary(h, newBinImage(th, invert), near, float64(scale), out)
	}
	return out
}

// busyMask marks the blocks of a level plane (bitmap.RegionBlock pixels a
// side) where a trace may start.
type busyMask struct {
	bw, bh int
	near   []bool
}

// nearBusy marks the blocks that are busy or touch a busy one.
func nearBusy(ch bitmap.Changes) busyMask {
	busy := ch.Busy()
	m := busyMask{bw: ch.BW, bh: ch.BH, near: make([]bool, len(busy))}
	for i, b := range busy {
		if !b {
			continue
		}
		x, y := i%ch.BW, i/ch.BW
		for yy := max(0, y-1); yy <= min(ch.BH-1, y+1); yy++ {
			for xx := max(0, x-1); xx <= min(ch.BW-1, x+1); xx++ {
				m.near[yy*ch.BW+xx] = true
			}
		}
	}
	return m
}

// at reports whether a trace may start at p (a plane's edge blocks, which
// the level scan does not count, are left out).
func (m busyMask) at(p pt) bool {
	x, y := int(p.x)/bitmap.RegionBlock, int(p.y)/bitmap.RegionBlock
	return x < m.bw && y < m.bh && m.near[y*m.bw+x]
}

// readBinary runs the detector over one binarized plane, appending the
// codes it decodes to out.
func readBinary(h Host, im *binImage, near busyMask, scale float64, out []zx.Code) []zx.Code {
	d := newDetector(im, h.Spend)
	d.startAt = near.at
	var read [][4]pt // corners of the codes read, in the plane's pixels
	d.detect(func(s symbol) bool {
		if insideAny(read, s.center()) {
			return true // the same code again, from another start
		}
		var c zx.Code
		ok := false
		h.Attempt(func() { c, ok = decodeSymbol(im, s) })
		if ok {
			read = append(read, s.corners)
			for i, p := range s.corners {
				c.Corners[i] = [2]int{roundInt(p.x * scale), roundInt(p.y * scale)}
			}
			out = append(out, c)
		}
		return !h.Expired()
	})
	return out
}

// decodeSymbol samples s through its homography and decodes it; failing
// that, with its module centres refined on the timing edges.
func decodeSymbol(im *binImage, s symbol) (zx.Code, bool) {
	if g, ok := sample(im, s, nil, nil); ok {
		if c, ok := decodeGrid(g); ok {
			return c, true
		}
	}
	colC, rowC := timingCentres(s)
	if colC == nil && rowC == nil {
		return zx.Code{}, false
	}
	g, ok := sample(im, s, colC, rowC)
	if !ok {
		return zx.Code{}, false
	}
	return decodeGrid(g)
}

func decodeGrid(g grid) (zx.Code, bool) {
	text, raw, ok := zx.DecodeDataMatrix(g.cols, g.rows, g.at)
	if !ok {
		return zx.Code{}, false
	}
	return zx.Code{Symbology: symbology.DATA_MATRIX, Text: text, Raw: raw, Corners: make([][2]int, 4)}, true
}

func (s symbol) center() pt {
	return s.mod2pix.apply(pt{float64(s.cols) / 2, float64(s.rows) / 2})
}

// insideAny reports whether p lies inside one of the convex quadrilaterals.
func insideAny(quads [][4]pt, p pt) bool {
	for _, q := range quads {
		in := true
		for i := range q {
			if cross(q[(i+1)%4].sub(q[i]), p.sub(q[i])) < 0 {
				in = false
				break
			}
		}
		if in {
			return true
		}
	}
	return false
}

func roundInt(v float64) int {
	if v < 0 {
		return -int(-v + 0.5)
	}
	return int(v + 0.5)
}
