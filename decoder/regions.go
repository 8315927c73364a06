package decoder

import "image"

// Code-like regions: a printed 2-D code is a compact, square-ish patch of
// dense black/white transitions, set off from the photo by a light quiet
// zone. Regions found this way are handed to readers that need a code near
// the middle of their input (gozxing's Data Matrix detector grows a white
// rectangle from the centre), and to the harder QR strategies when the
// finder search fails.

const regionBlock = 8 // pixels of the level plane per block

// codeRegions returns rectangles (in the level plane's pixels) around
// code-like patches, from a level scan's per-block change counts; at most
// max of them, largest first.
func codeRegions(ls levelScan, max int) []image.Rectangle {
	bw, bh := ls.bw, ls.bh
	if bw < 3 || bh < 3 {
		return nil
	}
	busy := ls.busy()
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
			out = append(out, image.Rect(r.Min.X*regionBlock, r.Min.Y*regionBlock, r.Max.X*regionBlock, r.Max.Y*regionBlock))
		}
	}
	sortRects(out)
	if len(out) > max {
		out = out[:max]
	}
	return out
}

// busy marks the blocks with many dark/light changes: about 10 in the 112
// pixel pairs of a fully sampled block.
func (ls levelScan) busy() []bool {
	busy := make([]bool, ls.bw*ls.bh)
	for i, n := range ls.changes {
		busy[i] = ls.compares[i] > 0 && 112*n >= 10*ls.compares[i]
	}
	return busy
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
