package main

import (
	"math"
	"math/cmplx"
)

// mat3 is a row-major 3x3 matrix acting on homogeneous 2-D points.
type mat3 [9]float64

func (a mat3) mul(b mat3) mat3 {
	var c mat3
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			c[3*i+j] = a[3*i]*b[j] + a[3*i+1]*b[3+j] + a[3*i+2]*b[6+j]
		}
	}
	return c
}

func (a mat3) apply(x, y float64) (float64, float64) {
	w := a[6]*x + a[7]*y + a[8]
	return (a[0]*x + a[1]*y + a[2]) / w, (a[3]*x + a[4]*y + a[5]) / w
}

func (a mat3) inverse() mat3 {
	c := mat3{
		a[4]*a[8] - a[5]*a[7], a[2]*a[7] - a[1]*a[8], a[1]*a[5] - a[2]*a[4],
		a[5]*a[6] - a[3]*a[8], a[0]*a[8] - a[2]*a[6], a[2]*a[3] - a[0]*a[5],
		a[3]*a[7] - a[4]*a[6], a[1]*a[6] - a[0]*a[7], a[0]*a[4] - a[1]*a[3],
	}
	det := a[0]*c[0] + a[1]*c[3] + a[2]*c[6]
	for i := range c {
		c[i] /= det
	}
	return c
}

// pose says where a label lands in the image: the symbol's centre at
// (CX, CY), Module pixels per module before the tilt, rotated by Angle
// (radians), tilted by Tilt around an in-plane axis at TiltAxis and seen
// from a camera Distance pixels away, optionally mirrored and wrapped on a
// cylinder whose visible arc is Arc radians.
type pose struct {
	CX, CY, Module, Angle    float64
	Tilt, TiltAxis, Distance float64
	Mirrored                 bool
	Arc, Bow                 float64 // curvature; Arc 0 is flat
}

// placement maps label coordinates (modules, origin at the symbol's
// top-left corner) to image pixels and back.
type placement struct {
	h, hinv mat3
	cu, cv  float64 // symbol centre in label coordinates
	half    float64 // curvature: half the label's width, modules
	beta    float64 // half the arc
	bow     float64
}

func newPlacement(p pose, sym *symbol, labelHalfWidth float64) *placement {
	pl := &placement{cu: float64(sym.W) / 2, cv: float64(sym.H) / 2, half: labelHalfWidth, beta: p.Arc / 2, bow: p.Bow}
	c, s := math.Cos(p.Angle)*p.Module, math.Sin(p.Angle)*p.Module
	a := mat3{c, -s, 0, s, c, 0, 0, 0, 1}
	if p.Mirrored {
		a = a.mul(mat3{-1, 0, 0, 0, 1, 0, 0, 0, 1})
	}
	// Rodrigues rotation about the unit axis (ax, ay, 0); only the first
	// two columns matter for points on the plane z = 0.
	ax, ay := math.Cos(p.TiltAxis), math.Sin(p.TiltAxis)
	ct, st := math.Cos(p.Tilt), math.Sin(p.Tilt)
	r11, r12 := ct+ax*ax*(1-ct), ax*ay*(1-ct)
	r21, r22 := ax*ay*(1-ct), ct+ay*ay*(1-ct)
	r31, r32 := -ay*st, ax*st
	d := p.Distance
	proj := mat3{d * r11, d * r12, 0, d * r21, d * r22, 0, r31, r32, d}
	t := mat3{1, 0, p.CX, 0, 1, p.CY, 0, 0, 1}
	pl.h = t.mul(proj).mul(a)
	pl.hinv = pl.h.inverse()
	return pl
}

// forward maps label coordinates to the image.
func (pl *placement) forward(u, v float64) (float64, float64) {
	x, y := u-pl.cu, v-pl.cv
	if pl.beta > 0 {
		t := pl.beta * x / pl.half
		y *= 1 + pl.bow*(math.Cos(t)-math.Cos(pl.beta))
		x = pl.half * math.Sin(t) / math.Sin(pl.beta)
	}
	return pl.h.apply(x, y)
}

// inverse maps an image point to label coordinates; ok is false where
// the point is off the cylinder.
func (pl *placement) inverse(px, py float64) (u, v float64, ok bool) {
	x, y := pl.hinv.apply(px, py)
	if pl.beta > 0 {
		s := x * math.Sin(pl.beta) / pl.half
		if s < -1 || s > 1 {
			return 0, 0, false
		}
		t := math.Asin(s)
		x = pl.half * t / pl.beta
		y /= 1 + pl.bow*(math.Cos(t)-math.Cos(pl.beta))
	}
	return x + pl.cu, y + pl.cv, true
}

// shade is the cylinder's brightness at label column u: light falls off
// towards the edges of the arc.
func (pl *placement) shade(u float64) float64 {
	if pl.beta == 0 {
		return 1
	}
	return 0.8 + 0.2*math.Cos(pl.beta*(u-pl.cu)/pl.half)
}

// corners returns the symbol's four corners in the image, clockwise from
// the top-left of the unmirrored symbol.
func (pl *placement) corners(sym *symbol) [4]complex128 {
	w, h := float64(sym.W), float64(sym.H)
	var out [4]complex128
	for i, c := range [4][2]float64{{0, 0}, {w, 0}, {w, h}, {0, h}} {
		x, y := pl.forward(c[0], c[1])
		out[i] = complex(x, y)
	}
	return out
}

// perspectiveMeasure is the largest distance of a corner from where the
// least-squares similarity transform of the model corners puts it,
// divided by the longer side of the fitted rectangle. model are the
// corners of a w x h rectangle in the same order as got (mirrored when
// the symbol is, since a similarity cannot mirror).
func perspectiveMeasure(got [4]complex128, w, h float64, mirrored bool) float64 {
	model := [4]complex128{0, complex(w, 0), complex(w, h), complex(0, h)}
	if mirrored {
		for i := range model {
			model[i] = complex(-real(model[i]), imag(model[i]))
		}
	}
	var zm, wm complex128
	for i := range model {
		zm += model[i] / 4
		wm += got[i] / 4
	}
	var num complex128
	var den float64
	for i := range model {
		z, g := model[i]-zm, got[i]-wm
		num += cmplx.Conj(z) * g
		den += real(z)*real(z) + imag(z)*imag(z)
	}
	a := num / complex(den, 0)
	worst := 0.0
	for i := range model {
		fit := a*(model[i]-zm) + wm
		worst = math.Max(worst, cmplx.Abs(fit-got[i]))
	}
	return worst / (cmplx.Abs(a) * math.Max(w, h))
}

// moduleMeasure is the pixels per module in the image: the mean length
// of the symbol's edges over their modules (1-D codes: the horizontal
// edges only, so it is the narrowest bar's width).
func moduleMeasure(c [4]complex128, sym *symbol) float64 {
	horiz := (cmplx.Abs(c[1]-c[0]) + cmplx.Abs(c[2]-c[3])) / (2 * float64(sym.W))
	if sym.Symbology == symEAN13 {
		return horiz
	}
	vert := (cmplx.Abs(c[3]-c[0]) + cmplx.Abs(c[2]-c[1])) / (2 * float64(sym.H))
	return (horiz + vert) / 2
}
