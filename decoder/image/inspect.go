package image

import (
	"encoding/binary"
	"fmt"
)

// Cost model. Decoding time is not proportional to pixels: a progressive
// JPEG walks every block once per scan (a 244 KB file of 2000 tiny scans
// cost 12–20 CPU-s), a 16-bit RGBA PNG inflates and unfilters 8 bytes per
// pixel, an animated GIF composites every frame. Inspect reads the headers
// and markers — never a pixel — and states the work in one unit, the
// pixel-pass (one visit of one pixel by one pass of the decoder), and the
// bytes the decode and scan will hold, so that both are refused or
// reserved before they are spent.
//
//   - JPEG: progressive, pixels × scans (each scan visits every block of
//     its components; the SOS markers are counted by walking the marker
//     segments, which skips entropy-coded data with a byte search);
//     sequential, pixels × the components of each scan, summed over the
//     scans (pixels × components for an ordinary file, and repeated scans
//     are counted too).
//   - PNG: the bytes inflated and unfiltered, a filter byte per row
//     included (pixels × bytes per sample × channels), summed over Adam7's
//     seven passes when interlaced, and never less than one pass over the
//     pixels (the luminance conversion).
//   - GIF: screen pixels × frames (every frame is composited onto the
//     screen and scanned).
//   - WebP, BMP: pixels.

// Info is what the headers say of an image (as far as they were read).
type Info struct {
	Format        Format
	Width, Height int
	Frames        int
	// Scans is a JPEG's count of SOS segments (0 for other formats).
	Scans int
	// Work is what decoding costs, in pixel-passes (see the cost model).
	Work int64
	// Bytes is an upper estimate of the memory the decode and the scan of
	// the image hold at once: the luminance planes, the decoder's own
	// buffers (a progressive JPEG's coefficients, a fallback decoder's
	// colour image) and the scan's pyramid and thresholds.
	Bytes int64
}

// WorkMP is Work in megapixel-passes, the unit of --max-image-work.
func (i Info) WorkMP() float64 { return float64(i.Work) / 1e6 }

// Bytes per pixel the scan of a frame allocates beyond its plane: the
// pyramid (1/4 + 1/16 + … of the plane), bit-packed rows, thresholds and
// the readers' buffers. Over corpus photos (JPEG, WebP, PNG, BMP, GIF of
// 1 to 15 megapixels) the scan allocated 1.4 to 3.4 bytes per pixel in
// all, by runtime.MemStats.TotalAlloc — more than it holds at once.
const scanBytesPerPixel = 3

// Inspect reads data's headers and returns its format, dimensions, frames,
// decoding work and memory estimate, without decoding any pixel and
// without applying any limit (Limits.Check does). A header that cannot be
// read is an *Error (Unsupported, Corrupt or Truncated); the Info is
// filled in as far as it was read. Its cost is a walk over the container's
// blocks or markers: no allocation in proportion to the image.
func Inspect(data []byte) (Info, error) {
	info := Info{Format: Sniff(data)}
	if len(data) == 0 {
		return info, newError(Truncated, nil, "empty file")
	}
	if info.Format == "" {
		return info, newError(Unsupported, nil, "not a JPEG, PNG, GIF, WebP or BMP image")
	}
	cfg, err := Header(info.Format, data)
	if err != nil {
		if w, h, ok := webpCanvas(data); info.Format == WebP && ok {
			// x/image/webp refuses canvases over 2³¹−1 pixels as an
			// invalid format; such a file is a bomb, to be called one.
			info.Width, info.Height, info.Frames = w, h, 1
			info.Work = int64(w) * int64(h)
			info.Bytes = info.Work * (webpBytesPerPixel(data) + scanBytesPerPixel)
			return info, nil
		}
		return info, classify(info.Format, err, "header", nil)
	}
	info.Width, info.Height, info.Frames = cfg.Width, cfg.Height, 1
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return info, newError(Corrupt, nil, "%s header declares %dx%d pixels", info.Format, cfg.Width, cfg.Height)
	}
	px := int64(cfg.Width) * int64(cfg.Height)
	switch info.Format {
	case JPEG:
		j := walkJPEG(data)
		info.Scans = j.scans
		info.Work = px * max(j.passes(), 1)
		info.Bytes = px * (j.bytesPerPixel() + scanBytesPerPixel)
	case PNG:
		h, err := pngHeader(data)
		if err != nil {
			return info, newError(Corrupt, err, "png header cannot be read: %v", err)
		}
		info.Work = max(h.rawBytes(), px)
		info.Bytes = px*(1+scanBytesPerPixel) + 2*h.rowBytes(cfg.Width) + pngInflateBytes
	case GIF:
		// Counting stops past maxGIFFrames: enough for any limit to refuse.
		n, err := gifFrameCount(data, maxGIFFrames)
		if err != nil && n == 0 {
			return info, classify(GIF, err, "frames", data)
		}
		info.Frames = max(n, 1)
		info.Work = px * int64(info.Frames)
		// A plane per frame, the screen being composited, the frame
		// before it (disposal "previous") and the frame's own indices.
		info.Bytes = px * int64(info.Frames+3+scanBytesPerPixel)
	case WebP:
		info.Work = px
		info.Bytes = px * (webpBytesPerPixel(data) + scanBytesPerPixel)
	case BMP:
		info.Work = px
		// The plane; decodeBMP reads rows in place from data.
		info.Bytes = px * (1 + scanBytesPerPixel)
	}
	return info, nil
}

// maxGIFFrames bounds the frame count's walk; a GIF over any sensible
// frame limit is refused whatever its exact count.
const maxGIFFrames = 1 << 16

// Check refuses an image whose header declares more than the limits allow:
// TooLarge for pixels, TooManyFrames for frames, TooComplex for work. A
// zero limit is no limit.
func (lim Limits) Check(info Info) error {
	px := int64(info.Width) * int64(info.Height)
	if lim.MaxPixels > 0 && px > int64(lim.MaxPixels) {
		return newError(TooLarge, nil, "%dx%d pixels is over the limit of %d megapixels", info.Width, info.Height, lim.MaxPixels/1_000_000)
	}
	if lim.MaxFrames > 0 && info.Frames > lim.MaxFrames {
		return newError(TooManyFrames, nil, "animated GIF has more than %d frames", lim.MaxFrames)
	}
	if lim.MaxPixels > 0 && info.Frames > 1 && int64(info.Frames)*px > int64(lim.MaxPixels) {
		return newError(TooLarge, nil, "%d frames of %dx%d pixels is over the limit of %d megapixels", info.Frames, info.Width, info.Height, lim.MaxPixels/1_000_000)
	}
	if lim.MaxWork > 0 && info.Work > lim.MaxWork {
		return newError(TooComplex, nil, "decoding %s costs %s megapixel-passes, over the limit of %s", describe(info), fmtMP(info.Work), fmtMP(lim.MaxWork))
	}
	return nil
}

// describe names what makes an image's decoding costly, for the error a
// client reads.
func describe(info Info) string {
	switch {
	case info.Format == JPEG && info.Scans > 1:
		return fmt.Sprintf("this %dx%d JPEG of %d scans", info.Width, info.Height, info.Scans)
	case info.Frames > 1:
		return fmt.Sprintf("%d frames of %dx%d", info.Frames, info.Width, info.Height)
	}
	return fmt.Sprintf("this %dx%d %s", info.Width, info.Height, info.Format)
}

func fmtMP(work int64) string { return fmt.Sprintf("%.0f", float64(work)/1e6) }

// pngInfo is what a PNG's IHDR says.
type pngInfo struct {
	width, height int
	depth         int // bits per sample
	colorType     byte
	interlaced    bool
}

// pngHeader reads the IHDR chunk (the first, by the format's rule).
func pngHeader(b []byte) (pngInfo, error) {
	if len(b) < 8+8+13 || string(b[12:16]) != "IHDR" {
		return pngInfo{}, fmt.Errorf("no IHDR chunk first")
	}
	d := b[16:29]
	h := pngInfo{
		width: int(binary.BigEndian.Uint32(d[0:4])), height: int(binary.BigEndian.Uint32(d[4:8])),
		depth: int(d[8]), colorType: d[9], interlaced: d[12] == 1,
	}
	if h.channels() == 0 {
		return h, fmt.Errorf("bad colour type %d", h.colorType)
	}
	return h, nil
}

// channels is the number of samples per pixel (0 for an invalid colour type).
func (h pngInfo) channels() int {
	switch h.colorType {
	case 0, 3: // grey, palette
		return 1
	case 4: // grey + alpha
		return 2
	case 2: // RGB
		return 3
	case 6: // RGBA
		return 4
	}
	return 0
}

// rowBytes is the size of one filtered row of width pixels, without its filter byte.
func (h pngInfo) rowBytes(width int) int64 {
	return (int64(width)*int64(h.channels()*h.depth) + 7) / 8
}

// adam7 are the seven passes of PNG interlacing: offset and step in x and y.
var adam7 = [7]struct{ x0, dx, y0, dy int }{
	{0, 8, 0, 8}, {4, 8, 0, 8}, {0, 4, 4, 8}, {2, 4, 0, 4}, {0, 2, 2, 4}, {1, 2, 0, 2}, {0, 1, 1, 2},
}

// passSize is the size of an Adam7 pass of a w×h image.
func passSize(p, w, h int) (pw, ph int) {
	a := adam7[p]
	return (w - a.x0 + a.dx - 1) / a.dx, (h - a.y0 + a.dy - 1) / a.dy
}

// rawBytes is the size of the inflated image data: every row of every pass
// with its filter byte.
func (h pngInfo) rawBytes() int64 {
	if !h.interlaced {
		return int64(h.height) * (1 + h.rowBytes(h.width))
	}
	var n int64
	for p := range adam7 {
		pw, ph := passSize(p, h.width, h.height)
		if pw > 0 && ph > 0 {
			n += int64(ph) * (1 + h.rowBytes(pw))
		}
	}
	return n
}

// pngInflateBytes is what the inflater holds whatever the image: its
// window, its tables and the reader's buffers.
const pngInflateBytes = 64 << 10

// webpBytesPerPixel is what decoding a WebP holds per pixel besides the
// scan: the luma fork's Y plane and a macroblock row for lossy images; for
// lossless or alpha ones, x/image/webp's ARGB words and NRGBA image and
// the luminance converted from it.
func webpBytesPerPixel(b []byte) int64 {
	if webpNeedsFallback(b) {
		return 4 + 4 + 1
	}
	return 2
}

// webpNeedsFallback reports a lossless WebP, or one with alpha: the luma
// fork hands those to x/image/webp.
func webpNeedsFallback(b []byte) bool {
	if len(b) < 16 {
		return false
	}
	switch string(b[12:16]) {
	case "VP8L":
		return true
	case "VP8X":
		return len(b) < 21 || b[20]&0x10 != 0 || containsChunk(b[30:], "VP8L")
	}
	return false
}

// containsChunk walks RIFF chunks for one with the given FourCC.
func containsChunk(b []byte, id string) bool {
	for len(b) >= 8 {
		if string(b[:4]) == id {
			return true
		}
		n := int64(binary.LittleEndian.Uint32(b[4:8]))
		n += n & 1
		if n > int64(len(b)-8) {
			return false
		}
		b = b[8+n:]
	}
	return false
}
