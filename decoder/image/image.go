// Package image turns an upload's bytes into luminance planes: it
// recognises the container from the bytes (JPEG, PNG, GIF, WebP, BMP),
// refuses oversized or over-animated images from their headers before any
// big allocation, decodes the pixels of a still image to luminance only
// (JPEG and WebP through the luma-only forks under internal/) and
// composites every frame of an animated GIF. What it cannot read comes back
// as an *Error saying why.
package image

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/bmp"

	ljpeg "github.com/qrgate/qrgate/decoder/image/internal/jpeg"
	lwebp "github.com/qrgate/qrgate/decoder/image/internal/webp"
	"github.com/qrgate/qrgate/decoder/internal/bitmap"
)

// Limits bound what an image may declare before any pixel is decoded.
type Limits struct {
	MaxPixels int // width × height, per frame and over all frames
	MaxFrames int // frames of an animated GIF
}

// Info is what the header says of an image (as far as it was read).
type Info struct {
	Format        Format
	Width, Height int
	Frames        int
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

// Open sniffs data, checks its header against lim and decodes its pixels:
// one luminance plane per frame. The Info is filled in as far as the
// header was read, also when an error is returned.
//
// Open does not recover panics of the readers it calls (hostile bytes can
// reach a bug in any of them): its caller contains them, in one place, and
// reports them.
func Open(data []byte, lim Limits) (Info, []bitmap.Plane, error) {
	info := Info{Format: Sniff(data)}
	if len(data) == 0 {
		return info, nil, newError(Truncated, nil, "empty file")
	}
	if info.Format == "" {
		return info, nil, newError(Unsupported, nil, "not a JPEG, PNG, GIF, WebP or BMP image")
	}
	cfg, err := Header(info.Format, data)
	if err != nil {
		if w, h, ok := webpCanvas(data); info.Format == WebP && ok && int64(w)*int64(h) > int64(lim.MaxPixels) {
			info.Width, info.Height = w, h
			return info, nil, newError(TooLarge, err, "%dx%d pixels is over the limit of %d megapixels", w, h, lim.MaxPixels/1_000_000)
		}
		return info, nil, classify(info.Format, err, "header", nil)
	}
	info.Width, info.Height, info.Frames = cfg.Width, cfg.Height, 1
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return info, nil, newError(Corrupt, nil, "%s header declares %dx%d pixels", info.Format, cfg.Width, cfg.Height)
	}
	if int64(cfg.Width)*int64(cfg.Height) > int64(lim.MaxPixels) {
		return info, nil, newError(TooLarge, nil, "%dx%d pixels is over the limit of %d megapixels", cfg.Width, cfg.Height, lim.MaxPixels/1_000_000)
	}
	if info.Format == WebP && webpIsAnimated(data) {
		return info, nil, newError(Unsupported, nil, "animated WebP is not supported")
	}
	if info.Format == GIF {
		return openGIF(info, data, cfg, lim)
	}
	img, err := decodeStill(info.Format, data)
	if err != nil {
		return info, nil, classify(info.Format, err, "pixels", data)
	}
	return info, []bitmap.Plane{Luma(img)}, nil
}

// openGIF counts a GIF's frames from its blocks before decoding any, then
// composites them.
func openGIF(info Info, data []byte, cfg image.Config, lim Limits) (Info, []bitmap.Plane, error) {
	n, err := gifFrameCount(data, lim.MaxFrames)
	if n > lim.MaxFrames {
		return info, nil, newError(TooManyFrames, nil, "animated GIF has more than %d frames", lim.MaxFrames)
	}
	if err != nil && n == 0 {
		return info, nil, classify(GIF, err, "frames", data)
	}
	info.Frames = max(n, 1)
	if int64(info.Frames)*int64(cfg.Width)*int64(cfg.Height) > int64(lim.MaxPixels) {
		return info, nil, newError(TooLarge, nil, "%d frames of %dx%d pixels is over the limit of %d megapixels", info.Frames, cfg.Width, cfg.Height, lim.MaxPixels/1_000_000)
	}
	frames, err := decodeGIF(data, cfg)
	if err != nil {
		return info, nil, classify(GIF, err, "pixels", data)
	}
	info.Frames = len(frames)
	return info, frames, nil
}

// decodeStill decodes a still image's pixels. JPEG and WebP go through the
// luma-only forks: chroma is entropy-decoded (the bitstream requires it)
// but never transformed or stored.
func decodeStill(f Format, data []byte) (image.Image, error) {
	r := bytes.NewReader(data)
	switch f {
	case JPEG:
		return ljpeg.DecodeLuma(r, ljpeg.Options{Scale: 1})
	case PNG:
		return png.Decode(r)
	case WebP:
		return lwebp.DecodeLuma(r)
	case BMP:
		return bmp.Decode(r)
	}
	return nil, errors.New("unsupported format")
}

// classify maps a decode error to a Kind. Go's decoders often report a cut
// file as a format error ("not enough pixel data"), so a file whose
// container end marker is missing counts as truncated (data is nil where
// the end of the file is not in question, as for a bad header).
func classify(f Format, err error, stage string, data []byte) *Error {
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
