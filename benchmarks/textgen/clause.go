package main

import (
	"math/rand/v2"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// A label is one finding a correct scanner reports.
type label struct {
	identifier string
	category   string
}

// A span marks where a labelled identifier is shown, in bytes of its clause
// (and later of the whole text).
type span struct {
	start, end int
	labels     []label
}

// A clause is a piece of listing text with the identifiers it shows.
type clause struct {
	text  string
	spans []span
	tags  []string
	link  bool // shows a link: no dot-like punctuation may touch it
}

// builder assembles a clause piece by piece, recording spans.
type builder struct {
	b     strings.Builder
	spans []span
	tags  []string
}

// add appends text, with a space first when two letters or digits would
// otherwise run together and change what a reader sees.
func (cb *builder) add(s string) {
	if s == "" {
		return
	}
	if gluesTo(cb.b.String(), s) {
		cb.b.WriteString(" ")
	}
	cb.b.WriteString(s)
}

// addSpan appends an identifier's shown form and labels it.
func (cb *builder) addSpan(shown string, labels ...label) {
	cb.add("")
	if gluesTo(cb.b.String(), shown) {
		cb.b.WriteString(" ")
	}
	start := cb.b.Len()
	cb.b.WriteString(shown)
	cb.spans = append(cb.spans, span{start, cb.b.Len(), labels})
}

func (cb *builder) tag(t ...string) { cb.tags = append(cb.tags, t...) }

func (cb *builder) clause() clause {
	return clause{text: cb.b.String(), spans: cb.spans, tags: cb.tags}
}

// gluesTo reports whether the end of a and the start of b are both ASCII
// letters or digits once folded, so "vx"+"abc" would read "vxabc".
func gluesTo(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	ra := []rune(a)
	rb := []rune(b)
	return isAlnumShown(lastVisible(ra)) && isAlnumShown(firstVisible(rb))
}

func lastVisible(rs []rune) rune {
	for i := len(rs) - 1; i >= 0; i-- {
		if !invisible(rs[i]) {
			return rs[i]
		}
	}
	return 0
}

func firstVisible(rs []rune) rune {
	for _, c := range rs {
		if !invisible(c) {
			return c
		}
	}
	return 0
}

func invisible(c rune) bool {
	return c == 0xFE0F || c == 0x20E3 || c == 0x200B || c == 0x200C || c == 0x200D || c == 0x2060 || c == 0xFEFF
}

// isAlnumShown: would a reader take c for a Latin letter or a digit?
func isAlnumShown(c rune) bool {
	if c == 0 {
		return false
	}
	f := foldRune(c)
	if f == "" {
		return false
	}
	r := []rune(f)[0]
	return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// foldRune is how a reader sees one character: NFKC, the look-alike tables
// this generator draws from, lowercase; digits of every style as ASCII.
func foldRune(c rune) string {
	if d, ok := digitValue(c); ok {
		return string(rune('0' + d))
	}
	if l, ok := lookAlikes[c]; ok {
		return string(l)
	}
	if l, ok := enclosedLetter(c); ok {
		return string(l)
	}
	if isDash(c) {
		return "-"
	}
	if c >= 0xC0 && c < 0x250 || c >= 0x1E00 && c < 0x1F00 { // Latin with a tone mark: wēixìn
		return strings.ToLower(stripMarks(norm.NFKD.String(string(c))))
	}
	return strings.ToLower(norm.NFKC.String(string(c)))
}

func stripMarks(s string) string {
	return strings.Map(func(c rune) rune {
		if unicode.Is(unicode.Mn, c) {
			return -1
		}
		return c
	}, s)
}

// lookAlikes maps every small capital and look-alike this generator writes
// back to its Latin letter.
var lookAlikes = func() map[rune]rune {
	m := map[rune]rune{}
	for l, s := range smallCaps {
		m[[]rune(s)[0]] = l
	}
	for l, alts := range homoglyphs {
		for _, s := range alts {
			m[[]rune(s)[0]] = l
		}
	}
	for l, s := range upperHomoglyphs {
		m[[]rune(s)[0]] = l
	}
	return m
}()

// digitValue reads c as a digit in any style this generator writes.
func digitValue(c rune) (int, bool) {
	if unicode.IsDigit(c) {
		s := norm.NFKC.String(string(c))
		if len(s) == 1 && s[0] >= '0' && s[0] <= '9' {
			return int(s[0] - '0'), true
		}
	}
	if d, ok := ndValue(c); ok {
		return d, true
	}
	if c == '么' {
		return 1, true
	}
	if c == '兩' {
		return 2, true
	}
	for _, table := range [][]string{cnDigits, cnZero, cnFormal, cnSpoken, superDigits, circled, negCircled, parenDigits, dingbatSans, doubleCircle, cnRadio, cnFormalTrad, fullStopDigits, circledIdeographs, parenIdeographs} {
		for d, s := range table {
			if s != "" && []rune(s)[0] == c && len([]rune(s)) == 1 {
				return d, true
			}
		}
	}
	return 0, false
}

// Separators between a keyword and what follows it, and the tag for each.
type separator struct {
	left, right string
	tag         string
}

var sepsBefore = []separator{
	{"", "", "none"}, {" ", "", "space"}, {":", "", "colon"}, {": ", "", "colon"}, {" : ", "", "colon"},
	{"：", "", "fullcolon"}, {"： ", "", "fullcolon"}, {"→", "", "arrow"}, {"->", "", "arrow"},
	{" -> ", "", "arrow"}, {" → ", "", "arrow"}, {"➡️", "", "arrow"}, {"=>", "", "arrow"},
	{"【", "】", "bracket"}, {"[", "]", "bracket"}, {"（", "）", "bracket"}, {"「", "」", "bracket"},
	{"💬", "", "emoji"}, {"👉", "", "emoji"}, {" 👉 ", "", "emoji"}, {"=", "", "equals"}, {" - ", "", "dash"},
	{"：\n", "", "newline"}, {":\n", "", "newline"}, {"👇\n", "", "newline"},
}

// sepsBareV: a lone V is a keyword only when a separator follows it
// directly.
var sepsBareV = []separator{
	{":", "", "colon"}, {": ", "", "colon"}, {"：", "", "fullcolon"}, {"→", "", "arrow"}, {"->", "", "arrow"}, {"→ ", "", "arrow"},
}

var sepsAfter = []separator{
	{" ", "", "space"}, {"", "", "none"}, {" ← ", "", "arrow"}, {"←", "", "arrow"}, {" 👈 ", "", "emoji"},
	{"👈", "", "emoji"}, {" <- ", "", "arrow"}, {"（", "）", "bracket"}, {" (", ")", "bracket"}, {" [", "]", "bracket"},
}

// Words around a keyword: a lead-in before it, fillers between it and the
// identifier (at most 4 characters, an emoji counting as one).
type wording struct {
	leadZH, leadEN             []string
	fillBeforeZH, fillBeforeEN []string
	fillAfterZH, fillAfterEN   []string
}

var (
	contactWording = wording{
		leadZH:       []string{"", "", "", "有意", "详询", "咨询", "需要的", "欢迎", "看货", "感兴趣", "批发请", "要的", "联系"},
		leadEN:       []string{"", "Contact ", "Add me on ", "Reach me on ", "DM on ", "Ping me on ", "Find me on ", "Chat on "},
		fillBeforeZH: []string{"", "", "", "号", "号", "号码", "账号", "ID", "id", "搜", "搜索", "加我", "找我", "📱", "✅"},
		fillBeforeEN: []string{"", "", "", "me", "ID", "id", "📱"},
		fillAfterZH:  []string{"", "", "是我的", "这是", "是", "我的", "就是", "加我"},
		fillAfterEN:  []string{"", "", "is my", "my", "on", "at"},
	}
	phoneWording = wording{
		leadZH:       []string{"", "", "", "有意", "详询", "咨询", "欢迎", "看货", "需要的"},
		leadEN:       []string{"", "", "Contact ", "Or "},
		fillBeforeZH: []string{"", "", "", "号码", "📱", "☎️", "是"},
		fillBeforeEN: []string{"", "", "📱", "☎️", "no."},
		fillAfterZH:  []string{"", "", "是我的", "这是", "我的", "是"},
		fillAfterEN:  []string{"", "", "is my", "my"},
	}
)

// kwClause joins a keyword and an identifier in either order, with a filler
// and a separator: the grammar the labelling rules describe.
func kwClause(r *rand.Rand, en bool, words wording, k keyword, shown string, labels []label, after bool) clause {
	var cb builder
	cb.tag(k.tags()...)
	if after && !k.bareV && !k.phrase {
		cb.tag("pos:after")
		sep := pickSep(r, sepsAfter, shown)
		fill := pick(r, words.fillAfterZH)
		if en {
			fill = pick(r, words.fillAfterEN)
		}
		cb.addSpan(shown, labels...)
		cb.add(sep.left)
		cb.add(fill)
		if fill != "" && isASCIIWord(fill) {
			cb.b.WriteString(" ")
		}
		cb.add(k.text)
		cb.add(sep.right)
		cb.tag("kwsep:"+sep.tag, fillerTag(fill))
		return cb.clause()
	}
	cb.tag("pos:before")
	lead := pick(r, words.leadZH)
	if en {
		lead = pick(r, words.leadEN)
	}
	sep := pickSep(r, sepsBefore, shown)
	fill := pick(r, words.fillBeforeZH)
	if en {
		fill = pick(r, words.fillBeforeEN)
	}
	if k.bareV {
		sep, fill = pick(r, sepsBareV), ""
	}
	if k.phrase {
		lead, fill = "", ""
	}
	if strings.HasSuffix(k.text, "号") && strings.HasPrefix(fill, "号") {
		fill = ""
	}
	if fill == "me" && strings.Contains(lead, "me") {
		fill = ""
	}
	cb.add(lead)
	cb.add(k.text)
	if fill != "" && en {
		cb.b.WriteString(" ")
	}
	cb.add(fill)
	cb.add(sep.left)
	cb.addSpan(shown, labels...)
	cb.add(sep.right)
	cb.tag("kwsep:"+sep.tag, fillerTag(fill))
	return cb.clause()
}

// pickSep draws a separator; an identifier with spaces or line breaks in it
// gets a visible one, so a word beside it cannot be read as part of it.
func pickSep(r *rand.Rand, seps []separator, shown string) separator {
	for {
		sep := pick(r, seps)
		if !strings.ContainsAny(shown, " \t\n\r") || strings.TrimSpace(sep.left) != "" {
			return sep
		}
	}
}

func fillerTag(f string) string {
	switch {
	case f == "":
		return "filler:none"
	case isASCIIWord(f):
		return "filler:en"
	case []rune(f)[0] > 0x2000 && !unicode.Is(unicode.Han, []rune(f)[0]):
		return "filler:emoji"
	default:
		return "filler:zh"
	}
}
