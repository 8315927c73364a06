package qr

import (
	"math"
	"sort"
	"sync"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	qrdecoder "github.com/makiuchi-d/gozxing/qrcode/decoder"

	"github.com/qrgate/qrgate/decoder/internal/bitmap"
)

// Read is a QR code decoded from a triplet (or, Text empty, the best guess
// at one that did not decode).
type Read struct {
	Text    string
	Raw     []byte        // the code's bytes
	Corners [4][2]float64 // TL, TR, BR, BL in the plane's coordinates
	Timing  float64       // timing-pattern agreement of the best sampling
	squares bool          // every finder showed its concentric square rings
	fits    bool          // and their corners fit one code's layout (undecodedFit)
}

// dimensions lists the QR sizes (4k+17 modules) to try, nearest estimate first.
func (t triplet) dimensions() []int {
	m := t.module()
	est := (math.Hypot(t.tr.x-t.tl.x, t.tr.y-t.tl.y)+math.Hypot(t.bl.x-t.tl.x, t.bl.y-t.tl.y))/2/m + 7
	d := int(math.Round((est-17)/4))*4 + 17
	d = max(21, min(177, d))
	out := []int{d}
	for _, alt := range []int{d + 4, d - 4} {
		if alt >= 21 && alt <= 177 {
			out = append(out, alt)
		}
	}
	return out
}

// decodeTriplet tries to read the QR code whose finder centres are t:
// for each plausible size whose timing patterns show, it samples the module
// grid with the bottom-right reference at the alignment pattern (where one
// is found) and at the parallelogram's fourth corner, then around it, and
// tries each threshold.
//
// When nothing decodes, it returns the best guess at the code's corners
// with its timing-pattern score, for the caller to judge whether a code is
// there unread.
//
// First of all it fits the code's transform to the finders' own rings
// (geometry.go), which holds under strong perspective; the centres-only
// estimates below read what that misses (a finder's ring broken by a logo
// or glare).
func decodeTriplet(p bitmap.Plane, t triplet, cornerSearch bool, rings finderRings) (*Read, bool) {
	g := gridPool.Get().(*gridBuf)
	defer gridPool.Put(g)
	r := &tripletReader{p: p, t: t, g: g, cornerSearch: cornerSearch, dec: qrdecoder.NewDecoder(), best: &Read{}}
	fg, measured := t.measure(p, rings)
	if measured {
		if read, ok := r.readFitted(fg); ok {
			return read, true
		}
	}
	for _, dim := range t.dimensions() {
		if read, ok := r.readSize(dim); ok {
			return read, true
		}
	}
	// Timing patterns alone can line up on a barcode's bars turned in the
	// plane; three finders that show concentric square rings cannot.
	if r.seen != nil {
		r.seen.Timing = r.best.Timing
		return r.seen, false
	}
	r.best.squares = measured && complete(fg)
	return r.best, false
}

// gridPool recycles the sampling buffers (a 177-module grid is ~1 MB).
var gridPool = sync.Pool{New: func() any { return newGridBuf() }}

type tripletReader struct {
	p            bitmap.Plane
	t            triplet
	g            *gridBuf
	cornerSearch bool
	dec          *qrdecoder.Decoder
	best         *Read // best timing seen, for UNDECODED
	seen         *Read // the finders' tightest fit as one code (noteFit)
	seenFit      float64
}

func (r *tripletReader) transform(br brEstimate, dim int) *common.PerspectiveTransform {
	t := r.t
	return common.PerspectiveTransform_QuadrilateralToQuadrilateral(
		3.5, 3.5, float64(dim)-3.5, 3.5, br.sx, br.sy, 3.5, float64(dim)-3.5,
		t.tl.x, t.tl.y, t.tr.x, t.tr.y, br.x, br.y, t.bl.x, t.bl.y)
}

// readSize tries one code size. A wrong size or a false triplet shows in
// the timing patterns, which lie along the finders and hardly depend on the
// bottom-right estimate: only 2·(dim-16) modules are read to find out.
func (r *tripletReader) readSize(dim int) (*Read, bool) {
	para := r.t.parallelogram(dim)
	timing := r.timing(para, dim)
	// In perspective the parallelogram bends the far ends of the timing
	// patterns away: let the alignment pattern decide.
	var ap brEstimate
	found := false
	if dim >= 25 {
		ap, found = r.t.findAlignment(r.p, dim)
	}
	if timing < minTiming && (!found || r.timing(ap, dim) < minTiming) {
		return nil, false
	}
	bits, _ := gozxing.NewSquareBitMatrix(dim)
	if found {
		if read, ok := r.decodeAt(ap, dim, gridThresholds, bits); ok {
			return read, true
		}
	}
	if read, ok := r.decodeAt(para, dim, gridThresholds, bits); ok {
		return read, true
	}
	// The timing patterns are there but the grid does not decode. With
	// small modules, finder centres measured on whole-pixel runs can be a
	// third of a module off: refine them against the finder's own shape.
	if refined, moved := r.t.refine(r.p, dim); moved {
		rr := *r
		rr.t = refined
		para := refined.parallelogram(dim)
		if ap, ok := refined.findAlignment(r.p, dim); ok && dim >= 25 {
			if read, ok := rr.decodeAt(ap, dim, gridThresholds, bits); ok {
				return read, true
			}
		}
		if read, ok := rr.decodeAt(para, dim, gridThresholds, bits); ok {
			return read, true
		}
	}
	// Or the fourth corner is off (perspective, no alignment pattern
	// found): search it on a grid of module offsets. The search costs up to
	// 336 decodes, so it is kept for triplets whose timing patterns (which
	// lie along the finders and do not depend on the fourth corner) already
	// say "clearly a code": textures that pass minTiming score 0.7–0.8 and
	// their searches never decoded on the corpus, while every search that
	// did read a code there had perfect timing.
	if !r.cornerSearch || timing < undecodedTiming {
		return nil, false
	}
	g := r.t.grid(dim)
	for _, off := range brOffsets {
		br := para
		br.x, br.y = g.at(para.x, para.y, off[0], off[1])
		if read, ok := r.decodeAt(br, dim, gridThresholds[:2], bits); ok {
			return read, true
		}
	}
	return nil, false
}

// timing reads the timing patterns with the bottom-right reference at br,
// keeping the best for an UNDECODED report.
func (r *tripletReader) timing(br brEstimate, dim int) float64 {
	tr := r.transform(br, dim)
	v := timingSamples(r.p, tr, dim, r.t.tl.dark, r.g)
	if v > r.best.Timing {
		r.best = &Read{Timing: v, Corners: r.t.codeCorners(tr, dim)}
	}
	return v
}

// decodeAt samples the grid with the bottom-right reference at br and tries
// each threshold.
func (r *tripletReader) decodeAt(br brEstimate, dim int, ths []thresholder, bits *gozxing.BitMatrix) (*Read, bool) {
	return r.decodeTransform(r.transform(br, dim), dim, ths, bits)
}

// decodeWith samples the grid through tr and tries each threshold.
func (r *tripletReader) decodeWith(tr pointMapper, dim int, ths []thresholder) (*Read, bool) {
	bits, _ := gozxing.NewSquareBitMatrix(dim)
	return r.decodeTransform(tr, dim, ths, bits)
}

func (r *tripletReader) decodeTransform(tr pointMapper, dim int, ths []thresholder, bits *gozxing.BitMatrix) (*Read, bool) {
	if !sampleGrid(r.p, tr, dim, r.t.tl.dark, r.g) {
		return nil, false
	}
	for _, th := range ths {
		th(r.g, dim, bits)
		if res, err := r.dec.Decode(bits, nil); err == nil {
			return &Read{Text: res.GetText(), Raw: joinSegments(res.GetByteSegments()), Corners: r.t.codeCorners(tr, dim)}, true
		}
	}
	return nil, false
}

// brOffsets are the module offsets tried for a misplaced fourth corner,
// nearest first.
var brOffsets = func() [][2]float64 {
	var out [][2]float64
	for j := -3.0; j <= 3; j += 0.5 {
		for i := -3.0; i <= 3; i += 0.5 {
			if i != 0 || j != 0 {
				out = append(out, [2]float64{i, j})
			}
		}
	}
	sort.Slice(out, func(a, b int) bool {
		return math.Hypot(out[a][0], out[a][1]) < math.Hypot(out[b][0], out[b][1])
	})
	return out
}()

// gridThresholds are the ways a sampled grid is cut, tried in turn: the
// cheap global ones between a wide local mean (uneven light across the
// code) and narrower ones. The 3×3-module mean comes last: under a streak
// of glare, whose edges fall off within two modules, the 5×5 mean misreads
// the modules along both edges (18 of a 25-module code's 625 in
// TestGlare's streak), the 3×3 one hardly any (4). Each costs a cut of
// dim² samples and a Reed–Solomon attempt, small beside the sampling.
var gridThresholds = []thresholder{localMean(4), globalMean, otsu, localMean(2), localMean(1)}

// minTiming is the timing-pattern agreement below which a sampled grid is
// not worth decoding (a random grid scores about 0.5).
const minTiming = 0.7

// codeCorners maps the code's outer corners through the sampling transform.
func (t triplet) codeCorners(tr pointMapper, dim int) [4][2]float64 {
	d := float64(dim)
	pts := []float64{0, 0, d, 0, d, d, 0, d}
	tr.TransformPoints(pts)
	return [4][2]float64{{pts[0], pts[1]}, {pts[2], pts[3]}, {pts[4], pts[5]}, {pts[6], pts[7]}}
}

// brEstimate is a point of the plane (x, y) and where it sits in module
// coordinates (sx, sy).
type brEstimate struct{ x, y, sx, sy float64 }

// parallelogram is the bottom-right finder position the other three imply
// when the code is not seen in perspective.
func (t triplet) parallelogram(dim int) brEstimate {
	d := float64(dim)
	return brEstimate{x: t.tr.x + t.bl.x - t.tl.x, y: t.tr.y + t.bl.y - t.tl.y, sx: d - 3.5, sy: d - 3.5}
}

// moduleGrid is a triplet's module axes in the plane: u one module along
// the top edge, v one module down the left edge, and the code's polarity.
type moduleGrid struct {
	ux, uy, vx, vy float64
	sign           float64 // 1 for dark modules on light, -1 inverted
}

func (t triplet) grid(dim int) moduleGrid {
	n := float64(dim - 7) // modules between finder centres
	g := moduleGrid{
		ux: (t.tr.x - t.tl.x) / n, uy: (t.tr.y - t.tl.y) / n,
		vx: (t.bl.x - t.tl.x) / n, vy: (t.bl.y - t.tl.y) / n,
		sign: 1,
	}
	if !t.tl.dark {
		g.sign = -1
	}
	return g
}

// at is the point i modules along u and j along v from (x, y).
func (g moduleGrid) at(x, y, i, j float64) (float64, float64) {
	return x + i*g.ux + j*g.vx, y + i*g.uy + j*g.vy
}

// rings scores how well concentric square rings of modules centred on
// (cx, cy), out to ring r, match a pattern whose ring r-1 is light and
// every other ring dark: r=2 is an alignment pattern, r=3 a finder. The
// score is the polarity-corrected step from the dark modules' mean to the
// light ring's.
func (g moduleGrid) rings(p bitmap.Plane, cx, cy float64, r int) float64 {
	var dark, light float64
	nd, nl := 0, 0
	for j := -r; j <= r; j++ {
		for i := -r; i <= r; i++ {
			v := p.Bilinear(g.at(cx, cy, float64(i), float64(j)))
			if max(abs(i), abs(j)) == r-1 {
				light += v
				nl++
			} else {
				dark += v
				nd++
			}
		}
	}
	return g.sign * (light/float64(nl) - dark/float64(nd))
}

// findAlignment searches around the predicted alignment centre for the
// 5×5-module pattern (dark ring, light ring, dark centre), scoring positions
// by the contrast between the light ring and the dark modules.
func (t triplet) findAlignment(p bitmap.Plane, dim int) (brEstimate, bool) {
	g := t.grid(dim)
	a := float64(dim-7) - 3 // alignment centre, in modules from the top-left finder centre
	ex, ey := g.at(t.tl.x, t.tl.y, a, a)
	score := func(cx, cy float64) float64 { return g.rings(p, cx, cy, 2) }
	// A coarse search in whole modules, then half modules around the best.
	best, bx, by := math.Inf(-1), ex, ey
	const reach = 4.0 // modules
	for j := -reach; j <= reach; j++ {
		for i := -reach; i <= reach; i++ {
			cx, cy := g.at(ex, ey, i, j)
			if s := score(cx, cy); s > best {
				best, bx, by = s, cx, cy
			}
		}
	}
	cx0, cy0 := bx, by
	for j := -0.5; j <= 0.5; j += 0.5 {
		for i := -0.5; i <= 0.5; i += 0.5 {
			cx, cy := g.at(cx0, cy0, i, j)
			if s := score(cx, cy); s > best {
				best, bx, by = s, cx, cy
			}
		}
	}
	if best < 20 {
		return brEstimate{}, false
	}
	return brEstimate{x: bx, y: by, sx: float64(dim) - 6.5, sy: float64(dim) - 6.5}, true
}

func joinSegments(segs [][]byte) []byte {
	var out []byte
	for _, s := range segs {
		out = append(out, s...)
	}
	return out
}

// refine moves each finder centre to where the finder pattern (a dark
// 7×7-module ring, a light ring, a dark 3×3 centre) fits the luminance
// best, within a module, in quarter-module steps. It reports whether any
// centre moved.
func (t triplet) refine(p bitmap.Plane, dim int) (triplet, bool) {
	g := t.grid(dim)
	score := func(cx, cy float64) float64 { return g.rings(p, cx, cy, 3) }
	moved := false
	fit := func(c candidate) candidate {
		best, bx, by := score(c.x, c.y), c.x, c.y
		for dj := -1.0; dj <= 1; dj += 0.25 {
			for di := -1.0; di <= 1; di += 0.25 {
				x, y := g.at(c.x, c.y, di, dj)
				if s := score(x, y); s > best {
					best, bx, by = s, x, y
				}
			}
		}
		if bx != c.x || by != c.y {
			moved = true
		}
		c.x, c.y = bx, by
		return c
	}
	out := t
	out.tl, out.tr, out.bl = fit(t.tl), fit(t.tr), fit(t.bl)
	return out, moved
}
