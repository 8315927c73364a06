package image

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	ljpeg "github.com/qrgate/qrgate/decoder/image/internal/jpeg"
	"github.com/qrgate/qrgate/internal/testfixtures"
)

// FuzzInspect: Inspect reads any bytes without panicking, and the JPEG
// marker walk counts at least the scans the luma fork decodes — so the
// work it states is never less than what decoding costs (the fork refuses
// a scan past the count it was allowed: ErrTooManyScans must never come).
//
//	go test -run '^$' -fuzz FuzzInspect -fuzztime 60s ./decoder/image/
func FuzzInspect(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/images/*")
	for _, p := range files {
		if st, err := os.Stat(p); err == nil && st.Size() <= 8<<10 && filepath.Ext(p) != ".json" {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add(testfixtures.ProgressiveJPEG(24, 16, 6))
	f.Add(testfixtures.JPEGBomb(40, 40))
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := Inspect(data)
		if err == nil && (info.Width <= 0 || info.Height <= 0 || info.Work < int64(info.Width)*int64(info.Height) || info.Bytes <= 0) {
			t.Fatalf("Inspect = %+v without an error", info)
		}
		if info.Format != JPEG || err != nil || int64(info.Width)*int64(info.Height) > 1<<16 {
			return
		}
		_, derr := ljpeg.DecodeLuma(bytes.NewReader(data), ljpeg.Options{Scale: 1, MaxScans: max(info.Scans, 1)})
		if errors.Is(derr, ljpeg.ErrTooManyScans) {
			t.Fatalf("the marker walk counted %d scans; the decoder found more", info.Scans)
		}
	})
}

// FuzzPNGLuma: the row-streaming PNG reader never panics, and whatever
// image/png decodes it decodes too, to the same luminance within a level.
//
//	go test -run '^$' -fuzz FuzzPNGLuma -fuzztime 60s ./decoder/image/
func FuzzPNGLuma(f *testing.F) {
	for i, s := range []pngSpec{
		{w: 9, h: 7, depth: 8, colorType: 6, interlaced: true},
		{w: 5, h: 11, depth: 2, colorType: 3, trns: true},
		{w: 12, h: 3, depth: 16, colorType: 2, trns: true},
		{w: 4, h: 4, depth: 1, colorType: 0, interlaced: true, trns: true},
		{w: 6, h: 5, depth: 16, colorType: 4},
	} {
		f.Add(s.encode(uint64(i)))
	}
	f.Add(testfixtures.PNGZeros(20, 20, 8, 2, true))
	f.Fuzz(func(t *testing.T, data []byte) {
		if h, err := pngHeader(data); err != nil || int64(h.width)*int64(h.height) > 1<<16 {
			return
		}
		got, err := decodePNG(data, never)
		want, werr := referenceLuma(data)
		if werr != nil {
			return
		}
		if err != nil {
			t.Fatalf("image/png decodes it, decodePNG says %v", err)
		}
		if got.W != want.W || got.H != want.H {
			t.Fatalf("decodePNG: %dx%d, image/png: %dx%d", got.W, got.H, want.W, want.H)
		}
		if d := lumaDiff(got, want); d > 1 {
			t.Fatalf("luminance differs from image/png's by %d levels", d)
		}
	})
}

// FuzzGIFLuma: the frame-by-frame GIF reader never panics, and whatever
// image/gif decodes it decodes too, to the same composited frames.
//
//	go test -run '^$' -fuzz FuzzGIFLuma -fuzztime 60s ./decoder/image/
func FuzzGIFLuma(f *testing.F) {
	f.Add(animated())
	f.Add(interlacedGIF())
	f.Add(testfixtures.NoiseGIF(9, 7, 3, 1))
	f.Add(testfixtures.ManyFramesGIF(5))
	// A plain text extension is 13 bytes, then sub-blocks, for image/gif:
	// skipped as sub-blocks from its first byte, a frame came out of it.
	f.Add([]byte("GIF87a0 \x1e\x00\x8100000000000000!\x01\x00,00000000000\x00,0\x00\b\x00\x14\x00\x0f\x000\x02&\xc40xz\xd7\xe8\x98\x8cqQ&!\xdbyw~\x05\xe1Xy$0\x9a$9Bmzz0\xcc\xb2\xf0\x88728\x00\x00;"))
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := Inspect(data)
		if err != nil || info.Format != GIF || int64(info.Width)*int64(info.Height)*int64(info.Frames) > 1<<18 {
			return
		}
		got, err := decodeGIF(data, info, never)
		want, werr := referenceGIF(data)
		if werr != nil {
			return
		}
		if err != nil {
			t.Fatalf("image/gif decodes it, decodeGIF says %v", err)
		}
		if err := sameFrames(got, want); err != nil {
			t.Fatal(err)
		}
	})
}
