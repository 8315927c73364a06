package main

import (
	"math/rand/v2"
	"strings"
)

// A glyph is one character of an identifier as the text shows it, with the
// canonical character a buyer would type for it ("𝟏" shows, '1' is typed).
type glyph struct {
	shown string
	canon rune
}

// digitStyle renders decimal digits; every style here is read as the same
// digit by a person, so the identifier never depends on the style.
type digitStyle struct {
	name   string
	render func(r *rand.Rand, d int) string
}

func offsetDigit(base rune) func(*rand.Rand, int) string {
	return func(_ *rand.Rand, d int) string { return string(base + rune(d)) }
}

// runeTable renders digit d as table[d]; an empty entry falls back to ASCII
// (no parenthesised or dingbat zero exists).
func runeTable(table []string) func(*rand.Rand, int) string {
	return func(_ *rand.Rand, d int) string {
		if table[d] == "" {
			return string(rune('0' + d))
		}
		return table[d]
	}
}

var (
	cnDigits     = []string{"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	cnZero       = []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	cnFormal     = []string{"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"}
	cnSpoken     = []string{"洞", "幺", "两", "三", "四", "五", "六", "拐", "八", "九"}
	superDigits  = []string{"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"}
	circled      = []string{"⓪", "①", "②", "③", "④", "⑤", "⑥", "⑦", "⑧", "⑨"}
	negCircled   = []string{"⓿", "❶", "❷", "❸", "❹", "❺", "❻", "❼", "❽", "❾"}
	parenDigits  = []string{"", "⑴", "⑵", "⑶", "⑷", "⑸", "⑹", "⑺", "⑻", "⑼"}
	dingbatSans  = []string{"", "➀", "➁", "➂", "➃", "➄", "➅", "➆", "➇", "➈"}
	doubleCircle = []string{"", "⓵", "⓶", "⓷", "⓸", "⓹", "⓺", "⓻", "⓼", "⓽"}
)

// spokenDigit mixes the digits read aloud (幺 两 拐 洞) with ordinary
// Chinese numerals, the way a number is dictated.
func spokenDigit(r *rand.Rand, d int) string {
	if cnSpoken[d] != cnDigits[d] && r.IntN(4) > 0 {
		return cnSpoken[d]
	}
	if d == 0 && r.IntN(2) == 0 {
		return "零"
	}
	return cnDigits[d]
}

// round2DigitStyles are the digit styles of text round 2.
var round2DigitStyles = []digitStyle{
	{"fullwidth", offsetDigit('０')},
	{"math-bold", offsetDigit(0x1D7CE)},
	{"math-double", offsetDigit(0x1D7D8)},
	{"math-sans", offsetDigit(0x1D7E2)},
	{"math-sans-bold", offsetDigit(0x1D7EC)},
	{"math-mono", offsetDigit(0x1D7F6)},
	{"circled", runeTable(circled)},
	{"neg-circled", runeTable(negCircled)},
	{"double-circled", runeTable(doubleCircle)},
	{"dingbat", runeTable(dingbatSans)},
	{"paren", runeTable(parenDigits)},
	{"keycap", func(_ *rand.Rand, d int) string { return string(rune('0'+d)) + "\uFE0F\u20E3" }},
	{"superscript", runeTable(superDigits)},
	{"subscript", offsetDigit('₀')},
	{"cn-numeral", func(r *rand.Rand, d int) string {
		if d == 0 && r.IntN(2) == 0 {
			return cnZero[d]
		}
		return cnDigits[d]
	}},
	{"cn-formal", runeTable(cnFormal)},
	{"cn-spoken", spokenDigit},
}

// mixedDigit draws each digit from a different style: ASCII, full-width and
// Chinese numerals side by side.
func mixedDigit(r *rand.Rand, d int) string {
	switch r.IntN(5) {
	case 0:
		return string(rune('0' + d))
	case 1:
		return string('０' + rune(d))
	case 2:
		return cnDigits[d]
	case 3:
		return spokenDigit(r, d)
	default:
		return round2DigitStyles[r.IntN(len(round2DigitStyles))].render(r, d)
	}
}

// letterStyle renders a lowercase ASCII letter.
type letterStyle struct {
	name   string
	render func(r *rand.Rand, c rune) string
}

func mathLetters(upper, lower rune, holes map[rune]rune) func(*rand.Rand, rune) string {
	return func(r *rand.Rand, c rune) string {
		if upper != 0 && r.IntN(3) == 0 {
			return string(upper + c - 'a')
		}
		if h, ok := holes[c]; ok {
			return string(h)
		}
		return string(lower + c - 'a')
	}
}

// smallCaps has no small capital x; it stays a plain x, as sellers write it.
var smallCaps = map[rune]string{
	'a': "ᴀ", 'b': "ʙ", 'c': "ᴄ", 'd': "ᴅ", 'e': "ᴇ", 'f': "ꜰ", 'g': "ɢ", 'h': "ʜ", 'i': "ɪ",
	'j': "ᴊ", 'k': "ᴋ", 'l': "ʟ", 'm': "ᴍ", 'n': "ɴ", 'o': "ᴏ", 'p': "ᴘ", 'q': "ꞯ", 'r': "ʀ",
	's': "ꜱ", 't': "ᴛ", 'u': "ᴜ", 'v': "ᴠ", 'w': "ᴡ", 'y': "ʏ", 'z': "ᴢ",
}

// homoglyphs are Cyrillic and Greek letters drawn like Latin ones.
var homoglyphs = map[rune][]string{
	'a': {"а", "α"}, 'c': {"с"}, 'd': {"ԁ"}, 'e': {"е"}, 'h': {"һ"}, 'i': {"і"}, 'j': {"ј"},
	'o': {"о", "ο"}, 'p': {"р"}, 'q': {"ԛ"}, 's': {"ѕ"}, 'w': {"ԝ"}, 'x': {"х"}, 'y': {"у"},
	'v': {"ν"}, 'k': {"κ"},
}

var upperHomoglyphs = map[rune]string{
	'a': "А", 'b': "В", 'c': "С", 'e': "Е", 'h': "Н", 'k': "К", 'm': "М", 'o': "О", 'p': "Р",
	't': "Т", 'x': "Х", 'y': "Ү",
}

// round2LetterStyles are the letter styles of text round 2.
var round2LetterStyles = []letterStyle{
	{"mixedcase", func(r *rand.Rand, c rune) string {
		if r.IntN(2) == 0 {
			return strings.ToUpper(string(c))
		}
		return string(c)
	}},
	{"uppercase", func(_ *rand.Rand, c rune) string { return strings.ToUpper(string(c)) }},
	{"fullwidth", func(r *rand.Rand, c rune) string {
		if r.IntN(4) == 0 {
			return string('Ａ' + c - 'a')
		}
		return string('ａ' + c - 'a')
	}},
	{"math-bold", mathLetters(0x1D400, 0x1D41A, nil)},
	{"math-italic", mathLetters(0, 0x1D44E, map[rune]rune{'h': 0x210E})},
	{"math-bold-italic", mathLetters(0, 0x1D482, nil)},
	{"math-sans", mathLetters(0x1D5A0, 0x1D5BA, nil)},
	{"math-sans-bold", mathLetters(0x1D5D4, 0x1D5EE, nil)},
	{"math-mono", mathLetters(0x1D670, 0x1D68A, nil)},
	{"math-double", mathLetters(0, 0x1D552, nil)},
	{"circled-letter", func(_ *rand.Rand, c rune) string { return string(0x24D0 + c - 'a') }},
	{"small-caps", func(_ *rand.Rand, c rune) string {
		if s, ok := smallCaps[c]; ok {
			return s
		}
		return string(c)
	}},
	{"homoglyph", func(r *rand.Rand, c rune) string {
		if r.IntN(3) == 0 {
			if s, ok := upperHomoglyphs[c]; ok {
				return s
			}
		}
		if alts, ok := homoglyphs[c]; ok && r.IntN(3) > 0 {
			return alts[r.IntN(len(alts))]
		}
		return string(c)
	}},
}

// mathDigitFor pairs a mathematical letter style with its own digits, as
// text generators that produce "𝐦𝐚𝐩𝐥𝐞𝟎𝟏" do.
var mathDigitFor = map[string]string{
	"math-bold": "math-bold", "math-bold-italic": "math-bold", "math-sans": "math-sans",
	"math-sans-bold": "math-sans-bold", "math-mono": "math-mono", "math-double": "math-double",
	"fullwidth": "fullwidth",
}

func findDigitStyle(name string) digitStyle {
	for _, s := range digitStyles {
		if s.name == name {
			return s
		}
	}
	panic("unknown digit style " + name)
}

// idStyle is how one identifier is drawn: its letters, its digits, its
// '_' and '-'.
type idStyle struct {
	letters *letterStyle
	digits  *digitStyle
	mixed   bool // digits drawn from several styles
	wideSym bool // full-width '_' and '-'
}

// tags names the disguises a style uses, for the per-tag report.
func (s idStyle) tags(canon string) []string {
	var tags []string
	if s.letters != nil && strings.ContainsAny(canon, "abcdefghijklmnopqrstuvwxyz") {
		tags = append(tags, "disguise:"+s.letters.name)
		if isRound3Letters(s.letters.name) {
			tags = append(tags, "read:letters")
		}
	}
	if strings.ContainsAny(canon, "0123456789") {
		switch {
		case s.mixed:
			tags = append(tags, "disguise:digits-mixed")
		case s.digits != nil:
			tags = append(tags, "disguise:"+s.digits.name)
			if isRound3Digits(s.digits.name) {
				tags = append(tags, "read:digits")
			}
		}
	}
	return tags
}

// pickStyle draws how an identifier is drawn; plain is one outcome among many.
func pickStyle(r *rand.Rand, allowLetters bool) idStyle {
	var s idStyle
	if allowLetters && r.IntN(100) < 55 {
		s.letters = &letterStyles[r.IntN(len(letterStyles))]
	}
	switch n := r.IntN(100); {
	case n < 30:
	case n < 40:
		s.mixed = true
	default:
		if s.letters != nil && r.IntN(2) == 0 {
			if d, ok := mathDigitFor[s.letters.name]; ok {
				ds := findDigitStyle(d)
				s.digits = &ds
				break
			}
		}
		ds := digitStyles[r.IntN(len(digitStyles))]
		if ds.name == "nd-script" && r.IntN(4) > 0 { // one script for the whole number
			ds.render = offsetDigit(pick(r, ndScripts).zero)
		}
		s.digits = &ds
	}
	s.wideSym = s.letters != nil && s.letters.name == "fullwidth"
	return s
}

// draw renders canon (lowercase ASCII letters, digits, '_' and '-') in style.
func (s idStyle) draw(r *rand.Rand, canon string) []glyph {
	out := make([]glyph, 0, len(canon))
	for _, c := range canon {
		var shown string
		switch {
		case c >= '0' && c <= '9':
			switch {
			case s.mixed:
				shown = mixedDigit(r, int(c-'0'))
			case s.digits != nil:
				shown = s.digits.render(r, int(c-'0'))
			default:
				shown = string(c)
			}
		case c >= 'a' && c <= 'z':
			if s.letters != nil {
				shown = s.letters.render(r, c)
			} else {
				shown = string(c)
			}
		case s.wideSym && c == '_':
			shown = "＿"
		case s.wideSym && c == '-':
			shown = "－"
		default:
			shown = string(c)
		}
		out = append(out, glyph{shown, c})
	}
	return out
}
