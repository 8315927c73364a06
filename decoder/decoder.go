// Package decoder finds every machine-readable code in an uploaded image.
//
// It takes the raw bytes of an upload, recognises the container from the
// bytes (JPEG, PNG, GIF, WebP, BMP), refuses oversized or over-animated
// images from their headers before any big allocation, decodes the pixels to
// a luminance plane and runs an ordered set of strategies — scales,
// binarizers, inversion, regions around finder-pattern candidates — that stops
// as soon as it can. Every code is reported once, with its symbology, exact
// payload and corners in the original image's coordinates.
package decoder

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"time"

	ljpeg "github.com/qrgate/qrgate/decoder/internal/jpeg"
	lwebp "github.com/qrgate/qrgate/decoder/internal/webp"
	"golang.org/x/image/bmp"
)

// Config holds the decoder's limits. The zero value of a field means its default.
type Config struct {
	// MaxPixels refuses images whose header declares more pixels (width ×
	// height, per frame). Default 40 megapixels.
	MaxPixels int
	// MaxFrames refuses animated GIFs with more frames. Default 50.
	MaxFrames int
	// Budget bounds the strategies spent on one image; when it runs out the
	// result is marked Partial. Default 2s. The context's deadline also applies.
	Budget time.Duration
	// OnPanic is called when a decode attempt panics inside a third-party
	// reader; the attempt counts as "nothing found" and scanning goes on.
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
)

// Strategies maps names to strategies (for flags and reports).
var Strategies = map[string]Strategy{
	"finder-full": FinderFull, "finder-half": FinderHalf, "finder-quarter": FinderQuarter,
	"corner-search": CornerSearch, "regions": Regions, "linear": Linear, "finder-pairs": FinderPairs,
}

// Default limits.
const (
	DefaultMaxPixels = 40_000_000
	DefaultMaxFrames = 50
	DefaultBudget    = 2 * time.Second
)

func (c Config) withDefaults() Config {
	if c.MaxPixels <= 0 {
		c.MaxPixels = DefaultMaxPixels
	}
	if c.MaxFrames <= 0 {
		c.MaxFrames = DefaultMaxFrames
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
}

// New returns a decoder with cfg's limits (zero fields take their defaults).
func New(cfg Config) *Decoder { return &Decoder{cfg: cfg.withDefaults()} }

// Code is one code found in an image.
type Code struct {
	Symbology string   // zxing name (QR_CODE, DATA_MATRIX, EAN_13, …) or UNDECODED
	Text      string   // decoded text; "" for UNDECODED
	Raw       []byte   // the code's bytes, only when they are not valid UTF-8
	Corners   [][2]int // 4 points for 2-D codes, 2 for 1-D codes
	Frame     int      // GIF frame index
}

// Result describes one scanned image.
type Result struct {
	Format  Format
	Width   int
	Height  int
	Frames  int
	Codes   []Code
	Partial bool // the budget or deadline cut the strategies short
}

// Decode reads every code in data. Images that cannot be read return an
// *Error (with the Result's Format and dimensions filled in as far as known).
func (d *Decoder) Decode(ctx context.Context, data []byte) (*Result, error) {
	res, frames, err := d.open(data)
	if err != nil {
		return res, err
	}
	if ctx.Err() != nil { // the caller's deadline passed before any strategy ran
		return res, newError(ErrTimeout, ctx.Err(), "deadline passed before the image was scanned")
	}
	ctx, cancel := context.WithTimeout(ctx, d.cfg.Budget)
	defer cancel()
	s := newScanState(ctx, d.cfg.OnPanic)
	s.skip = d.cfg.Skip
	for i, img := range frames {
		if s.expired() {
			break
		}
		s.frame = i
		s.scan(img)
	}
	res.Codes = s.codes
	res.Partial = s.partial
	return res, nil
}

// open sniffs, checks limits from the header and decodes the pixels.
func (d *Decoder) open(data []byte) (*Result, []plane, error) {
	res := &Result{Format: Sniff(data)}
	if len(data) == 0 {
		return res, nil, newError(ErrTruncated, nil, "empty file")
	}
	if res.Format == "" {
		return res, nil, newError(ErrUnsupported, nil, "not a JPEG, PNG, GIF, WebP or BMP image")
	}
	cfg, err := header(res.Format, data)
	if err != nil {
		if w, h, ok := webpCanvas(data); res.Format == WebP && ok && int64(w)*int64(h) > int64(d.cfg.MaxPixels) {
			res.Width, res.Height = w, h
			return res, nil, newError(ErrTooLarge, err, "%dx%d pixels is over the limit of %d megapixels", w, h, d.cfg.MaxPixels/1_000_000)
		}
		return res, nil, classify(res.Format, err, "header", nil)
	}
	res.Width, res.Height, res.Frames = cfg.Width, cfg.Height, 1
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return res, nil, newError(ErrCorrupt, nil, "%s header declares %dx%d pixels", res.Format, cfg.Width, cfg.Height)
	}
	if int64(cfg.Width)*int64(cfg.Height) > int64(d.cfg.MaxPixels) {
		return res, nil, newError(ErrTooLarge, nil, "%dx%d pixels is over the limit of %d megapixels", cfg.Width, cfg.Height, d.cfg.MaxPixels/1_000_000)
	}
	if res.Format == WebP && webpIsAnimated(data) {
		return res, nil, newError(ErrUnsupported, nil, "animated WebP is not supported")
	}
	if res.Format == GIF {
		n, err := gifFrameCount(data, d.cfg.MaxFrames)
		if n > d.cfg.MaxFrames {
			return res, nil, newError(ErrTooManyFrames, nil, "animated GIF has more than %d frames", d.cfg.MaxFrames)
		}
		if err != nil && n == 0 {
			return res, nil, classify(GIF, err, "frames", data)
		}
		res.Frames = max(n, 1)
		if int64(res.Frames)*int64(cfg.Width)*int64(cfg.Height) > int64(d.cfg.MaxPixels) {
			return res, nil, newError(ErrTooLarge, nil, "%d frames of %dx%d pixels is over the limit of %d megapixels", res.Frames, cfg.Width, cfg.Height, d.cfg.MaxPixels/1_000_000)
		}
		frames, err := decodeGIF(data, cfg)
		if err != nil {
			return res, nil, classify(GIF, err, "pixels", data)
		}
		res.Frames = len(frames)
		return res, frames, nil
	}
	img, err := decodeStill(res.Format, data)
	if err != nil {
		return res, nil, classify(res.Format, err, "pixels", data)
	}
	return res, []plane{lumaOf(img)}, nil
}

// lumaJPEG decodes a JPEG's luminance only: chroma is entropy-decoded (the
// bitstream requires it) but never transformed or stored.
func lumaJPEG(data []byte) (g image.Image, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("decoder panic: %v", r)
		}
	}()
	return ljpeg.DecodeLuma(bytes.NewReader(data), ljpeg.Options{Scale: 1})
}

func decodeStill(f Format, data []byte) (img image.Image, err error) {
	defer func() {
		if r := recover(); r != nil { // a decoder bug must not take the process down
			err = fmt.Errorf("decoder panic: %v", r)
		}
	}()
	r := bytes.NewReader(data)
	switch f {
	case JPEG:
		return lumaJPEG(data)
	case PNG:
		return png.Decode(r)
	case WebP: // luma only, like JPEG
		return lwebp.DecodeLuma(r)
	case BMP:
		return bmp.Decode(r)
	}
	return nil, errors.New("unsupported format")
}

// decodeGIF composites every frame onto the logical screen, honouring
// disposal, so a code drawn over several frames is seen whole.
func decodeGIF(data []byte, cfg image.Config) (frames []plane, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("decoder panic: %v", r)
		}
	}()
	g, err := gif.DecodeAll(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	bounds := image.Rect(0, 0, cfg.Width, cfg.Height)
	canvas := image.NewRGBA(bounds)
	draw.Draw(canvas, bounds, image.White, image.Point{}, draw.Src)
	for i, fr := range g.Image {
		var prev *image.RGBA
		disposal := byte(0)
		if i < len(g.Disposal) {
			disposal = g.Disposal[i]
		}
		if disposal == gif.DisposalPrevious {
			prev = image.NewRGBA(bounds)
			copy(prev.Pix, canvas.Pix)
		}
		draw.Draw(canvas, fr.Bounds(), fr, fr.Bounds().Min, draw.Over)
		frames = append(frames, lumaOf(canvas))
		switch disposal {
		case gif.DisposalBackground:
			draw.Draw(canvas, fr.Bounds(), image.White, image.Point{}, draw.Src)
		case gif.DisposalPrevious:
			canvas = prev
		}
	}
	return frames, nil
}

// classify maps a decode error to a contract error code. Go's decoders
// often report a cut file as a format error ("not enough pixel data"), so a
// file whose container end marker is missing counts as truncated (data is
// nil where the end of the file is not in question, as for a bad header).
func classify(f Format, err error, stage string, data []byte) *Error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || data != nil && !hasEndMarker(f, data) {
		return newError(ErrTruncated, err, "%s data ends early (%s)", f, stage)
	}
	var fe jpeg.FormatError
	if errors.As(err, &fe) && string(fe) == "missing SOI marker" {
		return newError(ErrCorrupt, err, "%s: %v", f, err)
	}
	return newError(ErrCorrupt, err, "%s %s cannot be decoded: %v", f, stage, err)
}

// hasEndMarker reports whether data ends (ignoring trailing padding) the way
// a complete file of format f does.
func hasEndMarker(f Format, data []byte) bool {
	tail := bytes.TrimRight(data, "\x00")
	switch f {
	case PNG:
		return bytes.Contains(data[max(0, len(data)-64):], []byte("IEND"))
	case JPEG:
		return bytes.HasSuffix(tail, []byte{0xFF, 0xD9})
	case GIF:
		return bytes.HasSuffix(tail, []byte{0x3B})
	}
	return true
}
