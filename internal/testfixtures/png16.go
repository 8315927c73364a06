package testfixtures

import "fmt"

// PNG16 is PNGZeros' 16-bit RGBA PNG of w×h (issue 22's thumbnail bomb at
// 6300²: 317 MB of pixel data in a 320 KB file) with seed in a tEXt chunk
// after the IHDR, so that each seed is another file (another content hash).
func PNG16(w, h, seed int) []byte {
	b := PNGZeros(w, h, 16, 6, false)
	const afterIHDR = 8 + 8 + 13 + 4 // signature, then IHDR's length, type, data and CRC
	text := chunk("tEXt", fmt.Appendf(nil, "seed\x00%d", seed))
	return append(append(append([]byte{}, b[:afterIHDR]...), text...), b[afterIHDR:]...)
}
