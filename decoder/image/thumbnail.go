package image

import (
	"bytes"
	"context"
	"image"

	ljpeg "github.com/qrgate/qrgate/decoder/image/internal/jpeg"
	"github.com/qrgate/qrgate/decoder/internal/bitmap"
)

// Thumbnail decodes data to a greyscale image whose longer side is at most
// maxSide pixels (the first frame of an animated GIF), for moderators'
// pages. It is Open's decode under the same limits, context and headers
// check — a bomb is refused (TooLarge, TooManyFrames, TooComplex) before
// any pixel is decoded — and holds no more than Info.Bytes: a JPEG is
// decoded at 1/2, 1/4 or 1/8 scale when the thumbnail is that much
// smaller (the fork transforms only the coefficients it needs), the rest
// at full size into luminance, then box-averaged down.
func Thumbnail(ctx context.Context, data []byte, lim Limits, maxSide int) (Info, *image.Gray, error) {
	maxSide = max(maxSide, 1)
	info, err := Inspect(data)
	if err != nil {
		return info, nil, err
	}
	if err := lim.Check(info); err != nil {
		return info, nil, err
	}
	if info.Format == JPEG && !walkJPEG(data).fallback() {
		scale := 1
		for scale < 8 && max(info.Width, info.Height)/(2*scale) >= maxSide {
			scale *= 2
		}
		px := int64(info.Width) * int64(info.Height)
		opts := ljpeg.Options{Scale: scale, Interrupt: interruptOn(ctx)}
		if lim.MaxWork > 0 {
			opts.MaxScans = int(min(lim.MaxWork/px, 1<<20))
		}
		g, err := ljpeg.DecodeLuma(bytes.NewReader(data), opts)
		if err != nil {
			return info, nil, classify(JPEG, err, "pixels", data)
		}
		return info, boxDown(Luma(g), maxSide), nil
	}
	info, planes, err := Open(ctx, data, lim)
	if err != nil {
		return info, nil, err
	}
	return info, boxDown(planes[0], maxSide), nil
}

// interruptOn is the decoders' interrupt for ctx.
func interruptOn(ctx context.Context) func() error {
	return func() error {
		if err := ctx.Err(); err != nil {
			return newError(Interrupted, err, "deadline passed while the pixels were decoded")
		}
		return nil
	}
}

// boxDown averages p over f×f blocks, f the least integer that brings its
// longer side to maxSide or under.
func boxDown(p bitmap.Plane, maxSide int) *image.Gray {
	f := max(1, (max(p.W, p.H)+maxSide-1)/maxSide)
	w, h := (p.W+f-1)/f, (p.H+f-1)/f
	out := image.NewGray(image.Rect(0, 0, w, h))
	for oy := 0; oy < h; oy++ {
		y0, y1 := oy*f, min(oy*f+f, p.H)
		for ox := 0; ox < w; ox++ {
			x0, x1 := ox*f, min(ox*f+f, p.W)
			sum := 0
			for y := y0; y < y1; y++ {
				for _, v := range p.Pix[y*p.Stride+x0 : y*p.Stride+x1] {
					sum += int(v)
				}
			}
			n := (y1 - y0) * (x1 - x0)
			out.Pix[oy*out.Stride+ox] = uint8((sum + n/2) / n)
		}
	}
	return out
}
