// Copyright 2025 The qrgate Authors.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package jpeg

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/qrgate/qrgate/internal/testenv"
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

// corpusFiles returns the JPEG files of the shared development corpus of
// listing photos (testenv.SharedCorpus finds it), or skips the test if the
// corpus is absent. In -short mode only every step-th file is used.
func corpusFiles(tb testing.TB) []string {
	tb.Helper()
	corpusDir := filepath.Join(testenv.SharedCorpus(tb), "images")
	ents, err := os.ReadDir(corpusDir)
	if err != nil {
		tb.Fatal(err)
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
// plane. The reduced IDCT computes exactly the box average of each block's
// unclipped IDCT, so the only differences are rounding (±0.5 per pixel at
// most) and clipping after rather than before averaging, which matters only
// where the IDCT overshoots [0, 255] (ringing at hard edges). 2 levels is
// invisible and irrelevant for binarisation, while a real bug (wrong block
// placement, coefficient order or quantiser) gives errors in the tens.
// Measured values are logged by TestGenerated and TestCorpus (-v).
var maeLimit = map[int]float64{2: 2.0, 4: 2.0, 8: 2.0}

// checkFile checks f at all scales and returns the scaled MAEs (if scaled).
func checkFile(t *testing.T, f testFile, scaled bool) (mae [9]float64) {
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
	if !scaled {
		return mae
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
		mae[s] = meanAbsErr(got, ref)
		if mae[s] > maeLimit[s] {
			t.Errorf("scale %d: mean abs error vs box-downscaled Y = %.3f > %.1f", s, mae[s], maeLimit[s])
		}
	}
	return mae
}

// maeStats accumulates per-scale MAE statistics.
type maeStats struct {
	n          int
	sum, worst [9]float64
}

func (m *maeStats) add(mae [9]float64) {
	m.n++
	for s := range mae {
		m.sum[s] += mae[s]
		m.worst[s] = max(m.worst[s], mae[s])
	}
}

func (m *maeStats) log(t *testing.T) {
	for _, s := range []int{2, 4, 8} {
		t.Logf("scale %d: MAE vs box-downscaled Y: mean %.3f, worst %.3f over %d files", s, m.sum[s]/float64(max(m.n, 1)), m.worst[s], m.n)
	}
}

func TestGenerated(t *testing.T) {
	var st maeStats
	for _, f := range generatedFiles(t) {
		t.Run(f.name, func(t *testing.T) { st.add(checkFile(t, f, true)) })
	}
	st.log(t)
}

// TestCorpus checks scale 1 against image/jpeg on every corpus file (every
// 8th in -short or -race mode) and the scaled outputs on every 4th (32nd).
func TestCorpus(t *testing.T) {
	files := readCorpus(t)
	step := 1
	if testing.Short() {
		step = 8
	}
	if raceEnabled {
		step = 32 // -race is ~10x slower; a few files suffice there.
	}
	var st maeStats
	for i := 0; i < len(files); i += step {
		f := files[i]
		scaled := i%(4*step) == 0
		t.Run(f.name, func(t *testing.T) {
			if mae := checkFile(t, f, scaled); scaled {
				st.add(mae)
			}
		})
	}
	st.log(t)
}

// TestPlainReader checks DecodeLuma through a reader that cannot seek.
func TestPlainReader(t *testing.T) {
	for _, f := range generatedFiles(t)[:10] {
		want, _, err := stdLuma(f.data)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeLuma(struct{ io.Reader }{bytes.NewReader(f.data)}, Options{})
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		if diff := firstDiff(got, want); diff != "" {
			t.Fatalf("%s: %s", f.name, diff)
		}
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
// that DecodeLuma succeeds or fails as image/jpeg does, with the same luma.
func TestCorrupt(t *testing.T) {
	files := generatedFiles(t)
	rng := rand.New(rand.NewPCG(1, 2))
	n := 3000
	if testing.Short() || raceEnabled {
		n = 200
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

// compareWithStd is the fuzz property: DecodeLuma never panics, and at
// scale 1 it fails exactly when image/jpeg fails, and otherwise returns
// image/jpeg's luma. The one exception: inputs whose header declares more
// than 1<<20 pixels are not compared, because a fuzzer mutating a size field
// would otherwise spend seconds per execution decoding megapixel images.
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
		if gotErr == nil {
			t.Fatalf("image/jpeg fails (%v) but DecodeLuma decodes %x", wantErr, data)
		}
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
