// Copyright 2025 The qrgate Authors. Parts derived from Go's image/jpeg,
// Copyright 2009 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// Package jpeg is a luma-only, optionally reduced-scale JPEG decoder for
// qrgate's QR scanner.
//
// # Why it exists
//
// Most listing photos carry no QR code, so the cost of scanning them is
// dominated by JPEG decoding. The standard library's image/jpeg decodes all
// three components at full resolution, but the scanner only needs luminance,
// and a first pass over large photos only needs a reduced-scale image.
// [DecodeLuma] returns just the luma (Y) plane as an *image.Gray, at 1/1, 1/2,
// 1/4 or 1/8 of the full size.
//
// # What it skips
//
//   - Chroma (Cb, Cr) components are entropy-decoded, because the bit-stream
//     requires it, but their coefficients are not stored, dequantized or
//     inverse-transformed, and no colour conversion or upsampling is done.
//   - For progressive JPEGs, chroma coefficient values are not kept between
//     scans: AC refinement scans only need to know which coefficients are
//     already non-zero, which a 64-bit mask per block records (8 bytes per
//     block instead of 256). Luma keeps full coefficient blocks, except at
//     scale 8 where it keeps only the DC value plus the mask.
//   - At Scale 2 and 4 only the top-left 4×4 / 2×2 coefficients of each luma
//     block are transformed, with a reduced-size IDCT whose kernels are the
//     8-point IDCT basis averaged over each output pixel (a box filter, as
//     the downscaled image would get from averaging the full-size one). At
//     Scale 8 each block becomes one pixel, its DC coefficient.
//   - Output blocks that lie entirely in the MCU padding are neither
//     allocated nor reconstructed.
//
// At Scale 1 the output is pixel-identical to the Y plane of the image that
// image/jpeg decodes (the IDCT is the standard library's, with bit-exact
// shortcuts for all-zero rows and DC-only blocks).
//
// RGB-coded 3-component JPEGs (no JFIF, Adobe transform 0 or component ids
// 'R','G','B') and 4-component CMYK/YCCK JPEGs are rare; for those, the first
// component is not luminance, so DecodeLuma falls back to image/jpeg and
// computes Y = 0.299R + 0.587G + 0.114B (ITU-R BT.601, as color.RGBToYCbCr)
// from its output, box-downscaling for Scale > 1.
//
// # Entropy decoding
//
// The bit accumulator is 64 bits wide and left-aligned, and is refilled a
// whole 64-bit word at a time when the next 8 bytes hold no 0xff (stuffed
// bytes and markers are handled byte by byte, exactly as the standard
// library does: the bits of a segment end at the next marker). Huffman
// decoding uses a 9-bit table whose entries, for short codes, also carry
// the run and the EXTENDed coefficient value, so that most AC coefficients
// take one look-up; the AC loops (entropy.go) keep the accumulator in local
// variables and fall back to the standard library's bit-at-a-time routines
// near the end of a segment and for long codes. Chroma blocks have their
// own decode-and-discard loop. Progressive luma keeps a non-zero mask per
// block besides its coefficients, so that refinement scans, and blocks in
// an EOB run in particular, only visit the non-zero coefficients. For
// corrupt, over-subscribed Huffman tables the table reproduces what the
// standard library's 8-bit table and slow path decode.
//
// # Licence
//
// The decoder (reader.go, scan.go, huffman.go, idct.go) is forked from the Go
// standard library's image/jpeg (Go 1.26), which is distributed under the BSD
// licence reproduced in the LICENSE file of this directory; the forked files
// keep their original copyright headers. Changes: luma-only storage and
// reconstruction, reduced-scale IDCT, the entropy decoding described above,
// no encoder, no image.RegisterFormat, and Options.Interrupt (called before each
// scan and each MCU row, so that a deadline reaches inside) and
// Options.MaxScans (a bound on the SOS segments decoded). UPSTREAM.md records
// the exact base (go1.26.8), every change with its reason, and how to merge
// an upstream fix; ../forkdiff.sh checks it.
package jpeg
