// Package image turns an upload's bytes into luminance planes: it
// recognises the container from the bytes (JPEG, PNG, GIF, WebP, BMP),
// states from the headers what decoding will cost in work and memory
// (Inspect) and refuses oversized, over-animated or over-complex images
// before any big allocation (Limits.Check), decodes the pixels of a still
// image to luminance only (JPEG and WebP through the luma-only forks under
// internal/, PNG and BMP row by row) and composites every frame of an animated GIF
// onto one luminance screen. The decoders check a context as they go. What
// it cannot read comes back as an *Error saying why.
package image

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io"

	ljpeg "github.com/qrgate/qrgate/decoder/image/internal/jpeg"
	lwebp "github.com/qrgate/qrgate/decoder/image/internal/webp"
	"github.com/qrgate/qrgate/decoder/internal/bitmap"
)

// Limits bound what an image may declare before any pixel is decoded.
// A zero field is no limit.
type Limits struct {
	MaxPixels int   // width × height, per frame and over all frames
	MaxFrames int   // frames of an animated GIF
	MaxWork   int64 // decoding work in pixel-passes (Info.Work)
}

// Kind says why an image cannot be read.
type Kind int

// The kinds of unreadable image.
const (
	Unsupported   Kind = iota + 1 // not an image format this package reads
	Corrupt                       // the bytes do not decode
	Truncated                     // the file ends early
	TooLarge                      // more pixels than Limits.MaxPixels
	TooManyFrames                 // more frames than Limits.MaxFrames
	TooComplex                    // more decoding work than Limits.MaxWork
	Interrupted                   // the context ended while the pixels were decoded
)

// Error is an image that cannot be read. Message is safe to show a client.
type Error struct {
	Kind    Kind
	Message string
	Err     error // the underlying cause, if any
}

func (e *Error) Error() string { return e.Message }
func (e *Error) Unwrap() error { return e.Err }

func newError(k Kind, err error, format string, args ...any) *Error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...), Err: err}
}

// Open inspects data's headers (Inspect), checks them against lim and
// decodes its pixels: one luminance plane per frame. The Info is filled in
// as far as the header was read, also when an error is returned. The
// decoders check ctx as they go (per JPEG scan and MCU row, per PNG and BMP
// row, per GIF frame, per WebP macroblock row or lossless pixel row): when it ends, Open returns an Interrupted *Error.
//
// Open does not recover panics of the readers it calls (hostile bytes can
// reach a bug in any of them): its caller contains them, in one place, and
// reports them.
func Open(ctx context.Context, data []byte, lim Limits) (Info, []bitmap.Plane, error) {
	info, err := Inspect(data)
	if err != nil {
		return info, nil, err
	}
	if err := lim.Check(info); err != nil {
		return info, nil, err
	}
	if info.Format == WebP && webpIsAnimated(data) {
		return info, nil, newError(Unsupported, nil, "animated WebP is not supported")
	}
	interrupt := interruptOn(ctx)
	if info.Format == GIF {
		frames, err := decodeGIF(data, info, interrupt)
		if err != nil {
			return info, nil, classify(GIF, err, "pixels", data)
		}
		info.Frames = len(frames)
		return info, frames, nil
	}
	plane, err := decodeStill(info, data, lim, interrupt)
	if err != nil {
		return info, nil, classify(info.Format, err, "pixels", data)
	}
	return info, []bitmap.Plane{plane}, nil
}

// decodeStill decodes a still image's pixels to luminance. PNG and BMP go
// through the row-streaming readers of png.go and bmp.go; JPEG and WebP through the
// luma-only forks: chroma is entropy-decoded (the bitstream requires it)
// but never transformed or stored.
func decodeStill(info Info, data []byte, lim Limits, interrupt func() error) (bitmap.Plane, error) {
	switch info.Format {
	case PNG:
		return decodePNG(data, interrupt)
	case BMP:
		return decodeBMP(data, interrupt)
	}
	img, err := decodeImage(info, data, lim, interrupt)
	if err != nil {
		return bitmap.Plane{}, err
	}
	return Luma(img), nil
}

// decodeImage decodes the formats whose readers return an image.Image.
func decodeImage(info Info, data []byte, lim Limits, interrupt func() error) (image.Image, error) {
	r := bytes.NewReader(data)
	switch info.Format {
	case JPEG:
		opts := ljpeg.Options{Scale: 1, Interrupt: interrupt}
		if px := int64(info.Width) * int64(info.Height); lim.MaxWork > 0 {
			// Each scan costs at least the pixels: the fork enforces the
			// bound itself, whatever the marker walk counted.
			opts.MaxScans = int(min(lim.MaxWork/px, 1<<20))
		}
		return ljpeg.DecodeLuma(r, opts)
	case WebP:
		return lwebp.DecodeLumaUntil(r, interrupt)
	}
	return nil, errors.New("unsupported format")
}

// classify maps a decode error to a Kind. Go's decoders often report a cut
// file as a format error ("not enough pixel data"), so a file whose
// container end marker is missing counts as truncated (data is nil where
// the end of the file is not in question, as for a bad header).
func classify(f Format, err error, stage string, data []byte) *Error {
	var own *Error
	if errors.As(err, &own) { // Interrupted, from the interrupt func
		return own
	}
	if errors.Is(err, ljpeg.ErrTooManyScans) {
		return newError(TooComplex, err, "jpeg has more scans than the work limit allows")
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || data != nil && !hasEndMarker(f, data) {
		return newError(Truncated, err, "%s data ends early (%s)", f, stage)
	}
	var fe jpeg.FormatError
	if errors.As(err, &fe) && string(fe) == "missing SOI marker" {
		return newError(Corrupt, err, "%s: %v", f, err)
	}
	return newError(Corrupt, err, "%s %s cannot be decoded: %v", f, stage, err)
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
