package image

import (
	"encoding/binary"
	"errors"
	"io"
	"math"

	"golang.org/x/image/bmp"

	"github.com/qrgate/qrgate/decoder/internal/bitmap"
)

// BMP is read here row by row straight to luminance, with the interrupt
// checked before each row, instead of through golang.org/x/image/bmp,
// which decodes a whole RGBA image (4 bytes a pixel) without a way to stop
// it. It reads exactly the files x/image/bmp reads (uncompressed 1, 2, 4
// and 8-bit paletted, 24 and 32-bit; BITMAPINFOHEADER, V4 and V5 headers;
// BI_BITFIELDS only with the default masks), refuses the others with the
// same errors, and gives what Luma gives for x/image/bmp's image: the
// tests and FuzzBMPLuma compare the two on every input.

// bmpHeader is what the file and DIB headers say about the pixels.
type bmpHeader struct {
	width, height int
	bpp           int
	topDown       bool
	allowAlpha    bool    // 32-bit pixels with a header that has an alpha mask
	palette       []uint8 // the luminance of each palette entry
	pixels        int     // offset of the pixel array
}

var (
	errBMPFormat      = errors.New("bmp: invalid format")
	errBMPIndex       = errors.New("bmp: invalid palette index")
	errBMPUnsupported = bmp.ErrUnsupported
)

// readBMPHeader parses data's headers as x/image/bmp's decodeConfig does.
func readBMPHeader(data []byte) (bmpHeader, error) {
	const (
		fileHeaderLen   = 14
		infoHeaderLen   = 40
		v4InfoHeaderLen = 108
		v5InfoHeaderLen = 124
	)
	var h bmpHeader
	if len(data) < fileHeaderLen+4 {
		return h, io.ErrUnexpectedEOF
	}
	if string(data[:2]) != "BM" {
		return h, errBMPFormat
	}
	u16 := func(off int) int { return int(binary.LittleEndian.Uint16(data[off:])) }
	u32 := func(off int) uint32 { return binary.LittleEndian.Uint32(data[off:]) }
	offset, infoLen := u32(10), u32(14)
	if infoLen != infoHeaderLen && infoLen != v4InfoHeaderLen && infoLen != v5InfoHeaderLen {
		return h, errBMPUnsupported
	}
	if len(data) < fileHeaderLen+int(infoLen) {
		return h, io.ErrUnexpectedEOF
	}
	h.width, h.height = int(int32(u32(18))), int(int32(u32(22)))
	if h.height < 0 {
		h.height, h.topDown = -h.height, true
	}
	// The sizes as x/image/bmp bounds them: no negative side, no N×0, and
	// width × height × 4 within an int (Inspect's pixel limit is far below).
	if h.width < 0 || h.height < 0 || (h.width == 0) != (h.height == 0) ||
		h.width > 0 && h.height > math.MaxInt/4/h.width {
		return h, errBMPUnsupported
	}
	planes, compression := u16(26), u32(30)
	h.bpp = u16(28)
	// BI_BITFIELDS with the default masks is uncompressed.
	if compression == 3 && infoLen > infoHeaderLen &&
		u32(54) == 0xff0000 && u32(58) == 0xff00 && u32(62) == 0xff && u32(66) == 0xff000000 {
		compression = 0
	}
	if planes != 1 || compression != 0 {
		return h, errBMPUnsupported
	}
	h.pixels = fileHeaderLen + int(infoLen)
	switch h.bpp {
	case 1, 2, 4, 8:
		colors := int(u32(46))
		if colors == 0 {
			colors = 1 << h.bpp
		} else if colors > 1<<h.bpp {
			return h, errBMPUnsupported
		}
		if int64(offset) != int64(h.pixels)+int64(colors)*4 {
			return h, errBMPUnsupported
		}
		if len(data) < h.pixels+colors*4 {
			return h, io.ErrUnexpectedEOF
		}
		h.palette = make([]uint8, colors)
		for i := range h.palette {
			e := data[h.pixels+4*i:] // B, G, R, padding
			h.palette[i] = paletteLuma(e[2], e[1], e[0])
		}
		h.pixels += colors * 4
	case 24, 32:
		if int64(offset) != int64(h.pixels) {
			return h, errBMPUnsupported
		}
		h.allowAlpha = h.bpp == 32 && infoLen > infoHeaderLen
	default:
		return h, errBMPUnsupported
	}
	return h, nil
}

// paletteLuma is Luma's value for an opaque palette entry (its
// *image.Paletted case, on 16-bit channels).
func paletteLuma(r, g, b uint8) uint8 {
	r16, g16, b16 := uint32(r)*0x101, uint32(g)*0x101, uint32(b)*0x101
	return uint8((299*r16 + 587*g16 + 114*b16) / 1000 >> 8)
}

// rowBytes is the bytes of one stored row, padded to 4.
func (h bmpHeader) rowBytes() int {
	return (h.width*h.bpp + 31) / 32 * 4
}

// decodeBMP decodes data's pixels to luminance, one row at a time, calling
// interrupt (if not nil) before each row.
func decodeBMP(data []byte, interrupt func() error) (bitmap.Plane, error) {
	h, err := readBMPHeader(data)
	if err != nil {
		return bitmap.Plane{}, err
	}
	out := bitmap.NewPlane(h.width, h.height)
	stride := h.rowBytes()
	src := data[h.pixels:]
	for i := 0; i < h.height; i++ {
		if interrupt != nil {
			if err := interrupt(); err != nil {
				return bitmap.Plane{}, err
			}
		}
		if len(src) < stride {
			return bitmap.Plane{}, io.ErrUnexpectedEOF
		}
		y := h.height - 1 - i
		if h.topDown {
			y = i
		}
		if err := h.lumaRow(out.Pix[y*h.width:(y+1)*h.width], src[:stride]); err != nil {
			return bitmap.Plane{}, err
		}
		src = src[stride:]
	}
	return out, nil
}

// lumaRow converts one stored row to luminance as Luma does x/image/bmp's
// image: palette entries by their luminance, BGR opaque, BGRA composited
// on white where the header allows alpha.
func (h bmpHeader) lumaRow(dst, row []byte) error {
	switch h.bpp {
	case 24:
		for x := range dst {
			p := row[3*x:]
			dst[x] = luma8(p[2], p[1], p[0])
		}
	case 32:
		for x := range dst {
			p := row[4*x:]
			y := luma8(p[2], p[1], p[0])
			if h.allowAlpha {
				y = onWhite(y, p[3])
			}
			dst[x] = y
		}
	default:
		mask := byte(1<<h.bpp - 1)
		for x := range dst {
			bit := x * h.bpp
			i := row[bit/8] >> (8 - h.bpp - bit%8) & mask
			if int(i) >= len(h.palette) {
				return errBMPIndex
			}
			dst[x] = h.palette[i]
		}
	}
	return nil
}
