package decoder

import (
	"context"
	"image"
	"math"
	"unicode/utf8"

	"github.com/qrgate/qrgate/decoder/datamatrix"
	"github.com/qrgate/qrgate/decoder/internal/bitmap"
	"github.com/qrgate/qrgate/decoder/internal/zx"
	"github.com/qrgate/qrgate/decoder/linear"
	"github.com/qrgate/qrgate/decoder/qr"
	"github.com/qrgate/qrgate/decoder/symbology"
)

// scanState collects the codes of one image across frames and strategies,
// and meters their work: every level and reader call is charged before it
// runs, and one the budget cannot pay is not run.
type scanState struct {
	ctx     context.Context
	onPanic func(any)
	frame   int
	codes   []Code
	seen    map[string]bool
	budget  Work
	spent   Work
	cut     Cut
	unread  [][][2]int // corners of codes seen but not decoded (this frame)
	skip    Strategy
}

func newScanState(ctx context.Context, budget Work, onPanic func(any)) *scanState {
	return &scanState{ctx: ctx, budget: budget, onPanic: onPanic, seen: map[string]bool{}}
}

// Expired reports whether the scan has been cut short: the work budget
// could not pay for a step, or the caller's deadline passed.
func (s *scanState) Expired() bool {
	if s.cut == NotCut && s.ctx.Err() != nil {
		s.cut = CutByDeadline
	}
	return s.cut != NotCut
}

// spend charges w to the budget, or reports false (and the scan cut short)
// when the budget cannot pay it or the scan was cut already.
func (s *scanState) spend(w Work) bool {
	if s.Expired() {
		return false
	}
	if w > s.budget-s.spent {
		s.cut = CutByBudget
		return false
	}
	s.spent += w
	return true
}

// charged is the scan as a reader sees it: each reader call (Attempt) is
// charged cost first, and not made when the budget cannot pay it.
type charged struct {
	*scanState
	cost Work
}

// Attempt runs one reader call if the budget pays for it; a panic in it is
// contained and reported, and the attempt counts as nothing found.
func (c charged) Attempt(f func()) {
	if c.spend(c.cost) {
		contain(c.onPanic, f)
	}
}

// tracing is the scan as the Data Matrix reader sees it: decodes are
// charged like any reader call, and its edge tracing by the pixels it
// visits.
type tracing struct{ charged }

// Spend charges pixels of tracing to the budget.
func (t tracing) Spend(pixels int64) bool { return t.spend(Work(pixels)) }

// A pyramid level: the finder search runs on the plane downscaled by
// scale, keeping module sizes (in that level's pixels) its binarizer window
// resolves; codes are decoded on the full-resolution plane.
type level struct {
	strategy   Strategy
	scale      int
	step       int
	minM, maxM float64
}

var levels = []level{
	{strategy: FinderFull, scale: 1, step: 2, minM: 1.3, maxM: 5},
	{strategy: FinderHalf, scale: 2, step: 1, minM: 2.2, maxM: 5.5},
	{strategy: FinderQuarter, scale: 4, step: 1, minM: 2.2, maxM: 40},
	// The coarsest levels are there for their regions: a Data Matrix (no
	// finder patterns) whose modules are over ~4 px at the quarter level
	// shows no block of dense changes at any finer level. Together they
	// cost under 1/50 of a scan.
	{strategy: Regions, scale: 8, step: 1, minM: 2.2, maxM: 40},
	{strategy: Regions, scale: 16, step: 1, minM: 2.2, maxM: 40},
}

// scan runs the strategies on one frame's luminance plane.
func (s *scanState) scan(p bitmap.Plane) {
	var regions, squares, coarse []image.Rectangle
	fineRegions, fineSquares := 0, 0 // how many of them the full level found
	var fullTh *bitmap.Thresholds
	var fullBusy []bool // nil when the full level was not scanned
	var fullBW int
	pyramid := []bitmap.Plane{p} // pyramid[k] is the plane at scale 2^k
	st := bitmap.StatsOf(p)
	qrs := qr.NewScan()
	for _, l := range levels {
		if s.Expired() {
			return
		}
		if min(p.W, p.H)/l.scale < minLevelSide {
			break
		}
		for l.scale > 1<<(len(pyramid)-1) { // each level from the one before, by halves
			half := pyramid[len(pyramid)-1].Half()
			pyramid = append(pyramid, half)
			st = st.Half(half.W, half.H)
		}
		lp := pyramid[len(pyramid)-1]
		if !s.spend(Work(lp.W) * Work(lp.H)) {
			return
		}
		th := bitmap.NewThresholds(lp, st)
		if l.scale == 1 {
			fullTh = th // the scanlines use it whether or not the level is scanned
		}
		if s.skip&l.strategy != 0 {
			continue
		}
		ls := qr.ScanLevel(th, l.step, l.minM, l.maxM)
		if l.scale == 1 {
			fullBusy, fullBW = ls.Changes.Busy(), ls.Changes.BW
		}
		if s.skip&DataMatrix == 0 {
			s.addAll(datamatrix.ReadLevel(tracing{charged{s, chargeDMDecode}}, th, ls.Changes, l.scale))
		}
		if l.strategy == Regions {
			// Regions-only levels look for big Data Matrix codes (a QR code
			// that big was found by its finders at the quarter level).
			coarse = appendRegions(coarse, scaleRects(datamatrix.CodeRegions(ls.Changes, 1), l.scale), 4, true)
			coarse = appendRegions(coarse, scaleRects(datamatrix.SquareRegions(ls.Changes, 1), l.scale), 4, true)
			continue
		}
		qrs.ReadLevel(charged{s, chargeTriplet}, p, ls, l.scale, l.minM, qr.Options{CornerSearch: s.skip&CornerSearch == 0, Pairs: s.skip&FinderPairs == 0})
		regions = appendRegions(regions, scaleRects(datamatrix.CodeRegions(ls.Changes, maxRegions), l.scale), 2*maxRegions, false)
		squares = appendRegions(squares, scaleRects(datamatrix.SquareRegions(ls.Changes, maxRegions), l.scale), 2*maxRegions, false)
		if l.scale == 1 {
			fineRegions, fineSquares = len(regions), len(squares)
		}
	}
	if s.Expired() {
		return
	}
	if s.skip&Regions == 0 {
		s.regionReads(pyramid, regions, true, maxRegionSide, fineRegions)
		s.regionReads(pyramid, squares, false, maxRegionSide, fineSquares) // framed squares: Data Matrix (QR has its finders)
		s.regionReads(pyramid, coarse, false, maxCoarseRegionSide, 0)
	}
	if s.Expired() {
		return
	}
	if fullTh != nil && s.skip&Linear == 0 {
		// Each line read is charged its pixels (at most the longer side).
		for _, r := range linear.Scan(charged{s, chargeLine + Work(max(p.W, p.H))}, fullTh, fullBusy, fullBW) {
			s.addCode(symbology.EAN_13, r.Text, nil, r.Corners)
		}
	}
	s.reportUnread()
}

func toImageCorners(c [4][2]float64) [][2]int {
	cs := make([][2]int, 0, 4)
	for _, pt := range c {
		cs = append(cs, [2]int{int(math.Round(pt[0])), int(math.Round(pt[1]))})
	}
	return cs
}

// reportUnread adds an UNDECODED code for each unread code that no decoded
// code (or earlier unread one) already accounts for.
func (s *scanState) reportUnread() {
	for _, cs := range s.unread {
		r := boundsOf(cs)
		if s.covers(r) {
			continue
		}
		s.codes = append(s.codes, Code{Symbology: symbology.UNDECODED, Corners: cs, Frame: s.frame})
	}
	s.unread = s.unread[:0]
}

func boundsOf(cs [][2]int) image.Rectangle {
	r := image.Rectangle{Min: image.Pt(cs[0][0], cs[0][1]), Max: image.Pt(cs[0][0]+1, cs[0][1]+1)}
	for _, c := range cs[1:] {
		r = r.Union(image.Rect(c[0], c[1], c[0]+1, c[1]+1))
	}
	return r
}

// minLevelSide is the smallest plane side a pyramid level is scanned at.
const minLevelSide = 60

// maxRegions bounds the code-like regions handed to the region readers,
// per level and in all.
const maxRegions = 3

// appendRegions adds the regions of a coarser level that are not already
// there (a code seen at two levels overlaps itself): by default two regions
// are the same when over half of the smaller is in both. With byLarger,
// over half of the larger must be: a big code's modules are texture at a
// finer level, where a patch of it can stand out as a small region of its
// own, and that patch must not hide the whole code found at a coarser
// level. The coarse, regions-only levels use it (their reads are small);
// on the finer levels it would read more big crops, 2 ms per clean photo.
func appendRegions(have, add []image.Rectangle, limit int, byLarger bool) []image.Rectangle {
	for _, r := range add {
		dup := false
		for _, h := range have {
			in := area(h.Intersect(r))
			if byLarger && 2*in > max(area(h), area(r)) || !byLarger && 2*in > min(area(h), area(r)) {
				dup = true
				break
			}
		}
		if !dup && len(have) < limit {
			have = append(have, r)
		}
	}
	return have
}

func scaleRects(rs []image.Rectangle, f int) []image.Rectangle {
	for i := range rs {
		rs[i] = image.Rect(rs[i].Min.X*f, rs[i].Min.Y*f, rs[i].Max.X*f, rs[i].Max.Y*f)
	}
	return rs
}

// regionReads runs gozxing's Data Matrix and QR readers on each code-like
// region not already explained by a decoded code, cropped with a margin so
// the code sits in the middle of the reader's input.
//
// The first fine regions were found at full resolution, where modules are
// small: where the Data Matrix reader fails on one of them, it reads it
// again at twice the size.
func (s *scanState) regionReads(pyramid []bitmap.Plane, regions []image.Rectangle, qrToo bool, maxSide, fine int) {
	p := pyramid[0]
	for i, r := range regions {
		if s.Expired() {
			return
		}
		if s.covers(r) {
			continue
		}
		m := max(r.Dx(), r.Dy()) / 3
		c := image.Rect(r.Min.X-m, r.Min.Y-m, r.Max.X+m, r.Max.Y+m).Intersect(image.Rect(0, 0, p.W, p.H))
		s.regionRead(regionView(pyramid, c, maxSide), qrToo, i < fine)
	}
}

// maxRegionSide is the longest side, in pixels, at which a region is handed
// to gozxing's readers. A region spanning most of a big photo (found on the
// quarter level) is read from a reduced plane: its modules, if it is a code,
// are large, and gozxing's binarizer on a full-resolution 15-megapixel crop
// costs more than the rest of the scan (the corpus: up to 67 ms, never a
// read, while every region that did read was under 300 px).
const maxRegionSide = 1024

// maxCoarseRegionSide is the same for the regions of the regions-only
// levels, whose codes have modules of 4 px or more at the quarter level: at
// most 384 px keeps them 2 px or more and the reads cheap.
const maxCoarseRegionSide = 384

// regionView crops c (in image pixels) from the finest pyramid level at
// which its longer side is at most maxSide.
func regionView(pyramid []bitmap.Plane, c image.Rectangle, maxSide int) bitmap.View {
	k := 0
	for k+1 < len(pyramid) && max(c.Dx(), c.Dy())>>k > maxSide {
		k++
	}
	sc := image.Rect(c.Min.X>>k, c.Min.Y>>k, c.Max.X>>k, c.Max.Y>>k)
	return bitmap.View{P: pyramid[k].Crop(sc), OX: sc.Min.X << k, OY: sc.Min.Y << k, Scale: float64(int(1) << k)}
}

// covers reports whether a decoded code of this frame lies mostly inside r.
func (s *scanState) covers(r image.Rectangle) bool {
	for _, c := range s.codes {
		if c.Frame != s.frame || len(c.Corners) == 0 {
			continue
		}
		cx, cy := 0, 0
		for _, pt := range c.Corners {
			cx += pt[0]
			cy += pt[1]
		}
		if image.Pt(cx/len(c.Corners), cy/len(c.Corners)).In(r) {
			return true
		}
	}
	return false
}

// addCode records a code once per (symbology, text) in the image.
func (s *scanState) addCode(sym symbology.Symbology, text string, raw []byte, cs [][2]int) {
	key := string(sym) + "\x00" + text
	if s.seen[key] {
		return
	}
	s.seen[key] = true
	c := Code{Symbology: sym, Text: text, Frame: s.frame, Corners: cs}
	if raw != nil && !utf8.Valid(raw) {
		c.Raw = raw
	}
	s.codes = append(s.codes, c)
}

// regionRead runs the Data Matrix reader, then (if qrToo) gozxing's QR
// reader, on a crop around one code-like region; upscale: the region was
// found at full resolution (see datamatrix.Read).
func (s *scanState) regionRead(v bitmap.View, qrToo, upscale bool) {
	r, ok := zx.NewRegion(v)
	if !ok {
		return
	}
	// Each reader call is charged the crop's pixels; the rare upscaled
	// Data Matrix re-read (a symbol found that did not decode) as one.
	c := charged{s, chargeRegionCall + chargeRegionPixel*Work(v.P.W)*Work(v.P.H)}
	s.addAll(datamatrix.Read(c.Attempt, r, upscale))
	if qrToo {
		s.addAll(qr.ReadRegion(c.Attempt, r))
	}
}

func (s *scanState) addAll(codes []zx.Code) {
	for _, c := range codes {
		s.addCode(c.Symbology, c.Text, c.Raw, c.Corners)
	}
}

// Found records a QR code the finder search read.
func (s *scanState) Found(r *qr.Read) {
	s.addCode(symbology.QR_CODE, r.Text, r.Raw, toImageCorners(r.Corners))
}

// Unread records a QR code seen but not read, for reportUnread.
func (s *scanState) Unread(corners [4][2]float64) {
	s.unread = append(s.unread, toImageCorners(corners))
}

// InCode reports whether (x, y) lies in the bounds of a code of this frame
// already read.
func (s *scanState) InCode(x, y float64) bool {
	pt := image.Pt(int(math.Round(x)), int(math.Round(y)))
	for _, c := range s.codes {
		if c.Frame == s.frame && len(c.Corners) > 0 && pt.In(boundsOf(c.Corners)) {
			return true
		}
	}
	return false
}

func area(r image.Rectangle) int { return r.Dx() * r.Dy() }
