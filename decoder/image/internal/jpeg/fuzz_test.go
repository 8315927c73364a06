// Copyright 2025 The qrgate Authors.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package jpeg

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzDecodeLuma checks that DecodeLuma never panics (at any scale) and that
// at scale 1 it fails exactly when image/jpeg fails and otherwise returns
// identical luma (see compareWithStd). The committed seeds are in testdata/fuzz/FuzzDecodeLuma;
// the small generated files are added here too. (Corpus files are too big
// to be useful seeds: each execution would take ~100ms.)
func FuzzDecodeLuma(f *testing.F) {
	for _, tf := range generatedFiles(f) {
		if len(tf.data) < 4096 {
			f.Add(tf.data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		compareWithStd(t, data)
	})
}

// TestWriteFuzzSeeds regenerates testdata/fuzz/FuzzDecodeLuma when run with
// QRGATE_WRITE_FUZZ_SEEDS=1.
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("QRGATE_WRITE_FUZZ_SEEDS") == "" {
		t.Skip("set QRGATE_WRITE_FUZZ_SEEDS=1 to regenerate")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzDecodeLuma")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tf := range generatedFiles(t) {
		if len(tf.data) > 2048 || !(strings.Contains(tf.name, "-q50-") || strings.Contains(tf.name, "-q95-")) {
			continue
		}
		var buf bytes.Buffer
		fmt.Fprintf(&buf, "go test fuzz v1\n[]byte(%q)\n", tf.data)
		if err := os.WriteFile(filepath.Join(dir, tf.name), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
