package decoder_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/qrgate/qrgate/decoder"
	dimage "github.com/qrgate/qrgate/decoder/image"
)

// fuzzDecoder keeps fuzz iterations fast: small images, few frames, a short
// budget. The limits themselves are tested elsewhere.
func fuzzDecoder() *decoder.Decoder {
	return decoder.New(decoder.Config{MaxPixels: 1 << 16, MaxFrames: 4, Budget: 2 * decoder.MPass})
}

// addFixtureSeeds adds every committed fixture of at most maxBytes to f's
// seed corpus (the committed testdata/fuzz corpus adds tiny images and bombs).
func addFixtureSeeds(f *testing.F, dir string, maxBytes int64) {
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, p := range files {
		if st, err := os.Stat(p); err != nil || st.Size() > maxBytes || filepath.Ext(p) == ".json" {
			continue
		}
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(b)
		}
	}
}

// FuzzSniffAndDecode: bytes in; format sniffing, header checks and decoding
// must give a Result and a typed error or codes that satisfy checkOutcome,
// never a panic.
//
//	go test -run '^$' -fuzz FuzzSniffAndDecode -fuzztime 60s ./decoder/
func FuzzSniffAndDecode(f *testing.F) {
	addFixtureSeeds(f, fixtureDir, 8<<10)
	dec := fuzzDecoder()
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := dec.Decode(context.Background(), data)
		if bad := checkOutcome(data, res, err); bad != nil {
			t.Fatal(bad)
		}
		if de := decoder.AsError(err); de != nil && de.Code == decoder.ErrUnsupported && dimage.Sniff(data) != "" && res.Format != dimage.WebP {
			t.Fatalf("unsupported although sniffed as %s: %v", res.Format, err)
		}
	})
}
