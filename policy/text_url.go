package policy

import (
	"slices"
	"strings"
)

// Links written into text: with or without a scheme, upper case or full
// width (folded by textnorm), and with the dots disguised as "[.]", "(dot)",
// "点" or blanks around a dot. A host whose dots are all blanks ("wa me/…")
// is read only when it is one of the policy's link hosts.

// linkWords are the compiled link_words of the policy: the tokens that
// stand for a link's dot, colon, slash and '@', normalised like text.
type linkWords struct {
	dot, colon, slash, at tokens
}

// tokens are one kind of link token, longest first, grouped by their first
// rune: reading a token at a unit tries only those that can start there
// (there are some 150 dot tokens, and a dot is tried after every word).
type tokens struct {
	ascii [128][][]rune
	other map[rune][][]rune
}

func newTokens(toks [][]rune) tokens {
	ts := tokens{other: map[rune][][]rune{}}
	for _, t := range toks {
		if c := t[0]; c < 128 {
			ts.ascii[c] = append(ts.ascii[c], t)
		} else {
			ts.other[c] = append(ts.other[c], t)
		}
	}
	return ts
}

// at returns the tokens that may start at unit k of r, in their order.
func (ts *tokens) at(r []rune, k int) [][]rune {
	switch {
	case k >= len(r):
		return nil
	case r[k] < 128:
		return ts.ascii[r[k]]
	}
	return ts.other[r[k]]
}

// compileLinkWords normalises the policy's tokens; a token of ASCII letters
// only ("dot") is a word, read only with blanks on both sides.
func (t *textScanner) compileLinkWords(c linkWordsSpec) linkWords {
	conv := func(toks []string, plain string) tokens {
		out := [][]rune{}
		for _, tok := range toks {
			if rs := t.compactRunes(tok); len(rs) > 0 {
				out = append(out, rs)
			}
		}
		// The symbol and every word in any pair of brackets: "〔.〕",
		// "【dot】", "（/）" (full-width brackets are folded already).
		for _, inner := range append([][]rune{[]rune(plain)}, slices.Clone(out)...) {
			if len(inner) > 1 && !isWordToken(inner) {
				continue
			}
			for _, p := range bracketPairs {
				out = append(out, slices.Concat([]rune{p[0]}, inner, []rune{p[1]}))
			}
		}
		// Longest first, the plain character last: "(.)" before ".".
		slices.SortStableFunc(out, func(a, b []rune) int { return len(b) - len(a) })
		return newTokens(append(out, []rune(plain)))
	}
	return linkWords{dot: conv(c.Dot, "."), colon: conv(c.Colon, ":"), slash: conv(c.Slash, "/"), at: conv(c.At, "@")}
}

// bracketPairs are the brackets a link's punctuation is put in.
var bracketPairs = [][2]rune{{'(', ')'}, {'[', ']'}, {'{', '}'}, {'<', '>'}, {'【', '】'}, {'〔', '〕'}, {'「', '」'},
	{'『', '』'}, {'〖', '〗'}, {'《', '》'}, {'〈', '〉'}, {'⟦', '⟧'}}

// isWordToken reports a token spelled in letters ("dot", "slash"): it
// stands for its symbol only with blanks on both sides ("t dot me").
func isWordToken(t []rune) bool {
	for _, r := range t {
		if !isLetter(r) {
			return false
		}
	}
	return true
}

// schemeNames are the schemes a link is read with; a defanged "hxxp" is
// http.
var schemeNames = []string{"https", "http", "hxxps", "hxxp", "weixin", "wxp"}

// readScheme reads a scheme at unit j, however it is written: its letters
// with single blanks between them ("h t t p s"), defanged ("hxxps"), then
// a colon and two slashes, each possibly a word or in brackets ("[:]//",
// "冒号斜杠斜杠", "[://]", ": / /"). It returns the scheme and the unit
// after it.
func (s *textScan) readScheme(j int) (string, int, bool) {
	r := s.r
	if j >= len(r) || (r[j] != 'h' && r[j] != 'w') || j > 0 && isAlnum(r[j-1]) {
		return "", j, false
	}
	var name []rune
	prefix := func(c rune) bool {
		return slices.ContainsFunc(schemeNames, func(n string) bool { return strings.HasPrefix(n, string(name)+string(c)) })
	}
	k := j
	for k < len(r) {
		switch {
		case isLetter(r[k]) && prefix(r[k]):
			name = append(name, r[k])
			k++
			continue
		case r[k] == ' ' && len(name) > 0 && k+1 < len(r) && isLetter(r[k+1]) && prefix(r[k+1]):
			k++ // "h t t p s"
			continue
		}
		break
	}
	scheme := string(name)
	if !slices.Contains(schemeNames, scheme) {
		return "", j, false
	}
	scheme = strings.ReplaceAll(scheme, "xx", "tt")
	k = s.blanks(k)
	if e, ok := s.inBrackets(k, "://"); ok { // "[://]", "(://)"
		return scheme, e, true
	}
	e, ok := s.token(k, &s.t.links.colon)
	if !ok {
		return "", j, false
	}
	k = s.blanks(e)
	for n := 0; n < 2; n++ {
		e, ok := s.token(k, &s.t.links.slash)
		if !ok {
			return "", j, false
		}
		k = s.blanks(e)
	}
	return scheme, k, true
}

// blanks skips at most two blanks from unit k.
func (s *textScan) blanks(k int) int {
	for n := 0; n < 2 && k < len(s.r) && s.r[k] == ' '; n++ {
		k++
	}
	return k
}

// inBrackets reads sym between brackets at unit k ("[://]", "(:)").
func (s *textScan) inBrackets(k int, sym string) (int, bool) {
	for _, p := range [][2]rune{{'[', ']'}, {'(', ')'}, {'{', '}'}, {'<', '>'}} {
		if s.hasPrefix(k, string(p[0])+sym+string(p[1])) {
			return k + len([]rune(sym)) + 2, true
		}
	}
	return k, false
}

// token reads one of toks at unit k, a word token only before a blank or
// a symbol.
func (s *textScan) token(k int, toks *tokens) (int, bool) {
	for _, t := range toks.at(s.r, k) {
		if s.hasRunes(k, t) {
			e := k + len(t)
			if isWordToken(t) && (k > 0 && isLetter(s.r[k-1]) || e < len(s.r) && isLetter(s.r[e])) {
				continue
			}
			return e, true
		}
	}
	return k, false
}

const maxLabels = 10

// readURL reads a link at unit i: it returns the unit after it.
func (s *textScan) readURL(i int) (int, *URL, bool) {
	return s.readLink(i, false)
}

// readLink reads a link at unit i; afterAt says it follows a userinfo's
// '@', which otherwise marks a mail address's domain, not a link.
func (s *textScan) readLink(i int, afterAt bool) (int, *URL, bool) {
	r := s.r
	if !afterAt && i > 0 && r[i-1] == '@' {
		return i, nil, false
	}
	j := i
	scheme, j, _ := s.readScheme(j)
	if scheme == "weixin" || scheme == "wxp" {
		k := s.pathEnd(j)
		if k == j {
			return i, nil, false
		}
		u, ok := parseURL(scheme + "://" + string(r[j:k]))
		return k, u, ok
	}
	var labels [maxLabels][2]int
	var dots [maxLabels]string // dots[k] stands after labels[k]
	nl := 0
	for nl < maxLabels {
		k := j
		for k < len(r) && !s.taken[k] && (isAlnum(r[k]) || r[k] == '-') {
			k++
		}
		if k == j {
			return i, nil, false
		}
		labels[nl] = [2]int{j, k}
		nl++
		j = k
		if d, _ := s.slash(j); d > 0 {
			break // the path begins
		}
		d, kind := s.dot(j)
		if d == 0 {
			break
		}
		j += d
		dots[nl-1] = kind
	}
	// Top-level domains have letters: "299.00" is a price, and in
	// "shangpin.net . 9000毫安" the host ends before the number.
	for nl >= 2 && !hasLetter(r[labels[nl-1][0]:labels[nl-1][1]]) {
		nl--
		j = labels[nl-1][1]
	}
	if nl == 1 && scheme != "" && !afterAt {
		// "https://user@shop.example.com": after a scheme, a one-word
		// userinfo; the host follows its '@'.
		if at, ok := s.token(j, &s.t.links.at); ok {
			return s.readLink(at, true)
		}
	}
	if nl < 2 {
		return i, nil, false
	}
	if scheme == "" && isDigit(r[labels[nl-1][0]]) {
		// "3.5kg", "6.78英寸": without a scheme a link's top-level domain
		// must be a public suffix, and none begins with a digit; saying so
		// here spares building and parsing a host for every measurement.
		return i, nil, false
	}
	disguised, blankDot, realDot := false, false, false
	for _, kind := range dots[:nl-1] {
		disguised = disguised || kind != "."
		blankDot = blankDot || kind == " "
		realDot = realDot || kind != " "
	}
	// "or weixin点qq点com", "model x3": a blank-dotted host must be a link
	// host as a whole (checked before any parsing: words of prose come here).
	if blankDot && (realDot || !s.t.linkHosts[s.hostOf(labels[:nl])]) {
		return i, nil, false
	}
	if at, ok := s.token(j, &s.t.links.at); ok && !afterAt {
		// "item.taobao.com@tb-goods.cn/i/7731": the host follows the
		// userinfo, which a link to a known or shop-like host disguises.
		if u, ok := parseURL(s.hostOf(labels[:nl])); ok && (scheme != "" || s.t.knownHost(u) || commonTLD[tld(u.Host)]) {
			if end, u, ok := s.readLink(at, true); ok {
				return end, u, true
			}
		}
		return i, nil, false
	}
	if j < len(r) && r[j] == '_' {
		return i, nil, false // "lanm.ing_368" is an ID, not a host
	}
	path := ""
	if j < len(r) && (r[j] == '?' || r[j] == ':') {
		k := s.pathEnd(j)
		path, j = string(r[j:k]), k
	}
	path, j = s.readPath(path, j)
	raw := s.hostOf(labels[:nl]) + path
	if scheme != "" {
		raw = scheme + "://" + raw
	}
	u, ok := parseURL(raw)
	if !ok {
		return i, nil, false
	}
	if disguised && scheme == "" && path == "" && !s.t.knownHost(u) && !commonTLD[tld(u.Host)] {
		return i, nil, false // "好评点赞" is not a host; "lehuo点shop" is
	}
	return j, u, true
}

// hostOf joins a host's labels (units [l[0], l[1])) with dots.
func (s *textScan) hostOf(labels [][2]int) string {
	var b strings.Builder
	for k, l := range labels {
		if k > 0 {
			b.WriteByte('.')
		}
		for _, c := range s.r[l[0]:l[1]] {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// commonTLD are the top-level domains a disguised bare host is read with
// (one with a scheme or a path needs none): generic ones listing shops use
// and China's.
var commonTLD = map[string]bool{
	"com": true, "cn": true, "net": true, "org": true, "top": true, "shop": true, "vip": true, "xyz": true,
	"cc": true, "me": true, "io": true, "co": true, "info": true, "store": true, "online": true, "site": true,
	"club": true, "ltd": true, "tv": true, "hk": true, "tw": true, "biz": true, "app": true, "link": true, "ly": true,
}

func tld(host string) string {
	return host[strings.LastIndexByte(host, '.')+1:]
}

func hasLetter(rs []rune) bool {
	for _, r := range rs {
		if isLetter(r) {
			return true
		}
	}
	return false
}

// dot reads a dot token at unit j, with blanks around it; a bare blank is a
// dot of kind " ". It returns the token's length in units.
func (s *textScan) dot(j int) (int, string) {
	r := s.r
	k := j
	for k < len(r) && k-j < 2 && r[k] == ' ' {
		k++
	}
	for _, t := range s.t.links.dot.at(r, k) {
		if s.hasRunes(k, t) {
			e := k + len(t)
			for e < len(r) && e-k-len(t) < 2 && r[e] == ' ' {
				e++
			}
			before, after := k-j, e-k-len(t)
			if (before == 0) != (after == 0) || isWordToken(t) && before == 0 || e >= len(r) || !isAlnum(r[e]) || s.taken[e] {
				return 0, "" // "opened. Contact" ends a sentence
			}
			kind := string(t)
			if before > 0 {
				kind = " " + kind
			}
			return e - j, kind
		}
	}
	if k > j && k < len(r) && isAlnum(r[k]) && !s.taken[k] {
		return k - j, " "
	}
	return 0, ""
}

// slash reads a slash token at unit j, with the same blanks on both sides
// or none ("wa.me / 86…", "t.me slash abc"). It returns its length in
// units and whether anything follows it that a path can hold.
func (s *textScan) slash(j int) (int, bool) {
	r := s.r
	k := j
	for k < len(r) && k-j < 2 && r[k] == ' ' {
		k++
	}
	for _, t := range s.t.links.slash.at(r, k) {
		if !s.hasRunes(k, t) {
			continue
		}
		e := k + len(t)
		for e < len(r) && e-k-len(t) < 2 && r[e] == ' ' {
			e++
		}
		before, after := k-j, e-k-len(t)
		if (before == 0) != (after == 0) || isWordToken(t) && before == 0 {
			return 0, false
		}
		return e - j, s.pathEnd(e) > e
	}
	return 0, false
}

// readPath reads a link's path from unit j, its slashes possibly disguised,
// after what was read so far, and returns it and the unit after it.
func (s *textScan) readPath(path string, j int) (string, int) {
	var b strings.Builder
	b.WriteString(path)
	for b.Len() < maxPathUnits {
		d, more := s.slash(j)
		if d == 0 {
			break
		}
		if !more {
			if d == 1 {
				b.WriteByte('/') // a trailing slash belongs to the span
				j++
			}
			break
		}
		k := s.pathEnd(j + d)
		b.WriteByte('/')
		b.WriteString(string(s.r[j+d : k]))
		j = k
	}
	return b.String(), j
}

// maxPathUnits bounds the path a link is read with: about the longest URL
// browsers and crawlers handle without trouble (sitemaps allow 2,048
// characters), far past any channel's link. The payload and the identifier
// both carry the path, so a finding stays a few KiB however long the text.
const maxPathUnits = 2048

// pathEnd is the end of a link's path, query or opaque part starting at j:
// printable ASCII up to a blank (at most maxPathUnits), trailing punctuation
// left out.
func (s *textScan) pathEnd(j int) int {
	r := s.r
	k := j
	for k < len(r) && k-j < maxPathUnits && !s.taken[k] && r[k] > ' ' && r[k] < 0x7F && !strings.ContainsRune(",()[]<>\"'{}|\\^`", r[k]) {
		k++
	}
	for k > j && strings.ContainsRune(".;:!?~*", r[k-1]) {
		k--
	}
	return k
}

func (s *textScan) hasPrefix(j int, p string) bool {
	for _, c := range p {
		if j >= len(s.r) || s.r[j] != c {
			return false
		}
		j++
	}
	return true
}

func (s *textScan) hasRunes(j int, p []rune) bool {
	if j+len(p) > len(s.r) {
		return false
	}
	for i, c := range p {
		if s.r[j+i] != c {
			return false
		}
	}
	return true
}

// knownHost reports a host named by one of the policy's link rules.
func (t *textScanner) knownHost(u *URL) bool {
	if t.linkHosts[u.Host] || t.linkHosts[u.Domain] {
		return true
	}
	for h := u.Host; ; {
		i := strings.IndexByte(h, '.')
		if i < 0 {
			return false
		}
		h = h[i+1:]
		if t.linkHosts[h] {
			return true
		}
	}
}
