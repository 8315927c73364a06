// NOTICE: Ported from zxing-cpp (core/src/Point.h and
// core/src/BitMatrixCursor.h at commit 77dceca), Copyright 2020 Axel
// Waggershauser, Licensed under the Apache License 2.0.

package datamatrix

import (
	"math"

	"github.com/qrgate/qrgate/decoder/internal/bitmap"
)

// pt is a point or a direction in a level plane's pixels; a pixel (x, y)
// spans [x, x+1)×[y, y+1), so its centre is (x+0.5, y+0.5).
type pt struct{ x, y float64 }

func (a pt) add(b pt) pt         { return pt{a.x + b.x, a.y + b.y} }
func (a pt) sub(b pt) pt         { return pt{a.x - b.x, a.y - b.y} }
func (a pt) mul(s float64) pt    { return pt{a.x * s, a.y * s} }
func dot(a, b pt) float64        { return a.x*b.x + a.y*b.y }
func (a pt) length() float64     { return math.Hypot(a.x, a.y) }
func dist(a, b pt) float64       { return a.sub(b).length() }
func (a pt) maxAbs() float64     { return max(math.Abs(a.x), math.Abs(a.y)) }
func (a pt) normalized() pt      { return a.div(a.length()) }
func (a pt) div(s float64) pt    { return pt{a.x / s, a.y / s} }
func (a pt) left() pt            { return pt{a.y, -a.x} }
func (a pt) right() pt           { return pt{-a.y, a.x} }
func (a pt) centered() pt        { return pt{math.Floor(a.x) + 0.5, math.Floor(a.y) + 0.5} }
func lerp(a, b pt, t float64) pt { return a.mul(1 - t).add(b.mul(t)) }
func sameDir(a, b pt) bool       { return a.x == b.x && a.y == b.y }

// bresenham scales a to a larger component of exactly ±1 (a division: a
// product with the reciprocal can miss 1 by an ulp, and the tracer
// compares directions exactly).
func (a pt) bresenham() pt { return a.div(a.maxAbs()) }
func (a pt) mainDirection() pt {
	if math.Abs(a.x) > math.Abs(a.y) {
		return pt{a.x, 0}
	}
	return pt{0, a.y}
}

// Pixel values as a cursor sees them.
const (
	outside = -1
	white   = 0
	black   = 1
)

// binImage is a level plane binarized by its block thresholds, dark modules
// black, or with invert light ones (a code printed light on dark).
type binImage struct {
	th     *bitmap.Thresholds
	w, h   int
	invert byte
}

func newBinImage(th *bitmap.Thresholds, invert bool) *binImage {
	im := &binImage{th: th, w: th.P.W, h: th.P.H}
	if invert {
		im.invert = 1
	}
	return im
}

func (im *binImage) in(p pt) bool {
	return p.x >= 0 && p.x < float64(im.w) && p.y >= 0 && p.y < float64(im.h)
}

// at is the pixel containing p: black, white, or outside the plane.
func (im *binImage) at(p pt) int {
	if !im.in(p) {
		return outside
	}
	return int(im.th.Dark(int(p.x), int(p.y)) ^ im.invert)
}

func (im *binImage) blackAt(p pt) bool { return im.at(p) == black }
func (im *binImage) whiteAt(p pt) bool { return im.at(p) == white }

// cursor is a position and a direction of travel in a binary image; its
// direction is kept in Bresenham form (the larger component ±1), so a step
// visits the next pixel along a line.
type cursor struct {
	im   *binImage
	p, d pt
}

func (c *cursor) setDirection(dir pt) { c.d = dir.bresenham() }
func (c *cursor) front() pt           { return c.d }
func (c *cursor) back() pt            { return c.d.mul(-1) }
func (c *cursor) left() pt            { return c.d.left() }
func (c *cursor) right() pt           { return c.d.right() }
func (c *cursor) isIn() bool          { return c.im.in(c.p) }

func (c *cursor) step(s float64) bool {
	c.p = c.p.add(c.d.mul(s))
	return c.im.in(c.p)
}
