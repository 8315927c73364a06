package decoder

import (
	"math/rand/v2"
	"testing"
)

// TestDarkBytes checks the parallel byte comparison against the plain one
// for every pair of byte values, in every lane, with random neighbours (a
// borrow or carry leaking between lanes would show there).
func TestDarkBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for v := 0; v < 256; v++ {
		for th := 0; th < 256; th++ {
			lane := uint(rng.IntN(8))
			vs, ts := rng.Uint64(), rng.Uint64()
			vs = vs&^(0xff<<(8*lane)) | uint64(v)<<(8*lane)
			ts = ts&^(0xff<<(8*lane)) | uint64(th)<<(8*lane)
			got := darkBytes(vs, ts)
			for i := uint(0); i < 8; i++ {
				want := uint8(vs>>(8*i)) < uint8(ts>>(8*i))
				if (got>>i&1 == 1) != want {
					t.Fatalf("darkBytes(%#x, %#x) bit %d = %v, want %v", vs, ts, i, !want, want)
				}
			}
			if got>>8 != 0 {
				t.Fatalf("darkBytes(%#x, %#x) = %#x: bits above 7", vs, ts, got)
			}
		}
	}
}

// TestRowBits checks the packed rows against the pixel-by-pixel threshold,
// for widths that do and do not fill the last block and the last word.
func TestRowBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, w := range []int{1, 7, 8, 63, 64, 65, 100, 128, 203} {
		p := newPlane(w, 40)
		for i := range p.pix {
			p.pix[i] = uint8(rng.IntN(256))
			if rng.IntN(4) == 0 { // some flat blocks
				p.pix[i] = 128
			}
		}
		th := newThresholds(p, statsOf(p))
		dst := make([]uint64, (w+63)/64)
		for y := 0; y < p.h; y++ {
			th.rowBits(y, dst)
			for x := 0; x < w; x++ {
				if got := dst[x/64] >> uint(x%64) & 1; byte(got) != th.dark(x, y) {
					t.Fatalf("w=%d (%d,%d): bit %d, dark %d", w, x, y, got, th.dark(x, y))
				}
			}
			if r := w % 64; r != 0 && dst[len(dst)-1]>>uint(r) != 0 {
				t.Fatalf("w=%d row %d: bits set past the width", w, y)
			}
		}
	}
}
