package bitmap

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

// Thresholds is a plane with one threshold per block.
type Thresholds struct {
	P      Plane
	bw, bh int
	thr    []int16 // -1: flat neighbourhood, every pixel light
}

// BlockStats are the mean, minimum and maximum of each block of a plane.
type BlockStats struct {
	bw, bh int
	mean   []int32
	lo, hi []uint8
}

// StatsOf measures every block of p (every other row: plenty for a
// threshold). It runs on every pixel row pair of every image, so it works on
// the eight pixels of a block row as the bytes of one word: lane-wise
// minimum, maximum and sums, reduced once per block.
func StatsOf(p Plane) BlockStats {
	bw, bh := (p.W+binBlock-1)/binBlock, (p.H+binBlock-1)/binBlock
	n := bw * bh
	st := BlockStats{bw: bw, bh: bh, mean: make([]int32, n), lo: make([]uint8, n), hi: make([]uint8, n)}
	full := p.W / binBlock // blocks with all binBlock columns inside the plane
	mn, mx, sum := make([]uint64, full), make([]uint64, full), make([]uint64, full)
	for by := 0; by < bh; by++ {
		y0, y1 := by*binBlock, min(by*binBlock+binBlock, p.H)
		for bx := range mn {
			mn[bx], mx[bx], sum[bx] = ^uint64(0), 0, 0
		}
		i0 := by * bw
		mean, lo, hi := st.mean[i0:i0+bw], st.lo[i0:i0+bw], st.hi[i0:i0+bw]
		if full < bw {
			lo[full] = 255
		}
		rows := int32(0)
		for y := y0; y < y1; y += 2 {
			row := p.Pix[y*p.Stride : y*p.Stride+p.W]
			rows++
			for bx := range mn {
				v := binary.LittleEndian.Uint64(row[bx*binBlock:])
				mn[bx] = minBytes(mn[bx], v)
				mx[bx] = maxBytes(mx[bx], v)
				sum[bx] += v&0x00ff00ff00ff00ff + v>>8&0x00ff00ff00ff00ff // 4 lanes of 16 bits
			}
			if full < bw { // the ragged last column of blocks
				for _, v := range row[full*binBlock:] {
					mean[full] += int32(v)
					lo[full] = min(lo[full], v)
					hi[full] = max(hi[full], v)
				}
			}
		}
		for bx := range mn {
			m := minBytes(mn[bx], mn[bx]>>32)
			m = minBytes(m, m>>16)
			lo[bx] = uint8(minBytes(m, m>>8))
			m = maxBytes(mx[bx], mx[bx]>>32)
			m = maxBytes(m, m>>16)
			hi[bx] = uint8(maxBytes(m, m>>8))
			mean[bx] = int32(sum[bx] * 0x0001000100010001 >> 48)
		}
		for bx := range mean {
			cols := int32(min(bx*binBlock+binBlock, p.W) - bx*binBlock)
			mean[bx] /= rows * cols
		}
	}
	return st
}

const byteHighBits = 0x8080808080808080

// lessBytes returns 0x80 in each byte lane where a's byte is below b's
// (unsigned), 0 elsewhere. Per lane, the top bit of d is set where a's low 7
// bits are >= b's; no borrow crosses lanes because each minuend lane has its
// top bit set.
func lessBytes(a, b uint64) uint64 {
	d := (a | byteHighBits) - (b &^ byteHighBits)
	return (^a&b | ^(a^b)&^d) & byteHighBits
}

// minBytes and maxBytes are the lane-wise minimum and maximum of 8 bytes.
func minBytes(a, b uint64) uint64 {
	m := (lessBytes(a, b) >> 7) * 0xff
	return b ^ (a^b)&m
}

func maxBytes(a, b uint64) uint64 {
	m := (lessBytes(a, b) >> 7) * 0xff
	return a ^ (a^b)&m
}

// Half merges 2×2 blocks: the statistics of the plane downscaled by 2,
// without reading its pixels again.
func (st BlockStats) Half(w, h int) BlockStats {
	bw, bh := (w+binBlock-1)/binBlock, (h+binBlock-1)/binBlock
	n := bw * bh
	out := BlockStats{bw: bw, bh: bh, mean: make([]int32, n), lo: make([]uint8, n), hi: make([]uint8, n)}
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

// NewThresholds computes the block thresholds of p from its block stats:
// the mean of the 5×5 blocks around each block, or -1 where that
// neighbourhood is flat. Separably, rows of 5 first, then columns: sums as
// running windows, minima and maxima 8 blocks at a time (bytes of a word).
func NewThresholds(p Plane, st BlockStats) *Thresholds {
	bw, bh := st.bw, st.bh
	n := bw * bh
	t := &Thresholds{P: p, bw: bw, bh: bh, thr: make([]int16, n)}
	hs := make([]int32, n)
	hmn, hmx := make([]uint8, n+8), make([]uint8, n+8) // +8: whole-word loads and stores
	pad := (bw+7)&^7 + 4 + 8
	// A row of lo and hi padded by 2 blocks each side (and word slack): the
	// padding, neutral for min and max, is set once; each row fills the middle.
	pmn, pmx := make([]uint8, pad), make([]uint8, pad)
	for k := range pmn {
		pmn[k] = 255
	}
	for by := 0; by < bh; by++ {
		i0 := by * bw
		mean := st.mean[i0 : i0+bw]
		copy(pmn[2:], st.lo[i0:i0+bw])
		copy(pmx[2:], st.hi[i0:i0+bw])
		for bx := 0; bx < bw; bx += 8 {
			mn := minBytes(minBytes(load8(pmn[bx:]), load8(pmn[bx+1:])), minBytes(load8(pmn[bx+2:]), load8(pmn[bx+3:])))
			mx := maxBytes(maxBytes(load8(pmx[bx:]), load8(pmx[bx+1:])), maxBytes(load8(pmx[bx+2:]), load8(pmx[bx+3:])))
			// Stores run past the row into the next one, which overwrites them.
			binary.LittleEndian.PutUint64(hmn[i0+bx:], minBytes(mn, load8(pmn[bx+4:])))
			binary.LittleEndian.PutUint64(hmx[i0+bx:], maxBytes(mx, load8(pmx[bx+4:])))
		}
		s := int32(0)
		for bx := 0; bx < min(2, bw); bx++ {
			s += mean[bx]
		}
		for bx := range mean { // s is the sum over bx-2..bx+2
			if bx+2 < bw {
				s += mean[bx+2]
			}
			hs[i0+bx] = s
			if bx-2 >= 0 {
				s -= mean[bx-2]
			}
		}
	}
	sum := make([]int32, bw) // over the rows by-2..by+2
	for by := 0; by < min(2, bh); by++ {
		for bx := range sum {
			sum[bx] += hs[by*bw+bx]
		}
	}
	for by := 0; by < bh; by++ {
		if by+2 < bh {
			for bx, v := range hs[(by+2)*bw : (by+3)*bw] {
				sum[bx] += v
			}
		}
		y0, y1 := max(0, by-2), min(bh-1, by+2)
		rows := int32(y1 - y0 + 1)
		out := t.thr[by*bw : by*bw+bw]
		for bx := 0; bx < bw; bx += 8 {
			mn, mx := load8(hmn[y0*bw+bx:]), load8(hmx[y0*bw+bx:])
			for yy := y0 + 1; yy <= y1; yy++ {
				mn = minBytes(mn, load8(hmn[yy*bw+bx:]))
				mx = maxBytes(mx, load8(hmx[yy*bw+bx:]))
			}
			for k := bx; k < min(bx+8, bw); k, mn, mx = k+1, mn>>8, mx>>8 {
				cnt := rows * int32(min(bw-1, k+2)-max(0, k-2)+1)
				th := int16(sum[k] / cnt)
				if int(uint8(mx))-int(uint8(mn)) < minContrast {
					th = -1
				}
				out[k] = th
			}
		}
		if by-2 >= 0 {
			for bx, v := range hs[(by-2)*bw : (by-1)*bw] {
				sum[bx] -= v
			}
		}
	}
	return t
}

func load8(b []byte) uint64 { return binary.LittleEndian.Uint64(b) }

// Dark reports whether the pixel at (x, y) is below its block's threshold.
func (t *Thresholds) Dark(x, y int) byte {
	return b2u(int16(t.P.Pix[y*t.P.Stride+x]) < t.thr[(y>>binShift)*t.bw+x>>binShift])
}

// RowBits writes row y into dst, one bit per pixel (bit x%64 of word x/64,
// 1 = dark); dst has (w+63)/64 words. Eight pixels at a time: a block's
// pixels are compared with its threshold as the bytes of one word.
func (t *Thresholds) RowBits(y int, dst []uint64) {
	src := t.P.Pix[y*t.P.Stride : y*t.P.Stride+t.P.W]
	trow := t.thr[(y>>binShift)*t.bw : (y>>binShift)*t.bw+t.bw]
	clear(dst)
	full := t.P.W / binBlock
	for bx, th := range trow[:full] {
		if th <= 0 {
			continue
		}
		m := darkBytes(binary.LittleEndian.Uint64(src[bx*binBlock:]), uint64(th)*0x0101010101010101)
		dst[bx/8] |= m << (uint(bx%8) * 8)
	}
	if full < t.bw { // the ragged last block
		th := trow[full]
		for x := full * binBlock; x < t.P.W; x++ {
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
	// Gather the 8 lane bits into one byte (no carries: see the tests).
	return (lessBytes(v, th) >> 7) * 0x0102040810204080 >> 56
}

func b2u(b bool) byte {
	if b {
		return 1
	}
	return 0
}
