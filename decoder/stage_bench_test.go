package decoder

import (
	"bytes"
	"context"
	"image"
	"image/draw"
	_ "image/jpeg" // for the floor
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// Per-stage benchmarks of the hot path, on a photo with a QR code
// (testdata/images/photo-qr-module2.5.jpg) and a clean photo, so that a
// regression in one stage shows by itself:
//
//	go test -run '^$' -bench Stage -benchmem ./decoder/

func stageInput(b *testing.B, name string) ([]byte, plane) {
	b.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "images", name))
	if err != nil {
		b.Fatal(err)
	}
	_, frames, err := New(Config{}).open(data)
	if err != nil {
		b.Fatal(err)
	}
	return data, frames[0]
}

var stageFiles = []string{"photo-qr-module2.5.jpg", "clean-photo.jpg"}

// BenchmarkStageDecode: bytes to luminance (luma-only JPEG decode).
func BenchmarkStageDecode(b *testing.B) {
	for _, name := range stageFiles {
		data, _ := stageInput(b, name)
		d := New(Config{})
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, _, err := d.open(data); err != nil {
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
				if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkStageLuminance: an RGBA image (PNG, GIF frames) to luminance.
func BenchmarkStageLuminance(b *testing.B) {
	_, p := stageInput(b, "clean-photo.jpg")
	rgba := image.NewRGBA(image.Rect(0, 0, p.w, p.h))
	draw.Draw(rgba, rgba.Bounds(), &image.Gray{Pix: p.pix, Stride: p.stride, Rect: image.Rect(0, 0, p.w, p.h)}, image.Point{}, draw.Src)
	b.ReportAllocs()
	for b.Loop() {
		lumaOf(rgba)
	}
}

// BenchmarkStageBinarize: block statistics and thresholds of the pyramid.
func BenchmarkStageBinarize(b *testing.B) {
	for _, name := range stageFiles {
		_, p := stageInput(b, name)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				st := statsOf(p)
				newThresholds(p, st)
				h := p.half()
				newThresholds(h, st.half(h.w, h.h))
			}
		})
	}
}

// BenchmarkStagePyramid: each step of the pyramid's preparation on its own
// (block statistics, thresholds, the 2× downscale), on the QR photo.
func BenchmarkStagePyramid(b *testing.B) {
	_, p := stageInput(b, stageFiles[0])
	st := statsOf(p)
	steps := []struct {
		name string
		run  func()
	}{
		{"stats", func() { statsOf(p) }},
		{"thresholds", func() { newThresholds(p, st) }},
		{"half", func() { p.half() }},
	}
	for _, s := range steps {
		b.Run(s.name, func(b *testing.B) {
			for b.Loop() {
				s.run()
			}
		})
	}
}

// BenchmarkStageDetect: the finder-pattern scan and triplet grouping of the
// full-resolution level.
func BenchmarkStageDetect(b *testing.B) {
	for _, name := range stageFiles {
		_, p := stageInput(b, name)
		th := newThresholds(p, statsOf(p))
		l := levels[0]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ls := scanLevel(th, l.step, l.minM, l.maxM)
				findTriplets(slices.DeleteFunc(ls.cands, func(c candidate) bool { return c.count < 2 }), 40)
			}
		})
	}
}

// BenchmarkStageDecodeBits: sampling and Reed–Solomon decoding of the QR
// code's triplet once it is found.
func BenchmarkStageDecodeBits(b *testing.B) {
	_, p := stageInput(b, "photo-qr-module2.5.jpg")
	th := newThresholds(p, statsOf(p))
	l := levels[0]
	ls := scanLevel(th, l.step, l.minM, l.maxM)
	var found *triplet
	for _, t := range findTriplets(slices.DeleteFunc(ls.cands, func(c candidate) bool { return c.count < 2 }), 40) {
		if _, ok := decodeTriplet(p, t, true); ok {
			found = &t
			break
		}
	}
	if found == nil {
		b.Fatal("no decodable triplet in the fixture")
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := decodeTriplet(p, *found, true); !ok {
			b.Fatal("decode failed")
		}
	}
}

// BenchmarkStageScan: the whole image, bytes in, codes out.
func BenchmarkStageScan(b *testing.B) {
	for _, name := range stageFiles {
		data, _ := stageInput(b, name)
		d := New(Config{Budget: time.Minute})
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
