package decoder

import (
	"bytes"
	"context"
	stdimage "image"
	"image/draw"
	_ "image/jpeg" // for the floor
	"os"
	"path/filepath"
	"testing"

	"github.com/qrgate/qrgate/decoder/image"
	"github.com/qrgate/qrgate/decoder/internal/bitmap"
)

// Per-stage benchmarks of the hot path, on a photo with a QR code
// (testdata/images/photo-qr-module2.5.jpg) and a clean photo, so that a
// regression in one stage shows by itself:
//
//	go test -run '^$' -bench Stage -benchmem ./decoder/

func stageInput(b *testing.B, name string) ([]byte, bitmap.Plane) {
	b.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "images", name))
	if err != nil {
		b.Fatal(err)
	}
	_, frames, err := image.Open(context.Background(), data, stageLimits)
	if err != nil {
		b.Fatal(err)
	}
	return data, frames[0]
}

// stageLimits are the decoder's default limits.
var stageLimits = image.Limits{MaxPixels: DefaultMaxPixels, MaxFrames: DefaultMaxFrames}

var stageFiles = []string{"photo-qr-module2.5.jpg", "clean-photo.jpg"}

// BenchmarkStageDecode: bytes to luminance (luma-only JPEG decode).
func BenchmarkStageDecode(b *testing.B) {
	for _, name := range stageFiles {
		data, _ := stageInput(b, name)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, _, err := image.Open(context.Background(), data, stageLimits); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkStageFloor: Go's own image.Decode of the same files, the cost a
// scan that decodes every pixel in colour cannot go below.
func BenchmarkStageFloor(b *testing.B) {
	for _, name := range stageFiles {
		data, _ := stageInput(b, name)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := stdimage.Decode(bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkStageLuminance: an RGBA image (PNG, GIF frames) to luminance.
func BenchmarkStageLuminance(b *testing.B) {
	_, p := stageInput(b, "clean-photo.jpg")
	rgba := stdimage.NewRGBA(stdimage.Rect(0, 0, p.W, p.H))
	draw.Draw(rgba, rgba.Bounds(), &stdimage.Gray{Pix: p.Pix, Stride: p.Stride, Rect: stdimage.Rect(0, 0, p.W, p.H)}, stdimage.Point{}, draw.Src)
	b.ReportAllocs()
	for b.Loop() {
		image.Luma(rgba)
	}
}

// BenchmarkStageBinarize: block statistics and thresholds of the pyramid.
func BenchmarkStageBinarize(b *testing.B) {
	for _, name := range stageFiles {
		_, p := stageInput(b, name)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				st := bitmap.StatsOf(p)
				bitmap.NewThresholds(p, st)
				h := p.Half()
				bitmap.NewThresholds(h, st.Half(h.W, h.H))
			}
		})
	}
}

// BenchmarkStagePyramid: each step of the pyramid's preparation on its own
// (block statistics, thresholds, the 2× downscale), on the QR photo.
func BenchmarkStagePyramid(b *testing.B) {
	_, p := stageInput(b, stageFiles[0])
	st := bitmap.StatsOf(p)
	steps := []struct {
		name string
		run  func()
	}{
		{"stats", func() { bitmap.StatsOf(p) }},
		{"thresholds", func() { bitmap.NewThresholds(p, st) }},
		{"half", func() { p.Half() }},
	}
	for _, s := range steps {
		b.Run(s.name, func(b *testing.B) {
			for b.Loop() {
				s.run()
			}
		})
	}
}

// BenchmarkStageScan: the whole image, bytes in, codes out.
func BenchmarkStageScan(b *testing.B) {
	for _, name := range stageFiles {
		data, _ := stageInput(b, name)
		d := New(Config{})
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := d.Decode(context.Background(), data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
