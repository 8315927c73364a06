// Package qr reads QR codes from a luminance plane, the way zxing-cpp's
// qrcode/ splits the work:
//
//   - the detector (finder.go, pairs.go): a search for finder patterns
//     along the rows of each pyramid level, the grouping of three into a
//     triplet that could be one code's corners, and the placement of a
//     hidden third finder from two visible ones;
//   - the decoder (sampler.go, read.go): the module grid sampled from the
//     luminance under a perspective transform, thresholded several ways and
//     handed to gozxing's bit-stream decoder (Reed–Solomon and modes).
//
// A Scan runs both, one pyramid level at a time, on behalf of a Host, the
// decoder's scan, which owns the budget, the panic guard and the codes.
package qr

import (
	"slices"

	"github.com/qrgate/qrgate/decoder/internal/bitmap"
)

// Host is what the QR reader needs from the scan that runs it.
type Host interface {
	// Expired reports whether the scan's budget or deadline has run out.
	Expired() bool
	// Attempt runs one decode, containing a panic inside it.
	Attempt(decode func())
	// Found records a decoded code; its corners are in the plane's pixels.
	Found(r *Read)
	// Unread records a code seen but not read (its best-guess corners).
	Unread(corners [4][2]float64)
	// InCode reports whether (x, y) lies inside a code already read.
	InCode(x, y float64) bool
}

// Options select the QR strategies that cost extra.
type Options struct {
	// CornerSearch: when a code's timing patterns show but it does not
	// decode, search its fourth corner (perspective, no alignment pattern).
	CornerSearch bool
	// Pairs: complete pairs of finders whose third is hidden.
	Pairs bool
}

// undecodedTiming is the timing-pattern agreement above which a strict
// finder triplet that reads as nothing is reported as a code seen but not
// read: a finder triplet and 2·(dim-16) alternating modules between them do
// not happen by chance in a photo.
const undecodedTiming = 0.9

// maxTripletAttempts bounds the triplets tried per level: the best-shaped
// triplets come first, and a photo full of look-alikes must not cost
// seconds.
const maxTripletAttempts = 16

// triesPerRead is how many more triplets a level may try for each code it
// reads: on a sheet of codes, three neighbouring codes' finders form
// triplets as well shaped as a code's own, each rejected on its timing
// patterns, and a level that read codes is likely to hold more. A sheet of
// 12 codes (TestEveryCodeOnASheet) reads them all in 26 tries on one level;
// a photo with one code pays at most 8 tries more than one with none.
const triesPerRead = 8

// Scan reads the QR codes of one frame, level by level, finest first. It
// keeps what one level passes to the next: the finer level's finder
// candidates and the finders' measured rings.
type Scan struct {
	finer []candidate
	rings finderRings
}

// NewScan starts the QR reading of one frame.
func NewScan() *Scan { return &Scan{rings: finderRings{}} }

// ReadLevel groups the finder candidates of a level scanned on the plane
// downscaled by scale into triplets and decodes each on the
// full-resolution plane p; then, with opt.Pairs, tries pairs of finders
// whose third is hidden.
func (s *Scan) ReadLevel(h Host, p bitmap.Plane, l Level, scale int, minM float64, opt Options) {
	cands := slices.DeleteFunc(l.cands, func(c candidate) bool { return c.count < 2 })
	sc := float64(scale)
	for i := range cands {
		cands[i].x, cands[i].y, cands[i].m = cands[i].x*sc, cands[i].y*sc, cands[i].m*sc
	}
	trips := findTriplets(withFiner(cands, s.finer, minM*sc), 40)
	s.finer = cands
	used := map[[2]int]bool{}
	key := func(c candidate) [2]int { return [2]int{int(c.x), int(c.y)} }
	tries, reads := 0, 0
	for _, t := range trips {
		if tries >= maxTripletAttempts+triesPerRead*reads || h.Expired() {
			break
		}
		// A finder of a code already read, at this level or another,
		// belongs to that code: masked, the triplet is not tried at all.
		if used[key(t.tl)] || used[key(t.tr)] || used[key(t.bl)] || h.InCode(t.tl.x, t.tl.y) || h.InCode(t.tr.x, t.tr.y) || h.InCode(t.bl.x, t.bl.y) {
			continue
		}
		tries++
		var r *Read
		var ok bool
		h.Attempt(func() { r, ok = decodeTriplet(p, t, opt.CornerSearch, s.rings) })
		if !ok || r.Text == "" {
			if r != nil && r.squares && (r.fits || r.Timing >= undecodedTiming && t.strict()) {
				h.Unread(r.Corners)
			}
			continue
		}
		used[key(t.tl)], used[key(t.tr)], used[key(t.bl)] = true, true, true
		reads++
		h.Found(r)
	}
	if opt.Pairs {
		readPairs(h, p, cands, s.rings)
	}
}

// maxCarried bounds the finer level's candidates tried with a level's own.
const maxCarried = 6

// withFiner adds to a level's candidates the finer level's best ones whose
// modules are large enough to belong to the same code: a code seen in
// perspective has finders up to twice as large as each other, so its
// nearest finder can be found one level up from the other two. They go
// after the level's strongest few, ahead of its weak ones.
func withFiner(cands, finer []candidate, minM float64) []candidate {
	var add []candidate
	for _, f := range finer {
		if len(add) == maxCarried {
			break
		}
		if f.m*2.2 < minM || slices.ContainsFunc(cands, func(c candidate) bool { return c.dark == f.dark && dist(c, f) < 2*c.m }) {
			continue
		}
		add = append(add, f)
	}
	if len(add) == 0 {
		return cands
	}
	at := min(len(cands), maxCarried)
	out := make([]candidate, 0, len(cands)+len(add))
	out = append(out, cands[:at]...)
	out = append(out, add...)
	return append(out, cands[at:]...)
}

// readPairs tries the best pairs of candidates not inside a code already
// read, completing each with a synthetic third finder.
func readPairs(h Host, p bitmap.Plane, cands []candidate, rings finderRings) {
	var free []candidate
	for _, c := range cands {
		if len(free) == maxPairCandidates {
			break
		}
		if c.count >= minPairRows && !h.InCode(c.x, c.y) {
			free = append(free, c)
		}
	}
	pairs := plausiblePairs(free)
	for i, pr := range pairs {
		if i == maxPairAttempts || h.Expired() {
			return
		}
		if h.InCode(pr.a.x, pr.a.y) || h.InCode(pr.b.x, pr.b.y) {
			continue // read by an earlier pair
		}
		for _, c := range completions(pr.a, pr.b) {
			t, ok := makeTriplet(pr.a, pr.b, c)
			if !ok {
				continue
			}
			var r *Read
			var read bool // stays false when the attempt is not made (budget) or panics
			h.Attempt(func() { r, read = decodeTriplet(p, t, false, rings) })
			if read && r.Text != "" {
				h.Found(r)
				break
			}
		}
	}
}
