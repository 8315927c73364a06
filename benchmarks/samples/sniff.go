package main

import (
	"bytes"
	"image"
	_ "image/gif" // registered for DecodeConfig
	_ "image/jpeg"
	_ "image/png"

	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/webp"
)

// format is what the bytes of a sample are, in the bins the generated sets
// use (benchmarks/synth's README): container and photo size.
type format struct {
	container string // "" when not an image
	photo     string // longer side: <800, 800-1600, 1600-3000, >=3000; "" when unknown
}

// sniff reads the container from the magic bytes (extensions are not
// trusted) and the size from the header.
func sniff(data []byte) format {
	var f format
	switch {
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		f.container = "jpeg"
		if jpegProgressive(data) {
			f.container = "jpeg-progressive"
		}
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		f.container = "png"
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		f.container = "gif"
	case bytes.HasPrefix(data, []byte("BM")):
		f.container = "bmp"
	case len(data) >= 16 && string(data[0:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		f.container = "webp-lossy"
		if webpLossless(data) {
			f.container = "webp-lossless"
		}
	default:
		return f
	}
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil {
		f.photo = photoBin(max(cfg.Width, cfg.Height))
	}
	return f
}

func photoBin(side int) string {
	switch {
	case side < 800:
		return "<800"
	case side < 1600:
		return "800-1600"
	case side < 3000:
		return "1600-3000"
	default:
		return ">=3000"
	}
}

// jpegProgressive walks the marker segments up to the first frame header:
// SOF2 (0xC2) is progressive DCT.
func jpegProgressive(data []byte) bool {
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xff {
			return false
		}
		marker := data[i+1]
		if marker == 0xff { // fill byte
			i++
			continue
		}
		switch {
		case marker == 0xc2:
			return true
		case marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc:
			return false // another frame type
		case marker == 0xd9 || marker == 0xda:
			return false
		}
		i += 2 + (int(data[i+2])<<8 | int(data[i+3]))
	}
	return false
}

// webpLossless reports whether the image data is a VP8L bitstream: the
// first chunk for a simple file, after VP8X (and ALPH, ICCP, ...) for an
// extended one.
func webpLossless(data []byte) bool {
	for i := 12; i+8 <= len(data); {
		id := string(data[i : i+4])
		size := int(data[i+4]) | int(data[i+5])<<8 | int(data[i+6])<<16 | int(data[i+7])<<24
		switch id {
		case "VP8L":
			return true
		case "VP8 ":
			return false
		}
		if size < 0 || size > len(data) {
			return false
		}
		i += 8 + size + size&1
	}
	return false
}
