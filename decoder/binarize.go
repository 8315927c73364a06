package decoder

// Local-mean binarization for the candidate search: a pixel is dark when it
// is below the mean of the 5×5 blocks around its block. Flat neighbourhoods
// (range under minContrast) are all light, so smooth photo areas produce no
// runs for the finder scan to chase.

const (
	binBlock    = 8
	minContrast = 24
)

// binarize writes 1 (dark) or 0 (light) per pixel of p into dst (len w*h).
func binarize(p plane, dst []byte) {
	bw, bh := (p.w+binBlock-1)/binBlock, (p.h+binBlock-1)/binBlock
	mean := make([]int32, bw*bh)
	lo := make([]uint8, bw*bh)
	hi := make([]uint8, bw*bh)
	for by := 0; by < bh; by++ {
		y0, y1 := by*binBlock, min(by*binBlock+binBlock, p.h)
		for bx := 0; bx < bw; bx++ {
			x0, x1 := bx*binBlock, min(bx*binBlock+binBlock, p.w)
			sum, mn, mx := 0, 255, 0
			for y := y0; y < y1; y++ {
				for _, v := range p.pix[y*p.stride+x0 : y*p.stride+x1] {
					sum += int(v)
					mn = min(mn, int(v))
					mx = max(mx, int(v))
				}
			}
			i := by*bw + bx
			mean[i] = int32(sum / ((y1 - y0) * (x1 - x0)))
			lo[i], hi[i] = uint8(mn), uint8(mx)
		}
	}
	thr := make([]int16, bw*bh) // -1: flat neighbourhood, all light
	for by := 0; by < bh; by++ {
		for bx := 0; bx < bw; bx++ {
			sum, n, mn, mx := int32(0), int32(0), 255, 0
			for yy := max(0, by-2); yy <= min(bh-1, by+2); yy++ {
				for xx := max(0, bx-2); xx <= min(bw-1, bx+2); xx++ {
					i := yy*bw + xx
					sum += mean[i]
					n++
					mn = min(mn, int(lo[i]))
					mx = max(mx, int(hi[i]))
				}
			}
			t := int16(sum / n)
			if mx-mn < minContrast {
				t = -1
			}
			thr[by*bw+bx] = t
		}
	}
	for y := 0; y < p.h; y++ {
		src := p.pix[y*p.stride : y*p.stride+p.w]
		out := dst[y*p.w : y*p.w+p.w]
		trow := thr[(y/binBlock)*bw:]
		for x, v := range src {
			if int16(v) < trow[x/binBlock] {
				out[x] = 1
			} else {
				out[x] = 0
			}
		}
	}
}
