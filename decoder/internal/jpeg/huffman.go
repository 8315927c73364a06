// Copyright 2009 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package jpeg

import (
	"io"
)

// maxCodeLength is the maximum (inclusive) number of bits in a Huffman code.
const maxCodeLength = 16

// maxNCodes is the maximum (inclusive) number of codes in a Huffman tree.
const maxNCodes = 256

// lutSize is the log-2 size of the Huffman decoder's look-up table.
const lutSize = 8

// huffman is a Huffman decoder, specified in section C.
type huffman struct {
	// length is the number of codes in the tree.
	nCodes int32
	// lut is the look-up table for the next lutSize bits in the bit-stream.
	// The high 8 bits of the uint16 are the encoded value. The low 8 bits
	// are 1 plus the code length, or 0 if the value is too large to fit in
	// lutSize bits.
	lut [1 << lutSize]uint16
	// vals are the decoded values, sorted by their encoding.
	vals [maxNCodes]uint8
	// minCodes[i] is the minimum code of length i, or -1 if there are no
	// codes of that length.
	minCodes [maxCodeLength]int32
	// maxCodes[i] is the maximum code of length i, or -1 if there are no
	// codes of that length.
	maxCodes [maxCodeLength]int32
	// valsIndices[i] is the index into vals of minCodes[i].
	valsIndices [maxCodeLength]int32
}

// qrgate: the bit reader below replaces the standard library's byte-at-a-time
// reader with a 64-bit accumulator that is refilled several bytes at a time.
// Its observable semantics are the same as the standard library's: the bits
// of an entropy-coded segment are exactly the bytes up to (not including) the
// next marker, with 0xff 0x00 un-stuffed, and any attempt to read past them
// is an error (the standard library does not pad with zeros either).

// errShortHuffmanData is returned when the input ends in the middle of
// entropy-coded data. (The standard library returns a FormatError here; for
// qrgate a truncated file is reported as io.ErrUnexpectedEOF.)
var errShortHuffmanData = io.ErrUnexpectedEOF

// refill loads bytes from d.bytes into the bit accumulator until it holds
// more than 56 bits or the entropy-coded segment ends (a marker, EOF or a
// read error), in which case d.bits.end is set and d.bits.err records why.
func (d *decoder) refill() {
	if d.bits.end {
		return
	}
	a, n := d.bits.a, d.bits.n
	for n <= 56 {
		i := d.bytes.i
		if i+2 <= d.bytes.j {
			c := d.bytes.buf[i]
			if c != 0xff {
				a = a<<8 | uint64(c)
				n += 8
				d.bytes.i = i + 1
				continue
			}
			if d.bytes.buf[i+1] == 0x00 {
				a = a<<8 | 0xff
				n += 8
				d.bytes.i = i + 2
				continue
			}
			// A marker: the segment ends here. The marker is left unread.
			d.bits.end, d.bits.err = true, errMissingFF00
			break
		}
		// Fewer than two buffered bytes.
		if err := d.fill(); err != nil {
			// At EOF, a single trailing non-0xff byte is still data.
			if d.bytes.i < d.bytes.j && d.bytes.buf[d.bytes.i] != 0xff {
				a = a<<8 | uint64(d.bytes.buf[d.bytes.i])
				n += 8
				d.bytes.i++
			}
			if err == io.ErrUnexpectedEOF {
				err = errShortHuffmanData
			}
			d.bits.end, d.bits.err = true, err
			break
		}
	}
	d.bits.a, d.bits.n = a, n
}

// receiveExtend is the composition of RECEIVE and EXTEND, specified in section
// F.2.2.1.
func (d *decoder) receiveExtend(t uint8) (int32, error) {
	if d.bits.n < int32(t) {
		d.refill()
		if d.bits.n < int32(t) {
			return 0, d.bits.err
		}
	}
	d.bits.n -= int32(t)
	s := int32(1) << t
	x := int32(d.bits.a>>uint8(d.bits.n)) & (s - 1)
	if x < s>>1 {
		x += ((-1) << t) + 1
	}
	return x, nil
}

// skipBits discards t bits (a RECEIVE whose value is not needed).
func (d *decoder) skipBits(t uint8) error {
	if d.bits.n < int32(t) {
		d.refill()
		if d.bits.n < int32(t) {
			return d.bits.err
		}
	}
	d.bits.n -= int32(t)
	return nil
}

// processDHT processes a Define Huffman Table marker, and initializes a huffman
// struct from its contents. Specified in section B.2.4.2.
func (d *decoder) processDHT(n int) error {
	for n > 0 {
		if n < 17 {
			return FormatError("DHT has wrong length")
		}
		if err := d.readFull(d.tmp[:17]); err != nil {
			return err
		}
		tc := d.tmp[0] >> 4
		if tc > maxTc {
			return FormatError("bad Tc value")
		}
		th := d.tmp[0] & 0x0f
		// The baseline th <= 1 restriction is specified in table B.5.
		if th > maxTh || (d.baseline && th > 1) {
			return FormatError("bad Th value")
		}
		h := &d.huff[tc][th]

		// Read nCodes and h.vals (and derive h.nCodes).
		// nCodes[i] is the number of codes with code length i.
		// h.nCodes is the total number of codes.
		h.nCodes = 0
		var nCodes [maxCodeLength]int32
		for i := range nCodes {
			nCodes[i] = int32(d.tmp[i+1])
			h.nCodes += nCodes[i]
		}
		if h.nCodes == 0 {
			return FormatError("Huffman table has zero length")
		}
		if h.nCodes > maxNCodes {
			return FormatError("Huffman table has excessive length")
		}
		n -= int(h.nCodes) + 17
		if n < 0 {
			return FormatError("DHT has wrong length")
		}
		if err := d.readFull(h.vals[:h.nCodes]); err != nil {
			return err
		}

		// Derive the look-up table.
		clear(h.lut[:])
		var x, code uint32
		for i := uint32(0); i < lutSize; i++ {
			code <<= 1
			for j := int32(0); j < nCodes[i]; j++ {
				// The codeLength is 1+i, so shift code by 8-(1+i) to
				// calculate the high bits for every 8-bit sequence
				// whose codeLength's high bits matches code.
				// The high 8 bits of lutValue are the encoded value.
				// The low 8 bits are 1 plus the codeLength.
				base := uint8(code << (7 - i))
				lutValue := uint16(h.vals[x])<<8 | uint16(2+i)
				for k := uint8(0); k < 1<<(7-i); k++ {
					h.lut[base|k] = lutValue
				}
				code++
				x++
			}
		}

		// Derive minCodes, maxCodes, and valsIndices.
		var c, index int32
		for i, n := range nCodes {
			if n == 0 {
				h.minCodes[i] = -1
				h.maxCodes[i] = -1
				h.valsIndices[i] = -1
			} else {
				h.minCodes[i] = c
				h.maxCodes[i] = c + n - 1
				h.valsIndices[i] = index
				c += n
				index += n
			}
			c <<= 1
		}
	}
	return nil
}

// decodeHuffman returns the next Huffman-coded value from the bit-stream,
// decoded according to h.
func (d *decoder) decodeHuffman(h *huffman) (uint8, error) {
	if h.nCodes == 0 {
		return 0, FormatError("uninitialized Huffman table")
	}
	if d.bits.n < lutSize {
		d.refill()
	}
	if d.bits.n >= lutSize {
		if v := h.lut[uint8(d.bits.a>>uint32(d.bits.n-lutSize))]; v != 0 {
			d.bits.n -= int32(v&0xff) - 1
			return uint8(v >> 8), nil
		}
	}
	return d.decodeHuffmanSlow(h)
}

// decodeHuffmanSlow decodes codes longer than lutSize bits, or any code when
// fewer than lutSize bits remain in the segment, one bit at a time, exactly
// like the standard library's slow path.
func (d *decoder) decodeHuffmanSlow(h *huffman) (uint8, error) {
	for i, code := 0, int32(0); i < maxCodeLength; i++ {
		if d.bits.n == 0 {
			d.refill()
			if d.bits.n == 0 {
				return 0, d.bits.err
			}
		}
		d.bits.n--
		code |= int32(d.bits.a>>uint32(d.bits.n)) & 1
		if code <= h.maxCodes[i] {
			return h.vals[h.valsIndices[i]+code-h.minCodes[i]], nil
		}
		code <<= 1
	}
	return 0, FormatError("bad Huffman code")
}

func (d *decoder) decodeBit() (bool, error) {
	if d.bits.n == 0 {
		d.refill()
		if d.bits.n == 0 {
			return false, d.bits.err
		}
	}
	d.bits.n--
	return (d.bits.a>>uint32(d.bits.n))&1 != 0, nil
}

func (d *decoder) decodeBits(n int32) (uint32, error) {
	if d.bits.n < n {
		d.refill()
		if d.bits.n < n {
			return 0, d.bits.err
		}
	}
	ret := uint32(d.bits.a >> uint32(d.bits.n-n))
	ret &= (1 << uint32(n)) - 1
	d.bits.n -= n
	return ret, nil
}
