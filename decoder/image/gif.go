package image

import (
	"bytes"
	"image"
	"image/draw"
	"image/gif"

	"github.com/qrgate/qrgate/decoder/internal/bitmap"
)

// decodeGIF composites every frame onto the logical screen, honouring
// disposal, so a code drawn over several frames is seen whole.
func decodeGIF(data []byte, info Info, interrupt func() error) ([]bitmap.Plane, error) {
	g, err := gif.DecodeAll(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	bounds := image.Rect(0, 0, info.Width, info.Height)
	canvas := image.NewRGBA(bounds)
	frames := make([]bitmap.Plane, 0, len(g.Image))
	draw.Draw(canvas, bounds, image.White, image.Point{}, draw.Src)
	for i, fr := range g.Image {
		if err := interrupt(); err != nil {
			return nil, err
		}
		var prev *image.RGBA
		disposal := byte(0)
		if i < len(g.Disposal) {
			disposal = g.Disposal[i]
		}
		if disposal == gif.DisposalPrevious {
			prev = image.NewRGBA(bounds)
			copy(prev.Pix, canvas.Pix)
		}
		draw.Draw(canvas, fr.Bounds(), fr, fr.Bounds().Min, draw.Over)
		frames = append(frames, Luma(canvas))
		switch disposal {
		case gif.DisposalBackground:
			draw.Draw(canvas, fr.Bounds(), image.White, image.Point{}, draw.Src)
		case gif.DisposalPrevious:
			canvas = prev
		}
	}
	return frames, nil
}
