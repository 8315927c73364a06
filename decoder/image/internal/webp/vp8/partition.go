// Copyright 2011 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package vp8

import (
	"encoding/binary"
	"math/bits"
)

// Each VP8 frame consists of between 2 and 9 bitstream partitions.
// Each partition is byte-aligned and is independently arithmetic-encoded.
//
// This file implements decoding a partition's bitstream, as specified in
// chapter 7. The implementation follows libwebp's approach instead of the
// specification's reference C implementation. For example, we use a look-up
// table instead of a for loop to recalibrate the encoded range.

// uniformProb represents a 50% probability that the next bit is 0.
const uniformProb = 128

// partition holds arithmetic-coded bits.
//
// qrgate: the reader follows libwebp's VP8GetBit (src/utils/bit_reader*;
// its licence is in LICENSE.libwebp):
// up to 56 bits are loaded at once, and the range is renormalized with a
// bit-length instruction. It decodes exactly the same bits as the upstream
// byte-at-a-time reader, and flags EOF under the same condition (a bit is
// read with fewer than 8 bits left and no bytes to load).
type partition struct {
	// buf is the input bytes.
	buf []byte
	// r is how many of buf's bytes have been consumed.
	r int
	// rangeM1 is range minus 1, where range is in the arithmetic coding sense,
	// not the Go language sense.
	rangeM1 uint32
	// value holds bits loaded from buf but not yet consumed; the current
	// window starts at bit pos (libwebp's bits_), and pos < 0 means fewer
	// than 8 bits are left.
	value uint64
	pos   int
	// unexpectedEOF tells whether we tried to read past buf.
	unexpectedEOF bool
	// upstream is set for a partition whose first byte is 0xff, which no
	// encoder writes (the coded value would start at or above the range).
	// The two readers differ on such a stream, so it is read bit for bit
	// as upstream reads it, keeping the decoder's output identical to
	// x/image/vp8's on every input.
	upstream bool
	uBits    uint32
	uNBits   uint8
}

// init initializes the partition.
func (p *partition) init(buf []byte) {
	p.buf = buf
	p.r = 0
	p.rangeM1 = 254
	p.value = 0
	p.pos = -8
	p.unexpectedEOF = false
	p.upstream = len(buf) > 0 && buf[0] == 0xff
	p.uBits, p.uNBits = 0, 0
}

// load adds 56 bits (7 bytes) to value, or one byte near the end of buf.
func (p *partition) load() bool {
	if p.r+8 <= len(p.buf) {
		p.value = p.value<<56 | binary.BigEndian.Uint64(p.buf[p.r:])>>8
		p.r += 7
		p.pos += 56
		return true
	}
	if p.r < len(p.buf) {
		p.value = p.value<<8 | uint64(p.buf[p.r])
		p.r++
		p.pos += 8
		return true
	}
	p.unexpectedEOF = true
	return false
}

// readBit returns the next bit.
func (p *partition) readBit(prob uint8) bool {
	if p.pos < 0 {
		if p.upstream {
			return p.readBitUpstream(prob)
		}
		if !p.load() {
			return false
		}
	}
	pos := uint(p.pos)
	split := (p.rangeM1 * uint32(prob)) >> 8
	var rng uint32 // the new range (not minus 1)
	bit := uint32(p.value>>pos) > split
	if bit {
		rng = p.rangeM1 - split
		p.value -= uint64(split+1) << pos
	} else {
		rng = split + 1
	}
	shift := 7 ^ (bits.Len32(rng) - 1) // renormalize rng to [128, 255]
	p.rangeM1 = rng<<shift - 1
	p.pos -= shift
	return bit
}

// readBitUpstream is x/image/vp8's reader, on its own state (pos stays
// negative in this mode, so that readBit always comes here).
func (p *partition) readBitUpstream(prob uint8) bool {
	if p.uNBits < 8 {
		if p.r >= len(p.buf) {
			p.unexpectedEOF = true
			return false
		}
		p.uBits |= uint32(p.buf[p.r]) << (8 - p.uNBits)
		p.r++
		p.uNBits += 8
	}
	split := (p.rangeM1*uint32(prob))>>8 + 1
	bit := p.uBits >= split<<8
	if bit {
		p.rangeM1 -= split
		p.uBits -= split << 8
	} else {
		p.rangeM1 = split - 1
	}
	if p.rangeM1 < 127 {
		shift := uint8(7 ^ (bits.Len32(p.rangeM1+1) - 1))
		p.rangeM1 = (p.rangeM1+1)<<shift - 1
		p.uBits <<= shift
		p.uNBits -= shift
	}
	return bit
}

// readUint returns the next n-bit unsigned integer.
func (p *partition) readUint(prob, n uint8) uint32 {
	var u uint32
	for n > 0 {
		n--
		if p.readBit(prob) {
			u |= 1 << n
		}
	}
	return u
}

// readInt returns the next n-bit signed integer.
func (p *partition) readInt(prob, n uint8) int32 {
	u := p.readUint(prob, n)
	b := p.readBit(prob)
	if b {
		return -int32(u)
	}
	return int32(u)
}

// readOptionalInt returns the next n-bit signed integer in an encoding
// where the likely result is zero.
func (p *partition) readOptionalInt(prob, n uint8) int32 {
	if !p.readBit(prob) {
		return 0
	}
	return p.readInt(prob, n)
}
