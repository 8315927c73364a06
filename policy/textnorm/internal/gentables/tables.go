package main

import (
	"bufio"
	"bytes"
	"fmt"
	"go/format"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/unicode/runenames"
)

// tables is what tables_gen.go holds.
type tables struct {
	letters    map[rune]string
	digits     map[rune]string
	hanDigits  map[rune]byte // anywhere
	hanInNum   map[rune]byte // inside a number only
	punct      map[rune]rune
	components map[rune][]string
	bopomofo   map[rune]string
	simplified map[rune]rune
}

// Generate returns the formatted Go source of tables_gen.go.
func Generate(dir string) ([]byte, error) {
	t := tables{letters: map[rune]string{}, digits: map[rune]string{}, hanDigits: map[rune]byte{},
		hanInNum: map[rune]byte{}, punct: map[rune]rune{}}
	conf, err := readConfusables(dataFile(dir, "confusables.txt"))
	if err != nil {
		return nil, err
	}
	if err := t.readUnihan(dataFile(dir, "Unihan_NumericValues.txt")); err != nil {
		return nil, err
	}
	if t.components, err = readComponents(dataFile(dir, "components.txt")); err != nil {
		return nil, err
	}
	t.bopomofo = bopomofoLetters()
	if t.simplified, err = t.readSimplified(dataFile(dir, "Unihan_SimplifiedVariants.txt")); err != nil {
		return nil, err
	}
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) || unicode.Is(unicode.Han, r) && !unicode.Is(unicode.Nl, r) || // 〇, 〡 are Han numbers
			unicode.In(r, unicode.Mn, unicode.Me, unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs) {
			continue
		}
		if d, ok := t.digitOf(r); ok {
			t.digits[r] = d
			continue
		}
		if unicode.In(r, unicode.Nd, unicode.No) {
			continue // a digit never becomes a letter
		}
		if l, ok := letterOf(r, conf); ok {
			t.letters[r] = l
			continue
		}
		if p, ok := punctOf(r, conf); ok {
			t.punct[r] = p
		}
	}
	if len(t.letters) < 1000 || len(t.digits) < 600 || len(t.hanDigits) < 20 || len(t.simplified) < 2000 {
		return nil, fmt.Errorf("gentables: tables too small (%d letters, %d digits, %d Han digits, %d simplified)", len(t.letters), len(t.digits), len(t.hanDigits), len(t.simplified))
	}
	return t.source()
}

var (
	// "NEGATIVE CIRCLED LATIN CAPITAL LETTER A", "LATIN LETTER SMALL CAPITAL A"
	latinName = regexp.MustCompile(`^(?:[A-Z-]+ )*LATIN (?:CAPITAL |SMALL )?LETTER (?:SMALL CAPITAL )?([A-Z])$`)
	// "DINGBAT NEGATIVE CIRCLED DIGIT ONE", "DOUBLE CIRCLED NUMBER TEN", "IDEOGRAPHIC NUMBER ZERO"
	numberName  = regexp.MustCompile(`(?:DIGIT|NUMBER|HANGZHOU NUMERAL) (ZERO|ONE|TWO|THREE|FOUR|FIVE|SIX|SEVEN|EIGHT|NINE|TEN|ELEVEN|TWELVE|THIRTEEN|FOURTEEN|FIFTEEN|SIXTEEN|SEVENTEEN|EIGHTEEN|NINETEEN|TWENTY)$`)
	numberWords = []string{"ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE", "TEN",
		"ELEVEN", "TWELVE", "THIRTEEN", "FOURTEEN", "FIFTEEN", "SIXTEEN", "SEVENTEEN", "EIGHTEEN", "NINETEEN", "TWENTY"}
)

// digitOf reads a character of class Nd, No or Nl as the ASCII digits of
// its value, when that value is a whole number below 100.
func (t *tables) digitOf(r rune) (string, bool) {
	if unicode.Is(unicode.Nd, r) {
		return string('0' + ndValue(r)), true
	}
	if !unicode.In(r, unicode.No, unicode.Nl) {
		return "", false
	}
	name := runenames.Name(r)
	if strings.Contains(name, "ROMAN") || strings.Contains(name, "FRACTION") {
		return "", false // Roman numerals are letters; ½ is no digit
	}
	if unicode.Is(unicode.No, r) {
		dec := norm.NFKD.String(string(r))
		if han := strings.Trim(dec, "()"); utf8.RuneCountInString(han) == 1 {
			c, _ := utf8.DecodeRuneInString(han)
			if v, ok := t.hanDigits[c]; ok { // ㊀ is 一, ㈠ is (一)
				return string(v), true
			}
		}
		digits, other := "", false
		for _, c := range dec {
			switch {
			case c >= '0' && c <= '9':
				digits += string(c)
			case strings.ContainsRune("()., ", c):
			default:
				other = true
			}
		}
		if !other && len(digits) >= 1 && len(digits) <= 2 {
			return digits, true
		}
	}
	if m := numberName.FindStringSubmatch(name); m != nil {
		return strconv.Itoa(slices.Index(numberWords, m[1])), true
	}
	return "", false
}

// ndValue is a decimal digit's value: every script's digits are encoded as
// runs of ten from zero to nine, so it is the offset in the class's range
// (ranges holding several runs, like the mathematical digits, start on a
// zero too).
func ndValue(r rune) rune {
	for _, rg := range unicode.Nd.R16 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); r >= lo && r <= hi {
			return (r - lo) % 10
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); r >= lo && r <= hi {
			return (r - lo) % 10
		}
	}
	panic(fmt.Sprintf("%U is not Nd", r))
}

// letterOf reads a character as the lower-case ASCII letters it stands for.
func letterOf(r rune, conf map[rune]string) (string, bool) {
	name := runenames.Name(r)
	if strings.HasPrefix(name, "TAG ") || strings.Contains(name, "COMBINING") {
		return "", false
	}
	if m := latinName.FindStringSubmatch(name); m != nil {
		return strings.ToLower(m[1]), true
	}
	if l, ok := strings.CutPrefix(name, "REGIONAL INDICATOR SYMBOL LETTER "); ok && len(l) == 1 {
		return strings.ToLower(l), true // 🇼: the emoji alphabet of the flags
	}
	enclosed := strings.Contains(name, "CIRCLED") || strings.Contains(name, "PARENTHESIZED") || strings.Contains(name, "SQUARED")
	if dec := norm.NFKD.String(string(r)); dec != string(r) {
		if l, ok := lettersOnly(dec, enclosed); ok {
			return l, true
		}
	}
	if p, ok := conf[r]; ok {
		if l, ok := lettersOnly(norm.NFKD.String(p), false); ok && len(l) == 1 {
			if l == "l" && unicode.IsUpper(r) {
				l = "i" // TR39 folds I into l; a capital look-alike is an i
			}
			return l, true
		}
	}
	return "", false
}

// lettersOnly lowers s when it holds one to four ASCII letters besides
// marks (and, for an enclosed form, its brackets and dots).
func lettersOnly(s string, enclosed bool) (string, bool) {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			b.WriteRune(unicode.ToLower(c))
		case unicode.In(c, unicode.Mn, unicode.Me):
		case enclosed && strings.ContainsRune("().", c):
		default:
			return "", false
		}
	}
	return b.String(), b.Len() >= 1 && b.Len() <= 4
}

// punctOf reads the dashes and the look-alikes of '-' and '_' that are not
// letters or digits: a hyphen or short dash is '-', a long one (em dash,
// horizontal bar: sentence punctuation as often as a separator in a
// number) is '—'.
func punctOf(r rune, conf map[rune]string) (rune, bool) {
	if unicode.IsLetter(r) {
		return 0, false
	}
	name := runenames.Name(r)
	if unicode.Is(unicode.Pd, r) && !strings.Contains(name, "WAVE") && !strings.Contains(name, "WAVY") {
		if strings.Contains(name, "EM DASH") && !strings.Contains(name, "SMALL") || strings.Contains(name, "HORIZONTAL BAR") {
			return '—', r != '—'
		}
		return '-', true
	}
	switch p := norm.NFKD.String(conf[r]); p {
	case "-", "_":
		return rune(p[0]), true
	}
	if p := norm.NFKC.String(string(r)); p == "_" || p == "-" {
		return rune(p[0]), true
	}
	return 0, false
}

// readConfusables reads the single-character sources of confusables.txt
// with their prototypes.
func readConfusables(path string) (map[rune]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[rune]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, _, _ := strings.Cut(strings.TrimPrefix(sc.Text(), "\ufeff"), "#")
		fields := strings.Split(line, ";")
		if len(fields) < 2 {
			continue
		}
		src, err := codePoints(fields[0])
		if err != nil || len(src) != 1 {
			continue
		}
		dst, err := codePoints(fields[1])
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		out[src[0]] = string(dst)
	}
	if len(out) < 5000 {
		return nil, fmt.Errorf("%s: only %d mappings", path, len(out))
	}
	return out, sc.Err()
}

func codePoints(s string) ([]rune, error) {
	var out []rune
	for _, f := range strings.Fields(s) {
		v, err := strconv.ParseUint(f, 16, 32)
		if err != nil {
			return nil, err
		}
		out = append(out, rune(v))
	}
	return out, nil
}

// readUnihan reads the Han characters with a value 0–9.
func (t *tables) readUnihan(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	for line := range strings.Lines(string(b)) {
		f := strings.Fields(line)
		if len(f) != 3 || !strings.HasPrefix(f[0], "U+") {
			continue
		}
		cp, err := strconv.ParseUint(f[0][2:], 16, 32)
		if err != nil {
			return fmt.Errorf("%s: %q", path, line)
		}
		v, err := strconv.Atoi(f[2])
		if err != nil || v > 9 {
			continue
		}
		switch f[1] {
		case "kPrimaryNumeric", "kAccountingNumeric":
			t.hanDigits[rune(cp)] = byte('0' + v)
		case "kOtherNumeric":
			t.hanInNum[rune(cp)] = byte('0' + v)
		}
	}
	return nil
}

// readSimplified reads the traditional characters of the basic CJK block
// with one simplified form in that block (kSimplifiedVariant): 電 电,
// 紙 纸. A character that is its own simplified form too (乾, 著: the
// variant list holds it) is left as it is, and so is a numeral (貳, 兩),
// which the digit tables read.
func (t *tables) readSimplified(path string) (map[rune]rune, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	basic := func(r rune) bool { return r >= 0x4E00 && r <= 0x9FFF }
	out := map[rune]rune{}
	for line := range strings.Lines(string(b)) {
		f := strings.Fields(line)
		if len(f) < 3 || f[1] != "kSimplifiedVariant" {
			continue
		}
		rs, err := codePoints(strings.ReplaceAll(strings.Join(append(f[:1:1], f[2:]...), " "), "U+", ""))
		if err != nil {
			return nil, fmt.Errorf("%s: %q: %v", path, line, err)
		}
		from, to := rs[0], rs[1:]
		_, digit := t.hanDigits[from]
		_, inNum := t.hanInNum[from]
		if len(to) != 1 || to[0] == from || !basic(from) || !basic(to[0]) || digit || inNum {
			continue
		}
		out[from] = to[0]
	}
	return out, nil
}

func (t *tables) source() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("// Code generated by gentables from Unicode data; DO NOT EDIT.\n\npackage textnorm\n\n")
	writeMap(&b, "letters maps a styled or look-alike letter to the lower-case ASCII letters it reads as.", "letters", "string", t.letters, strconv.Quote)
	writeMap(&b, "digits maps a styled digit or number (classes Nd, No) to its ASCII digits.", "digits", "string", t.digits, strconv.Quote)
	q := func(c byte) string { return strconv.QuoteRune(rune(c)) }
	writeMap(&b, "hanDigits maps an everyday or formal Chinese numeral to its digit.", "hanDigits", "byte", t.hanDigits, q)
	writeMap(&b, "hanNumberDigits maps the other Chinese numerals (幺, 兩) to their digit, read inside a number only.", "hanNumberDigits", "byte", t.hanInNum, q)
	writeMap(&b, "punct maps short dashes and look-alikes of '-' and '_' to them, long dashes to '—'.", "punct", "rune", t.punct, strconv.QuoteRune)
	writeMap(&b, "bopomofo maps a zhuyin letter of Mandarin to the spelling its Unicode name gives (ㄒ x, ㄟ ei, ㄠ au, ㄩ iu).", "bopomofo", "string", t.bopomofo, strconv.Quote)
	writeMap(&b, "simplified maps a traditional character to its simplified form (Unihan kSimplifiedVariant).", "simplified", "rune", t.simplified, strconv.QuoteRune)
	writeMap(&b, "components maps a keyword character to the ways it is written as its components (拆字).", "components", "[]string", t.components,
		func(v []string) string {
			qs := make([]string, len(v))
			for i, s := range v {
				qs[i] = strconv.Quote(s)
			}
			return "{" + strings.Join(qs, ", ") + "}"
		})
	return format.Source(b.Bytes())
}

func writeMap[V any](b *bytes.Buffer, doc, name, typ string, m map[rune]V, val func(V) string) {
	keys := make([]rune, 0, len(m))
	for r := range m {
		keys = append(keys, r)
	}
	slices.Sort(keys)
	fmt.Fprintf(b, "// %s\nvar %s = map[rune]%s{\n", doc, name, typ)
	for _, r := range keys {
		fmt.Fprintf(b, "\t%#04x: %s, // %s\n", r, val(m[r]), printable(r))
	}
	b.WriteString("}\n\n")
}

func printable(r rune) string {
	if unicode.IsGraphic(r) && !unicode.IsSpace(r) {
		return string(r)
	}
	return fmt.Sprintf("%U", r)
}

// bopomofoLetters reads the zhuyin letters of standard Mandarin (ㄅ to ㄩ)
// by their names ("BOPOMOFO LETTER ZH").
func bopomofoLetters() map[rune]string {
	out := map[rune]string{}
	for r := rune(0x3105); r <= 0x3129; r++ {
		if l, ok := strings.CutPrefix(runenames.Name(r), "BOPOMOFO LETTER "); ok {
			out[r] = strings.ToLower(l)
		}
	}
	return out
}
