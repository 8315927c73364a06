// Copyright 2025 The qrgate Authors.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// Package webp is a luma-only WebP decoder for qrgate's QR scanner.
//
// [DecodeLuma] returns an *image.Gray. For lossy (VP8) images without alpha
// it is the Y plane of what golang.org/x/image/webp decodes, pixel for pixel,
// but the chroma planes are never built: the chroma residuals are still
// parsed (the token contexts and the loop-filter skip decision depend on
// them), but chroma is not predicted, inverse-transformed, stored or
// loop-filtered. Lossless (VP8L) and alpha (VP8X + ALPH) images are rare;
// they fall back to golang.org/x/image/webp and a luminance conversion
// ([LumaOf]).
//
// # Licence
//
// The vp8 subdirectory is a fork of golang.org/x/image/vp8 (x/image
// v0.47.0), and decodeLuma in webp.go is derived from x/image/webp's decode;
// both are distributed under the BSD licence reproduced in the LICENSE file
// of this directory, and the forked files keep their original copyright
// headers. Changes to vp8: the decoder writes into a luma-only buffer;
// DecodeFrame is replaced by DecodeFrameLuma, which returns an *image.Gray;
// chroma prediction, inverse DCT, copying and loop filtering are removed;
// Decoder.Interrupt is called before each row of macroblocks (a deadline
// reaches inside; DecodeLumaUntil sets it). UPSTREAM.md records the exact
// base, every change with its reason, and how to merge an upstream fix;
// ../forkdiff.sh checks it. The vp8 bit reader follows libwebp, whose notice
// is vp8/LICENSE.libwebp.
package webp
