package review

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

func TestThumbnail(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 1000, 600))
	for y := 0; y < 600; y++ {
		for x := 0; x < 1000; x++ {
			src.Set(x, y, color.RGBA{uint8(x), uint8(y), 0, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, src); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name         string
		data         []byte
		w            int
		ok           bool
		wantW, wantH int
	}{
		{"resized, aspect kept", buf.Bytes(), 200, true, 200, 120},
		{"one pixel narrower", buf.Bytes(), 999, true, 999, 599},
		{"already narrow enough", buf.Bytes(), 1000, false, 0, 0},
		{"not an image", []byte("<svg onload=alert(1)>"), 100, false, 0, 0},
		{"truncated", buf.Bytes()[:200], 100, false, 0, 0},
	}
	for _, tt := range tests {
		got, ok := thumbnail(tt.data, tt.w)
		if ok != tt.ok {
			t.Errorf("%s: ok = %v, want %v", tt.name, ok, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		img, err := jpeg.Decode(bytes.NewReader(got))
		if err != nil {
			t.Errorf("%s: not a JPEG: %v", tt.name, err)
			continue
		}
		if b := img.Bounds(); b.Dx() != tt.wantW || b.Dy() != tt.wantH {
			t.Errorf("%s: %dx%d, want %dx%d", tt.name, b.Dx(), b.Dy(), tt.wantW, tt.wantH)
		}
	}
}
