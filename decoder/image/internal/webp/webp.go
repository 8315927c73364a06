// Copyright 2025 The qrgate Authors. Parts derived from golang.org/x/image/webp,
// Copyright 2011 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package webp

import (
	"bufio"
	"bytes"
	"errors"
	"image"
	"io"

	"golang.org/x/image/riff"
	xwebp "golang.org/x/image/webp"

	"github.com/qrgate/qrgate/decoder/image/internal/webp/vp8"
	"github.com/qrgate/qrgate/decoder/image/internal/webp/vp8l"
)

var errInvalidFormat = errors.New("webp: invalid format")

// errFallback tells DecodeLuma to decode with golang.org/x/image/webp.
var errFallback = errors.New("webp: needs the full decoder")

var (
	fccALPH = riff.FourCC{'A', 'L', 'P', 'H'}
	fccVP8  = riff.FourCC{'V', 'P', '8', ' '}
	fccVP8L = riff.FourCC{'V', 'P', '8', 'L'}
	fccVP8X = riff.FourCC{'V', 'P', '8', 'X'}
	fccWEBP = riff.FourCC{'W', 'E', 'B', 'P'}
)

// DecodeConfig returns the colour model and dimensions of a WebP image
// without decoding the entire image. It is golang.org/x/image/webp's.
func DecodeConfig(r io.Reader) (image.Config, error) {
	return xwebp.DecodeConfig(r)
}

// DecodeLuma decodes the WebP image in r and returns its luma.
//
// For a lossy image without alpha (a "VP8 " chunk, alone or after a VP8X
// chunk), the result is the Y plane of the *image.YCbCr that
// golang.org/x/image/webp decodes, pixel for pixel, computed without
// reconstructing chroma. A lossless image (VP8L) is decoded by the fork of
// vp8l and converted by LumaOf; a lossy image with an ALPH chunk is decoded
// with golang.org/x/image/webp and converted by LumaOf. Errors are those of golang.org/x/image/webp for the same input
// (io.ErrUnexpectedEOF for truncated input); DecodeLuma never panics on
// corrupt input. r is read to its end; callers should check the
// dimensions with DecodeConfig first.
func DecodeLuma(r io.Reader) (*image.Gray, error) { return DecodeLumaUntil(r, nil) }

// DecodeLumaUntil is DecodeLuma calling interrupt, if not nil, before each
// row of macroblocks of a lossy image and each row of pixels of a lossless
// one: decoding stops with the error it returns (a deadline reaches
// inside). Lossy images with alpha, decoded by golang.org/x/image/webp,
// are not interrupted.
func DecodeLumaUntil(r io.Reader, interrupt func() error) (*image.Gray, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	g, err := decodeLuma(bytes.NewReader(data), interrupt)
	if err == errFallback {
		m, err := xwebp.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		return LumaOf(m), nil
	}
	return g, err
}

// decodeLuma is golang.org/x/image/webp's decode, except that a VP8 frame is
// decoded by the luma-only fork of vp8 and that anything involving VP8L or
// alpha returns errFallback as soon as it is seen.
func decodeLuma(r io.Reader, interrupt func() error) (*image.Gray, error) {
	formType, riffReader, err := riff.NewReader(r)
	if err != nil {
		return nil, err
	}
	if formType != fccWEBP {
		return nil, errInvalidFormat
	}

	var (
		wantAlpha      bool
		seenVP8X       bool
		widthMinusOne  uint32
		heightMinusOne uint32
		buf            [10]byte
	)
	for {
		chunkID, chunkLen, chunkData, err := riffReader.Next()
		if err == io.EOF {
			err = errInvalidFormat
		}
		if err != nil {
			return nil, err
		}

		switch chunkID {
		case fccALPH:
			return nil, errFallback

		case fccVP8L:
			return decodeLossless(chunkData, seenVP8X, widthMinusOne, heightMinusOne, interrupt)

		case fccVP8:
			if wantAlpha {
				// The upstream decoder rejects this (no ALPH chunk
				// before the VP8 chunk); let it say so.
				return nil, errFallback
			}
			if int32(chunkLen) < 0 {
				return nil, errInvalidFormat
			}
			d := vp8.NewDecoder()
			d.Interrupt = interrupt
			d.Init(chunkData, int(chunkLen))
			fh, err := d.DecodeFrameHeader()
			if err != nil {
				return nil, err
			}
			if seenVP8X && (fh.Width != int(widthMinusOne)+1 || fh.Height != int(heightMinusOne)+1) {
				return nil, errInvalidFormat
			}
			return d.DecodeFrameLuma()

		case fccVP8X:
			if seenVP8X {
				return nil, errInvalidFormat
			}
			seenVP8X = true
			if chunkLen != 10 {
				return nil, errInvalidFormat
			}
			if _, err := io.ReadFull(chunkData, buf[:10]); err != nil {
				return nil, err
			}
			const alphaBit = 1 << 4
			wantAlpha = (buf[0] & alphaBit) != 0
			widthMinusOne = uint32(buf[4]) | uint32(buf[5])<<8 | uint32(buf[6])<<16
			heightMinusOne = uint32(buf[7]) | uint32(buf[8])<<8 | uint32(buf[9])<<16
			w := uint64(widthMinusOne) + 1
			h := uint64(heightMinusOne) + 1
			if w*h > 1<<31-1 {
				return nil, errInvalidFormat
			}
		}
	}
}

// decodeLossless is x/image/webp's VP8L case (without an ALPH chunk before
// it: that one falls back) decoded by the fork of vp8l, which calls
// interrupt before each row of pixels.
func decodeLossless(chunkData io.Reader, seenVP8X bool, widthMinusOne, heightMinusOne uint32, interrupt func() error) (*image.Gray, error) {
	if seenVP8X {
		// Verify the VP8L chunk dimensions match before decoding, to catch
		// a small VP8X header followed by a huge VP8L chunk (upstream's
		// check).
		bufReader := bufio.NewReader(chunkData)
		chunkData = bufReader
		const vp8lHeaderSize = 5
		vp8lHeader, err := bufReader.Peek(vp8lHeaderSize)
		if err != nil {
			if err == io.EOF {
				err = errInvalidFormat
			}
			return nil, err
		}
		c, err := vp8l.DecodeConfig(bytes.NewReader(vp8lHeader))
		if err != nil {
			return nil, err
		}
		if c.Width != int(widthMinusOne)+1 || c.Height != int(heightMinusOne)+1 {
			return nil, errInvalidFormat
		}
	}
	m, err := vp8l.DecodeUntil(chunkData, interrupt)
	if err != nil {
		return nil, err
	}
	return LumaOf(m), nil
}

// LumaOf returns the luma of an image decoded by golang.org/x/image/webp,
// composited on white, computed as qrgate's decoder package does (lumaOf in
// decoder/luma.go): the Y plane of an *image.YCbCr; for *image.NRGBA,
// Y = (299R + 587G + 114B + 500)/1000 composited on white with the pixel's
// alpha; otherwise the same weights on At(x, y).RGBA() (premultiplied) plus
// the white that the alpha leaves uncovered.
func LumaOf(img image.Image) *image.Gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	switch m := img.(type) {
	case *image.YCbCr:
		for y := 0; y < h; y++ {
			copy(out.Pix[y*w:y*w+w], m.Y[m.YOffset(b.Min.X, b.Min.Y+y):])
		}
	case *image.Gray:
		for y := 0; y < h; y++ {
			copy(out.Pix[y*w:y*w+w], m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):])
		}
	case *image.NRGBA:
		for y := 0; y < h; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			dst := out.Pix[y*w : y*w+w]
			for x := range dst {
				p := row[x*4 : x*4+4]
				l := (299*uint32(p[0]) + 587*uint32(p[1]) + 114*uint32(p[2]) + 500) / 1000
				a := uint32(p[3])
				dst[x] = uint8((l*a + 255*(255-a) + 127) / 255)
			}
		}
	default:
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				r, g, bb, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
				out.Pix[y*w+x] = uint8(min(255, (299*r+587*g+114*bb)/1000>>8+(0xffff-a)>>8))
			}
		}
	}
	return out
}
