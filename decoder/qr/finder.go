package qr

import (
	"math"
	"math/bits"
	"slices"
	"sort"

	"github.com/qrgate/qrgate/decoder/internal/bitmap"
)

// The candidate search looks for QR finder patterns — the 1:1:3:1:1
// dark/light/dark/light/dark runs along any line through their centre — on a
// binarized plane, in both polarities (light-on-dark codes are "inverted").
// Unlike gozxing's finder, it accepts one overlong outer run, because a code
// pasted tight onto a busy photo has no quiet zone: its outer dark ring
// merges with the background on one side.

type candidate struct {
	x, y   float64 // centre
	m      float64 // module size
	dark   bool    // dark modules on light (false: inverted)
	count  int     // rows that confirmed it
	strict bool    // every run within tolerance on both axes (no overlong outer run)
	// contrast is the luminance step between the light ring and the dark
	// centre (polarity-corrected): printed codes have a strong one, texture
	// that happens to binarize as 1:1:3:1:1 a weak one.
	contrast float64
}

type finderScan struct {
	t          *bitmap.Thresholds
	w, h       int
	minM, maxM float64 // module sizes this scan keeps
	cands      []candidate
	cells      map[[2]int][]int // candidates by 16-pixel cell, for merging
	runs       []int
	// row and prev are the binarized rows (bit x%64 of word x/64 is pixel
	// x, 1 = dark); trans has bit x set where pixel x differs from x-1.
	row, prev, trans []uint64
	havePrev         bool
	changes          bitmap.Changes
}

// maxCandidates bounds the work a textured photo can cause.
const maxCandidates = 4000

// Level is what one pass over a pyramid level finds: finder candidates
// (best first: confirmed on the most rows for their size, strict ones
// first) and per-block change counts for the code-like region search and
// the scanlines.
type Level struct {
	cands   []candidate
	Changes bitmap.Changes
}

// Candidates is how many finder candidates the scan found.
func (l Level) Candidates() int { return len(l.cands) }

// ScanLevel scans every step-th row of t's plane for finder patterns with
// modules between minM and maxM pixels, and returns them best first: the
// strongest contrast, confirmed on the most rows, strict ones first.
func ScanLevel(t *bitmap.Thresholds, step int, minM, maxM float64) Level {
	w, h := t.P.W, t.P.H
	nw := (w + 63) / 64
	f := &finderScan{t: t, w: w, h: h, minM: minM, maxM: maxM, cells: map[[2]int][]int{},
		row: make([]uint64, nw), prev: make([]uint64, nw), trans: make([]uint64, nw),
		changes: bitmap.NewChanges(w, h)}
	for y := 0; y < h; y += step {
		f.binarize(y)
		f.countChanges(y)
		if len(f.cands) < maxCandidates {
			f.scanRow(y)
		}
		f.row, f.prev, f.havePrev = f.prev, f.row, true
	}
	if step > 1 {
		f.rescanSingles(step)
	}
	q := func(c candidate) float64 {
		v := max(c.contrast, 1) * float64(min(c.count, 6))
		if c.strict {
			v *= 2
		}
		return v
	}
	sort.Slice(f.cands, func(i, j int) bool { return q(f.cands[i]) > q(f.cands[j]) })
	return Level{cands: f.cands, Changes: f.changes}
}

// maxRescans bounds the single-row candidates whose neighbouring rows are
// scanned too.
const maxRescans = 128

// rescanSingles scans the rows skipped next to candidates seen on a single
// row: a small finder turned near 45° shows its 1:1:3:1:1 on only a few
// rows, and the row step can miss the others.
func (f *finderScan) rescanSingles(step int) {
	var ys []int
	for _, c := range f.cands {
		if c.count == 1 && len(ys) < maxRescans {
			y := int(c.y)
			for d := 1; d < step; d++ {
				for _, yy := range []int{y - d, y + d} {
					if yy >= 0 && yy < f.h && yy%step != 0 && !slices.Contains(ys, yy) {
						ys = append(ys, yy)
					}
				}
			}
		}
	}
	for _, y := range ys {
		if len(f.cands) >= maxCandidates {
			return
		}
		f.binarize(y)
		f.scanRow(y)
	}
}

// binarize loads row y into f.row and its changes into f.trans.
func (f *finderScan) binarize(y int) {
	f.t.RowBits(y, f.row)
	carry := uint64(0) // pixel x-1 for bit 0 of each word
	for k, v := range f.row {
		f.trans[k] = v ^ (v<<1 | carry)
		carry = v >> 63
	}
	f.trans[0] &^= 1 // pixel 0 has no left neighbour
	if r := f.w % 64; r != 0 {
		f.trans[len(f.trans)-1] &= 1<<r - 1 // nor is there a change at x = w
	}
}

// countChanges adds the row's changes, along it (the 7 pixel pairs inside
// each block) and against the previous scanned row, to its blocks.
func (f *finderScan) countChanges(y int) {
	bw, by := f.changes.BW, y/bitmap.RegionBlock
	if by >= f.changes.BH {
		return
	}
	ch, cmp := f.changes.N[by*bw:by*bw+bw], f.changes.Compares[by*bw:by*bw+bw]
	for bx := range ch {
		k, sh := bx/8, uint(bx%8)*8 // RegionBlock = 8: one byte of a word
		n := bits.OnesCount8(uint8(f.trans[k]>>sh) &^ 1)
		c := bitmap.RegionBlock - 1
		if f.havePrev {
			n += bits.OnesCount8(uint8((f.row[k] ^ f.prev[k]) >> sh))
			c += bitmap.RegionBlock
		}
		ch[bx] += n
		cmp[bx] += c
	}
}

// scanRow splits the binarized row into runs (in steps of one change, not
// one pixel: most of a photo row is long runs) and checks every five
// consecutive runs for a finder pattern's 1:1:3:1:1.
func (f *finderScan) scanRow(y int) {
	f.runs = f.runs[:0]
	start := 0
	for k, tr := range f.trans {
		for tr != 0 {
			x := k*64 + bits.TrailingZeros64(tr)
			f.runs = append(f.runs, x-start)
			start = x
			tr &= tr - 1
		}
	}
	f.runs = append(f.runs, f.w-start)
	first := f.row[0] & 1 // colour of runs[0]
	pos := 0
	for i := 0; i+5 <= len(f.runs); i++ {
		c := [5]int{f.runs[i], f.runs[i+1], f.runs[i+2], f.runs[i+3], f.runs[i+4]}
		dark := (first == 1) == (i%2 == 0) // colour of run i
		if m, strict, ok := finderRatio(c); ok && m >= f.minM && m <= f.maxM {
			cx := float64(pos+c[0]+c[1]) + float64(c[2])/2
			f.confirm(cx, float64(y)+0.5, m, dark, strict)
		}
		pos += f.runs[i]
	}
}

// finderRatio checks 1:1:3:1:1 with the module size taken from the inner
// three runs; one outer run may be overlong (no quiet zone). It runs for
// every five consecutive runs of every scanned row, so it works in integers
// on m5 = 5 modules and rejects on the most selective test first.
func finderRatio(c [5]int) (m float64, strict, ok bool) {
	m5 := c[1] + c[2] + c[3]
	// centre: 2 to 4.2 modules
	if 5*c[2] < 2*m5 || 50*c[2] > 42*m5 || m5 < 4 {
		return 0, false, false
	}
	// light rings and outer dark ring: at least 0.45 module, rings at most 1.6
	lo, hi := 9*m5, 32*m5 // ×100: 0.45 and 1.6 modules
	if 100*c[1] < lo || 100*c[1] > hi || 100*c[3] < lo || 100*c[3] > hi || 100*c[0] < lo || 100*c[4] < lo {
		return 0, false, false
	}
	long0, long4 := 100*c[0] > hi, 100*c[4] > hi
	if long0 && long4 {
		return 0, false, false
	}
	return float64(m5) / 5, !long0 && !long4, true
}

// confirm cross-checks a row hit vertically, then horizontally again through
// the refined centre, and records or merges the candidate.
func (f *finderScan) confirm(cx, cy, m float64, dark, strict bool) {
	var want byte
	if dark {
		want = 1
	}
	x := int(cx)
	vy, vm, vstrict, ok := f.cross(x, int(cy), 0, 1, m, want)
	if !ok {
		return
	}
	hx, hm, hstrict, ok := f.cross(x, int(vy), 1, 0, m, want)
	if !ok {
		return
	}
	mod := (m + vm + hm) / 3
	contrast := f.contrast(hx, vy, mod, dark)
	cx0, cy0 := int(hx)>>4, int(vy)>>4
	for dy := -1; dy <= 1; dy++ {
		for dx := -1; dx <= 1; dx++ {
			for _, i := range f.cells[[2]int{cx0 + dx, cy0 + dy}] {
				c := &f.cands[i]
				if c.dark == dark && math.Abs(c.x-hx) <= 2*mod && math.Abs(c.y-vy) <= 2*mod && c.m < 1.6*mod && mod < 1.6*c.m {
					n := float64(c.count)
					c.x = (c.x*n + hx) / (n + 1)
					c.y = (c.y*n + vy) / (n + 1)
					c.m = (c.m*n + mod) / (n + 1)
					c.count++
					c.strict = c.strict || (strict && vstrict && hstrict)
					c.contrast = max(c.contrast, contrast)
					return
				}
			}
		}
	}
	key := [2]int{cx0, cy0}
	f.cells[key] = append(f.cells[key], len(f.cands))
	f.cands = append(f.cands, candidate{x: hx, y: vy, m: mod, dark: dark, count: 1, strict: strict && vstrict && hstrict, contrast: contrast})
}

// contrast measures the light ring (2 modules out, four ways) against the
// centre.
func (f *finderScan) contrast(x, y, m float64, dark bool) float64 {
	p := f.t.P
	centre := p.Bilinear(x, y)
	ring := (p.Bilinear(x-2*m, y) + p.Bilinear(x+2*m, y) + p.Bilinear(x, y-2*m) + p.Bilinear(x, y+2*m)) / 4
	if dark {
		return ring - centre
	}
	return centre - ring
}

// cross measures the five runs through (x, y) along direction (dx, dy) and
// returns the centre coordinate along that axis.
func (f *finderScan) cross(x, y, dx, dy int, m float64, want byte) (centre, mod float64, strict, ok bool) {
	at := func(i int) (byte, bool) {
		px, py := x+dx*i, y+dy*i
		if px < 0 || py < 0 || px >= f.w || py >= f.h {
			return 0, false
		}
		return f.t.Dark(px, py), true
	}
	if v, _ := at(0); v != want {
		return 0, 0, false, false
	}
	limit := int(m*12) + 4
	// runs on the negative side: centre part, light, outer
	var neg, pos [3]int
	walk := func(sign int, out *[3]int) {
		i, seg, colour := 0, 0, want
		for seg < 3 && abs(i) < limit {
			v, in := at(i)
			if !in {
				break
			}
			if v != colour {
				seg++
				colour ^= 1
				if seg == 3 {
					break
				}
			}
			out[seg]++
			i += sign
		}
	}
	walk(-1, &neg)
	walk(1, &pos)
	c := [5]int{neg[2], neg[1], neg[0] + pos[0] - 1, pos[1], pos[2]}
	mod, strict, ok = finderRatio(c)
	if !ok {
		return 0, 0, false, false
	}
	startCentre := -(neg[0] - 1)
	centreOff := float64(startCentre) + float64(c[2])/2 - 0.5
	if dx != 0 {
		return float64(x) + centreOff + 0.5, mod, strict, true
	}
	return float64(y) + centreOff + 0.5, mod, strict, true
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// triplet is three finder candidates that could be one QR code's corners.
type triplet struct {
	bl, tl, tr candidate
	score      float64 // lower is better
	weakest    int     // rank of its least confirmed member among the candidates
	crowded    bool    // a better-ranked finder candidate lies inside its square (crowdedBy)
}

// strict: every finder confirmed with all five runs in proportion, on
// several rows.
func (t triplet) strict() bool {
	for _, c := range [3]candidate{t.bl, t.tl, t.tr} {
		if !c.strict || c.count < 3 {
			return false
		}
	}
	return true
}

func (t triplet) module() float64 { return (t.bl.m + t.tl.m + t.tr.m) / 3 }

// findTriplets groups candidates of one polarity and similar module size
// whose centres form an isosceles right angle of plausible QR size.
func findTriplets(cands []candidate, maxCands int) []triplet {
	if len(cands) > maxCands {
		cands = cands[:maxCands]
	}
	var out []triplet
	for i := 0; i < len(cands); i++ {
		for j := i + 1; j < len(cands); j++ {
			for k := j + 1; k < len(cands); k++ {
				for _, t := range makeTriplets(cands[i], cands[j], cands[k]) {
					t.weakest = k
					t.crowded = t.crowdedBy(cands)
					out = append(out, t)
				}
			}
		}
	}
	// Best-confirmed candidates first: a triplet is ranked by its weakest
	// member's place in cands (which come sorted by confirmation), then by
	// shape. Under perspective a true triplet's shape is far from an
	// isosceles right angle, while three weak texture hits can form a
	// perfect one.
	//
	// On a sheet of codes every candidate is a strong, printed finder,
	// and three finders of neighbouring codes form a triplet as well
	// shaped as a code's own: the square such a triplet spans holds the
	// other finders of the codes it straddles, a code's own square none.
	// Uncrowded triplets go first.
	sort.Slice(out, func(i, j int) bool {
		if out[i].crowded != out[j].crowded {
			return !out[i].crowded
		}
		if out[i].weakest != out[j].weakest {
			return out[i].weakest < out[j].weakest
		}
		return out[i].score < out[j].score
	})
	return out
}

// crowdedBy reports whether one of cands, of the triplet's polarity and
// module size, lies inside the parallelogram its finder centres span, away
// from its own three finders (a finder found twice, as two candidates a
// few modules apart, is still that finder), and confirmed on as many rows
// as the triplet's least confirmed finder: a weak look-alike among a
// code's data modules does not demote its true triplet.
func (t triplet) crowdedBy(cands []candidate) bool {
	m := t.module()
	rows := min(t.tl.count, t.tr.count, t.bl.count)
	ux, uy := t.tr.x-t.tl.x, t.tr.y-t.tl.y
	vx, vy := t.bl.x-t.tl.x, t.bl.y-t.tl.y
	det := ux*vy - uy*vx
	if det == 0 {
		return false
	}
	for _, c := range cands {
		if c.dark != t.tl.dark || c.count < rows || !c.strict || c.m > 1.5*m || 1.5*c.m < m {
			continue
		}
		// 4 modules: a finder's own duplicate candidates lie within its
		// 7-module square.
		if dist(c, t.tl) < 4*m || dist(c, t.tr) < 4*m || dist(c, t.bl) < 4*m {
			continue
		}
		dx, dy := c.x-t.tl.x, c.y-t.tl.y
		a, b := (dx*vy-dy*vx)/det, (ux*dy-uy*dx)/det
		if a > 0 && a < 1 && b > 0 && b < 1 {
			return true
		}
	}
	return false
}

// ambiguousCorner: when the second longest side of a triplet is within
// this factor of the longest, the right-angle corner may be either of the
// two opposite them. Seen at a steep angle, a code's near leg is twice its
// far leg and the side from the top-left finder to the near one can
// outgrow the diagonal (the generator's seed 1948409428, image 451: 225 px
// against 221).
const ambiguousCorner = 0.85

// makeTriplets is makeTriplet, plus the triplet with its corner at the
// other end of the longest side when the corner is ambiguous: the finders'
// own rings then tell the true one (its fit is tight, the other's is not).
func makeTriplets(a, b, c candidate) []triplet {
	t, ok := makeTriplet(a, b, c)
	if !ok {
		return nil
	}
	out := []triplet{t}
	legs := []float64{dist(t.tl, t.tr), dist(t.tl, t.bl)}
	hyp := dist(t.tr, t.bl)
	for i, leg := range legs {
		if leg >= ambiguousCorner*hyp && leg > legs[1-i] {
			// the longer leg is nearly the longest side: the finder
			// opposite it could be the corner
			far := [2]candidate{t.bl, t.tr}[i]
			if alt, ok := tripletAt(far, t.tl, [2]candidate{t.tr, t.bl}[i]); ok {
				out = append(out, alt)
			}
		}
	}
	return out
}

func makeTriplet(a, b, c candidate) (triplet, bool) {
	// the right-angle corner (top-left) is opposite the longest side
	dab, dac, dbc := dist(a, b), dist(a, c), dist(b, c)
	switch {
	case dbc >= dab && dbc >= dac:
		return tripletAt(a, b, c)
	case dac >= dab && dac >= dbc:
		return tripletAt(b, a, c)
	default:
		return tripletAt(c, a, b)
	}
}

// tripletAt makes the triplet whose right-angle corner is tl.
func tripletAt(tl, p, q candidate) (triplet, bool) {
	if tl.dark != p.dark || tl.dark != q.dark {
		return triplet{}, false
	}
	// Perspective makes the nearest finder's modules up to twice the
	// farthest's, bends the right angle by up to ±40° and stretches one leg
	// to twice the other: the bounds admit that much, and the timing
	// patterns, read through a transform fitted to the finders themselves,
	// reject what only looks like a triplet.
	mn, mx := min(tl.m, p.m, q.m), max(tl.m, p.m, q.m)
	if mx > 2.2*mn {
		return triplet{}, false
	}
	s1, s2, hyp := dist(tl, p), dist(tl, q), dist(p, q)
	side := (s1 + s2) / 2
	if max(s1, s2) > 2*min(s1, s2) {
		return triplet{}, false
	}
	ratio := hyp / math.Hypot(s1, s2)
	if ratio < 0.65 || ratio > 1.32 {
		return triplet{}, false
	}
	m := (tl.m + p.m + q.m) / 3
	modules := side / m
	if modules < 10 || modules > 185 {
		return triplet{}, false
	}
	// orientation: bottom-left/top-right by the cross product (as zxing does)
	bl, tr := p, q
	if (tr.x-tl.x)*(bl.y-tl.y)-(tr.y-tl.y)*(bl.x-tl.x) < 0 {
		bl, tr = tr, bl
	}
	score := math.Abs(s1-s2)/side + math.Abs(ratio-1)*2 + (mx/mn - 1)
	return triplet{bl: bl, tl: tl, tr: tr, score: score}, true
}

func dist(a, b candidate) float64 { return math.Hypot(a.x-b.x, a.y-b.y) }
