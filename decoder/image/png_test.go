package image

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image/png"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/qrgate/qrgate/decoder/internal/bitmap"
	"github.com/qrgate/qrgate/internal/testfixtures"
)

func never() error { return nil }

// defaultLimits are the decoder's defaults (decoder.Config).
var defaultLimits = Limits{MaxPixels: 40_000_000, MaxFrames: 50, MaxWork: 500_000_000}

// pngSpec is a PNG to write: every colour type and depth, interlaced or
// not, rows filtered with each of the five filters in turn, optional tRNS.
type pngSpec struct {
	w, h, depth int
	colorType   byte
	interlaced  bool
	trns        bool
}

// encode writes the spec's PNG, its samples drawn from seed.
func (s pngSpec) encode(seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 7))
	ch := map[byte]int{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[s.colorType]
	maxV := 1<<s.depth - 1
	if s.colorType == 3 {
		maxV = min(maxV, 9) // a palette of up to 10 colours
	}
	var raw []byte
	pass := func(pw, ph int) {
		bpp := max(1, ch*s.depth/8)
		prev := make([]byte, (pw*ch*s.depth+7)/8)
		for y := 0; y < ph; y++ {
			row := make([]byte, len(prev))
			for x := 0; x < pw; x++ {
				for c := 0; c < ch; c++ {
					v := rng.IntN(maxV + 1)
					if rng.IntN(4) == 0 { // runs of the key colour, for tRNS
						v = 1
					}
					bit := (x*ch + c) * s.depth
					switch s.depth {
					case 16:
						binary.BigEndian.PutUint16(row[bit/8:], uint16(v))
					case 8:
						row[bit/8] = byte(v)
					default:
						row[bit/8] |= byte(v) << (8 - s.depth - bit%8)
					}
				}
			}
			ft := byte(y % 5)
			raw = append(raw, ft)
			raw = append(raw, filterRow(ft, row, prev, bpp)...)
			prev = row
		}
	}
	if s.interlaced {
		for p := range adam7 {
			if pw, ph := passSize(p, s.w, s.h); pw > 0 && ph > 0 {
				pass(pw, ph)
			}
		}
	} else {
		pass(s.w, s.h)
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(raw)
	zw.Close()
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(s.w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(s.h))
	il := byte(0)
	if s.interlaced {
		il = 1
	}
	ihdr = append(ihdr, byte(s.depth), s.colorType, 0, 0, il)
	b := []byte("\x89PNG\r\n\x1a\n")
	b = append(b, pngChunk("IHDR", ihdr)...)
	if s.colorType == 3 {
		var pal []byte
		for i := 0; i < min(10, 1<<s.depth); i++ {
			pal = append(pal, byte(i*25), byte(255-i*20), byte(i*i))
		}
		b = append(b, pngChunk("PLTE", pal)...)
	}
	if s.trns {
		switch s.colorType {
		case 0:
			b = append(b, pngChunk("tRNS", []byte{0, 1})...)
		case 2:
			b = append(b, pngChunk("tRNS", []byte{0, 1, 0, 1, 0, 1})...)
		case 3:
			b = append(b, pngChunk("tRNS", []byte{255, 0, 128, 40})...)
		}
	}
	b = append(b, pngChunk("IDAT", z.Bytes())...)
	return append(b, pngChunk("IEND", nil)...)
}

func filterRow(ft byte, row, prev []byte, bpp int) []byte {
	out := make([]byte, len(row))
	for i := range row {
		var a, c byte
		if i >= bpp {
			a, c = row[i-bpp], prev[i-bpp]
		}
		b := prev[i]
		switch ft {
		case 0:
			out[i] = row[i]
		case 1:
			out[i] = row[i] - a
		case 2:
			out[i] = row[i] - b
		case 3:
			out[i] = row[i] - byte((int(a)+int(b))/2)
		case 4:
			out[i] = row[i] - paeth(a, b, c)
		}
	}
	return out
}

func pngChunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// referenceLuma is what the decoder read before: image/png, then Luma.
func referenceLuma(data []byte) (bitmap.Plane, error) {
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return bitmap.Plane{}, err
	}
	return Luma(img), nil
}

// lumaDiff is the largest difference between two planes of the same size.
func lumaDiff(a, b bitmap.Plane) int {
	worst := 0
	for y := 0; y < a.H; y++ {
		for x := 0; x < a.W; x++ {
			worst = max(worst, abs(int(a.Pix[y*a.Stride+x])-int(b.Pix[y*b.Stride+x])))
		}
	}
	return worst
}

// TestPNGLumaMatchesImagePNG: every colour type and bit depth the format
// has, interlaced or not, tRNS or not, every filter, read row by row to
// 8-bit luminance, is what image/png and Luma give (within 1 level:
// image/png returns 16-bit and paletted images, whose luminance Luma
// computes from 16-bit premultiplied values).
func TestPNGLumaMatchesImagePNG(t *testing.T) {
	depths := map[byte][]int{0: {1, 2, 4, 8, 16}, 2: {8, 16}, 3: {1, 2, 4, 8}, 4: {8, 16}, 6: {8, 16}}
	for ct, ds := range depths {
		for _, d := range ds {
			for _, il := range []bool{false, true} {
				for _, trns := range []bool{false, true} {
					s := pngSpec{w: 37, h: 23, depth: d, colorType: ct, interlaced: il, trns: trns}
					name := fmt.Sprintf("type %d, %d bits, interlaced %v, tRNS %v", ct, d, il, trns)
					data := s.encode(uint64(ct)<<8 | uint64(d))
					want, err := referenceLuma(data)
					if err != nil {
						t.Fatalf("%s: image/png: %v", name, err)
					}
					got, err := decodePNG(data, never)
					if err != nil {
						t.Errorf("%s: %v", name, err)
						continue
					}
					if diff := lumaDiff(got, want); diff > 1 {
						t.Errorf("%s: luminance differs from image/png's by up to %d levels", name, diff)
					}
				}
			}
		}
	}
}

// TestPNG16BitBombIsReadAsLuminance (issue 22): a 16-bit RGBA PNG near the
// pixel limit, interlaced or not, is decoded into its 8-bit plane and two
// row buffers — never an NRGBA64 (8 bytes a pixel) or a copy per pass —
// and Inspect's estimate covers what it allocates.
func TestPNG16BitBombIsReadAsLuminance(t *testing.T) {
	side := 6300
	if testing.Short() {
		side = 2000
	}
	for _, il := range []bool{false, true} {
		data := testfixtures.PNGZeros(side, side, 16, 6, il)
		info, err := Inspect(data)
		if err != nil {
			t.Fatal(err)
		}
		if want := (pngInfo{width: side, height: side, depth: 16, colorType: 6, interlaced: il}).rawBytes(); info.Work != want {
			t.Errorf("interlaced %v: work %d, want the inflated bytes %d", il, info.Work, want)
		}
		px := int64(side) * int64(side)
		var planes []bitmap.Plane
		allocated := allocatedBy(func() { _, planes, err = Open(context.Background(), data, defaultLimits) })
		if err != nil {
			t.Fatalf("interlaced %v: %v", il, err)
		}
		plane := planes[0]
		if plane.W != side || plane.H != side || plane.Pix[0] != 255 {
			t.Errorf("interlaced %v: plane %dx%d, first pixel %d (transparent on white: 255)", il, plane.W, plane.H, plane.Pix[0])
		}
		// The plane, two rows of 8 bytes a pixel and the inflater.
		bound := px + 2*(1+8*int64(side)) + 1<<20
		if allocated > bound {
			t.Errorf("interlaced %v: decoding allocated %d bytes, want at most %d (a 16-bit RGBA image would be %d)", il, allocated, bound, 8*px)
		}
		if info.Bytes < allocated {
			t.Errorf("interlaced %v: Inspect estimates %d bytes; the decode alone allocated %d", il, info.Bytes, allocated)
		}
	}
}

// TestPNGDecodeChecksItsContext: a PNG decode stops at the row where its
// interrupt says so.
func TestPNGDecodeChecksItsContext(t *testing.T) {
	data := testfixtures.PNGZeros(64, 100, 8, 0, true)
	calls := 0
	stop := fmt.Errorf("stop")
	_, err := decodePNG(data, func() error {
		calls++
		if calls == 30 {
			return stop
		}
		return nil
	})
	if err != stop || calls != 30 {
		t.Errorf("decode went on after its interrupt: %v after %d calls", err, calls)
	}
	calls = 0
	if _, err := decodePNG(data, func() error { calls++; return nil }); err != nil || calls < 100 {
		t.Errorf("an interlaced 100-row PNG checked its interrupt %d times (%v), want one per row of every pass", calls, err)
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
