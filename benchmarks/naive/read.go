package main

import (
	"errors"
	"fmt"
	"image"
	_ "image/gif" // the formats a Go service would register
	_ "image/jpeg"
	_ "image/png"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/webp"
)

// hints is the one option the naive reader sets.
var hints = map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}

// readQR is the naive pipeline. gozxing reports "no code" as an error;
// only other errors (and panics, which gozxing raises on odd input) are
// errors of the record.
func readQR(path string) (fs []finding, err error) {
	img, err := decodeFile(path)
	if err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			fs, err = nil, fmt.Errorf("gozxing panic: %v", r)
		}
	}()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return nil, err
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, hints)
	if err != nil {
		var miss gozxing.ReaderException // not found, checksum, format: no code read
		if errors.As(err, &miss) {
			return nil, nil
		}
		return nil, err
	}
	return []finding{{Source: "image", Symbology: "QR_CODE", Payload: res.GetText()}}, nil
}

// decodeOnly is the floor: the pixels and nothing else.
func decodeOnly(path string) ([]finding, error) {
	_, err := decodeFile(path)
	return nil, err
}

func decodeFile(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("decoding %s: %w", path, err)
	}
	return img, nil
}

// cpuTime is this process's user+system time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// walkAll expands directories into their files, in lexical order.
func walkAll(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil || !st.IsDir() {
			out = append(out, p) // a missing file gets an error record
			continue
		}
		var files []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("walking %s: %w", p, err)
		}
		sort.Strings(files)
		out = append(out, files...)
	}
	return out, nil
}
