package decoder

import (
	"image"
	"testing"

	"github.com/qrgate/qrgate/decoder/internal/bitmap"
)

// A region is read from the finest pyramid level at which it fits
// maxRegionSide, and what a reader finds in it maps back to image pixels.
func TestRegionView(t *testing.T) {
	full := bitmap.NewPlane(4000, 3000)
	pyramid := []bitmap.Plane{full, full.Half(), full.Half().Half()}
	for _, tc := range []struct {
		name  string
		r     image.Rectangle
		scale int
	}{
		{"small region at full resolution", image.Rect(100, 200, 400, 500), 1},
		{"exactly the limit", image.Rect(0, 0, maxRegionSide, 10), 1},
		{"just over: half", image.Rect(8, 8, 8+maxRegionSide+2, 600), 2},
		{"most of the photo: quarter", image.Rect(0, 0, 4000, 3000), 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := regionView(pyramid, tc.r, maxRegionSide)
			if v.Scale != float64(tc.scale) {
				t.Fatalf("scale %v, want %d", v.Scale, tc.scale)
			}
			if max(v.P.W, v.P.H) > maxRegionSide && tc.scale < 4 {
				t.Errorf("view %dx%d over the limit", v.P.W, v.P.H)
			}
			// The view's far corner maps back to the region's far corner
			// (to within one view pixel).
			got := v.ToImage(float64(v.P.W), float64(v.P.H))
			if d := max(abs(got[0]-tc.r.Max.X), abs(got[1]-tc.r.Max.Y)); d >= tc.scale {
				t.Errorf("far corner maps to %v, want %v", got, tc.r.Max)
			}
			if o := v.ToImage(0, 0); o != [2]int{tc.r.Min.X, tc.r.Min.Y} {
				t.Errorf("origin maps to %v, want %v", o, tc.r.Min)
			}
		})
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
