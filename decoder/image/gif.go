package image

import (
	"compress/lzw"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/qrgate/qrgate/decoder/internal/bitmap"
)

// A GIF decoded frame by frame straight onto an 8-bit luminance screen:
// image/gif's DecodeAll keeps every frame's indices at once, and
// compositing them on an RGBA screen took four bytes a pixel more. Here
// each frame's LZW data is read into one index buffer the size of the
// screen, drawn through its palette's luminance onto the screen
// (transparent pixels leave it as it is), the screen copied out as that
// frame's plane, and the disposal applied. A frame is checked against the
// context before it is read. Errors are those image/gif gives for the
// same faults (frames outside the screen, no colour table, pixel values
// past the palette, too little data).

var errGIF = errors.New("gif: invalid format")

func gifErrorf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errGIF}, args...)...)
}

// GIF disposal methods (graphic control extension).
const (
	gifDisposeBackground = 2
	gifDisposePrevious   = 3
)

// gifReader is the state of one decode.
type gifReader struct {
	data          []byte
	p             int
	width, height int
	global        *gifPalette
	screen, prev  []byte // the composited screen, and a copy for disposal "previous"
	indices       []byte // the frame being read
	lz            *lzw.Reader
	// From the last graphic control extension, for the next frame.
	disposal    byte
	transparent int // -1: none
}

// gifPalette is a colour table as luminance, and its length.
type gifPalette struct {
	luma [256]uint8
	n    int
}

func decodeGIF(data []byte, info Info, interrupt func() error) ([]bitmap.Plane, error) {
	if len(data) < 13 {
		return nil, io.ErrUnexpectedEOF
	}
	r := &gifReader{data: data, p: 13, width: info.Width, height: info.Height, transparent: -1}
	if flags := data[10]; flags&0x80 != 0 {
		pal, err := r.palette(int(flags & 7))
		if err != nil {
			return nil, err
		}
		r.global = pal
	}
	px := info.Width * info.Height
	r.screen = make([]byte, px)
	for i := range r.screen {
		r.screen[i] = 255 // frames are composited on white
	}
	frames := make([]bitmap.Plane, 0, max(info.Frames, 1))
	for {
		if r.p >= len(data) {
			return nil, io.ErrUnexpectedEOF
		}
		block := data[r.p]
		r.p++
		switch block {
		case 0x21:
			if err := r.extension(); err != nil {
				return nil, err
			}
		case 0x2C:
			if err := interrupt(); err != nil {
				return nil, err
			}
			if len(frames) == max(info.Frames, 1) {
				// Inspect's walk counted fewer: the work stated is wrong.
				return nil, gifErrorf("more frames than the block walk counted")
			}
			plane, err := r.frame()
			if err != nil {
				return nil, err
			}
			frames = append(frames, plane)
		case 0x3B:
			if len(frames) == 0 {
				return nil, gifErrorf("no image")
			}
			return frames, nil
		default:
			return nil, gifErrorf("unknown block type %#x", block)
		}
	}
}

// palette reads a colour table of 2^(size+1) entries at r.p.
func (r *gifReader) palette(size int) (*gifPalette, error) {
	n := 1 << (size + 1)
	if r.p+3*n > len(r.data) {
		return nil, io.ErrUnexpectedEOF
	}
	pal := &gifPalette{n: n}
	for i := 0; i < n; i++ {
		c := r.data[r.p+3*i:]
		pal.luma[i] = luma8(c[0], c[1], c[2])
	}
	r.p += 3 * n
	return pal, nil
}

// extension reads an extension block; only graphic control matters.
func (r *gifReader) extension() error {
	next, gce, err := gifExtension(r.data, r.p)
	if err != nil {
		return err
	}
	r.p = next
	if gce != nil {
		r.disposal = (gce[0] >> 2) & 7
		if gce[0]&1 != 0 {
			r.transparent = int(gce[3])
		}
	}
	return nil
}

// frame reads an image descriptor and its data, composites it and returns
// the screen as the frame's plane.
func (r *gifReader) frame() (bitmap.Plane, error) {
	if r.p+9 > len(r.data) {
		return bitmap.Plane{}, io.ErrUnexpectedEOF
	}
	d := r.data[r.p:]
	left, top := int(binary.LittleEndian.Uint16(d[0:])), int(binary.LittleEndian.Uint16(d[2:]))
	w, h := int(binary.LittleEndian.Uint16(d[4:])), int(binary.LittleEndian.Uint16(d[6:]))
	flags := d[8]
	r.p += 9
	if left+w > r.width || top+h > r.height {
		return bitmap.Plane{}, gifErrorf("frame bounds larger than image bounds")
	}
	pal := r.global
	if flags&0x80 != 0 {
		local, err := r.palette(int(flags & 7))
		if err != nil {
			return bitmap.Plane{}, err
		}
		pal = local
	}
	if pal == nil {
		return bitmap.Plane{}, gifErrorf("no color table")
	}
	if err := r.readIndices(w, h, pal.n); err != nil {
		return bitmap.Plane{}, err
	}
	rows := displayRows(h, flags&0x40 != 0)
	if r.disposal == gifDisposePrevious {
		if r.prev == nil {
			r.prev = make([]byte, len(r.screen))
		}
		copy(r.prev, r.screen)
	}
	for y := 0; y < h; y++ {
		src := r.indices[rows(y)*w : rows(y)*w+w]
		dst := r.screen[(top+y)*r.width+left:]
		for x, idx := range src {
			if int(idx) != r.transparent {
				dst[x] = pal.luma[idx]
			}
		}
	}
	plane := bitmap.NewPlane(r.width, r.height)
	copy(plane.Pix, r.screen)
	switch r.disposal {
	case gifDisposeBackground:
		for y := 0; y < h; y++ {
			row := r.screen[(top+y)*r.width+left:]
			for x := 0; x < w; x++ {
				row[x] = 255
			}
		}
	case gifDisposePrevious:
		copy(r.screen, r.prev)
	}
	r.disposal, r.transparent = 0, -1 // a control extension applies to one frame
	return plane, nil
}

// readIndices LZW-decodes a w×h frame's indices into r.indices (in the
// order they are stored) and skips the rest of its sub-blocks.
func (r *gifReader) readIndices(w, h int, paletteLen int) error {
	if r.p >= len(r.data) {
		return io.ErrUnexpectedEOF
	}
	litWidth := int(r.data[r.p])
	r.p++
	if litWidth < 2 || litWidth > 8 {
		return gifErrorf("pixel size in decode out of range: %d", litWidth)
	}
	if r.indices == nil {
		r.indices = make([]byte, len(r.screen))
	}
	pix := r.indices[:w*h]
	br := &subBlockReader{data: r.data, p: r.p}
	if r.lz == nil {
		r.lz = lzw.NewReader(br, lzw.LSB, litWidth).(*lzw.Reader)
	} else {
		r.lz.Reset(br, lzw.LSB, litWidth) // its tables and buffers, once per image
	}
	if _, err := io.ReadFull(r.lz, pix); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			if br.short {
				return io.ErrUnexpectedEOF
			}
			return gifErrorf("not enough image data")
		}
		return gifErrorf("%v", err)
	}
	end, err := skipSubBlocks(r.data, br.p+br.left)
	if err != nil {
		return err
	}
	r.p = end
	if paletteLen < 256 {
		for _, idx := range pix {
			if int(idx) >= paletteLen {
				return gifErrorf("invalid pixel value")
			}
		}
	}
	return nil
}

// displayRows maps a frame's display row to the row it was stored as:
// an interlaced frame stores rows 0, 8, 16, …, then 4, 12, …, then 2, 6,
// …, then the odd ones.
func displayRows(h int, interlaced bool) func(y int) int {
	if !interlaced {
		return func(y int) int { return y }
	}
	return func(y int) int {
		switch {
		case y%8 == 0:
			return y / 8
		case y%8 == 4:
			return (h+7)/8 + y/8
		case y%4 == 2:
			return (h+7)/8 + (h+3)/8 + y/4
		}
		return (h+7)/8 + (h+3)/8 + (h+1)/4 + y/2
	}
}

// subBlockReader reads the bytes of a run of GIF data sub-blocks.
type subBlockReader struct {
	data  []byte
	p     int // at the next sub-block's length byte, or inside one
	left  int // bytes left in the current sub-block
	done  bool
	short bool // the file ended inside the sub-blocks
}

func (s *subBlockReader) Read(b []byte) (int, error) {
	for s.left == 0 {
		if s.done {
			return 0, io.EOF
		}
		if s.p >= len(s.data) {
			s.short = true
			return 0, io.ErrUnexpectedEOF
		}
		s.left = int(s.data[s.p])
		s.p++
		if s.left == 0 {
			s.done = true
			s.p-- // leave the terminator for skipSubBlocks
			return 0, io.EOF
		}
	}
	n := min(len(b), s.left, len(s.data)-s.p)
	if n == 0 {
		s.short = true
		return 0, io.ErrUnexpectedEOF
	}
	copy(b, s.data[s.p:s.p+n])
	s.p += n
	s.left -= n
	return n, nil
}
