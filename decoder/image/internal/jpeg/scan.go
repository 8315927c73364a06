// Copyright 2012 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package jpeg

import mathbits "math/bits"

// This file is forked from Go's image/jpeg scan.go. The scan loop is
// restructured so that only the luma component (component 0) is stored and
// reconstructed; other components are entropy-decoded and discarded.

// makeImg allocates the luma output: bw*bh blocks of bsz*bsz pixels. Unlike
// the standard library, blocks that lie entirely in the MCU padding are not
// allocated (they are never visible).
func (d *decoder) makeImg() error {
	d.bw = (d.width + 7) / 8
	d.bh = (d.height + 7) / 8
	d.pixStride = d.bw * d.bsz
	d.pix = make([]byte, d.pixStride*d.bh*d.bsz)
	d.imgMade = true
	return nil
}

// Specified in section B.2.3.
func (d *decoder) processSOS(n int) error {
	if d.nComp == 0 {
		return FormatError("missing SOF marker")
	}
	d.scans++
	if d.maxScans > 0 && d.scans > d.maxScans {
		return ErrTooManyScans
	}
	if err := d.checkInterrupt(); err != nil {
		return err
	}
	if n < 6 || 4+2*d.nComp < n || n%2 != 0 {
		return FormatError("SOS has wrong length")
	}
	if err := d.readFull(d.tmp[:n]); err != nil {
		return err
	}
	nComp := int(d.tmp[0])
	if n != 4+2*nComp {
		return FormatError("SOS length inconsistent with number of components")
	}
	var scan [maxComponents]struct {
		compIndex uint8
		td        uint8 // DC table selector.
		ta        uint8 // AC table selector.
	}
	totalHV := 0
	for i := 0; i < nComp; i++ {
		cs := d.tmp[1+2*i] // Component selector.
		compIndex := -1
		for j, comp := range d.comp[:d.nComp] {
			if cs == comp.c {
				compIndex = j
			}
		}
		if compIndex < 0 {
			return FormatError("unknown component selector")
		}
		scan[i].compIndex = uint8(compIndex)
		// Section B.2.3 states that "the value of Cs_j shall be different from
		// the values of Cs_1 through Cs_(j-1)". Since we have previously
		// verified that a frame's component identifiers (C_i values in section
		// B.2.2) are unique, it suffices to check that the implicit indexes
		// into d.comp are unique.
		for j := 0; j < i; j++ {
			if scan[i].compIndex == scan[j].compIndex {
				return FormatError("repeated component selector")
			}
		}
		totalHV += d.comp[compIndex].h * d.comp[compIndex].v

		// The baseline t <= 1 restriction is specified in table B.3.
		scan[i].td = d.tmp[2+2*i] >> 4
		if t := scan[i].td; t > maxTh || (d.baseline && t > 1) {
			return FormatError("bad Td value")
		}
		scan[i].ta = d.tmp[2+2*i] & 0x0f
		if t := scan[i].ta; t > maxTh || (d.baseline && t > 1) {
			return FormatError("bad Ta value")
		}
	}
	// Section B.2.3 states that if there is more than one component then the
	// total H*V values in a scan must be <= 10.
	if d.nComp > 1 && totalHV > 10 {
		return FormatError("total sampling factors too large")
	}

	// zigStart and zigEnd are the spectral selection bounds.
	// ah and al are the successive approximation high and low values.
	// The spec calls these values Ss, Se, Ah and Al.
	//
	// For progressive JPEGs, these are the two more-or-less independent
	// aspects of progression. Spectral selection progression is when not
	// all of a block's 64 DCT coefficients are transmitted in one pass.
	// For example, three passes could transmit coefficient 0 (the DC
	// component), coefficients 1-5, and coefficients 6-63, in zig-zag
	// order. Successive approximation is when not all of the bits of a
	// band of coefficients are transmitted in one pass. For example,
	// three passes could transmit the 6 most significant bits, followed
	// by the second-least significant bit, followed by the least
	// significant bit.
	//
	// For sequential JPEGs, these parameters are hard-coded to 0/63/0/0, as
	// per table B.3.
	zigStart, zigEnd, ah, al := int32(0), int32(blockSize-1), uint32(0), uint32(0)
	if d.progressive {
		zigStart = int32(d.tmp[1+2*nComp])
		zigEnd = int32(d.tmp[2+2*nComp])
		ah = uint32(d.tmp[3+2*nComp] >> 4)
		al = uint32(d.tmp[3+2*nComp] & 0x0f)
		if (zigStart == 0 && zigEnd != 0) || zigStart > zigEnd || blockSize <= zigEnd {
			return FormatError("bad spectral selection bounds")
		}
		if zigStart != 0 && nComp != 1 {
			return FormatError("progressive AC coefficients for more than one component")
		}
		if ah != 0 && ah != al+1 {
			return FormatError("bad successive approximation values")
		}
	}

	// mxx and myy are the number of MCUs (Minimum Coded Units) in the image.
	h0, v0 := d.comp[0].h, d.comp[0].v // The h and v values from the Y components.
	mxx := (d.width + 8*h0 - 1) / (8 * h0)
	myy := (d.height + 8*v0 - 1) / (8 * v0)
	if !d.imgMade {
		if d.onFirstSOS != nil {
			if err := d.onFirstSOS(d); err != nil {
				return err
			}
		}
		if err := d.makeImg(); err != nil {
			return err
		}
	}
	if d.progressive {
		for i := 0; i < nComp; i++ {
			compIndex := scan[i].compIndex
			if compIndex == 0 {
				if d.scale == 8 {
					if d.lumaDC == nil {
						d.lumaDC = make([]int32, d.bw*d.bh)
						d.lumaMask = make([]uint64, d.bw*d.bh)
					}
				} else if d.lumaCoeffs == nil {
					d.lumaCoeffs = make([]block, d.bw*d.bh)
					d.lumaMask = make([]uint64, d.bw*d.bh)
				}
			} else if zigStart > 0 && d.chromaMask[compIndex] == nil {
				// Only AC scans need the non-zero masks.
				d.chromaMask[compIndex] = make([]uint64, mxx*myy*d.comp[compIndex].h*d.comp[compIndex].v)
			}
		}
	}

	d.bits = bits{}
	mcu, expectedRST := 0, uint8(rst0Marker)
	var (
		// b is the decoded coefficients, in natural (not zig-zag) order.
		b  block
		dc [maxComponents]int32
		// bx and by are the location of the current block, in units of 8x8
		// blocks: the third block in the first row has (bx, by) = (2, 0).
		bx, by     int
		blockCount int
	)
	for my := 0; my < myy; my++ {
		if err := d.checkInterrupt(); err != nil {
			return err
		}
		for mx := 0; mx < mxx; mx++ {
			for i := 0; i < nComp; i++ {
				compIndex := scan[i].compIndex
				hi := d.comp[compIndex].h
				vi := d.comp[compIndex].v
				dcHuff := &d.huff[dcTable][scan[i].td]
				acHuff := &d.huff[acTable][scan[i].ta]
				for j := 0; j < hi*vi; j++ {
					// See the standard library's scan.go for the block
					// traversal order; it is unchanged.
					if nComp != 1 {
						bx = hi*mx + j%hi
						by = vi*my + j/hi
					} else {
						q := mxx * hi
						bx = blockCount % q
						by = blockCount / q
						blockCount++
						if bx*8 >= d.width || by*8 >= d.height {
							continue
						}
					}
					inImage := bx < d.bw && by < d.bh

					if !d.progressive {
						if compIndex != 0 {
							if err := d.skipBlock(dcHuff, acHuff, &dc[compIndex]); err != nil {
								return err
							}
							continue
						}
						b = block{}
						last, err := d.decodeBlock(&b, dcHuff, acHuff, &dc[compIndex])
						if err != nil {
							return err
						}
						if inImage {
							d.reconstructBlock(&b, bx, by, last)
						}
						continue
					}

					// Progressive.
					if compIndex == 0 && d.scale != 8 {
						if inImage {
							bp := &d.lumaCoeffs[by*d.bw+bx]
							mp := &d.lumaMask[by*d.bw+bx]
							if err := d.progBlock(bp, mp, dcHuff, acHuff, &dc[0], zigStart, zigEnd, ah, al); err != nil {
								return err
							}
						} else {
							// Only interleaved DC scans visit blocks outside
							// the image; they are decoded and dropped.
							b = block{}
							var m uint64
							if err := d.progBlock(&b, &m, dcHuff, acHuff, &dc[0], zigStart, zigEnd, ah, al); err != nil {
								return err
							}
						}
						continue
					}
					var dcp *int32
					var mask *uint64
					var scratch uint64
					mask = &scratch
					if compIndex == 0 {
						if inImage {
							dcp = &d.lumaDC[by*d.bw+bx]
							mask = &d.lumaMask[by*d.bw+bx]
						}
					} else if m := d.chromaMask[compIndex]; m != nil {
						mask = &m[by*mxx*hi+bx]
					}
					if err := d.progMaskBlock(dcp, mask, dcHuff, acHuff, &dc[compIndex], zigStart, zigEnd, ah, al); err != nil {
						return err
					}
				} // for j
			} // for i
			mcu++
			if d.ri > 0 && mcu%d.ri == 0 && mcu < mxx*myy {
				// For well-formed input, the RST[0-7] restart marker follows
				// immediately. For corrupt input, call findRST to try to
				// resynchronize.
				if err := d.readFull(d.tmp[:2]); err != nil {
					return err
				} else if d.tmp[0] != 0xff || d.tmp[1] != expectedRST {
					if err := d.findRST(expectedRST); err != nil {
						return err
					}
				}
				expectedRST++
				if expectedRST == rst7Marker+1 {
					expectedRST = rst0Marker
				}
				// Reset the Huffman decoder.
				d.bits = bits{}
				// Reset the DC components, as per section F.2.1.3.1.
				dc = [maxComponents]int32{}
				// Reset the progressive decoder state, as per section G.1.2.2.
				d.eobRun = 0
			}
		} // for mx
	} // for my

	return nil
}

// decodeBlock decodes one sequential-mode block into b (which must be
// zeroed), returning the zig-zag index of the last coefficient written.
func (d *decoder) decodeBlock(b *block, dcHuff, acHuff *huffman, dc *int32) (int32, error) {
	// Decode the DC coefficient, as specified in section F.2.2.1.
	dcDelta, err := d.decodeDC(dcHuff)
	if err != nil {
		return 0, err
	}
	*dc += dcDelta
	b[0] = *dc

	// Decode the AC coefficients, as specified in section F.2.2.2.
	if d.eobRun > 0 {
		d.eobRun--
		return 0, nil
	}
	last, _, err := d.decodeAC(b, acHuff, 1, blockSize-1, 0)
	return last, err
}

// skipBlock is decodeBlock for a component whose samples are not needed: the
// bit-stream is consumed identically but nothing is stored.
func (d *decoder) skipBlock(dcHuff, acHuff *huffman, dc *int32) error {
	if _, err := d.decodeDC(dcHuff); err != nil {
		return err
	}
	if d.eobRun > 0 {
		d.eobRun--
		return nil
	}
	return d.skipAC(acHuff, 1, blockSize-1, nil)
}

// progBlock decodes one progressive-mode block whose coefficient values are
// kept (luma at scale 1, 2 and 4). It is the standard library's code.
//
// qrgate: *mask records which AC coefficients of b are non-zero (bit z for
// zig-zag index z), so that refinement scans need not read the zero ones.
func (d *decoder) progBlock(b *block, mask *uint64, dcHuff, acHuff *huffman, dc *int32, zigStart, zigEnd int32, ah, al uint32) error {
	if ah != 0 {
		return d.refine(b, mask, acHuff, zigStart, zigEnd, 1<<al)
	}
	zig := zigStart
	if zig == 0 {
		zig++
		// Decode the DC coefficient, as specified in section F.2.2.1.
		dcDelta, err := d.decodeDC(dcHuff)
		if err != nil {
			return err
		}
		*dc += dcDelta
		b[0] = *dc << al
	}

	if zig <= zigEnd && d.eobRun > 0 {
		d.eobRun--
		return nil
	}
	if zig > zigEnd {
		return nil
	}
	// Decode the AC coefficients, as specified in section F.2.2.2.
	_, m, err := d.decodeAC(b, acHuff, zig, zigEnd, al)
	*mask |= m
	return err
}

// progMaskBlock is progBlock for blocks whose AC values are not needed: only
// which AC coefficients are non-zero is recorded in *mask (bit z for zig-zag
// index z), which is all that later refinement scans depend on. If dcp is
// non-nil, the DC coefficient is kept there.
func (d *decoder) progMaskBlock(dcp *int32, mask *uint64, dcHuff, acHuff *huffman, dc *int32, zigStart, zigEnd int32, ah, al uint32) error {
	if ah != 0 {
		if zigStart == 0 {
			// Refining a DC component is trivial.
			bit, err := d.decodeBit()
			if err != nil {
				return err
			}
			if bit && dcp != nil {
				*dcp |= 1 << al
			}
			return nil
		}
		return d.refineMask(mask, acHuff, zigStart, zigEnd)
	}
	zig := zigStart
	if zig == 0 {
		zig++
		dcDelta, err := d.decodeDC(dcHuff)
		if err != nil {
			return err
		}
		*dc += dcDelta
		if dcp != nil {
			*dcp = *dc << al
		}
	}

	if zig <= zigEnd && d.eobRun > 0 {
		d.eobRun--
		return nil
	}
	if zig > zigEnd {
		return nil
	}
	return d.skipAC(acHuff, zig, zigEnd, mask)
}

// refine decodes a successive approximation refinement block, as specified in
// section G.1.2.
func (d *decoder) refine(b *block, mask *uint64, h *huffman, zigStart, zigEnd, delta int32) error {
	// Refining a DC component is trivial.
	if zigStart == 0 {
		if zigEnd != 0 {
			return FormatError("bad spectral selection bounds")
		}
		bit, err := d.decodeBit()
		if err != nil {
			return err
		}
		if bit {
			b[0] |= delta
		}
		return nil
	}

	// Refining AC components is more complicated; see sections G.1.2.2 and G.1.2.3.
	zig := zigStart
	if d.eobRun == 0 {
	loop:
		for ; zig <= zigEnd; zig++ {
			z := int32(0)
			value, err := d.decodeHuffman(h)
			if err != nil {
				return err
			}
			val0 := value >> 4
			val1 := value & 0x0f

			switch val1 {
			case 0:
				if val0 != 0x0f {
					d.eobRun = uint16(1 << val0)
					if val0 != 0 {
						bits, err := d.decodeBits(int32(val0))
						if err != nil {
							return err
						}
						d.eobRun |= uint16(bits)
					}
					break loop
				}
			case 1:
				z = delta
				bit, err := d.decodeBit()
				if err != nil {
					return err
				}
				if !bit {
					z = -z
				}
			default:
				return FormatError("unexpected Huffman code")
			}

			zig, err = d.refineNonZeroes(b, *mask, zig, zigEnd, int32(val0), delta)
			if err != nil {
				return err
			}
			if zig > zigEnd {
				return FormatError("too many coefficients")
			}
			if z != 0 {
				b[unzig[zig]] = z
				*mask |= 1 << uint(zig)
			}
		}
	}
	if d.eobRun > 0 {
		d.eobRun--
		if err := d.refineEOBRun(b, *mask, zig, zigEnd, delta); err != nil {
			return err
		}
	}
	return nil
}

// refineNonZeroes refines non-zero entries of b in zig-zag order. If nz >= 0,
// the first nz zero entries are skipped over. (qrgate: m says which entries
// are non-zero, and the correction bits are read from a local copy of the
// bit accumulator.)
func (d *decoder) refineNonZeroes(b *block, m uint64, zig, zigEnd, nz, delta int32) (int32, error) {
	a, n := d.bits.a, d.bits.n
	for ; zig <= zigEnd; zig++ {
		if m&(1<<uint(zig&63)) == 0 {
			if nz == 0 {
				break
			}
			nz--
			continue
		}
		if n == 0 {
			d.bits.a, d.bits.n = a, n
			d.refill()
			a, n = d.bits.a, d.bits.n
			if n == 0 {
				return 0, d.bits.err
			}
		}
		bit := a >> 63
		a <<= 1
		n--
		if bit == 0 {
			continue
		}
		u := unzig[zig&63] & 63
		if c := b[u]; c >= 0 {
			b[u] = c + delta
		} else {
			b[u] = c - delta
		}
	}
	d.bits.a, d.bits.n = a, n
	return zig, nil
}

// refineEOBRun is refineNonZeroes(b, m, zig, zigEnd, -1, delta) for a block
// in an EOB run: only the non-zero coefficients in zig..zigEnd are visited.
func (d *decoder) refineEOBRun(b *block, m uint64, zig, zigEnd, delta int32) error {
	if zig > zigEnd {
		return nil
	}
	band := m >> uint(zig) << uint(zig) & (^uint64(0) >> uint(63-zigEnd))
	a, n := d.bits.a, d.bits.n
	for band != 0 {
		z := mathbits.TrailingZeros64(band)
		band &= band - 1
		if n == 0 {
			d.bits.a, d.bits.n = a, n
			d.refill()
			a, n = d.bits.a, d.bits.n
			if n == 0 {
				return d.bits.err
			}
		}
		bit := a >> 63
		a <<= 1
		n--
		if bit == 0 {
			continue
		}
		u := unzig[z&63] & 63
		if c := b[u]; c >= 0 {
			b[u] = c + delta
		} else {
			b[u] = c - delta
		}
	}
	d.bits.a, d.bits.n = a, n
	return nil
}

// refineMask is refine for blocks tracked only by their non-zero mask.
func (d *decoder) refineMask(mask *uint64, h *huffman, zigStart, zigEnd int32) error {
	m := *mask
	zig := zigStart
	if d.eobRun == 0 {
	loop:
		for ; zig <= zigEnd; zig++ {
			nonZero := false
			value, err := d.decodeHuffman(h)
			if err != nil {
				return err
			}
			val0 := value >> 4
			val1 := value & 0x0f

			switch val1 {
			case 0:
				if val0 != 0x0f {
					d.eobRun = uint16(1 << val0)
					if val0 != 0 {
						bits, err := d.decodeBits(int32(val0))
						if err != nil {
							return err
						}
						d.eobRun |= uint16(bits)
					}
					break loop
				}
			case 1:
				nonZero = true
				// The sign bit.
				if _, err := d.decodeBit(); err != nil {
					return err
				}
			default:
				return FormatError("unexpected Huffman code")
			}

			zig, err = d.refineNonZeroesMask(m, zig, zigEnd, int32(val0))
			if err != nil {
				return err
			}
			if zig > zigEnd {
				return FormatError("too many coefficients")
			}
			if nonZero {
				m |= 1 << uint(zig)
			}
		}
	}
	*mask = m
	if d.eobRun > 0 {
		d.eobRun--
		if _, err := d.refineNonZeroesMask(m, zig, zigEnd, -1); err != nil {
			return err
		}
	}
	return nil
}

// refineNonZeroesMask is refineNonZeroes for mask-tracked blocks: the
// correction bits of non-zero coefficients are read and discarded.
func (d *decoder) refineNonZeroesMask(m uint64, zig, zigEnd, nz int32) (int32, error) {
	a, n := d.bits.a, d.bits.n
	for ; zig <= zigEnd; zig++ {
		if m&(1<<uint(zig&63)) == 0 {
			if nz == 0 {
				break
			}
			nz--
			continue
		}
		if n == 0 {
			d.bits.a, d.bits.n = a, n
			d.refill()
			a, n = d.bits.a, d.bits.n
			if n == 0 {
				return 0, d.bits.err
			}
		}
		a <<= 1
		n--
	}
	d.bits.a, d.bits.n = a, n
	return zig, nil
}

// reconstructProgressiveImage reconstructs the luma blocks after all scans.
func (d *decoder) reconstructProgressiveImage() error {
	if d.scale == 8 {
		if d.lumaDC == nil {
			return nil
		}
		q0 := d.quant[d.comp[0].tq][0]
		for by := 0; by < d.bh; by++ {
			for bx := 0; bx < d.bw; bx++ {
				d.pix[by*d.pixStride+bx] = dcPixel(d.lumaDC[by*d.bw+bx] * q0)
			}
		}
		return nil
	}
	if d.lumaCoeffs == nil {
		return nil
	}
	for by := 0; by < d.bh; by++ {
		if err := d.checkInterrupt(); err != nil {
			return err
		}
		for bx := 0; bx < d.bw; bx++ {
			d.reconstructBlock(&d.lumaCoeffs[by*d.bw+bx], bx, by, blockSize-1)
		}
	}
	return nil
}

// findRST advances past the next RST restart marker that matches expectedRST.
// Other than I/O errors, it is also an error if we encounter an {0xFF, M}
// two-byte marker sequence where M is not 0x00, 0xFF or the expectedRST.
//
// This is similar to libjpeg's jdmarker.c's next_marker function.
// https://github.com/libjpeg-turbo/libjpeg-turbo/blob/2dfe6c0fe9e18671105e94f7cbf044d4a1d157e6/jdmarker.c#L892-L935
//
// Precondition: d.tmp[:2] holds the next two bytes of JPEG-encoded input
// (input in the d.readFull sense).
func (d *decoder) findRST(expectedRST uint8) error {
	for {
		// i is the index such that, at the bottom of the loop, we read 2-i
		// bytes into d.tmp[i:2], maintaining the invariant that d.tmp[:2]
		// holds the next two bytes of JPEG-encoded input. It is either 0 or 1,
		// so that each iteration advances by 1 or 2 bytes (or returns).
		i := 0

		if d.tmp[0] == 0xff {
			if d.tmp[1] == expectedRST {
				return nil
			} else if d.tmp[1] == 0xff {
				i = 1
			} else if d.tmp[1] != 0x00 {
				// libjpeg's jdmarker.c's jpeg_resync_to_restart does something
				// fancy here, treating RST markers within two (modulo 8) of
				// expectedRST differently from RST markers that are 'more
				// distant'. Until we see evidence that recovering from such
				// cases is frequent enough to be worth the complexity, we take
				// a simpler approach for now. Any marker that's not 0x00, 0xff
				// or expectedRST is a fatal FormatError.
				return FormatError("bad RST marker")
			}

		} else if d.tmp[1] == 0xff {
			d.tmp[0] = 0xff
			i = 1
		}

		if err := d.readFull(d.tmp[i:2]); err != nil {
			return err
		}
	}
}
