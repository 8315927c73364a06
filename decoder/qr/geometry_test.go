package qr

import (
	"fmt"
	"image"
	"math"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/qrgate/qrgate/decoder/internal/bitmap"
)

// Table tests of the geometry's pure functions: the homography fit and its
// inverse, the quadrilateral fit to a finder ring's edge points, the
// alignment pattern layout and the version information read.

// knownHomographies are module → plane maps of the kinds a photo gives.
var knownHomographies = []struct {
	name string
	h    homography
}{
	{"identity", homography{1, 0, 0, 0, 1, 0, 0, 0, 1}},
	{"scale and shift", homography{4.5, 0, 120, 0, 4.5, 80, 0, 0, 1}},
	{"rotated 30°", homography{4 * math.Cos(0.52), -4 * math.Sin(0.52), 300, 4 * math.Sin(0.52), 4 * math.Cos(0.52), 50, 0, 0, 1}},
	{"mirrored", homography{-3, 0, 400, 0, 3, 20, 0, 0, 1}},
	{"sheared", homography{3, 1.2, 10, 0.4, 3.5, 30, 0, 0, 1}},
	{"strong perspective", homography{5, 0.8, 200, -0.6, 4.2, 150, 0.004, -0.003, 1}},
	{"vanishing point near", homography{6, 0, 100, 0, 6, 100, 0.012, 0.009, 1}},
	{"far corner of a big photo", homography{2.5, 0.4, 3500, -0.3, 2.2, 2800, 0.0008, 0.0005, 1}},
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestFitHomography(t *testing.T) {
	// module coordinates of a 33-module code's finder corners and centres
	var src []pt
	for _, o := range []pt{{0, 0}, {26, 0}, {0, 26}} {
		for _, c := range []pt{{0, 0}, {7, 0}, {7, 7}, {0, 7}, {3.5, 3.5}, {1, 1}, {6, 6}} {
			src = append(src, pt{o.x + c.x, o.y + c.y})
		}
	}
	for _, tc := range knownHomographies {
		t.Run(tc.name, func(t *testing.T) {
			dst := make([]pt, len(src))
			for i, s := range src {
				dst[i].x, dst[i].y = tc.h.apply(s.x, s.y)
			}
			got, ok := fitHomography(src, dst, nil)
			if !ok {
				t.Fatal("fit failed on exact correspondences")
			}
			// The fit is judged where the code is, far corner included
			// (33, 33): the extrapolation from the finders.
			for _, m := range []pt{{0, 0}, {33, 0}, {33, 33}, {0, 33}, {16.5, 16.5}, {29.5, 29.5}} {
				wx, wy := tc.h.apply(m.x, m.y)
				gx, gy := got.apply(m.x, m.y)
				if !near(wx, gx, 1e-6*max(1, math.Abs(wx))) || !near(wy, gy, 1e-6*max(1, math.Abs(wy))) {
					t.Errorf("module (%g, %g): got (%.6f, %.6f), want (%.6f, %.6f)", m.x, m.y, gx, gy, wx, wy)
				}
			}
		})
	}
	t.Run("noise averages out", func(t *testing.T) {
		h := knownHomographies[5].h
		dst := make([]pt, len(src))
		for i, s := range src {
			x, y := h.apply(s.x, s.y)
			// ±0.3 px alternating: an edge measured to a third of a pixel
			e := 0.3 * float64(1-2*(i%2))
			dst[i] = pt{x + e, y - e}
		}
		got, ok := fitHomography(src, dst, nil)
		if !ok {
			t.Fatal("fit failed")
		}
		wx, wy := h.apply(16.5, 16.5)
		gx, gy := got.apply(16.5, 16.5)
		if math.Hypot(wx-gx, wy-gy) > 1 {
			t.Errorf("code centre off by %.2f px with ±0.3 px of noise", math.Hypot(wx-gx, wy-gy))
		}
	})
	t.Run("weights", func(t *testing.T) {
		// one outlier, weighted down, barely moves the fit
		h := knownHomographies[1].h
		dst := make([]pt, len(src))
		w := make([]float64, len(src))
		for i, s := range src {
			dst[i].x, dst[i].y = h.apply(s.x, s.y)
			w[i] = 1
		}
		dst[0].x += 40
		heavy, _ := fitHomography(src, dst, nil)
		w[0] = 1e-6
		light, ok := fitHomography(src, dst, w)
		if !ok {
			t.Fatal("fit failed")
		}
		wx, _ := h.apply(33, 33)
		hx, _ := heavy.apply(33, 33)
		lx, _ := light.apply(33, 33)
		if math.Abs(lx-wx) > 0.01 || math.Abs(hx-wx) < 1 {
			t.Errorf("far corner x: weighted-down outlier %.3f, full weight %.3f, want %.3f (and the full weight visibly off)", lx, hx, wx)
		}
	})
	for _, bad := range []struct {
		name     string
		src, dst []pt
	}{
		{"three points", []pt{{0, 0}, {1, 0}, {0, 1}}, []pt{{0, 0}, {1, 0}, {0, 1}}},
		{"lengths differ", []pt{{0, 0}, {1, 0}, {0, 1}, {1, 1}}, []pt{{0, 0}, {1, 0}, {0, 1}}},
		{"collinear", []pt{{0, 0}, {1, 0}, {2, 0}, {3, 0}, {4, 0}}, []pt{{0, 0}, {1, 0}, {2, 0}, {3, 0}, {4, 0}}},
		{"all one point", []pt{{1, 1}, {1, 1}, {1, 1}, {1, 1}}, []pt{{5, 5}, {5, 5}, {5, 5}, {5, 5}}},
	} {
		t.Run(bad.name, func(t *testing.T) {
			if _, ok := fitHomography(bad.src, bad.dst, nil); ok {
				t.Error("fit reported success on degenerate input")
			}
		})
	}
}

func TestHomographyInverse(t *testing.T) {
	for _, tc := range knownHomographies {
		t.Run(tc.name, func(t *testing.T) {
			for _, m := range []pt{{0, 0}, {3.5, 3.5}, {21, 0}, {21, 21}, {-4, 10}, {40, 17.25}} {
				x, y := tc.h.apply(m.x, m.y)
				u, v, ok := tc.h.inverse(x, y)
				if !ok || !near(u, m.x, 1e-7) || !near(v, m.y, 1e-7) {
					t.Errorf("inverse(apply(%g, %g)) = (%g, %g, %v)", m.x, m.y, u, v, ok)
				}
			}
		})
	}
	t.Run("degenerate", func(t *testing.T) {
		// rank one: every module lands on one line, no inverse
		h := homography{1, 2, 0, 2, 4, 0, 0, 0, 1}
		if _, _, ok := h.inverse(3, 6); ok {
			t.Error("inverse of a singular map reported success")
		}
	})
}

// quadRays casts finderRays rays from c, as concentricEdges does, and
// returns where each crosses the quadrilateral q (in ray order).
func quadRays(c pt, q [4]pt) []pt {
	var out []pt
	for k := 0; k < finderRays; k++ {
		a := 2 * math.Pi * (float64(k) + 0.5) / finderRays
		dx, dy := math.Cos(a), math.Sin(a)
		best := math.Inf(1)
		for s := 0; s < 4; s++ {
			p0, p1 := q[s], q[(s+1)%4]
			ex, ey := p1.x-p0.x, p1.y-p0.y
			den := dx*ey - dy*ex
			if math.Abs(den) < 1e-12 {
				continue
			}
			tt := ((p0.x-c.x)*ey - (p0.y-c.y)*ex) / den
			u := ((p0.x-c.x)*dy - (p0.y-c.y)*dx) / den
			if tt > 0 && u >= 0 && u <= 1 && tt < best {
				best = tt
			}
		}
		out = append(out, pt{c.x + dx*best, c.y + dy*best})
	}
	return out
}

func TestFitQuad(t *testing.T) {
	for _, tc := range []struct {
		name string
		q    [4]pt
	}{
		{"upright square", [4]pt{{80, 80}, {120, 80}, {120, 120}, {80, 120}}},
		{"turned 45°", [4]pt{{100, 70}, {130, 100}, {100, 130}, {70, 100}}},
		{"turned 10°", [4]pt{{82, 76}, {123, 83}, {117, 124}, {76, 117}}},
		{"perspective", [4]pt{{85, 78}, {126, 86}, {119, 118}, {79, 125}}},
		{"small (a 2 px module)", [4]pt{{93, 93}, {107, 93}, {107, 107}, {93, 107}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := pt{(tc.q[0].x + tc.q[1].x + tc.q[2].x + tc.q[3].x) / 4, (tc.q[0].y + tc.q[1].y + tc.q[2].y + tc.q[3].y) / 4}
			got, ok := fitQuad(c, quadRays(c, tc.q))
			if !ok {
				t.Fatal("no quadrilateral fitted")
			}
			// each corner found once, within a tenth of a pixel; in the rays'
			// (clockwise in image coordinates) order
			start := -1
			for i, g := range got {
				if math.Hypot(g.x-tc.q[0].x, g.y-tc.q[0].y) < 0.1 {
					start = i
				}
			}
			if start < 0 {
				t.Fatalf("corner %v not found in %v", tc.q[0], got)
			}
			for k := 0; k < 4; k++ {
				g, w := got[(start+k)%4], tc.q[k]
				if math.Hypot(g.x-w.x, g.y-w.y) > 0.1 {
					t.Errorf("corner %d: got (%.2f, %.2f), want (%.2f, %.2f)", k, g.x, g.y, w.x, w.y)
				}
			}
		})
	}
	t.Run("too few edge points", func(t *testing.T) {
		q := [4]pt{{80, 80}, {120, 80}, {120, 120}, {80, 120}}
		ps := quadRays(pt{100, 100}, q)
		// rays lost to glare or a logo: under two thirds of them left
		var some []pt
		for i, p := range ps {
			if i*31/finderRays != (i+1)*31/finderRays { // 31, evenly spread
				some = append(some, p)
			}
		}
		if len(some) >= finderRays*2/3 {
			t.Fatalf("%d points kept, want fewer than %d", len(some), finderRays*2/3)
		}
		if _, ok := fitQuad(pt{100, 100}, some); ok {
			t.Errorf("fitted a quadrilateral to %d of %d edge points", len(some), finderRays)
		}
	})
	t.Run("a circle is no square", func(t *testing.T) {
		// a bullseye's ring: every point as far out; the corners picked
		// are arbitrary, but they must not be reported as a tight fit far
		// off the ring
		var ps []pt
		for k := 0; k < finderRays; k++ {
			a := 2 * math.Pi * (float64(k) + 0.5) / finderRays
			ps = append(ps, pt{100 + 20*math.Cos(a), 100 + 20*math.Sin(a)})
		}
		if q, ok := fitQuad(pt{100, 100}, ps); ok {
			for _, c := range q {
				if d := math.Hypot(c.x-100, c.y-100); d > 20*math.Sqrt2+1 {
					t.Errorf("corner (%.1f, %.1f) %.1f px out from a 20 px circle", c.x, c.y, d)
				}
			}
		}
	})
}

func TestAlignmentCentres(t *testing.T) {
	for _, tc := range []struct {
		dim  int
		want []pt
	}{
		{21, nil}, // version 1: none
		{25, []pt{{18.5, 18.5}}},
		{41, []pt{{34.5, 34.5}}}, // version 6: still one
		// version 7: centres 6, 22, 38; the three beside finders are left out
		{45, []pt{{22.5, 6.5}, {6.5, 22.5}, {22.5, 22.5}, {38.5, 22.5}, {22.5, 38.5}, {38.5, 38.5}}},
		{0, nil},
		{19, nil}, // not a QR size
	} {
		t.Run(fmt.Sprint(tc.dim), func(t *testing.T) {
			got := alignmentCentres(tc.dim)
			if !slices.Equal(got, tc.want) {
				t.Errorf("alignmentCentres(%d) = %v, want %v", tc.dim, got, tc.want)
			}
		})
	}
	t.Run("counts", func(t *testing.T) {
		// versions 14 and 21, 28, 35: 4×4−3, 5×5−3, 6×6−3, 7×7−3 patterns
		for dim, n := range map[int]int{17 + 4*14: 13, 17 + 4*21: 22, 17 + 4*28: 33, 177: 46} {
			if got := len(alignmentCentres(dim)); got != n {
				t.Errorf("dim %d: %d alignment patterns, want %d", dim, got, n)
			}
		}
	})
}

// renderCode renders text as a QR code of the given version with modules
// mapped through h (module coordinates, quiet zone excluded, to the
// plane) onto a w×w plane of grey 128.
func renderCode(t *testing.T, text string, version int, h homography, w int) (bitmap.Plane, int) {
	t.Helper()
	bm, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0,
		map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_QR_VERSION: version, gozxing.EncodeHintType_MARGIN: 0})
	if err != nil {
		t.Fatal(err)
	}
	dim := bm.GetWidth()
	img := image.NewGray(image.Rect(0, 0, w, w))
	for i := range img.Pix {
		img.Pix[i] = 128
	}
	const qz = 4
	var q [4][2]float64
	for i, c := range [4]pt{{-qz, -qz}, {float64(dim + qz), -qz}, {float64(dim + qz), float64(dim + qz)}, {-qz, float64(dim + qz)}} {
		q[i][0], q[i][1] = h.apply(c.x, c.y)
	}
	renderQuad(img, bm, qz, q)
	return bitmap.Plane{Pix: img.Pix, W: w, H: w, Stride: img.Stride}, dim
}

// shifted is h moved by (dx, dy) modules: the frame of a finder whose box
// starts there.
func shifted(h homography, dx, dy float64) homography {
	return homography(mul3(h, [9]float64{1, 0, dx, 0, 1, dy, 0, 0, 1}))
}

func TestReadVersion(t *testing.T) {
	persp := homography{4, 0.3, 60, -0.2, 3.6, 70, 0.0006, 0.0004, 1}
	for _, tc := range []struct {
		name    string
		version int
		h       homography
	}{
		{"v7 upright", 7, homography{4, 0, 40, 0, 4, 40, 0, 0, 1}},
		{"v10 turned", 10, homography{3 * math.Cos(2.2), -3 * math.Sin(2.2), 330, 3 * math.Sin(2.2), 3 * math.Cos(2.2), 250, 0, 0, 1}},
		{"v15 perspective", 15, persp},
		{"v22", 22, homography{3, 0, 30, 0, 3, 30, 0, 0, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, dim := renderCode(t, "https://u.wechat.com/"+tc.name, tc.version, tc.h, 440)
			d := float64(dim)
			for _, f := range []struct {
				name       string
				local      homography
				bottomLeft bool
			}{
				{"top-right", shifted(tc.h, d-7, 0), false},
				{"bottom-left", shifted(tc.h, 0, d-7), true},
			} {
				v, ok := readVersion(p, f.local, f.bottomLeft, true)
				if !ok || v != tc.version {
					t.Errorf("%s: readVersion = %d, %v; want %d", f.name, v, ok, tc.version)
				}
			}
			// the top-left finder has no version block beside it
			if v, ok := readVersion(p, tc.h, false, true); ok {
				t.Errorf("top-left finder: read version %d from data modules", v)
			}
		})
	}
	t.Run("version 6 has none", func(t *testing.T) {
		h := homography{4, 0, 40, 0, 4, 40, 0, 0, 1}
		p, dim := renderCode(t, "v6", 6, h, 300)
		if v, ok := readVersion(p, shifted(h, float64(dim-7), 0), false, true); ok {
			t.Errorf("read version %d where none is encoded", v)
		}
	})
}

// TestFitFinderRings fits the code's homography to the three finders'
// measured rings, as readFitted does, on codes rendered through known
// maps, and checks it lands the far corner, which no finder touches,
// within a module. A sheared code is the hard case: there a finder's corner
// farthest from the three centres' centroid is a side corner, not the one
// at the code's corner, and naming the corners by it fitted a homography
// 11 px off its own points (a card photo of the generator's, seed
// 1948409428, image 156, which nothing read).
func TestFitFinderRings(t *testing.T) {
	rot := func(a, s float64) homography {
		return homography{s * math.Cos(a), -s * math.Sin(a), 0, s * math.Sin(a), s * math.Cos(a), 0, 0, 0, 1}
	}
	at := func(h homography, x, y float64) homography {
		return homography(mul3([9]float64{1, 0, x, 0, 1, y, 0, 0, 1}, [9]float64(h)))
	}
	shear := func(k float64) homography { return homography{1, k, 0, 0, 1, 0, 0, 0, 1} }
	then := func(a, b homography) homography { return homography(mul3([9]float64(a), [9]float64(b))) }
	for _, tc := range []struct {
		name    string
		version int
		h       homography
	}{
		{"upright", 7, at(rot(0, 5), 60, 60)},
		{"turned 37°", 7, at(rot(0.65, 5), 200, 40)},
		{"sheared", 7, at(then(rot(0.1, 4.5), shear(0.35)), 60, 60)},
		{"sheared the other way, turned", 10, at(then(rot(-0.4, 4), shear(-0.3)), 120, 180)},
		{"strongly sheared", 7, at(then(rot(0.1, 4), shear(0.6)), 40, 60)},
		{"sheared in perspective", 7, at(then(homography{1, 0, 0, 0, 1, 0, 0.0015, 0.0008, 1}, then(rot(0.2, 5), shear(0.45))), 60, 50)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, dim := renderCode(t, tc.name, tc.version, tc.h, 460)
			d := float64(dim)
			cand := func(mx, my float64) candidate {
				x, y := tc.h.apply(mx, my)
				x1, y1 := tc.h.apply(mx+1, my)
				return candidate{x: x, y: y, m: math.Hypot(x1-x, y1-y), dark: true, count: 5, strict: true}
			}
			tr := triplet{tl: cand(3.5, 3.5), tr: cand(d-3.5, 3.5), bl: cand(3.5, d-3.5)}
			fg, ok := tr.measure(p, finderRings{})
			if !ok || !complete(fg) {
				t.Fatalf("finder rings not measured: %+v", fg)
			}
			f, ok := tr.fit(fg, dim)
			if !ok {
				t.Fatal("no fit")
			}
			m := tr.module()
			wx, wy := tc.h.apply(d, d)
			gx, gy := f.h.apply(d, d)
			if f.rms > 0.35*m || math.Hypot(wx-gx, wy-gy) > m {
				t.Errorf("fit residual %.2f px (module %.1f px), far corner off by %.1f px", f.rms, m, math.Hypot(wx-gx, wy-gy))
			}
		})
	}
}

// TestSizeFromVersionInformation: for versions 7 and up the size tried
// first is the one the version information gives, read beside the finders
// through their own transforms. The finders' spacing misjudges it, by a
// version or two when flat and by more on a curved surface, where without
// the version information the true size is not tried at all (version 20
// at 70°: 117 ± 8 from the spacing, against 97).
func TestSizeFromVersionInformation(t *testing.T) {
	for _, tc := range []struct {
		version int
		arc     float64 // degrees of a cylinder; near 0 is flat
	}{{7, 0.01}, {14, 0.01}, {14, 70}, {20, 0.01}, {20, 70}} {
		t.Run(fmt.Sprintf("v%d %.0f°", tc.version, tc.arc), func(t *testing.T) {
			p := renderCurved(t, "https://u.wechat.com/version-information", tc.version, 3.5, tc.arc, 0.7)
			lv := ScanLevel(bitmap.NewThresholds(p, bitmap.StatsOf(p)), 2, 1.3, 5)
			trips := findTriplets(slices.DeleteFunc(lv.cands, func(c candidate) bool { return c.count < 2 }), 40)
			if len(trips) == 0 {
				t.Fatal("no finder triplet")
			}
			fg, ok := trips[0].measure(p, finderRings{})
			if !ok {
				t.Fatal("finder rings not measured")
			}
			want := 17 + 4*tc.version
			if dims := trips[0].fittedDimensions(p, fg); len(dims) == 0 || dims[0] != want {
				t.Errorf("sizes tried %v, want %d first", dims, want)
			}
		})
	}
}
