package image

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"

	"golang.org/x/image/bmp"

	"github.com/qrgate/qrgate/decoder/internal/bitmap"
)

// bmpSpec is a BMP file to generate: every layout x/image/bmp reads, and
// some it refuses.
type bmpSpec struct {
	w, h        int
	bpp         int
	topDown     bool
	infoLen     int  // 40, 108 or 124
	colors      int  // palette entries written (0: 1<<bpp, stored as 0)
	bitfields   bool // BI_BITFIELDS with the default masks
	compression int  // written as is when not 0 or bitfields
}

func (s bmpSpec) encode(seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	colors := s.colors
	stored := colors
	if s.bpp <= 8 && colors == 0 {
		colors = 1 << s.bpp
	}
	if s.bpp > 8 {
		colors, stored = 0, 0
	}
	rowBytes := (s.w*s.bpp + 31) / 32 * 4
	off := 14 + s.infoLen + colors*4
	var b bytes.Buffer
	le := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("BM")
	le(uint32(off + rowBytes*s.h))
	le(uint32(0))
	le(uint32(off))
	info := make([]byte, s.infoLen)
	binary.LittleEndian.PutUint32(info[0:], uint32(s.infoLen))
	binary.LittleEndian.PutUint32(info[4:], uint32(int32(s.w)))
	height := int32(s.h)
	if s.topDown {
		height = -height
	}
	binary.LittleEndian.PutUint32(info[8:], uint32(height))
	binary.LittleEndian.PutUint16(info[12:], 1)
	binary.LittleEndian.PutUint16(info[14:], uint16(s.bpp))
	binary.LittleEndian.PutUint32(info[16:], uint32(s.compression))
	if s.bitfields {
		binary.LittleEndian.PutUint32(info[16:], 3)
		for i, m := range []uint32{0xff0000, 0xff00, 0xff, 0xff000000} {
			if s.infoLen > 40 {
				binary.LittleEndian.PutUint32(info[40+4*i:], m)
			}
		}
	}
	binary.LittleEndian.PutUint32(info[32:], uint32(stored))
	b.Write(info)
	for range colors {
		b.Write([]byte{byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256)), 0})
	}
	row := make([]byte, rowBytes)
	for range s.h {
		for i := range row {
			row[i] = byte(rng.IntN(256))
			if s.bpp <= 8 && colors < 1<<s.bpp {
				// Keep indices within the palette (the last pixel's bits
				// included), so most files decode.
				row[i] = 0
			}
		}
		b.Write(row)
	}
	return b.Bytes()
}

// wantBMP is what Luma gives for x/image/bmp's decode of data.
func wantBMP(data []byte) (bitmap.Plane, error) {
	m, err := bmp.Decode(bytes.NewReader(data))
	if err != nil {
		return bitmap.Plane{}, err
	}
	return Luma(m), nil
}

func samePlane(got, want bitmap.Plane) string {
	if got.W != want.W || got.H != want.H {
		return fmt.Sprintf("%dx%d, want %dx%d", got.W, got.H, want.W, want.H)
	}
	for y := range got.H {
		for x := range got.W {
			if g, w := got.Pix[y*got.Stride+x], want.Pix[y*want.Stride+x]; g != w {
				return fmt.Sprintf("pixel (%d,%d) = %d, want %d", x, y, g, w)
			}
		}
	}
	return ""
}

// compareBMP decodes data both ways: both must fail, or both succeed with
// the same luminance.
func compareBMP(t *testing.T, name string, data []byte) {
	t.Helper()
	want, werr := wantBMP(data)
	got, gerr := decodeBMP(data, nil)
	switch {
	case (werr == nil) != (gerr == nil):
		t.Fatalf("%s: decodeBMP error %v, x/image/bmp error %v", name, gerr, werr)
	case werr == nil:
		if d := samePlane(got, want); d != "" {
			t.Fatalf("%s: %s", name, d)
		}
	}
}

func bmpSpecs() []bmpSpec {
	var specs []bmpSpec
	for _, bpp := range []int{1, 2, 4, 8, 24, 32} {
		for _, infoLen := range []int{40, 108, 124} {
			for _, top := range []bool{false, true} {
				for _, size := range [][2]int{{1, 1}, {7, 5}, {33, 9}} {
					specs = append(specs, bmpSpec{w: size[0], h: size[1], bpp: bpp, infoLen: infoLen, topDown: top})
				}
			}
		}
	}
	return append(specs,
		bmpSpec{w: 9, h: 4, bpp: 8, infoLen: 40, colors: 3},         // a short palette
		bmpSpec{w: 9, h: 4, bpp: 4, infoLen: 40, colors: 17},        // more colours than 4 bits: refused
		bmpSpec{w: 9, h: 4, bpp: 32, infoLen: 108, bitfields: true}, // default masks: uncompressed
		bmpSpec{w: 9, h: 4, bpp: 32, infoLen: 40, bitfields: true},  // bitfields without masks: refused
		bmpSpec{w: 9, h: 4, bpp: 24, infoLen: 40, compression: 1},   // RLE8: refused
		bmpSpec{w: 9, h: 4, bpp: 16, infoLen: 40},                   // 16-bit: refused
		bmpSpec{w: 0, h: 0, bpp: 24, infoLen: 40},
	)
}

// TestBMPLumaMatches: for every layout, the row reader gives what Luma
// gives for x/image/bmp's image, and refuses what it refuses; likewise for
// the committed BMP and for every truncation of a few files.
func TestBMPLumaMatches(t *testing.T) {
	decoded := 0
	for i, s := range bmpSpecs() {
		data := s.encode(uint64(i))
		compareBMP(t, fmt.Sprintf("%+v", s), data)
		if _, err := decodeBMP(data, nil); err == nil {
			decoded++
		}
		if i%9 == 0 {
			for n := range len(data) {
				compareBMP(t, fmt.Sprintf("%+v cut at %d", s, n), data[:n])
			}
		}
	}
	// 6 depths × 3 headers × 2 orders × 3 sizes, a short palette, the
	// default bitfields and the empty image decode; 4 layouts are refused.
	if want := len(bmpSpecs()) - 4; decoded != want {
		t.Errorf("%d generated files decoded, want %d", decoded, want)
	}
	data, err := os.ReadFile("../../testdata/images/qr.bmp")
	if err != nil {
		t.Fatal(err)
	}
	compareBMP(t, "qr.bmp", data)
	if _, err := decodeBMP(data, nil); err != nil {
		t.Fatalf("qr.bmp: %v", err)
	}
}

// TestBMPDecodeChecks: the BMP reader calls the interrupt before each row
// and stops at the call that fails, with that error; through Open, a
// context that has ended is an Interrupted error.
func TestBMPDecodeChecks(t *testing.T) {
	data := bmpSpec{w: 40, h: 30, bpp: 24, infoLen: 40}.encode(1)
	calls := 0
	if _, err := decodeBMP(data, func() error { calls++; return nil }); err != nil {
		t.Fatal(err)
	}
	if calls != 30 {
		t.Fatalf("%d interrupt calls for 30 rows, want one a row", calls)
	}
	stop := errors.New("stop")
	for _, at := range []int{1, 17, 30} {
		n := 0
		_, err := decodeBMP(data, func() error {
			if n++; n == at {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || n != at {
			t.Errorf("interrupt failing at call %d: err %v after %d calls", at, err, n)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := Open(ctx, data, Limits{})
	var ie *Error
	if !errors.As(err, &ie) || ie.Kind != Interrupted {
		t.Fatalf("Open with an ended context: %v, want an Interrupted error", err)
	}
}

// TestBMPDecodeHoldsOnlyThePlane: a 24-bit BMP decodes into its luminance
// plane alone, never a 4-byte-a-pixel RGBA image (x/image/bmp's), and
// Inspect's estimate covers what the decode allocates.
func TestBMPDecodeHoldsOnlyThePlane(t *testing.T) {
	const w, h = 1000, 800
	data := bmpSpec{w: w, h: h, bpp: 24, infoLen: 40}.encode(2)
	info, err := Inspect(data)
	if err != nil {
		t.Fatal(err)
	}
	allocs := allocatedBy(func() {
		if _, err := decodeBMP(data, nil); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > w*h+64<<10 {
		t.Errorf("decoding a %dx%d BMP allocated %d bytes; the plane is %d (RGBA would be %d)", w, h, allocs, w*h, 4*w*h)
	}
	if allocs > info.Bytes {
		t.Errorf("the decode allocated %d bytes, over Inspect's estimate of %d", allocs, info.Bytes)
	}
}

// FuzzBMPLuma: the BMP row reader never panics, and decodes exactly what
// x/image/bmp decodes (to the luminance Luma gives), refusing what it
// refuses.
//
//	go test -run '^$' -fuzz FuzzBMPLuma -fuzztime 60s ./decoder/image/
func FuzzBMPLuma(f *testing.F) {
	for i, s := range bmpSpecs() {
		if i%5 == 0 {
			f.Add(s.encode(uint64(i)))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if c, err := bmp.DecodeConfig(bytes.NewReader(data)); err == nil && c.Width*c.Height > 1<<20 {
			return // x/image/bmp would allocate the declared size
		}
		compareBMP(t, "input", data)
	})
}
