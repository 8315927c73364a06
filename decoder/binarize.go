package decoder

// Local-mean binarization for the candidate search: a pixel is dark when it
// is below the mean of the 5×5 blocks around its block. Flat neighbourhoods
// (range under minContrast) are all light, so smooth photo areas produce no
// runs for the finder scan to chase.

const (
	binBlock    = 8
	minContrast = 24
)

// blockStats holds the per-block mean, minimum and maximum of a plane.
type blockStats struct {
	bw, bh      int
	mean        []int32
	lo, hi      []uint8
	thr         []int16 // per block: -1 for a flat neighbourhood
	transitions []uint16
}

// binarize writes 1 (dark) or 0 (light) per pixel of p into dst (len w*h),
// and returns the block statistics (transitions are filled by
// countTransitions).
func binarize(p plane, dst []byte) *blockStats {
	bw, bh := (p.w+binBlock-1)/binBlock, (p.h+binBlock-1)/binBlock
	st := &blockStats{bw: bw, bh: bh, mean: make([]int32, bw*bh), lo: make([]uint8, bw*bh), hi: make([]uint8, bw*bh), thr: make([]int16, bw*bh)}
	sums := make([]int32, bw)
	mins := make([]uint8, bw)
	maxs := make([]uint8, bw)
	for by := 0; by < bh; by++ {
		y0, y1 := by*binBlock, min(by*binBlock+binBlock, p.h)
		clear(sums)
		for i := range mins {
			mins[i], maxs[i] = 255, 0
		}
		for y := y0; y < y1; y++ {
			row := p.pix[y*p.stride : y*p.stride+p.w]
			for bx := 0; bx < bw; bx++ {
				x0, x1 := bx*binBlock, min(bx*binBlock+binBlock, p.w)
				s, mn, mx := int32(0), mins[bx], maxs[bx]
				for _, v := range row[x0:x1] {
					s += int32(v)
					mn = min(mn, v)
					mx = max(mx, v)
				}
				sums[bx] += s
				mins[bx], maxs[bx] = mn, mx
			}
		}
		for bx := 0; bx < bw; bx++ {
			n := int32((y1 - y0) * (min(bx*binBlock+binBlock, p.w) - bx*binBlock))
			i := by*bw + bx
			st.mean[i] = sums[bx] / n
			st.lo[i], st.hi[i] = mins[bx], maxs[bx]
		}
	}
	for by := 0; by < bh; by++ {
		for bx := 0; bx < bw; bx++ {
			sum, n, mn, mx := int32(0), int32(0), uint8(255), uint8(0)
			for yy := max(0, by-2); yy <= min(bh-1, by+2); yy++ {
				for xx := max(0, bx-2); xx <= min(bw-1, bx+2); xx++ {
					i := yy*bw + xx
					sum += st.mean[i]
					n++
					mn = min(mn, st.lo[i])
					mx = max(mx, st.hi[i])
				}
			}
			t := int16(sum / n)
			if int(mx)-int(mn) < minContrast {
				t = -1
			}
			st.thr[by*bw+bx] = t
		}
	}
	for y := 0; y < p.h; y++ {
		src := p.pix[y*p.stride : y*p.stride+p.w]
		out := dst[y*p.w : y*p.w+p.w]
		trow := st.thr[(y/binBlock)*bw : (y/binBlock)*bw+bw]
		for bx, t := range trow {
			x0, x1 := bx*binBlock, min(bx*binBlock+binBlock, p.w)
			o := out[x0:x1]
			if t < 0 {
				clear(o)
				continue
			}
			for i, v := range src[x0:x1] {
				o[i] = b2u(int16(v) < t)
			}
		}
	}
	return st
}

func b2u(b bool) byte {
	if b {
		return 1
	}
	return 0
}
