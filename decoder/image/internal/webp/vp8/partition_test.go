package vp8

import (
	"math/rand/v2"
	"testing"
)

// TestReadBit checks that the 56-bit reader returns the same bits as the
// upstream one (readBitUpstream, x/image/vp8's algorithm; FuzzDecodeLuma in
// the webp package checks the whole decoder against x/image itself), and
// flags EOF at the same read, for random streams and probabilities, of every
// length around the 8-byte load, valid or not.
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
			var ref partition
			ref.init(buf)
			ref.upstream = true
			for i := 0; i < 8*n+16; i++ {
				prob := uint8(1 + rng.IntN(255))
				if i%7 == 0 {
					prob = uniformProb
				}
				got, want := p.readBit(prob), ref.readBitUpstream(prob)
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
