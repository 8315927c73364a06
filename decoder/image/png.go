package image

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/qrgate/qrgate/decoder/internal/bitmap"
)

// A PNG decoded straight to 8-bit luminance, row by row: image/png builds
// the whole image in its own colour model first (a 16-bit RGBA PNG of 40
// megapixels is a 320 MB NRGBA64, and an interlaced one a second copy per
// pass), where the scanner needs one byte per pixel. Here the inflated
// stream is read one row at a time into two row buffers (this row and
// the previous one, for the filters), each row converted to luminance —
// 16-bit samples by their high byte, alpha composited on white, as Luma
// does for the images Go's readers return — into the one output plane.
// Interlaced images are read pass by pass into the same plane.

// errPNG is the cause of every format error of the PNG reader.
var errPNG = errors.New("png: invalid format")

func pngErrorf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errPNG}, args...)...)
}

// pngState is what the chunks before the image data say.
type pngState struct {
	pngInfo
	palette [256]uint8 // luminance of each index, alpha composited on white
	// transparent is the tRNS colour key of grey and RGB images (samples
	// at their own depth), hasKey whether there is one.
	transparent [3]uint16
	hasKey      bool
}

// decodePNG decodes data (a whole PNG file) to its luminance. interrupt is
// called before each row; decoding stops with the error it returns.
func decodePNG(data []byte, interrupt func() error) (bitmap.Plane, error) {
	st, idat, err := readPNGChunks(data)
	if err != nil {
		return bitmap.Plane{}, err
	}
	zr, err := zlib.NewReader(idat)
	if err != nil {
		return bitmap.Plane{}, err
	}
	defer zr.Close()
	out := bitmap.NewPlane(st.width, st.height)
	row := newPNGRows(st, st.width)
	if !st.interlaced {
		if err := row.readPass(zr, out, st.width, st.height, 0, 1, 0, 1, interrupt); err != nil {
			return bitmap.Plane{}, err
		}
	} else {
		for p, a := range adam7 {
			pw, ph := passSize(p, st.width, st.height)
			if pw <= 0 || ph <= 0 {
				continue
			}
			if err := row.readPass(zr, out, pw, ph, a.x0, a.dx, a.y0, a.dy, interrupt); err != nil {
				return bitmap.Plane{}, err
			}
		}
	}
	// Like image/png: the stream must end here, its checksum right.
	var one [1]byte
	switch n, err := io.ReadFull(zr, one[:]); {
	case n != 0:
		return bitmap.Plane{}, pngErrorf("too much pixel data")
	case err != io.EOF:
		return bitmap.Plane{}, err
	}
	return out, nil
}

// readPNGChunks checks the signature and the chunks' CRCs, reads IHDR,
// PLTE and tRNS, and returns a reader over the concatenated IDAT data.
func readPNGChunks(data []byte) (*pngState, io.Reader, error) {
	h, err := pngHeader(data)
	if err != nil {
		return nil, nil, pngErrorf("%v", err)
	}
	if err := h.validate(); err != nil {
		return nil, nil, err
	}
	st := &pngState{pngInfo: h} // indices past the palette: opaque black (0), as image/png
	var idat []io.Reader
	seenPLTE, seenIEND := false, false
	for p := 8; p < len(data) && !seenIEND; {
		if p+8 > len(data) {
			return nil, nil, io.ErrUnexpectedEOF
		}
		n := int64(binary.BigEndian.Uint32(data[p : p+4]))
		typ := string(data[p+4 : p+8])
		if n > int64(len(data)-p-12) {
			return nil, nil, io.ErrUnexpectedEOF
		}
		body := data[p+8 : p+8+int(n)]
		crc := binary.BigEndian.Uint32(data[p+8+int(n):])
		if crc32.Update(crc32.ChecksumIEEE(data[p+4:p+8]), crc32.IEEETable, body) != crc {
			return nil, nil, pngErrorf("invalid checksum in chunk %q", typ)
		}
		p += 12 + int(n)
		switch typ {
		case "PLTE":
			if err := st.readPalette(body); err != nil {
				return nil, nil, err
			}
			seenPLTE = true
		case "tRNS":
			if err := st.readTransparency(body, seenPLTE); err != nil {
				return nil, nil, err
			}
		case "IDAT":
			idat = append(idat, bytes.NewReader(body))
		case "IEND":
			seenIEND = true
		}
	}
	if len(idat) == 0 {
		if !seenIEND {
			return nil, nil, io.ErrUnexpectedEOF
		}
		return nil, nil, pngErrorf("no image data")
	}
	if st.colorType == 3 && !seenPLTE {
		return nil, nil, pngErrorf("paletted image without a palette")
	}
	return st, io.MultiReader(idat...), nil
}

// validate checks IHDR's combinations as the PNG specification lists them.
func (h pngInfo) validate() error {
	ok := false
	switch h.colorType {
	case 0:
		ok = h.depth == 1 || h.depth == 2 || h.depth == 4 || h.depth == 8 || h.depth == 16
	case 3:
		ok = h.depth == 1 || h.depth == 2 || h.depth == 4 || h.depth == 8
	case 2, 4, 6:
		ok = h.depth == 8 || h.depth == 16
	}
	if !ok {
		return pngErrorf("bit depth %d with colour type %d", h.depth, h.colorType)
	}
	if h.width <= 0 || h.height <= 0 || h.width > 1<<30 || h.height > 1<<30 {
		return pngErrorf("%dx%d pixels", h.width, h.height)
	}
	return nil
}

func (st *pngState) readPalette(b []byte) error {
	if len(b)%3 != 0 || len(b) == 0 || len(b) > 256*3 {
		return pngErrorf("bad palette length %d", len(b))
	}
	for i := 0; i < len(b)/3; i++ {
		st.palette[i] = luma8(b[3*i], b[3*i+1], b[3*i+2])
	}
	return nil
}

func (st *pngState) readTransparency(b []byte, seenPLTE bool) error {
	switch st.colorType {
	case 0:
		if len(b) < 2 {
			return pngErrorf("bad tRNS length")
		}
		st.transparent[0], st.hasKey = binary.BigEndian.Uint16(b), true
	case 2:
		if len(b) < 6 {
			return pngErrorf("bad tRNS length")
		}
		for c := range 3 {
			st.transparent[c] = binary.BigEndian.Uint16(b[2*c:])
		}
		st.hasKey = true
	case 3:
		if !seenPLTE || len(b) > 256 {
			return pngErrorf("bad tRNS")
		}
		for i, a := range b {
			st.palette[i] = onWhite(st.palette[i], a)
		}
	}
	return nil
}

// pngRows decodes rows: the raw bytes of this row and the previous one.
type pngRows struct {
	st        *pngState
	bpp       int // bytes per complete pixel, at least 1 (the filters' unit)
	cur, prev []byte
}

func newPNGRows(st *pngState, width int) *pngRows {
	n := 1 + int(st.rowBytes(width))
	return &pngRows{st: st, bpp: max(1, st.channels()*st.depth/8), cur: make([]byte, n), prev: make([]byte, n)}
}

// readPass reads a pass of w×h pixels whose pixel (i, j) is the plane's
// (x0+i·dx, y0+j·dy): the whole image is the pass (0, 1, 0, 1).
func (r *pngRows) readPass(zr io.Reader, out bitmap.Plane, w, h, x0, dx, y0, dy int, interrupt func() error) error {
	n := 1 + int(r.st.rowBytes(w))
	cur, prev := r.cur[:n], r.prev[:n]
	clear(prev)
	for j := 0; j < h; j++ {
		if err := interrupt(); err != nil {
			return err
		}
		if _, err := io.ReadFull(zr, cur); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		if err := unfilter(cur[0], cur[1:], prev[1:], r.bpp); err != nil {
			return err
		}
		y := y0 + j*dy
		r.toLuma(cur[1:], out.Pix[y*out.Stride:], w, x0, dx)
		cur, prev = prev, cur
	}
	return nil
}

// unfilter reverses the row filter ft in place (PNG specification §9).
func unfilter(ft byte, cur, prev []byte, bpp int) error {
	switch ft {
	case 0:
	case 1: // Sub
		for i := bpp; i < len(cur); i++ {
			cur[i] += cur[i-bpp]
		}
	case 2: // Up
		for i, p := range prev {
			cur[i] += p
		}
	case 3: // Average
		for i := 0; i < bpp && i < len(cur); i++ {
			cur[i] += prev[i] / 2
		}
		for i := bpp; i < len(cur); i++ {
			cur[i] += uint8((int(cur[i-bpp]) + int(prev[i])) / 2)
		}
	case 4: // Paeth
		for i := 0; i < bpp && i < len(cur); i++ {
			cur[i] += prev[i]
		}
		for i := bpp; i < len(cur); i++ {
			cur[i] += paeth(cur[i-bpp], prev[i], prev[i-bpp])
		}
	default:
		return pngErrorf("bad filter type %d", ft)
	}
	return nil
}

func paeth(a, b, c uint8) uint8 {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// toLuma converts one unfiltered row of w pixels into dst at x0, x0+dx, ….
func (r *pngRows) toLuma(row, dst []byte, w, x0, dx int) {
	st := r.st
	d := st.depth
	switch st.colorType {
	case 0, 3: // grey or palette, 1 to 16 bits
		maxV := uint32(1)<<d - 1
		for i := 0; i < w; i++ {
			var v uint32
			switch {
			case d == 16:
				v = uint32(row[2*i])<<8 | uint32(row[2*i+1])
			case d == 8:
				v = uint32(row[i])
			default:
				bit := i * d
				v = uint32(row[bit/8]>>(8-d-bit%8)) & maxV
			}
			var y uint8
			switch {
			case st.colorType == 3:
				y = st.palette[v]
			case st.hasKey && uint16(v) == st.transparent[0]:
				y = 255
			case d == 16:
				y = uint8(v >> 8)
			default:
				y = uint8(v * 255 / maxV)
			}
			dst[x0+i*dx] = y
		}
	case 2: // RGB
		s := d / 8 // bytes per sample: the high byte comes first
		for i := 0; i < w; i++ {
			p := row[3*s*i:]
			y := luma8(p[0], p[s], p[2*s])
			if st.hasKey && sample(p, s, 0) == st.transparent[0] && sample(p, s, 1) == st.transparent[1] && sample(p, s, 2) == st.transparent[2] {
				y = 255
			}
			dst[x0+i*dx] = y
		}
	case 4: // grey + alpha
		s := d / 8
		for i := 0; i < w; i++ {
			p := row[2*s*i:]
			dst[x0+i*dx] = onWhite(p[0], p[s])
		}
	case 6: // RGBA
		s := d / 8
		for i := 0; i < w; i++ {
			p := row[4*s*i:]
			dst[x0+i*dx] = onWhite(luma8(p[0], p[s], p[2*s]), p[3*s])
		}
	}
}

// sample is sample c of a pixel of s-byte samples, at its own depth.
func sample(p []byte, s, c int) uint16 {
	if s == 2 {
		return uint16(p[2*c])<<8 | uint16(p[2*c+1])
	}
	return uint16(p[c])
}
