package policy

import (
	"strings"
	"unicode"
)

// chunk is a piece of an identifier: units [s, e) of identifier characters.
// dash says a single '-' joined it to the piece before (kept in WeChat IDs
// and landlines, where it may be real).
type chunk struct {
	s, e int
	dash bool
}

// chunks reads the pieces of an identifier from unit i on: runs of
// identifier characters joined across separators a seller inserted. A strong
// separator (dot, slash, dash, emoji) always joins; a blank joins only where
// one side is a lone character or both are digit groups, since a blank also
// ends words ("WeChat Pay accepted"). digitsOnly stops at the first piece
// holding a letter (bare numbers).
//
// Pieces past maxIDUnits are not read, except for bare numbers: no
// identifier is that long, and reading a run of pieces to its end from
// every keyword and every "w" in it made a text of 20,000 "wxid_…" words
// cost minutes (issue 22). Bare numbers read the whole run, since their
// caller skips it: a digit run is read once.
func (s *textScan) chunks(i int, digitsOnly bool) []chunk {
	r := s.r
	out := s.chunkBuf[:0]
	defer func() { s.chunkBuf = out[:0] }()
	units := 0
	for j, dash := i, false; ; {
		c := s.peekChunk(j)
		c.dash = dash
		if c.e == c.s || digitsOnly && len(out) > 0 && !allDigits(r[c.s:c.e]) {
			break
		}
		out = append(out, c)
		if units += c.e - c.s; units > maxIDUnits && !digitsOnly {
			break
		}
		if digitsOnly && !allDigits(r[c.s:c.e]) {
			break
		}
		k, sep := s.separatorRun(c.e)
		next := s.peekChunk(k)
		if k == c.e || next.e == next.s || !s.joins(c, next, sep) || len(out) == 1 && s.fillerWord(c, next, sep) {
			break
		}
		dash = k == c.e+1 && r[c.e] == '-'
		j = k
	}
	if len(out) == 0 {
		out = append(out, chunk{s: i, e: i})
	}
	return out
}

// maxIDUnits is the most identifier characters any identifier holds: a
// policy's length bounds go up to 64 (lengthSpec), numbers to 16 digits
// (joinDigits), and the separators between pieces are not counted.
const maxIDUnits = 64

// sepKind says what a run of separators between two pieces holds.
type sepKind struct {
	blank, lineBreak, arrow, bracket, sentence bool
}

// separatorRun reads the separators after unit i: at most MaxSeparatorRun
// of them, a line break with the indentation after it counting as one.
func (s *textScan) separatorRun(i int) (int, sepKind) {
	r := s.r
	var k sepKind
	j := i
	for n := 0; j < s.stop && n < s.t.cfg.MaxSeparatorRun && !s.taken[j]; n++ {
		switch c := r[j]; {
		case c == '\n':
			k.lineBreak = true
			for j++; j < s.stop && isSpace(r[j]) && !s.taken[j]; j++ {
			}
			continue
		case c == ' ':
			k.blank = true
		case c == '(' || c == ')' || unicode.In(c, unicode.Ps, unicode.Pe):
			k.bracket = true
		case isValueSep(c):
			k.arrow = true
		case isDot(c) && j+1 < len(r) && isSpace(r[j+1]):
			k.sentence = true // "… abc_123.\nworks": a sentence ends
		case isIDSep(c):
		default:
			return j, k
		}
		j++
	}
	return j, k
}

// joins decides whether two pieces around a separator run are one
// identifier. Inserted symbols join; an arrow marks a label and its value
// ("me → abc") and a dot before a blank ends a sentence, so neither joins;
// brackets join digit groups only ("(020) 3852"); a line break joins what
// was wrapped, unless what follows is a quantity.
func (s *textScan) joins(prev, next chunk, k sepKind) bool {
	pr, nr := s.r[prev.s:prev.e], s.r[next.s:next.e]
	digits := allDigits(pr) && allDigits(nr)
	if allDigits(nr) && next.e < len(s.r) && isHan(s.r[next.e]) && (k.blank || k.lineBreak) {
		return false // "QQ 12345678 3件": a quantity, not more digits
	}
	switch {
	case k.arrow || k.sentence:
		return false
	case k.bracket && !digits:
		return false
	case k.lineBreak:
		// A wrapped identifier goes on after the break, but a word after
		// an identifier that ends on its digits begins the next line
		// ("sam_desk_01\npickup only").
		return !(len(pr) >= s.t.cfg.WechatID.Min && isDigit(pr[len(pr)-1]) && len(nr) >= 4 && lettersOnly(string(nr)))
	case k.blank && s.bracketed:
		return true
	case k.blank:
		// A blank ends words too: it joins a lone character, digit groups,
		// and a piece the identifier's digits or underscore go on in
		// ("candy-d uo_956"), never a word after a complete ID.
		return len(pr) == 1 || len(nr) == 1 || digits || !allDigits(pr) && hasIDMark(nr) && (!hasIDMark(pr) || s.wxidMode)
	}
	return true
}

// fillerWord reports a short word standing first, before a blank and an
// ID with letters and digits or '_' ("wechat id is abc_123", "QQ me
// abc_12"): a word of the sentence, not the ID's first piece.
func (s *textScan) fillerWord(first, next chunk, k sepKind) bool {
	pr, nr := s.r[first.s:first.e], s.r[next.s:next.e]
	return k.blank && !k.lineBreak && !k.arrow && !s.bracketed && !s.wxidMode &&
		len(pr) >= 2 && len(pr) <= s.t.cfg.MaxFiller && lettersOnly(string(pr)) &&
		hasIDMark(nr) && !allDigits(nr) && hasLetter(nr)
}

func (s *textScan) peekChunk(k int) chunk {
	e := k
	for e < s.stop && isIDRune(s.r[e]) && !s.taken[e] {
		e++
	}
	return chunk{s: k, e: e}
}

// hasIDMark reports a digit or an underscore: what makes a piece part of
// an identifier rather than a word.
func hasIDMark(rs []rune) bool {
	for _, r := range rs {
		if isDigit(r) || r == '_' {
			return true
		}
	}
	return false
}

// allDigits reports a number: digits, with underscores a seller put
// between them ("138_0013_8000").
func allDigits(rs []rune) bool {
	for i, r := range rs {
		if !isDigit(r) && !(r == '_' && i > 0 && i < len(rs)-1 && isDigit(rs[i-1]) && isDigit(rs[i+1])) {
			return false
		}
	}
	return len(rs) > 0
}

// joinDigits joins pieces that are numbers (at most 16 digits: no
// identifier is longer, and a longer run is a product number), without
// their underscores.
func joinDigits(r []rune, cs []chunk) (string, bool) {
	var buf [16]byte
	n := 0
	for _, c := range cs {
		rs := r[c.s:c.e]
		if !allDigits(rs) {
			return "", false
		}
		for _, d := range rs {
			if d == '_' {
				continue
			}
			if n == len(buf) {
				return "", false
			}
			buf[n] = byte(d)
			n++
		}
	}
	return string(buf[:n]), n > 0
}

// mobile reads a Chinese mobile number, with or without its 86.
func mobile(d string) (string, bool) {
	if len(d) == 15 && strings.HasPrefix(d, "0086") {
		d = d[4:] // 0086, the international prefix written out
	}
	if len(d) == 13 && strings.HasPrefix(d, "86") {
		d = d[2:]
	}
	if len(d) == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9' {
		return d, true
	}
	return "", false
}

// landline reads an area code and number ("0571-88157858"). written is
// how many digits the first group has as written: an area code written
// apart (2 to 4 digits, "02-2345-6789", "(07) 234-5678": Taiwan's codes
// have two or three) is the area code; otherwise mainland China's plan
// decides (010 and 02x codes have three digits, the others four).
func landline(d string, written int) (string, bool) {
	if len(d) < 9 || len(d) > 12 || d[0] != '0' || d[1] == '0' {
		return "", false
	}
	if written >= 2 && written <= 4 && written < len(d) {
		if n := len(d) - written; n >= 6 && n <= 8 {
			return d[:written] + "-" + d[written:], true
		}
	}
	if len(d) < 10 {
		return "", false
	}
	area := 4
	if d[1] == '1' || d[1] == '2' {
		area = 3
	}
	if n := len(d) - area; n < 7 || n > 8 {
		return "", false
	}
	return d[:area] + "-" + d[area:], true
}
