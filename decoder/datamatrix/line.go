// NOTICE: Ported from zxing-cpp (core/src/RegressionLine.h and the
// DMRegressionLine of core/src/datamatrix/DMDetector.cpp at commit 77dceca),
// Copyright 2020 Axel Waggershauser, Licensed under the Apache License 2.0.

package datamatrix

import (
	"math"
	"slices"
)

// line is a straight edge fitted to points traced along it (total least
// squares); its normal points into the code. a, b, c are NaN until the
// first evaluate.
type line struct {
	points  []pt
	inward  pt
	a, b, c float64
}

func newLine() line { return line{a: math.NaN(), b: math.NaN(), c: math.NaN()} }

// lineThrough is the line through two points.
func lineThrough(p, q pt) line {
	l := newLine()
	l.fit([]pt{p, q})
	return l
}

func (l *line) reset() {
	l.points = l.points[:0]
	l.inward = pt{}
	l.a, l.b, l.c = math.NaN(), math.NaN(), math.NaN()
}

func (l *line) isValid() bool { return !math.IsNaN(l.a) }

func (l *line) normal() pt {
	if l.isValid() {
		return pt{l.a, l.b}
	}
	return l.inward
}

func (l *line) signedDistance(p pt) float64 { return dot(l.normal(), p) - l.c }
func (l *line) distance(p pt) float64       { return math.Abs(l.signedDistance(p)) }
func (l *line) project(p pt) pt             { return p.sub(l.normal().mul(l.signedDistance(p))) }
func (l *line) setDirectionInward(d pt)     { l.inward = d.normalized() }

func (l *line) centroid() pt {
	var s pt
	for _, p := range l.points {
		s = s.add(p)
	}
	return s.mul(1 / float64(len(l.points)))
}

// length is the distance between the first and the last point, in whole
// pixels.
func (l *line) length() int {
	if len(l.points) < 2 {
		return 0
	}
	return int(dist(l.points[0], l.points[len(l.points)-1]))
}

func (l *line) add(p pt) {
	l.points = append(l.points, p)
	if len(l.points) == 1 {
		l.c = dot(l.normal(), p)
	}
}

func (l *line) popBack() { l.points = l.points[:len(l.points)-1] }

func (l *line) reverse() { slices.Reverse(l.points) }

// fit sets the line to the least-squares fit of ps and reports whether its
// normal is within 60° of the inward direction.
func (l *line) fit(ps []pt) bool {
	var mean pt
	for _, p := range ps {
		mean = mean.add(p)
	}
	mean = mean.mul(1 / float64(len(ps)))
	var sxx, syy, sxy float64
	for _, p := range ps {
		d := p.sub(mean)
		sxx += d.x * d.x
		syy += d.y * d.y
		sxy += d.x * d.y
	}
	if syy >= sxx {
		n := math.Sqrt(syy*syy + sxy*sxy)
		l.a, l.b = syy/n, -sxy/n
	} else {
		n := math.Sqrt(sxx*sxx + sxy*sxy)
		l.a, l.b = sxy/n, -sxx/n
	}
	if dot(l.inward, l.normal()) < 0 {
		l.a, l.b = -l.a, -l.b
	}
	l.c = dot(l.normal(), mean)
	return dot(l.inward, l.normal()) > 0.5
}

// evaluate fits the line to its points; with maxSignedDist > 0 it then
// drops, refitting until none is left, the points further inside than
// maxSignedDist or further outside than twice that (keeping them dropped
// with update). It fails when that drops over half the points.
func (l *line) evaluate(maxSignedDist float64, update bool) bool {
	ok := l.fit(l.points)
	if maxSignedDist <= 0 {
		return ok
	}
	ps := slices.Clone(l.points)
	for {
		n := len(ps)
		ps = slices.DeleteFunc(ps, func(p pt) bool {
			sd := l.signedDistance(p)
			return sd > maxSignedDist || sd < -2*maxSignedDist
		})
		if len(ps) < n/2 || len(ps) < 2 {
			return false
		}
		if len(ps) == n {
			break
		}
		ok = l.fit(ps)
	}
	if update {
		l.points = ps
	}
	return ok
}

// intersect is the crossing of two evaluated lines.
func intersect(l1, l2 *line) pt {
	d := l1.a*l2.b - l1.b*l2.a
	return pt{(l1.c*l2.b - l1.b*l2.c) / d, (l1.a*l2.c - l1.c*l2.a) / d}
}

// modules measures the timing pattern traced along the line between beg
// and end: the points are the outer edges of its dark modules, so a gap
// between consecutive points marks a light module. It returns the
// line's length over the mean period of two modules (dark and light): half
// the modules of that side.
func (l *line) modules(beg, end pt) float64 {
	// re-evaluate and drop the points too far off: the gap sizes need it
	l.evaluate(1.2, true)
	ps := l.points
	if len(ps) < 2 {
		return 0
	}
	// the (expected average) distance of two adjacent pixels along the line
	unit := ps[len(ps)-1].sub(ps[0]).bresenham().length()
	sumFront := dist(beg, l.project(ps[0])) - unit // first dark pixel to first dark pixel
	sumBack := 0.0                                 // last dark pixel to last dark pixel
	var mods []float64
	for i := 1; i < len(ps); i++ {
		d := dist(l.project(ps[i]), l.project(ps[i-1]))
		gap := d > 1.9*unit
		if gap {
			mods = append(mods, sumBack)
			sumBack = 0
		}
		sumFront += d
		sumBack += d
		if gap {
			mods = append(mods, sumFront)
			sumFront = 0
		}
	}
	if len(mods) == 0 {
		return 0
	}
	mods = append(mods, sumFront+dist(end, l.project(ps[len(ps)-1])))
	mods[0] = 0 // the first sumBack is no period
	length := dist(beg, end) - unit
	lo, hi := slices.Min(mods[1:]), slices.Max(mods[1:])
	mean := positiveMean(mods)
	if hi > 2*lo {
		// merge the halves of a period split by a dark speck, drop periods
		// that span a missed gap
		for i := 1; i < len(mods)-2; i++ {
			if mods[i] > 0 && mods[i]+mods[i+2] < mean*1.4 {
				mods[i] += mods[i+2]
				mods[i+2] = 0
			} else if mods[i] > mean*1.6 {
				mods[i] = 0
			}
		}
		mean = positiveMean(mods)
	}
	return length / mean
}

func positiveMean(vs []float64) float64 {
	s, n := 0.0, 0
	for _, v := range vs {
		if v > 0 {
			s += v
			n++
		}
	}
	return s / float64(n)
}

// truncateIfLShape: when the points traced down the left leg turned the
// corner into the bottom leg (an L rather than a line), it cuts them before
// the corner, points the line's inward direction along the bottom leg and
// reports true.
func (l *line) truncateIfLShape() bool {
	n := len(l.points)
	if n < 16 {
		return false
	}
	ab := lineThrough(l.points[0], l.points[n-1])
	if ab.distance(l.points[n/2]) < 5 {
		return false
	}
	maxI, maxD := 0, 0.0
	for i, p := range l.points {
		if d := ab.distance(p); d > maxD {
			maxI, maxD = i, d
		}
	}
	lenL := dist(l.points[0], l.points[maxI]) - 1
	lenB := dist(l.points[maxI], l.points[n-1]) - 1
	if maxD < min(lenL, lenB)/2 || maxI < 2 {
		return false
	}
	l.setDirectionInward(l.points[n-1].sub(l.points[maxI]))
	l.points = l.points[:maxI-1]
	return true
}
