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

// thumbnail is image.Thumbnail with a panic made a corrupt image: like
// image.Open it leaves panics to its caller (hostile bytes can reach a bug
// in any reader).
func thumbnail(ctx context.Context, data []byte, lim image.Limits, maxSide int) (info image.Info, g *goimage.Gray, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &image.Error{Kind: image.Corrupt, Message: "the image's pixels cannot be decoded", Err: fmt.Errorf("panic: %v", r)}
		}
	}()
	return image.Thumbnail(ctx, data, lim, maxSide)
}

// jpegQuality is enough for a moderator to read a code's modules and a
// text in a photo at the thumbnail's size.
const jpegQuality = 80

// render decodes data (the first frame of an animation) to a long side of
// side pixels and encodes it as a greyscale JPEG. image.Thumbnail shrinks
// by whole factors (a JPEG's DCT scaling, then box averages); asking it
// for under twice the side and finishing with a bilinear step gives the
// side exactly, not a factor short of it (2000 px at 1600: 1600, not 1000).
func (m *Maker) render(ctx context.Context, data []byte, side int) (Thumb, error) {
	_, src, err := m.decode(ctx, data, m.cfg.Limits, 2*side-1)
	if err != nil {
		return Thumb{}, err
	}
	if b := src.Bounds(); b.Empty() {
		return Thumb{}, &image.Error{Kind: image.Corrupt, Message: "the image has no pixels"}
	}
	dst := src
	if b := src.Bounds(); max(b.Dx(), b.Dy()) > side {
		w, h := fit(b.Dx(), b.Dy(), side)
		dst = goimage.NewGray(goimage.Rect(0, 0, w, h))
		draw.ApproxBiLinear.Scale(dst, dst.Rect, src, b, draw.Src, nil)
	}
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
