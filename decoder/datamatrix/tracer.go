// NOTICE: Ported from zxing-cpp (the EdgeTracer of
// core/src/datamatrix/DMDetector.cpp at commit 77dceca), Copyright 2017
// Axel Waggershauser, Licensed under the Apache License 2.0.

package datamatrix

import "math"

// An edge tracer follows the border between a code's dark modules and the
// light outside it: along a solid edge pixel by pixel (traceLine), along a
// dashed timing edge from dark module to dark module (traceGaps), and
// round a corner (traceCorner). The position is always the centre of the
// light pixel just outside the dark one.
type tracer struct {
	cursor
	history *history // where solid edges were already traced; nil: not kept
	state   uint8    // what this trace writes to history (1: left leg, 2: bottom leg)
	work    *int64   // counts pixelsPerTraceStep a step; nil: not counted
}

type stepResult int

const (
	found     stepResult = iota // the edge goes on
	openEnd                     // no dark pixel ahead: the edge ends
	closedEnd                   // a dark pixel but no edge near it, or a trace seen before
)

// traceStep looks ahead up to maxStepSize pixels, and sideways along
// dEdge (towards the dark side), for the next dark pixel of the edge, then
// back outward to the light pixel beside it.
func (t *tracer) traceStep(dEdge pt, maxStepSize int, goodDirection bool) stepResult {
	if t.work != nil {
		*t.work += pixelsPerTraceStep
	}
	dEdge = dEdge.mainDirection()
	maxBreadth := 3
	switch {
	case maxStepSize == 1:
		maxBreadth = 2
	case goodDirection:
		maxBreadth = 1
	}
	for breadth := 1; breadth <= maxBreadth; breadth++ {
		for step := 1; step <= maxStepSize; step++ {
			for i := 0; i <= 2*(step/4+1)*breadth; i++ {
				side := -i / 2
				if i&1 != 0 {
					side = (i + 1) / 2
				}
				pEdge := t.p.add(t.d.mul(float64(step))).add(dEdge.mul(float64(side)))
				if !t.im.blackAt(pEdge.add(dEdge)) {
					continue
				}
				// a dark pixel: go outward to the light one beside it
				for j := 0; j < max(maxStepSize, 3) && t.im.in(pEdge); j++ {
					if t.im.whiteAt(pEdge) {
						t.p = pEdge.centered()
						if t.history != nil && maxStepSize == 1 {
							x, y := int(t.p.x), int(t.p.y)
							if t.history.get(x, y) == t.state {
								return closedEnd
							}
							t.history.set(x, y, t.state)
						}
						return found
					}
					pEdge = pEdge.sub(dEdge)
					if t.im.blackAt(pEdge.sub(t.d)) {
						pEdge = pEdge.sub(t.d)
					}
				}
				return closedEnd
			}
		}
	}
	return openEnd
}

// updateDirectionFromOrigin points the tracer away from origin; it fails
// when that turns it by over 90°. The direction stays in its quadrant (a
// change of main direction could loop for ever).
func (t *tracer) updateDirectionFromOrigin(origin pt) bool {
	old := t.d
	t.setDirection(t.p.sub(origin))
	if dot(t.d, old) < 0 {
		return false
	}
	oldMain := old.mainDirection()
	if math.Abs(t.d.x) == math.Abs(t.d.y) {
		t.d = oldMain.add(t.d.sub(oldMain).mul(0.99))
	} else if !sameDir(t.d.mainDirection(), oldMain) {
		t.d = oldMain.add(t.d.mainDirection().mul(0.99))
	}
	return true
}

func (t *tracer) updateDirectionFromLine(l *line) bool {
	return l.evaluate(1.5, false) && t.updateDirectionFromOrigin(t.p.sub(l.project(t.p)).add(l.points[0]))
}

func (t *tracer) updateDirectionFromLineCentroid(l *line) bool {
	return t.updateDirectionFromOrigin(l.centroid())
}

// traceLine follows a solid edge (dark side towards dEdge) to its end,
// adding each position to l.
func (t *tracer) traceLine(dEdge pt, l *line) bool {
	l.setDirectionInward(dEdge)
	for {
		l.add(t.p)
		if len(l.points)%50 == 10 && !t.updateDirectionFromLineCentroid(l) {
			return false
		}
		if r := t.traceStep(dEdge, 1, l.isValid()); r != found {
			return r == openEnd && len(l.points) > 1 && t.updateDirectionFromLineCentroid(l)
		}
	}
}

// traceGaps follows a dashed (timing) edge, dark side towards dEdge,
// stepping up to maxStepSize pixels across its light modules. With a
// valid finish line it succeeds when the edge ends across it; with
// minDist it stops, successfully, once at least 4 gaps and minDist pixels
// are behind it.
func (t *tracer) traceGaps(dEdge pt, l *line, maxStepSize int, finish *line, minDist float64) bool {
	l.setDirectionInward(dEdge)
	gaps, steps, maxStepsPerGap := 0, 0, maxStepSize
	var last pt
	for {
		// no progress: an endless loop
		prev := last
		last = t.p
		limit := 2
		if gaps > 0 {
			limit = gaps + 1
		}
		if sameDir(t.p, prev) || steps > limit*maxStepsPerGap {
			return false
		}
		steps++
		// drifted too far outside the code
		if l.isValid() && l.signedDistance(t.p) < -5 && (!l.evaluate(0, false) || l.signedDistance(t.p) < -5) {
			return false
		}
		if l.isValid() && l.signedDistance(t.p) > 3 {
			// drifting inside: pull back onto the line, unless the
			// direction has turned across it
			if math.Abs(dot(t.d.normalized(), l.normal())) > 0.7 {
				return false
			}
			if !l.evaluate(1.5, false) {
				return false
			}
			np := l.project(t.p)
			// keep making progress when projected back (a 90° corner
			// rotated 45°)
			for dist(np, l.project(l.points[len(l.points)-1])) < 1 {
				np = np.add(t.d)
			}
			t.p = np.centered()
		} else {
			var cur pt
			var mainStep float64
			if len(l.points) > 0 {
				cur = t.p.sub(l.points[len(l.points)-1])
				mainStep = dot(t.d.mainDirection(), cur)
			}
			l.add(t.p)
			if mainStep > 1 || cur.maxAbs() >= 2 {
				gaps++
				if gaps >= 2 || len(l.points) > 5 {
					if !t.updateDirectionFromLine(l) {
						return false
					}
					// the first half of the top edge is done (every code
					// has at least 4 gaps there)
					if minDist > 0 && gaps >= 4 && dist(t.p, l.points[0]) > minDist {
						l.popBack() // added again on the restart
						return true
					}
				}
			} else if gaps == 0 && len(l.points) >= 2*maxStepSize {
				return false // a line without gaps is no timing edge
			}
		}
		if finish.isValid() {
			maxStepSize = min(maxStepSize, int(finish.signedDistance(t.p)))
		}
		if r := t.traceStep(dEdge, maxStepSize, l.isValid()); r != found {
			// success: an open end across a valid finish line
			return r == openEnd && finish.isValid() && int(finish.signedDistance(t.p)) <= maxStepSize+1
		}
	}
}

// traceCorner steps past the end of an edge, records the corner there and
// turns to dir, finding the next edge's start.
func (t *tracer) traceCorner(dir pt, corner *pt) bool {
	t.step(1)
	*corner = t.p
	t.d, dir = dir, t.d
	t.traceStep(dir.mul(-1), 2, false)
	return t.im.in(*corner) && t.isIn()
}

// history marks the light pixels a solid-edge trace passed, with the trace
// (2 bits a pixel), so that no later start traces the same edge again.
type history struct {
	w    int
	bits []byte
}

func newHistory(w, h int) *history { return &history{w: w, bits: make([]byte, (w*h+3)/4)} }

func (h *history) clear() { clear(h.bits) }

func (h *history) get(x, y int) uint8 {
	i := y*h.w + x
	return h.bits[i>>2] >> (uint(i&3) * 2) & 3
}

func (h *history) set(x, y int, v uint8) {
	i := y*h.w + x
	s := uint(i&3) * 2
	h.bits[i>>2] = h.bits[i>>2]&^(3<<s) | v<<s
}
