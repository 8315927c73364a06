package review

import (
	"bytes"
	"image"
	"image/jpeg"

	// Formats a stored image can be in (the gateway accepted it).
	_ "image/gif"
	_ "image/png"

	"github.com/disintegration/imaging"
	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/webp"
)

// Thumbnail limits: the widest thumbnail served, and the largest image
// (in pixels) decoded to make one. Stored images passed the gateway's
// decoder limits, but this path decodes in colour, so it has its own.
const (
	maxThumbWidth  = 2048
	maxThumbPixels = 40_000_000
)

// thumbnail resizes an image to at most w pixels wide (JPEG, quality 85).
// It reports false when the image is already that narrow or cannot be
// resized, in which case the original is served.
func thumbnail(data []byte, w int) ([]byte, bool) {
	w = min(w, maxThumbWidth)
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= w || cfg.Width*cfg.Height > maxThumbPixels {
		return nil, false
	}
	img, err := imaging.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, false
	}
	small := imaging.Resize(img, w, 0, imaging.Lanczos)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, small, &jpeg.Options{Quality: 85}); err != nil {
		return nil, false
	}
	return out.Bytes(), true
}
