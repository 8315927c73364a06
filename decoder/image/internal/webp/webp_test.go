// Copyright 2025 The qrgate Authors.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package webp

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/qrgate/qrgate/internal/testenv"
	"image"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	xwebp "golang.org/x/image/webp"
)

type testFile struct {
	name string
	data []byte
}

func readDir(tb testing.TB, dir string) []testFile {
	tb.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range ents {
		if !e.IsDir() && strings.HasSuffix(strings.ToLower(e.Name()), ".webp") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	var files []testFile
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			tb.Fatal(err)
		}
		files = append(files, testFile{n, b})
	}
	return files
}

// corpusFiles returns the WebP files of the shared corpus, or skips.
func corpusFiles(tb testing.TB) []testFile {
	files := readDir(tb, filepath.Join(testenv.SharedCorpus(tb), "images"))
	if len(files) == 0 {
		tb.Fatal("the shared corpus has no WebP files")
	}
	return files
}

// generatedFiles are small files made with cwebp 1.2.4 from synthetic
// images (see testdata/README): several sizes, qualities, segment counts,
// normal/simple/no loop filter, lossless and alpha.
func generatedFiles(tb testing.TB) []testFile {
	files := readDir(tb, "testdata")
	if len(files) == 0 {
		tb.Fatal("no files in testdata")
	}
	return files
}

// want decodes data with golang.org/x/image/webp and returns the luma
// DecodeLuma must produce.
func want(data []byte) (*image.Gray, image.Image, error) {
	m, err := xwebp.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, nil, err
	}
	return LumaOf(m), m, nil
}

func firstDiff(got, want *image.Gray) string {
	if got.Bounds().Empty() && want.Bounds().Empty() {
		// No pixels either way (a frame declaring a zero side): x/image/webp
		// reports it as (0,0)-(0,0), DecodeLuma keeps the declared width.
		// decoder refuses zero-area images from the header before this.
		return ""
	}
	if got.Bounds() != want.Bounds() {
		return fmt.Sprintf("bounds %v, want %v", got.Bounds(), want.Bounds())
	}
	b := got.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if g, w := got.GrayAt(x, y).Y, want.GrayAt(x, y).Y; g != w {
				return fmt.Sprintf("pixel (%d,%d) = %d, want %d", x, y, g, w)
			}
		}
	}
	return ""
}

func checkFile(t *testing.T, f testFile) {
	t.Helper()
	w, m, err := want(f.data)
	if err != nil {
		t.Fatalf("%s: x/image/webp: %v", f.name, err)
	}
	got, err := DecodeLuma(bytes.NewReader(f.data))
	if err != nil {
		t.Fatalf("%s: DecodeLuma: %v", f.name, err)
	}
	if _, ok := m.(*image.YCbCr); ok {
		// The lossy path: Y must be the YCbCr image's Y plane.
		if _, err := decodeLuma(bytes.NewReader(f.data), nil); err != nil {
			t.Errorf("%s: lossy file took the fallback: %v", f.name, err)
		}
	}
	if d := firstDiff(got, w); d != "" {
		t.Errorf("%s (%T): %s", f.name, m, d)
	}
}

func TestCorpus(t *testing.T) {
	for i, f := range corpusFiles(t) {
		if (testing.Short() || raceEnabled) && i%4 != 0 {
			continue
		}
		checkFile(t, f)
	}
}

func TestGenerated(t *testing.T) {
	kinds := map[string]int{}
	for _, f := range generatedFiles(t) {
		checkFile(t, f)
		_, m, _ := want(f.data)
		kinds[fmt.Sprintf("%T", m)]++
	}
	// The files must exercise the lossy path and both fallbacks.
	for _, k := range []string{"*image.YCbCr", "*image.NRGBA", "*image.NYCbCrA"} {
		if kinds[k] == 0 {
			t.Errorf("no generated file decodes to %s (%v)", k, kinds)
		}
	}
}

// TestTruncated checks that every prefix of the generated files gives an
// error and never panics; wherever x/image/webp reports
// io.ErrUnexpectedEOF, so does DecodeLuma.
func TestTruncated(t *testing.T) {
	for _, f := range generatedFiles(t) {
		if len(f.data) > 4000 {
			continue
		}
		step := 1
		if testing.Short() || raceEnabled {
			step = 7
		}
		for n := 0; n < len(f.data); n += step {
			_, err := DecodeLuma(bytes.NewReader(f.data[:n]))
			if err == nil {
				// x/image/webp may accept some truncations (missing
				// trailing padding); then so must we, identically.
				compare(t, f.data[:n])
				continue
			}
			_, wantErr := xwebp.Decode(bytes.NewReader(f.data[:n]))
			if errors.Is(wantErr, io.ErrUnexpectedEOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("%s: prefix %d/%d: got %v, want io.ErrUnexpectedEOF", f.name, n, len(f.data), err)
			}
		}
	}
}

// TestCorrupt flips bytes and checks that DecodeLuma never panics and agrees
// with x/image/webp whenever that decodes.
func TestCorrupt(t *testing.T) {
	files := generatedFiles(t)
	rng := rand.New(rand.NewPCG(3, 4))
	n := 3000
	if testing.Short() || raceEnabled {
		n = 300
	}
	for i := 0; i < n; i++ {
		f := files[rng.IntN(len(files))]
		data := bytes.Clone(f.data)
		for k := 0; k <= rng.IntN(4); k++ {
			data[rng.IntN(len(data))] = byte(rng.IntN(256))
		}
		compare(t, data)
	}
}

// compare is the fuzz property: DecodeLuma never panics, and when
// x/image/webp decodes data, DecodeLuma does too, with identical luma; when
// x/image/webp fails, so does DecodeLuma.
func compare(t *testing.T, data []byte) {
	t.Helper()
	cfg, err := xwebp.DecodeConfig(bytes.NewReader(data))
	if err == nil && cfg.Width*cfg.Height > 1<<18 {
		return
	}
	got, gotErr := DecodeLuma(bytes.NewReader(data))
	w, _, wantErr := want(data)
	if wantErr != nil {
		if gotErr == nil {
			t.Fatalf("x/image/webp fails (%v) but DecodeLuma decodes %x", wantErr, data)
		}
		return
	}
	if gotErr != nil {
		t.Fatalf("x/image/webp decodes %x but DecodeLuma fails: %v", data, gotErr)
	}
	if d := firstDiff(got, w); d != "" {
		t.Fatalf("DecodeLuma differs from x/image/webp on %x: %s", data, d)
	}
}

// FuzzDecodeLuma checks the compare property. The committed seeds are in
// testdata/fuzz/FuzzDecodeLuma (the generated files under 4 KB).
func FuzzDecodeLuma(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		compare(t, data)
	})
}

// TestWriteFuzzSeeds regenerates testdata/fuzz/FuzzDecodeLuma when run with
// QRGATE_WRITE_FUZZ_SEEDS=1.
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("QRGATE_WRITE_FUZZ_SEEDS") == "" {
		t.Skip("set QRGATE_WRITE_FUZZ_SEEDS=1 to regenerate")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzDecodeLuma")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tf := range generatedFiles(t) {
		if len(tf.data) > 4096 {
			continue
		}
		var buf bytes.Buffer
		fmt.Fprintf(&buf, "go test fuzz v1\n[]byte(%q)\n", tf.data)
		if err := os.WriteFile(filepath.Join(dir, strings.TrimSuffix(tf.name, ".webp")), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkDecode decodes every corpus WebP once per op.
func BenchmarkDecode(b *testing.B) {
	files := corpusFiles(b)
	var size int64
	for _, f := range files {
		size += int64(len(f.data))
	}
	b.Run("xwebp", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			for _, f := range files {
				if _, err := xwebp.Decode(bytes.NewReader(f.data)); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("luma", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			for _, f := range files {
				if _, err := DecodeLuma(bytes.NewReader(f.data)); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// TestLosslessChecksItsInterrupt: a lossless decode calls the interrupt
// before every row of its pixels, and stops at the call that returns an
// error, with that error: a deadline reaches inside the VP8L decoder.
func TestLosslessChecksItsInterrupt(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "131x77-lossless.webp"))
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	if _, err := DecodeLumaUntil(bytes.NewReader(data), func() error { calls++; return nil }); err != nil {
		t.Fatal(err)
	}
	if calls < 77 {
		t.Fatalf("the interrupt was called %d times for 77 rows of pixels, want at least one a row", calls)
	}
	stop := errors.New("deadline")
	for _, at := range []int{1, 10, calls} {
		n := 0
		_, err := DecodeLumaUntil(bytes.NewReader(data), func() error {
			if n++; n == at {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || n != at {
			t.Errorf("interrupt failing at call %d: err %v after %d calls, want %v at that call", at, err, n, stop)
		}
	}
}
