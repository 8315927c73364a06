package main

import (
	"image"
	"math"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// box is an axis-aligned rectangle in label coordinates (modules).
type box struct{ X0, Y0, X1, Y1 float64 }

func (b box) has(u, v float64) bool { return u >= b.X0 && u < b.X1 && v >= b.Y0 && v < b.Y1 }
func (b box) overlaps(o box) bool {
	return b.X0 < o.X1 && o.X0 < b.X1 && b.Y0 < o.Y1 && o.Y0 < b.Y1
}

// mask is a one-bit stencil (text, a glyph) stretched over a box.
type mask struct {
	at    box
	alpha *image.Alpha
	col   rgb
}

func (m mask) sample(u, v float64) (rgb, bool) {
	if !m.at.has(u, v) {
		return rgb{}, false
	}
	b := m.alpha.Bounds()
	x := b.Min.X + int((u-m.at.X0)/(m.at.X1-m.at.X0)*float64(b.Dx()))
	y := b.Min.Y + int((v-m.at.Y0)/(m.at.Y1-m.at.Y0)*float64(b.Dy()))
	if m.alpha.AlphaAt(x, y).A < 128 {
		return rgb{}, false
	}
	return m.col, true
}

// textMask renders one line of ASCII text with the 7x13 bitmap face.
func textMask(s string) *image.Alpha {
	face := basicfont.Face7x13
	w := font.MeasureString(face, s).Ceil()
	img := image.NewAlpha(image.Rect(0, 0, max(w, 1), 13))
	d := font.Drawer{Dst: img, Src: image.Opaque, Face: face, Dot: fixed.P(0, 11)}
	d.DrawString(s)
	return img
}

// textBox places a text mask with its top-left corner at (x, y) and a
// cap height of size modules, keeping the face's aspect ratio.
func textBox(s string, x, y, size float64, col rgb) mask {
	a := textMask(s)
	scale := size / 13
	return mask{at: box{x, y, x + float64(a.Bounds().Dx())*scale, y + size}, alpha: a, col: col}
}

// codeLabel is a symbol with everything drawn around and over it: quiet
// zone or card, centre logo, an occluding patch, and its colours.
type codeLabel struct {
	sym         *symbol
	ext         box // drawn extent: quiet zone, card
	dark, light rgb // the two module colours as printed
	inverted    bool
	cardRadius  float64 // rounded card corners, modules; 0 for a plain label
	background  rgb     // around the symbol (card or quiet zone)
	logo        *box    // centre logo over the modules, with its border
	logoFill    rgb
	logoGlyph   *mask
	occlusion   *box
	occlColour  rgb
	overlays    []mask // card text, avatar, EAN digits
	eanGuardExt float64
}

func (l *codeLabel) extent() (x0, y0, x1, y1 float64) {
	return l.ext.X0, l.ext.Y0, l.ext.X1, l.ext.Y1
}

func (l *codeLabel) sample(u, v float64) (rgb, bool) {
	if !l.ext.has(u, v) || !l.insideCorners(u, v) {
		return rgb{}, false
	}
	if l.occlusion != nil && l.occlusion.has(u, v) {
		// a finger or sticker: shaded so it is not one flat colour
		f := 0.85 + 0.15*math.Sin((u-l.occlusion.X0)*0.7)*math.Cos((v-l.occlusion.Y0)*0.5)
		return l.occlColour.scale(f), true
	}
	if l.logo != nil && l.logo.has(u, v) {
		inner := box{l.logo.X0 + 0.7, l.logo.Y0 + 0.7, l.logo.X1 - 0.7, l.logo.Y1 - 0.7}
		if !inner.has(u, v) {
			return rgb{255, 255, 255}, true
		}
		if l.logoGlyph != nil {
			if c, ok := l.logoGlyph.sample(u, v); ok {
				return c, true
			}
		}
		return l.logoFill, true
	}
	for _, m := range l.overlays {
		if c, ok := m.sample(u, v); ok {
			return c, true
		}
	}
	if dark, in := l.module(u, v); in {
		if dark != l.inverted {
			return l.dark, true
		}
		return l.light, true
	}
	return l.background, true
}

// module reports the module at (u, v) and whether (u, v) is on the symbol.
func (l *codeLabel) module(u, v float64) (dark, in bool) {
	s := l.sym
	if u < 0 || u >= float64(s.W) {
		return false, false
	}
	x := int(u)
	if s.Symbology == symEAN13 {
		bottom := float64(s.H)
		if eanGuard(x) {
			bottom += l.eanGuardExt
		}
		if v < 0 || v >= bottom {
			return false, false
		}
		return s.at(x, 0), true
	}
	if v < 0 || v >= float64(s.H) {
		return false, false
	}
	return s.at(x, int(v)), true
}

// insideCorners cuts a card's rounded corners.
func (l *codeLabel) insideCorners(u, v float64) bool {
	r := l.cardRadius
	if r <= 0 {
		return true
	}
	cx := math.Min(math.Max(u, l.ext.X0+r), l.ext.X1-r)
	cy := math.Min(math.Max(v, l.ext.Y0+r), l.ext.Y1-r)
	return (u-cx)*(u-cx)+(v-cy)*(v-cy) <= r*r
}
