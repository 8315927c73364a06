package image

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	ljpeg "github.com/qrgate/qrgate/decoder/image/internal/jpeg"
	"github.com/qrgate/qrgate/internal/testfixtures"
)

// FuzzInspect: Inspect reads any bytes without panicking, and the JPEG
// marker walk counts at least the scans the luma fork decodes — so the
// work it states is never less than what decoding costs (the fork refuses
// a scan past the count it was allowed: ErrTooManyScans must never come).
//
//	go test -run '^$' -fuzz FuzzInspect -fuzztime 60s ./decoder/image/
func FuzzInspect(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/images/*")
	for _, p := range files {
		if st, err := os.Stat(p); err == nil && st.Size() <= 8<<10 && filepath.Ext(p) != ".json" {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add(testfixtures.ProgressiveJPEG(24, 16, 6))
	f.Add(testfixtures.JPEGBomb(40, 40))
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := Inspect(data)
		if err == nil && (info.Width <= 0 || info.Height <= 0 || info.Work < int64(info.Width)*int64(info.Height) || info.Bytes <= 0) {
			t.Fatalf("Inspect = %+v without an error", info)
		}
		if info.Format != JPEG || err != nil || int64(info.Width)*int64(info.Height) > 1<<16 {
			return
		}
		_, derr := ljpeg.DecodeLuma(bytes.NewReader(data), ljpeg.Options{Scale: 1, MaxScans: max(info.Scans, 1)})
		if errors.Is(derr, ljpeg.ErrTooManyScans) {
			t.Fatalf("the marker walk counted %d scans; the decoder found more", info.Scans)
		}
	})
}
