package datamatrix

import "math/bits"

// startLines are the pixels of the detector's start lines (the rows and
// columns minSymbolSize apart through the plane's middle) as bits, 1 where
// black, read in one row-major pass of the block thresholds eight pixels
// at a time. Walking a column pixel by pixel through the thresholds
// touched a new cache line at every step: it was a third of the
// detector's time.
type startLines struct {
	w, h       int
	row0, col0 int        // the first start row and column (the others are minSymbolSize apart)
	rows, cols [][]uint64 // rows[k] is row row0+k·minSymbolSize, cols[k] column col0+k·minSymbolSize
}

func newStartLines(im *binImage) *startLines {
	w, h := im.w, im.h
	sl := &startLines{w: w, h: h, row0: h / 2 % minSymbolSize, col0: w / 2 % minSymbolSize}
	rowWords, colWords := (w+63)/64, (h+63)/64
	for y := sl.row0; y < h; y += minSymbolSize {
		sl.rows = append(sl.rows, make([]uint64, rowWords))
	}
	for x := sl.col0; x < w; x += minSymbolSize {
		sl.cols = append(sl.cols, make([]uint64, colWords))
	}
	buf := make([]uint64, rowWords)
	for y := 0; y < h; y++ {
		im.th.RowBits(y, buf)
		if im.invert != 0 {
			for i := range buf {
				buf[i] = ^buf[i]
			}
			if w%64 != 0 {
				buf[rowWords-1] &= 1<<(w%64) - 1
			}
		}
		if (y-sl.row0)%minSymbolSize == 0 {
			copy(sl.rows[(y-sl.row0)/minSymbolSize], buf)
		}
		for k, col := range sl.cols {
			x := sl.col0 + k*minSymbolSize
			col[y/64] |= buf[x/64] >> (x % 64) & 1 << (y % 64)
		}
	}
	return sl
}

// line returns the bits and the length of the start line through p in
// direction d (axis-aligned), and p's index along it.
func (sl *startLines) line(p, d pt) (b []uint64, n, at int) {
	if d.y == 0 {
		return sl.rows[(int(p.y)-sl.row0)/minSymbolSize], sl.w, int(p.x)
	}
	return sl.cols[(int(p.x)-sl.col0)/minSymbolSize], sl.h, int(p.y)
}

// lightAfterDark appends to out the indices, in walking order, of the
// light pixels of line b (n pixels) that follow a dark one when it is
// walked from index from in direction step (±1), from itself excluded.
func lightAfterDark(b []uint64, n, from, step int, out []int) []int {
	word := func(i int) uint64 {
		if i < 0 || i >= len(b) {
			return 0
		}
		return b[i]
	}
	if step < 0 {
		// light at x, dark at x+1
		for i := min(from/64, len(b)-1); i >= 0; i-- {
			m := ^b[i] & (b[i]>>1 | word(i+1)<<63)
			for m != 0 {
				x := i*64 + 63 - bits.LeadingZeros64(m)
				m &^= 1 << (x % 64)
				if x < from && x < n {
					out = append(out, x)
				}
			}
		}
		return out
	}
	// light at x, dark at x-1
	for i := max(from/64, 0); i < len(b); i++ {
		m := ^b[i] & (b[i]<<1 | word(i-1)>>63)
		for m != 0 {
			x := i*64 + bits.TrailingZeros64(m)
			m &= m - 1
			if x > from && x < n {
				out = append(out, x)
			}
		}
	}
	return out
}
