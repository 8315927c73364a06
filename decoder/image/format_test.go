package image_test

import (
	"testing"

	dimage "github.com/qrgate/qrgate/decoder/image"
)

// TestSniff: the format comes from the bytes alone.
func TestSniff(t *testing.T) {
	cases := []struct {
		name string
		data string
		want dimage.Format
	}{
		{"jpeg", "\xff\xd8\xff\xe0\x00\x10JFIF", dimage.JPEG},
		{"jpeg raw SOI", "\xff\xd8\xff\xdb", dimage.JPEG},
		{"png", "\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR", dimage.PNG},
		{"gif87a", "GIF87a\x01\x00\x01\x00", dimage.GIF},
		{"gif89a", "GIF89a\x01\x00\x01\x00", dimage.GIF},
		{"webp", "RIFF\x24\x00\x00\x00WEBPVP8L", dimage.WebP},
		{"bmp", "BM\x36\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00", dimage.BMP},
		{"empty", "", ""},
		{"jpeg too short", "\xff\xd8", ""},
		{"png without its last byte", "\x89PNG\r\n\x1a", ""},
		{"gif other version", "GIF90a", ""},
		{"riff but wave", "RIFF\x24\x00\x00\x00WAVEfmt ", ""},
		{"bmp too short", "BM\x00\x00", ""},
		{"tiff little-endian", "II*\x00\x08\x00\x00\x00", ""},
		{"tiff big-endian", "MM\x00*\x00\x00\x00\x08", ""},
		{"zip", "PK\x03\x04\x14\x00", ""},
		{"pdf", "%PDF-1.7\n", ""},
		{"svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>", ""},
		{"html", "<!doctype html><img src=x>", ""},
		{"avif", "\x00\x00\x00\x1cftypavif\x00\x00\x00\x00", ""},
		{"heic", "\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", ""},
		{"base64 of a png", "iVBORw0KGgoAAAANSUhEUgAA", ""},
		{"leading whitespace before a png", " \x89PNG\r\n\x1a\n", ""},
	}
	for _, c := range cases {
		if got := dimage.Sniff([]byte(c.data)); got != c.want {
			t.Errorf("%s: Sniff = %q, want %q", c.name, got, c.want)
		}
	}
}
