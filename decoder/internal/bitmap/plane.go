// Package bitmap holds what every symbology's reader shares: the 8-bit
// luminance plane and its pyramid steps, the block thresholds of the
// candidate search, and the per-block change counts from which code-like
// regions and scanlines are chosen.
package bitmap

import (
	"encoding/binary"
	"image"
	"math"
)

// Plane is an 8-bit luminance image. Pix may alias a decoded image's Y plane
// (JPEG): strategies never write to it.
type Plane struct {
	Pix    []byte
	W, H   int
	Stride int
}

// NewPlane returns a black (all-zero) plane of w×h pixels.
func NewPlane(w, h int) Plane { return Plane{Pix: make([]byte, w*h), W: w, H: h, Stride: w} }

// Crop returns the rectangle r of p (clipped), sharing memory.
func (p Plane) Crop(r image.Rectangle) Plane {
	r = r.Intersect(image.Rect(0, 0, p.W, p.H))
	return Plane{Pix: p.Pix[r.Min.Y*p.Stride+r.Min.X:], W: r.Dx(), H: r.Dy(), Stride: p.Stride}
}

// Half averages 2×2 blocks: the pyramid's step, kept tight because it runs
// on every image.
func (p Plane) Half() Plane {
	w, h := p.W/2, p.H/2
	out := NewPlane(w, h)
	const lo = 0x00ff00ff00ff00ff
	for y := 0; y < h; y++ {
		r0 := p.Pix[2*y*p.Stride : 2*y*p.Stride+2*w]
		r1 := p.Pix[(2*y+1)*p.Stride : (2*y+1)*p.Stride+2*w]
		dst := out.Pix[y*w : y*w+w]
		x := 0
		// Four output pixels from a word of each row: pair sums in 16-bit
		// lanes, rounded and divided, then the lanes packed into bytes.
		for ; x+4 <= w; x += 4 {
			a, b := load8(r0[2*x:]), load8(r1[2*x:])
			s := a&lo + a>>8&lo + b&lo + b>>8&lo + 0x0002000200020002
			s = s >> 2 & lo                     // 4 lanes: bytes 0, 2, 4, 6
			s = (s | s>>8) & 0x0000ffff0000ffff // bytes 0, 1, 4, 5
			s = s | s>>16
			binary.LittleEndian.PutUint32(dst[x:], uint32(s))
		}
		for ; x < w; x++ {
			dst[x] = uint8((uint(r0[2*x]) + uint(r0[2*x+1]) + uint(r1[2*x]) + uint(r1[2*x+1]) + 2) >> 2)
		}
	}
	return out
}

// Double upsamples p to twice its size, bilinearly (bilinear takes
// continuous coordinates: pixel i spans [i, i+1)).
func (p Plane) Double() Plane {
	out := NewPlane(2*p.W, 2*p.H)
	for y := 0; y < out.H; y++ {
		fy := (float64(y) + 0.5) / 2
		for x := 0; x < out.W; x++ {
			fx := (float64(x) + 0.5) / 2
			out.Pix[y*out.Stride+x] = uint8(p.Bilinear(fx, fy) + 0.5)
		}
	}
	return out
}

// Bilinear samples p at (x, y), clamping at the borders.
func (p Plane) Bilinear(x, y float64) float64 {
	x -= 0.5
	y -= 0.5
	x0, y0 := int(math.Floor(x)), int(math.Floor(y))
	fx, fy := x-float64(x0), y-float64(y0)
	x0c, x1c := clampInt(x0, 0, p.W-1), clampInt(x0+1, 0, p.W-1)
	y0c, y1c := clampInt(y0, 0, p.H-1), clampInt(y0+1, 0, p.H-1)
	r0, r1 := p.Pix[y0c*p.Stride:], p.Pix[y1c*p.Stride:]
	top := float64(r0[x0c])*(1-fx) + float64(r0[x1c])*fx
	bot := float64(r1[x0c])*(1-fx) + float64(r1[x1c])*fx
	return top*(1-fy) + bot*fy
}

func clampInt(v, lo, hi int) int { return max(lo, min(hi, v)) }
