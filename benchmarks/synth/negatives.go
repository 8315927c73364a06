package main

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// negativeKinds are the code-like shapes drawn on clean photos. None is
// a code, and none holds a consistent finder triplet, finder pair or
// Data Matrix L: a reader that reports one there is wrong.
var negativeKinds = []string{"grid", "checkerboard", "text", "stripes", "finders", "dots"}

// pattern is a hard negative: a cell grid of w x h modules with a
// colour per cell, drawn on a plate of the light colour.
type pattern struct {
	ext         box
	cell        func(u, v float64) (dark, ok bool)
	overlays    []mask
	dark, light rgb
}

func (p *pattern) extent() (x0, y0, x1, y1 float64) { return p.ext.X0, p.ext.Y0, p.ext.X1, p.ext.Y1 }

func (p *pattern) sample(u, v float64) (rgb, bool) {
	if !p.ext.has(u, v) {
		return rgb{}, false
	}
	for _, m := range p.overlays {
		if c, ok := m.sample(u, v); ok {
			return c, true
		}
	}
	if p.cell != nil {
		if dark, ok := p.cell(u, v); ok && dark {
			return p.dark, true
		}
	}
	return p.light, true
}

// newNegative builds one hard negative of a kind; its symbol-like size
// (w x h modules) centres the placement like a code's.
func newNegative(rng *rand.Rand, kind string, dark, light rgb) (*pattern, *symbol) {
	p := &pattern{dark: dark, light: light}
	var w, h int
	switch kind {
	case "grid":
		w, h = 20+rng.IntN(40), 20+rng.IntN(40)
		step := 3 + rng.IntN(5)
		p.cell = func(u, v float64) (bool, bool) {
			return int(math.Floor(u))%step == 0 || int(math.Floor(v))%step == 0, true
		}
	case "checkerboard":
		n := 5 + rng.IntN(12)
		w, h = n, n+rng.IntN(3)
		p.cell = func(u, v float64) (bool, bool) {
			return (int(math.Floor(u))+int(math.Floor(v)))%2 == 0, true
		}
	case "text":
		lines := 3 + rng.IntN(6)
		w, h = 0, lines*16
		for i := 0; i < lines; i++ {
			s := productLine(rng)
			m := textBox(s, 1, float64(1+16*i), 13, dark)
			p.overlays = append(p.overlays, m)
			w = max(w, int(m.at.X1)+1)
		}
	case "stripes":
		// bars of random widths: no start guard, no parity, no code
		var bars []bool
		for len(bars) < 60+rng.IntN(60) {
			n := 1 + rng.IntN(4)
			on := len(bars) == 0 || !bars[len(bars)-1]
			for i := 0; i < n; i++ {
				bars = append(bars, on)
			}
		}
		w, h = len(bars), 30+rng.IntN(40)
		p.cell = func(u, v float64) (bool, bool) {
			x := int(math.Floor(u))
			return x >= 0 && x < len(bars) && bars[x], true
		}
	case "finders":
		// one or two concentric-square targets of clearly different
		// sizes and bullseyes: lookalikes, never a consistent pair
		w, h = 40+rng.IntN(20), 30+rng.IntN(20)
		type target struct {
			x, y, size float64
			round      bool
		}
		var ts []target
		big := 7 + rng.Float64()*3
		ts = append(ts, target{4 + rng.Float64()*4, 4 + rng.Float64()*4, big, false})
		if rng.IntN(2) == 0 {
			ts = append(ts, target{float64(w) - 4 - big*0.5, float64(h) - 4 - big*0.5, big * 0.5, false})
		}
		ts = append(ts, target{float64(w) * 0.6, float64(h) * 0.2, 6 + rng.Float64()*4, true})
		p.cell = func(u, v float64) (bool, bool) {
			for _, t := range ts {
				dx, dy := (u-t.x)/t.size*7, (v-t.y)/t.size*7
				var r float64
				if t.round {
					r = math.Hypot(dx, dy)
				} else {
					r = math.Max(math.Abs(dx), math.Abs(dy))
				}
				if r < 3.5 {
					return r < 1.5 || r >= 2.5, true
				}
			}
			return false, true
		}
		p.overlays = append(p.overlays, textBox(fmt.Sprintf("NO.%d", 100+rng.IntN(900)), float64(w)*0.35, float64(h)*0.7, 7, dark))
	case "dots":
		// a field of random modules with no finder, timing or L edge
		w, h = 15+rng.IntN(30), 15+rng.IntN(30)
		cells := make([]bool, w*h)
		for i := range cells {
			cells[i] = rng.IntN(2) == 0
		}
		p.cell = func(u, v float64) (bool, bool) {
			x, y := int(math.Floor(u)), int(math.Floor(v))
			if x < 0 || y < 0 || x >= w || y >= h {
				return false, true
			}
			return cells[y*w+x], true
		}
	}
	p.ext = box{-2, -2, float64(w) + 2, float64(h) + 2}
	return p, &symbol{W: w, H: h}
}

// productLine is a line of listing-style text with sizes, prices and
// model numbers: digits, but no channel.
func productLine(rng *rand.Rand) string {
	return pick(rng, []func() string{
		func() string { return fmt.Sprintf("Size %d x %d cm", 10+rng.IntN(90), 10+rng.IntN(90)) },
		func() string { return fmt.Sprintf("Price: %d.%02d", 10+rng.IntN(990), rng.IntN(100)) },
		func() string { return fmt.Sprintf("Model VX-%04d", rng.IntN(10000)) },
		func() string {
			return fmt.Sprintf("Net wt %dg  Exp %02d/%d", 50*(1+rng.IntN(20)), 1+rng.IntN(12), 2026+rng.IntN(4))
		},
		func() string { return fmt.Sprintf("Order %s", randString(rng, digits, 10)) },
		func() string { return "100% cotton - machine wash" },
		func() string { return fmt.Sprintf("Battery %dmAh", 1000*(1+rng.IntN(9))) },
	})()
}
