package decoder_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/image/webp"

	"github.com/qrgate/qrgate/decoder"
	dimage "github.com/qrgate/qrgate/decoder/image"
	"github.com/qrgate/qrgate/internal/testfixtures"
)

// fixtureDir holds the committed fixtures (see docs/fixtures.md).
const fixtureDir = "../testdata/images"

// knownGaps are fixtures the decoder does not yet read as their manifest
// says: expected failures. While one fails its test passes, logging the
// reason and the problems; once it passes the test fails, so that the line
// is removed and the fixture guards against regressions.
var knownGaps = map[string]string{}

func loadManifest(t testing.TB) []testfixtures.Entry {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	es, err := testfixtures.ParseManifest(b)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFixtures decodes every committed fixture and checks what a user sees:
// format, size, frames, every payload byte for byte with its symbology and
// frame, corners around the known placement, no extra codes; or the exact
// error code.
func TestFixtures(t *testing.T) {
	// A generous budget: these check what is read, not how fast (the race
	// detector and a loaded machine slow the strategies many times over).
	dec := decoder.New(decoder.Config{})
	for _, e := range loadManifest(t) {
		t.Run(e.File, func(t *testing.T) {
			t.Parallel()
			data := readFixture(t, e.File)
			res, err := dec.Decode(context.Background(), data)
			problems := checkFixture(e, res, err)
			reason, known := knownGaps[e.File]
			switch {
			case len(problems) > 0 && known:
				t.Logf("expected failure (%s):\n%s", reason, strings.Join(problems, "\n"))
			case len(problems) > 0:
				for _, p := range problems {
					t.Error(p)
				}
			case known:
				t.Errorf("%s now passes: remove it from knownGaps (%s)", e.File, reason)
			}
		})
	}
}

// checkFixture compares a decode outcome with the manifest entry and returns
// every difference.
func checkFixture(e testfixtures.Entry, res *decoder.Result, err error) []string {
	var ps []string
	bad := func(format string, args ...any) { ps = append(ps, fmt.Sprintf(format, args...)) }
	if got := dimage.Sniff(mustRead(e.File)); string(got) != e.Format {
		bad("Sniff = %q, want %q", got, e.Format)
	}
	if e.Error != "" {
		de := decoder.AsError(err)
		switch {
		case err == nil:
			bad("decoded without error (%d codes), want error %q", len(res.Codes), e.Error)
		case de == nil:
			bad("error %v is not a *decoder.Error", err)
		case string(de.Code) != e.Error:
			bad("error code %q (%v), want %q", de.Code, err, e.Error)
		}
		if res == nil {
			bad("no Result beside the error")
		} else if e.Width > 0 && (res.Width != e.Width || res.Height != e.Height) {
			bad("size %dx%d, want %dx%d from the header", res.Width, res.Height, e.Width, e.Height)
		}
		return ps
	}
	if err != nil {
		return append(ps, fmt.Sprintf("unexpected error: %v", err))
	}
	if string(res.Format) != e.Format || res.Width != e.Width || res.Height != e.Height || res.Frames != e.Frames {
		bad("got %s %dx%d frames=%d, want %s %dx%d frames=%d", res.Format, res.Width, res.Height, res.Frames, e.Format, e.Width, e.Height, e.Frames)
	}
	if res.Partial {
		bad("result is partial: the budget ran out on a small fixture")
	}
	used := make([]bool, len(res.Codes))
	for _, want := range e.Codes {
		i := findCode(res.Codes, used, want)
		if i < 0 {
			bad("missing %s %q (frame %d); got %s", want.Symbology, want.Payload, want.Frame, describe(res.Codes))
			continue
		}
		used[i] = true
		got := res.Codes[i]
		if got.Frame != want.Frame {
			bad("%q found in frame %d, want frame %d", want.Payload, got.Frame, want.Frame)
		}
		wantRaw, _ := base64.StdEncoding.DecodeString(want.PayloadBase64)
		if !bytes.Equal(got.Raw, wantRaw) {
			bad("%q: Raw = %x, want %x", want.Payload, got.Raw, wantRaw)
		}
		if msg := checkCorners(want, got.Corners); msg != "" {
			bad("%s %q: %s", want.Symbology, want.Payload, msg)
		}
	}
	for i, c := range res.Codes {
		if !used[i] {
			bad("extra code %s %q (frame %d) at %v", c.Symbology, c.Text, c.Frame, c.Corners)
		}
	}
	return ps
}

func mustRead(name string) []byte {
	b, _ := os.ReadFile(filepath.Join(fixtureDir, name))
	return b
}

func findCode(codes []decoder.Code, used []bool, want testfixtures.Code) int {
	for i, c := range codes {
		if !used[i] && c.Symbology == want.Symbology && c.Text == want.Payload {
			return i
		}
	}
	return -1
}

func describe(codes []decoder.Code) string {
	if len(codes) == 0 {
		return "no codes"
	}
	var parts []string
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%s %q", c.Symbology, c.Text))
	}
	return strings.Join(parts, ", ")
}

// checkCorners: a 2-D code's 4 corners must each lie within tolerance of a
// distinct corner of the drawn symbol (in any order: mirrored and rotated
// symbols may start anywhere); a 1-D code's 2 scan-line ends must lie on
// its bars and span most of their width.
func checkCorners(want testfixtures.Code, got [][2]int) string {
	tol := 2*want.Module + 3
	if want.Symbology == "EAN_13" || want.Symbology == "UPC_A" || want.Symbology == "EAN_8" {
		if len(got) != 2 {
			return fmt.Sprintf("%d corners, want 2 (scan-line ends)", len(got))
		}
		minX, minY, maxX, maxY := bbox(want.Corners)
		for _, p := range got {
			x, y := float64(p[0]), float64(p[1])
			if x < minX-tol || x > maxX+tol || y < minY-tol || y > maxY+tol {
				return fmt.Sprintf("scan-line end %v outside the bars %v", p, want.Corners)
			}
		}
		if span := math.Abs(float64(got[1][0] - got[0][0])); span < 0.8*(maxX-minX) {
			return fmt.Sprintf("scan line %v spans %.0f px of %.0f", got, span, maxX-minX)
		}
		return ""
	}
	if len(got) != 4 {
		return fmt.Sprintf("%d corners, want 4", len(got))
	}
	taken := [4]bool{}
	for _, w := range want.Corners {
		best, bestD := -1, math.Inf(1)
		for i, p := range got {
			if d := math.Hypot(float64(p[0])-w[0], float64(p[1])-w[1]); !taken[i] && d < bestD {
				best, bestD = i, d
			}
		}
		if bestD > tol {
			return fmt.Sprintf("corners %v, want about %v (±%.0f px): nearest to %v is %.1f px away", got, want.Corners, tol, w, bestD)
		}
		taken[best] = true
	}
	return ""
}

func bbox(pts [][2]float64) (minX, minY, maxX, maxY float64) {
	minX, minY, maxX, maxY = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		minX, minY = math.Min(minX, p[0]), math.Min(minY, p[1])
		maxX, maxY = math.Max(maxX, p[0]), math.Max(maxY, p[1])
	}
	return
}

// TestFixturesReproducible checks that the committed fixtures are what the
// generator builds: `go generate ./internal/testfixtures` after changing it.
func TestFixturesReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every fixture")
	}
	fs := testfixtures.All()
	if got, want := mustRead("manifest.json"), testfixtures.Manifest(fs); !bytes.Equal(got, want) {
		t.Errorf("manifest.json is stale: run go generate ./internal/testfixtures")
	}
	for _, f := range fs {
		committed := mustRead(f.File)
		if f.CWebPArgs != nil { // made by cwebp: check what can be checked without it
			checkWebP(t, f, committed)
			continue
		}
		if !bytes.Equal(committed, f.Data) && !samePixels(committed, f.Data) {
			t.Errorf("%s differs from what the generator builds: run go generate ./internal/testfixtures", f.File)
		}
	}
}

// samePixels accepts an encoder that changed its bytes but not the image
// (a new Go release compressing PNG differently).
func samePixels(a, b []byte) bool {
	ia, _, errA := image.Decode(bytes.NewReader(a))
	ib, _, errB := image.Decode(bytes.NewReader(b))
	if errA != nil || errB != nil || ia.Bounds() != ib.Bounds() {
		return false
	}
	r := ia.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, a1 := ia.At(x, y).RGBA()
			r2, g2, b2, a2 := ib.At(x, y).RGBA()
			if r1>>8 != r2>>8 || g1>>8 != g2>>8 || b1>>8 != b2>>8 || a1>>8 != a2>>8 {
				return false
			}
		}
	}
	return true
}

func checkWebP(t *testing.T, f testfixtures.Fixture, committed []byte) {
	img, err := webp.Decode(bytes.NewReader(committed))
	if err != nil {
		t.Errorf("%s: %v", f.File, err)
		return
	}
	src, err := png.Decode(bytes.NewReader(f.Source))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds() != src.Bounds() {
		t.Errorf("%s is %v, the generator's source is %v", f.File, img.Bounds(), src.Bounds())
		return
	}
	if !strings.Contains(strings.Join(f.CWebPArgs, " "), "-lossless") {
		return
	}
	var a, b bytes.Buffer
	png.Encode(&a, img)
	png.Encode(&b, src)
	if !samePixels(a.Bytes(), b.Bytes()) {
		t.Errorf("%s: lossless WebP pixels differ from the generator's source", f.File)
	}
}

// TestLargePhotoNoExtraReads: a 3000x3000 photo-like upload with one QR code
// gives exactly that code: photo noise must not read as any code.
func TestLargePhotoNoExtraReads(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes a 3000x3000 image: run without -short")
	}
	t.Parallel()
	data := testfixtures.Synthetic(3000, 3000, "https://wa.me/8613812345678", 2100, 1900, 6, 21)
	res, err := decoder.New(decoder.Config{}).Decode(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	if bad := checkOutcome(data, res, err); bad != nil || len(res.Codes) != 1 || res.Codes[0].Text != "https://wa.me/8613812345678" {
		t.Errorf("got %+v (%v), want only the QR code", res.Codes, bad)
	}
}
