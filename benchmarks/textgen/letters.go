package main

import (
	"math/rand/v2"
	"strings"
	"unicode"
)

// Letter readings of text round 3: enclosed, squared and negative-circled
// letters (the emoji alphabets), more mathematical alphabets, and every
// letter from another alphabet. Each renders a lowercase ASCII letter as a
// letter a reader reads back as that letter, never as a digit.

// offsetLetter renders c from an alphabet starting at base (its 'a' or 'A').
func offsetLetter(base rune) func(*rand.Rand, rune) string {
	return func(_ *rand.Rand, c rune) string { return string(base + c - 'a') }
}

// caseMix renders upper case a third of the time, from upper's alphabet.
func caseMix(upper, lower func(*rand.Rand, rune) string) func(*rand.Rand, rune) string {
	return func(r *rand.Rand, c rune) string {
		if r.IntN(3) == 0 {
			return upper(r, c)
		}
		return lower(r, c)
	}
}

// round3LetterStyles are the letter styles added in text round 3 (tag
// read:letters).
var round3LetterStyles = []letterStyle{
	{"circled-capital", offsetLetter(0x24B6)},                                                      // Ⓐ
	{"circled-mixed", caseMix(offsetLetter(0x24B6), offsetLetter(0x24D0))},                         // Ⓐ ⓐ
	{"paren-letter", caseMix(offsetLetter(0x1F110), offsetLetter(0x249C))},                         // 🄐 ⒜
	{"squared-letter", offsetLetter(0x1F130)},                                                      // 🄰
	{"neg-squared-letter", offsetLetter(0x1F170)},                                                  // 🅰
	{"neg-circled-letter", offsetLetter(0x1F150)},                                                  // 🅐
	{"math-script", mathLetters(0, 0x1D4B6, map[rune]rune{'e': 0x212F, 'g': 0x210A, 'o': 0x2134})}, // 𝒶
	{"math-bold-script", mathLetters(0x1D4D0, 0x1D4EA, nil)},                                       // 𝓪
	{"math-fraktur", mathLetters(0, 0x1D51E, nil)},                                                 // 𝔞
	{"math-bold-fraktur", mathLetters(0x1D56C, 0x1D586, nil)},                                      // 𝖆
	{"math-sans-italic", mathLetters(0x1D608, 0x1D622, nil)},                                       // 𝘢
	{"math-sans-bold-italic", mathLetters(0x1D63C, 0x1D656, nil)},                                  // 𝙖
}

// anyLetter takes each letter from another style, round 2's and round 3's.
func anyLetter(r *rand.Rand, c rune) string {
	if r.IntN(5) == 0 {
		return string(c)
	}
	if r.IntN(2) == 0 {
		return pick(r, round3LetterStyles).render(r, c)
	}
	return pick(r, round2LetterStyles).render(r, c)
}

// letterStyles are all the styles an identifier's letters may be drawn in.
var letterStyles = append(append(append([]letterStyle{}, round2LetterStyles...), round3LetterStyles...), letterStyle{"letters-mixed", anyLetter})

func isRound3Letters(name string) bool {
	if name == "letters-mixed" {
		return true
	}
	for _, s := range round3LetterStyles {
		if s.name == name {
			return true
		}
	}
	return false
}

// enclosedLetters reads the enclosed letters NFKC leaves alone (negative
// squared and negative circled), for the doubt check's folding.
func enclosedLetter(c rune) (rune, bool) {
	for _, base := range []rune{0x1F170, 0x1F150} {
		if c >= base && c < base+26 {
			return 'a' + c - base, true
		}
	}
	return 0, false
}

// styledWord renders an ASCII word in a letter style, keeping its case
// where the style has both.
func styledWord(r *rand.Rand, s letterStyle, w string) string {
	var b strings.Builder
	for _, c := range w {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			b.WriteString(s.render(r, unicode.ToLower(c)))
		} else {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// letterNegatives: brand names written in the emoji and mathematical
// alphabets as decoration, with no channel.
var letterNegatives = []negative{
	func(r *rand.Rand, en bool) (string, string) {
		s := pick(r, round3LetterStyles)
		brand := styledWord(r, s, pick(r, []string{"nike", "adidas", "chanel", "apple", "lego", "sony", "gucci", "prada", "dior", "zara", "uniqlo", "muji", "puma", "fila"}))
		if en {
			return brand + pick(r, []string{" style", " inspired", " logo print"}), "neg:styled-brand"
		}
		return brand + pick(r, []string{"同款", " 正品", "风格", " 联名款"}), "neg:styled-brand"
	},
}

// styledKeyword writes an ASCII keyword (WeChat, QQ, TG, Tel) in one of
// round 3's letter styles: 🆆🅴🅲🅷🅰🆃, ⓠⓠ.
func styledKeyword(r *rand.Rand, k keyword) keyword {
	s := pick(r, round3LetterStyles)
	k.text = styledWord(r, s, k.text)
	k.disguise = "styled-letters"
	return k
}
