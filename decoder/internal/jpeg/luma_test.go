// Copyright 2025 The qrgate Authors.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package jpeg

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	stdjpeg "image/jpeg"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// corpusDir is the shared image corpus, relative to the repository root
// (decoder/internal/jpeg is three levels down).
const corpusDir = "../../../../shared/corpus/images"

// corpusFiles returns the JPEG files of the shared corpus, or skips the test
// if the corpus is absent. In -short mode only every step-th file is used.
func corpusFiles(tb testing.TB) []string {
	tb.Helper()
	ents, err := os.ReadDir(corpusDir)
	if err != nil {
		tb.Skipf("corpus not available: %v", err)
	}
	var files []string
	for _, e := range ents {
		n := strings.ToLower(e.Name())
		if !e.IsDir() && (strings.HasSuffix(n, ".jpg") || strings.HasSuffix(n, ".jpeg")) {
			files = append(files, filepath.Join(corpusDir, e.Name()))
		}
	}
	sort.Strings(files)
	if len(files) == 0 {
		tb.Skip("corpus has no JPEGs")
	}
	return files
}

// synthImage returns a w×h test pattern with gradients, edges, text-like
// detail and noise, so that all DCT frequencies are exercised.
func synthImage(w, h int, seed uint64) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, 1))
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			r := uint8(x * 255 / max(w-1, 1))
			g := uint8(y * 255 / max(h-1, 1))
			b := uint8(((x / 7) ^ (y / 5)) & 1 * 200)
			if (x/3+y/3)%11 == 0 {
				r, g = 255-r, 255-g
			}
			n := uint8(rng.IntN(24))
			m.Set(x, y, color.RGBA{r + n, g + n/2, b + n, 255})
		}
	}
	return m
}

// ycbcrOf converts m to a YCbCr image with the given subsampling.
func ycbcrOf(m image.Image, ratio image.YCbCrSubsampleRatio) *image.YCbCr {
	b := m.Bounds()
	y := image.NewYCbCr(b, ratio)
	for py := b.Min.Y; py < b.Max.Y; py++ {
		for px := b.Min.X; px < b.Max.X; px++ {
			r, g, bb, _ := m.At(px, py).RGBA()
			yy, cb, cr := color.RGBToYCbCr(uint8(r>>8), uint8(g>>8), uint8(bb>>8))
			y.Y[y.YOffset(px, py)] = yy
			ci := y.COffset(px, py)
			y.Cb[ci], y.Cr[ci] = cb, cr
		}
	}
	return y
}

type testFile struct {
	name string
	data []byte
}

// generatedFiles encodes a few small images with image/jpeg: every chroma
// subsampling image/jpeg can write (it writes 4:2:0 for YCbCr with any ratio
// other than 4:4:4 is not guaranteed, so the ratios are those of the source),
// grayscale, several qualities and sizes that are not multiples of the MCU.
func generatedFiles(tb testing.TB) []testFile {
	tb.Helper()
	var files []testFile
	sizes := [][2]int{{1, 1}, {7, 9}, {33, 17}, {64, 48}, {131, 77}}
	ratios := []image.YCbCrSubsampleRatio{
		image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422,
		image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio440,
	}
	for si, sz := range sizes {
		src := synthImage(sz[0], sz[1], uint64(si))
		for _, q := range []int{10, 50, 75, 95, 100} {
			for _, ratio := range ratios {
				var buf bytes.Buffer
				if err := stdjpeg.Encode(&buf, ycbcrOf(src, ratio), &stdjpeg.Options{Quality: q}); err != nil {
					tb.Fatal(err)
				}
				files = append(files, testFile{fmt.Sprintf("%dx%d-q%d-%v", sz[0], sz[1], q, ratio), buf.Bytes()})
			}
			gray := image.NewGray(src.Bounds())
			for i := range gray.Pix {
				gray.Pix[i] = src.Pix[4*i+1]
			}
			var buf bytes.Buffer
			if err := stdjpeg.Encode(&buf, gray, &stdjpeg.Options{Quality: q}); err != nil {
				tb.Fatal(err)
			}
			files = append(files, testFile{fmt.Sprintf("%dx%d-q%d-gray", sz[0], sz[1], q), buf.Bytes()})
		}
	}
	return files
}

func readCorpus(tb testing.TB) []testFile {
	var files []testFile
	for _, p := range corpusFiles(tb) {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		files = append(files, testFile{filepath.Base(p), b})
	}
	return files
}

// stdLuma decodes data with image/jpeg and returns its luma (see LumaOf).
func stdLuma(data []byte) (*image.Gray, image.Image, error) {
	img, err := stdjpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, nil, err
	}
	return LumaOf(img), img, nil
}

// firstDiff returns a description of the first differing pixel, or "".
func firstDiff(got, want *image.Gray) string {
	if got.Bounds().Dx() != want.Bounds().Dx() || got.Bounds().Dy() != want.Bounds().Dy() {
		return fmt.Sprintf("size %v, want %v", got.Bounds(), want.Bounds())
	}
	for y := 0; y < want.Bounds().Dy(); y++ {
		for x := 0; x < want.Bounds().Dx(); x++ {
			g := got.Pix[got.PixOffset(got.Rect.Min.X+x, got.Rect.Min.Y+y)]
			w := want.Pix[want.PixOffset(want.Rect.Min.X+x, want.Rect.Min.Y+y)]
			if g != w {
				return fmt.Sprintf("pixel (%d,%d) = %d, want %d", x, y, g, w)
			}
		}
	}
	return ""
}

// meanAbsErr returns the mean absolute difference of two same-size images.
func meanAbsErr(a, b *image.Gray) float64 {
	sum := 0
	w, h := b.Bounds().Dx(), b.Bounds().Dy()
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			d := int(a.Pix[a.PixOffset(a.Rect.Min.X+x, a.Rect.Min.Y+y)]) - int(b.Pix[b.PixOffset(b.Rect.Min.X+x, b.Rect.Min.Y+y)])
			if d < 0 {
				d = -d
			}
			sum += d
		}
	}
	return float64(sum) / float64(max(w*h, 1))
}

// maeLimit is the largest acceptable mean absolute error, in 8-bit levels,
// between DecodeLuma at a scale and the box-downscaled full-resolution Y
// plane. The reduced IDCT computes the box average of each block from its
// top-left 4×4 (2×2) coefficients only, so the error is the part of the
// dropped high frequencies that a box filter does not cancel, plus rounding
// and clipping before rather than after averaging. Both are small in natural
// photos (measured ≈0.3–0.9 at scale 2 on the corpus); 2 levels is invisible
// and irrelevant for binarisation, while a real bug (wrong block placement,
// wrong coefficient order or quantiser) gives errors in the tens. Scale 8 is
// exact up to rounding for each block's mean but clipping differs, hence
// the same bound.
var maeLimit = map[int]float64{2: 2.0, 4: 2.0, 8: 2.0}

func checkFile(t *testing.T, f testFile) {
	want, _, err := stdLuma(f.data)
	if err != nil {
		t.Fatalf("image/jpeg: %v", err)
	}
	got, err := DecodeLuma(bytes.NewReader(f.data), Options{Scale: 1})
	if err != nil {
		t.Fatalf("DecodeLuma scale 1: %v", err)
	}
	if diff := firstDiff(got, want); diff != "" {
		t.Fatalf("scale 1 differs from image/jpeg's Y plane: %s", diff)
	}
	// Also through a non-seekable reader.
	got, err = DecodeLuma(struct{ io.Reader }{bytes.NewReader(f.data)}, Options{})
	if err != nil {
		t.Fatalf("DecodeLuma scale 1 (plain reader): %v", err)
	}
	if diff := firstDiff(got, want); diff != "" {
		t.Fatalf("scale 1 (plain reader) differs: %s", diff)
	}
	for _, s := range []int{2, 4, 8} {
		got, err := DecodeLuma(bytes.NewReader(f.data), Options{Scale: s})
		if err != nil {
			t.Fatalf("DecodeLuma scale %d: %v", s, err)
		}
		ref := BoxDownscale(want, s)
		if !got.Bounds().Eq(ref.Bounds()) {
			t.Fatalf("scale %d: bounds %v, want %v", s, got.Bounds(), ref.Bounds())
		}
		if mae := meanAbsErr(got, ref); mae > maeLimit[s] {
			t.Errorf("scale %d: mean abs error vs box-downscaled Y = %.3f > %.1f", s, mae, maeLimit[s])
		}
	}
}

func TestGenerated(t *testing.T) {
	for _, f := range generatedFiles(t) {
		t.Run(f.name, func(t *testing.T) { checkFile(t, f) })
	}
}

func TestCorpus(t *testing.T) {
	files := readCorpus(t)
	step := 1
	if testing.Short() || raceEnabled {
		step = 8
	}
	for i := 0; i < len(files); i += step {
		f := files[i]
		t.Run(f.name, func(t *testing.T) { checkFile(t, f) })
	}
}

// TestCorpusMAE logs the scaled error statistics (run with -v).
func TestCorpusMAE(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("statistics only")
	}
	files := readCorpus(t)
	for _, s := range []int{2, 4, 8} {
		worst, sum := 0.0, 0.0
		for _, f := range files {
			want, _, err := stdLuma(f.data)
			if err != nil {
				t.Fatal(err)
			}
			got, err := DecodeLuma(bytes.NewReader(f.data), Options{Scale: s})
			if err != nil {
				t.Fatal(err)
			}
			mae := meanAbsErr(got, BoxDownscale(want, s))
			sum += mae
			worst = max(worst, mae)
		}
		t.Logf("scale %d: mean MAE %.3f, worst %.3f over %d files", s, sum/float64(len(files)), worst, len(files))
	}
}

// TestTruncated checks that every prefix of a few files gives an error (never
// a panic), io.ErrUnexpectedEOF once the header is complete.
func TestTruncated(t *testing.T) {
	var files []testFile
	for _, f := range generatedFiles(t) {
		if strings.HasPrefix(f.name, "33x17-q75") {
			files = append(files, f)
		}
	}
	if data, err := os.ReadFile(filepath.Join("testdata", "progressive.jpg")); err == nil {
		files = append(files, testFile{"progressive", data})
	}
	for _, f := range files {
		for n := 0; n < len(f.data)-2; n++ {
			for _, s := range []int{1, 8} {
				_, err := DecodeLuma(bytes.NewReader(f.data[:n]), Options{Scale: s})
				if err == nil {
					t.Fatalf("%s: prefix %d/%d decoded without error", f.name, n, len(f.data))
				}
				if n > 2 && !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Fatalf("%s: prefix %d/%d: got %v, want io.ErrUnexpectedEOF", f.name, n, len(f.data), err)
				}
			}
		}
	}
}

// TestCorrupt flips bytes in a file and checks that decoding never panics and
// that whenever image/jpeg succeeds, DecodeLuma agrees with it.
func TestCorrupt(t *testing.T) {
	files := generatedFiles(t)
	rng := rand.New(rand.NewPCG(1, 2))
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
		compareWithStd(t, data)
	}
}

// compareWithStd is the fuzz property: DecodeLuma never panics, and when
// image/jpeg decodes data, DecodeLuma at scale 1 does too, with identical
// luma.
func compareWithStd(t *testing.T, data []byte) {
	t.Helper()
	cfg, err := stdjpeg.DecodeConfig(bytes.NewReader(data))
	if err == nil && cfg.Width*cfg.Height > 1<<20 {
		return
	}
	for _, s := range []int{2, 4, 8} {
		DecodeLuma(bytes.NewReader(data), Options{Scale: s})
	}
	got, gotErr := DecodeLuma(bytes.NewReader(data), Options{Scale: 1})
	want, _, wantErr := stdLuma(data)
	if wantErr != nil {
		return
	}
	if gotErr != nil {
		t.Fatalf("image/jpeg decodes %x but DecodeLuma fails: %v", data, gotErr)
	}
	if diff := firstDiff(got, want); diff != "" {
		t.Fatalf("DecodeLuma differs from image/jpeg on %x: %s", data, diff)
	}
}

func TestBadScale(t *testing.T) {
	for _, s := range []int{-1, 3, 16} {
		if _, err := DecodeLuma(bytes.NewReader(nil), Options{Scale: s}); err == nil {
			t.Errorf("scale %d: no error", s)
		}
	}
}
