package vp8

import (
	"math/rand/v2"
	"testing"
)

// refPartition is the upstream (golang.org/x/image/vp8) byte-at-a-time
// reader, kept as the reference for the 56-bit one.
type refPartition struct {
	buf           []byte
	r             int
	rangeM1, bits uint32
	nBits         uint8
	unexpectedEOF bool
}

func (p *refPartition) readBit(prob uint8) bool {
	if p.nBits < 8 {
		if p.r >= len(p.buf) {
			p.unexpectedEOF = true
			return false
		}
		p.bits |= uint32(p.buf[p.r]) << (8 - p.nBits)
		p.r++
		p.nBits += 8
	}
	split := (p.rangeM1*uint32(prob))>>8 + 1
	bit := p.bits >= split<<8
	if bit {
		p.rangeM1 -= split
		p.bits -= split << 8
	} else {
		p.rangeM1 = split - 1
	}
	for p.rangeM1 < 127 { // the spec's loop; upstream uses a table
		p.rangeM1 = p.rangeM1<<1 | 1
		p.bits <<= 1
		p.nBits--
	}
	return bit
}

// TestReadBit checks that the 56-bit reader returns the same bits as the
// upstream one, and flags EOF at the same read, for random streams and
// probabilities, of every length around the 8-byte load, valid or not.
func TestReadBit(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for n := 0; n < 40; n++ {
		for trial := 0; trial < 50; trial++ {
			buf := make([]byte, n)
			for i := range buf {
				buf[i] = byte(rng.IntN(256))
			}
			if n > 0 && trial%10 == 0 {
				buf[0] = 0xff // invalid: the coded value starts at the range
			}
			var p partition
			p.init(buf)
			ref := refPartition{buf: buf, rangeM1: 254}
			for i := 0; i < 8*n+16; i++ {
				prob := uint8(1 + rng.IntN(255))
				if i%7 == 0 {
					prob = uniformProb
				}
				got, want := p.readBit(prob), ref.readBit(prob)
				if got != want || p.unexpectedEOF != ref.unexpectedEOF {
					t.Fatalf("len %d, read %d (prob %d): bit %v eof %v, want %v eof %v",
						n, i, prob, got, p.unexpectedEOF, want, ref.unexpectedEOF)
				}
				if ref.unexpectedEOF {
					break
				}
			}
		}
	}
}
