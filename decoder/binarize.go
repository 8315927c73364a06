package decoder

import "encoding/binary"

// Local-mean thresholds for the candidate search: a pixel is dark when it is
// below the mean of the 5×5 blocks around its block. Flat neighbourhoods
// (range under minContrast) are all light, so smooth photo areas produce no
// runs for the finder scan to chase.
//
// Nothing is binarized up front: block statistics come from every other
// row, and pixels are compared with their block's threshold only where a
// scan looks (the scanned rows, the cross-checks, the scanlines).

const (
	binBlock    = 8 // pixels per block side (a power of two: see dark)
	binShift    = 3
	minContrast = 24
)

// thresholds is a plane with one threshold per block.
type thresholds struct {
	p      plane
	bw, bh int
	thr    []int16 // -1: flat neighbourhood, every pixel light
}

// blockStats are the mean, minimum and maximum of each block of a plane.
type blockStats struct {
	bw, bh int
	mean   []int32
	lo, hi []uint8
}

// statsOf measures every block of p (every other row: plenty for a threshold).
func statsOf(p plane) blockStats {
	bw, bh := (p.w+binBlock-1)/binBlock, (p.h+binBlock-1)/binBlock
	n := bw * bh
	st := blockStats{bw: bw, bh: bh, mean: make([]int32, n), lo: make([]uint8, n), hi: make([]uint8, n)}
	mean, lo, hi := st.mean, st.lo, st.hi
	full := p.w / binBlock // blocks with all binBlock columns inside the plane
	for by := 0; by < bh; by++ {
		y0, y1 := by*binBlock, min(by*binBlock+binBlock, p.h)
		for i := by * bw; i < by*bw+bw; i++ {
			lo[i] = 255
		}
		rows := int32(0)
		for y := y0; y < y1; y += 2 {
			row := p.pix[y*p.stride : y*p.stride+p.w]
			rows++
			for bx := 0; bx < full; bx++ {
				b := (*[binBlock]byte)(row[bx*binBlock:])
				s := int32(b[0]) + int32(b[1]) + int32(b[2]) + int32(b[3]) + int32(b[4]) + int32(b[5]) + int32(b[6]) + int32(b[7])
				mn := min(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7])
				mx := max(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7])
				i := by*bw + bx
				mean[i] += s
				lo[i] = min(lo[i], mn)
				hi[i] = max(hi[i], mx)
			}
			if full < bw { // the ragged last column of blocks
				i := by*bw + full
				for _, v := range row[full*binBlock:] {
					mean[i] += int32(v)
					lo[i] = min(lo[i], v)
					hi[i] = max(hi[i], v)
				}
			}
		}
		for bx := 0; bx < bw; bx++ {
			cols := int32(min(bx*binBlock+binBlock, p.w) - bx*binBlock)
			mean[by*bw+bx] /= rows * cols
		}
	}
	return st
}

// half merges 2×2 blocks: the statistics of the plane downscaled by 2,
// without reading its pixels again.
func (st blockStats) half(w, h int) blockStats {
	bw, bh := (w+binBlock-1)/binBlock, (h+binBlock-1)/binBlock
	n := bw * bh
	out := blockStats{bw: bw, bh: bh, mean: make([]int32, n), lo: make([]uint8, n), hi: make([]uint8, n)}
	for by := 0; by < bh; by++ {
		for bx := 0; bx < bw; bx++ {
			s, c, mn, mx := int32(0), int32(0), uint8(255), uint8(0)
			for yy := 2 * by; yy < min(2*by+2, st.bh); yy++ {
				for xx := 2 * bx; xx < min(2*bx+2, st.bw); xx++ {
					i := yy*st.bw + xx
					s += st.mean[i]
					c++
					mn = min(mn, st.lo[i])
					mx = max(mx, st.hi[i])
				}
			}
			i := by*bw + bx
			if c > 0 {
				out.mean[i] = s / c
			}
			out.lo[i], out.hi[i] = mn, mx
		}
	}
	return out
}

// newThresholds computes the block thresholds of p from its block stats:
// the mean of the 5×5 blocks around each block, or -1 where that
// neighbourhood is flat.
func newThresholds(p plane, st blockStats) *thresholds {
	bw, bh := st.bw, st.bh
	n := bw * bh
	mean, lo, hi := st.mean, st.lo, st.hi
	t := &thresholds{p: p, bw: bw, bh: bh, thr: make([]int16, n)}
	// 5×5 block neighbourhood, separably: rows of 5 first, then columns.
	hs := make([]int32, n)
	hmn := make([]uint8, n)
	hmx := make([]uint8, n)
	for by := 0; by < bh; by++ {
		for bx := 0; bx < bw; bx++ {
			s, mn, mx := int32(0), uint8(255), uint8(0)
			for xx := max(0, bx-2); xx <= min(bw-1, bx+2); xx++ {
				i := by*bw + xx
				s += mean[i]
				mn = min(mn, lo[i])
				mx = max(mx, hi[i])
			}
			i := by*bw + bx
			hs[i], hmn[i], hmx[i] = s, mn, mx
		}
	}
	// Columns of 5, row by row so that every inner loop runs along memory.
	sum := make([]int32, bw)
	vmn := make([]uint8, bw)
	vmx := make([]uint8, bw)
	for by := 0; by < bh; by++ {
		y0, y1 := max(0, by-2), min(bh-1, by+2)
		copy(sum, hs[y0*bw:y0*bw+bw])
		copy(vmn, hmn[y0*bw:y0*bw+bw])
		copy(vmx, hmx[y0*bw:y0*bw+bw])
		for yy := y0 + 1; yy <= y1; yy++ {
			rs, rmn, rmx := hs[yy*bw:yy*bw+bw], hmn[yy*bw:yy*bw+bw], hmx[yy*bw:yy*bw+bw]
			for bx := range sum {
				sum[bx] += rs[bx]
				vmn[bx] = min(vmn[bx], rmn[bx])
				vmx[bx] = max(vmx[bx], rmx[bx])
			}
		}
		rows := int32(y1 - y0 + 1)
		out := t.thr[by*bw : by*bw+bw]
		for bx := range out {
			cnt := rows * int32(min(bw-1, bx+2)-max(0, bx-2)+1)
			th := int16(sum[bx] / cnt)
			if int(vmx[bx])-int(vmn[bx]) < minContrast {
				th = -1
			}
			out[bx] = th
		}
	}
	return t
}

// dark reports whether the pixel at (x, y) is below its block's threshold.
func (t *thresholds) dark(x, y int) byte {
	return b2u(int16(t.p.pix[y*t.p.stride+x]) < t.thr[(y>>binShift)*t.bw+x>>binShift])
}

// rowBits writes row y into dst, one bit per pixel (bit x%64 of word x/64,
// 1 = dark); dst has (w+63)/64 words. Eight pixels at a time: a block's
// pixels are compared with its threshold as the bytes of one word.
func (t *thresholds) rowBits(y int, dst []uint64) {
	src := t.p.pix[y*t.p.stride : y*t.p.stride+t.p.w]
	trow := t.thr[(y>>binShift)*t.bw : (y>>binShift)*t.bw+t.bw]
	clear(dst)
	full := t.p.w / binBlock
	for bx, th := range trow[:full] {
		if th <= 0 {
			continue
		}
		m := darkBytes(binary.LittleEndian.Uint64(src[bx*binBlock:]), uint64(th)*0x0101010101010101)
		dst[bx/8] |= m << (uint(bx%8) * 8)
	}
	if full < t.bw { // the ragged last block
		th := trow[full]
		for x := full * binBlock; x < t.p.w; x++ {
			if int16(src[x]) < th {
				dst[x/64] |= 1 << uint(x%64)
			}
		}
	}
}

// darkBytes compares the 8 bytes of v with those of th (unsigned, in
// parallel: SWAR) and returns bit i set where byte i of v is below byte i of
// th.
func darkBytes(v, th uint64) uint64 {
	const hi = 0x8080808080808080
	// Per byte, the top bit of d is set where v's low 7 bits >= th's; no
	// borrow crosses bytes because each minuend byte has its top bit set.
	d := (v | hi) - (th &^ hi)
	lt := (^v&th | ^(v^th)&^d) & hi
	// Gather the 8 top bits into one byte (no carries: see the tests).
	return (lt >> 7) * 0x0102040810204080 >> 56
}

func b2u(b bool) byte {
	if b {
		return 1
	}
	return 0
}
