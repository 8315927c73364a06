package decoder

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Work is an amount of scanning, counted by what the strategies do rather
// than by the clock, so that whether an image is cut short depends only on
// its bytes and the limits, never on the machine's load. The unit is one
// pixel of one pyramid level scanned (thresholds and finder search); reader
// calls are charged what they cost in that unit (see the charges below).
// A megapixel-pass (MPass) is a million of them.
type Work int64

// MPass is a million pixel-passes: the flags' unit of work.
const MPass Work = 1_000_000

// DefaultBudget is the work one image's strategies may spend: 5.9 times
// the most an image of the shared corpus or of the generator's set spends
// (68 MPass) and 2.9 times a 40-megapixel photo's, so that only hostile
// images (many noisy frames, photos full of finder look-alikes) are cut
// short; about 1–2.6 CPU-s here (docs/reliability.md has the distribution
// it was set from and its command).
const DefaultBudget = 400 * MPass

// The charges of the strategies, in pixel-passes: each kind of call's CPU
// relative to a level's pixel (about 4.5 ns here), fitted by least squares
// to the scan CPU of the shared corpus's images and of the decoy GIF,
// counted per kind of call. Over the corpus and the generator's images a
// pixel-pass then costs 2.3–6.6 ns of scan CPU (p10–p90, TestWorkTracksCPU;
// docs/reliability.md, "The decoy GIF and the work budget").
const (
	// chargeTriplet is one QR decode from a finder triplet or pair
	// (about 300 µs: the grid fitted to the finders' rings and sampled
	// several ways, and the corner search).
	chargeTriplet Work = 65_000
	// chargeLine is one EAN-13 scanline handed to gozxing's row reader
	// (binarized, read both ways), besides one charge per pixel of the
	// line.
	chargeLine Work = 4_000
	// chargeRegionCall is one gozxing reader call on a region, besides
	// chargeRegionPixel for each of the region's pixels (the reader
	// binarizes and searches the whole crop, about 16 ns a pixel). The
	// fixed part is set, not fitted: the corpus's regions could not tell
	// it apart from their pixels.
	chargeRegionCall  Work = 5_000
	chargeRegionPixel Work = 4
	// chargeDMDecode is one Data Matrix symbol the tracer found, sampled
	// and handed to gozxing's ECC200 decoder (twice when the timing edges
	// refine it): about 20 µs. Its tracing is charged by the pixels it
	// visits (datamatrix.Host).
	chargeDMDecode Work = 5_000
)

// String prints w in megapixel-passes.
func (w Work) String() string {
	return strconv.FormatFloat(float64(w)/float64(MPass), 'f', -1, 64) + " MPass"
}

// ParseWork reads a work budget in megapixel-passes: a plain number
// ("400", "12.5"), optionally followed by "MPass". A duration ("2s"), the
// flag's unit before work was counted, is refused with a message naming
// the unit, so a configuration written for the old flag fails loudly
// instead of meaning something else.
func ParseWork(s string) (Work, error) {
	t := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "MPass"))
	v, err := strconv.ParseFloat(t, 64)
	if err == nil && v > 0 && v <= float64(1<<62)/float64(MPass) {
		return Work(v * float64(MPass)), nil
	}
	if _, derr := time.ParseDuration(s); derr == nil {
		return 0, fmt.Errorf("%q is a duration: the budget is now work in megapixel-passes (e.g. %g), not time, so that whether an image is cut short never depends on the machine's load", s, float64(DefaultBudget)/float64(MPass))
	}
	return 0, fmt.Errorf("%q is not a positive number of megapixel-passes (e.g. %g)", s, float64(DefaultBudget)/float64(MPass))
}

// Cut says what, if anything, left part of an image unscanned.
type Cut uint8

// The ways a scan ends.
const (
	// NotCut: every frame, level and strategy ran.
	NotCut Cut = iota
	// CutByBudget: the work budget ran out. The same bytes under the same
	// limits are always cut at the same point, so the outcome may be
	// cached like any other.
	CutByBudget
	// CutByDeadline: the caller's context ended first (a wall clock),
	// which says more about the load at the time than about the image.
	CutByDeadline
)

func (c Cut) String() string {
	switch c {
	case NotCut:
		return "not cut"
	case CutByBudget:
		return "the work budget"
	case CutByDeadline:
		return "the deadline"
	}
	return fmt.Sprintf("Cut(%d)", uint8(c))
}

// Set parses a flag's value (ParseWork), so a *Work is a flag.Value.
func (w *Work) Set(s string) error {
	v, err := ParseWork(s)
	if err != nil {
		return err
	}
	*w = v
	return nil
}
