package datamatrix

import (
	"cmp"
	"image"
	"slices"

	"github.com/qrgate/qrgate/decoder/internal/bitmap"
)

// Code-like regions: a printed 2-D code is a compact, square-ish patch of
// dense black/white transitions, set off from the photo by a light quiet
// zone. Regions found this way are handed to readers that need a code near
// the middle of their input (gozxing's Data Matrix detector grows a white
// rectangle from the centre), and to the harder QR strategies when the
// finder search fails.

// CodeRegions returns rectangles (in the level plane's pixels) around
// code-like patches, from a level scan's per-block change counts; at most
// max of them, largest first.
func CodeRegions(ch bitmap.Changes, max int) []image.Rectangle {
	bw, bh := ch.BW, ch.BH
	if bw < 3 || bh < 3 {
		return nil
	}
	busy := ch.Busy()
	seen := make([]bool, bw*bh)
	var out []image.Rectangle
	var stack []int
	for start := range busy {
		if !busy[start] || seen[start] {
			continue
		}
		// flood fill one component of busy blocks
		r := image.Rectangle{Min: image.Pt(bw, bh), Max: image.Pt(-1, -1)}
		n := 0
		stack = append(stack[:0], start)
		seen[start] = true
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			x, y := i%bw, i/bw
			n++
			r.Min.X, r.Min.Y = min(r.Min.X, x), min(r.Min.Y, y)
			r.Max.X, r.Max.Y = maxInt(r.Max.X, x+1), maxInt(r.Max.Y, y+1)
			for _, d := range [4][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
				nx, ny := x+d[0], y+d[1]
				if nx < 0 || ny < 0 || nx >= bw || ny >= bh {
					continue
				}
				j := ny*bw + nx
				if busy[j] && !seen[j] {
					seen[j] = true
					stack = append(stack, j)
				}
			}
		}
		if codeLike(busy, bw, bh, r, n) {
			out = append(out, image.Rect(r.Min.X*bitmap.RegionBlock, r.Min.Y*bitmap.RegionBlock, r.Max.X*bitmap.RegionBlock, r.Max.Y*bitmap.RegionBlock))
		}
	}
	sortRects(out)
	if len(out) > max {
		out = out[:max]
	}
	return out
}

// SquareRegions returns square windows (in the level plane's pixels) that
// frame a code-like patch and its quiet ring. A code printed on a sticker
// over a busy part of the photo joins that texture into one component for
// CodeRegions; the window that frames it still stands out.
func SquareRegions(ch bitmap.Changes, max int) []image.Rectangle {
	if ch.BW < 5 || ch.BH < 5 {
		return nil
	}
	var out []image.Rectangle
	for _, r := range framedSquares(ch.Busy(), ch.BW, ch.BH, max) {
		out = append(out, image.Rect(r.Min.X*bitmap.RegionBlock, r.Min.Y*bitmap.RegionBlock, r.Max.X*bitmap.RegionBlock, r.Max.Y*bitmap.RegionBlock))
	}
	return out
}

// maxFramedSquare is the largest window, in blocks; bigger codes are framed
// at the coarser pyramid levels.
const maxFramedSquare = 20

// framedSquares finds square windows of 3–maxFramedSquare blocks that are
// mostly busy inside (3/4) and mostly quiet in the one-block ring around
// them (3/4), best first, not overlapping each other.
func framedSquares(busy []bool, bw, bh, max int) []image.Rectangle {
	// summed-area table of busy blocks
	w := bw + 1
	sat := make([]int32, w*(bh+1))
	for y := 0; y < bh; y++ {
		row := int32(0)
		for x := 0; x < bw; x++ {
			if busy[y*bw+x] {
				row++
			}
			sat[(y+1)*w+x+1] = sat[y*w+x+1] + row
		}
	}
	sum := func(x0, y0, x1, y1 int) int32 { // blocks in [x0,x1)×[y0,y1), clipped
		x0, y0, x1, y1 = maxInt(x0, 0), maxInt(y0, 0), min(x1, bw), min(y1, bh)
		if x1 <= x0 || y1 <= y0 {
			return 0
		}
		return sat[y1*w+x1] - sat[y0*w+x1] - sat[y1*w+x0] + sat[y0*w+x0]
	}
	type hit struct {
		r     image.Rectangle
		score float64
	}
	var hits []hit
	for y := 1; y+3 < bh; y++ {
		for x := 1; x+3 < bw; x++ {
			// A framed square starts at a busy block whose diagonal
			// neighbour outside it is quiet: only corners are tried.
			if !busy[y*bw+x] || busy[(y-1)*bw+x-1] {
				continue
			}
			for s := 3; s <= maxFramedSquare && x+s < bw && y+s < bh; s++ {
				in := sum(x, y, x+s, y+s)
				if 4*in < 3*int32(s*s) {
					continue
				}
				ring := sum(x-1, y-1, x+s+1, y+s+1) - in
				cells := int32((s+2)*(s+2) - s*s)
				if 4*(cells-ring) < 3*cells {
					continue
				}
				hits = append(hits, hit{image.Rect(x, y, x+s, y+s), float64(in)/float64(s*s) + float64(cells-ring)/float64(cells)})
			}
		}
	}
	slices.SortFunc(hits, func(a, b hit) int { return cmp.Compare(b.score, a.score) })
	var out []image.Rectangle
	for _, h := range hits {
		if len(out) >= max {
			break
		}
		if !slices.ContainsFunc(out, func(o image.Rectangle) bool { return o.Overlaps(h.r) }) {
			out = append(out, h.r)
		}
	}
	return out
}

// codeLike: square-ish, mostly filled, not too small or large, and a ring
// around it that is mostly quiet.
func codeLike(busy []bool, bw, bh int, r image.Rectangle, n int) bool {
	dx, dy := r.Dx(), r.Dy()
	if dx < 3 || dy < 3 {
		return false
	}
	if 10*dx > 16*dy || 10*dy > 16*dx {
		return false
	}
	if 10*n < 6*dx*dy {
		return false
	}
	ring, quiet := 0, 0
	for y := r.Min.Y - 1; y <= r.Max.Y; y++ {
		for x := r.Min.X - 1; x <= r.Max.X; x++ {
			if x >= r.Min.X && x < r.Max.X && y >= r.Min.Y && y < r.Max.Y {
				continue
			}
			if x < 0 || y < 0 || x >= bw || y >= bh {
				continue // the frame's edge counts as neither
			}
			ring++
			if !busy[y*bw+x] {
				quiet++
			}
		}
	}
	if ring == 0 { // the code fills the frame: a screenshot or a crop of it
		return true
	}
	return 10*quiet >= 7*ring
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func sortRects(rs []image.Rectangle) {
	for i := 1; i < len(rs); i++ {
		for j := i; j > 0 && area(rs[j]) > area(rs[j-1]); j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
}

func area(r image.Rectangle) int { return r.Dx() * r.Dy() }
