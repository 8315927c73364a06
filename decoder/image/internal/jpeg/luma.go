// Copyright 2025 The qrgate Authors.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package jpeg

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	stdjpeg "image/jpeg"
	"io"
)

// Options control DecodeLuma.
type Options struct {
	// Scale is the reduction factor: the output is 1/Scale of the full
	// size in each dimension, rounded up. It must be 1, 2, 4 or 8; 0 means 1.
	Scale int
	// Interrupt, if set, is called before each scan and each row of MCUs
	// (and each block row of the final reconstruction); decoding stops
	// with the error it returns. A deadline is checked there: a file of
	// many scans costs its scans × its blocks, however few its bytes.
	Interrupt func() error
	// MaxScans, if positive, refuses a file with more scans (SOS
	// segments) with ErrTooManyScans before decoding the extra one.
	MaxScans int
}

// ErrTooManyScans is a file with more scans than Options.MaxScans.
var ErrTooManyScans = errors.New("jpeg: more scans than allowed")

// DecodeConfig returns the color model and dimensions of a JPEG image without
// decoding the entire image. It is image/jpeg's DecodeConfig.
func DecodeConfig(r io.Reader) (image.Config, error) {
	return stdjpeg.DecodeConfig(r)
}

// errFallback tells DecodeLuma to decode with image/jpeg instead.
var errFallback = UnsupportedError("qrgate: colour model needs the full decoder")

// DecodeLuma decodes the luma (Y) plane of the JPEG image in r, downscaled by
// opts.Scale. The result has bounds (0, 0)-(ceil(w/Scale), ceil(h/Scale)).
//
// Truncated input yields io.ErrUnexpectedEOF; corrupt input yields a
// FormatError (or UnsupportedError for valid but unsupported features).
// Memory use is the output plus, for progressive JPEGs, the luma coefficients
// (256 bytes per 8×8 luma block, 12 at Scale 8) and 8 bytes per chroma block.
// Callers should check the dimensions with DecodeConfig first.
func DecodeLuma(r io.Reader, opts Options) (*image.Gray, error) {
	scale := opts.Scale
	if scale == 0 {
		scale = 1
	}
	switch scale {
	case 1, 2, 4, 8:
	default:
		return nil, UnsupportedError("scale (must be 1, 2, 4 or 8)")
	}

	// RGB and CMYK JPEGs fall back to image/jpeg, which needs to read the
	// input from the start. If r can seek, seek back; otherwise record the
	// bytes read before the first scan (the decision is made there).
	var (
		seeker  io.Seeker
		start   int64
		rec     *recorder
		decoded io.Reader = r
	)
	if s, ok := r.(io.Seeker); ok {
		if pos, err := s.Seek(0, io.SeekCurrent); err == nil {
			seeker, start = s, pos
		}
	}
	if seeker == nil {
		rec = &recorder{r: r, on: true}
		decoded = rec
	}
	fullStream := func() (io.Reader, error) {
		if seeker != nil {
			if _, err := seeker.Seek(start, io.SeekStart); err != nil {
				return nil, err
			}
			return r, nil
		}
		return io.MultiReader(bytes.NewReader(rec.buf), r), nil
	}

	d := &decoder{scale: scale, bsz: 8 / scale, interrupt: opts.Interrupt, maxScans: opts.MaxScans}
	d.onFirstSOS = func(d *decoder) error {
		if d.nComp == 4 || (d.nComp == 3 && d.isRGB()) {
			return errFallback
		}
		if rec != nil {
			rec.stop()
		}
		return nil
	}
	err := d.decode(decoded)
	if err == nil && d.nComp == 3 && d.isRGB() {
		// An APP0/APP14 marker after the first scan changed the colour
		// model (pathological). Only recoverable if r can seek.
		if seeker == nil {
			return nil, UnsupportedError("colour model changed after the first scan")
		}
		err = errFallback
	}
	if err == errFallback {
		full, err := fullStream()
		if err != nil {
			return nil, err
		}
		if opts.Interrupt != nil {
			full = &interruptReader{r: full, interrupt: opts.Interrupt}
		}
		return decodeFallback(full, scale)
	}
	if err != nil {
		return nil, err
	}
	w := (d.width + scale - 1) / scale
	h := (d.height + scale - 1) / scale
	if w == 0 || h == 0 {
		// Like image/jpeg (whose SubImage of an empty rectangle is empty).
		return &image.Gray{}, nil
	}
	return &image.Gray{Pix: d.pix, Stride: d.pixStride, Rect: image.Rect(0, 0, w, h)}, nil
}

// recorder records the bytes read through it until stopped.
type recorder struct {
	r   io.Reader
	buf []byte
	on  bool
}

func (rc *recorder) Read(p []byte) (int, error) {
	n, err := rc.r.Read(p)
	if rc.on {
		rc.buf = append(rc.buf, p[:n]...)
	}
	return n, err
}

func (rc *recorder) stop() { rc.on, rc.buf = false, nil }

// interruptReader calls interrupt before each read: image/jpeg, which the
// fallback colour models go through, has no other hook, and reads its
// input 4 KiB at a time.
type interruptReader struct {
	r         io.Reader
	interrupt func() error
}

func (ir *interruptReader) Read(p []byte) (int, error) {
	if err := ir.interrupt(); err != nil {
		return 0, err
	}
	return ir.r.Read(p)
}

// decodeFallback decodes with image/jpeg and converts to luma.
func decodeFallback(r io.Reader, scale int) (*image.Gray, error) {
	img, err := stdjpeg.Decode(r)
	if err != nil {
		return nil, err
	}
	g := LumaOf(img)
	if scale > 1 {
		g = BoxDownscale(g, scale)
	}
	return g, nil
}

// LumaOf returns the luma of img: the Y plane of a YCbCr image, the pixels of
// a Gray image, and otherwise BT.601 luma (as color.RGBToYCbCr computes it)
// of each pixel's RGB value. It is exported for tests and tools.
func LumaOf(img image.Image) *image.Gray {
	b := img.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	switch m := img.(type) {
	case *image.Gray:
		for y := 0; y < b.Dy(); y++ {
			copy(out.Pix[y*out.Stride:y*out.Stride+b.Dx()], m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):])
		}
	case *image.YCbCr:
		for y := 0; y < b.Dy(); y++ {
			copy(out.Pix[y*out.Stride:y*out.Stride+b.Dx()], m.Y[m.YOffset(b.Min.X, b.Min.Y+y):])
		}
	case *image.CMYK:
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				i := m.PixOffset(b.Min.X+x, b.Min.Y+y)
				r, g, bb := color.CMYKToRGB(m.Pix[i], m.Pix[i+1], m.Pix[i+2], m.Pix[i+3])
				out.Pix[y*out.Stride+x] = luma8(r, g, bb)
			}
		}
	default:
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				r, g, bb, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
				out.Pix[y*out.Stride+x] = luma8(uint8(r>>8), uint8(g>>8), uint8(bb>>8))
			}
		}
	}
	return out
}

func luma8(r, g, b uint8) uint8 {
	y, _, _ := color.RGBToYCbCr(r, g, b)
	return y
}

// BoxDownscale returns g reduced by scale in each dimension (rounding up),
// each output pixel being the rounded mean of the input pixels it covers.
func BoxDownscale(g *image.Gray, scale int) *image.Gray {
	b := g.Bounds()
	w, h := (b.Dx()+scale-1)/scale, (b.Dy()+scale-1)/scale
	out := image.NewGray(image.Rect(0, 0, w, h))
	for oy := 0; oy < h; oy++ {
		y0, y1 := oy*scale, min(oy*scale+scale, b.Dy())
		for ox := 0; ox < w; ox++ {
			x0, x1 := ox*scale, min(ox*scale+scale, b.Dx())
			sum, n := 0, 0
			for y := y0; y < y1; y++ {
				row := g.Pix[g.PixOffset(b.Min.X, b.Min.Y+y):]
				for x := x0; x < x1; x++ {
					sum += int(row[x])
				}
				n += x1 - x0
			}
			out.Pix[oy*out.Stride+ox] = uint8((sum + n/2) / n)
		}
	}
	return out
}
