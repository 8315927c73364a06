package main

import (
	"image"
	"math"
	"math/rand/v2"
)

// rgb is a colour with components in 0..255.
type rgb struct{ R, G, B float64 }

func (c rgb) luma() float64 { return 0.299*c.R + 0.587*c.G + 0.114*c.B }

func (c rgb) scale(f float64) rgb { return rgb{c.R * f, c.G * f, c.B * f} }

func grey(y float64) rgb { return rgb{y, y, y} }

// drawable is anything drawn into a photo through a placement: a code's
// label or a hard negative. Coordinates are in modules.
type drawable interface {
	// extent is the drawn rectangle.
	extent() (x0, y0, x1, y1 float64)
	// sample is the colour at a point, ok false where nothing is drawn.
	sample(u, v float64) (c rgb, ok bool)
}

// outline returns the image bounding box of a drawable under pl,
// following its edges (curvature bends them).
func outline(d drawable, pl *placement) (x0, y0, x1, y1 float64) {
	ux0, uy0, ux1, uy1 := d.extent()
	x0, y0, x1, y1 = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	const steps = 24
	for i := 0; i <= steps; i++ {
		t := float64(i) / steps
		for _, p := range [4][2]float64{
			{ux0 + t*(ux1-ux0), uy0}, {ux0 + t*(ux1-ux0), uy1},
			{ux0, uy0 + t*(uy1-uy0)}, {ux1, uy0 + t*(uy1-uy0)},
		} {
			x, y := pl.forward(p[0], p[1])
			x0, y0 = math.Min(x0, x), math.Min(y0, y)
			x1, y1 = math.Max(x1, x), math.Max(y1, y)
		}
	}
	return x0, y0, x1, y1
}

// pixelBox is the integer box of an outline, grown by margin pixels and
// clipped to the image.
func pixelBox(x0, y0, x1, y1, margin float64, b image.Rectangle) image.Rectangle {
	r := image.Rect(int(math.Floor(x0-margin)), int(math.Floor(y0-margin)),
		int(math.Ceil(x1+margin)), int(math.Ceil(y1+margin)))
	return r.Intersect(b)
}

// render draws d into dst through pl with ss x ss samples per pixel, so
// edges are anti-aliased the way a camera's pixels average them.
func render(dst *image.RGBA, d drawable, pl *placement, ss int) {
	x0, y0, x1, y1 := outline(d, pl)
	box := pixelBox(x0, y0, x1, y1, 1, dst.Bounds())
	n := float64(ss * ss)
	for py := box.Min.Y; py < box.Max.Y; py++ {
		row := dst.Pix[dst.PixOffset(box.Min.X, py):]
		for px := box.Min.X; px < box.Max.X; px++ {
			var acc rgb
			cover := 0.0
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					fx := float64(px) + (float64(sx)+0.5)/float64(ss)
					fy := float64(py) + (float64(sy)+0.5)/float64(ss)
					u, v, ok := pl.inverse(fx, fy)
					if !ok {
						continue
					}
					c, ok := d.sample(u, v)
					if !ok {
						continue
					}
					c = c.scale(pl.shade(u))
					acc.R, acc.G, acc.B = acc.R+c.R, acc.G+c.G, acc.B+c.B
					cover++
				}
			}
			if cover == 0 {
				continue
			}
			a := cover / n
			i := 4 * (px - box.Min.X)
			row[i] = clamp8(float64(row[i])*(1-a) + acc.R/n)
			row[i+1] = clamp8(float64(row[i+1])*(1-a) + acc.G/n)
			row[i+2] = clamp8(float64(row[i+2])*(1-a) + acc.B/n)
		}
	}
}

func clamp8(v float64) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v + 0.5)
}

// gaussianBlur blurs box of img with the given sigma, separably. The box
// is grown by 3 sigma so the code's surroundings blur into it too.
func gaussianBlur(img *image.RGBA, box image.Rectangle, sigma float64) {
	if sigma <= 0 {
		return
	}
	r := int(math.Ceil(3 * sigma))
	box = box.Inset(-r).Intersect(img.Bounds())
	k := make([]float64, 2*r+1)
	sum := 0.0
	for i := range k {
		x := float64(i - r)
		k[i] = math.Exp(-x * x / (2 * sigma * sigma))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	w, h := box.Dx(), box.Dy()
	buf := make([]float64, 3*w*h)
	tmp := make([]float64, 3*w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			o := img.PixOffset(box.Min.X+x, box.Min.Y+y)
			for c := 0; c < 3; c++ {
				buf[3*(y*w+x)+c] = float64(img.Pix[o+c])
			}
		}
	}
	for y := 0; y < h; y++ { // rows
		for x := 0; x < w; x++ {
			for c := 0; c < 3; c++ {
				v := 0.0
				for j := -r; j <= r; j++ {
					v += k[j+r] * buf[3*(y*w+min(max(x+j, 0), w-1))+c]
				}
				tmp[3*(y*w+x)+c] = v
			}
		}
	}
	for y := 0; y < h; y++ { // columns
		for x := 0; x < w; x++ {
			for c := 0; c < 3; c++ {
				v := 0.0
				for j := -r; j <= r; j++ {
					v += k[j+r] * tmp[3*(min(max(y+j, 0), h-1)*w+x)+c]
				}
				buf[3*(y*w+x)+c] = v
			}
		}
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			o := img.PixOffset(box.Min.X+x, box.Min.Y+y)
			for c := 0; c < 3; c++ {
				img.Pix[o+c] = clamp8(buf[3*(y*w+x)+c])
			}
		}
	}
}

// addNoise adds Gaussian noise of the given sigma to box, fading out over
// its outer quarter so no edge appears where the noise stops.
func addNoise(img *image.RGBA, box image.Rectangle, sigma float64, rng *rand.Rand) {
	box = box.Intersect(img.Bounds())
	cx, cy := float64(box.Min.X+box.Max.X)/2, float64(box.Min.Y+box.Max.Y)/2
	hx, hy := float64(box.Dx())/2, float64(box.Dy())/2
	for y := box.Min.Y; y < box.Max.Y; y++ {
		for x := box.Min.X; x < box.Max.X; x++ {
			d := math.Max(math.Abs(float64(x)-cx)/hx, math.Abs(float64(y)-cy)/hy)
			f := math.Min(1, math.Max(0, (1-d)*4))
			o := img.PixOffset(x, y)
			n := rng.NormFloat64() * sigma * f // luminance noise, as sensors show it
			for c := 0; c < 3; c++ {
				img.Pix[o+c] = clamp8(float64(img.Pix[o+c]) + n + rng.NormFloat64()*sigma*f*0.3)
			}
		}
	}
}

// addShadow darkens the box around (cx, cy) towards direction dir, by up
// to depth at a side's distance from the centre: light falling off across
// the code. The shadow fades out with the distance from the centre (a
// Gaussian of a side's deviation), and is drawn out to three sides, where
// it is under 2 levels deep: it draws no edge of its own.
func addShadow(img *image.RGBA, box image.Rectangle, cx, cy, dir, depth, side float64) {
	box = box.Inset(-3 * int(side)).Intersect(img.Bounds())
	ux, uy := math.Cos(dir), math.Sin(dir)
	for y := box.Min.Y; y < box.Max.Y; y++ {
		for x := box.Min.X; x < box.Max.X; x++ {
			dx, dy := float64(x)-cx, float64(y)-cy
			along := (dx*ux + dy*uy) / side // -0.5..0.5 across the code
			f := 1 - depth*math.Max(0, math.Min(1, along+0.5))*math.Exp(-(dx*dx+dy*dy)/(2*side*side))
			o := img.PixOffset(x, y)
			for c := 0; c < 3; c++ {
				img.Pix[o+c] = clamp8(float64(img.Pix[o+c]) * f)
			}
		}
	}
}

// addGlare brightens an elliptical spot towards white, as a specular
// reflection on glossy paper or a screen does.
func addGlare(img *image.RGBA, cx, cy, rx, ry, angle, strength float64) {
	r := math.Max(rx, ry) * 2.5
	box := image.Rect(int(cx-r), int(cy-r), int(cx+r)+1, int(cy+r)+1).Intersect(img.Bounds())
	ca, sa := math.Cos(angle), math.Sin(angle)
	for y := box.Min.Y; y < box.Max.Y; y++ {
		for x := box.Min.X; x < box.Max.X; x++ {
			dx, dy := float64(x)-cx, float64(y)-cy
			u, v := (dx*ca+dy*sa)/rx, (-dx*sa+dy*ca)/ry
			a := strength * math.Exp(-(u*u+v*v)/2)
			if a < 0.004 {
				continue
			}
			o := img.PixOffset(x, y)
			for c := 0; c < 3; c++ {
				img.Pix[o+c] = clamp8(float64(img.Pix[o+c])*(1-a) + 255*a)
			}
		}
	}
}
