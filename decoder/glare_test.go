package decoder_test

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"testing"

	"github.com/disintegration/imaging"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// light is uneven light over a drawn code, as benchmarks/synth draws its
// glare family: spots towards white and a shadow across the code.
type light struct {
	name   string
	spots  []spot
	shadow float64 // depth of a shadow falling off left to right, 0: none
}

// spot is an elliptical highlight: centre and radii as fractions of the
// code's side, turned by angle, strength the share of the way to white at
// its centre.
type spot struct{ x, y, rx, ry, angle, strength float64 }

// lights are the glare kinds, each strong enough that a global threshold
// or a threshold window larger than the light's own gradient misreads the
// modules under it, and each short of white (a dark module under it stays
// darker than a light one).
var lights = []light{
	// a specular spot over the top-left finder (QR) or the L's corner
	// (Data Matrix: bottom-left, so the spot sits at the other end of the L)
	{name: "spot on a corner", spots: []spot{{0.2, 0.2, 0.14, 0.1, 0.6, 0.88}}},
	{name: "spot in the middle", spots: []spot{{0.5, 0.45, 0.18, 0.12, 2.0, 0.9}}},
	// uneven light: the right half in shadow, a broad wash on the left
	{name: "uneven light", shadow: 0.65, spots: []spot{{0.3, 0.5, 0.4, 0.3, 0.3, 0.8}}},
}

// streak is a long thin highlight across the code (a window's reflection
// on film): its edges fall off within two modules, faster than a 5×5
// window's mean follows.
var streak = light{name: "streak", spots: []spot{{0.5, 0.5, 0.7, 0.06, 0.9, 0.85}}}

// apply lights the square box (the code, quiet zone included) of img.
func (l light) apply(img *image.NRGBA, box image.Rectangle) {
	side := float64(box.Dx())
	for y := img.Rect.Min.Y; y < img.Rect.Max.Y; y++ {
		for x := img.Rect.Min.X; x < img.Rect.Max.X; x++ {
			u, v := (float64(x)-float64(box.Min.X))/side, (float64(y)-float64(box.Min.Y))/side
			f := 1 - l.shadow*math.Max(0, math.Min(1, u))*math.Exp(-((u-0.5)*(u-0.5)+(v-0.5)*(v-0.5))/2)
			a := 0.0
			for _, s := range l.spots {
				du, dv := u-s.x, v-s.y
				p, q := (du*math.Cos(s.angle)+dv*math.Sin(s.angle))/s.rx, (-du*math.Sin(s.angle)+dv*math.Cos(s.angle))/s.ry
				a = max(a, s.strength*math.Exp(-(p*p+q*q)/2))
			}
			o := img.PixOffset(x, y)
			for c := 0; c < 3; c++ {
				img.Pix[o+c] = uint8(math.Min(255, float64(img.Pix[o+c])*f*(1-a)+255*a))
			}
		}
	}
}

// TestGlare reads a QR code and a Data Matrix code under each kind of
// glare, turned and in JPEG, on a photo-like background: the bright spots
// and the shadow cross modules, finder patterns and the L; the streak
// crosses the QR code (the Data Matrix reader's binarization does not hold
// under it yet; zxing-wasm 3.1.4 reads neither code under it).
func TestGlare(t *testing.T) {
	const qrText, dmText = "https://u.wechat.com/glare-QR-73", "WeChat: glare_dm_73"
	qrBM, err := qrcode.NewQRCodeWriter().Encode(qrText, gozxing.BarcodeFormat_QR_CODE, 0, 0, map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_MARGIN: 0})
	if err != nil {
		t.Fatal(err)
	}
	for _, sym := range []struct {
		name, text string
		bm         *gozxing.BitMatrix
		mod        int
		lights     []light
	}{
		{"QR", qrText, qrBM, 4, append(lights, streak)},
		{"Data Matrix", dmText, squareDataMatrix(t, dmText), 6, lights},
	} {
		for _, l := range sym.lights {
			for _, angle := range []float64{0, 23} {
				t.Run(fmt.Sprintf("%s/%s/%v°", sym.name, l.name, angle), func(t *testing.T) {
					n := sym.bm.GetWidth()
					side := (n + 8) * sym.mod
					code := flatGray(side, side, 225)
					drawModules(code, sym.bm, 4*sym.mod, 4*sym.mod, sym.mod, 35)
					photo := imaging.New(800, 700, color.NRGBA{R: 150, G: 135, B: 110, A: 255})
					at := image.Pt(160, 120)
					photo = imaging.Paste(photo, code, at)
					l.apply(photo, image.Rectangle{Min: at, Max: at.Add(image.Pt(side, side))})
					turned := imaging.Rotate(photo, angle, color.NRGBA{R: 150, G: 135, B: 110, A: 255})
					decodeOne(t, encodeJPEG(t, turned, 80), sym.text)
				})
			}
		}
	}
}
