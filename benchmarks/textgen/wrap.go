package main

import (
	"math/rand/v2"
	"strings"
)

// A wrap inserts characters a buyer skips when typing the identifier: line
// breaks, indentation, separators, emoji, invisible characters.
type wrap struct {
	name  string
	every bool // between every pair of characters, not at a few places
	sep   func(r *rand.Rand) string
	box   bool // brackets around each piece; sep joins the boxes
}

func fixed(s ...string) func(*rand.Rand) string {
	return func(r *rand.Rand) string { return s[r.IntN(len(s))] }
}

var sepEmoji = []string{"🔥", "✨", "🌸", "💖", "🍀", "⭐", "🎀", "🌈", "🍓", "💎", "🌙", "🐾"}

var zeroWidth = []string{"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}

var wraps = []wrap{
	{"newline-each", true, fixed("\n"), false},
	{"newline-break", false, fixed("\n", "\r\n"), false},
	{"indent", false, fixed("\n  ", "\n    ", "\n\t", "\n　　", "\n        "), false},
	{"sep-space", true, fixed(" "), false},
	{"sep-space-some", false, fixed(" ", "  "), false},
	{"sep-dot", true, fixed("."), false},
	{"sep-dash", false, fixed("-"), false},
	{"sep-slash", true, fixed("/"), false},
	{"sep-dunhao", true, fixed("、"), false},
	{"sep-tilde", false, fixed("~", "～"), false},
	{"sep-middot", true, fixed("·", "・"), false},
	{"sep-emoji", false, fixed(sepEmoji...), false},
	{"sep-emoji-each", true, fixed(sepEmoji...), false},
	{"zero-width", false, fixed(zeroWidth...), false},
	{"zero-width-each", true, fixed(zeroWidth...), false},
	{"sep-mixed", false, fixed(".", "-", "、", "~", "·", "🔥", "\u200b"), false},
}

// pickWrap draws a wrap, or none (nil) about half the time. Spaces at a
// few places split only numbers (138 1234 5678): in a name they leave two
// words that could each be read as the identifier, so letters are spaced
// one by one or not at all.
func pickWrap(r *rand.Rand, canon string) *wrap {
	if r.IntN(100) < 45 {
		return nil
	}
	digitsOnly := strings.Trim(canon, "0123456789") == ""
	// Round 3's wraps: about a third of a number's wraps, one in ten of a
	// name's (boxed one by one).
	switch n := r.IntN(100); {
	case digitsOnly && n < 28:
		return &numberWraps[r.IntN(len(numberWraps))]
	case digitsOnly && n < 34, !digitsOnly && n < 10:
		return &boxWraps[r.IntN(len(boxWraps))]
	}
	w := &wraps[r.IntN(len(wraps))]
	if w.name == "sep-space-some" && strings.ContainsAny(canon, "abcdefghijklmnopqrstuvwxyz") {
		w = findWrap("sep-space")
	}
	return w
}

func findWrap(name string) *wrap {
	for i := range wraps {
		if wraps[i].name == name {
			return &wraps[i]
		}
	}
	panic("unknown wrap " + name)
}

// apply joins the glyphs with the wrap's separators. Places are chosen at
// random (for a few) or at groups (a phone number's 3-4-4 when given).
func (w *wrap) apply(r *rand.Rand, gs []glyph, groups []int) string {
	var b strings.Builder
	cuts := map[int]bool{}
	if w != nil && !w.every && len(gs) > 1 {
		if len(groups) > 0 && r.IntN(2) == 0 && w.name != "newline-break" && w.name != "indent" {
			at := 0
			for _, g := range groups[:len(groups)-1] {
				at += g
				cuts[at] = true
			}
		} else {
			n := 1
			if w.name != "newline-break" && w.name != "indent" {
				n += r.IntN(3)
			}
			for i := 0; i < n; i++ {
				cuts[1+r.IntN(len(gs)-1)] = true
			}
		}
	}
	if w != nil && w.box {
		return w.boxed(r, gs, cuts)
	}
	for i, g := range gs {
		if i > 0 && w != nil && (w.every || cuts[i]) {
			b.WriteString(w.sep(r))
		}
		b.WriteString(g.shown)
	}
	return b.String()
}

// boxed puts each piece between brackets, one kind of bracket and one
// joiner for the whole identifier: [1][3][8], (138) 1234 5678, 【a】【b】;
// a third of the time a grouped number boxes only its first group, as in
// (020)38527716.
func (w *wrap) boxed(r *rand.Rand, gs []glyph, cuts map[int]bool) string {
	var b strings.Builder
	bx := pick(r, boxes)
	join := w.sep(r)
	firstOnly := !w.every && r.IntN(3) == 0
	open := true
	for i, g := range gs {
		if i > 0 && (w.every || cuts[i]) {
			if open {
				b.WriteString(bx[1])
			}
			b.WriteString(join)
			open = !firstOnly
			if open {
				b.WriteString(bx[0])
			}
		} else if i == 0 {
			b.WriteString(bx[0])
		}
		b.WriteString(g.shown)
	}
	if open {
		b.WriteString(bx[1])
	}
	return b.String()
}
