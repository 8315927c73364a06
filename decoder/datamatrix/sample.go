// NOTICE: The timing-edge correction (BuildModuleCenterLUT,
// SampleGridCorrected) is ported from zxing-cpp
// (core/src/datamatrix/DMDetector.cpp at commit 77dceca), Copyright 2017
// Axel Waggershauser, Licensed under the Apache License 2.0.

package datamatrix

import (
	"math"
	"slices"
)

// grid is a sampled module matrix, true where a module is dark.
type grid struct {
	cols, rows int
	dark       []bool
}

func (g grid) at(x, y int) bool { return g.dark[y*g.cols+x] }

// centres maps a module index along one side to the coordinate of its
// centre in the symbol's (projective) module space; nil: uniform (i+0.5).
type centres []float64

func (c centres) at(i int) float64 {
	if c == nil {
		return float64(i) + 0.5
	}
	return c[i]
}

// sample reads each module at its centre, mapped through the symbol's
// homography and, along each axis, the timing-edge centres (nil:
// uniform). It fails when a centre falls outside the plane.
func sample(im *binImage, s symbol, colC, rowC centres) (grid, bool) {
	g := grid{cols: s.cols, rows: s.rows, dark: make([]bool, s.cols*s.rows)}
	for y := 0; y < s.rows; y++ {
		my := rowC.at(y)
		for x := 0; x < s.cols; x++ {
			v := im.at(s.mod2pix.apply(pt{colC.at(x), my}))
			if v == outside {
				return grid{}, false
			}
			g.dark[y*s.cols+x] = v == black
		}
	}
	return g, true
}

// timingCentres refines the module centres along the top (cols) and the
// right (rows) edge on the traced timing modules, for symbols whose print
// is not flat (a code on a bottle): the homography puts the centres
// evenly, the light gaps of the traced timing edge say where they are.
// Both are nil when neither side is off by half a module or more.
func timingCentres(s symbol) (colC, rowC centres) {
	pix2mod := s.mod2pix.inverse()
	tl, tr, br := s.corners[0], s.corners[1], s.corners[2]
	colC = moduleCentres(s.top, tl, tr, s.cols, func(t float64) float64 { return pix2mod.apply(lerp(tl, tr, t)).x })
	rowC = moduleCentres(s.right, tr, br, s.rows, func(t float64) float64 { return pix2mod.apply(lerp(tr, br, t)).y })
	return colC, rowC
}

// moduleCentres maps the module indices along an edge from start to end
// to their centres, from the light gaps between the traced points of its
// dark timing modules; edgeToModule maps a fraction of the edge to a
// module coordinate.
func moduleCentres(points []pt, start, end pt, n int, edgeToModule func(float64) float64) centres {
	if len(points) < 5 {
		return nil
	}
	edge := end.sub(start)
	edgeLen := edge.length()
	unitDir := edge.normalized()
	modSize := edgeLen / float64(n)

	proj := make([]float64, len(points))
	for i, p := range points {
		proj[i] = dot(p.sub(start), unitDir)
	}
	startsWithGap := 0
	if proj[0] > proj[len(proj)-1] {
		slices.Reverse(proj)
		startsWithGap = 1
	}

	// the gaps (light modules): a lower threshold than modules' 1.9
	// catches those squeezed near the edges of a curved print
	gapThreshold := 1.4 * edge.bresenham().length()
	var gapMids []float64
	for i := 1; i < len(proj); i++ {
		if proj[i]-proj[i-1] > gapThreshold {
			mid := (proj[i] + proj[i-1]) / 2
			if len(gapMids) == 0 || mid-gapMids[len(gapMids)-1] > 0.75*2*modSize {
				gapMids = append(gapMids, mid)
			}
		}
	}
	if len(gapMids) == 0 {
		return nil
	}

	// each gap's module index, counting the gaps missed from the spacing
	idx := make([]int, len(gapMids))
	idx[0] = int(math.Round((gapMids[0]/modSize-(1.5+float64(startsWithGap)))/2))*2 + 1 + startsWithGap
	for i := 1; i < len(gapMids); i++ {
		idx[i] = idx[i-1] + max(1, int(math.Round((gapMids[i]-gapMids[i-1])/(2*modSize))))*2
	}

	type knot struct{ mc, corr float64 }
	knots := []knot{{0, 0}}
	for k, g := range gapMids {
		knots = append(knots, knot{float64(idx[k]) + 0.5, edgeToModule(g / edgeLen)})
	}
	knots = append(knots, knot{float64(n), float64(n)})
	worst := 0.0
	for _, k := range knots {
		worst = max(worst, math.Abs(k.mc-k.corr))
	}
	if worst < 0.5 { // under half a module off: not worth a correction
		return nil
	}
	for i := 1; i < len(knots); i++ {
		if knots[i].mc-knots[i-1].mc < 0.1 { // gaps out of order: no correction from them
			return nil
		}
	}

	// piecewise-linear between the knots
	c := make(centres, n)
	ki := 0
	for i := range c {
		mc := float64(i) + 0.5
		for ki+1 < len(knots)-1 && knots[ki+1].mc < mc {
			ki++
		}
		t := (mc - knots[ki].mc) / (knots[ki+1].mc - knots[ki].mc)
		c[i] = knots[ki].corr + t*(knots[ki+1].corr-knots[ki].corr)
	}
	return c
}
