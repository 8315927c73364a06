// Copyright 2025 The qrgate Authors. Parts derived from Go's image/jpeg,
// Copyright 2012 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package jpeg

// This file holds the AC coefficient loops. They keep the bit accumulator in
// local variables and decode each short code together with its extra bits
// with one table look-up (see huffman.lut); whenever fewer than 16 bits are
// buffered after a refill (the end of the entropy-coded segment is near) or
// the code is longer than lutSize bits, they fall back to the general
// routines, whose behaviour is the standard library's.

// acSymbol handles an AC symbol rs (run/size) that the fast path did not
// fully decode: it reads the extra bits (size > 0) or the EOB run length.
// zig is the index of the coefficient before the run. It returns the new
// zig, the coefficient value (for size > 0), and whether the band ended
// (EOB, or the run went past zigEnd, as the standard library's "break").
func (d *decoder) acSymbol(rs uint8, zig, zigEnd int32) (int32, int32, bool, error) {
	val0 := rs >> 4
	val1 := rs & 0x0f
	if val1 != 0 {
		zig += int32(val0)
		if zig > zigEnd {
			return zig, 0, true, nil
		}
		ac, err := d.receiveExtend(val1)
		return zig, ac, false, err
	}
	if val0 != 0x0f {
		// EOB. In sequential mode val0 != 0 (an EOB run) is not valid,
		// but the standard library honours it, and so do we.
		d.eobRun = uint16(1 << val0)
		if val0 != 0 {
			bits, err := d.decodeBits(int32(val0))
			if err != nil {
				return zig, 0, true, err
			}
			d.eobRun |= uint16(bits)
		}
		d.eobRun--
		return zig, 0, true, nil
	}
	return zig + 0x0f, 0, false, nil
}

// decodeAC decodes the AC coefficients zigStart..zigEnd of one block (a
// first scan, or a sequential block), storing coefficient << al at
// b[unzig[zig]]. It returns the zig-zag index of the last coefficient
// written (0 if none) and a mask with bit zig set for each one written.
func (d *decoder) decodeAC(b *block, h *huffman, zigStart, zigEnd int32, al uint32) (int32, uint64, error) {
	if h.nCodes == 0 {
		return 0, 0, FormatError("uninitialized Huffman table")
	}
	last := int32(0)
	var m uint64
	a, n := d.bits.a, d.bits.n
	lut := &h.lut
	for zig := zigStart; zig <= zigEnd; zig++ {
		if n < 16 {
			d.bits.a, d.bits.n = a, n
			d.refill()
			a, n = d.bits.a, d.bits.n
		}
		e := lut[a>>(64-lutSize)]
		l := uint(e>>8) & 15
		if s := uint(e>>12) & 15; s != 0 && n >= 16 {
			// A full entry: code and extra bits.
			zig += int32(e>>4) & 15
			if zig > zigEnd {
				a <<= l
				n -= l
				break
			}
			a <<= l + s
			n -= l + s
			b[unzig[zig&63]&63] = int32(int16(e>>16)) << al
			m |= 1 << uint(zig&63)
			last = zig
			continue
		}
		var rs uint8
		if l != 0 && n >= 16 {
			a <<= l
			n -= l
			rs = uint8(e)
			if rs == 0 {
				// EOB.
				d.eobRun = 0
				break
			}
			d.bits.a, d.bits.n = a, n
		} else {
			d.bits.a, d.bits.n = a, n
			var err error
			if rs, err = d.decodeHuffman(h); err != nil {
				return 0, 0, err
			}
		}
		z, ac, done, err := d.acSymbol(rs, zig, zigEnd)
		a, n = d.bits.a, d.bits.n
		if err != nil {
			return 0, 0, err
		}
		if done {
			break
		}
		zig = z
		if rs&0x0f != 0 {
			b[unzig[zig&63]&63] = ac << al
			m |= 1 << uint(zig&63)
			last = zig
		}
	}
	d.bits.a, d.bits.n = a, n
	return last, m, nil
}

// skipAC is decodeAC for blocks whose coefficients are not needed. If mask
// is non-nil, bit zig of *mask is set for every non-zero coefficient.
func (d *decoder) skipAC(h *huffman, zigStart, zigEnd int32, mask *uint64) error {
	if h.nCodes == 0 {
		return FormatError("uninitialized Huffman table")
	}
	var m uint64
	a, n := d.bits.a, d.bits.n
	lut := &h.lut
	for zig := zigStart; zig <= zigEnd; zig++ {
		if n < 16 {
			d.bits.a, d.bits.n = a, n
			d.refill()
			a, n = d.bits.a, d.bits.n
		}
		e := lut[a>>(64-lutSize)]
		l := uint(e>>8) & 15
		if s := uint(e>>12) & 15; s != 0 && n >= 16 {
			zig += int32(e>>4) & 15
			if zig > zigEnd {
				a <<= l
				n -= l
				break
			}
			a <<= l + s
			n -= l + s
			m |= 1 << uint(zig&63)
			continue
		}
		var rs uint8
		if l != 0 && n >= 16 {
			a <<= l
			n -= l
			rs = uint8(e)
			if rs == 0 {
				d.eobRun = 0
				break
			}
			d.bits.a, d.bits.n = a, n
		} else {
			d.bits.a, d.bits.n = a, n
			var err error
			if rs, err = d.decodeHuffman(h); err != nil {
				return err
			}
		}
		z, _, done, err := d.acSymbol(rs, zig, zigEnd)
		a, n = d.bits.a, d.bits.n
		if err != nil {
			return err
		}
		if done {
			break
		}
		zig = z
		if rs&0x0f != 0 {
			m |= 1 << uint(zig&63)
		}
	}
	d.bits.a, d.bits.n = a, n
	if mask != nil {
		*mask |= m
	}
	return nil
}
