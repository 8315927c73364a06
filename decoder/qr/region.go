package qr

import (
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/qrgate/qrgate/decoder/internal/zx"
)

// ReadRegion runs gozxing's QR reader, with its own finder search, on a
// code-like region: it sometimes reads a code the candidate search missed
// (a damaged finder pattern). attempt contains a panic in the reader.
func ReadRegion(attempt func(func()), r *zx.Region) []zx.Code {
	var out []zx.Code
	attempt(func() {
		if res, err := qrcode.NewQRCodeReader().Decode(r.Bitmap, zx.Hints()); err == nil {
			out = append(out, zx.FromResult(r.View, res))
		}
	})
	return out
}
