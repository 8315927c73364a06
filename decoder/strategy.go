package decoder

import (
	"context"
	"fmt"
	"image"
	"math"
	"slices"
	"unicode/utf8"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/datamatrix"
	"github.com/makiuchi-d/gozxing/qrcode"
	qrdetector "github.com/makiuchi-d/gozxing/qrcode/detector"
)

// scanState collects the codes of one image across frames and strategies.
type scanState struct {
	ctx     context.Context
	onPanic func(any)
	frame   int
	codes   []Code
	seen    map[string]bool
	partial bool
	unread  [][][2]int // corners of codes seen but not decoded (this frame)
	skip    Strategy
}

func newScanState(ctx context.Context, onPanic func(any)) *scanState {
	return &scanState{ctx: ctx, onPanic: onPanic, seen: map[string]bool{}}
}

func (s *scanState) expired() bool {
	if s.ctx.Err() != nil {
		s.partial = true
		return true
	}
	return false
}

// view is a crop of the plane handed to a third-party reader, with its
// offset in the image.
type view struct {
	p      plane
	ox, oy int
	scale  float64 // image pixels per view pixel
}

func (v view) toImage(x, y float64) [2]int {
	return [2]int{int(math.Round(float64(v.ox) + x*v.scale)), int(math.Round(float64(v.oy) + y*v.scale))}
}

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
func (s *scanState) scan(p plane) {
	var regions, squares, coarse []image.Rectangle
	fineRegions, fineSquares := 0, 0 // how many of them the full level found
	var fullTh *thresholds
	var fullBusy []bool // nil when the full level was not scanned
	var fullBW int
	pyramid := []plane{p} // pyramid[k] is the plane at scale 2^k
	st := statsOf(p)
	for _, l := range levels {
		if s.expired() {
			return
		}
		if min(p.w, p.h)/l.scale < minLevelSide {
			break
		}
		for l.scale > 1<<(len(pyramid)-1) { // each level from the one before, by halves
			half := pyramid[len(pyramid)-1].half()
			pyramid = append(pyramid, half)
			st = st.half(half.w, half.h)
		}
		lp := pyramid[len(pyramid)-1]
		th := newThresholds(lp, st)
		if l.scale == 1 {
			fullTh = th // the scanlines use it whether or not the level is scanned
		}
		if s.skip&l.strategy != 0 {
			continue
		}
		ls := scanLevel(th, l.step, l.minM, l.maxM)
		if l.scale == 1 {
			fullBusy, fullBW = ls.busy(), ls.bw
		}
		if l.strategy == Regions {
			// Regions-only levels look for big Data Matrix codes (a QR code
			// that big was found by its finders at the quarter level).
			coarse = appendRegions(coarse, scaleRects(codeRegions(ls, 1), l.scale), 4, true)
			coarse = appendRegions(coarse, scaleRects(squareRegions(ls, 1), l.scale), 4, true)
			continue
		}
		s.qrCandidates(p, ls.cands, l)
		regions = appendRegions(regions, scaleRects(codeRegions(ls, maxRegions), l.scale), 2*maxRegions, false)
		squares = appendRegions(squares, scaleRects(squareRegions(ls, maxRegions), l.scale), 2*maxRegions, false)
		if l.scale == 1 {
			fineRegions, fineSquares = len(regions), len(squares)
		}
	}
	if s.expired() {
		return
	}
	if s.skip&Regions == 0 {
		s.regionReads(pyramid, regions, true, maxRegionSide, fineRegions)
		s.regionReads(pyramid, squares, false, maxRegionSide, fineSquares) // framed squares: Data Matrix (QR has its finders)
		s.regionReads(pyramid, coarse, false, maxCoarseRegionSide, 0)
	}
	if s.expired() {
		return
	}
	if fullTh != nil && s.skip&Linear == 0 {
		s.linearCodes(fullTh, fullBusy, fullBW)
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

// undecodedTiming is the timing-pattern agreement above which a strict
// finder triplet that reads as nothing is reported as an UNDECODED code: a
// finder triplet and 2·(dim-16) alternating modules between them do not
// happen by chance in a photo.
const undecodedTiming = 0.9

// reportUnread adds an UNDECODED code for each unread code that no decoded
// code (or earlier unread one) already accounts for.
func (s *scanState) reportUnread() {
	for _, cs := range s.unread {
		r := boundsOf(cs)
		if s.covers(r) {
			continue
		}
		s.codes = append(s.codes, Code{Symbology: "UNDECODED", Corners: cs, Frame: s.frame})
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
func (s *scanState) regionReads(pyramid []plane, regions []image.Rectangle, qr bool, maxSide, fine int) {
	p := pyramid[0]
	for i, r := range regions {
		if s.expired() {
			return
		}
		if s.covers(r) {
			continue
		}
		m := max(r.Dx(), r.Dy()) / 3
		c := image.Rect(r.Min.X-m, r.Min.Y-m, r.Max.X+m, r.Max.Y+m).Intersect(image.Rect(0, 0, p.w, p.h))
		s.regionRead(regionView(pyramid, c, maxSide), qr, i < fine)
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
func regionView(pyramid []plane, c image.Rectangle, maxSide int) view {
	k := 0
	for k+1 < len(pyramid) && max(c.Dx(), c.Dy())>>k > maxSide {
		k++
	}
	sc := image.Rect(c.Min.X>>k, c.Min.Y>>k, c.Max.X>>k, c.Max.Y>>k)
	return view{p: pyramid[k].crop(sc), ox: sc.Min.X << k, oy: sc.Min.Y << k, scale: float64(int(1) << k)}
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

// maxTripletAttempts bounds the decodes tried per level: the best-shaped
// triplets come first, and a photo full of look-alikes must not cost seconds.
const maxTripletAttempts = 16

// qrCandidates groups a level's finder candidates into triplets and
// decodes each on the full-resolution plane p.
func (s *scanState) qrCandidates(p plane, cands []candidate, l level) int {
	before := len(s.codes)
	cands = slices.DeleteFunc(cands, func(c candidate) bool { return c.count < 2 })
	sc := float64(l.scale)
	for i := range cands {
		cands[i].x, cands[i].y, cands[i].m = cands[i].x*sc, cands[i].y*sc, cands[i].m*sc
	}
	trips := findTriplets(cands, 40)
	used := map[[2]int]bool{}
	key := func(c candidate) [2]int { return [2]int{int(c.x), int(c.y)} }
	for i, t := range trips {
		if i >= maxTripletAttempts || s.expired() {
			break
		}
		if used[key(t.tl)] || used[key(t.tr)] || used[key(t.bl)] {
			continue
		}
		var r *qrRead
		var ok bool
		s.attempt(func() { r, ok = decodeTriplet(p, t, s.skip&CornerSearch == 0) })
		if !ok || r.text == "" {
			if r != nil && r.timing >= undecodedTiming && t.strict() {
				s.unread = append(s.unread, toImageCorners(r.corners))
			}
			continue
		}
		used[key(t.tl)], used[key(t.tr)], used[key(t.bl)] = true, true, true
		s.addCode("QR_CODE", r.text, r.raw, toImageCorners(r.corners))
	}
	if s.skip&FinderPairs == 0 {
		s.finderPairs(p, cands)
	}
	return len(s.codes) - before
}

// regionRead runs gozxing's Data Matrix reader, then (if qr) its QR reader, on a
// crop around one code-like region. The QR reader's own finder sometimes
// reads a code the candidate search missed (a damaged finder pattern).
func (s *scanState) regionRead(v view, qr, upscale bool) {
	bmp, ok := bitmapOf(v.p)
	if !ok {
		return
	}
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
	// seen: the detector found a symbol that did not decode (a format or
	// checksum error, not "not found"), the case a re-read at twice the
	// size fixes; texture seldom gets that far.
	seen := false
	s.attempt(func() {
		r, err := datamatrix.NewDataMatrixReader().Decode(bmp, hints)
		if err == nil {
			s.add(v, r)
			return
		}
		_, notFound := err.(gozxing.NotFoundException)
		seen = !notFound
	})
	if seen && upscale && max(v.p.w, v.p.h) <= maxUpscaledRegion {
		s.upscaledDataMatrix(v, hints)
	}
	if !qr {
		return
	}
	s.attempt(func() {
		if r, err := qrcode.NewQRCodeReader().Decode(bmp, hints); err == nil {
			s.add(v, r)
		}
	})
}

// maxUpscaledRegion is the longest side of a full-resolution region that is
// read again at twice its size when the Data Matrix reader fails on it:
// gozxing's detector counts modules of 2–3 px wrong (a 26×26 code read as
// 26×14), and bilinear 2× upscaling is enough for it to count them right.
const maxUpscaledRegion = 256

// upscaledDataMatrix runs the Data Matrix reader on v at twice its size.
func (s *scanState) upscaledDataMatrix(v view, hints map[gozxing.DecodeHintType]any) {
	uv := view{p: v.p.double(), ox: v.ox, oy: v.oy, scale: v.scale / 2}
	bmp, ok := bitmapOf(uv.p)
	if !ok {
		return
	}
	s.attempt(func() {
		if r, err := datamatrix.NewDataMatrixReader().Decode(bmp, hints); err == nil {
			s.add(uv, r)
		}
	})
}

// bitmapOf is p binarized the way gozxing's 2-D readers expect.
func bitmapOf(p plane) (*gozxing.BinaryBitmap, bool) {
	src, err := gozxing.NewPlanarYUVLuminanceSource(p.pix, p.stride, p.h, 0, 0, p.w, p.h, false)
	if err != nil {
		return nil, false
	}
	bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(src))
	return bmp, err == nil
}

// attempt runs one reader call, containing panics from third-party code.
func (s *scanState) attempt(f func()) {
	defer func() {
		if r := recover(); r != nil {
			s.onPanic(r)
		}
	}()
	f()
}

func (s *scanState) add(v view, r *gozxing.Result) {
	s.addCode(symbologyName(r.GetBarcodeFormat()), r.GetText(), byteSegments(r), corners(v, r))
}

// addCode records a code once per (symbology, text) in the image.
func (s *scanState) addCode(sym, text string, raw []byte, cs [][2]int) {
	key := sym + "\x00" + text
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

func byteSegments(r *gozxing.Result) []byte {
	segs, ok := r.GetResultMetadata()[gozxing.ResultMetadataType_BYTE_SEGMENTS].([][]byte)
	if !ok {
		return nil
	}
	var out []byte
	for _, s := range segs {
		out = append(out, s...)
	}
	return out
}

func symbologyName(f gozxing.BarcodeFormat) string {
	switch f {
	case gozxing.BarcodeFormat_QR_CODE:
		return "QR_CODE"
	case gozxing.BarcodeFormat_DATA_MATRIX:
		return "DATA_MATRIX"
	case gozxing.BarcodeFormat_AZTEC:
		return "AZTEC"
	case gozxing.BarcodeFormat_EAN_13:
		return "EAN_13"
	case gozxing.BarcodeFormat_EAN_8:
		return "EAN_8"
	case gozxing.BarcodeFormat_UPC_A:
		return "UPC_A"
	case gozxing.BarcodeFormat_UPC_E:
		return "UPC_E"
	case gozxing.BarcodeFormat_CODE_128:
		return "CODE_128"
	case gozxing.BarcodeFormat_CODE_39:
		return "CODE_39"
	case gozxing.BarcodeFormat_PDF_417:
		return "PDF_417"
	}
	return fmt.Sprint(f)
}

// corners turns a result's points into the code's corners in image space.
// QR results carry finder-pattern centres (bottom-left, top-left, top-right):
// the corners lie 3.5 modules further out.
func corners(v view, r *gozxing.Result) [][2]int {
	pts := r.GetResultPoints()
	if r.GetBarcodeFormat() == gozxing.BarcodeFormat_QR_CODE && len(pts) >= 3 {
		bl, tl, tr := pts[0], pts[1], pts[2]
		ms := 1.0
		if fp, ok := tl.(*qrdetector.FinderPattern); ok {
			ms = fp.GetEstimatedModuleSize()
		}
		ux, uy := unit(tr.GetX()-tl.GetX(), tr.GetY()-tl.GetY())
		vx, vy := unit(bl.GetX()-tl.GetX(), bl.GetY()-tl.GetY())
		d := 3.5 * ms
		return [][2]int{
			v.toImage(tl.GetX()-d*ux-d*vx, tl.GetY()-d*uy-d*vy),
			v.toImage(tr.GetX()+d*ux-d*vx, tr.GetY()+d*uy-d*vy),
			v.toImage(tr.GetX()+bl.GetX()-tl.GetX()+d*ux+d*vx, tr.GetY()+bl.GetY()-tl.GetY()+d*uy+d*vy),
			v.toImage(bl.GetX()-d*ux+d*vx, bl.GetY()-d*uy+d*vy),
		}
	}
	out := make([][2]int, 0, len(pts))
	for _, p := range pts {
		out = append(out, v.toImage(p.GetX(), p.GetY()))
	}
	return out
}

func unit(x, y float64) (float64, float64) {
	n := math.Hypot(x, y)
	if n == 0 {
		return 0, 0
	}
	return x / n, y / n
}
