// NOTICE: Ported from zxing-cpp (Scan and DetectNew of
// core/src/datamatrix/DMDetector.cpp at commit 77dceca), Copyright 2017
// Axel Waggershauser, Licensed under the Apache License 2.0.

package datamatrix

import "math"

// symbol is a Data Matrix the detector found: its size, the homography
// from module coordinates (x right along the bottom leg from the top-left
// corner, y down the left leg) to the level plane's pixels, and the traced
// timing edges the sampler refines the module centres on.
type symbol struct {
	cols, rows int
	mod2pix    transform
	// corners shrunk half a pixel onto the code's edge: top-left,
	// top-right, bottom-right, bottom-left
	corners    [4]pt
	top, right []pt // points traced along the top and right timing edges
}

// maxSideMismatch bounds how much opposite sides of a symbol may differ,
// relative to the L's side.
const maxSideMismatch = 0.7

// minSymbolSize is the smallest code in pixels worth a start line: 8
// modules of 2 pixels. Start lines are that far apart.
const minSymbolSize = 8 * 2

// detector finds Data Matrix symbols in one binarized level plane.
type detector struct {
	im      *binImage
	history *history
	lines   [4]line
	// spend is charged the work of each start line (pixel visits); it
	// stops the detector when it returns false (the scan's budget)
	spend func(pixels int64) bool
	// work counts the pixel visits since the last charge
	work int64
	// starts is the buffer of one start line's start positions
	starts []int
	// startAt reports whether a trace may start at a point (nil: anywhere)
	startAt func(pt) bool
}

func newDetector(im *binImage, spend func(pixels int64) bool) *detector {
	d := &detector{im: im, history: newHistory(im.w, im.h), spend: spend}
	for i := range d.lines {
		d.lines[i] = newLine()
	}
	return d
}

// detect runs start lines across the plane in each of the four directions
// (from the middle outward, minSymbolSize apart) and hands each symbol
// found to yield, until yield returns false.
func (d *detector) detect(yield func(symbol) bool) {
	w, h := d.im.w, d.im.h
	sl := newStartLines(d.im)
	for _, dir := range []pt{{-1, 0}, {1, 0}, {0, -1}, {0, 1}} {
		cx, cy := float64(w/2), float64(h/2)
		start := pt{cx - cx*dir.x + minSymbolSize/2*dir.x, cy - cy*dir.y + minSymbolSize/2*dir.y}.centered()
		d.history.clear()
		for i := 1; ; i++ {
			t := tracer{cursor: cursor{im: d.im, p: start, d: dir}, history: d.history}
			off := float64(i / 2 * minSymbolSize)
			if i&1 != 0 {
				off = -off
			}
			t.p = t.p.add(t.right().mul(off))
			if !t.isIn() {
				break
			}
			t.work = &d.work
			ok := d.scan(t, sl, yield)
			// the line's pixels, and its traces' steps
			d.work += int64(max(w, h))
			if !d.spend(d.work) || !ok {
				return
			}
			d.work = 0
		}
	}
}

// scan tries, from each light pixel after a dark one along the start
// tracer's line (in its direction of travel), to trace a Data Matrix's L
// and timing edges. It returns false when yield asked to stop.
func (d *detector) scan(start tracer, sl *startLines, yield func(symbol) bool) bool {
	b, n, from := sl.line(start.p, start.d)
	step := int(start.d.x + start.d.y)
	d.starts = lightAfterDark(b, n, from, step, d.starts[:0])
	for _, i := range d.starts {
		if start.d.y == 0 {
			start.p.x = float64(i) + 0.5
		} else {
			start.p.y = float64(i) + 0.5
		}
		// an L edge is a module (2 px or more) of dark, then a quiet zone
		// of a module or more: a one-pixel speck either side starts none
		if d.im.at(start.p.sub(start.d.mul(2))) != black || d.im.at(start.p.add(start.d)) != white {
			continue
		}
		if d.startAt != nil && !d.startAt(start.p) {
			continue
		}
		s, ok := d.trace(start)
		if ok && !yield(s) {
			return false
		}
	}
	return true
}

// trace follows the edges from one start: up the left leg to the top-left
// corner, down it to the bottom-left one, along the bottom leg, then the
// dashed top and right edges; it fits the four lines, measures the size
// from the timing edges and checks it is an ECC200 size.
func (d *detector) trace(start tracer) (symbol, bool) {
	lineL, lineB, lineR, lineT := &d.lines[0], &d.lines[1], &d.lines[2], &d.lines[3]
	for i := range d.lines {
		d.lines[i].reset()
	}
	var tl, bl, br, tr pt

	// follow the left leg upwards
	t := start
	t.d = t.right()
	t.state = 1
	if !t.traceLine(t.right(), lineL) || !t.traceCorner(t.right(), &tl) {
		return symbol{}, false
	}
	lineL.reverse()
	tlTracer := t

	// follow the left leg downwards
	t = start
	t.state = 1
	t.setDirection(tlTracer.right())
	if !t.traceLine(t.left(), lineL) {
		return symbol{}, false
	}
	// the trace went round the bottom-left corner: cut it there
	if lineL.truncateIfLShape() {
		t.p = lineL.points[len(lineL.points)-1]
	}
	t.updateDirectionFromOrigin(tl)
	up := t.back()
	if !t.traceCorner(t.left(), &bl) {
		return symbol{}, false
	}

	// follow the bottom leg right
	t.state = 2
	if !t.traceLine(t.left(), lineB) {
		return symbol{}, false
	}
	t.updateDirectionFromOrigin(bl)
	right := t.front()
	if !t.traceCorner(t.left(), &br) {
		return symbol{}, false
	}

	lenL, lenB := dist(tl, bl)-1, dist(bl, br)-1
	if !(lenL >= 8 && lenB >= 10 && lenB >= lenL/4 && lenB <= lenL*18) {
		return symbol{}, false
	}

	// a plausible L: now the dashed edges at the top and right. Follow
	// the top half way (at least 4 gaps).
	maxStep := int(lenB/5 + 1) // the bottom has at least 10 modules
	tlTracer.setDirection(right)
	if !tlTracer.traceGaps(tlTracer.right(), lineT, maxStep, &line{a: math.NaN()}, lenB/2) {
		return symbol{}, false
	}
	maxStep = min(lineT.length()/3, int(lenL/5)) * 2

	// follow the right edge up to the top line
	t.setDirection(up)
	t.state = 3
	if !t.traceGaps(t.left(), lineR, maxStep, lineT, 0) || !t.traceCorner(t.left(), &tr) {
		return symbol{}, false
	}
	// opposite sides alike: zxing-cpp allows them to differ by half;
	// 0.7 keeps codes photographed at a slant (a near side 1.6 times the
	// far one) whose size and checksum still have to be right
	lenT, lenR := dist(tl, tr)-1, dist(tr, br)-1
	if !(math.Abs(lenT-lenB)/lenB < maxSideMismatch && math.Abs(lenR-lenL)/lenL < maxSideMismatch && len(lineT.points) >= 5 && len(lineR.points) >= 5) {
		return symbol{}, false
	}

	// continue the top edge right until it crosses the right line
	if !tlTracer.traceGaps(tlTracer.right(), lineT, maxStep, lineR, 0) {
		return symbol{}, false
	}
	for _, l := range []*line{lineL, lineB, lineT, lineR} {
		l.evaluate(1.0, false)
	}

	// the corners, to sub-pixel precision, where the four lines cross
	bl, tl = intersect(lineB, lineL), intersect(lineT, lineL)
	tr, br = intersect(lineT, lineR), intersect(lineB, lineR)

	cols, fracT := splitModules(lineT.modules(tl, tr))
	rows, fracR := splitModules(lineR.modules(br, tr))
	// the size is twice the light/dark periods
	cols *= 2
	rows *= 2
	if !validSize(rows, cols) && abs(cols-rows) < 10 {
		// almost square (valid rectangles differ by 10 modules or more):
		// take the square that is valid, or the side measured closer to a
		// whole number
		sqT, sqR := validSize(cols, cols), validSize(rows, rows)
		switch {
		case sqT != sqR:
			if sqT {
				rows = cols
			} else {
				cols = rows
			}
		case fracR < fracT:
			cols = rows
		default:
			rows = cols
		}
	}
	if !validSize(rows, cols) {
		return symbol{}, false
	}

	// shrink the corners from the centres of the light pixels outside onto
	// the code's edge; the top-right less, as the jagged dashed edges lean
	// inward anyway
	moved := func(a, b1, b2 pt, by float64) pt {
		return a.add(b1.sub(a).normalized().add(b2.sub(a).normalized()).normalized().mul(by))
	}
	corners := [4]pt{moved(tl, tr, bl, 0.5), moved(tr, br, tl, 0.3), moved(br, bl, tr, 0.5), moved(bl, tl, br, 0.5)}
	m2p, ok := quadToQuad(rect(float64(cols), float64(rows)), corners)
	if !ok {
		return symbol{}, false
	}
	return symbol{cols: cols, rows: rows, mod2pix: m2p, corners: corners,
		top: append([]pt(nil), lineT.points...), right: append([]pt(nil), lineR.points...)}, true
}

// splitModules rounds a measured period count, with how far it was from
// a whole number (infinite for a measure that is no number).
func splitModules(v float64) (int, float64) {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) < 0x1p-1022 {
		return 0, math.Inf(1)
	}
	i := int(math.Round(v))
	return i, math.Abs(v - float64(i))
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
