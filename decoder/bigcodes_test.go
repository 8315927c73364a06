package decoder_test

import (
	"fmt"
	"strings"
	"testing"
)

// A Data Matrix has no finder pattern: it is found as a code-like region,
// a block of dense dark/light changes at some pyramid level. Big modules
// (a code photographed close, or pasted large) show dense changes only at
// the coarsest levels, and a patch of the code can stand out as a region of
// its own at a finer level; neither may keep the code from being read, and
// its corners must come back in the original image's pixels.
func TestBigDataMatrix(t *testing.T) {
	short := "wxp://f2f0abcdefgh"                                    // 18×18 modules
	long := "https://u.wechat.com/" + strings.Repeat("AbCdEfGh", 20) // 52×52
	for _, tc := range []struct {
		side, mod int
		payload   string
	}{{1200, 8, short}, {1200, 20, short}, {1200, 40, short}, {2600, 16, short}, {2600, 28, short}, {2600, 40, short}, {2600, 12, long}} {
		bm := squareDataMatrix(t, tc.payload)
		n := bm.GetWidth()
		t.Run(fmt.Sprintf("%dpx/%dmodules/module%d", tc.side, n, tc.mod), func(t *testing.T) {
			img := flatGray(tc.side, tc.side, 235)
			off := (tc.side - n*tc.mod) / 3 // off-centre
			drawModules(img, bm, off, off, tc.mod, 20)
			code := decodeOne(t, encodePNG(t, img), tc.payload)
			wantCornersIn(t, code, off-2*tc.mod, off+(n+2)*tc.mod)
		})
	}
}
