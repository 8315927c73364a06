package textnorm

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// Text is a normalised text: Runes[i] came from the original bytes
// [Start[i], End[i]). Several units may share one original character
// ("ﬁ" gives "f" and "i"); characters that normalise to nothing (zero-width
// and invisible characters, variation selectors, combining marks) have no
// unit, and a mark attached to a character widens that character's End so a
// span never cuts a keycap or an accent in half.
type Text struct {
	Runes []rune
	Start []int
	End   []int
}

// Len is the number of units.
func (t *Text) Len() int { return len(t.Runes) }

// Span is the original byte span of units [i, j).
func (t *Text) Span(i, j int) (start, end int) { return t.Start[i], t.End[j-1] }

// Normalize folds s unit by unit: NFKC (compatibility forms, full width,
// superscripts, circled letters), width folding, TR39 look-alikes to ASCII
// (only where the target is an ASCII letter or digit), Chinese numerals and
// enclosed or keycap digits to ASCII digits, lower case, and invisible
// characters removed. Invalid UTF-8 bytes become U+FFFD units.
func Normalize(s string) *Text {
	n := utf8.RuneCountInString(s) + 8 // a few runes grow ("ﬁ"); append handles more
	t := &Text{
		Runes: make([]rune, 0, n),
		Start: make([]int, 0, n),
		End:   make([]int, 0, n),
	}
	var buf [32]rune
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		out := fold(r, buf[:0])
		switch {
		case out == nil && attaches(r):
			if n := len(t.End); n > 0 && t.End[n-1] == i {
				t.End[n-1] = i + size
			}
		default:
			for _, o := range out {
				t.Runes = append(t.Runes, o)
				t.Start = append(t.Start, i)
				t.End = append(t.End, i+size)
			}
		}
		i += size
	}
	readSpokenDigits(t)
	return t
}

// attaches reports whether a rune that normalises to nothing belongs to the
// character before it (marks, variation selectors, the keycap).
func attaches(r rune) bool {
	return r == 0x20E3 || r >= 0xFE00 && r <= 0xFE0F || r >= 0xE0100 && r <= 0xE01EF ||
		unicode.In(r, unicode.Mn, unicode.Me)
}

// fold appends the normalised form of r to dst; nil means the rune vanishes.
func fold(r rune, dst []rune) []rune {
	if r < utf8.RuneSelf {
		switch {
		case r >= 'A' && r <= 'Z':
			return append(dst, r+'a'-'A')
		case r == '\n' || r == '\r':
			return append(dst, '\n')
		case r == '\t' || r == '\v' || r == '\f':
			return append(dst, ' ')
		case r < 0x20 || r == 0x7F:
			return nil
		}
		return append(dst, r)
	}
	if d, ok := chineseDigit(r); ok {
		return append(dst, d)
	}
	if r >= 0x4E00 && r <= 0x9FFF { // CJK unified ideographs are NFKC-stable
		return append(dst, r)
	}
	if invisible(r) || attaches(r) {
		return nil
	}
	if d, ok := enclosedDigit(r); ok {
		return append(dst, d...)
	}
	// A decimal digit of any script or style (𝟎, ٣, ३, ０) is a digit:
	// read it by its class before look-alike folding, which would turn a
	// mathematical 0 or 1 into the letters o and l.
	if d, ok := decimalDigit(r); ok {
		return append(dst, d)
	}
	if c, ok := smallCapital(r); ok {
		return append(dst, c)
	}
	if r == 0x2028 || r == 0x2029 || r == 0x85 {
		return append(dst, '\n')
	}
	if p := width.LookupRune(r); p.Folded() != 0 {
		r = p.Folded()
		if r < utf8.RuneSelf {
			return fold(r, dst)
		}
	}
	var tmp [utf8.UTFMax]byte
	n := utf8.EncodeRune(tmp[:], r)
	// NFKC first (mathematical alphanumerics, ligatures, compatibility
	// forms have exact decompositions), look-alikes only for what it leaves.
	dec := norm.NFKC.Properties(tmp[:n]).Decomposition()
	if dec == nil {
		if c, ok := confusables[r]; ok {
			return append(dst, asciiLower(rune(c)))
		}
		return append(dst, r)
	}
	start := len(dst)
	for len(dec) > 0 {
		c, sz := utf8.DecodeRune(dec)
		dec = dec[sz:]
		if unicode.In(c, unicode.Mn, unicode.Me) {
			continue
		}
		if c < utf8.RuneSelf {
			dst = append(dst, asciiLower(c))
		} else if d, ok := decimalDigit(c); ok {
			dst = append(dst, d)
		} else if a, ok := confusables[c]; ok {
			dst = append(dst, asciiLower(rune(a)))
		} else {
			dst = append(dst, c)
		}
	}
	if enclosed(r) { // ⑴ is "(1)", ⒈ is "1.": keep the digits or letters only
		keep := dst[:start]
		for _, c := range dst[start:] {
			if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' {
				keep = append(keep, c)
			}
		}
		dst = keep
	}
	if len(dst) == start {
		return nil
	}
	return dst
}

func asciiLower(r rune) rune {
	if r >= 'A' && r <= 'Z' {
		return r + 'a' - 'A'
	}
	return r
}
