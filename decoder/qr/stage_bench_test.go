package qr

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/qrgate/qrgate/decoder/image"
	"github.com/qrgate/qrgate/decoder/internal/bitmap"
)

// Per-stage benchmarks of the QR reader on the decoder's stage photos (see
// the decoder's stage benchmarks), so that a regression in detection or
// in bit reading shows by itself:
//
//	go test -run '^$' -bench Stage -benchmem ./decoder/qr/

var stageFiles = []string{"photo-qr-module2.5.jpg", "clean-photo.jpg"}

// fullLevel is the scan of the full-resolution pyramid level (its row step
// and module sizes, as the decoder's strategy runner sets them).
func fullLevel(th *bitmap.Thresholds) Level { return ScanLevel(th, 2, 1.3, 5) }

func stagePlane(b *testing.B, name string) bitmap.Plane {
	b.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "images", name))
	if err != nil {
		b.Fatal(err)
	}
	_, frames, err := image.Open(context.Background(), data, image.Limits{MaxPixels: 40_000_000, MaxFrames: 1})
	if err != nil {
		b.Fatal(err)
	}
	return frames[0]
}

// BenchmarkStageDetect: the finder-pattern scan and triplet grouping of the
// full-resolution level.
func BenchmarkStageDetect(b *testing.B) {
	for _, name := range stageFiles {
		p := stagePlane(b, name)
		th := bitmap.NewThresholds(p, bitmap.StatsOf(p))
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ls := fullLevel(th)
				findTriplets(slices.DeleteFunc(ls.cands, func(c candidate) bool { return c.count < 2 }), 40)
			}
		})
	}
}

// BenchmarkStageDecodeBits: sampling and Reed–Solomon decoding of the QR
// code's triplet once it is found.
func BenchmarkStageDecodeBits(b *testing.B) {
	p := stagePlane(b, "photo-qr-module2.5.jpg")
	th := bitmap.NewThresholds(p, bitmap.StatsOf(p))
	ls := fullLevel(th)
	var found *triplet
	for _, t := range findTriplets(slices.DeleteFunc(ls.cands, func(c candidate) bool { return c.count < 2 }), 40) {
		if _, ok := decodeTriplet(p, t, true, nil); ok {
			found = &t
			break
		}
	}
	if found == nil {
		b.Fatal("no decodable triplet in the fixture")
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := decodeTriplet(p, *found, true, nil); !ok {
			b.Fatal("decode failed")
		}
	}
}
