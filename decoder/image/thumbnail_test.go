package image

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"os"
	"testing"

	"github.com/qrgate/qrgate/internal/testfixtures"
)

// TestThumbnail: a thumbnail is Open's decode under the same limits, boxed
// down to its size; a JPEG is decoded at the reduced scale its thumbnail
// allows (allocating a fraction of its full plane) to what the full decode
// boxed down gives, within the rounding of the scaled transform; a bomb is
// refused from its headers.
func TestThumbnail(t *testing.T) {
	ctx := context.Background()

	png := testfixtures.PNGZeros(2000, 1000, 16, 6, true)
	info, g, err := Thumbnail(ctx, png, defaultLimits, 256)
	if err != nil || info.Width != 2000 || g.Bounds().Dx() != 250 || g.Bounds().Dy() != 125 || g.Pix[0] != 255 {
		t.Errorf("16-bit PNG 2000x1000 at 256: %+v, %v, %v", info, g.Bounds(), err)
	}

	src := image.NewGray(image.Rect(0, 0, 4096, 2048))
	for y := 0; y < 2048; y++ {
		for x := 0; x < 4096; x++ {
			src.Pix[y*4096+x] = uint8((x/64 + y/64) % 2 * 200)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, src, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	var thumb *image.Gray
	allocated := allocatedBy(func() { _, thumb, err = Thumbnail(ctx, buf.Bytes(), defaultLimits, 512) })
	if err != nil || thumb.Bounds().Dx() != 512 || thumb.Bounds().Dy() != 256 {
		t.Fatalf("JPEG 4096x2048 at 512: %v, %v", thumb.Bounds(), err)
	}
	if full := int64(4096 * 2048); allocated > full/8 {
		t.Errorf("a 512-px thumbnail of a 4096x2048 JPEG allocated %d bytes; its full plane is %d (decoded at 1/8: %d)", allocated, full, full/64)
	}
	_, planes, err := Open(ctx, buf.Bytes(), defaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	want := boxDown(planes[0], 512)
	var sum int
	for i := range want.Pix {
		sum += abs(int(want.Pix[i]) - int(thumb.Pix[i]))
	}
	if mean := float64(sum) / float64(len(want.Pix)); mean > 2 {
		t.Errorf("scaled decode differs from the full decode boxed down by %.1f levels on average", mean)
	}

	_, _, err = Thumbnail(ctx, testfixtures.ProgressiveJPEG(1024, 1024, 2000), defaultLimits, 256)
	var ie *Error
	if !errors.As(err, &ie) || ie.Kind != TooComplex {
		t.Errorf("2000-scan JPEG: %v, want TooComplex", err)
	}

	gif := testfixtures.NoiseGIF(300, 200, 3, 2)
	info, g, err = Thumbnail(ctx, gif, defaultLimits, 100)
	if err != nil || info.Frames != 3 || g.Bounds().Dx() != 100 || g.Bounds().Dy() != 67 {
		t.Errorf("GIF 300x200 at 100: %+v, %v, %v", info, g.Bounds(), err)
	}
}

// TestWebPDecodeChecksItsContext: a lossy WebP decode checks its context
// before each row of macroblocks and stops where it ends.
func TestWebPDecodeChecksItsContext(t *testing.T) {
	data, err := os.ReadFile("../../testdata/images/qr-lossy.webp")
	if err != nil {
		t.Fatal(err)
	}
	info, err := Inspect(data)
	if err != nil {
		t.Fatal(err)
	}
	rows := (info.Height + 15) / 16
	calls := 0
	if _, err := decodeStill(info, data, defaultLimits, func() error { calls++; return nil }); err != nil || calls != rows {
		t.Errorf("%d rows of macroblocks, %d checks (%v)", rows, calls, err)
	}
	stop := errors.New("stop")
	calls = 0
	if _, err := decodeStill(info, data, defaultLimits, func() error {
		calls++
		if calls == 2 {
			return stop
		}
		return nil
	}); !errors.Is(err, stop) || calls != 2 {
		t.Errorf("interrupted at the 2nd row: %v after %d checks", err, calls)
	}
}
