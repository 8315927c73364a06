// Copyright 2025 The qrgate Authors. Parts derived from Go's image/jpeg,
// Copyright 2012 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package jpeg

import (
	"encoding/binary"
	"math"
)

// zigOf maps a natural-order coefficient index to its zig-zag index (the
// inverse of unzig).
var zigOf [blockSize]int

// Reduced-size IDCT kernels. kern4[x][u] (kern2) is the 8-point IDCT basis
// function of frequency u averaged over output pixel x's 2 (4) input pixels,
// in Q13 fixed point: applying it to the top-left 4×4 (2×2) coefficients
// gives the box-filtered downscale of the block, minus the contribution of
// the dropped high frequencies (which a box filter mostly averages away).
var (
	kern4 [4][4]int64
	kern2 [2][2]int64
	// box4 and box2 are the same kernels over all 8 frequencies: exact box
	// filtering (up to rounding and clipping).
	box4 [4][8]int64
	box2 [2][8]int64
)

// rowsUpTo[z] (colsUpTo[z]) is the number of leading rows (columns) that
// contain all coefficients of zig-zag index <= z.
var rowsUpTo, colsUpTo [blockSize]int8

// exactBox selects the all-frequency kernels for scales 2 and 4.
var exactBox = true

const kernBits = 13

func init() {
	rows, cols := 0, 0
	for z, n8 := range unzig {
		n := int(n8)
		zigOf[n] = z
		rows, cols = max(rows, n/8+1), max(cols, n%8+1)
		rowsUpTo[z], colsUpTo[z] = int8(rows), int8(cols)
	}
	kernel := func(nOut, x, u int) int64 {
		s := 8 / nOut
		cu := 0.5
		if u == 0 {
			cu = 0.5 / math.Sqrt2
		}
		sum := 0.0
		for p := x * s; p < x*s+s; p++ {
			sum += cu * math.Cos(float64((2*p+1)*u)*math.Pi/16)
		}
		return int64(math.Round(sum / float64(s) * (1 << kernBits)))
	}
	for x := range 4 {
		for u := range 4 {
			kern4[x][u] = kernel(4, x, u)
		}
	}
	for x := range 2 {
		for u := range 2 {
			kern2[x][u] = kernel(2, x, u)
		}
	}
	for u := range 8 {
		for x := range 4 {
			box4[x][u] = kernel(4, x, u)
		}
		for x := range 2 {
			box2[x][u] = kernel(2, x, u)
		}
	}
}

// clampPixel level-shifts by +128 and clips to [0, 255].
func clampPixel(c int64) uint8 {
	c += 128
	if c < 0 {
		return 0
	}
	if c > 255 {
		return 255
	}
	return uint8(c)
}

// dcPixel is the value of every pixel of a block whose only non-zero
// (dequantized) coefficient is dc: dc/8, rounded, level-shifted and clipped.
// For in-range input this is exactly what the full IDCT computes.
func dcPixel(dc int32) uint8 {
	return clampPixel((int64(dc) + 4) >> 3)
}

// reconstructBlock dequantizes and inverse-transforms the luma block b at
// block position (bx, by) into d.pix at d.scale. last is the zig-zag index of
// the last possibly non-zero coefficient (63 if unknown). b may be modified.
func (d *decoder) reconstructBlock(b *block, bx, by int, last int32) {
	qt := &d.quant[d.comp[0].tq]
	stride := d.pixStride
	if d.scale > 1 && ((bx+1)*8 > d.width || (by+1)*8 > d.height) {
		d.reconstructEdgeBlock(b, bx, by)
		return
	}
	switch d.scale {
	case 1:
		dst := d.pix[8*(by*stride+bx):]
		if last == 0 {
			// Bit-identical to the full IDCT of a DC-only block (see idct.go).
			v := (b[0]*qt[0]<<17 + 1<<19) >> 20
			c := uint8(0)
			if v >= -128 {
				if v > 127 {
					c = 255
				} else {
					c = uint8(v + 128)
				}
			}
			for y := 0; y < 8; y++ {
				row := dst[y*stride : y*stride+8 : y*stride+8]
				for x := range row {
					row[x] = c
				}
			}
			return
		}
		for zig := 0; zig <= int(last); zig++ {
			b[unzig[zig]] *= qt[zig]
		}
		idct(b)
		// Level shift by +128, clip to [0, 255], and write to dst: a row
		// at a time, packed into one word, when no pixel needs clipping
		// (the usual case: one test per row instead of two per pixel).
		for y := 0; y < 8; y++ {
			row := dst[y*stride : y*stride+8 : y*stride+8]
			s := (*[8]int32)(b[y*8 : y*8+8])
			p0, p1, p2, p3 := uint32(s[0]+128), uint32(s[1]+128), uint32(s[2]+128), uint32(s[3]+128)
			p4, p5, p6, p7 := uint32(s[4]+128), uint32(s[5]+128), uint32(s[6]+128), uint32(s[7]+128)
			if p0|p1|p2|p3|p4|p5|p6|p7 <= 255 {
				binary.LittleEndian.PutUint64(row, uint64(p0)|uint64(p1)<<8|uint64(p2)<<16|uint64(p3)<<24|
					uint64(p4)<<32|uint64(p5)<<40|uint64(p6)<<48|uint64(p7)<<56)
				continue
			}
			for x := range row {
				row[x] = clampPixel(int64(s[x]))
			}
		}
	case 2:
		dst := d.pix[4*(by*stride+bx):]
		if exactBox && last != 0 {
			boxIDCT4(b, qt, dst, stride, last)
			return
		}
		if last == 0 {
			c := dcPixel(b[0] * qt[0])
			for y := 0; y < 4; y++ {
				row := dst[y*stride : y*stride+4 : y*stride+4]
				row[0], row[1], row[2], row[3] = c, c, c, c
			}
			return
		}
		// Row pass: tmp[v][x] = sum_u kern4[x][u] * F[v][u], for v < 4.
		var tmp [4][4]int64
		for v := 0; v < 4; v++ {
			f0 := int64(b[v*8+0]) * int64(qt[zigOf[v*8+0]])
			f1 := int64(b[v*8+1]) * int64(qt[zigOf[v*8+1]])
			f2 := int64(b[v*8+2]) * int64(qt[zigOf[v*8+2]])
			f3 := int64(b[v*8+3]) * int64(qt[zigOf[v*8+3]])
			if f1|f2|f3 == 0 {
				t := kern4[0][0] * f0
				tmp[v] = [4]int64{t, t, t, t}
				continue
			}
			for x := 0; x < 4; x++ {
				k := &kern4[x]
				tmp[v][x] = k[0]*f0 + k[1]*f1 + k[2]*f2 + k[3]*f3
			}
		}
		// Column pass.
		for y := 0; y < 4; y++ {
			k := &kern4[y]
			row := dst[y*stride : y*stride+4 : y*stride+4]
			for x := 0; x < 4; x++ {
				s := k[0]*tmp[0][x] + k[1]*tmp[1][x] + k[2]*tmp[2][x] + k[3]*tmp[3][x]
				row[x] = clampPixel((s + 1<<(2*kernBits-1)) >> (2 * kernBits))
			}
		}
	case 4:
		dst := d.pix[2*(by*stride+bx):]
		if exactBox && last != 0 {
			boxIDCT2(b, qt, dst, stride, last)
			return
		}
		if last == 0 {
			c := dcPixel(b[0] * qt[0])
			dst[0], dst[1] = c, c
			dst[stride], dst[stride+1] = c, c
			return
		}
		f00 := int64(b[0]) * int64(qt[0])
		f01 := int64(b[1]) * int64(qt[zigOf[1]])
		f10 := int64(b[8]) * int64(qt[zigOf[8]])
		f11 := int64(b[9]) * int64(qt[zigOf[9]])
		t00 := kern2[0][0]*f00 + kern2[0][1]*f01
		t01 := kern2[1][0]*f00 + kern2[1][1]*f01
		t10 := kern2[0][0]*f10 + kern2[0][1]*f11
		t11 := kern2[1][0]*f10 + kern2[1][1]*f11
		const r, sh = 1 << (2*kernBits - 1), 2 * kernBits
		dst[0] = clampPixel((kern2[0][0]*t00 + kern2[0][1]*t10 + r) >> sh)
		dst[1] = clampPixel((kern2[0][0]*t01 + kern2[0][1]*t11 + r) >> sh)
		dst[stride] = clampPixel((kern2[1][0]*t00 + kern2[1][1]*t10 + r) >> sh)
		dst[stride+1] = clampPixel((kern2[1][0]*t01 + kern2[1][1]*t11 + r) >> sh)
	case 8:
		d.pix[by*stride+bx] = dcPixel(b[0] * qt[0])
	}
}

// dequantRow returns the dequantized coefficients of row v of b and whether
// any AC term in it is non-zero.
func dequantRow(b *block, qt *block, v, cols int) (f [8]int64, ac bool) {
	r := b[v*8 : v*8+8 : v*8+8]
	if r[1]|r[2]|r[3]|r[4]|r[5]|r[6]|r[7] == 0 {
		f[0] = int64(r[0]) * int64(qt[zigOf[v*8]])
		return f, false
	}
	for u := range cols {
		f[u] = int64(r[u]) * int64(qt[zigOf[v*8+u]])
	}
	return f, true
}

// boxIDCT4 writes the 4×4 box-downscaled IDCT of b to dst.
func boxIDCT4(b *block, qt *block, dst []byte, stride int, last int32) {
	var tmp [8][4]int64
	var used [8]bool
	rows, cols := int(rowsUpTo[last&63]), int(colsUpTo[last&63])
	for v := 0; v < rows; v++ {
		f, ac := dequantRow(b, qt, v, cols)
		if !ac {
			if f[0] == 0 {
				continue
			}
			t := box4[0][0] * f[0]
			tmp[v] = [4]int64{t, t, t, t}
			used[v] = true
			continue
		}
		used[v] = true
		for x := 0; x < 4; x++ {
			k := &box4[x]
			tmp[v][x] = k[0]*f[0] + k[1]*f[1] + k[2]*f[2] + k[3]*f[3] + k[4]*f[4] + k[5]*f[5] + k[6]*f[6] + k[7]*f[7]
		}
	}
	var out [4][4]int64
	for v := 0; v < rows; v++ {
		if !used[v] {
			continue
		}
		t := &tmp[v]
		for y := 0; y < 4; y++ {
			k := box4[y][v]
			o := &out[y]
			o[0] += k * t[0]
			o[1] += k * t[1]
			o[2] += k * t[2]
			o[3] += k * t[3]
		}
	}
	const r, sh = 1 << (2*kernBits - 1), 2 * kernBits
	for y := 0; y < 4; y++ {
		row := dst[y*stride : y*stride+4 : y*stride+4]
		for x := 0; x < 4; x++ {
			row[x] = clampPixel((out[y][x] + r) >> sh)
		}
	}
}

// boxIDCT2 writes the 2×2 box-downscaled IDCT of b to dst.
func boxIDCT2(b *block, qt *block, dst []byte, stride int, last int32) {
	var o00, o01, o10, o11 int64
	rows, cols := int(rowsUpTo[last&63]), int(colsUpTo[last&63])
	for v := 0; v < rows; v++ {
		f, ac := dequantRow(b, qt, v, cols)
		var t0, t1 int64
		if !ac {
			if f[0] == 0 {
				continue
			}
			t0 = box2[0][0] * f[0]
			t1 = t0
		} else {
			k0, k1 := &box2[0], &box2[1]
			t0 = k0[0]*f[0] + k0[1]*f[1] + k0[2]*f[2] + k0[3]*f[3] + k0[4]*f[4] + k0[5]*f[5] + k0[6]*f[6] + k0[7]*f[7]
			t1 = k1[0]*f[0] + k1[1]*f[1] + k1[2]*f[2] + k1[3]*f[3] + k1[4]*f[4] + k1[5]*f[5] + k1[6]*f[6] + k1[7]*f[7]
		}
		ka, kb := box2[0][v], box2[1][v]
		o00 += ka * t0
		o01 += ka * t1
		o10 += kb * t0
		o11 += kb * t1
	}
	const r, sh = 1 << (2*kernBits - 1), 2 * kernBits
	dst[0] = clampPixel((o00 + r) >> sh)
	dst[1] = clampPixel((o01 + r) >> sh)
	dst[stride] = clampPixel((o10 + r) >> sh)
	dst[stride+1] = clampPixel((o11 + r) >> sh)
}

// reconstructEdgeBlock handles a block at the right or bottom edge that is
// only partly inside the image, at scale > 1: its output pixels must average
// only the visible pixels (the rest is encoder padding), so it is fully
// inverse-transformed and box-averaged over the visible part of each cell.
func (d *decoder) reconstructEdgeBlock(b *block, bx, by int) {
	qt := &d.quant[d.comp[0].tq]
	for zig := 0; zig < blockSize; zig++ {
		b[unzig[zig]] *= qt[zig]
	}
	idct(b)
	s := d.scale
	vw, vh := min(d.width-bx*8, 8), min(d.height-by*8, 8)
	for cy := 0; cy*s < vh; cy++ {
		for cx := 0; cx*s < vw; cx++ {
			sum, n := int64(0), int64(0)
			for y := cy * s; y < min(cy*s+s, vh); y++ {
				for x := cx * s; x < min(cx*s+s, vw); x++ {
					sum += int64(clampPixel(int64(b[y*8+x])))
					n++
				}
			}
			d.pix[(by*d.bsz+cy)*d.pixStride+bx*d.bsz+cx] = uint8((sum + n/2) / n)
		}
	}
}
