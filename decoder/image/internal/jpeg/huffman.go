// Copyright 2009 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package jpeg

import (
	"encoding/binary"
	"io"
)

// maxCodeLength is the maximum (inclusive) number of bits in a Huffman code.
const maxCodeLength = 16

// maxNCodes is the maximum (inclusive) number of codes in a Huffman tree.
const maxNCodes = 256

// lutSize is the log-2 size of the Huffman decoder's look-up table.
// (qrgate: 9 bits, as in stb_image, instead of the standard library's 8.)
const lutSize = 9

// huffman is a Huffman decoder, specified in section C.
type huffman struct {
	// length is the number of codes in the tree.
	nCodes int32
	// lut is the look-up table for the next lutSize bits in the bit-stream.
	// (qrgate: each entry also decodes the extra bits that follow short
	// codes.) An entry e is laid out as:
	//
	//	bits  0-7   the decoded symbol;
	//	bits  8-11  the code length, or 0 if the code is longer than lutSize
	//	            bits (or invalid);
	//	bits 12-15  for a "full" entry, the number s > 0 of extra bits
	//	            (RECEIVE) that follow the code, which also fit in
	//	            lutSize bits; 0 otherwise;
	//	bits 16-31  for a full entry, EXTEND(RECEIVE(s)) as an int16.
	//
	// For AC tables s is the low nibble of the symbol (the run is the high
	// nibble); for DC tables s is the symbol itself.
	lut [1 << lutSize]uint32
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

// lutEntry returns the look-up table entry for symbol v with a code of
// length l (1 <= l <= lutSize), the code occupying the top l bits of the
// lutSize-bit index idx. s is the number of extra bits that follow the code.
func lutEntry(v uint8, l, s, idx uint32) uint32 {
	e := uint32(v) | l<<8
	if s == 0 || s > 15 || l+s > lutSize {
		return e
	}
	x := int32(idx>>(lutSize-l-s)) & (1<<s - 1)
	if x < 1<<(s-1) {
		x += -1<<s + 1
	}
	return e | s<<12 | uint32(uint16(int16(x)))<<16
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
//
// qrgate: the accumulator is left-aligned (the next bit is bit 63) and the
// bits below the n valid ones are zero. When 8 bytes are buffered and none
// of them is 0xff (no stuffing, no marker), as many whole bytes as fit are
// loaded with one 64-bit read.
func (d *decoder) refill() {
	if d.bits.end {
		return
	}
	a, n := d.bits.a, d.bits.n
	if i := d.bytes.i; i+8 <= d.bytes.j && n <= 56 {
		w := binary.BigEndian.Uint64(d.bytes.buf[i : i+8])
		if t := ^w; (t-0x0101010101010101)&^t&0x8080808080808080 == 0 {
			// No 0xff byte in w: take k = (64-n)/8 bytes (1 to 8).
			k := (64 - n) >> 3
			a |= w >> (64 - 8*k) << (64 - n - 8*k)
			d.bits.a, d.bits.n = a, n+8*k
			d.bytes.i = i + int(k)
			return
		}
	}
	for n <= 56 {
		i := d.bytes.i
		if i+2 <= d.bytes.j {
			c := d.bytes.buf[i]
			if c != 0xff {
				a |= uint64(c) << (56 - n)
				n += 8
				d.bytes.i = i + 1
				continue
			}
			if d.bytes.buf[i+1] == 0x00 {
				a |= 0xff << (56 - n)
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
				a |= uint64(d.bytes.buf[d.bytes.i]) << (56 - n)
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

// extend is EXTEND (section F.2.2.1) of the t-bit value x.
func extend(x uint64, t uint) int32 {
	v := int32(x)
	if v < int32(1)<<t>>1 {
		v += int32(-1)<<t + 1
	}
	return v
}

// receiveExtend is the composition of RECEIVE and EXTEND, specified in section
// F.2.2.1.
func (d *decoder) receiveExtend(t uint8) (int32, error) {
	if d.bits.n < uint(t) {
		d.refill()
		if d.bits.n < uint(t) {
			return 0, d.bits.err
		}
	}
	x := d.bits.a >> (64 - uint(t))
	d.bits.a <<= t
	d.bits.n -= uint(t)
	return extend(x, uint(t)), nil
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

		// Derive the look-up table. For valid (complete or incomplete
		// prefix) codes, entry idx holds the code that is a prefix of idx.
		// For over-subscribed codes (corrupt input), entries are what the
		// standard library would decode: its 8-bit table (built with the
		// same wrap-around) where that has an entry, and otherwise the
		// result of its bit-at-a-time slow path on the lutSize bits.
		var lut8 [256]uint16
		var x, code uint32
		for i := uint32(0); i < 8; i++ {
			code <<= 1
			for j := int32(0); j < nCodes[i]; j++ {
				base := uint8(code << (7 - i))
				lutValue := uint16(h.vals[x])<<8 | uint16(2+i)
				for k := uint8(0); k < 1<<(7-i); k++ {
					lut8[base|k] = lutValue
				}
				code++
				x++
			}
		}
		for idx := uint32(0); idx < 1<<lutSize; idx++ {
			var v uint8
			var l uint32
			if e := lut8[idx>>(lutSize-8)]; e != 0 {
				v, l = uint8(e>>8), uint32(e&0xff)-1
			} else {
				for i, c := 0, int32(0); i < lutSize; i++ {
					c = c<<1 | int32(idx>>(lutSize-1-i))&1
					if c <= h.maxCodes[i] {
						if k := h.valsIndices[i] + c - h.minCodes[i]; 0 <= k && k < h.nCodes {
							v, l = h.vals[k], uint32(i+1)
						}
						break
					}
				}
			}
			if l == 0 {
				h.lut[idx] = 0
				continue
			}
			s := uint32(v)
			if tc == acTable {
				s = uint32(v & 0x0f)
			}
			h.lut[idx] = lutEntry(v, l, s, idx)
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
	if d.bits.n < 16 {
		d.refill()
	}
	// Like the standard library, use the table only if at least 8 bits
	// remain (this matters only for corrupt, over-subscribed tables).
	e := h.lut[d.bits.a>>(64-lutSize)]
	if l := uint(e>>8) & 15; l != 0 && l <= d.bits.n && d.bits.n >= 8 {
		d.bits.a <<= l
		d.bits.n -= l
		return uint8(e), nil
	}
	return d.decodeHuffmanSlow(h)
}

// decodeHuffmanSlow decodes codes longer than lutSize bits, or any code when
// fewer bits than its length remain in the segment, one bit at a time,
// exactly like the standard library's slow path.
func (d *decoder) decodeHuffmanSlow(h *huffman) (uint8, error) {
	for i, code := 0, int32(0); i < maxCodeLength; i++ {
		if d.bits.n == 0 {
			d.refill()
			if d.bits.n == 0 {
				return 0, d.bits.err
			}
		}
		code |= int32(d.bits.a >> 63)
		d.bits.a <<= 1
		d.bits.n--
		if code <= h.maxCodes[i] {
			return h.vals[h.valsIndices[i]+code-h.minCodes[i]], nil
		}
		code <<= 1
	}
	return 0, FormatError("bad Huffman code")
}

// decodeDC decodes a DC difference: a Huffman-coded size and, for a
// non-zero size, RECEIVE and EXTEND of that many bits (section F.2.2.1).
func (d *decoder) decodeDC(h *huffman) (int32, error) {
	if d.bits.n < 16 {
		d.refill()
	}
	if d.bits.n >= 16 && h.nCodes != 0 {
		e := h.lut[d.bits.a>>(64-lutSize)]
		if l := uint(e>>8) & 15; l != 0 {
			if s := uint(e>>12) & 15; s != 0 || uint8(e) == 0 {
				d.bits.a <<= l + s
				d.bits.n -= l + s
				return int32(int16(e >> 16)), nil
			}
		}
	}
	value, err := d.decodeHuffman(h)
	if err != nil {
		return 0, err
	}
	if value > 16 {
		return 0, UnsupportedError("excessive DC component")
	}
	return d.receiveExtend(value)
}

func (d *decoder) decodeBit() (bool, error) {
	if d.bits.n == 0 {
		d.refill()
		if d.bits.n == 0 {
			return false, d.bits.err
		}
	}
	bit := d.bits.a>>63 != 0
	d.bits.a <<= 1
	d.bits.n--
	return bit, nil
}

func (d *decoder) decodeBits(n int32) (uint32, error) {
	if d.bits.n < uint(n) {
		d.refill()
		if d.bits.n < uint(n) {
			return 0, d.bits.err
		}
	}
	ret := uint32(d.bits.a >> (64 - uint(n)))
	d.bits.a <<= uint(n)
	d.bits.n -= uint(n)
	return ret, nil
}
