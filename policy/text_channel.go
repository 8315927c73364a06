package policy

import "strings"

// keyword reads the channel introduced by the dictionary hit words[w]: the
// keywords chained to it ("手机微信同号", "电话/微信"), then the identifier
// after them or, failing that, the one just before them. It returns the unit
// to continue from.
func (s *textScan) keyword(w int) int {
	s.chanSpans = s.chanSpans[:0]
	first := s.words[w]
	var chans []int
	same := false
	end := first.end
	lastWord := s.t.words[first.word]
	chans = append(chans, lastWord.channel)
	gapStart, g := end, end
	for {
		g = end
		for k := 0; g < len(s.r) && k < s.t.cfg.MaxGap && !s.taken[g] && isGap(s.r[g]); k++ {
			g++
		}
		next := int32(-1)
		if g < len(s.r) {
			next = s.at[g]
		}
		if next < 0 {
			// "微信就是电话", "WeChat = my phone": fillers between two
			// keywords chain them, so both read the identifier.
			if j, void := s.skipFillers(g); !void && j > g && j < len(s.r) && s.at[j] >= 0 && s.t.words[s.words[s.at[j]].word].kind == wordChannel {
				g, next = j, s.at[j]
			}
		}
		if next < 0 {
			break
		}
		if _, _, ok := s.readURL(g); ok {
			break // "微信 weixin.qq.com/r/…": the next keyword begins a link
		}
		if _, _, ok := s.readWxid(g); ok {
			break // "微信：wxid_…" is an ID, not the keyword "wxid"
		}
		h := s.words[next]
		wd := s.t.words[h.word]
		switch {
		case wd.kind == wordChannel && !s.isKeyword(h):
			next = -1 // "微信 q 443…": a short form here begins the ID
		case wd.kind == wordChannel:
			chans = append(chans, wd.channel)
			lastWord = wd
		case wd.kind == wordSame:
			same = true
		case wd.kind == wordFiller:
		default:
			next = -1
		}
		if next < 0 {
			break
		}
		end = h.end
		gapStart = end
	}
	// A link right after the keyword ("微信 weixin.qq.com/r/…") is read as a link.
	idStart := g
	at := false
	if idStart < len(s.r) && s.r[idStart] == '@' {
		at = true
		idStart++
	}
	if idStart < len(s.r) && !at {
		if _, u, ok := s.readURL(idStart); ok && (u.Scheme != "" || u.Path != "") {
			return idStart
		}
	}
	// "VX-8240": an ASCII keyword hyphenated to what follows names a model.
	model := isLetter(lastWord.last) && g == gapStart+1 && s.r[gapStart] == '-'
	found, void := false, false
	read := func(gStart, idStart int, at bool) {
		if idStart >= len(s.r) || !isIDRune(s.r[idStart]) || s.taken[idStart] {
			return
		}
		if e, id, ok := s.readWxid(idStart); ok {
			c := s.t.wxid
			c.Identifier, c.Rule = id, c.Category+".wxid-keyword"
			s.emit(first.start, e, c)
			found, end = true, max(end, e)
			return
		}
		gap := s.r[gStart:idStart]
		// An identifier in brackets is one value, blanks and all:
		// "Wei Xin（xiao_k ai_ming）".
		if c, ok := s.closingBracket(gap, idStart); ok {
			s.stop, s.bracketed = c, true
			defer func() { s.stop, s.bracketed = len(s.r), false }()
		}
		cs := s.chunks(idStart, false)
		// "电话 138… 微信同号": keywords after the number that say "the same
		// number" add their channels.
		chans := chans
		same := same
		if more, ok := s.trailingSame(cs[len(cs)-1].e); ok {
			chans = append(chans, more...)
			same = true
		}
		for _, ci := range dedupe(chans) {
			ch := &s.t.channels[ci]
			if n, id, kind, ok := s.identify(ch, cs, at, gap, lastWord); ok && !(model && kind != idMobile) {
				c := class{Category: ch.category, Action: ch.action, Rule: ch.name + "." + ruleKind(kind) + "-keyword", Identifier: id}
				s.emitChannel(first.start, cs[n-1].e, c, same && kind == idMobile)
				found = true
				end = max(end, cs[n-1].e)
			}
		}
	}
	read(gapStart, idStart, at)
	if !found && !model {
		// Words between keyword and identifier: "QQ me: 123…", "WeChat me →
		// abc…", "微信是我的 abc…". A stopword among them ("WeChat Pay OK /
		// 618") means the keyword names something else.
		var j int
		j, void = s.skipFillers(gapStart)
		if !void && j > g {
			at := j < len(s.r) && s.r[j] == '@'
			if at {
				j++
			}
			read(gapStart, j, at)
		}
	}
	if !found && !void {
		found = s.before(first.start, chans, same)
	}
	if found {
		s.take(first.start, end)
	}
	return end
}

// skipFillers skips, from unit i on, blanks and separators and at most
// MaxFiller filler units: filler characters, emoji, and ASCII words of at
// most MaxFiller letters. It returns where an identifier could start, and
// void when a stopword stands there.
func (s *textScan) skipFillers(i int) (int, bool) {
	n := 0
	for i < len(s.r) && !s.taken[i] {
		r := s.r[i]
		switch {
		case isGap(r):
			if isStrongSep(r) && !isValueSep(r) && r >= 0x80 {
				n++ // an emoji counts as a filler
			}
			i++
		case s.t.fillers[r]:
			n++
			i++
		case isLetter(r) && (i == 0 || !isAlnum(s.r[i-1])):
			e := i
			for e < len(s.r) && isLetter(s.r[e]) {
				e++
			}
			if e < len(s.r) && (isDigit(s.r[e]) || isJoiner(s.r[e]) && e+1 < len(s.r) && isIDRune(s.r[e+1])) || s.spelledOutAt(i, e) {
				return i, false // an identifier ("an-cat98", "x/5/u")
			}
			if s.t.stopwords[string(s.r[i:e])] {
				return i, true
			}
			if e-i > s.t.cfg.MaxFiller {
				return i, false
			}
			n++
			i = e
		default:
			return i, false
		}
		if n > s.t.cfg.MaxFiller {
			return i, false
		}
	}
	return i, false
}

// maxBracketed bounds an identifier read between brackets.
const maxBracketed = 48

// closingBracket finds the bracket that closes one opened in gap, when only
// identifier characters, separators and blanks stand before it.
func (s *textScan) closingBracket(gap []rune, i int) (int, bool) {
	open := false
	for _, r := range gap {
		open = open || strings.ContainsRune("([{【「『〔〖《〈", r)
	}
	if !open {
		return 0, false
	}
	letter := false // digit groups join across blanks anyway: "(020) 3852"
	for j := i; j < len(s.r) && j-i < maxBracketed && !s.taken[j]; j++ {
		switch r := s.r[j]; {
		case strings.ContainsRune(")]}】」』〕〗》〉", r):
			return j, letter
		case isLetter(r):
			letter = true
		case isIDRune(r) || isSpace(r) || isIDSep(r) && !isValueSep(r):
		default:
			return 0, false
		}
	}
	return 0, false
}

// trailingSame reads the keywords after an identifier ending at unit e and
// reports their channels when they include a same-number word ("微信同号").
func (s *textScan) trailingSame(e int) ([]int, bool) {
	var chans []int
	same := false
	for g := e; ; {
		for k := 0; g < len(s.r) && k < s.t.cfg.MaxGap && isGap(s.r[g]); k++ {
			g++
		}
		if g >= len(s.r) || s.at[g] < 0 {
			break
		}
		h := s.words[s.at[g]]
		switch wd := s.t.words[h.word]; wd.kind {
		case wordChannel:
			chans = append(chans, wd.channel)
		case wordSame:
			same = true
		case wordFiller:
		default:
			return chans, same
		}
		g = h.end
	}
	return chans, same
}

// emitChannel records a channel and, after "同号", the phone behind a mobile ID.
// Only the keyword being read can have emitted the same span: what earlier
// keywords read is taken.
func (s *textScan) emitChannel(i, j int, c class, same bool) {
	st, en := s.n.Span(i, j)
	for _, m := range s.chanSpans {
		if m.Identifier == c.Identifier && m.Category == c.Category && m.Start == st && m.End == en {
			return
		}
	}
	s.chanSpans = append(s.chanSpans, textMatch{Start: st, End: en, class: c})
	s.emit(i, j, c)
	if same && s.t.sameNumber.Category != "" && c.Category != s.t.sameNumber.Category {
		p := s.t.sameNumber
		p.Identifier = c.Identifier
		s.emitChannel(i, j, p, false)
	}
}

func ruleKind(kind string) string {
	switch kind {
	case idWechat:
		return "id"
	case idQQ, idIntl, idLocal:
		return "number"
	}
	return kind
}

func dedupe(xs []int) []int {
	out := xs[:0:0]
	for _, x := range xs {
		dup := false
		for _, y := range out {
			dup = dup || x == y
		}
		if !dup {
			out = append(out, x)
		}
	}
	return out
}

// identify finds the longest run of pieces cs[:n] that is an identifier of
// one of ch's kinds, in the order the policy lists them.
func (s *textScan) identify(ch *channel, cs []chunk, at bool, gap []rune, kw word) (int, string, string, bool) {
	for _, kind := range ch.ids {
		for n := len(cs); n > 0; n-- {
			if id, ok := s.identifier(kind, cs[:n], at, gap, kw); ok {
				return n, id, kind, true
			}
		}
	}
	return 0, "", "", false
}

// identifier validates pieces as one kind of identifier and normalises it.
func (s *textScan) identifier(kind string, cs []chunk, at bool, gap []rune, kw word) (string, bool) {
	cfg := &s.t.cfg
	switch kind {
	case idMobile:
		if d, ok := joinDigits(s.r, cs); ok {
			return mobile(d)
		}
	case idQQ:
		if d, ok := joinDigits(s.r, cs); ok && d[0] != '0' && len(d) >= cfg.QQ.Min && len(d) <= cfg.QQ.Max {
			return d, true
		}
	case idLandline:
		if d, ok := joinDigits(s.r, cs); ok {
			return landline(d, len(strings.ReplaceAll(string(s.r[cs[0].s:cs[0].e]), "_", "")))
		}
	case idIntl:
		if d, ok := joinDigits(s.r, cs); ok {
			if d[0] != '0' && len(d) >= 8 && len(d) <= 15 && containsRune(gap, '+') {
				return d, true // the country code is written
			}
			if intl, ok := strings.CutPrefix(d, "00"); ok && len(intl) >= 8 && len(intl) <= 15 && intl[0] != '0' {
				if m, ok := mobile(d); ok {
					return "86" + m, true
				}
				return intl, true // "00852 6653-5899": the international prefix
			}
			if m, ok := mobile(d); ok {
				return "86" + m, true
			}
		}
	case idLocal:
		// Hong Kong, Macau and Singapore numbers have 8 digits, Taiwan's 9
		// or 10 (0912 345 678), North America's 10 ((415) 555-0132).
		if d, ok := joinDigits(s.r, cs); ok && len(d) >= 8 && len(d) <= 12 {
			return d, true
		}
	case idWechat, idHandle:
		id := s.joinID(cs)
		if w, ok := wxid(id); ok && kind == idWechat {
			return w, true
		}
		lim := cfg.WechatID
		if kind == idHandle {
			lim = cfg.Handle
		}
		if len(id) < lim.Min || len(id) > lim.Max || !isLetter(rune(id[0])) || s.t.stopwords[id] {
			return "", false
		}
		if kind == idHandle && strings.Contains(id, "-") {
			return "", false
		}
		// A word of letters only after an English keyword and a blank is
		// more likely prose ("WeChat anytime", "Telegram channel") than an
		// ID; a handle's '@' says it is one.
		if lettersOnly(id) && kw.ascii && !strongGap(gap) && !at {
			return "", false
		}
		if kind == idHandle {
			return "@" + id, true // written with or without its '@'
		}
		return id, true
	}
	return "", false
}

// joinID joins identifier pieces, keeping a single '-' between two pieces
// longer than one character (it may be part of the ID).
func (s *textScan) joinID(cs []chunk) string {
	var b strings.Builder
	for i, c := range cs {
		if i > 0 && c.dash && c.e-c.s > 1 && cs[i-1].e-cs[i-1].s > 1 {
			b.WriteByte('-')
		}
		b.WriteString(string(s.r[c.s:c.e]))
	}
	return b.String()
}

func containsRune(rs []rune, r rune) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

func lettersOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isLetter(rune(s[i])) {
			return false
		}
	}
	return true
}

// strongGap reports a gap that marks what follows as a value (colon, arrow,
// bracket, emoji), not a next word.
func strongGap(gap []rune) bool {
	for _, r := range gap {
		if !isSpace(r) && !isLetter(r) { // filler words are no mark: "WeChat for more photos"
			return true
		}
	}
	return false
}

// before reads an identifier written just before the keywords
// ("abc_123（微信）", "13812345678 微信同号"). Only IDs that cannot be words
// are taken: numbers, or IDs holding a digit or an underscore, and not
// after a context word.
func (s *textScan) before(kwStart int, chans []int, same bool) bool {
	e, ok := s.fillersBefore(kwStart)
	if !ok || e == 0 || !isIDRune(s.r[e-1]) || s.taken[e-1] {
		return false
	}
	// The identifier may be split ("5377~0～24 (就是扣扣)"): try the pieces
	// to the left of e, the longest first, read forward as after a keyword
	// and ending exactly at e.
	s.stop = e
	defer func() { s.stop = len(s.r) }()
	starts := s.pieceStarts(e)
	for k := len(starts) - 1; k >= 0; k-- {
		st := starts[k]
		if s.afterContext(st) {
			continue
		}
		cs := s.chunks(st, false)
		if cs[len(cs)-1].e != e {
			continue
		}
		if s.identifyBefore(st, e, cs, chans, same) {
			return true
		}
	}
	return false
}

// maxPieces bounds how far left an identifier before its keyword is read.
const maxPieces = 32

// pieceStarts lists, right to left, where the pieces of an identifier
// ending at unit e could start.
func (s *textScan) pieceStarts(e int) []int {
	var starts []int
	for j := e; len(starts) < maxPieces; {
		p := j
		for p > 0 && isIDRune(s.r[p-1]) && !s.taken[p-1] {
			p--
		}
		if p == j {
			break
		}
		starts = append(starts, p)
		k := p
		for n := 0; k > 0 && n < s.t.cfg.MaxSeparatorRun+4 && !s.taken[k-1] && (isSpace(s.r[k-1]) || isIDSep(s.r[k-1]) || s.r[k-1] == '(' || s.r[k-1] == ')'); n++ {
			k--
		}
		if k == p || k == 0 || !isIDRune(s.r[k-1]) || s.taken[k-1] {
			break
		}
		j = k
	}
	return starts
}

// identifyBefore reads pieces cs, units [st, e), as an identifier written
// before its keywords. Only IDs that cannot be words are taken: numbers and
// IDs holding a digit or an underscore, or a word standing alone in its
// clause; a handle needs its '@', a foreign number its '+'.
func (s *textScan) identifyBefore(st, e int, cs []chunk, chans []int, same bool) bool {
	at := st > 0 && s.r[st-1] == '@'
	gap := []rune{':'}
	if st > 0 && s.r[st-1] == '+' || st > 1 && s.r[st-1] == ' ' && s.r[st-2] == '+' {
		gap = []rune{'+'}
	}
	if !hasIDMark(s.r[st:e]) && !s.clauseStart(st) {
		return false
	}
	found := false
	for _, ci := range dedupe(chans) {
		ch := &s.t.channels[ci]
		for _, kind := range ch.ids {
			id, ok := s.identifier(kind, cs, at, gap, word{})
			if !ok {
				continue
			}
			start := st
			if at {
				start--
			}
			c := class{Category: ch.category, Action: ch.action, Rule: ch.name + "." + ruleKind(kind) + "-keyword-after", Identifier: id}
			s.emitChannel(start, e, c, same && kind == idMobile)
			s.take(start, e)
			found = true
			break
		}
	}
	return found
}

// clauseStart reports whether unit i begins a clause: the text's start,
// or a line break, sentence punctuation or an opening bracket before it.
func (s *textScan) clauseStart(i int) bool {
	for i > 0 && s.r[i-1] == ' ' {
		i--
	}
	if i == 0 {
		return true
	}
	switch s.r[i-1] {
	case '\n', ',', '.', ';', '!', '?', '。', '、', '(', '[', '【', '「', '『', '〔', '{':
		return true
	}
	return false
}

// spelledOut reports a one-letter word [b, i) after another one: an
// identifier spelled letter by letter ("c a i d u o f a n g").
func (s *textScan) spelledOut(b, i int) bool {
	return i-b == 1 && b >= 2 && s.r[b-1] == ' ' && isIDRune(s.r[b-2]) && (b < 3 || !isAlnum(s.r[b-3]))
}

// spelledOutAt reports a one-letter word [i, e) before another one: an
// identifier spelled letter by letter ("b o p a n 1").
func (s *textScan) spelledOutAt(i, e int) bool {
	return e-i == 1 && e+1 < len(s.r) && s.r[e] == ' ' && isIDRune(s.r[e+1]) && (e+2 >= len(s.r) || !isAlnum(s.r[e+2]))
}

// fillersBefore walks left from unit i over blanks, separators and at most
// MaxFiller filler units ("abc_123 是我的微信", "abc_123 👈 绿泡泡",
// "abc_123 is my WeChat") and returns the unit after the identifier's
// last character. Sentence punctuation and other words stop it.
func (s *textScan) fillersBefore(i int) (int, bool) {
	n := 0
	for i > 0 && !s.taken[i-1] {
		r := s.r[i-1]
		switch {
		case isGap(r) && !isStrongSep(r) || r == '/' || r == '-' || isValueSep(r):
			i--
		case isStrongSep(r) && r >= 0x80:
			n++ // an emoji
			i--
		case s.t.fillers[r]:
			n++
			i--
		case isLetter(r):
			b := i - 1
			for b > 0 && isLetter(s.r[b-1]) {
				b--
			}
			if b > 0 && (isDigit(s.r[b-1]) || isJoiner(s.r[b-1])) || i-b > s.t.cfg.MaxFiller || s.spelledOut(b, i) {
				return i, true // the identifier's own letters ("hh5-an-nana", "x/5/u/h/a/n")
			}
			n++
			i = b
		default:
			return i, true
		}
		if n > s.t.cfg.MaxFiller {
			return i, false
		}
	}
	return i, true
}
