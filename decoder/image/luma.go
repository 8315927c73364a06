package image

import (
	"image"

	"github.com/qrgate/qrgate/decoder/internal/bitmap"
)

// Luma returns the luminance of img, without copying where the decoder
// already produced a luminance plane (JPEG's Y, grayscale images).
func Luma(img image.Image) bitmap.Plane {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	switch m := img.(type) {
	case *image.YCbCr:
		off := m.YOffset(b.Min.X, b.Min.Y)
		return bitmap.Plane{Pix: m.Y[off:], W: w, H: h, Stride: m.YStride}
	case *image.Gray:
		return bitmap.Plane{Pix: m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], W: w, H: h, Stride: m.Stride}
	case *image.NRGBA:
		out := bitmap.NewPlane(w, h)
		for y := 0; y < h; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			dst := out.Pix[y*w : y*w+w]
			for x := range dst {
				p := row[x*4 : x*4+4]
				dst[x] = onWhite(luma8(p[0], p[1], p[2]), p[3])
			}
		}
		return out
	case *image.RGBA:
		out := bitmap.NewPlane(w, h)
		for y := 0; y < h; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			dst := out.Pix[y*w : y*w+w]
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
		out := bitmap.NewPlane(w, h)
		for y := 0; y < h; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			dst := out.Pix[y*w : y*w+w]
			for x := range dst {
				dst[x] = lut[row[x]]
			}
		}
		return out
	}
	out := bitmap.NewPlane(w, h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			r, g, bb, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			out.Pix[y*w+x] = uint8(min(255, (299*r+587*g+114*bb)/1000>>8+(0xffff-a)>>8))
		}
	}
	return out
}

func luma8(r, g, b uint8) uint8 {
	return uint8((299*uint32(r) + 587*uint32(g) + 114*uint32(b) + 500) / 1000)
}

// onWhite composites a non-premultiplied grey value on white.
func onWhite(y, a uint8) uint8 {
	return uint8((uint32(y)*uint32(a) + 255*(255-uint32(a)) + 127) / 255)
}
