package testfixtures

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
)

// PNG16 is a valid 16-bit RGBA PNG of w×h transparent black pixels (issue
// 22's thumbnail bomb at 6300²: 317 MB of pixel data, which image/png
// holds as an NRGBA64) built in milliseconds: its zlib stream repeats one
// deflate segment of a mebibyte of zeros, each segment referring only to
// itself. seed goes in a tEXt chunk, so that each seed is another file
// (another content hash).
func PNG16(w, h, seed int) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	ihdr = append(ihdr, 16, 6, 0, 0, 0) // 16 bits, RGBA, not interlaced
	raw := int64(h) * (1 + int64(w)*8)  // a filter byte and 8 bytes a pixel per row
	b := []byte("\x89PNG\r\n\x1a\n")
	b = append(b, chunk("IHDR", ihdr)...)
	b = append(b, chunk("tEXt", fmt.Appendf(nil, "seed\x00%d", seed))...)
	b = append(b, chunk("IDAT", zlibOfZeros(raw))...)
	return append(b, chunk("IEND", nil)...)
}

// zlibOfZeros is a zlib stream of n zero bytes.
func zlibOfZeros(n int64) []byte {
	segment := func(size int64) []byte {
		var buf bytes.Buffer
		fw, _ := flate.NewWriter(&buf, flate.BestCompression)
		fw.Write(make([]byte, size))
		fw.Flush() // a non-final block boundary: segments can follow one another
		return buf.Bytes()
	}
	const mib = 1 << 20
	out := []byte{0x78, 0xDA}
	full := segment(mib)
	for left := n; left > 0; left -= mib {
		if left < mib {
			out = append(out, segment(left)...)
		} else {
			out = append(out, full...)
		}
	}
	out = append(out, 0x03, 0x00)                                    // a final, empty fixed-Huffman block
	return binary.BigEndian.AppendUint32(out, uint32(n%65521)<<16|1) // Adler-32 of n zeros
}
