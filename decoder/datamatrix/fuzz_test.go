package datamatrix

import (
	"testing"

	"github.com/qrgate/qrgate/decoder/internal/bitmap"
	"github.com/qrgate/qrgate/decoder/qr"
)

// FuzzReadLevel: any plane in; the tracer, the sampler and the decoder
// end, without a panic, and every code read has four corners and a valid
// size's text. The first two bytes are the plane's width and height (16–
// 271 px); the rest its pixels, repeated, each byte a 2-bit grey so that
// edges are everywhere.
//
//	go test -run '^$' -fuzz FuzzReadLevel -fuzztime 60s ./decoder/datamatrix/
func FuzzReadLevel(f *testing.F) {
	e := encode(f, payloadFor(12, 12), 12, 12)
	p := render(e, scene{w: 60, h: 60, toModule: similarity(e, 3, 20, 30, 30), quiet: 2, ink: 30, paper: 220})
	f.Add(append([]byte{60 - 16, 60 - 16}, p.Pix...))
	f.Add([]byte{0, 0, 0xff, 0})
	f.Add([]byte{100, 3, 0x0f, 0xf0, 0x33})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 3 {
			return
		}
		w, h := int(data[0])+16, int(data[1])+16
		px := data[2:]
		pl := bitmap.NewPlane(w, h)
		for i := range pl.Pix {
			pl.Pix[i] = px[i%len(px)]&0xc0 | 0x20
		}
		if len(px) == w*h {
			copy(pl.Pix, px) // a whole plane: as given
		}
		th := bitmap.NewThresholds(pl, bitmap.StatsOf(pl))
		ls := qr.ScanLevel(th, 1, 1.3, 5)
		for _, scale := range []int{1, 2} {
			for _, c := range ReadLevel(host{}, th, ls.Changes, scale) {
				if len(c.Corners) != 4 {
					t.Fatalf("a code with %d corners", len(c.Corners))
				}
			}
		}
	})
}
