package thumbs

import (
	"bytes"
	"context"
	"fmt"
	goimage "image"
	"image/jpeg"

	"golang.org/x/image/draw"

	"github.com/qrgate/qrgate/decoder/image"
)

// plane is a luminance plane as decoder/image returns it (its type lives
// in a package internal to the decoder).
type plane struct {
	Pix       []byte
	W, H, Str int
}

// openPlanes is image.Open, its planes seen as planes. image.Open leaves
// panics to its caller (hostile bytes can reach a bug in any reader):
// here one becomes a corrupt image.
func openPlanes(ctx context.Context, data []byte, lim image.Limits) (info image.Info, out []plane, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &image.Error{Kind: image.Corrupt, Message: "the image's pixels cannot be decoded", Err: fmt.Errorf("panic: %v", r)}
		}
	}()
	info, ps, err := image.Open(ctx, data, lim)
	for _, p := range ps {
		out = append(out, plane{Pix: p.Pix, W: p.W, H: p.H, Str: p.Stride})
	}
	return info, out, err
}

// jpegQuality is enough for a moderator to read a code's modules and a
// text in a photo at the thumbnail's size.
const jpegQuality = 80

// render decodes data (the first frame of an animation), scales it to a
// long side of side pixels and encodes it as a greyscale JPEG.
func (m *Maker) render(ctx context.Context, data []byte, info image.Info, side int) (Thumb, error) {
	_, planes, err := m.decode(ctx, data, m.cfg.Limits)
	if err != nil {
		return Thumb{}, err
	}
	if len(planes) == 0 || planes[0].W <= 0 || planes[0].H <= 0 {
		return Thumb{}, &image.Error{Kind: image.Corrupt, Message: "the image has no pixels"}
	}
	p := planes[0]
	src := &goimage.Gray{Pix: p.Pix, Stride: p.Str, Rect: goimage.Rect(0, 0, p.W, p.H)}
	w, h := fit(p.W, p.H, side)
	dst := goimage.NewGray(goimage.Rect(0, 0, w, h))
	draw.ApproxBiLinear.Scale(dst, dst.Rect, src, src.Rect, draw.Src, nil)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: jpegQuality}); err != nil {
		return Thumb{}, err
	}
	return Thumb{Body: out.Bytes(), ContentType: "image/jpeg"}, nil
}

// fit scales w×h to a long side of side, keeping the aspect ratio (and at
// least a pixel a side).
func fit(w, h, side int) (int, int) {
	if w >= h {
		return side, max(1, int(int64(h)*int64(side)/int64(w)))
	}
	return max(1, int(int64(w)*int64(side)/int64(h))), side
}
