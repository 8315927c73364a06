package policy

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/qrgate/qrgate/policy/textnorm"
)

// textScan is the state of one scan: the normalised text, the dictionary
// words found in it, and which units a finding already claimed.
type textScan struct {
	t      *textScanner
	orig   string
	n      *textnorm.Text
	r      []rune
	words  []hit   // merged dictionary hits, in text order
	at     []int32 // unit → index into words of the hit starting there, -1
	taken  []bool  // units inside a finding
	ctx    []bool  // units ending a context word ("订单号", "SKU")
	prompt []bool  // units ending a prompt word ("加", "私")
	found  textFindings
	// chanSpans are the channels the keyword being read emitted: one
	// keyword may name a span twice (chained keywords of one channel).
	chanSpans []textMatch

	stop      int     // identifiers are read up to this unit (len(r) but in before)
	wxidMode  bool    // chunks is reading a wxid_ ID: blanks join digit pieces
	bracketed bool    // chunks is reading between brackets: blanks join
	chunkBuf  []chunk // reused by chunks
}

func newTextScan(t *textScanner, text string) *textScan {
	n := t.reader.Normalize(text)
	s := &textScan{t: t, orig: text, n: n, r: n.Runes, stop: len(n.Runes)}
	s.at = make([]int32, len(s.r))
	for i := range s.at {
		s.at[i] = -1
	}
	// One allocation for the three per-unit flags (this runs per text of
	// every request).
	flags := make([]bool, 3*len(s.r))
	s.taken, s.ctx, s.prompt = flags[:len(s.r):len(s.r)], flags[len(s.r):2*len(s.r):2*len(s.r)], flags[2*len(s.r):]
	raw := t.ac.find(s.r, isKeywordBlank, make([]hit, 0, 16))
	syl := s.syllables()
	n0 := len(raw)
	raw = t.sound.find(syl, isSoundBlank, raw)
	for k := n0; k < len(raw); k++ { // a hit ends after its last zhuyin letter
		for raw[k].end < len(syl) && syl[raw[k].end] == zhuyinRest {
			raw[k].end++
		}
	}
	// Keep hits whose ASCII ends stand on word boundaries ("tel" is not in
	// "telephoto", "wx" not in "WXGA"), then merge overlapping hits into the
	// longest ("加微" + "微信" = "加微信"); a veto word wins a tie.
	slices.SortFunc(raw, func(a, b hit) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return b.end - a.end
	})
	for _, h := range raw {
		if !s.onBoundary(h) {
			continue
		}
		if k := len(s.words) - 1; k >= 0 && h.start < s.words[k].end {
			last := &s.words[k]
			hw, lw := t.words[h.word], t.words[last.word]
			if hw.runes > lw.runes || hw.runes == lw.runes && hw.kind == wordVeto {
				last.word = h.word
			}
			last.end = max(last.end, h.end)
			continue
		}
		s.words = append(s.words, h)
	}
	for i, h := range s.words {
		s.at[h.start] = int32(i)
		switch t.words[h.word].kind {
		case wordContext:
			s.ctx[h.end-1] = true
		case wordPrompt:
			s.prompt[h.end-1] = true
		}
	}
	return s
}

// syllables is the text as the sound automaton reads it: ASCII letters as
// they are, a character with a keyword syllable among its readings as that
// syllable's symbol, and a zhuyin syllable read as a keyword syllable
// ("ㄒㄧㄣˋ") as its symbol followed by zhuyinRest units.
func (s *textScan) syllables() []rune {
	if len(s.t.syllableOf) == 0 {
		return s.r
	}
	out := make([]rune, len(s.r))
	for i := 0; i < len(s.r); i++ {
		r := s.r[i]
		if r >= 0x80 {
			if syl, n := s.zhuyin(i); n > 0 {
				if sym, ok := s.t.symbolOf[syl]; ok {
					out[i] = sym
					for k := 1; k < n; k++ {
						out[i+k] = zhuyinRest
					}
					i += n - 1
					continue
				}
			}
			if sym, ok := s.t.syllableOf[r]; ok {
				r = sym
			}
		} else if s.toneDigit(i) {
			r = zhuyinRest // "wei4-xin1": a tone number is read with its syllable
		}
		out[i] = r
	}
	return out
}

// zhuyin reads a zhuyin syllable at unit i (the bopomofo block only).
func (s *textScan) zhuyin(i int) (string, int) {
	if r := s.r[i]; r < 0x3105 || r > 0x312F {
		return "", 0
	}
	return textnorm.ReadZhuyin(s.r, i)
}

// toneDigit reports a pinyin tone number at unit i: 1 to 5 right after a
// letter and ending the word ("wei4", "xin1号").
func (s *textScan) toneDigit(i int) bool {
	r := s.r[i]
	return r >= '1' && r <= '5' && i > 0 && isLetter(s.r[i-1]) && (i+1 == len(s.r) || !isAlnum(s.r[i+1]) && s.r[i+1] != '_')
}

// zhuyinRest stands for the letters and tone of a zhuyin syllable after
// its first in the text the sound automaton reads.
const zhuyinRest = syllableBase - 1

// isSoundBlank is skipped by the sound automaton: keyword blanks and the
// rest of a zhuyin syllable.
func isSoundBlank(r rune) bool { return r == zhuyinRest || isKeywordBlank(r) }

// isKeywordBlank may stand inside a keyword: blanks and the punctuation
// sellers put between its characters ("Wei-Xin", "V.X", "热·线"), and any
// symbol or emoji a seller inserts between them ("微🌸信", "微|信", "V～X",
// "扣_扣"), which a reader passes over as over a blank. The automaton never
// asks about a symbol some keyword holds ("威❤", "🐧").
func isKeywordBlank(r rune) bool {
	switch r {
	case ' ', '\n', '-', '.', '·', '•', '*', '\'', '・', '‧', '∙', '⋅', '~', '/', '\\', '|', '^', '_':
		return true
	}
	if r < 0x80 || r >= 0x3400 && r <= 0x9FFF { // letters, digits, CJK ideographs
		return false
	}
	return isStrongSep(r) && !isValueSep(r)
}

func (s *textScan) onBoundary(h hit) bool {
	w := s.t.words[h.word]
	if w.first < 0x80 && isAlnum(w.first) && h.start > 0 && isAlnum(s.r[h.start-1]) {
		return false
	}
	if w.last < 0x80 && isLetter(w.last) && h.end < len(s.r) && isLetter(s.r[h.end]) && !(s.boxed(h.end) && !s.boxed(h.end-1)) {
		return false
	}
	return true
}

// boxed reports that unit k was written in a box ("vx〔b〕〔e〕…": textnorm
// dropped the brackets and widened the unit over them): a box after a
// keyword's last letter, itself not boxed, is a word boundary.
func (s *textScan) boxed(k int) bool {
	r, _ := utf8.DecodeRuneInString(s.orig[s.n.Start[k]:])
	return r == '<' || unicode.Is(unicode.Ps, r)
}

// emit records a finding over units [i, j).
func (s *textScan) emit(i, j int, c class) {
	start, end := s.n.Span(i, j)
	s.found.add(textMatch{Start: start, End: end, class: c})
}

func (s *textScan) take(i, j int) {
	for k := i; k < j; k++ {
		s.taken[k] = true
	}
}

// keywordsAndLinks walks the text once, left to right: a keyword reads the
// identifier after it (or, failing that, before it), a link is read where a
// host begins. What a finding claims is not read again.
func (s *textScan) keywordsAndLinks() {
	for i := 0; i < len(s.r); {
		if s.taken[i] {
			i++
			continue
		}
		if end, ok := s.wxidAt(i); ok {
			i = end
			continue
		}
		if w := s.at[i]; w >= 0 && s.isKeyword(s.words[w]) && !s.paymentMention(int(w)) {
			if end, ok := s.link(i); ok {
				i = end
				continue
			}
			i = s.keyword(int(w))
			continue
		}
		if s.labelStart(i) {
			if end, ok := s.link(i); ok {
				i = end
				continue
			}
			for i++; i < len(s.r) && (isAlnum(s.r[i]) || s.r[i] == '-'); i++ {
			}
			continue
		}
		i++
	}
}

// isKeyword reports whether a dictionary hit introduces a channel here: a
// channel word, and for a short form ("v", "薇") only after a prompt
// ("加我v") or right before a value separator ("V：", "v→").
func (s *textScan) isKeyword(h hit) bool {
	w := s.t.words[h.word]
	if w.kind != wordChannel {
		return false
	}
	return !w.short || s.promptBefore(h.start) || s.valueSepAfter(h.end)
}

// paymentMention reports a channel keyword listed with payment words
// ("pay by Alipay / WeChat", "微信、支付宝付款", "PayPal or WeChat
// accepted"): the hits joined to words[w] by list separators hold a word
// saying a payment. A list of methods alone ("支付宝/微信：abc_123") says
// nothing about paying.
func (s *textScan) paymentMention(w int) bool {
	pay := false
	member := func(k int) bool {
		switch s.t.words[s.words[k].word].kind {
		case wordPay:
			pay = true
			return true
		case wordPayMethod, wordChannel:
			return true
		}
		return false
	}
	for k := w - 1; k >= 0 && s.listedTogether(s.words[k].end, s.words[k+1].start) && member(k); k-- {
	}
	for k := w + 1; k < len(s.words) && s.listedTogether(s.words[k-1].end, s.words[k].start) && member(k); k++ {
	}
	return pay
}

// listedTogether reports whether units [i, j) only join the items of a
// list: blanks, "/", "、", "&", "|", "or", "and", 或, 和, 及, 与. A comma
// and a colon may end a clause ("支持微信支付，加微信：…"), so they end a list.
func (s *textScan) listedTogether(i, j int) bool {
	for i < j {
		switch r := s.r[i]; {
		case isSpace(r), r == '/', r == '、', r == '&', r == '|', r == '或', r == '和', r == '及', r == '与':
			i++
		case s.hasPrefix(i, "or") && (i+2 == j || !isLetter(s.r[i+2])):
			i += 2
		case s.hasPrefix(i, "and") && (i+3 == j || !isLetter(s.r[i+3])):
			i += 3
		default:
			return false
		}
	}
	return true
}

// promptBefore reports a prompt word ending before unit i, with at most
// MaxFiller filler characters and any blanks between.
func (s *textScan) promptBefore(i int) bool {
	j := i - 1
	for k := 0; ; k++ {
		for j >= 0 && isSpace(s.r[j]) {
			j--
		}
		if j < 0 {
			return false
		}
		if s.prompt[j] {
			return true
		}
		if k == s.t.cfg.MaxFiller || !s.t.fillers[s.r[j]] {
			return false
		}
		j--
	}
}

// valueSepAfter reports a separator that announces a value (":", "=",
// an arrow) at unit i, a blank allowed before it, and an identifier
// character after it.
func (s *textScan) valueSepAfter(i int) bool {
	if i < len(s.r) && s.r[i] == ' ' {
		i++
	}
	if i+1 < len(s.r) && s.r[i] == '-' && s.r[i+1] == '>' {
		i++ // "V->abc"
	}
	if i >= len(s.r) || !isValueSep(s.r[i]) {
		return false
	}
	for i++; i < len(s.r) && (isSpace(s.r[i]) || isValueSep(s.r[i])); i++ {
	}
	return i < len(s.r) && isIDRune(s.r[i])
}

// wxidAt reads an ID in WeChat's default form at unit i and records it.
func (s *textScan) wxidAt(i int) (int, bool) {
	end, id, ok := s.readWxid(i)
	if !ok {
		return i, false
	}
	c := s.t.wxid
	c.Identifier = id
	s.emit(i, end, c)
	s.take(i, end)
	return end, true
}

// readWxid reads an ID in WeChat's default form at unit i, its pieces
// joined across what a seller inserted ("w·x·i·d·_…", "wxid-_ab-cd…").
func (s *textScan) readWxid(i int) (int, string, bool) {
	if s.t.wxid.Category == "" || i >= len(s.r) || s.r[i] != 'w' || i > 0 && isIDRune(s.r[i-1]) {
		return i, "", false
	}
	s.wxidMode = true
	cs := s.chunks(i, false)
	s.wxidMode = false
	for n := len(cs); n > 0; n-- {
		if id, ok := wxid(s.joinID(cs[:n])); ok {
			return cs[n-1].e, id, true
		}
	}
	return i, "", false
}

// wxid reads WeChat's default ID form, "wxid_" and 6–20 letters and
// digits; a '-' in it was inserted.
func wxid(id string) (string, bool) {
	id = strings.ReplaceAll(id, "-", "")
	rest, ok := strings.CutPrefix(id, "wxid_")
	if !ok || len(rest) < 6 || len(rest) > 20 {
		return "", false
	}
	for i := 0; i < len(rest); i++ {
		if !isAlnum(rune(rest[i])) {
			return "", false
		}
	}
	return id, true
}

// labelStart reports whether a host name could begin at unit i.
func (s *textScan) labelStart(i int) bool {
	if !isAlnum(s.r[i]) {
		return false
	}
	if i == 0 {
		return true
	}
	p := s.r[i-1]
	return !isIDRune(p) && p != '.' && p != '-' && p != '@'
}

// link reads a link starting at unit i and records it.
func (s *textScan) link(i int) (int, bool) {
	end, u, ok := s.readURL(i)
	if !ok {
		return i, false
	}
	c := s.t.p.classifyURL(u, u.Identifier())
	if c.Action == Allow && s.lookalike(i, end) {
		c = s.t.p.defaultURL // a platform host in look-alike letters is another site
		c.Identifier = u.Identifier()
	}
	s.emit(i, end, c)
	s.take(i, end)
	return end, true
}

// lookalike reports a letter of another script read as a Latin letter
// among units [i, j) ("tаobao" with a Cyrillic а); full-width and styled
// letters are the same letters.
func (s *textScan) lookalike(i, j int) bool {
	for k := i; k < j; k++ {
		if !isLetter(s.r[k]) {
			continue
		}
		orig, _ := utf8.DecodeRuneInString(s.orig[s.n.Start[k]:s.n.End[k]])
		if orig >= utf8.RuneSelf && unicode.IsLetter(orig) && !isASCIIString(norm.NFKC.String(string(orig))) {
			return true
		}
	}
	return false
}

func isASCIIString(x string) bool {
	for i := 0; i < len(x); i++ {
		if x[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// bareNumbers reports the mobile numbers that stand alone in what the
// keywords and links left.
func (s *textScan) bareNumbers() {
	if s.t.bare.Category == "" {
		return
	}
	for i := 0; i < len(s.r); {
		if s.taken[i] || !isDigit(s.r[i]) || i > 0 && (isAlnum(s.r[i-1]) || s.r[i-1] == '_') {
			i++
			continue
		}
		cs := s.chunks(i, true)
		end := cs[len(cs)-1].e
		if digits, ok := joinDigits(s.r, cs); ok && !s.afterContext(i) &&
			!(end < len(s.r) && (isAlnum(s.r[end]) || s.r[end] == '_')) {
			if id, ok := mobile(digits); ok {
				c := s.t.bare
				c.Identifier = id
				s.emit(i, end, c)
				s.take(i, end)
			}
		}
		i = end
	}
}

// afterContext reports whether a context word ("订单号", "SKU") stands just
// before unit i, so the number there is a product number.
func (s *textScan) afterContext(i int) bool {
	j := i - 1
	for k := 0; j >= 0 && k < 4 && (isSpace(s.r[j]) || s.r[j] == ':' || s.r[j] == '#' || s.r[j] == '.'); k++ {
		j--
	}
	if j < 0 {
		return false
	}
	return s.ctx[j]
}
