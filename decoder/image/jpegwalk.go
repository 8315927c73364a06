package image

import "bytes"

// jpegMarkers is what a walk over a JPEG's marker segments learns: the
// frame's components and mode, the colour-model hints the luma fork
// decides on, and the scans.
type jpegMarkers struct {
	components  int
	progressive bool
	jfif, adobe bool
	adobeXform  byte
	ids         [4]byte
	scans       int   // SOS segments
	scanComps   int64 // components summed over the scans
}

// walkJPEG walks data's marker segments from SOI to EOI (or the end of
// the bytes), counting the SOS segments. Entropy-coded data after an SOS
// is skipped with a byte search for the next marker (0xFF followed by
// anything but 0x00, a restart marker or another 0xFF), which is where
// the decoders resume too; bytes between segments that are no marker are
// skipped, as the decoders do. It never fails: it reports what it saw,
// and the decoder enforces the scan count it was allowed on its own.
func walkJPEG(b []byte) jpegMarkers {
	var j jpegMarkers
	p := 2 // after SOI
	for {
		i := bytes.IndexByte(b[p:], 0xFF)
		if i < 0 {
			return j
		}
		p += i + 1
		for p < len(b) && b[p] == 0xFF { // fill bytes
			p++
		}
		if p >= len(b) {
			return j
		}
		m := b[p]
		p++
		switch {
		case m == 0x00 || 0xD0 <= m && m <= 0xD7: // stuffed byte or a restart: no segment
			continue
		case m == 0xD9: // EOI
			return j
		}
		if p+2 > len(b) {
			return j
		}
		n := int(b[p])<<8 | int(b[p+1])
		if n < 2 {
			return j // the decoders refuse a short segment
		}
		seg := b[p+2 : min(len(b), p+n)]
		p += n
		switch {
		case m == 0xC0 || m == 0xC1 || m == 0xC2:
			j.frame(m, seg)
		case m == 0xE0:
			j.jfif = bytes.HasPrefix(seg, []byte("JFIF\x00"))
		case m == 0xEE && len(seg) >= 12 && bytes.HasPrefix(seg, []byte("Adobe")):
			j.adobe, j.adobeXform = true, seg[11]
		case m == 0xDA:
			j.scans++
			if len(seg) > 0 {
				j.scanComps += int64(min(int(seg[0]), 4))
			}
			if p >= len(b) {
				return j
			}
			p = skipEntropyData(b, p)
		}
		if p >= len(b) {
			return j
		}
	}
}

// frame records an SOF segment.
func (j *jpegMarkers) frame(m byte, seg []byte) {
	j.progressive = m == 0xC2
	if len(seg) < 6 {
		return
	}
	j.components = min(int(seg[5]), 4)
	for i := 0; i < j.components && 6+3*i < len(seg); i++ {
		j.ids[i] = seg[6+3*i]
	}
}

// skipEntropyData returns the offset of the 0xFF of the marker that ends
// the entropy-coded data starting at p (len(b) when there is none).
func skipEntropyData(b []byte, p int) int {
	for {
		i := bytes.IndexByte(b[p:], 0xFF)
		if i < 0 || p+i+1 >= len(b) {
			return len(b)
		}
		p += i
		switch c := b[p+1]; {
		case c == 0x00 || 0xD0 <= c && c <= 0xD7:
			p += 2
		case c == 0xFF:
			p++
		default:
			return p
		}
	}
}

// passes is the work per pixel: one per scan for a progressive JPEG, the
// components of each scan summed for a sequential one.
func (j jpegMarkers) passes() int64 {
	if j.progressive {
		return int64(j.scans)
	}
	return j.scanComps
}

// fallback reports the colour models the luma fork hands to image/jpeg:
// CMYK/YCCK, and RGB (no JFIF, and an Adobe transform of 0 or 'R','G','B'
// component ids). Its rule is the fork's isRGB.
func (j jpegMarkers) fallback() bool {
	if j.components == 4 {
		return true
	}
	if j.components != 3 || j.jfif {
		return false
	}
	if j.adobe && j.adobeXform == 0 {
		return true
	}
	return j.ids[0] == 'R' && j.ids[1] == 'G' && j.ids[2] == 'B'
}

// bytesPerPixel is what the decode holds per pixel, the scan aside: the
// luma plane; a progressive file's luma coefficients and non-zero masks
// (264 bytes per 64-pixel block) and chroma masks (8 bytes per chroma
// block), 5.2 bytes a pixel in all as measured on 4:2:0 photos; for the fallback
// colour models, image/jpeg's colour image (and every component's
// coefficients when progressive) besides the luma converted from it.
func (j jpegMarkers) bytesPerPixel() int64 {
	switch {
	case j.fallback() && j.progressive:
		return 1 + 4 + int64(j.components)*4
	case j.fallback():
		return 1 + 4
	case j.progressive:
		return 1 + 4 + 1 // the plane, luma coefficients, the masks rounded up
	}
	return 1
}
