package qr

import (
	"math"
	"sort"

	"github.com/makiuchi-d/gozxing/common"
	qrdecoder "github.com/makiuchi-d/gozxing/qrcode/decoder"

	"github.com/qrgate/qrgate/decoder/internal/bitmap"
)

// Piecewise sampling for codes that one homography does not fit: a label
// wrapped round a bottle, a bag's crease. The alignment patterns of a
// version 2+ code sit on a grid (their centres' rows and columns); each
// cell of that grid, between four pattern centres (or, at the finders,
// where the fitted homography puts the missing ones), gets a perspective
// transform of its own, and every module is sampled through the cell it
// lies in. Modules past the outermost centres use the edge cells' maps.
//
// This follows zxing-cpp's QR sampling (core/src/qrcode/QRDetector.cpp,
// SampleQR, with GridSampler's regions of interest: Apache-2.0, Copyright
// 2017 Huy Nguyen, 2022 Axel Waggershauser and the ZXing authors), written
// anew: it locates each alignment pattern where the fitted homography
// predicts it, and samples by regions between the located centres.

// piecewise maps module coordinates to the plane cell by cell.
type piecewise struct {
	lines []float64 // module coordinates of the node rows and columns (pattern centres)
	cells []*common.PerspectiveTransform
}

// cell returns the index of the interval of lines holding v (the edge
// intervals extend outward).
func (pw *piecewise) cell(v float64) int {
	i := sort.SearchFloat64s(pw.lines, v) - 1
	return max(0, min(len(pw.lines)-2, i))
}

// TransformPoints maps (x, y) pairs of module coordinates in place.
func (pw *piecewise) TransformPoints(pts []float64) {
	n := len(pw.lines) - 1
	for i := 0; i+1 < len(pts); i += 2 {
		cx, cy := pw.cell(pts[i]), pw.cell(pts[i+1])
		pw.cells[cy*n+cx].TransformPoints(pts[i : i+2])
	}
}

// piecewiseMap builds the cell transforms of a code of dim modules from
// h (the fit with its alignment patterns) and the patterns located around
// where h puts them; false for version 1 (no pattern) or when fewer than
// half of the patterns are found (the map would be h's own).
func piecewiseMap(p bitmap.Plane, h homography, dim int, dark bool) (*piecewise, bool) {
	v, err := qrdecoder.Version_GetVersionForNumber((dim - 17) / 4)
	if err != nil {
		return nil, false
	}
	cs := v.GetAlignmentPatternCenters()
	k := len(cs)
	if k < 2 {
		return nil, false
	}
	lines := make([]float64, k)
	for i, c := range cs {
		lines[i] = float64(c) + 0.5
	}
	// node (i, j) in the plane: the pattern located there, else h's guess
	nodes := make([]pt, k*k)
	shift := make([]pt, k*k) // located minus h's guess
	located := make([]bool, k*k)
	// From the finders outward, so that each pattern is searched where its
	// located neighbours say the surface has carried it.
	order := make([]int, 0, k*k)
	for n := range nodes {
		i, j := n%k, n/k
		m := pt{lines[i], lines[j]}
		x, y := h.apply(m.x, m.y)
		nodes[n] = pt{x, y}
		if (i == 0 && j == 0) || (i == 0 && j == k-1) || (i == k-1 && j == 0) {
			located[n] = true // under a finder: h fits there
			continue
		}
		order = append(order, n)
	}
	hops := func(n int) int {
		i, j := n%k, n/k
		return min(i+j, k-1-i+j, i+k-1-j)
	}
	sort.SliceStable(order, func(a, b int) bool { return hops(order[a]) < hops(order[b]) })
	found := 0
	for _, n := range order {
		i, j := n%k, n/k
		var sh pt
		cnt := 0
		for _, d := range [4][2]int{{-1, 0}, {1, 0}, {0, -1}, {0, 1}} {
			ii, jj := i+d[0], j+d[1]
			if ii >= 0 && jj >= 0 && ii < k && jj < k && located[jj*k+ii] {
				sh.x += shift[jj*k+ii].x
				sh.y += shift[jj*k+ii].y
				cnt++
			}
		}
		if cnt > 0 {
			sh.x /= float64(cnt)
			sh.y /= float64(cnt)
		}
		if at, ok := locateAlignmentNear(p, h, pt{lines[i], lines[j]}, sh, dark); ok {
			shift[n] = pt{at.x - nodes[n].x, at.y - nodes[n].y}
			nodes[n], located[n] = at, true
			found++
		}
	}
	want := len(order)
	if 2*found < want {
		return nil, false
	}
	pw := &piecewise{lines: lines, cells: make([]*common.PerspectiveTransform, (k-1)*(k-1))}
	for j := 0; j+1 < k; j++ {
		for i := 0; i+1 < k; i++ {
			a, b, c, d := nodes[j*k+i], nodes[j*k+i+1], nodes[(j+1)*k+i+1], nodes[(j+1)*k+i]
			x0, x1, y0, y1 := lines[i], lines[i+1], lines[j], lines[j+1]
			t := common.PerspectiveTransform_QuadrilateralToQuadrilateral(x0, y0, x1, y0, x1, y1, x0, y1, a.x, a.y, b.x, b.y, c.x, c.y, d.x, d.y)
			pw.cells[j*(k-1)+i] = t
		}
	}
	for _, t := range pw.cells {
		probe := []float64{lines[0], lines[0]}
		t.TransformPoints(probe)
		if math.IsNaN(probe[0]) || math.IsInf(probe[0], 0) {
			return nil, false
		}
	}
	return pw, true
}
