// NOTICE: Ported from zxing-cpp (core/src/PerspectiveTransform.cpp and
// core/src/datamatrix/DMVersion.cpp at commit 77dceca), Copyright 2016
// Nu-book Inc., Copyright 2016 ZXing authors, Copyright 2020 Axel
// Waggershauser, Licensed under the Apache License 2.0.

package datamatrix

import "math"

// transform is a plane projective transform (a homography), in zxing's
// element order: x' = (a11 x + a21 y + a31) / (a13 x + a23 y + a33).
type transform struct {
	a11, a12, a13, a21, a22, a23, a31, a32, a33 float64
}

// rowwise builds a transform from its elements in zxing's constructor
// order (the rows of x', y' and the denominator).
func rowwise(a11, a21, a31, a12, a22, a32, a13, a23, a33 float64) transform {
	return transform{a11, a12, a13, a21, a22, a23, a31, a32, a33}
}

func (t transform) apply(p pt) pt {
	d := t.a13*p.x + t.a23*p.y + t.a33
	return pt{(t.a11*p.x + t.a21*p.y + t.a31) / d, (t.a12*p.x + t.a22*p.y + t.a32) / d}
}

// inverse is the adjoint, which serves as the inverse of a homography.
func (t transform) inverse() transform {
	return rowwise(
		t.a22*t.a33-t.a23*t.a32, t.a23*t.a31-t.a21*t.a33, t.a21*t.a32-t.a22*t.a31,
		t.a13*t.a32-t.a12*t.a33, t.a11*t.a33-t.a13*t.a31, t.a12*t.a31-t.a11*t.a32,
		t.a12*t.a23-t.a13*t.a22, t.a13*t.a21-t.a11*t.a23, t.a11*t.a22-t.a12*t.a21,
	)
}

func (t transform) times(o transform) transform {
	return rowwise(
		t.a11*o.a11+t.a21*o.a12+t.a31*o.a13, t.a11*o.a21+t.a21*o.a22+t.a31*o.a23, t.a11*o.a31+t.a21*o.a32+t.a31*o.a33,
		t.a12*o.a11+t.a22*o.a12+t.a32*o.a13, t.a12*o.a21+t.a22*o.a22+t.a32*o.a23, t.a12*o.a31+t.a22*o.a32+t.a32*o.a33,
		t.a13*o.a11+t.a23*o.a12+t.a33*o.a13, t.a13*o.a21+t.a23*o.a22+t.a33*o.a23, t.a13*o.a31+t.a23*o.a32+t.a33*o.a33,
	)
}

func cross(a, b pt) float64 { return a.x*b.y - b.x*a.y }

// unitSquareTo maps (0,0), (1,0), (1,1), (0,1) to q's corners in order.
func unitSquareTo(q [4]pt) transform {
	x0, y0, x1, y1, x2, y2, x3, y3 := q[0].x, q[0].y, q[1].x, q[1].y, q[2].x, q[2].y, q[3].x, q[3].y
	d3 := q[0].sub(q[1]).add(q[2]).sub(q[3])
	if d3.x == 0 && d3.y == 0 { // affine
		return rowwise(x1-x0, x2-x1, x0, y1-y0, y2-y1, y0, 0, 0, 1)
	}
	d1, d2 := q[1].sub(q[2]), q[3].sub(q[2])
	den := cross(d1, d2)
	a13, a23 := cross(d3, d2)/den, cross(d1, d3)/den
	return rowwise(x1-x0+a13*x1, x3-x0+a23*x3, x0, y1-y0+a13*y1, y3-y0+a23*y3, y0, a13, a23, 1)
}

// quadToQuad maps src's corners to dst's; it fails unless both are convex.
func quadToQuad(src, dst [4]pt) (transform, bool) {
	if !convex(src) || !convex(dst) {
		return transform{}, false
	}
	return unitSquareTo(dst).times(unitSquareTo(src).inverse()), true
}

// convex reports whether q's corners turn the same way at every corner.
func convex(q [4]pt) bool {
	pos, neg := false, false
	for i := range q {
		c := cross(q[(i+1)%4].sub(q[i]), q[(i+2)%4].sub(q[(i+1)%4]))
		if math.IsNaN(c) {
			return false
		}
		pos = pos || c > 0
		neg = neg || c < 0
	}
	return pos != neg
}

func rect(w, h float64) [4]pt { return [4]pt{{0, 0}, {w, 0}, {w, h}, {0, h}} }

// symbolSizes are the ECC200 symbol sizes (rows × columns) gozxing's
// decoder reads (ISO 16022:2006 table 7): squares from 10 to 144 modules
// and the six rectangles.
var symbolSizes = [][2]int{
	{10, 10}, {12, 12}, {14, 14}, {16, 16}, {18, 18}, {20, 20}, {22, 22}, {24, 24}, {26, 26},
	{32, 32}, {36, 36}, {40, 40}, {44, 44}, {48, 48}, {52, 52}, {64, 64}, {72, 72}, {80, 80},
	{88, 88}, {96, 96}, {104, 104}, {120, 120}, {132, 132}, {144, 144},
	{8, 18}, {8, 32}, {12, 26}, {12, 36}, {16, 36}, {16, 48},
}

// validSize reports whether rows × cols is an ECC200 symbol size.
func validSize(rows, cols int) bool {
	for _, s := range symbolSizes {
		if s[0] == rows && s[1] == cols {
			return true
		}
	}
	return false
}
