package qr

import (
	"math"
	"slices"

	"github.com/makiuchi-d/gozxing/common"

	qrdecoder "github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/qrgate/qrgate/decoder/internal/bitmap"
)

// Geometry from the code's own structure. A finder pattern is three
// concentric squares (7, 5 and 3 modules); under perspective it stays a
// quadrilateral whose corners are known points of the code's module grid.
// The outer corners of the three finders (and the inner edges of their dark
// rings) give up to 24 correspondences between module coordinates and the
// image, from which one homography is fitted by least squares: exact under
// any perspective, where three finder centres and a parallelogram guess at
// the fourth corner are not. The alignment patterns, searched where that
// homography puts them, are added to the fit (every one of them for
// versions 7 and up, whose grid of alignment patterns spans the code).
//
// The approach follows zxing-cpp's detector (core/src/qrcode/QRDetector.cpp,
// ConcentricFinder.cpp: Apache-2.0, Copyright 2020 Axel Waggershauser and
// the ZXing authors): fit the finders' concentric squares, locate alignment
// patterns from the fitted transform, sample with a transform that uses
// them. The code here is written anew for a grey plane.

type pt struct{ x, y float64 }

// homography maps module coordinates to plane coordinates (row-major 3×3,
// h[8] = 1).
type homography [9]float64

func (h homography) apply(x, y float64) (float64, float64) {
	w := h[6]*x + h[7]*y + h[8]
	return (h[0]*x + h[1]*y + h[2]) / w, (h[3]*x + h[4]*y + h[5]) / w
}

// fitHomography fits the homography taking src to dst by least squares
// (the direct linear transform with h33 = 1, on coordinates normalised to
// their centroid and mean distance, so that the normal equations stay well
// conditioned). w weighs each pair (nil: all 1).
func fitHomography(src, dst []pt, w []float64) (homography, bool) {
	if len(src) < 4 || len(src) != len(dst) {
		return homography{}, false
	}
	ns, sn := normaliser(src)
	nd, dn := normaliser(dst)
	var ata [8][8]float64
	var atb [8]float64
	add := func(row [8]float64, b, wt float64) {
		for i := 0; i < 8; i++ {
			if row[i] == 0 {
				continue
			}
			for j := 0; j < 8; j++ {
				ata[i][j] += wt * row[i] * row[j]
			}
			atb[i] += wt * row[i] * b
		}
	}
	for i := range src {
		x, y := (src[i].x-ns.x)*sn, (src[i].y-ns.y)*sn
		u, v := (dst[i].x-nd.x)*dn, (dst[i].y-nd.y)*dn
		wt := 1.0
		if w != nil {
			wt = w[i]
		}
		add([8]float64{x, y, 1, 0, 0, 0, -u * x, -u * y}, u, wt)
		add([8]float64{0, 0, 0, x, y, 1, -v * x, -v * y}, v, wt)
	}
	sol, ok := solve8(ata, atb)
	if !ok {
		return homography{}, false
	}
	// Undo the normalisations: H = Td⁻¹ · Hn · Ts.
	hn := [9]float64{sol[0], sol[1], sol[2], sol[3], sol[4], sol[5], sol[6], sol[7], 1}
	ts := [9]float64{sn, 0, -sn * ns.x, 0, sn, -sn * ns.y, 0, 0, 1}
	tdInv := [9]float64{1 / dn, 0, nd.x, 0, 1 / dn, nd.y, 0, 0, 1}
	h := mul3(tdInv, mul3(hn, ts))
	if h[8] == 0 || math.IsNaN(h[8]) {
		return homography{}, false
	}
	for i := range h {
		h[i] /= h[8]
	}
	return homography(h), true
}

// normaliser returns the centroid of ps and the scale that brings their
// mean distance from it to √2.
func normaliser(ps []pt) (pt, float64) {
	var c pt
	for _, p := range ps {
		c.x += p.x
		c.y += p.y
	}
	c.x /= float64(len(ps))
	c.y /= float64(len(ps))
	d := 0.0
	for _, p := range ps {
		d += math.Hypot(p.x-c.x, p.y-c.y)
	}
	d /= float64(len(ps))
	if d == 0 {
		return c, 1
	}
	return c, math.Sqrt2 / d
}

func mul3(a, b [9]float64) [9]float64 {
	var out [9]float64
	for r := 0; r < 3; r++ {
		for c := 0; c < 3; c++ {
			out[r*3+c] = a[r*3]*b[c] + a[r*3+1]*b[3+c] + a[r*3+2]*b[6+c]
		}
	}
	return out
}

// solve8 solves a·x = b by Gaussian elimination with partial pivoting.
func solve8(a [8][8]float64, b [8]float64) ([8]float64, bool) {
	for col := 0; col < 8; col++ {
		piv := col
		for r := col + 1; r < 8; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[piv][col]) {
				piv = r
			}
		}
		if math.Abs(a[piv][col]) < 1e-12 {
			return b, false
		}
		a[col], a[piv] = a[piv], a[col]
		b[col], b[piv] = b[piv], b[col]
		for r := col + 1; r < 8; r++ {
			f := a[r][col] / a[col][col]
			for c := col; c < 8; c++ {
				a[r][c] -= f * a[col][c]
			}
			b[r] -= f * b[col]
		}
	}
	var x [8]float64
	for r := 7; r >= 0; r-- {
		s := b[r]
		for c := r + 1; c < 8; c++ {
			s -= a[r][c] * x[c]
		}
		x[r] = s / a[r][r]
	}
	return x, true
}

// transform returns h as gozxing's transform (module → plane), built from
// the images of four points, which determine a homography exactly.
func (h homography) transform(dim int) *common.PerspectiveTransform {
	d := float64(dim)
	x0, y0 := h.apply(0, 0)
	x1, y1 := h.apply(d, 0)
	x2, y2 := h.apply(d, d)
	x3, y3 := h.apply(0, d)
	return common.PerspectiveTransform_QuadrilateralToQuadrilateral(0, 0, d, 0, d, d, 0, d, x0, y0, x1, y1, x2, y2, x3, y3)
}

// localGrid is the module grid h implies around module (mx, my): its
// derivative there, one module along each axis.
func (h homography) localGrid(mx, my float64, dark bool) moduleGrid {
	x0, y0 := h.apply(mx-0.5, my)
	x1, y1 := h.apply(mx+0.5, my)
	x2, y2 := h.apply(mx, my-0.5)
	x3, y3 := h.apply(mx, my+0.5)
	g := moduleGrid{ux: x1 - x0, uy: y1 - y0, vx: x3 - x2, vy: y3 - y2, sign: 1}
	if !dark {
		g.sign = -1
	}
	return g
}

// finderRays is the number of rays cast from a finder's centre to find its
// rings' edges.
const finderRays = 48

// concentricEdges casts rays from the finder centre c and returns, per ray,
// where the luminance crosses the midpoint between the finder's dark and
// light levels for the second time (the inner edge of the outer dark ring,
// 2.5 modules out along an axis) and the third time (its outer edge, 3.5
// modules out). A ray that does not cross as expected gives no point.
func concentricEdges(p bitmap.Plane, c candidate) (inner, outer []pt) {
	centre := p.Bilinear(c.x, c.y)
	ring := (p.Bilinear(c.x-2*c.m, c.y) + p.Bilinear(c.x+2*c.m, c.y) + p.Bilinear(c.x, c.y-2*c.m) + p.Bilinear(c.x, c.y+2*c.m)) / 4
	if math.Abs(ring-centre) < 12 {
		return nil, nil
	}
	mid := (ring + centre) / 2
	darkLow := centre < ring
	isDark := func(v float64) bool { return (v < mid) == darkLow }
	step := max(0.25, c.m/6)
	limit := 7.5 * c.m
	for k := 0; k < finderRays; k++ {
		a := 2 * math.Pi * (float64(k) + 0.5) / finderRays
		dx, dy := math.Cos(a), math.Sin(a)
		prev := centre
		wantDark := false // the next run: light ring, then dark ring, then outside
		edges := 0
		var e [3]float64
		for r := step; r < limit && edges < 3; r += step {
			x, y := c.x+dx*r, c.y+dy*r
			if x < 0 || y < 0 || x >= float64(p.W) || y >= float64(p.H) {
				break
			}
			v := p.Bilinear(x, y)
			if isDark(v) == wantDark {
				// the crossing, interpolated between the two samples
				f := 0.0
				if v != prev {
					f = (mid - prev) / (v - prev)
				}
				e[edges] = r - step + f*step
				edges++
				wantDark = !wantDark
			}
			prev = v
		}
		if edges >= 2 {
			inner = append(inner, pt{c.x + dx*e[1], c.y + dy*e[1]})
		}
		if edges == 3 {
			outer = append(outer, pt{c.x + dx*e[2], c.y + dy*e[2]})
		}
	}
	return inner, outer
}

// fitQuad fits a quadrilateral to points around centre c (ordered by
// angle): the farthest point is one corner, the farthest from it the
// opposite one, the farthest on either side of their diagonal the other
// two; a line is fitted to the points of each side away from the corners,
// and adjacent lines intersect at the corners returned (in angle order).
func fitQuad(c pt, ps []pt) ([4]pt, bool) {
	var q [4]pt
	n := len(ps)
	if n < finderRays*2/3 {
		return q, false
	}
	far := func(from pt, among func(pt) float64) int {
		best, bi := -1.0, -1
		for i, p := range ps {
			if d := among(p); d > best {
				best, bi = d, i
			}
		}
		return bi
	}
	a := far(c, func(p pt) float64 { return math.Hypot(p.x-c.x, p.y-c.y) })
	pa := ps[a]
	b := far(pa, func(p pt) float64 { return math.Hypot(p.x-pa.x, p.y-pa.y) })
	pb := ps[b]
	side := func(p pt) float64 { return (pb.x-pa.x)*(p.y-pa.y) - (pb.y-pa.y)*(p.x-pa.x) }
	l := far(c, func(p pt) float64 { return side(p) })
	r := far(c, func(p pt) float64 { return -side(p) })
	if side(ps[l]) <= 0 || side(ps[r]) >= 0 {
		return q, false
	}
	idx := []int{a, l, b, r}
	// order the corner indices by position along the ray order
	for i := 1; i < 4; i++ {
		for j := i; j > 0 && idx[j] < idx[j-1]; j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	var lines [4][3]float64 // a·x + b·y = c
	for s := 0; s < 4; s++ {
		i0, i1 := idx[s], idx[(s+1)%4]
		span := (i1 - i0 + n) % n
		if span < 3 {
			return q, false
		}
		var seg []pt
		for k := span / 5; k <= span-span/5; k++ {
			seg = append(seg, ps[(i0+k)%n])
		}
		ln, ok := fitLine(seg)
		if !ok {
			return q, false
		}
		lines[s] = ln
	}
	for s := 0; s < 4; s++ {
		p, ok := intersect(lines[(s+3)%4], lines[s])
		if !ok {
			return q, false
		}
		q[s] = p
	}
	return q, true
}

// fitLine fits a line to ps by total least squares.
func fitLine(ps []pt) ([3]float64, bool) {
	if len(ps) < 2 {
		return [3]float64{}, false
	}
	var mx, my float64
	for _, p := range ps {
		mx += p.x
		my += p.y
	}
	mx /= float64(len(ps))
	my /= float64(len(ps))
	var sxx, sxy, syy float64
	for _, p := range ps {
		dx, dy := p.x-mx, p.y-my
		sxx += dx * dx
		sxy += dx * dy
		syy += dy * dy
	}
	// direction of the largest eigenvector; the normal is perpendicular
	th := 0.5 * math.Atan2(2*sxy, sxx-syy)
	nx, ny := -math.Sin(th), math.Cos(th)
	return [3]float64{nx, ny, nx*mx + ny*my}, true
}

func intersect(l1, l2 [3]float64) (pt, bool) {
	det := l1[0]*l2[1] - l1[1]*l2[0]
	if math.Abs(det) < 1e-9 {
		return pt{}, false
	}
	return pt{(l1[2]*l2[1] - l1[1]*l2[2]) / det, (l1[0]*l2[2] - l1[2]*l2[0]) / det}, true
}

// finderGeometry is what the rings of one finder say about the code.
type finderGeometry struct {
	inner, outer [4]pt
	hasInner     bool
	hasOuter     bool
}

func measureFinder(p bitmap.Plane, c candidate) finderGeometry {
	in, out := concentricEdges(p, c)
	var g finderGeometry
	g.inner, g.hasInner = fitQuad(pt{c.x, c.y}, in)
	g.outer, g.hasOuter = fitQuad(pt{c.x, c.y}, out)
	if g.hasInner && g.hasOuter && !nested(g.inner, g.outer, c) {
		g.hasOuter = false
	}
	return g
}

// nested checks that the outer square is about 7/5 of the inner one.
func nested(in, out [4]pt, c candidate) bool {
	area := func(q [4]pt) float64 {
		s := 0.0
		for i := 0; i < 4; i++ {
			j := (i + 1) % 4
			s += q[i].x*q[j].y - q[j].x*q[i].y
		}
		return math.Abs(s) / 2
	}
	r := area(out) / area(in)
	return r > 1.4 && r < 2.6 // (7/5)² = 1.96
}

// correspondences pairs each measured finder corner with its module
// coordinates in a code of dim modules. Which corner is which comes from
// the code's own layout, not from a transform: in the affine frame of the
// triplet (u from the top-left finder's centre to the top-right's, v to the
// bottom-left's), each finder's corner at the code's corner is the one
// farthest out along that finder's diagonal (−u−v for the top-left, +u−v
// for the top-right, −u+v for the bottom-left), and the others follow it
// clockwise (the triplet's corners are named so that the module frame turns
// the image's way, and fitQuad returns corners in the rays' clockwise
// order). The affine frame holds under shear and perspective, where "the
// corner farthest from the triplet's centroid" picks a side corner of a
// sheared finder.
func (t triplet) correspondences(fg [3]finderGeometry, dim int) (mod, img []pt) {
	d := float64(dim)
	cs := [3]candidate{t.tl, t.tr, t.bl}
	frame, ok := affineFrame(t)
	if !ok {
		return nil, nil
	}
	// outward diagonal of each finder in the triplet's frame
	diag := [3]pt{{-1, -1}, {1, -1}, {-1, 1}}
	// each finder's box corner at the code's corner, then clockwise
	origin := [3]pt{{0, 0}, {d - 7, 0}, {0, d - 7}}
	first := [3]int{0, 1, 3} // which of the box's corners (TL, TR, BR, BL) lies at the code's corner
	box := [4]pt{{0, 0}, {1, 0}, {1, 1}, {0, 1}}
	for f := 0; f < 3; f++ {
		c := cs[f]
		mod = append(mod, pt{origin[f].x + 3.5, origin[f].y + 3.5})
		img = append(img, pt{c.x, c.y})
		for ring, q := range [2][4]pt{fg[f].inner, fg[f].outer} {
			if (ring == 0 && !fg[f].hasInner) || (ring == 1 && !fg[f].hasOuter) {
				continue
			}
			far, best := 0, math.Inf(-1)
			for k, p := range q {
				a, b := frame(p.x-c.x, p.y-c.y)
				if dd := a*diag[f].x + b*diag[f].y; dd > best {
					far, best = k, dd
				}
			}
			lo, size := 1.0-float64(ring), 5.0+2*float64(ring) // inner ring: 1..6; outer: 0..7
			for k := 0; k < 4; k++ {
				b := box[(first[f]+k)%4]
				mod = append(mod, pt{origin[f].x + lo + b.x*size, origin[f].y + lo + b.y*size})
				img = append(img, q[(far+k)%4])
			}
		}
	}
	return mod, img
}

// affineFrame returns the map from a plane offset to coordinates in the
// triplet's frame (u: top-left to top-right centre, v: top-left to
// bottom-left centre); false when the three centres are collinear.
func affineFrame(t triplet) (func(dx, dy float64) (float64, float64), bool) {
	ux, uy := t.tr.x-t.tl.x, t.tr.y-t.tl.y
	vx, vy := t.bl.x-t.tl.x, t.bl.y-t.tl.y
	det := ux*vy - uy*vx
	if math.Abs(det) < 1e-9 {
		return nil, false
	}
	return func(dx, dy float64) (float64, float64) {
		return (dx*vy - dy*vx) / det, (ux*dy - uy*dx) / det
	}, true
}

// alignmentCentres lists the module coordinates of the alignment pattern
// centres of a code of dim modules, except those that overlap finders.
func alignmentCentres(dim int) []pt {
	v, err := qrdecoder.Version_GetVersionForNumber((dim - 17) / 4)
	if err != nil {
		return nil
	}
	cs := v.GetAlignmentPatternCenters()
	var out []pt
	last := len(cs) - 1
	for j, y := range cs {
		for i, x := range cs {
			if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) {
				continue
			}
			out = append(out, pt{float64(x) + 0.5, float64(y) + 0.5})
		}
	}
	return out
}

// locateAlignment searches for the alignment pattern whose centre h puts at
// module m, within 1.5 modules, and returns where it fits best.
func locateAlignment(p bitmap.Plane, h homography, m pt, dark bool) (pt, bool) {
	return locateAlignmentNear(p, h, m, pt{}, dark)
}

// locateAlignmentNear is locateAlignment around h's guess moved by shift
// (pixels): where a curved code has carried its neighbours off h's plane.
func locateAlignmentNear(p bitmap.Plane, h homography, m, shift pt, dark bool) (pt, bool) {
	g := h.localGrid(m.x, m.y, dark)
	ex, ey := h.apply(m.x, m.y)
	ex, ey = ex+shift.x, ey+shift.y
	best, bx, by := math.Inf(-1), ex, ey
	for j := -1.5; j <= 1.5; j += 0.5 {
		for i := -1.5; i <= 1.5; i += 0.5 {
			cx, cy := g.at(ex, ey, i, j)
			if s := g.rings(p, cx, cy, 2); s > best {
				best, bx, by = s, cx, cy
			}
		}
	}
	x0, y0 := bx, by
	for j := -0.25; j <= 0.25; j += 0.25 {
		for i := -0.25; i <= 0.25; i += 0.25 {
			cx, cy := g.at(x0, y0, i, j)
			if s := g.rings(p, cx, cy, 2); s > best {
				best, bx, by = s, cx, cy
			}
		}
	}
	return pt{bx, by}, best >= 20
}

// fitted is the finders-only homography for one size and how well it
// fits them.
type fitted struct {
	h        homography
	mod, img []pt
	rms      float64 // residual in pixels
}

func (t triplet) fit(fg [3]finderGeometry, dim int) (fitted, bool) {
	mod, img := t.correspondences(fg, dim)
	if len(mod) < 8 {
		return fitted{}, false
	}
	h, ok := fitHomography(mod, img, nil)
	if !ok {
		return fitted{}, false
	}
	ss := 0.0
	for i, m := range mod {
		x, y := h.apply(m.x, m.y)
		ss += (x-img[i].x)*(x-img[i].x) + (y-img[i].y)*(y-img[i].y)
	}
	return fitted{h: h, mod: mod, img: img, rms: math.Sqrt(ss / float64(len(mod)))}, true
}

// withAlignment refits f with the alignment patterns found where f puts
// them; it reports false when none is found.
func (f fitted) withAlignment(p bitmap.Plane, dim int, dark bool) (homography, bool) {
	mod, img := append([]pt(nil), f.mod...), append([]pt(nil), f.img...)
	w := make([]float64, len(mod), len(mod)+8)
	for i := range w {
		w[i] = 1
	}
	found := 0
	for _, a := range alignmentCentres(dim) {
		if at, ok := locateAlignment(p, f.h, a, dark); ok {
			mod, img, w = append(mod, a), append(img, at), append(w, 4)
			found++
		}
	}
	if found == 0 {
		return homography{}, false
	}
	return fitHomography(mod, img, w)
}

// readFitted tries to read the code through transforms fitted to the
// finders' own geometry, for each plausible size: the finders-only fit,
// and the fit with the alignment patterns found where it puts them (a
// pattern found in the wrong place would pull the fit away, so the better
// timing goes first). Where every finder showed both rings and the fit is
// tight, its timing is evidence of a code for an UNDECODED report.
func (r *tripletReader) readFitted(fg [3]finderGeometry) (*Read, bool) {
	dark := r.t.tl.dark
	for _, dim := range r.t.fittedDimensions(r.p, fg) {
		f, ok := r.t.fit(fg, dim)
		if !ok {
			continue
		}
		r.noteFit(f, fg, dim)
		tr0 := f.h.transform(dim)
		v0 := timingSamples(r.p, tr0, dim, dark, r.g)
		if v0 < minTiming-0.1 {
			continue // a wrong size, or not a code: no alignment search
		}
		cands := []pointMapper{tr0}
		scores := []float64{v0}
		var h2 homography
		aligned := false
		if dim >= 25 {
			if h2, aligned = f.withAlignment(r.p, dim, dark); aligned {
				tr2 := h2.transform(dim)
				v2 := timingSamples(r.p, tr2, dim, dark, r.g)
				if v2 > v0 {
					cands, scores = []pointMapper{tr2, tr0}, []float64{v2, v0}
				} else {
					cands, scores = append(cands, tr2), append(scores, v2)
				}
			}
		}
		if scores[0] > r.best.Timing && complete(fg) && f.rms < 0.35*r.t.module() {
			r.best = &Read{Timing: scores[0], Corners: r.t.codeCorners(cands[0], dim)}
		}
		for i, tr := range cands {
			if scores[i] < minTiming {
				continue
			}
			if read, ok := r.decodeWith(tr, dim, gridThresholds); ok {
				return read, true
			}
		}
		// A curved code: no one homography fits it, but cells between its
		// alignment patterns each nearly do.
		if aligned {
			if pw, ok := piecewiseMap(r.p, h2, dim, dark); ok && timingSamples(r.p, pw, dim, dark, r.g) >= minTiming {
				if read, ok := r.decodeWith(pw, dim, gridThresholds); ok {
					return read, true
				}
			}
		}
	}
	return nil, false
}

// undecodedFit is the residual, in modules, under which three finders
// whose concentric rings were all measured are taken for one code's:
// their 24 ring corners and 3 centres fit one homography of a QR code's
// layout. On the generator's clean photos (seed 1948409428, 280 images, its
// finder look-alikes included) the best triplet of any image fits no better
// than 1.26 modules; codes it leaves unread fit within 0.18.
const undecodedFit = 0.25

// noteFit keeps the tightest finders-only fit under undecodedFit as the
// evidence of a code seen, with its corners, should nothing decode.
func (r *tripletReader) noteFit(f fitted, fg [3]finderGeometry, dim int) {
	rel := f.rms / r.t.module()
	if !complete(fg) || rel >= undecodedFit || (r.seen != nil && rel >= r.seenFit) {
		return
	}
	r.seen = &Read{Corners: r.t.codeCorners(f.h.transform(dim), dim), squares: true, fits: true}
	r.seenFit = rel
}

// fittedDimensions lists sizes to try with fitted transforms, most likely
// first: the size the version information gives (versions 7 and up carry
// it beside the top-right and bottom-left finders, read here through each
// finder's own transform), then estimates from where each finder's own
// transform puts the other finders (perspective-correct to first order,
// where one module size per side is not), then the centres-only estimate.
func (t triplet) fittedDimensions(p bitmap.Plane, fg [3]finderGeometry) []int {
	var out []int
	add := func(d int) {
		if d >= 21 && d <= 177 && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	var ests []float64
	locals := [3]homography{}
	have := [3]bool{}
	for i := range locals {
		locals[i], have[i] = t.localFrame(fg, i)
	}
	if have[0] {
		if x, y, ok := locals[0].inverse(t.tr.x, t.tr.y); ok && math.Abs(y-3.5) < 4 {
			ests = append(ests, x+3.5)
		}
		if x, y, ok := locals[0].inverse(t.bl.x, t.bl.y); ok && math.Abs(x-3.5) < 4 {
			ests = append(ests, y+3.5)
		}
	}
	if have[1] {
		if x, _, ok := locals[1].inverse(t.tl.x, t.tl.y); ok {
			ests = append(ests, 10.5-x)
		}
	}
	if have[2] {
		if _, y, ok := locals[2].inverse(t.tl.x, t.tl.y); ok {
			ests = append(ests, 10.5-y)
		}
	}
	round := func(est float64) int { return int(math.Round((est-17)/4))*4 + 17 }
	if len(ests) > 0 {
		slices.Sort(ests)
		med := ests[len(ests)/2]
		if round(med) >= 41 {
			for _, f := range []int{1, 2} {
				if have[f] {
					if v, ok := readVersion(p, locals[f], f == 2, t.tl.dark); ok {
						add(17 + 4*v)
					}
				}
			}
		}
		for _, off := range []int{0, 4, -4, 8, -8} {
			add(round(med) + off)
		}
	}
	for _, d := range t.dimensions() {
		add(d)
	}
	return out
}

// localFrame fits finder i's own transform: module coordinates relative to
// the finder (its outer corners at 0 and 7) to the plane.
func (t triplet) localFrame(fg [3]finderGeometry, i int) (homography, bool) {
	one := fg
	for k := range one {
		if k != i {
			one[k] = finderGeometry{}
		}
	}
	// In a code of 21 modules finder i's box is offset by off.
	off := [3]pt{{0, 0}, {14, 0}, {0, 14}}[i]
	ms, is := t.correspondences(one, 21)
	var mod, img []pt
	for k, m := range ms {
		x, y := m.x-off.x, m.y-off.y
		if x >= 0 && x <= 7 && y >= 0 && y <= 7 {
			mod, img = append(mod, pt{x, y}), append(img, is[k])
		}
	}
	if len(mod) < 5 {
		return homography{}, false
	}
	return fitHomography(mod, img, nil)
}

// inverse maps a plane point back to module coordinates.
func (h homography) inverse(x, y float64) (float64, float64, bool) {
	a, b, c, d, e, f, g, hh := h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]
	// solve [a-g·x  b-hh·x; d-g·y  e-hh·y]·[u v] = [x-c, y-f]
	m11, m12, m21, m22 := a-g*x, b-hh*x, d-g*y, e-hh*y
	det := m11*m22 - m12*m21
	if math.Abs(det) < 1e-12 {
		return 0, 0, false
	}
	r1, r2 := x-c, y-f
	return (r1*m22 - m12*r2) / det, (m11*r2 - r1*m21) / det, true
}

// readVersion reads the 18 version bits beside a finder (top-right: the
// 3×6 block left of it; bottom-left, transposed: above it) through the
// finder's own transform, and decodes them.
func readVersion(p bitmap.Plane, local homography, bottomLeft, dark bool) (int, bool) {
	var vals [18]float64
	k := 0
	for a := 5; a >= 0; a-- {
		for b := -2; b >= -4; b-- {
			x, y := float64(b)+0.5, float64(a)+0.5
			if bottomLeft {
				x, y = y, x
			}
			px, py := local.apply(x, y)
			if px < 0 || py < 0 || px >= float64(p.W) || py >= float64(p.H) {
				return 0, false
			}
			vals[k] = p.Bilinear(px, py)
			k++
		}
	}
	// cut at the finder's own levels: its centre (dark) and light ring
	cx, cy := local.apply(3.5, 3.5)
	lx, ly := local.apply(3.5, 1.5)
	mid := (p.Bilinear(cx, cy) + p.Bilinear(lx, ly)) / 2
	bitsv := 0
	for _, v := range vals {
		bitsv <<= 1
		if (v < mid) == dark {
			bitsv |= 1
		}
	}
	v, err := qrdecoder.Version_decodeVersionInformation(bitsv)
	if err != nil || v == nil {
		return 0, false
	}
	return v.GetVersionNumber(), true
}

// finderRings caches each finder's measured rings for one frame: the same
// candidate takes part in many triplets.
type finderRings map[[3]int]finderGeometry

// measure fits the rings of the triplet's three finders; it fails when any
// finder shows neither ring as a quadrilateral.
func (t triplet) measure(p bitmap.Plane, cache finderRings) ([3]finderGeometry, bool) {
	var fg [3]finderGeometry
	for i, c := range [3]candidate{t.tl, t.tr, t.bl} {
		key := [3]int{int(c.x * 4), int(c.y * 4), int(c.m * 4)}
		g, ok := cache[key]
		if !ok {
			g = measureFinder(p, c)
			if cache != nil {
				cache[key] = g
			}
		}
		fg[i] = g
		if !g.hasInner && !g.hasOuter {
			return fg, false
		}
	}
	return fg, true
}

// complete reports whether every finder showed both rings.
func complete(fg [3]finderGeometry) bool {
	for _, g := range fg {
		if !g.hasInner || !g.hasOuter {
			return false
		}
	}
	return true
}
