package main

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"strconv"
)

// manifestCode and manifestLine are one line of images/manifest.jsonl.
type manifestCode struct {
	Payload   string            `json:"payload"`
	Symbology string            `json:"symbology"`
	Category  string            `json:"category"`
	Bins      map[string]string `json:"bins"`
}

type manifestLine struct {
	File    string            `json:"file"`
	Verdict string            `json:"verdict"`
	Codes   []manifestCode    `json:"codes"`
	Tags    []string          `json:"tags"`
	Bins    map[string]string `json:"bins"`
}

// placed is a code as drawn: what it holds, where it is, and what was
// done to it.
type placed struct {
	pay      payload
	sym      *symbol
	lab      *codeLabel
	pl       *placement
	pose     pose
	module   float64 // measured pixels per module
	persp    float64 // measured perspective
	blur     float64
	noise    float64
	glare    bool
	contrast float64
	coloured bool
	logo     bool
	card     bool
	occluded bool
	noQuiet  bool
	bbox     image.Rectangle
	hard     map[string]bool // the dimensions drawn hard
}

// hardDims are the dimensions in which a code can be made hard: a code
// draws at most two of them (weighted), so each bin's recall says what
// that one difficulty costs instead of what a pile of them does, and
// most codes stay readable in principle. The rest are drawn mild.
var hardDims = []struct {
	dim    string
	weight int
}{
	{"module", 2}, {"perspective", 2}, {"blur", 1}, {"contrast", 1}, {"glare", 1},
	{"occlusion", 1}, {"quiet_zone", 1}, {"curvature", 1}, {"noise", 1},
}

// drawHard picks how many and which dimensions are hard for one code;
// a low-quality lossy container already counts as one.
func (s *scene) drawHard(lowQuality bool) map[string]bool {
	k := pick(s.rng, []int{0, 0, 1, 1, 1, 2})
	if lowQuality {
		k--
	}
	hard := map[string]bool{}
	for len(hard) < k {
		total := 0
		for _, d := range hardDims {
			if !hard[d.dim] {
				total += d.weight
			}
		}
		n := s.rng.IntN(total)
		for _, d := range hardDims {
			if hard[d.dim] {
				continue
			}
			if n < d.weight {
				hard[d.dim] = true
				break
			}
			n -= d.weight
		}
	}
	return hard
}

// scene draws one image from its own random stream.
type scene struct {
	rng        *rand.Rand
	photos     *photoSet
	tmp        string
	lowQuality bool // the container is lossy below quality 40
}

func (s *scene) chance(p float64) bool { return s.rng.Float64() < p }

func (s *scene) uniform(a, b float64) float64 { return a + (b-a)*s.rng.Float64() }

// imageSize draws the upload's size: the longer side over 320–4000 px.
func (s *scene) imageSize() (int, int) {
	var long float64
	switch r := s.rng.Float64(); {
	case r < 0.25:
		long = s.uniform(320, 800)
	case r < 0.65:
		long = s.uniform(800, 1600)
	case r < 0.9:
		long = s.uniform(1600, 3000)
	default:
		long = s.uniform(3000, 4000)
	}
	aspect := pick(s.rng, []float64{1, 1, 4.0 / 3, 3.0 / 2, 16.0 / 9})
	w, h := int(long), int(long/aspect)
	if s.chance(0.4) {
		w, h = h, w
	}
	return w, h
}

func (s *scene) container(long int) container {
	q := 15 + s.rng.IntN(81)
	r := s.rng.Float64()
	var c container
	switch {
	case r < 0.40:
		c = container{"jpeg", q}
	case r < 0.55:
		c = container{"jpeg-progressive", q}
	case r < 0.67:
		c = container{"webp-lossy", q}
	case r < 0.72:
		c = container{"webp-lossless", 0}
	case r < 0.81:
		c = container{"png", 0}
	case r < 0.85:
		c = container{"gif", 0}
	case r < 0.91:
		c = container{"gif-frame2", 0}
	default:
		c = container{"bmp", 0}
	}
	// lossless files of large photos would weigh tens of megabytes; an
	// upload pipeline sees those as JPEG
	if c.Quality == 0 && long > 1600 {
		c = container{"jpeg", q}
	}
	return c
}

// colours draws the module colours at a contrast (light − dark luma over
// 255) between 0.2 and 1, grey or hued, and returns the contrast
// actually reached after clamping.
func (s *scene) colours(hard bool) (dark, light rgb, contrast float64, coloured bool) {
	var c float64
	switch r := s.rng.Float64(); {
	case hard:
		c = s.uniform(0.2, 0.4)
	case r < 0.3:
		c = s.uniform(0.4, 0.7)
	default:
		c = s.uniform(0.7, 1)
	}
	lightY := 255 - s.rng.Float64()*(1-c)*255
	darkY := lightY - c*255
	dark, light = grey(darkY), grey(lightY)
	if s.chance(0.2) {
		coloured = true
		// a hue with no luma of its own, so contrast stays as drawn
		a := s.rng.Float64() * 2 * math.Pi
		cr, cb := math.Cos(a), math.Sin(a)
		cg := -(0.299*cr + 0.114*cb) / 0.587
		k := s.uniform(30, 90)
		dark = rgb{darkY + k*cr, darkY + k*cg, darkY + k*cb}
		if s.chance(0.5) {
			light = rgb{lightY + 0.4*k*cr, lightY + 0.4*k*cg, lightY + 0.4*k*cb}
		}
		dark, light = clampRGB(dark), clampRGB(light)
	}
	return dark, light, (light.luma() - dark.luma()) / 255, coloured
}

func clampRGB(c rgb) rgb {
	f := func(v float64) float64 { return math.Min(math.Max(v, 0), 255) }
	return rgb{f(c.R), f(c.G), f(c.B)}
}

// newSymbol draws a symbology, payload and symbol.
func (s *scene) newSymbol() (*symbol, payload, error) {
	switch r := s.rng.Float64(); {
	case r < 0.65:
		ec := pick(s.rng, []string{"L", "M", "Q", "H"})
		for {
			p := newPayload(s.rng, false, 300)
			v0, err := minQRVersion(p.Text, ec)
			if err != nil {
				continue
			}
			v := v0
			if s.chance(0.5) {
				v = v0 + s.rng.IntN(maxQRVers-v0+1)
			}
			sym, err := encodeQR(p.Text, ec, v)
			return sym, p, err
		}
	case r < 0.85:
		rect := s.chance(0.35)
		limit := 150
		if rect {
			limit = 40
		}
		p := newPayload(s.rng, true, limit)
		var minW, minH int
		if rect {
			d := pick(s.rng, dmRect)
			minW, minH = d[1], d[0]
		} else if s.chance(0.5) {
			n := pick(s.rng, dmSquare)
			minW, minH = n, n
		}
		sym, err := encodeDataMatrix(p.Text, rect, minW, minH)
		if err != nil { // too much for the size drawn: the smallest that holds it
			sym, err = encodeDataMatrix(p.Text, rect, 0, 0)
		}
		return sym, p, err
	default:
		d := eanDigits(s.rng)
		sym, err := encodeEAN13(d, 40+s.rng.IntN(30))
		return sym, payload{d, "plain"}, err
	}
}

// newLabel dresses a symbol: quiet zone or none, card, logo, occlusion,
// inversion, colours.
func (s *scene) newLabel(sym *symbol, c *placed) {
	dark, light, contrast, coloured := s.colours(c.hard["contrast"])
	c.contrast, c.coloured = contrast, coloured
	l := &codeLabel{sym: sym, dark: dark, light: light, background: light}
	W, H := float64(sym.W), float64(sym.H)
	qz := sym.Quiet
	if sym.Symbology != symEAN13 {
		f := s.uniform(0.6, 1.5) // printed quiet zones vary: QR 2.4–6 modules
		if sym.Symbology == symDM {
			f = s.uniform(1, 3)
		}
		for i := range qz {
			qz[i] *= f
		}
	}
	l.ext = box{-qz[0], -qz[1], W + qz[2], H + qz[3]}
	isQR := sym.Symbology == symQR
	switch {
	case isQR && s.chance(0.2):
		c.card = true
		s.card(l)
	case c.hard["quiet_zone"] && sym.Symbology != symEAN13:
		c.noQuiet = true
		l.ext = box{0, 0, W, H}
	case s.chance(0.1):
		l.inverted = true
		l.background = dark
	}
	c.contrast = (l.light.luma() - l.dark.luma()) / 255 // a card prints on white
	if sym.Symbology == symEAN13 {
		s.eanText(l)
	}
	budget := map[string]float64{"L": 0.02, "M": 0.06, "Q": 0.1, "H": 0.13}[sym.EC]
	if sym.Symbology == symDM {
		budget = 0.06
	}
	if isQR && sym.EC != "L" && s.chance(0.35) {
		c.logo = true
		side := math.Sqrt(budget*s.uniform(0.5, 0.85)) * W
		budget -= (side * side) / (W * W)
		l.logo = &box{W/2 - side/2, H/2 - side/2, W/2 + side/2, H/2 + side/2}
		l.logoFill = pick(s.rng, []rgb{{7, 193, 96}, {18, 150, 219}, {230, 0, 18}, {255, 140, 0}, {40, 40, 40}})
		g := textBox(pick(s.rng, []string{"W", "Q", "P", "S", "M"}), 0, 0, side*0.6, rgb{255, 255, 255})
		gw := g.at.X1 - g.at.X0
		g.at = box{W/2 - gw/2, H/2 - side*0.3, W/2 + gw/2, H/2 + side*0.3}
		l.logoGlyph = &g
	}
	if budget > 0.015 && c.hard["occlusion"] {
		if o := s.occlusion(sym, budget); o != nil {
			c.occluded = true
			l.occlusion = o
			l.occlColour = pick(s.rng, []rgb{{224, 172, 140}, {200, 150, 120}, {250, 220, 60}, {60, 60, 70}, {240, 240, 235}})
		}
	}
	c.lab = l
}

// occlusion finds a patch over at most budget of the symbol's area that
// spares what a reader needs to find it: QR finders and the last
// alignment pattern, the Data Matrix L and timing edges, the EAN-13 bars'
// lower part.
func (s *scene) occlusion(sym *symbol, budget float64) *box {
	W, H := float64(sym.W), float64(sym.H)
	if sym.Symbology == symEAN13 {
		top := s.uniform(0.2, 0.4) * H
		x0 := s.uniform(0, W*0.6)
		return &box{x0, -1, x0 + s.uniform(0.2, 0.4)*W, top}
	}
	var keep []box
	if sym.Symbology == symQR {
		keep = []box{{0, 0, 9, 9}, {W - 9, 0, W, 9}, {0, H - 9, 9, H}, {W - 10, H - 10, W - 3, H - 3}}
	} else {
		keep = []box{{0, 0, 2, H}, {0, H - 2, W, H}, {0, 0, W, 2}, {W - 2, 0, W, H}}
	}
	for try := 0; try < 30; try++ {
		area := budget * s.uniform(0.5, 0.9) * W * H
		aspect := s.uniform(0.4, 2.5)
		w := math.Sqrt(area * aspect)
		h := area / w
		x0, y0 := s.uniform(-w/3, W-w*2/3), s.uniform(-h/3, H-h*2/3)
		b := box{x0, y0, x0 + w, y0 + h}
		ok := true
		for _, k := range keep {
			if b.overlaps(k) {
				ok = false
				break
			}
		}
		if ok {
			return &b
		}
	}
	return nil
}

// card puts a QR code on a WeChat-style contact card: avatar and name
// above, caption below, rounded white plate.
func (s *scene) card(l *codeLabel) {
	W, H := float64(l.sym.W), float64(l.sym.H)
	m := s.uniform(3, 6)
	head := W * s.uniform(0.3, 0.45)
	foot := W * s.uniform(0.12, 0.2)
	l.ext = box{-m, -m - head, W + m, H + m + foot}
	l.cardRadius = m * 0.8
	l.light, l.background = rgb{255, 255, 255}, rgb{252, 252, 252}
	avatar := head * 0.7
	ax, ay := 0.0, -head+(head-avatar)/2-m/2
	fill := pick(s.rng, []rgb{{90, 140, 200}, {200, 120, 90}, {120, 170, 110}, {170, 110, 170}})
	a := image.NewAlpha(image.Rect(0, 0, 1, 1))
	a.Pix[0] = 255
	l.overlays = append(l.overlays, mask{at: box{ax, ay, ax + avatar, ay + avatar}, alpha: a, col: fill})
	name := randString(s.rng, "ABCDEFGHJKLMNPRSTWXYZ", 1) + randString(s.rng, lower, 3+s.rng.IntN(6))
	size := avatar * 0.35
	l.overlays = append(l.overlays,
		textBox(name, ax+avatar+2, ay+avatar*0.1, size, rgb{30, 30, 30}),
		textBox(pick(s.rng, []string{"Shanghai", "Guangzhou", "Shenzhen", "Hangzhou", "Beijing"}), ax+avatar+2, ay+avatar*0.6, size*0.7, rgb{140, 140, 140}))
	caption := "Scan the QR code to add me on WeChat"
	cb := textBox(caption, 0, H+m+foot*0.3, foot*0.35, rgb{150, 150, 150})
	if w := cb.at.X1 - cb.at.X0; w > W {
		k := W / w
		cb.at.X1 = cb.at.X0 + W
		cb.at.Y1 = cb.at.Y0 + (cb.at.Y1-cb.at.Y0)*k
	}
	l.overlays = append(l.overlays, cb)
}

// eanText adds an EAN-13's longer guard bars and its digits.
func (s *scene) eanText(l *codeLabel) {
	sym := l.sym
	H := float64(sym.H)
	l.eanGuardExt = 5
	size := 9.0
	y := H + 1
	d := sym.Digits
	l.overlays = append(l.overlays,
		digitBox(d[:1], -9, y, 7, size, l.dark),
		digitBox(d[1:7], 4, y, 40, size, l.dark),
		digitBox(d[7:], 51, y, 40, size, l.dark))
	l.ext.Y1 = y + size + 2
}

// digitBox stretches a digit string over a box width wide.
func digitBox(s string, x, y, width, size float64, col rgb) mask {
	m := textBox(s, x, y, size, col)
	m.at.X1 = x + width
	return m
}

// poseFor draws rotation, tilt, mirroring and curvature for a code of
// module px, and fits the tilt so the measured perspective hits a
// target drawn over 0–0.3.
func (s *scene) poseFor(sym *symbol, module float64, allowMirror bool, hard map[string]bool) pose {
	p := pose{Module: module, Distance: 1}
	switch r := s.rng.Float64(); {
	case r < 0.25:
		p.Angle = 0
	case r < 0.4:
		p.Angle = float64(s.rng.IntN(4))*math.Pi/2 + s.uniform(-4, 4)*math.Pi/180
	default:
		p.Angle = s.rng.Float64() * 2 * math.Pi
	}
	p.Mirrored = allowMirror && sym.Symbology == symQR && s.chance(0.06)
	if hard["curvature"] {
		p.Arc = s.uniform(25, 70) * math.Pi / 180
		p.Bow = s.uniform(0.02, 0.08)
	}
	var target float64
	switch r := s.rng.Float64(); {
	case hard["perspective"]:
		target = s.uniform(0.2, 0.3)
	case r < 0.25:
		target = 0
	case r < 0.65:
		target = s.uniform(0.01, 0.1)
	default:
		target = s.uniform(0.1, 0.2)
	}
	side := module * math.Max(float64(sym.W), float64(sym.H))
	p.Distance = side * s.uniform(1.2, 4)
	p.TiltAxis = s.rng.Float64() * 2 * math.Pi
	if target > 0 {
		fitTilt(&p, sym, target)
	}
	// the drawn module size is the one measured in the image: perspective
	// shrinks a code, so scale it (and the camera distance with it, which
	// keeps its shape) back
	pl := newPlacement(p, sym, float64(sym.W))
	f := module / moduleMeasure(pl.corners(sym), sym)
	p.Module *= f
	p.Distance *= f
	return p
}

// fitTilt finds by bisection the tilt at which the perspective measure
// reaches target.
func fitTilt(p *pose, sym *symbol, target float64) {
	lo, hi := 0.0, 80*math.Pi/180
	for i := 0; i < 30; i++ {
		p.Tilt = (lo + hi) / 2
		pl := newPlacement(*p, sym, float64(sym.W))
		if perspectiveMeasure(pl.corners(sym), float64(sym.W), float64(sym.H), p.Mirrored) < target {
			lo = p.Tilt
		} else {
			hi = p.Tilt
		}
	}
}

// moduleSize draws pixels per module: 1.5–2.5 when that dimension is
// hard, else 2.5–4 or (log-uniform) 4–12.
func (s *scene) moduleSize(sym *symbol, hard bool) float64 {
	switch {
	case hard:
		return s.uniform(1.5, 2.5)
	case s.chance(0.45):
		return s.uniform(2.5, 4)
	}
	if sym.Symbology == symEAN13 {
		return s.uniform(4, 6) // 95 modules wide: larger only fills the photo
	}
	return 4 * math.Pow(3, s.rng.Float64())
}

// placeTries bounds the search for a free spot.
const placeTries = 40

// placeCode builds one code and finds it a spot clear of the others; it
// returns nil when the photo has no room left.
func (s *scene) placeCode(img *image.RGBA, taken []image.Rectangle, n int) (*placed, error) {
	sym, pay, err := s.newSymbol()
	if err != nil {
		return nil, err
	}
	c := &placed{pay: pay, sym: sym, hard: s.drawHard(s.lowQuality)}
	s.newLabel(sym, c)
	b := img.Bounds()
	ux0, uy0, ux1, uy1 := c.lab.extent()
	extent := math.Max(ux1-ux0, uy1-uy0)
	room := float64(min(b.Dx(), b.Dy())) * 0.9 / math.Sqrt(float64(n))
	module := s.moduleSize(sym, c.hard["module"])
	if module*extent > room {
		module = math.Max(room/extent, 1.5)
	}
	half := math.Max(-ux0+float64(sym.W)/2, ux1-float64(sym.W)/2)
	for shrink := 0; shrink < 4; shrink++ {
		p := s.poseFor(sym, module, !c.card, c.hard)
		for try := 0; try < placeTries; try++ {
			p.CX, p.CY = s.uniform(0, float64(b.Dx())), s.uniform(0, float64(b.Dy()))
			pl := newPlacement(p, sym, half)
			x0, y0, x1, y1 := outline(c.lab, pl)
			if x0 < 2 || y0 < 2 || x1 > float64(b.Dx()-2) || y1 > float64(b.Dy()-2) {
				continue
			}
			r := pixelBox(x0, y0, x1, y1, 8, b)
			free := true
			for _, t := range taken {
				if r.Overlaps(t) {
					free = false
					break
				}
			}
			if !free {
				continue
			}
			c.pose, c.pl, c.bbox = p, pl, r
			corners := pl.corners(sym)
			c.module = moduleMeasure(corners, sym)
			c.persp = perspectiveMeasure(corners, float64(sym.W), float64(sym.H), p.Mirrored)
			return c, nil
		}
		module = math.Max(module*0.8, 1.5)
	}
	return nil, nil
}

// effects blurs, noises and lights a drawn code, within what keeps its
// modules apart: blur is held under 0.6 of a module.
func (s *scene) effects(img *image.RGBA, c *placed) {
	// A curved code is a label on a bottle or a bag: glossy, so half of
	// them catch a highlight along the cylinder's axis besides any glare
	// drawn hard (curvature with glare is a family of its own).
	if c.hard["glare"] || c.pose.Arc > 0 && s.chance(0.5) {
		c.glare = true
		s.glare(img, c)
	}
	sigma := 0.0
	switch {
	case c.hard["blur"]:
		sigma = s.uniform(1, 2)
	case s.chance(0.3):
		sigma = s.uniform(0.3, 1)
	}
	if sigma > 0 {
		c.blur = math.Min(sigma, 0.6*c.module)
		gaussianBlur(img, c.bbox, c.blur)
	}
	switch {
	case c.hard["noise"]:
		c.noise = s.uniform(8, 14)
	case s.chance(0.2):
		c.noise = s.uniform(3, 8)
	}
	if c.noise > 0 {
		addNoise(img, c.bbox.Inset(-c.bbox.Dx()/8), c.noise, s.rng)
	}
}

func supersampling(module float64) int {
	switch {
	case module < 2.5:
		return 4
	case module < 5:
		return 3
	}
	return 2
}

// generate makes one image: its bytes, extension and manifest line.
func (s *scene) generate() ([]byte, string, manifestLine, error) {
	w, h := s.imageSize()
	cont := s.container(max(w, h))
	s.lowQuality = cont.Quality > 0 && cont.Quality < 40
	img, _, err := s.photos.backdrop(s.rng, w, h)
	if err != nil {
		return nil, "", manifestLine{}, err
	}
	line := manifestLine{Verdict: "allow", Codes: []manifestCode{}, Bins: map[string]string{}}
	first := img
	if cont.Kind == "gif-frame2" {
		first = cloneRGBA(img)
	}
	var codes []*placed
	negative := "none"
	if s.chance(0.5) {
		n := pick(s.rng, []int{1, 1, 1, 1, 1, 1, 2, 2, 3, 4})
		var taken []image.Rectangle
		for i := 0; i < n; i++ {
			c, err := s.placeCode(img, taken, n)
			if err != nil {
				return nil, "", manifestLine{}, err
			}
			if c == nil {
				break
			}
			taken = append(taken, c.bbox)
			codes = append(codes, c)
		}
	}
	for _, c := range codes {
		render(img, c.lab, c.pl, supersampling(c.module))
	}
	for _, c := range codes {
		s.effects(img, c)
	}
	if len(codes) == 0 {
		negative = s.negatives(img)
	}
	data, err := encode(cont, img, first, s.tmp)
	if err != nil {
		return nil, "", manifestLine{}, err
	}
	line.Tags, line.Bins = s.label(&line, codes, cont, w, h, negative)
	return data, cont.ext(), line, nil
}

func cloneRGBA(img *image.RGBA) *image.RGBA {
	c := image.NewRGBA(img.Bounds())
	copy(c.Pix, img.Pix)
	return c
}

// negatives draws nothing (a plain photo) or one to three hard negatives.
func (s *scene) negatives(img *image.RGBA) string {
	if s.chance(0.45) {
		return "plain"
	}
	kind := pick(s.rng, negativeKinds)
	b := img.Bounds()
	var taken []image.Rectangle
	for i, n := 0, 1+s.rng.IntN(3); i < n; i++ {
		dark, light, _, _ := s.colours(s.chance(0.15))
		pat, sym := newNegative(s.rng, kind, dark, light)
		x0, y0, x1, y1 := pat.extent()
		extent := math.Max(x1-x0, y1-y0)
		module := math.Min(s.uniform(1.5, 10), float64(min(b.Dx(), b.Dy()))*0.8/extent)
		p := s.poseFor(sym, module, false, map[string]bool{"perspective": s.chance(0.3)})
		for try := 0; try < placeTries; try++ {
			p.CX, p.CY = s.uniform(0, float64(b.Dx())), s.uniform(0, float64(b.Dy()))
			pl := newPlacement(p, sym, math.Max(-x0+float64(sym.W)/2, x1-float64(sym.W)/2))
			ox0, oy0, ox1, oy1 := outline(pat, pl)
			r := pixelBox(ox0, oy0, ox1, oy1, 4, b)
			if ox0 < 0 || oy0 < 0 || ox1 > float64(b.Dx()) || oy1 > float64(b.Dy()) || overlapsAny(r, taken) {
				continue
			}
			taken = append(taken, r)
			render(img, pat, pl, supersampling(module))
			if s.chance(0.3) {
				gaussianBlur(img, r, s.uniform(0.3, 1.5))
			}
			break
		}
	}
	return kind
}

func overlapsAny(r image.Rectangle, rs []image.Rectangle) bool {
	for _, t := range rs {
		if r.Overlaps(t) {
			return true
		}
	}
	return false
}

// label writes the manifest's codes, verdict, corpus-style tags and bins.
func (s *scene) label(line *manifestLine, codes []*placed, cont container, w, h int, negative string) ([]string, map[string]string) {
	var tags []string
	if len(codes) == 0 {
		tags = append(tags, "clean")
		if negative != "plain" {
			tags = append(tags, "hard-negative")
		}
	}
	if len(codes) > 1 {
		tags = append(tags, fmt.Sprintf("multi:%d", len(codes)))
	}
	for _, c := range codes {
		line.Codes = append(line.Codes, manifestCode{Payload: c.pay.Text, Symbology: c.sym.Symbology,
			Category: c.pay.Category, Bins: codeBins(c)})
		if a := actions[c.pay.Category]; severity[a] > severity[line.Verdict] {
			line.Verdict = a
		}
		tags = append(tags, codeTags(c)...)
	}
	tags = append(tags, cont.tags()...)
	long := max(w, h)
	bins := map[string]string{
		"container": cont.Kind,
		"quality":   cont.qualityBin(),
		"codes":     strconv.Itoa(len(codes)),
		"photo":     photoBin(long),
		"negative":  negative,
	}
	return tags, bins
}

func photoBin(long int) string {
	switch {
	case long < 800:
		return "<800"
	case long < 1600:
		return "800-1600"
	case long < 3000:
		return "1600-3000"
	}
	return ">=3000"
}

// glare lights a code unevenly, as the light of a shop or a window does on
// glossy paper, film or a screen, in one of three ways:
//   - a specular spot (an ellipse towards white);
//   - uneven light: a shadow falling off across the code with a broad
//     wash of light on its other side;
//   - a streak: a long thin highlight, along the cylinder's axis on a
//     curved code (a bottle's highlight), any way on a flat one.
//
// Strengths stop short of white (at most 0.9 of the way), and on
// low-contrast codes short of 0.5, so the modules under the light keep a
// difference a reader can find: the code stays readable in principle.
func (s *scene) glare(img *image.RGBA, c *placed) {
	ps := c.pl.corners(c.sym)
	side := math.Sqrt(float64((c.bbox.Dx()) * c.bbox.Dy()))
	t1, t2 := s.uniform(0.2, 0.8), s.uniform(0.2, 0.8)
	top := ps[0] + complex(t1, 0)*(ps[1]-ps[0])
	bot := ps[3] + complex(t1, 0)*(ps[2]-ps[3])
	at := top + complex(t2, 0)*(bot-top)
	peak := 0.9
	if c.contrast < 0.4 {
		peak = 0.5
	}
	strength := s.uniform(0.45, 1) * peak
	kind := s.rng.IntN(3)
	if c.pose.Arc > 0 {
		kind = 2
	}
	switch kind {
	case 0:
		addGlare(img, real(at), imag(at), side*s.uniform(0.06, 0.18), side*s.uniform(0.04, 0.12), s.rng.Float64()*math.Pi, strength)
	case 1:
		centre := (ps[0] + ps[1] + ps[2] + ps[3]) / 4
		dir := s.rng.Float64() * 2 * math.Pi
		addShadow(img, c.bbox, real(centre), imag(centre), dir, s.uniform(0.35, 0.65), side)
		// the wash sits on the lit side, away from the shadow
		lit := centre - complex(math.Cos(dir), math.Sin(dir))*complex(side*s.uniform(0.1, 0.35), 0)
		addGlare(img, real(lit), imag(lit), side*s.uniform(0.25, 0.45), side*s.uniform(0.2, 0.35), s.rng.Float64()*math.Pi, strength)
	default:
		angle := s.rng.Float64() * math.Pi
		if c.pose.Arc > 0 { // along the label's columns: the cylinder's axis
			axis := (ps[3] + ps[2] - ps[0] - ps[1]) / 2
			angle = math.Atan2(imag(axis), real(axis))
		}
		addGlare(img, real(at), imag(at), side*s.uniform(0.35, 0.7), side*s.uniform(0.03, 0.08), angle, strength)
	}
}
