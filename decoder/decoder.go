// Package decoder finds every machine-readable code in an uploaded image.
//
// It takes the raw bytes of an upload, has decoder/image turn them into
// luminance planes (refusing bombs from the header), and runs an ordered set
// of strategies over them — a pyramid of scales, the QR finder search and
// grid reader (decoder/qr), code-like regions for Data Matrix
// (decoder/datamatrix), scanlines for EAN-13 (decoder/linear) — that stops
// as soon as its budget does. Every code is reported once, with its
// symbology, exact payload and corners in the original image's coordinates.
package decoder

import (
	"context"
	"fmt"

	"github.com/qrgate/qrgate/decoder/image"
	"github.com/qrgate/qrgate/decoder/internal/bitmap"
	"github.com/qrgate/qrgate/decoder/symbology"
)

// Config holds the decoder's limits. The zero value of a field means its default.
type Config struct {
	// MaxPixels refuses images whose header declares more pixels (width ×
	// height, per frame). Default 40 megapixels.
	MaxPixels int
	// MaxFrames refuses animated GIFs with more frames. Default 50.
	MaxFrames int
	// MaxWork refuses images whose headers show more decoding work, in
	// megapixel-passes (image.Info.Work: pixels × scans of a progressive
	// JPEG, inflated bytes of a PNG, pixels × frames of a GIF), with
	// ErrTooComplex. Default DefaultMaxWork.
	MaxWork int
	// Budget bounds the work the strategies spend on one image, counted
	// in pixel-passes and reader calls (see Work), not in time: when it
	// runs out the result is marked Partial (Cut: CutByBudget), or, if no
	// code was found yet, the image fails with ErrTimeout. Default
	// DefaultBudget. The context's deadline is the wall-clock guard
	// around it (CutByDeadline).
	Budget Work
	// OnPanic is called with a *PanicError whenever decoding panics. In
	// pixel decoding the image then fails with ErrCorrupt (the *PanicError
	// as its cause); in one reader call of the strategies, that attempt
	// counts as "nothing found" and scanning goes on.
	OnPanic func(recovered any)
	// Skip turns strategies off, trading recall for CPU (and measuring what
	// each one is worth: see docs/decoder.md). The zero value runs them all.
	Skip Strategy
}

// Strategy is one step of the scan, as a bit of a set.
type Strategy uint

// The strategies, in the order a scan runs them.
const (
	// FinderFull: QR finder-pattern search at full resolution (modules of
	// 0.8–5 px: small codes in large photos).
	FinderFull Strategy = 1 << iota
	// FinderHalf: the search on the 2× downscale (modules of 4.4–11 px).
	FinderHalf
	// FinderQuarter: the search on the 4× downscale (big codes, heavy noise).
	FinderQuarter
	// CornerSearch: when a code's timing patterns show but it does not
	// decode, search its fourth corner (perspective, no alignment pattern).
	CornerSearch
	// Regions: gozxing's Data Matrix and QR readers on code-like regions
	// of the levels above, and its Data Matrix reader on those of the 8×
	// and 16× downscales (Data Matrix codes with big modules).
	Regions
	// Linear: EAN-13 along rows, columns and diagonals.
	Linear
	// FinderPairs: two finder patterns with the third one hidden (a
	// sticker, a logo, another card over it): the third is placed where
	// the two imply and the code decoded if its error correction allows.
	FinderPairs
	// DataMatrix: the Data Matrix detector of decoder/datamatrix on every
	// pyramid level scanned (the solid L and the dashed timing edges
	// traced in the level's block thresholds, dark on light and light on
	// dark, from starts next to the level scan's busy blocks).
	DataMatrix
)

// strategyNames are the strategies' names (for flags and reports), in
// their bit order.
var strategyNames = [...]string{"finder-full", "finder-half", "finder-quarter", "corner-search", "regions", "linear", "finder-pairs", "datamatrix"}

// AllStrategies lists every strategy, in the order a scan runs them.
func AllStrategies() []Strategy {
	out := make([]Strategy, len(strategyNames))
	for i := range out {
		out[i] = 1 << i
	}
	return out
}

// String is the strategy's name ("finder-full", …); a set of several, or
// an unknown bit, prints as a number.
func (s Strategy) String() string {
	for i, n := range strategyNames {
		if s == 1<<i {
			return n
		}
	}
	return fmt.Sprintf("Strategy(%#x)", uint(s))
}

// StrategyByName returns the strategy called name, as String spells it.
func StrategyByName(name string) (Strategy, bool) {
	for i, n := range strategyNames {
		if n == name {
			return 1 << i, true
		}
	}
	return 0, false
}

// Default limits.
const (
	DefaultMaxPixels = 40_000_000
	DefaultMaxFrames = 50
	// DefaultMaxWork admits the largest JPEG the pixel limit admits in
	// libjpeg's progression (40 megapixels × 10 scans) and is 3.9 times
	// the most work an image of the shared corpus or of benchmarks/synth
	// needs (docs/reliability.md: the distribution and its command); a
	// 2000-scan progressive JPEG over 0.25 megapixels is past it.
	DefaultMaxWork = 500
)

func (c Config) withDefaults() Config {
	if c.MaxPixels <= 0 {
		c.MaxPixels = DefaultMaxPixels
	}
	if c.MaxFrames <= 0 {
		c.MaxFrames = DefaultMaxFrames
	}
	if c.MaxWork <= 0 {
		c.MaxWork = DefaultMaxWork
	}
	if c.Budget <= 0 {
		c.Budget = DefaultBudget
	}
	if c.OnPanic == nil {
		c.OnPanic = func(any) {}
	}
	return c
}

// Decoder scans images. It is safe for concurrent use.
type Decoder struct {
	cfg Config
	// open is image.Open; tests replace it to inject faults.
	open func(ctx context.Context, data []byte, lim image.Limits) (image.Info, []bitmap.Plane, error)
}

// Limits are the header limits the decoder applies (for callers that
// inspect an image before decoding it: image.Inspect, Limits.Check).
func (d *Decoder) Limits() image.Limits {
	return image.Limits{MaxPixels: d.cfg.MaxPixels, MaxFrames: d.cfg.MaxFrames, MaxWork: int64(d.cfg.MaxWork) * 1_000_000}
}

// New returns a decoder with cfg's limits (zero fields take their defaults).
func New(cfg Config) *Decoder { return &Decoder{cfg: cfg.withDefaults(), open: image.Open} }

// Code is one code found in an image.
type Code struct {
	Symbology symbology.Symbology // zxing name (QR_CODE, DATA_MATRIX, EAN_13, …) or UNDECODED
	Text      string              // decoded text; "" for UNDECODED
	Raw       []byte              // the code's bytes, only when they are not valid UTF-8
	Corners   [][2]int            // 4 points for 2-D codes, 2 for 1-D codes
	Frame     int                 // GIF frame index
}

// Result describes one scanned image.
type Result struct {
	Format  image.Format
	Width   int
	Height  int
	Frames  int
	Codes   []Code
	Partial bool // frames, levels or strategies were left unscanned (Cut says why)
	Cut     Cut  // what cut the scan short, if anything
	Work    Work // the work the strategies were charged
}

// Decode reads every code in data. Images that cannot be read return an
// *Error (with the Result's Format and dimensions filled in as far as known).
func (d *Decoder) Decode(ctx context.Context, data []byte) (*Result, error) {
	if ctx.Err() != nil { // the caller's deadline passed: decode nothing
		return &Result{Format: image.Sniff(data), Partial: true, Cut: CutByDeadline}, newError(ErrTimeout, ctx.Err(), "deadline passed before the image was decoded")
	}
	var info image.Info
	var frames []bitmap.Plane
	var err error
	if pe := contain(d.cfg.OnPanic, func() {
		info, frames, err = d.open(ctx, data, d.Limits())
	}); pe != nil {
		return &Result{Format: image.Sniff(data)}, &Error{Code: ErrCorrupt, Message: "the image's pixels cannot be decoded (decoder fault)", Err: pe}
	}
	res := &Result{Format: info.Format, Width: info.Width, Height: info.Height, Frames: info.Frames}
	if err != nil {
		return res, classify(err)
	}
	if ctx.Err() != nil { // the deadline passed while the pixels were decoded
		res.Partial, res.Cut = true, CutByDeadline
		return res, newError(ErrTimeout, ctx.Err(), "deadline passed before the image was scanned")
	}
	s := newScanState(ctx, d.cfg.Budget, d.cfg.OnPanic)
	s.skip = d.cfg.Skip
	for i, img := range frames {
		if s.Expired() {
			break
		}
		s.frame = i
		s.scan(img)
	}
	res.Codes, res.Cut, res.Partial, res.Work = s.codes, s.cut, s.cut != NotCut, s.spent
	if res.Partial && len(s.codes) == 0 {
		// Cut short before anything was found is not a clean image: a
		// seller must not make a code pass by making the image slow.
		return res, newError(ErrTimeout, ctx.Err(), "%s ran out before any code was found", s.cut)
	}
	return res, nil
}
