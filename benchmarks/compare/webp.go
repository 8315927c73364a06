package main

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"path/filepath"

	"golang.org/x/image/webp"
)

// isWebP sniffs the RIFF/WEBP header: the extension is not trusted.
func isWebP(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var h [12]byte
	if _, err := f.Read(h[:]); err != nil {
		return false
	}
	return bytes.Equal(h[0:4], []byte("RIFF")) && bytes.Equal(h[8:12], []byte("WEBP"))
}

// pngCopies converts every WebP file to PNG in dir, once, untimed, for
// readers built without WebP (zxing-cpp 1.4 and zxing-wasm), as PEERS.md
// did. It returns the file list to give such readers.
func pngCopies(files []string, dir string) ([]string, error) {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = f
		if !isWebP(f) {
			continue
		}
		dst := filepath.Join(dir, fmt.Sprintf("%05d-%s.png", i, filepath.Base(f)))
		if err := toPNG(f, dst); err != nil {
			return nil, fmt.Errorf("converting %s to PNG: %w", f, err)
		}
		out[i] = dst
	}
	return out, nil
}

func toPNG(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	img, err := webp.Decode(in)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return err
	}
	return os.WriteFile(dst, buf.Bytes(), 0o644)
}
