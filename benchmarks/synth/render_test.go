package main

import (
	"image"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/datamatrix"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// drawPlain renders a symbol black on white, upright or rotated and
// tilted, onto a grey canvas, as the generator draws it.
func drawPlain(t *testing.T, sym *symbol, p pose) *image.RGBA {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 600, 600))
	for i := range img.Pix {
		img.Pix[i] = 128
	}
	l := &codeLabel{sym: sym, dark: grey(0), light: grey(255), background: grey(255)}
	l.ext = box{-sym.Quiet[0], -sym.Quiet[1], float64(sym.W) + sym.Quiet[2], float64(sym.H) + sym.Quiet[3]}
	if sym.Symbology == symEAN13 {
		l.eanGuardExt = 5
		l.ext.Y1 += 5
	}
	p.CX, p.CY = 300, 300
	if p.Distance == 0 {
		p.Distance = 1e6
	}
	pl := newPlacement(p, sym, (l.ext.X1-l.ext.X0)/2)
	render(img, l, pl, 3)
	return img
}

func decode(t *testing.T, img image.Image, sym string) (string, error) {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	var r gozxing.Reader
	switch sym {
	case symQR:
		r = qrcode.NewQRCodeReader()
	case symDM:
		r = datamatrix.NewDataMatrixReader()
	default:
		r = oned.NewEAN13Reader()
	}
	res, err := r.Decode(bmp, hints)
	if err != nil {
		return "", err
	}
	return res.GetText(), nil
}

// TestSymbolsDecode draws every symbology and shape the generator makes
// and reads it back with gozxing: a generator whose codes do not decode
// measures nothing.
func TestSymbolsDecode(t *testing.T) {
	type tc struct {
		name, payload string
		make          func() (*symbol, error)
		pose          pose
	}
	var cases []tc
	for _, ec := range []string{"L", "M", "Q", "H"} {
		for _, v := range []int{1, 7, 15} {
			p := "https://u.wechat.com/abcdefghijklmnop"
			if v == 1 {
				p = "QQ:123456"
			}
			ec, v := ec, v
			// gozxing's detector misjudges version 15 at 3 px per module
			cases = append(cases, tc{"qr-" + ec, p, func() (*symbol, error) { return encodeQR(p, ec, v) }, pose{Module: 2 + float64(v+7)/8}})
		}
	}
	cases = append(cases, tc{"qr-utf8", "微信号: abc_123", func() (*symbol, error) { return encodeQR("微信号: abc_123", "M", 0) },
		pose{Module: 5, Angle: 0.5}})
	for _, d := range dmRect {
		d := d
		cases = append(cases, tc{"dm-rect", "ABC123", func() (*symbol, error) { return encodeDataMatrix("ABC123", true, d[1], d[0]) }, pose{Module: 5}})
	}
	for _, n := range []int{10, 24, 52} {
		n := n
		cases = append(cases, tc{"dm-square", "https://t.me/abcdef", func() (*symbol, error) {
			if n == 10 {
				return encodeDataMatrix("12345", false, n, n)
			}
			return encodeDataMatrix("https://t.me/abcdef", false, n, n)
		}, pose{Module: 4}}) // gozxing's Data Matrix detector wants it upright
	}
	cases[len(cases)-3].payload = "12345"
	cases = append(cases, tc{"ean13", "6901234567892", func() (*symbol, error) { return encodeEAN13("6901234567892", 50) }, pose{Module: 3}})
	cases = append(cases, tc{"qr-tilted", "https://paypal.me/abcdef", func() (*symbol, error) { return encodeQR("https://paypal.me/abcdef", "Q", 3) },
		pose{Module: 4, Angle: 1, Tilt: 0.6, TiltAxis: 0.4, Distance: 400}})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sym, err := c.make()
			if err != nil {
				t.Fatal(err)
			}
			got, err := decode(t, drawPlain(t, sym, c.pose), sym.Symbology)
			if err != nil || got != c.payload {
				t.Errorf("%s %s: decoded %q, %v; want %q", sym.Symbology, sym.Version, got, err, c.payload)
			}
		})
	}
}

func TestDataMatrixShapes(t *testing.T) {
	for _, d := range dmRect {
		s, err := encodeDataMatrix("AB", true, d[1], d[0])
		if err != nil || s.H != d[0] || s.W != d[1] {
			t.Errorf("rect %v: got %v, %v", d, s, err)
		}
	}
	for _, n := range dmSquare {
		s, err := encodeDataMatrix("AB", false, n, n)
		if err != nil || s.W != n || s.H != n {
			t.Errorf("square %d: got %v, %v", n, s, err)
		}
	}
	if _, err := encodeDataMatrix("微信", false, 0, 0); err == nil {
		t.Error("non-ASCII Data Matrix payload accepted")
	}
}

func TestPerspectiveMeasure(t *testing.T) {
	sq := [4]complex128{10, 110, 110 + 100i, 10 + 100i}
	rot := func(c [4]complex128, a float64) [4]complex128 {
		r := complex(math.Cos(a), math.Sin(a))
		for i := range c {
			c[i] = c[i]*r*2 + 5 + 7i
		}
		return c
	}
	if m := perspectiveMeasure(rot(sq, 0.7), 21, 21, false); m > 1e-9 {
		t.Errorf("similarity image measured %v, want 0", m)
	}
	// one corner pulled 20 % of the side outward: the least-squares
	// similarity takes up part of it, so the worst residual is below 0.2,
	// and the measure does not change when the whole picture is moved,
	// turned or scaled
	k := sq
	k[2] += 20
	m := perspectiveMeasure(k, 21, 21, false)
	if m < 0.05 || m > 0.2 {
		t.Errorf("keystone measured %v, want within 0.05–0.2", m)
	}
	if m2 := perspectiveMeasure(rot(k, 2.1), 21, 21, false); math.Abs(m-m2) > 1e-9 {
		t.Errorf("keystone measured %v, turned and scaled %v", m, m2)
	}
	k[2] += 20
	if m3 := perspectiveMeasure(k, 21, 21, false); m3 <= m {
		t.Errorf("a larger pull measured %v, not more than %v", m3, m)
	}
	mir := [4]complex128{110, 10, 10 + 100i, 110 + 100i}
	if m := perspectiveMeasure(mir, 21, 21, true); m > 1e-9 {
		t.Errorf("mirrored square measured %v, want 0", m)
	}
}

func TestBins(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{moduleBin(2.49), "<2.5"}, {moduleBin(2.5), "2.5-4"}, {moduleBin(4), ">=4"},
		{rotationBin(0), "axis"}, {rotationBin(4.9 * math.Pi / 180), "axis"}, {rotationBin(-3 * math.Pi / 180), "axis"},
		{rotationBin(5.5 * math.Pi / 180), "other"}, {rotationBin(184 * math.Pi / 180), "axis"}, {rotationBin(45 * math.Pi / 180), "other"},
		{perspectiveBin(0.099), "<0.1"}, {perspectiveBin(0.1), "0.1-0.2"}, {perspectiveBin(0.2), ">=0.2"},
		{blurBin(0), "none"}, {blurBin(1), "<=1"}, {blurBin(1.01), ">1"},
		{contrastBin(0.39), "<0.4"}, {contrastBin(0.4), "0.4-0.7"}, {contrastBin(0.7), ">=0.7"},
		{versionBin(3), "1-3"}, {versionBin(6), "4-6"}, {versionBin(7), "7-15"},
		{photoBin(799), "<800"}, {photoBin(1600), "1600-3000"}, {photoBin(3000), ">=3000"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

// TestGlare draws each kind of glare over codes flat and curved: the light
// stays inside the code's neighbourhood, never quite reaches white (a black
// module keeps a difference from a white one a reader can find), a shadow
// darkens one side only, and a curved code's highlight runs along the
// cylinder's axis.
func TestGlare(t *testing.T) {
	sym := &symbol{Symbology: symQR, W: 29, H: 29}
	for i := range 60 {
		curved := i%3 == 0
		p := pose{CX: 300, CY: 300, Module: 8, Angle: float64(i) * 0.37, Distance: 1e6}
		if curved {
			p.Arc = 60 * math.Pi / 180
		}
		pl := newPlacement(p, sym, float64(sym.W)/2)
		x0, y0, x1, y1 := outline(&codeLabel{sym: sym, ext: box{0, 0, 29, 29}}, pl)
		c := &placed{sym: sym, pl: pl, pose: p, contrast: 0.8, bbox: pixelBox(x0, y0, x1, y1, 8, image.Rect(0, 0, 600, 600))}
		img := image.NewRGBA(image.Rect(0, 0, 600, 600)) // black: the darkest module
		for k := 3; k < len(img.Pix); k += 4 {
			img.Pix[k] = 255
		}
		s := &scene{rng: rand.New(rand.NewPCG(uint64(i), 7))}
		s.glare(img, c)
		lit, brightest := 0, uint8(0)
		var sx, sy, sxx, syy, sxy float64
		for y := 0; y < 600; y++ {
			for x := 0; x < 600; x++ {
				v := img.Pix[img.PixOffset(x, y)]
				brightest = max(brightest, v)
				if v == 0 {
					continue
				}
				lit++
				if !image.Pt(x, y).In(c.bbox.Inset(-c.bbox.Dx())) {
					t.Fatalf("pose %d: light at (%d, %d), far outside the code %v", i, x, y, c.bbox)
				}
				fx, fy := float64(x), float64(y)
				sx, sy, sxx, syy, sxy = sx+fx, sy+fy, sxx+fx*fx, syy+fy*fy, sxy+fx*fy
			}
		}
		if lit == 0 {
			t.Fatalf("pose %d: no light drawn", i)
		}
		if float64(brightest) > 0.9*255+1 {
			t.Errorf("pose %d: a black module lit to %d: white, its data lost", i, brightest)
		}
		if curved { // the principal axis of the lit pixels against the label's columns
			n := float64(lit)
			cxx, cyy, cxy := sxx/n-sx*sx/n/n, syy/n-sy*sy/n/n, sxy/n-sx*sy/n/n
			got := 0.5 * math.Atan2(2*cxy, cxx-cyy)
			ax, ay := pl.forward(14.5, 29)
			bx, by := pl.forward(14.5, 0)
			want := math.Atan2(ay-by, ax-bx)
			if d := math.Abs(math.Remainder(got-want, math.Pi)); d > 0.2 {
				t.Errorf("pose %d: highlight at %.2f rad, the cylinder's axis at %.2f", i, got, want)
			}
		}
	}
}

// TestShadow: uneven light darkens the far side of the code, leaves the lit
// side, and fades out beyond the code instead of drawing an edge.
func TestShadow(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 1000, 600))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	const side, depth = 100.0, 0.6
	addShadow(img, image.Rect(250, 250, 350, 350), 300, 300, 0, depth, side)
	at := func(x, y int) float64 { return float64(img.Pix[img.PixOffset(x, y)]) }
	if v := at(252, 300); v < 195 {
		t.Errorf("lit side darkened to %v", v)
	}
	if v := at(348, 300); v > 200*(1-depth*0.8) {
		t.Errorf("shadowed side only %v", v)
	}
	for i := 0; i < len(img.Pix); i += 4 {
		if img.Pix[i] > 200 {
			t.Fatalf("the shadow brightened a pixel to %d", img.Pix[i])
		}
	}
	// beyond the code the shadow fades: no step between neighbours
	for x := 350; x < 999; x++ {
		if d := at(x+1, 300) - at(x, 300); math.Abs(d) > 3 {
			t.Fatalf("a step of %v at x=%d: the shadow draws an edge", d, x)
		}
	}
}
