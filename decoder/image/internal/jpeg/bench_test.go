// Copyright 2025 The qrgate Authors.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package jpeg

import (
	"bytes"
	stdjpeg "image/jpeg"
	"testing"
)

// benchFiles is every 8th corpus file (16 files, baseline and progressive
// 4:2:0, 0.7 to 15 Mpixel), falling back to generated files.
func benchFiles(b *testing.B) []testFile {
	var files []testFile
	for i, f := range readCorpus(b) {
		if i%8 == 0 {
			files = append(files, f)
		}
	}
	return files
}

// Each benchmark op decodes the whole file set once.
func BenchmarkDecode(b *testing.B) {
	files := benchFiles(b)
	var size int64
	for _, f := range files {
		size += int64(len(f.data))
	}
	b.Run("std", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			for _, f := range files {
				if _, err := stdjpeg.Decode(bytes.NewReader(f.data)); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	for _, s := range []int{1, 2, 4, 8} {
		b.Run("luma"+string(rune('0'+s)), func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				for _, f := range files {
					if _, err := DecodeLuma(bytes.NewReader(f.data), Options{Scale: s}); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
