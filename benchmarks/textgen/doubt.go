package main

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The doubt check rejects a composed text that a careful reader could label
// another way: an identifier-like token no label covers, next to a keyword
// or standing where a phone number would be taken; a keyword with two
// identifiers in reach; a label glued to other letters or digits. It reads
// the text broadly on purpose: a rejected text is simply drawn again, while
// a text kept with a doubtful label would mislead every score.

// reach is how many characters (spaces not counted, an identifier counting
// as one) a keyword is taken to reach; the labelling rules allow four
// filler characters plus separators, so this is generous.
const reach = 10

var kwPatterns = map[string]*regexp.Regexp{
	"wechat": regexp.MustCompile(`(?:` + kwChars(weiChars, weiWide, []string{"徽", "v"}) + `)[\s\pP]{0,2}(?:` + kwChars(xinChars, xinWide, xinHeart, []string{"星", "x"}) + `)` +
		`|w[\s\pP]{0,2}x|wei[1-4]?[\s\pP]{0,2}xin|we[\s\pP]?chat|绿色?泡泡|🛰|[加+➕][\s]?[v薇微威]|力口|薇|(?:^|[^a-z0-9])v(?:[^a-z0-9]|$)` +
		`|ㄨㄟ|ㄒㄧㄣ|公众号|服务号|视频号|搜一搜|微信搜|企业微信|official account|channels|卫星`),
	"qq":        regexp.MustCompile(`q[\s\pP]{0,2}q|(?:[扣抠寇蔻叩口]|扌口|扌区|口卩)[\s\pP]?(?:[扣抠寇蔻叩口]|扌口|扌区|口卩)|企[\s\pP]?(?:鹅|我鸟)|🐧|[球秋][\s\pP]?[球秋]|q号|q群|q裙|扣群|群号|君羊|ㄎㄡ|(?:^|[^a-z0-9])q(?:[^a-z0-9]|$)`),
	"phone":     regexp.MustCompile(`手[\s\pP]?(?:机|機|木几)|电[\s\pP]?(?:话|讠舌)|電[\s\pP]?話|座[\s\pP]?(?:机|機)|tel|致[\s\pP]?[电電]|固话|热[\s\pP]?线|phone|call|mob`),
	"messenger": regexp.MustCompile(`whats[\s\pP]?app|telegram|tg|电[\s\pP]?报|纸飞机`),
}

// kwChars is an alternation of keyword characters and their components.
func kwChars(lists ...[]string) string {
	var alts []string
	for _, l := range lists {
		for _, c := range l {
			alts = append(alts, regexp.QuoteMeta(c))
			if parts, ok := chaizi[c]; ok {
				alts = append(alts, parts)
			}
		}
	}
	return strings.Join(alts, "|")
}

var (
	asciiToken    = regexp.MustCompile(`[a-z0-9_\-]+`)
	digitGroup    = regexp.MustCompile(`[0-9](?:[ .\-/、~·_()\[\]【】（）〔〕「」{}]{0,3}[0-9])*`)
	handleRe      = regexp.MustCompile(`@[a-z0-9_]{3,}`)
	domainRe      = regexp.MustCompile(`[a-z0-9-]+\s*(?:\.|点|點|句号|句點|。|·|\(dot\)|\[\.\]|\[dot\]|\(\.\)|\{dot\}|\{\.\}|<dot>|【\.】|〔\.〕|\(点\)|\[点\]|\sdot\s)\s*(?:com|cn|net|me|ly|org|top|shop|vip|xyz|cc|io)(?:[^a-z]|$)|:\s*/\s*/|冒号//|colon\s*//|\[:\]//|\(:\)//|wxid_`)
	wechatIDRe    = regexp.MustCompile(`^[a-z][a-z0-9_\-]{5,19}$`)
	mobileRe      = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	orderNumberRe = regexp.MustCompile(`(?:单号|订单号|货号|发票号|sku|order no\.|tracking no\.|invoice no\.|invoice)$`)
	orderWordRe   = regexp.MustCompile(`单号|订单|货号|sku|order|tracking|invoice|发票|waybill|条码|ean|isbn|型号|model`)
)

// folded is a text as a reader sees it, with each labelled span collapsed
// to one private-use character (U+E000 + its index).
type folded struct {
	s      string
	labels []span
}

const labelBase = 0xE000

func fold(text string, spans []span) folded {
	var b strings.Builder
	si := 0
	for i := 0; i < len(text); {
		if si < len(spans) && i == spans[si].start {
			b.WriteRune(rune(labelBase + si))
			i = spans[si].end
			si++
			continue
		}
		c, n := utf8.DecodeRuneInString(text[i:])
		if !invisible(c) {
			b.WriteString(foldRune(c))
		}
		i += n
	}
	return folded{b.String(), spans}
}

func labelAt(c rune, n int) (int, bool) {
	k := int(c) - labelBase
	return k, k >= 0 && k < n
}

// candidate is a token of the folded text that could be an identifier.
type candidate struct {
	start, end int // bytes of folded.s
	label      int // -1 when no label covers it
	cats       map[string]bool
	word       bool // an English word of the listing text
}

func (f folded) candidates() []candidate {
	var out []candidate
	for i, c := range f.s {
		if k, ok := labelAt(c, len(f.labels)); ok {
			cats := map[string]bool{}
			for _, l := range f.labels[k].labels {
				for cat := range syntaxCats(l.identifier) {
					cats[cat] = true
				}
				if strings.HasPrefix(l.identifier, "@") { // shown without its @, a handle reads as a WeChat ID
					cats["wechat"] = true
				}
				cats[l.category] = true
			}
			out = append(out, candidate{i, i + utf8.RuneLen(c), k, cats, false})
		}
	}
	for _, m := range asciiToken.FindAllStringIndex(f.s, -1) {
		tok := strings.Trim(f.s[m[0]:m[1]], "-")
		if wechatIDRe.MatchString(tok) {
			out = append(out, candidate{m[0], m[1], -1, map[string]bool{"wechat": true}, isVocab(tok)})
		}
	}
	for _, m := range digitGroup.FindAllStringIndex(f.s, -1) {
		d := onlyDigits(f.s[m[0]:m[1]])
		cats := syntaxCats(d)
		if len(cats) > 0 {
			out = append(out, candidate{m[0], m[1], -1, cats, false})
		}
	}
	for _, m := range handleRe.FindAllStringIndex(f.s, -1) {
		out = append(out, candidate{m[0], m[1], -1, map[string]bool{"messenger": true}, false})
	}
	return out
}

// syntaxCats lists the categories an identifier's form fits, whatever it
// was labelled.
func syntaxCats(id string) map[string]bool {
	cats := map[string]bool{}
	d := onlyDigits(id)
	allDigits := d == strings.ReplaceAll(id, "-", "") && d != ""
	switch {
	case mobileRe.MatchString(d) && allDigits:
		cats["wechat"], cats["phone"], cats["qq"], cats["messenger"] = true, true, true, true
	case allDigits && len(d) >= 5 && len(d) <= 11 && d[0] != '0':
		cats["qq"] = true
		if len(d) >= 7 {
			cats["messenger"], cats["phone"] = true, true
		}
	case allDigits && len(d) >= 7:
		cats["phone"], cats["messenger"] = true, true
	case strings.HasPrefix(id, "@"):
		cats["messenger"] = true
	case wechatIDRe.MatchString(id) || strings.HasPrefix(id, "wxid_"):
		cats["wechat"] = true
	}
	return cats
}

func onlyDigits(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// doubt returns why a composed text is ambiguous, or "".
func doubt(text string, spans []span) string {
	f := fold(text, spans)
	cands := f.candidates()
	if why := f.gluedLabels(); why != "" {
		return why
	}
	unlabelled := f.unlabelledText()
	if m := domainRe.FindString(unlabelled); m != "" {
		return "link-like text outside labels: " + m
	}
	if m := handleRe.FindString(unlabelled); m != "" {
		return "handle outside labels: " + m
	}
	for _, c := range cands {
		if c.label < 0 && c.cats["phone"] && mobileRe.MatchString(onlyDigits(f.s[c.start:c.end])) && !afterOrderWord(f.s[:c.start]) {
			return "unlabelled mobile " + f.s[c.start:c.end]
		}
		if c.label >= 0 && hasCategory(f.labels[c.label], "phone") {
			before := f.s[max(0, c.start-4*reach):c.start]
			if orderWordRe.MatchString(before) {
				return "phone after an order word: " + before
			}
		}
	}
	for cat, re := range kwPatterns {
		for _, m := range re.FindAllStringIndex(f.s, -1) {
			if why := f.reachOf(cat, m[0], m[1], cands); why != "" {
				return why
			}
		}
	}
	return ""
}

// afterOrderWord: the labelling rules do not take a mobile-shaped number
// for a phone right after an order, tracking, invoice or SKU word.
func afterOrderWord(before string) bool {
	rs := []rune(strings.TrimRight(before, " ：:#"))
	tail := string(rs[max(0, len(rs)-10):])
	return orderNumberRe.MatchString(tail)
}

func hasCategory(s span, cat string) bool {
	for _, l := range s.labels {
		if l.category == cat {
			return true
		}
	}
	return false
}

// reachOf checks what a keyword of category cat at [ks,ke) reaches.
func (f folded) reachOf(cat string, ks, ke int, cands []candidate) string {
	var hits []candidate
	for _, c := range cands {
		if !c.cats[cat] || (c.start <= ks && ke <= c.end) || (ks <= c.start && c.end <= ke) {
			continue
		}
		var gap string
		switch {
		case c.start >= ke:
			gap = f.s[ke:c.start]
		case c.end <= ks:
			gap = f.s[c.end:ks]
		default:
			continue // overlaps the keyword: part of one word
		}
		if c.word && (strings.Contains(f.s[c.start:c.end], "pay") || !wordInReach(gap)) {
			continue // a payment name (Alipay, PayPal) is no identifier
		}
		if distance(gap) <= reach {
			hits = append(hits, c)
		}
	}
	if len(hits) > 1 {
		return fmt.Sprintf("%s keyword %q reaches %d identifiers", cat, f.s[ks:ke], len(hits))
	}
	if len(hits) == 1 && (hits[0].label < 0 || !hasCategory(f.labels[hits[0].label], cat)) {
		return fmt.Sprintf("%s keyword %q reaches %q, not labelled %s", cat, f.s[ks:ke], f.s[hits[0].start:hits[0].end], cat)
	}
	return ""
}

// wordInReach: an English word of the listing counts as an identifier a
// keyword could reach when at most four filler characters (punctuation and
// spaces not counted) stand between them, the labelling rules' limit read
// literally ("ask me on WeChat. all accessories": "all" is three). A
// payment word ends the keyword's reach ("WeChat Pay accepted" names a
// payment method, as the rules' own examples have it).
func wordInReach(gap string) bool {
	if strings.Contains(gap, "pay") || strings.Contains(gap, "支付") {
		return false
	}
	n := 0
	for _, c := range gap {
		if !unicode.IsSpace(c) && !unicode.IsPunct(c) {
			n++
		}
	}
	return n <= 4
}

func distance(gap string) int {
	n := 0
	for _, c := range gap {
		if !unicode.IsSpace(c) {
			n++
		}
	}
	return n
}

// gluedLabels: a label must not run into letters or digits around it, and
// a link must not have a dot-like character beside it (one space or two
// between included), which would read as one more disguised dot.
func (f folded) gluedLabels() string {
	rs := []rune(f.s)
	for i, c := range rs {
		k, ok := labelAt(c, len(f.labels))
		if !ok {
			continue
		}
		for _, j := range []int{i - 1, i + 1} {
			if j >= 0 && j < len(rs) && isASCIIAlnum(rs[j]) {
				return "label glued to " + string(rs[j])
			}
		}
		if !isLinkLabel(f.labels[k]) {
			continue
		}
		for _, step := range []int{-1, 1} {
			j := i + step
			for n := 0; n < 2 && j >= 0 && j < len(rs) && rs[j] == ' '; n++ {
				j += step
			}
			if j >= 0 && j < len(rs) && strings.ContainsRune(".。·．点・點句", rs[j]) {
				return "link touches " + string(rs[j])
			}
		}
	}
	return ""
}

func isLinkLabel(s span) bool {
	for _, l := range s.labels {
		if strings.Contains(l.identifier, ".") || strings.Contains(l.identifier, "://") {
			return true
		}
	}
	return false
}

func isASCIIAlnum(c rune) bool {
	return c < 0x80 && (unicode.IsLetter(c) || unicode.IsDigit(c) || c == '_')
}

func (f folded) unlabelledText() string {
	return strings.Map(func(c rune) rune {
		if _, ok := labelAt(c, len(f.labels)); ok {
			return ' '
		}
		return c
	}, f.s)
}

// vocab holds the English words listing text is written in: a word of it
// is not taken for a WeChat ID.
var vocab = func() map[string]bool {
	v := map[string]bool{}
	lists := [][]string{productsEN, phrasesEN, openersEN, linkLeadEN, contactWording.leadEN, contactWording.fillAfterEN, contactWording.fillBeforeEN, phoneWording.leadEN, phoneWording.fillBeforeEN, phoneWording.fillAfterEN,
		{"alipay", "wechat", "accepted", "included", "channel", "coming", "please", "details", "tracking", "waybill", "edition", "camera", "adapter", "engine", "plush", "stock", "model", "size", "fits", "only", "penguin", "bubble", "wand", "satellite", "telephoto", "screen", "telescope", "mount", "music", "paypal", "contact", "search", "friend", "phone", "whatsapp", "telegram", "number", "order", "thanks", "reply", "photos", "pickup", "welcome", "batch", "serial", "imei", "colour", "black", "white", "grey", "material", "stainless", "steel", "made", "zhejiang", "warranty", "months", "delivery", "invoice", "group", "full", "calls", "more"}}
	for _, l := range lists {
		for _, s := range l {
			for _, w := range strings.FieldsFunc(strings.ToLower(s), func(c rune) bool { return c > 0x7f || !unicode.IsLetter(c) }) {
				v[w] = true
			}
		}
	}
	return v
}()

func isVocab(tok string) bool { return vocab[tok] }
