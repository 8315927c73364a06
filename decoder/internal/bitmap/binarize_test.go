package bitmap

import (
	"math/rand/v2"
	"testing"
)

// TestDarkBytes checks the parallel byte comparison (and minimum and
// maximum) against the plain ones
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
			mn, mx := minBytes(vs, ts), maxBytes(vs, ts)
			for i := uint(0); i < 8; i++ {
				a, b := uint8(vs>>(8*i)), uint8(ts>>(8*i))
				if uint8(mn>>(8*i)) != min(a, b) || uint8(mx>>(8*i)) != max(a, b) {
					t.Fatalf("min/maxBytes(%#x, %#x) = %#x, %#x", vs, ts, mn, mx)
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
		p := noisePlane(rng, w, 40)
		for i := range p.Pix {
			if rng.IntN(4) == 0 { // some flat blocks
				p.Pix[i] = 128
			}
		}
		th := NewThresholds(p, StatsOf(p))
		dst := make([]uint64, (w+63)/64)
		for y := 0; y < p.H; y++ {
			th.RowBits(y, dst)
			for x := 0; x < w; x++ {
				if got := dst[x/64] >> uint(x%64) & 1; byte(got) != th.Dark(x, y) {
					t.Fatalf("w=%d (%d,%d): bit %d, dark %d", w, x, y, got, th.Dark(x, y))
				}
			}
			if r := w % 64; r != 0 && dst[len(dst)-1]>>uint(r) != 0 {
				t.Fatalf("w=%d row %d: bits set past the width", w, y)
			}
		}
	}
}

// TestStatsOf checks the block statistics against a plain computation over
// the same rows, for widths that do and do not fill the last block.
func TestStatsOf(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, sz := range [][2]int{{1, 1}, {8, 8}, {13, 9}, {64, 31}, {203, 77}} {
		w, h := sz[0], sz[1]
		p := noisePlane(rng, w, h)
		st := StatsOf(p)
		for by := 0; by < st.bh; by++ {
			for bx := 0; bx < st.bw; bx++ {
				sum, cnt, lo, hi := 0, 0, 255, 0
				for y := by * binBlock; y < min(h, by*binBlock+binBlock); y += 2 {
					for x := bx * binBlock; x < min(w, bx*binBlock+binBlock); x++ {
						v := int(p.Pix[y*p.Stride+x])
						sum, cnt, lo, hi = sum+v, cnt+1, min(lo, v), max(hi, v)
					}
				}
				i := by*st.bw + bx
				if int(st.mean[i]) != sum/cnt || int(st.lo[i]) != lo || int(st.hi[i]) != hi {
					t.Fatalf("%dx%d block (%d,%d): mean/lo/hi %d/%d/%d, want %d/%d/%d",
						w, h, bx, by, st.mean[i], st.lo[i], st.hi[i], sum/cnt, lo, hi)
				}
			}
		}
	}
}

// TestThresholds checks the block thresholds against a plain 5×5
// neighbourhood computation, for sizes around the 8-block word.
func TestThresholds(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, sz := range [][2]int{{1, 1}, {8, 8}, {24, 40}, {64, 64}, {72, 9}, {136, 130}, {203, 77}} {
		w, h := sz[0], sz[1]
		p := NewPlane(w, h)
		for i := range p.Pix {
			p.Pix[i] = uint8(128 + rng.IntN(2*minContrast) - minContrast) // flat and not
			if rng.IntN(50) == 0 {
				p.Pix[i] = uint8(rng.IntN(256))
			}
		}
		st := StatsOf(p)
		th := NewThresholds(p, st)
		for by := 0; by < st.bh; by++ {
			for bx := 0; bx < st.bw; bx++ {
				sum, cnt, lo, hi := 0, 0, 255, 0
				for y := max(0, by-2); y <= min(st.bh-1, by+2); y++ {
					for x := max(0, bx-2); x <= min(st.bw-1, bx+2); x++ {
						i := y*st.bw + x
						sum, cnt = sum+int(st.mean[i]), cnt+1
						lo, hi = min(lo, int(st.lo[i])), max(hi, int(st.hi[i]))
					}
				}
				want := sum / cnt
				if hi-lo < minContrast {
					want = -1
				}
				if got := th.thr[by*st.bw+bx]; int(got) != want {
					t.Fatalf("%dx%d block (%d,%d): threshold %d, want %d", w, h, bx, by, got, want)
				}
			}
		}
	}
}

// TestHalf checks the 2× downscale against the plain 2×2 rounded mean, for
// widths around the four-pixel word.
func TestHalf(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, w := range []int{2, 3, 7, 8, 9, 16, 17, 30, 101} {
		p := noisePlane(rng, w, 9)
		h := p.Half()
		for y := 0; y < h.H; y++ {
			for x := 0; x < h.W; x++ {
				at := func(x, y int) int { return int(p.Pix[y*p.Stride+x]) }
				want := (at(2*x, 2*y) + at(2*x+1, 2*y) + at(2*x, 2*y+1) + at(2*x+1, 2*y+1) + 2) >> 2
				if got := int(h.Pix[y*h.Stride+x]); got != want {
					t.Fatalf("w=%d (%d,%d): %d, want %d", w, x, y, got, want)
				}
			}
		}
	}
}

// noisePlane is a w×h plane of uniform random pixels.
func noisePlane(rng *rand.Rand, w, h int) Plane {
	p := NewPlane(w, h)
	for i := range p.Pix {
		p.Pix[i] = uint8(rng.IntN(256))
	}
	return p
}
