package main

import (
	"math/rand/v2"
	"strings"
)

// Digit readings of text round 3: every way a reader still reads a digit,
// beyond the styles of round 2.
var (
	// cnRadio is the full radio/telephone reading (洞幺两三四五六拐八勾),
	// which dictation, the army and telephone operators use; 么 is how 幺 is
	// often typed.
	cnRadio = []string{"洞", "幺", "两", "三", "四", "五", "六", "拐", "八", "勾"}
	// cnFormalTrad are the formal (financial) numerals in traditional
	// characters; 兩 is the traditional 两.
	cnFormalTrad = []string{"零", "壹", "貳", "參", "肆", "伍", "陸", "柒", "捌", "玖"}
	// fullStopDigits: ⒈ is DIGIT ONE FULL STOP; 🄀 is the only zero.
	fullStopDigits = []string{"🄀", "⒈", "⒉", "⒊", "⒋", "⒌", "⒍", "⒎", "⒏", "⒐"}
	// circledIdeographs (㊀) and parenIdeographs (㈠) enclose the numeral
	// characters; neither block has a zero, which stays 〇.
	circledIdeographs = []string{"〇", "㊀", "㊁", "㊂", "㊃", "㊄", "㊅", "㊆", "㊇", "㊈"}
	parenIdeographs   = []string{"〇", "㈠", "㈡", "㈢", "㈣", "㈤", "㈥", "㈦", "㈧", "㈨"}
)

// ndScripts are decimal digits (Unicode Nd) of other scripts, each a run
// of ten from its zero; NFKC leaves them alone, so only their digit value
// reads them.
var ndScripts = []struct {
	name string
	zero rune
}{
	{"arabic-indic", 0x0660}, {"persian", 0x06F0}, {"devanagari", 0x0966}, {"bengali", 0x09E6},
	{"gujarati", 0x0AE6}, {"thai", 0x0E50}, {"lao", 0x0ED0}, {"tibetan", 0x0F20},
	{"myanmar", 0x1040}, {"khmer", 0x17E0}, {"mongolian", 0x1810},
}

// radioDigit reads a digit the radio way, writing 幺 as 么 now and then.
func radioDigit(r *rand.Rand, d int) string {
	if d == 1 && r.IntN(4) == 0 {
		return "么"
	}
	return cnRadio[d]
}

// formalMixedDigit takes each formal numeral from the simplified or the
// traditional set, as a writer switching input methods does.
func formalMixedDigit(r *rand.Rand, d int) string {
	if r.IntN(2) == 0 {
		return cnFormalTrad[d]
	}
	return cnFormal[d]
}

// cnMixedDigit takes each digit from another Chinese register: everyday,
// radio, formal, traditional, enclosed.
func cnMixedDigit(r *rand.Rand, d int) string {
	switch r.IntN(6) {
	case 0:
		return cnDigits[d]
	case 1:
		return radioDigit(r, d)
	case 2:
		return cnFormal[d]
	case 3:
		return cnFormalTrad[d]
	case 4:
		if d == 2 {
			return "兩"
		}
		return cnSpoken[d]
	default:
		return circledIdeographs[d]
	}
}

// anyDigit takes each digit from any style, round 3's included.
func anyDigit(r *rand.Rand, d int) string {
	if r.IntN(5) == 0 {
		return string(rune('0' + d))
	}
	if r.IntN(2) == 0 {
		return pick(r, round3DigitStyles).render(r, d)
	}
	return pick(r, round2DigitStyles).render(r, d)
}

// ndScriptDigit takes each digit from another script; pickStyle usually
// keeps one script for a whole number.
func ndScriptDigit(r *rand.Rand, d int) string {
	return string(pick(r, ndScripts).zero + rune(d))
}

// round3DigitStyles are the digit styles added in text round 3; a case
// using one is tagged read:digits.
var round3DigitStyles = []digitStyle{
	{"cn-radio", radioDigit},
	{"cn-formal-trad", runeTable(cnFormalTrad)},
	{"cn-formal-mixed", formalMixedDigit},
	{"digits-mixed-cn", cnMixedDigit},
	{"full-stop", runeTable(fullStopDigits)},
	{"circled-ideograph", runeTable(circledIdeographs)},
	{"paren-ideograph", runeTable(parenIdeographs)},
	{"nd-script", ndScriptDigit},
	{"nd-script", ndScriptDigit},
}

// digitStyles are all digit styles an identifier may be drawn in.
var digitStyles = append(append(append([]digitStyle{}, round2DigitStyles...), round3DigitStyles...), digitStyle{"digits-mixed-all", anyDigit})

func isRound3Digits(name string) bool {
	if name == "digits-mixed-all" {
		return true
	}
	for _, s := range round3DigitStyles {
		if s.name == name {
			return true
		}
	}
	return false
}

// ndValue reads a digit of the other scripts' runs.
func ndValue(c rune) (int, bool) {
	for _, s := range ndScripts {
		if c >= s.zero && c <= s.zero+9 {
			return int(c - s.zero), true
		}
	}
	return 0, false
}

// Dashes of every width a writer puts between a number's groups: hyphen,
// non-breaking hyphen, figure dash, en dash, em dash, horizontal bar,
// full-width hyphen-minus, minus sign.
var dashes = []string{"-", "‐", "‑", "‒", "–", "—", "―", "－", "−"}

func isDash(c rune) bool {
	for _, d := range dashes {
		if []rune(d)[0] == c {
			return true
		}
	}
	return false
}

// Brackets that box a number's groups or an identifier's characters.
var boxes = [][2]string{{"(", ")"}, {"[", "]"}, {"【", "】"}, {"（", "）"}, {"〔", "〕"}, {"「", "」"}, {"{", "}"}}

// numberWraps only ever split identifiers made of digits: in a WeChat ID an
// '_' or a dash is part of the name.
var numberWraps = []wrap{
	{name: "sep-underscore", sep: fixed("_")},
	{name: "sep-underscore-each", every: true, sep: fixed("_")},
	{name: "sep-dashes", sep: fixed(dashes...)},
	{name: "sep-dash-each", every: true, sep: fixed(dashes[1:]...)},
	{name: "sep-dot-some", sep: fixed(".", "．")},
	{name: "box-groups", box: true, sep: fixed("", "", " ", "-")},
}

// boxWraps enclose each character, letters and digits alike: [1][3][8],
// 【a】【b】.
var boxWraps = []wrap{
	{name: "box-each", every: true, box: true, sep: fixed("", "", " ")},
}

// round3Wrap: is this a wrap of text round 3 (tag read:digits for numbers,
// read:letters for names boxed one by one)?
func round3Wrap(name string) bool {
	for _, ws := range [][]wrap{numberWraps, boxWraps} {
		for _, w := range ws {
			if w.name == name {
				return true
			}
		}
	}
	return false
}

// cnNumber writes n (1–9999) as a Chinese number word, not digit by digit:
// 两百五十, 贰佰捌拾. Listings price things this way; a reader does not
// read it as a string of digits.
func cnNumber(n int, formal bool) string {
	ds, units := cnZero, []string{"", "十", "百", "千"}
	if formal {
		ds, units = cnFormal, []string{"", "拾", "佰", "仟"}
	}
	var b strings.Builder
	zero, started := false, false
	for p := 3; p >= 0; p-- {
		d := n / pow10(p) % 10
		if d == 0 {
			zero = started
			continue
		}
		if zero {
			b.WriteString(ds[0])
			zero = false
		}
		w := ds[d]
		if d == 2 && p >= 2 && !formal {
			w = "两"
		}
		if !(d == 1 && p == 1 && !started && !formal) { // 十五, not 一十五
			b.WriteString(w)
		}
		b.WriteString(units[p])
		started = true
	}
	return b.String()
}

func pow10(p int) int {
	n := 1
	for ; p > 0; p-- {
		n *= 10
	}
	return n
}

// styledNumber renders an ASCII number in one digit style.
func styledNumber(r *rand.Rand, s digitStyle, n string) string {
	var b strings.Builder
	for _, c := range n {
		if c >= '0' && c <= '9' {
			b.WriteString(s.render(r, int(c-'0')))
		} else {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// digitNegatives are listing text written in round 3's digit forms that
// holds no identifier: prices, model numbers, ranges with wide dashes,
// numbered lists, number words, and ordinary words made of radio digits.
var digitNegatives = []negative{
	func(r *rand.Rand, en bool) (string, string) { // prices and model numbers in styled digits
		s := digitStyles[r.IntN(len(digitStyles))]
		price := styledNumber(r, s, itoaInt(9+r.IntN(990)))
		model := string(rune('A'+r.IntN(26))) + string(rune('A'+r.IntN(26))) + pick(r, dashes) + styledNumber(r, s, itoaInt(100+r.IntN(900)))
		if en {
			return pick(r, []string{"price $" + price, "model " + model}), "neg:styled-digits"
		}
		return pick(r, []string{"售价" + price + "元", "¥" + price, "型号 " + model, "规格" + model}), "neg:styled-digits"
	},
	func(r *rand.Rand, en bool) (string, string) { // ranges and dates with dashes of every width
		d := pick(r, dashes)
		if en {
			return pick(r, []string{"ships in " + itoaInt(2+r.IntN(3)) + d + itoaInt(5+r.IntN(4)) + " days", "fits " + itoaInt(150+r.IntN(10)) + d + itoaInt(170+r.IntN(20)) + " cm"}), "neg:dash-range"
		}
		y := itoaInt(year(r))
		return pick(r, []string{"身高" + itoaInt(150+r.IntN(10)) + d + itoaInt(170+r.IntN(20)) + "cm", itoaInt(2+r.IntN(3)) + d + itoaInt(5+r.IntN(4)) + "天发货", y + d + pad2(1+r.IntN(12)) + d + pad2(1+r.IntN(28)) + "生产", "适合" + itoaInt(3+r.IntN(5)) + d + itoaInt(10+r.IntN(5)) + "岁"}), "neg:dash-range"
	},
	func(r *rand.Rand, en bool) (string, string) { // a list numbered with enclosed digits
		st := findDigitStyle(pick(r, []string{"circled", "paren", "full-stop", "neg-circled", "circled-ideograph"}))
		items := []string{"黑色", "白色", "灰色", "蓝色"}
		if en {
			items = []string{"black", "white", "grey", "blue"}
		}
		var b strings.Builder
		for i, it := range items[:2+r.IntN(3)] {
			if i > 0 {
				b.WriteString(" ")
			}
			b.WriteString(st.render(r, i+1))
			b.WriteString(it)
		}
		return b.String(), "neg:numbered-list"
	},
	func(r *rand.Rand, en bool) (string, string) { // number words, formal and everyday
		if r.IntN(2) == 0 {
			return "售价" + cnNumber(100+r.IntN(9900), true) + "元整", "neg:cn-number"
		}
		return pick(r, []string{cnNumber(20+r.IntN(980), false) + "元一件", "买" + cnNumber(1+r.IntN(3), false) + "送一", cnNumber(1+r.IntN(12), false) + "月" + cnNumber(1+r.IntN(28), false) + "日发货", "满" + cnNumber(2+r.IntN(8), false) + "百包邮"}), "neg:cn-number"
	},
	func(r *rand.Rand, en bool) (string, string) { // words made of radio-reading characters
		return pick(r, []string{"洞洞鞋", "拐杖", "两件套", "勾线笔", "洞洞板收纳", "拐角置物架", "幺妹同款", "勾花开衫"}) + pick(r, []string{"", " " + itoaInt(35+r.IntN(10)) + "码", " 包邮"}), "neg:radio-word"
	},
}

func itoaInt(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func pad2(n int) string {
	if n < 10 {
		return "0" + itoaInt(n)
	}
	return itoaInt(n)
}
