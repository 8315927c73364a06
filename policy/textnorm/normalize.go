package textnorm

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
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

// defaultReader reads with Unicode's tables alone.
var defaultReader = newReader(Readings{})

// Normalize folds s with Unicode's readings alone (see Reader.Normalize).
func Normalize(s string) *Text { return defaultReader.Normalize(s) }

// Normalize folds s unit by unit: the reader's own readings first, then
// Chinese numerals, traditional characters to simplified ones, styled digits (Nd, No) and styled or look-alike letters
// from the generated tables, dashes, NFKC and width folding for the rest;
// lower case; invisible characters removed. Then it reads the characters
// that stand for a digit only inside a number (幺, 洞) where the number's
// shape asks for digits, and letters boxed one by one ("[a][b]") as a word.
// Invalid UTF-8 bytes become U+FFFD units.
func (rd *Reader) Normalize(s string) *Text {
	n := utf8.RuneCountInString(s) + 8 // a few runes grow ("ﬁ"); append handles more
	t := &Text{
		Runes: make([]rune, 0, n),
		Start: make([]int, 0, n),
		End:   make([]int, 0, n),
	}
	var buf [32]rune
	flags := false
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		flags = flags || isRegional(r)
		out := rd.fold(r, buf[:0])
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
	if flags {
		readFlags(t, s)
	}
	rd.readBoxes(t)
	rd.readNumberDigits(t)
	return t
}

// The regional indicators 🇦 to 🇿 are an emoji alphabet; two of them in a
// row that name a region show that region's flag instead.
const regionalA, regionalZ = 0x1F1E6, 0x1F1FF

func isRegional(r rune) bool { return r >= regionalA && r <= regionalZ }

// flag is what a flag reads as: a symbol, like any emoji.
const flag = 0x1F3F3

// readFlags reads the regional indicators of s (units read as letters) as
// a reader sees them: paired from the start of each run, a pair naming a
// region ("🇨🇳", "🇪🇺") is one flag, the others letters ("🇼🇪" is no region:
// w, e; "🇼 🇪 🇨 🇭" spaced is letters throughout).
func readFlags(t *Text, s string) {
	regional := func(k int) bool {
		if k >= t.Len() {
			return false
		}
		r, _ := utf8.DecodeRuneInString(s[t.Start[k]:])
		return isRegional(r)
	}
	w := 0
	for k := 0; k < t.Len(); k++ {
		t.Runes[w], t.Start[w], t.End[w] = t.Runes[k], t.Start[k], t.End[k]
		w++
		if !regional(k) || !regional(k+1) || t.End[k] != t.Start[k+1] {
			continue
		}
		code := strings.ToUpper(string(t.Runes[k : k+2]))
		if reg, err := language.ParseRegion(code); err == nil && reg.String() == code && code != "ZZ" {
			t.Runes[w-1], t.End[w-1] = flag, t.End[k+1]
		} else {
			t.Runes[w] = t.Runes[k+1]
			t.Start[w], t.End[w] = t.Start[k+1], t.End[k+1]
			w++
		}
		k++
	}
	t.Runes, t.Start, t.End = t.Runes[:w], t.Start[:w], t.End[:w]
}

// attaches reports whether a rune that normalises to nothing belongs to the
// character before it (marks, variation selectors, the keycap).
func attaches(r rune) bool {
	return r == 0x20E3 || r >= 0xFE00 && r <= 0xFE0F || r >= 0xE0100 && r <= 0xE01EF ||
		unicode.In(r, unicode.Mn, unicode.Me)
}

// fold appends the normalised form of r to dst; nil means the rune vanishes.
func (rd *Reader) fold(r rune, dst []rune) []rune {
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
	if rd.plainHan(r) { // CJK unified ideographs are NFKC-stable
		return append(dst, r)
	}
	if rd.extra {
		if c, ok := rd.digits[r]; ok {
			return append(dst, rune(c))
		}
		if c, ok := rd.letters[r]; ok {
			return append(dst, rune(c))
		}
	}
	if _, ok := rd.numberDigits[r]; ok {
		return append(dst, r) // read by readNumberDigits
	}
	if r >= hanFirst && r <= hanLast {
		if d, ok := hanDigits[r]; ok {
			return append(dst, rune(d))
		}
		if s, ok := simplified[r]; ok {
			return append(dst, s) // "電報", "紙飛機" read as the keywords they are
		}
		return append(dst, r)
	}
	if invisible(r) || attaches(r) {
		return nil
	}
	if d, ok := digits[r]; ok {
		for i := 0; i < len(d); i++ {
			dst = append(dst, rune(d[i]))
		}
		return dst
	}
	if l, ok := letters[r]; ok {
		for i := 0; i < len(l); i++ {
			dst = append(dst, rune(l[i]))
		}
		return dst
	}
	if p, ok := punct[r]; ok {
		return append(dst, p)
	}
	if r == 0x2028 || r == 0x2029 || r == 0x85 {
		return append(dst, '\n')
	}
	if p := width.LookupRune(r); p.Folded() != 0 {
		r = p.Folded()
		if r < utf8.RuneSelf {
			return rd.fold(r, dst)
		}
	}
	return foldNFKC(r, dst)
}

// foldNFKC folds what the tables leave (punctuation, symbols, other
// scripts) by its compatibility decomposition, marks dropped.
func foldNFKC(r rune, dst []rune) []rune {
	var tmp [utf8.UTFMax]byte
	n := utf8.EncodeRune(tmp[:], r)
	dec := norm.NFKC.Properties(tmp[:n]).Decomposition()
	if dec == nil {
		return append(dst, r)
	}
	start := len(dst)
	for len(dec) > 0 {
		c, sz := utf8.DecodeRune(dec)
		dec = dec[sz:]
		switch {
		case unicode.In(c, unicode.Mn, unicode.Me):
		case c < utf8.RuneSelf:
			dst = append(dst, asciiLower(c))
		default:
			dst = append(dst, c)
		}
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

// invisible reports characters a reader does not see: zero-width spaces and
// joiners, direction marks, word joiners, the BOM, soft hyphens, Hangul
// fillers, tags and other default-ignorable code points.
func invisible(r rune) bool {
	switch {
	case r == 0x00AD, r == 0x034F, r == 0x061C, r == 0x115F, r == 0x1160, r == 0x17B4, r == 0x17B5,
		r == 0x180E, r == 0x3164, r == 0xFEFF, r == 0xFFA0:
		return true
	case r >= 0x180B && r <= 0x180F, r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E,
		r >= 0x2060 && r <= 0x206F, r >= 0xFFF0 && r <= 0xFFF8, r >= 0x1BCA0 && r <= 0x1BCA3,
		r >= 0x1D173 && r <= 0x1D17A, r >= 0xE0000 && r <= 0xE0FFF:
		return true
	}
	return false
}
