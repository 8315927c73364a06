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
}

func fixed(s ...string) func(*rand.Rand) string {
	return func(r *rand.Rand) string { return s[r.IntN(len(s))] }
}

var sepEmoji = []string{"🔥", "✨", "🌸", "💖", "🍀", "⭐", "🎀", "🌈", "🍓", "💎", "🌙", "🐾"}

var zeroWidth = []string{"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}

var wraps = []wrap{
	{"newline-each", true, fixed("\n")},
	{"newline-break", false, fixed("\n", "\r\n")},
	{"indent", false, fixed("\n  ", "\n    ", "\n\t", "\n　　", "\n        ")},
	{"sep-space", true, fixed(" ")},
	{"sep-space-some", false, fixed(" ", "  ")},
	{"sep-dot", true, fixed(".")},
	{"sep-dash", false, fixed("-")},
	{"sep-slash", true, fixed("/")},
	{"sep-dunhao", true, fixed("、")},
	{"sep-tilde", false, fixed("~", "～")},
	{"sep-middot", true, fixed("·", "・")},
	{"sep-emoji", false, fixed(sepEmoji...)},
	{"sep-emoji-each", true, fixed(sepEmoji...)},
	{"zero-width", false, fixed(zeroWidth...)},
	{"zero-width-each", true, fixed(zeroWidth...)},
	{"sep-mixed", false, fixed(".", "-", "、", "~", "·", "🔥", "\u200b")},
}

// pickWrap draws a wrap, or none (nil) about half the time. Spaces at a
// few places split only numbers (138 1234 5678): in a name they leave two
// words that could each be read as the identifier, so letters are spaced
// one by one or not at all.
func pickWrap(r *rand.Rand, canon string) *wrap {
	if r.IntN(100) < 45 {
		return nil
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
	for i, g := range gs {
		if i > 0 && w != nil && (w.every || cuts[i]) {
			b.WriteString(w.sep(r))
		}
		b.WriteString(g.shown)
	}
	return b.String()
}
