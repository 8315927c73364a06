package image

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/bmp"
	"golang.org/x/image/webp"
)

// Format is an image container recognised from its bytes.
type Format string

// Supported formats.
const (
	JPEG Format = "jpeg"
	PNG  Format = "png"
	GIF  Format = "gif"
	WebP Format = "webp"
	BMP  Format = "bmp"
)

// Sniff tells the format from the first bytes, never from a name or a
// client's content type. It returns "" for anything else.
func Sniff(b []byte) Format {
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return JPEG
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return PNG
	case bytes.HasPrefix(b, []byte("GIF87a")) || bytes.HasPrefix(b, []byte("GIF89a")):
		return GIF
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return WebP
	case len(b) >= 14 && b[0] == 'B' && b[1] == 'M':
		return BMP
	}
	return ""
}

// Header reads the dimensions from the header alone, without decoding pixels.
func Header(f Format, b []byte) (image.Config, error) {
	r := bytes.NewReader(b)
	switch f {
	case JPEG:
		return jpeg.DecodeConfig(r)
	case PNG:
		return png.DecodeConfig(r)
	case GIF:
		return gif.DecodeConfig(r)
	case WebP:
		return webp.DecodeConfig(r)
	case BMP:
		return bmp.DecodeConfig(r)
	}
	return image.Config{}, errors.New("unsupported format")
}

// gifFrameCount walks a GIF's blocks without decoding any pixels and counts
// its image descriptors, stopping as soon as limit is passed.
func gifFrameCount(b []byte, limit int) (int, error) {
	if len(b) < 13 {
		return 0, io.ErrUnexpectedEOF
	}
	p := 13
	if b[10]&0x80 != 0 { // global colour table
		p += 3 << (int(b[10]&7) + 1)
	}
	frames := 0
	for {
		if p >= len(b) {
			return frames, io.ErrUnexpectedEOF
		}
		switch b[p] {
		case 0x3B: // trailer
			return frames, nil
		case 0x21: // extension
			var err error
			if p, _, err = gifExtension(b, p+1); err != nil {
				return frames, err
			}
		case 0x2C: // image descriptor
			frames++
			if frames > limit {
				return frames, nil
			}
			if p+10 > len(b) {
				return frames, io.ErrUnexpectedEOF
			}
			flags := b[p+9]
			p += 10
			if flags&0x80 != 0 {
				p += 3 << (int(flags&7) + 1)
			}
			if p+1 > len(b) {
				return frames, io.ErrUnexpectedEOF
			}
			var err error
			if p, err = skipSubBlocks(b, p+1); err != nil { // after the LZW minimum code size
				return frames, err
			}
		default:
			return frames, errors.New("gif: unknown block type")
		}
	}
}

// gifExtension reads the extension whose label is at b[p] the way
// image/gif does — a graphic control block of 4 bytes and its terminator,
// a plain text header of 13 bytes, then sub-blocks; any other label but
// comment and application is an error — and returns where the next block
// starts and, for graphic control, its 4 bytes.
func gifExtension(b []byte, p int) (next int, gce []byte, err error) {
	if p >= len(b) {
		return p, nil, io.ErrUnexpectedEOF
	}
	label := b[p]
	p++
	switch label {
	case 0xF9: // graphic control
		if p+6 > len(b) {
			return p, nil, io.ErrUnexpectedEOF
		}
		if b[p] != 4 || b[p+5] != 0 {
			return p, nil, errors.New("gif: invalid graphic control extension")
		}
		return p + 6, b[p+1 : p+5], nil
	case 0x01: // plain text
		p += 13
	case 0xFE, 0xFF: // comment, application
	default:
		return p, nil, fmt.Errorf("gif: unknown extension 0x%.2x", label)
	}
	next, err = skipSubBlocks(b, p)
	return next, nil, err
}

func skipSubBlocks(b []byte, p int) (int, error) {
	for {
		if p >= len(b) {
			return p, io.ErrUnexpectedEOF
		}
		n := int(b[p])
		p++
		if n == 0 {
			return p, nil
		}
		p += n
	}
}

// webpCanvas reads a VP8X header's canvas size (24-bit fields, minus one)
// straight from the bytes: x/image/webp refuses canvases over 2³¹−1 pixels
// as "invalid format", but such a file is a bomb, and is to be called one.
func webpCanvas(b []byte) (w, h int, ok bool) {
	if len(b) < 30 || string(b[12:16]) != "VP8X" {
		return 0, 0, false
	}
	w = 1 + int(b[24]) | int(b[25])<<8 | int(b[26])<<16
	h = 1 + int(b[27]) | int(b[28])<<8 | int(b[29])<<16
	return w, h, true
}

// webpIsAnimated reports an animated WebP (VP8X with the animation flag),
// which x/image/webp does not decode.
func webpIsAnimated(b []byte) bool {
	return len(b) >= 21 && string(b[12:16]) == "VP8X" && b[20]&0x02 != 0
}
