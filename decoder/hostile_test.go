package decoder_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/qrgate/qrgate/decoder"
	dimage "github.com/qrgate/qrgate/decoder/image"
	"github.com/qrgate/qrgate/decoder/symbology"
	"github.com/qrgate/qrgate/internal/testfixtures"
)

// Issue 7's bad input, each with the error a client gets. Every outcome must
// also satisfy checkOutcome, the invariants the fuzz targets check.

var errorCodes = map[decoder.ErrorCode]bool{
	decoder.ErrUnsupported: true, decoder.ErrCorrupt: true, decoder.ErrTruncated: true,
	decoder.ErrTooLarge: true, decoder.ErrTooManyFrames: true, decoder.ErrTooComplex: true, decoder.ErrTimeout: true,
}

var symbologies = map[symbology.Symbology]bool{
	"QR_CODE": true, "DATA_MATRIX": true, "AZTEC": true, "PDF_417": true, "MAXICODE": true,
	"EAN_13": true, "EAN_8": true, "UPC_A": true, "UPC_E": true, "UPC_EAN_EXTENSION": true,
	"CODE_128": true, "CODE_39": true, "CODE_93": true, "CODABAR": true, "ITF": true,
	"RSS_14": true, "RSS_EXPANDED": true, "UNDECODED": true,
}

// cornerCount is what the contract gives each symbology: 2 points (the
// ends of the scan line) for 1-D codes, 4 for 2-D codes and UNDECODED.
func cornerCount(s symbology.Symbology) int {
	switch s {
	case "EAN_13", "EAN_8", "UPC_A", "UPC_E", "UPC_EAN_EXTENSION", "CODE_128", "CODE_39", "CODE_93", "CODABAR", "ITF", "RSS_14", "RSS_EXPANDED":
		return 2
	}
	return 4
}

// checkOutcome returns what is wrong with a Decode outcome, whatever the input.
func checkOutcome(data []byte, res *decoder.Result, err error) error {
	if res == nil {
		return fmt.Errorf("nil Result (err %v)", err)
	}
	if got := dimage.Sniff(data); res.Format != got {
		return fmt.Errorf("Result.Format %q, Sniff says %q", res.Format, got)
	}
	if err != nil {
		de := decoder.AsError(err)
		if de == nil {
			return fmt.Errorf("error %T %v is not a *decoder.Error", err, err)
		}
		if !errorCodes[de.Code] {
			return fmt.Errorf("error code %q is not in the contract", de.Code)
		}
		if de.Message == "" {
			return fmt.Errorf("error %q without a message", de.Code)
		}
		return nil
	}
	if res.Width <= 0 || res.Height <= 0 || res.Frames < 1 {
		return fmt.Errorf("decoded image of %dx%d, %d frames", res.Width, res.Height, res.Frames)
	}
	for _, c := range res.Codes {
		if !symbologies[c.Symbology] {
			return fmt.Errorf("unknown symbology %q", c.Symbology)
		}
		if n, want := len(c.Corners), cornerCount(c.Symbology); n != want {
			return fmt.Errorf("%s %q with %d corners %v, want %d", c.Symbology, c.Text, n, c.Corners, want)
		}
		if c.Symbology == "UNDECODED" && (c.Text != "" || c.Raw != nil) {
			return fmt.Errorf("UNDECODED with payload %q", c.Text)
		}
		if c.Frame < 0 || c.Frame >= res.Frames {
			return fmt.Errorf("code in frame %d of %d", c.Frame, res.Frames)
		}
		if !utf8.ValidString(c.Text) {
			return fmt.Errorf("payload %q is not valid UTF-8 (raw bytes belong in Raw)", c.Text)
		}
		if c.Raw != nil && utf8.Valid(c.Raw) {
			return fmt.Errorf("Raw %x set although it is valid UTF-8", c.Raw)
		}
		for _, p := range c.Corners {
			if p[0] < -res.Width || p[0] > 2*res.Width || p[1] < -res.Height || p[1] > 2*res.Height {
				return fmt.Errorf("corner %v far outside the %dx%d image", p, res.Width, res.Height)
			}
		}
	}
	return nil
}

// decodeSafely decodes data, turning a panic into a test failure that names the input.
func decodeSafely(t *testing.T, dec *decoder.Decoder, name string, data []byte) (res *decoder.Result, err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("%s: Decode panicked: %v\ninput (%d bytes): %x", name, r, len(data), head(data))
		}
	}()
	res, err = dec.Decode(context.Background(), data)
	if bad := checkOutcome(data, res, err); bad != nil {
		t.Errorf("%s: %v", name, bad)
	}
	return res, err
}

func head(b []byte) []byte { return b[:min(len(b), 256)] }

func wantCode(t *testing.T, name string, err error, want decoder.ErrorCode) {
	t.Helper()
	de := decoder.AsError(err)
	if de == nil || de.Code != want {
		t.Errorf("%s: error %v, want %q", name, err, want)
	}
}

// TestBombsRefusedBeforeAllocation: headers declaring huge images (or
// thousands of frames) are refused from the header, and decoding them
// allocates a tiny fraction of what they declare.
func TestBombsRefusedBeforeAllocation(t *testing.T) {
	screen := make([]byte, 0, 1024) // a 1000x1000 GIF with 45 1x1 frames: 45 megapixels once composited
	screen = append(screen, testfixtures.GIFBomb(1000, 1000)[:19]...)
	screen[6], screen[7], screen[8], screen[9] = 0xE8, 0x03, 0xE8, 0x03
	for i := 0; i < 45; i++ {
		screen = append(screen, 0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x4C, 0x01, 0)
	}
	screen = append(screen, 0x3B)
	cases := []struct {
		name     string
		data     []byte
		want     decoder.ErrorCode
		declared int64 // bytes a naive decoder would allocate
	}{
		{"png 50000x50000", testfixtures.PNGBomb(50000, 50000), decoder.ErrTooLarge, 50000 * 50000},
		{"png 1x2000000000", testfixtures.PNGBomb(1, 2_000_000_000), decoder.ErrTooLarge, 2_000_000_000},
		{"gif 50000x50000", testfixtures.GIFBomb(50000, 50000), decoder.ErrTooLarge, 50000 * 50000},
		{"gif 65535x65535", testfixtures.GIFBomb(65535, 65535), decoder.ErrTooLarge, 65535 * 65535},
		{"gif 45 frames on a 1000x1000 screen", screen, decoder.ErrTooLarge, 45 * 1000 * 1000},
		{"gif 5000 frames", testfixtures.ManyFramesGIF(5000), decoder.ErrTooManyFrames, 5000 * 64},
		{"jpeg 65000x65000", testfixtures.JPEGBomb(65000, 65000), decoder.ErrTooLarge, 65000 * 65000},
		{"webp vp8x 40000x40000", testfixtures.WebPBombVP8X(40000, 40000), decoder.ErrTooLarge, 40000 * 40000},
		{"webp vp8x 50000x50000", testfixtures.WebPBombVP8X(50000, 50000), decoder.ErrTooLarge, 50000 * 50000},
		{"webp vp8l 16384x16384", testfixtures.WebPBombVP8L(16384, 16384), decoder.ErrTooLarge, 16384 * 16384},
		{"bmp 50000x50000", testfixtures.BMPBomb(50000, 50000), decoder.ErrTooLarge, 50000 * 50000 * 3},
	}
	dec := decoder.New(decoder.Config{})
	for _, c := range cases {
		allocated := allocatedBy(func() {
			_, err := decodeSafely(t, dec, c.name, c.data)
			wantCode(t, c.name, err, c.want)
		})
		t.Logf("%s: %d bytes in, %d bytes allocated, %d declared", c.name, len(c.data), allocated, c.declared)
		const ceiling = 1 << 20
		// Small fixed costs (a frame walk, an error value) are fine; what
		// must never happen is an allocation that grows with the declared size.
		if allocated > ceiling || allocated > max(64<<10, c.declared/100) {
			t.Errorf("%s (%d bytes): decoding it allocated %d bytes; it declares %d", c.name, len(c.data), allocated, c.declared)
		}
	}
}

// TestGIFFrameLargerThanScreen: a small logical screen with a frame that
// declares 60000x60000 must not allocate the frame.
func TestGIFFrameLargerThanScreen(t *testing.T) {
	data := testfixtures.GIFFrameBomb(16, 16, 60000, 60000)
	dec := decoder.New(decoder.Config{})
	allocated := allocatedBy(func() {
		_, err := decodeSafely(t, dec, "gif frame bomb", data)
		if err == nil {
			t.Errorf("a 60000x60000 frame on a 16x16 screen decoded without error")
		}
	})
	if allocated > 1<<20 {
		t.Errorf("decoding it allocated %d bytes", allocated)
	}
}

// allocatedBy is how many bytes f allocated (the test must not run in parallel).
func allocatedBy(f func()) int64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return int64(after.TotalAlloc - before.TotalAlloc)
}

// TestLimitsAreConfigurable: MaxPixels and MaxFrames are honoured.
func TestLimitsAreConfigurable(t *testing.T) {
	small := decoder.New(decoder.Config{MaxPixels: 100 * 100})
	_, err := small.Decode(context.Background(), readFixture(t, "qr-url.png"))
	wantCode(t, "148x148 with MaxPixels 10000", err, decoder.ErrTooLarge)

	few := decoder.New(decoder.Config{MaxFrames: 3})
	_, err = few.Decode(context.Background(), readFixture(t, "gif-code-in-frame2.gif"))
	wantCode(t, "4 frames with MaxFrames 3", err, decoder.ErrTooManyFrames)

	enough := decoder.New(decoder.Config{MaxFrames: 4})
	res, err := enough.Decode(context.Background(), readFixture(t, "gif-code-in-frame2.gif"))
	if err != nil || res.Frames != 4 {
		t.Errorf("4 frames with MaxFrames 4: %v, %+v", err, res)
	}
}

// TestEmptyInput: zero bytes (and nil) are a truncated upload.
func TestEmptyInput(t *testing.T) {
	dec := decoder.New(decoder.Config{})
	for name, data := range map[string][]byte{"nil": nil, "empty": {}} {
		_, err := decodeSafely(t, dec, name, data)
		wantCode(t, name, err, decoder.ErrTruncated)
	}
}

// TestPolyglotGIFZip: a file that is both a valid GIF and a valid ZIP
// archive decodes as the GIF, code included.
func TestPolyglotGIFZip(t *testing.T) {
	data := readFixture(t, "polyglot-gif-zip.gif")
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil || len(zr.File) != 1 {
		t.Fatalf("the fixture is not a ZIP archive too: %v", err)
	}
	res, err := decodeSafely(t, decoder.New(decoder.Config{}), "polyglot", data)
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != dimage.GIF || len(res.Codes) != 1 || res.Codes[0].Text != "https://t.me/polyglot" {
		t.Errorf("got %s with %s", res.Format, describe(res.Codes))
	}
}

// TestTimeout: the timeout error cannot be a file. An upload whose deadline
// has passed before any strategy ran is a timeout; a budget that runs out
// part-way marks the result Partial, never a silent complete "no code".
func TestTimeout(t *testing.T) {
	data := readFixture(t, "qr-url.png")
	t.Run("tiny budget", func(t *testing.T) {
		// One pixel-pass pays for nothing: the first level is refused, so
		// the scan is cut before any code, and that is the timeout error,
		// never a clean result with nothing in it.
		dec := decoder.New(decoder.Config{Budget: 1})
		res, err := decodeSafely(t, dec, "1 pixel-pass budget", data)
		if de := decoder.AsError(err); de == nil || de.Code != decoder.ErrTimeout {
			t.Errorf("error %v, want timeout", err)
		}
		if res.Cut != decoder.CutByBudget || !res.Partial || res.Work != 0 || len(res.Codes) != 0 {
			t.Errorf("cut %v, partial %v, work %v, %d codes; want cut by the work budget, partial, nothing spent, no code", res.Cut, res.Partial, res.Work, len(res.Codes))
		}
	})
	t.Run("expired context", func(t *testing.T) {
		ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
		defer cancel()
		res, err := decoder.New(decoder.Config{}).Decode(ctx, data)
		if bad := checkOutcome(data, res, err); bad != nil {
			t.Error(bad)
		}
		de := decoder.AsError(err)
		if de == nil || de.Code != decoder.ErrTimeout {
			t.Errorf("expired context: %v (partial %v, %d codes), want a timeout error", err, res.Partial, len(res.Codes))
		}
	})
	t.Run("cancelled context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		res, err := decoder.New(decoder.Config{}).Decode(ctx, data)
		if bad := checkOutcome(data, res, err); bad != nil {
			t.Error(bad)
		}
		if de := decoder.AsError(err); de == nil || de.Code != decoder.ErrTimeout {
			t.Errorf("cancelled context: %v (%d codes), want a timeout error", err, len(res.Codes))
		}
	})
}

// hostileSeeds is one small valid file per format, from the testfixtures.
var hostileSeeds = []string{"qr-url.png", "qr.jpg", "qr-still.gif", "gif-code-in-frame2.gif", "qr-lossy.webp", "qr-lossless.webp", "qr.bmp"}

// fastDecoder keeps each hostile decode short.
func fastDecoder() *decoder.Decoder {
	return decoder.New(decoder.Config{Budget: 20 * decoder.MPass, MaxPixels: 4 << 20, MaxFrames: 8})
}

// TestTruncatedAtManyOffsets cuts every format's file at every header byte
// and at spread offsets through its data: a typed error (or, for a cut the
// format tolerates, a result), never a panic, and never "unsupported" once
// the signature is whole.
func TestTruncatedAtManyOffsets(t *testing.T) {
	for _, name := range hostileSeeds {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data := readFixture(t, name)
			dec := fastDecoder()
			offsets := map[int]bool{}
			for i := 0; i < min(len(data), 48); i++ {
				offsets[i] = true
			}
			for i := 1; i < 24; i++ {
				offsets[len(data)*i/24] = true
			}
			offsets[len(data)-1] = true
			for n := range offsets {
				cut := data[:n]
				_, err := decodeSafely(t, dec, fmt.Sprintf("%s[:%d]", name, n), cut)
				if de := decoder.AsError(err); de != nil && de.Code == decoder.ErrUnsupported && dimage.Sniff(cut) != "" {
					t.Errorf("%s[:%d]: unsupported although sniffed as %s", name, n, dimage.Sniff(cut))
				}
			}
		})
	}
}

// TestBitFlips flips random bits and overwrites random bytes of every
// format's file.
func TestBitFlips(t *testing.T) {
	for i, name := range hostileSeeds {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data := readFixture(t, name)
			dec := fastDecoder()
			r := rand.New(rand.NewPCG(uint64(i), 7))
			for k := 0; k < 24; k++ {
				m := bytes.Clone(data)
				for j := 0; j <= k%4; j++ {
					p := r.IntN(len(m))
					if k%2 == 0 {
						m[p] ^= 1 << r.IntN(8)
					} else {
						m[p] = byte(r.IntN(256))
					}
				}
				decodeSafely(t, dec, fmt.Sprintf("%s mutation %d", name, k), m)
			}
		})
	}
}

// TestRandomBytes: random bytes, alone and behind each format's signature.
func TestRandomBytes(t *testing.T) {
	signatures := map[string]string{
		"none": "", "jpeg": "\xff\xd8\xff", "png": "\x89PNG\r\n\x1a\n", "gif": "GIF89a",
		"webp": "RIFF\x00\x10\x00\x00WEBP", "webp-vp8": "RIFF\x00\x10\x00\x00WEBPVP8 ", "webp-vp8l": "RIFF\x00\x10\x00\x00WEBPVP8L",
		"webp-vp8x": "RIFF\x00\x10\x00\x00WEBPVP8X", "bmp": "BM",
	}
	dec := fastDecoder()
	r := rand.New(rand.NewPCG(1, 2))
	for name, sig := range signatures {
		for k := 0; k < 40; k++ {
			b := []byte(sig)
			n := r.IntN(600)
			for i := 0; i < n; i++ {
				b = append(b, byte(r.IntN(256)))
			}
			decodeSafely(t, dec, fmt.Sprintf("%s+%d random bytes (case %d)", name, n, k), b)
		}
	}
}

// TestHeaderEdgeCases: zero, negative-looking and inconsistent dimensions.
func TestHeaderEdgeCases(t *testing.T) {
	dec := decoder.New(decoder.Config{})
	pngZero := testfixtures.PNGBomb(0, 0)
	pngNeg := testfixtures.PNGBomb(1, 1)
	binary.BigEndian.PutUint32(pngNeg[16:], 0x80000000)   // "negative" width
	vp8xSmallVP8LBig := testfixtures.WebPBombVP8X(16, 16) // VP8X 16x16 canvas whose VP8L chunk says 16x16 …
	bigVP8L := testfixtures.WebPBombVP8L(16384, 16384)    // … replaced by a 16384x16384 VP8L chunk
	vp8xSmallVP8LBig = append(vp8xSmallVP8LBig[:30], bigVP8L[12:]...)
	binary.LittleEndian.PutUint32(vp8xSmallVP8LBig[4:], uint32(len(vp8xSmallVP8LBig)-8))
	for name, data := range map[string][]byte{
		"png 0x0": pngZero, "png width 2^31": pngNeg, "gif 0x0": testfixtures.GIFBomb(0, 0),
		"bmp 0x0": testfixtures.BMPBomb(0, 0), "jpeg 0x0": testfixtures.JPEGBomb(0, 0),
		"webp vp8x 16x16 with a 16384x16384 vp8l chunk": vp8xSmallVP8LBig,
	} {
		allocated := allocatedBy(func() {
			if _, err := decodeSafely(t, dec, name, data); err == nil {
				t.Errorf("%s decoded without error", name)
			}
		})
		if allocated > 4<<20 {
			t.Errorf("%s: decoding it allocated %d bytes", name, allocated)
		}
	}
}

// TestErrorsUnwrap: errors are *decoder.Error through errors.As, and keep
// their cause.
func TestErrorsUnwrap(t *testing.T) {
	_, err := decoder.New(decoder.Config{}).Decode(context.Background(), readFixture(t, "err-corrupt.png"))
	var de *decoder.Error
	if !errors.As(err, &de) || de.Code != decoder.ErrCorrupt {
		t.Fatalf("got %v", err)
	}
	if de.Error() == "" || de.Message == "" {
		t.Errorf("empty message: %+v", de)
	}
}

// TestProgressiveScanBombs (issue 22): a progressive JPEG of thousands of
// tiny scans costs scans × blocks to decode however few its bytes. Its
// headers state the work (the SOS markers counted by the marker walk), and
// over the default limit it is refused as too_complex before a pixel is
// decoded, allocating nothing in proportion to what it declares.
func TestProgressiveScanBombs(t *testing.T) {
	dec := decoder.New(decoder.Config{})
	for _, scans := range []int{2000, 8000} {
		const side = 1024
		data := testfixtures.ProgressiveJPEG(side, side, scans)
		info, err := dimage.Inspect(data)
		if err != nil || info.Scans != scans || info.Work != int64(side*side*scans) {
			t.Errorf("%d scans: Inspect = %+v, %v; want %d scans and %d pixel-passes", scans, info, err, scans, side*side*scans)
		}
		name := fmt.Sprintf("%d-scan progressive JPEG (%d bytes)", scans, len(data))
		var res *decoder.Result
		allocated := allocatedBy(func() { res, err = decodeSafely(t, dec, name, data) })
		wantCode(t, name, err, decoder.ErrTooComplex)
		if res.Width != side || res.Height != side {
			t.Errorf("%s: result says %dx%d, want the header's %dx%d", name, res.Width, res.Height, side, side)
		}
		if allocated > 256<<10 {
			t.Errorf("%s: refusing it allocated %d bytes (the luma plane alone is %d)", name, allocated, side*side)
		}
	}
	// An ordinary progression (libjpeg's has 10 scans for colour) of the
	// same size is well within the limit, and decodes.
	ok := testfixtures.ProgressiveJPEG(1024, 1024, 10)
	if _, err := decodeSafely(t, dec, "10-scan progressive JPEG", ok); err != nil {
		t.Errorf("10-scan progressive JPEG: %v", err)
	}
	// The limit is the flag's: a lower one refuses what the default admits.
	strict := decoder.New(decoder.Config{MaxWork: 5})
	_, err := decodeSafely(t, strict, "10 scans of a megapixel with MaxWork 5", ok)
	wantCode(t, "10 scans of a megapixel with MaxWork 5", err, decoder.ErrTooComplex)
}

// TestDecodeChecksItsContext: a context that ends while the pixels are
// decoded stops the decoder inside (here the JPEG fork, per scan and MCU
// row) and the image is a timeout — not a decode that runs to its end.
func TestDecodeChecksItsContext(t *testing.T) {
	data := testfixtures.ProgressiveJPEG(512, 512, 300) // 79 megapixel-passes: admitted
	ctx := &countingContext{Context: context.Background(), endAfter: 5}
	_, _, err := dimage.Open(ctx, data, decoder.New(decoder.Config{}).Limits())
	var ie *dimage.Error
	if !errors.As(err, &ie) || ie.Kind != dimage.Interrupted {
		t.Fatalf("context ended during the decode: %v, want an Interrupted error", err)
	}
	if ctx.calls != ctx.endAfter+1 {
		t.Errorf("the decoder checked its context %d times; it ended at check %d and must stop there", ctx.calls, ctx.endAfter+1)
	}
	// Undisturbed, it checks before each scan and each of its 64 MCU rows.
	all := &countingContext{Context: context.Background(), endAfter: 1 << 30}
	if _, _, err := dimage.Open(all, data, decoder.New(decoder.Config{}).Limits()); err != nil {
		t.Fatal(err)
	}
	if want := 300 * (1 + 64); all.calls < want {
		t.Errorf("a decode of 300 scans of 64 MCU rows checked its context %d times, want at least %d", all.calls, want)
	}
	res, err := decoder.New(decoder.Config{}).Decode(&countingContext{Context: context.Background(), endAfter: 5}, data)
	wantCode(t, "context ended during the decode", err, decoder.ErrTimeout)
	if res.Width != 512 {
		t.Errorf("result %+v, want the header's dimensions", res)
	}
}

// countingContext is a context whose Err reports it ended from its
// endAfter+1-th call on: an event the decoder's checks reach, not a clock.
type countingContext struct {
	context.Context
	endAfter, calls int
}

func (c *countingContext) Err() error {
	c.calls++
	if c.calls > c.endAfter {
		return context.DeadlineExceeded
	}
	return nil
}
