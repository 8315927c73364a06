// Package datamatrix finds and reads Data Matrix codes. Its detector
// (ReadLevel) follows zxing-cpp's: on each pyramid level's block
// thresholds it traces the solid L and the two dashed timing edges with an
// edge tracer (tracer.go), fits their lines (line.go), counts the timing
// modules for the symbol's size, samples the modules through the
// homography of the four corners, refined on the timing edges for a
// symbol that is not flat (sample.go), and hands the grid to gozxing's
// ECC200 decoder. The older path stays as a fallback: code-like regions
// (CodeRegions, SquareRegions) in a level scan's per-block change counts,
// read by gozxing's Data Matrix reader on a crop around each (Read).
package datamatrix

import (
	"github.com/makiuchi-d/gozxing"
	zxdm "github.com/makiuchi-d/gozxing/datamatrix"

	"github.com/qrgate/qrgate/decoder/internal/bitmap"
	"github.com/qrgate/qrgate/decoder/internal/zx"
)

// maxUpscaledRegion is the longest side of a full-resolution region that is
// read again at twice its size when the Data Matrix reader fails on it:
// gozxing's detector counts modules of 2–3 px wrong (a 26×26 code read as
// 26×14), and bilinear 2× upscaling is enough for it to count them right.
const maxUpscaledRegion = 256

// Read runs gozxing's Data Matrix reader on a region; attempt contains a
// panic in the reader. With upscale (a region found at full resolution,
// where modules are small), a region whose symbol the detector found but
// could not decode is read again at twice its size.
func Read(attempt func(func()), r *zx.Region, upscale bool) []zx.Code {
	var out []zx.Code
	hints := zx.Hints()
	// seen: the detector found a symbol that did not decode (a format or
	// checksum error, not "not found"), the case a re-read at twice the
	// size fixes; texture seldom gets that far.
	seen := false
	attempt(func() {
		res, err := zxdm.NewDataMatrixReader().Decode(r.Bitmap, hints)
		if err == nil {
			out = append(out, zx.FromResult(r.View, res))
			return
		}
		_, notFound := err.(gozxing.NotFoundException)
		seen = !notFound
	})
	if seen && upscale && max(r.View.P.W, r.View.P.H) <= maxUpscaledRegion {
		out = append(out, readUpscaled(attempt, r.View, hints)...)
	}
	return out
}

// readUpscaled runs the Data Matrix reader on v at twice its size.
func readUpscaled(attempt func(func()), v bitmap.View, hints map[gozxing.DecodeHintType]any) []zx.Code {
	uv := bitmap.View{P: v.P.Double(), OX: v.OX, OY: v.OY, Scale: v.Scale / 2}
	r, ok := zx.NewRegion(uv)
	if !ok {
		return nil
	}
	var out []zx.Code
	attempt(func() {
		if res, err := zxdm.NewDataMatrixReader().Decode(r.Bitmap, hints); err == nil {
			out = append(out, zx.FromResult(uv, res))
		}
	})
	return out
}
