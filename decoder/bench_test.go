package decoder_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/qrgate/qrgate/decoder"
	"github.com/qrgate/qrgate/internal/testfixtures"
)

// Decoder benchmarks on small, medium and large images, with and without
// codes:
//
//	go test -run '^$' -bench . -benchmem ./decoder/
//
// BenchmarkCorpus also runs over the shared development corpus of labelled
// listing photos when it is checked out beside the repository.

var synthetic = sync.OnceValue(func() map[string][]byte {
	return map[string][]byte{
		"large-code":   testfixtures.Synthetic(3000, 3000, "https://wa.me/8613812345678", 2100, 1900, 6, 21),
		"large-nocode": testfixtures.Synthetic(3000, 3000, "", 0, 0, 0, 22),
		"medium-code":  testfixtures.Synthetic(1200, 1200, "https://t.me/bench_shop", 800, 700, 4, 23),
	}
})

func BenchmarkDecode(b *testing.B) {
	cases := []struct{ name, file, synth string }{
		{name: "small-code-png-148px", file: "qr-url.png"},
		{name: "small-nocode-png-240px", file: "neg-checkerboard.png"},
		{name: "small-code-gif-4frames-200px", file: "gif-code-in-frame2.gif"},
		{name: "medium-code-jpeg-900x700", file: "photo-qr-module2.5.jpg"},
		{name: "medium-nocode-jpeg-640x480", file: "clean-photo.jpg"},
		{name: "medium-code-jpeg-1200px", synth: "medium-code"},
		{name: "large-code-jpeg-3000px", synth: "large-code"},
		{name: "large-nocode-jpeg-3000px", synth: "large-nocode"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var data []byte
			if c.file != "" {
				data = readFixture(b, c.file)
			} else {
				data = synthetic()[c.synth]
			}
			benchDecode(b, data)
		})
	}
}

func benchDecode(b *testing.B, data []byte) {
	dec := decoder.New(decoder.Config{})
	ctx := context.Background()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	codes := 0
	for b.Loop() {
		res, err := dec.Decode(ctx, data)
		if err != nil {
			b.Fatal(err)
		}
		codes = len(res.Codes)
	}
	b.ReportMetric(float64(codes), "codes")
}

// BenchmarkCorpus decodes the images of the shared development corpus (160
// labelled listing photos kept outside the repository, which CI checks out
// beside it as ../shared/corpus) in turn, one per op; it skips when the
// corpus is absent.
func BenchmarkCorpus(b *testing.B) {
	dir := filepath.Join("..", "..", "shared", "corpus", "images")
	f, err := os.Open(filepath.Join(dir, "manifest.jsonl"))
	if err != nil {
		b.Skip("no ../shared/corpus beside the repository")
	}
	defer f.Close()
	var images [][]byte
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m struct{ File string }
		if json.Unmarshal(sc.Bytes(), &m) != nil {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, "..", m.File))
		if err == nil {
			images = append(images, data)
		}
	}
	var none decoder.Strategy
	for _, s := range decoder.AllStrategies() {
		none |= s
	}
	// "no-strategies" decodes the pixels and builds the pyramid's block
	// statistics, and runs no strategy: the part of "scan" that is not code
	// finding.
	for _, c := range []struct {
		name string
		skip decoder.Strategy
	}{{"scan", 0}, {"no-strategies", none}} {
		b.Run(c.name, func(b *testing.B) {
			dec := decoder.New(decoder.Config{Skip: c.skip})
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				dec.Decode(context.Background(), images[i%len(images)])
				i++
			}
		})
	}
}
