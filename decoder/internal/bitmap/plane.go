package decoder

import (
	"encoding/binary"
	"image"
)

// plane is an 8-bit luminance image. Pix may alias a decoded image's Y plane
// (JPEG): strategies never write to it.
type plane struct {
	pix    []byte
	w, h   int
	stride int
}

// lumaOf returns the luminance of img, without copying where the decoder
// already produced a luminance plane (JPEG's Y, grayscale images).
func lumaOf(img image.Image) plane {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	switch m := img.(type) {
	case *image.YCbCr:
		off := m.YOffset(b.Min.X, b.Min.Y)
		return plane{pix: m.Y[off:], w: w, h: h, stride: m.YStride}
	case *image.Gray:
		return plane{pix: m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], w: w, h: h, stride: m.Stride}
	case *image.NRGBA:
		out := newPlane(w, h)
		for y := 0; y < h; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			dst := out.pix[y*w : y*w+w]
			for x := range dst {
				p := row[x*4 : x*4+4]
				dst[x] = onWhite(luma8(p[0], p[1], p[2]), p[3])
			}
		}
		return out
	case *image.RGBA:
		out := newPlane(w, h)
		for y := 0; y < h; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			dst := out.pix[y*w : y*w+w]
			for x := range dst {
				p := row[x*4 : x*4+4]
				// premultiplied: add the white the alpha left uncovered
				dst[x] = uint8(min(255, int(luma8(p[0], p[1], p[2]))+255-int(p[3])))
			}
		}
		return out
	case *image.Paletted:
		var lut [256]uint8
		for i, c := range m.Palette {
			r, g, bb, a := c.RGBA()
			lut[i] = uint8(min(255, (299*r+587*g+114*bb)/1000>>8+(0xffff-a)>>8))
		}
		out := newPlane(w, h)
		for y := 0; y < h; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			dst := out.pix[y*w : y*w+w]
			for x := range dst {
				dst[x] = lut[row[x]]
			}
		}
		return out
	}
	out := newPlane(w, h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			r, g, bb, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			out.pix[y*w+x] = uint8(min(255, (299*r+587*g+114*bb)/1000>>8+(0xffff-a)>>8))
		}
	}
	return out
}

func newPlane(w, h int) plane { return plane{pix: make([]byte, w*h), w: w, h: h, stride: w} }

func luma8(r, g, b uint8) uint8 {
	return uint8((299*uint32(r) + 587*uint32(g) + 114*uint32(b) + 500) / 1000)
}

// onWhite composites a non-premultiplied grey value on white.
func onWhite(y, a uint8) uint8 {
	return uint8((uint32(y)*uint32(a) + 255*(255-uint32(a)) + 127) / 255)
}

// crop returns the rectangle r of p (clipped), sharing memory.
func (p plane) crop(r image.Rectangle) plane {
	r = r.Intersect(image.Rect(0, 0, p.w, p.h))
	return plane{pix: p.pix[r.Min.Y*p.stride+r.Min.X:], w: r.Dx(), h: r.Dy(), stride: p.stride}
}

// half averages 2×2 blocks: the pyramid's step, kept tight because it runs
// on every image.
func (p plane) half() plane {
	w, h := p.w/2, p.h/2
	out := newPlane(w, h)
	const lo = 0x00ff00ff00ff00ff
	for y := 0; y < h; y++ {
		r0 := p.pix[2*y*p.stride : 2*y*p.stride+2*w]
		r1 := p.pix[(2*y+1)*p.stride : (2*y+1)*p.stride+2*w]
		dst := out.pix[y*w : y*w+w]
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

// double upsamples p to twice its size, bilinearly (bilinear takes
// continuous coordinates: pixel i spans [i, i+1)).
func (p plane) double() plane {
	out := newPlane(2*p.w, 2*p.h)
	for y := 0; y < out.h; y++ {
		fy := (float64(y) + 0.5) / 2
		for x := 0; x < out.w; x++ {
			fx := (float64(x) + 0.5) / 2
			out.pix[y*out.stride+x] = uint8(p.bilinear(fx, fy) + 0.5)
		}
	}
	return out
}
