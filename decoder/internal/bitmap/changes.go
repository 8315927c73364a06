package bitmap

// RegionBlock is the side, in pixels of a pyramid level's plane, of the
// blocks whose dark/light changes a level scan counts.
const RegionBlock = 8

// Changes are the dark/light changes a level scan saw per RegionBlock-sized
// block: a printed code is a compact patch of dense changes, which the
// region search (Data Matrix) and the scanlines (EAN) look for.
type Changes struct {
	BW, BH   int   // blocks per row and per column
	N        []int // changes seen in each block, on the scanned rows
	Compares []int // pixel pairs compared in each block
}

// NewChanges returns an empty count for a w×h plane.
func NewChanges(w, h int) Changes {
	bw, bh := w/RegionBlock, h/RegionBlock
	return Changes{BW: bw, BH: bh, N: make([]int, bw*bh), Compares: make([]int, bw*bh)}
}

// Busy marks the blocks with many dark/light changes: about 10 in the 112
// pixel pairs of a fully sampled block.
func (c Changes) Busy() []bool {
	busy := make([]bool, c.BW*c.BH)
	for i, n := range c.N {
		busy[i] = c.Compares[i] > 0 && 112*n >= 10*c.Compares[i]
	}
	return busy
}
