package main

import (
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A keyword names a channel: "微信", "V.X", "🐧", "电话".
type keyword struct {
	text     string
	family   string // the kw: tag
	disguise string // the kwdisguise: tag, "" when shown plainly
	bareV    bool   // a lone V: a keyword only before a separator
	phrase   bool   // a phrase said before the ID: no lead-in, no filler
}

func (k keyword) tags() []string {
	tags := []string{"kw:" + k.family}
	if round3Families[k.family] {
		tags = append(tags, "read:keywords")
	}
	if k.disguise == "styled-letters" {
		tags = append(tags, "read:letters")
	}
	if k.disguise != "" {
		tags = append(tags, "kwdisguise:"+k.disguise)
	}
	return tags
}

// Characters read wei and xin: any pair of them sounds like 微信. ❤ reads
// xin (心) the way sellers use it.
var (
	weiChars = []string{"微", "威", "薇", "维", "唯", "惟", "卫", "围", "伟", "韦", "巍", "葳"}
	xinChars = []string{"信", "芯", "心", "新", "鑫", "欣", "馨", "辛", "昕"}
	xinHeart = []string{"❤", "♥", "💗", "❤️"}
	kouChars = []string{"扣", "抠", "寇", "蔻", "叩", "口"}
	qiuChars = []string{"球", "秋"}
)

func wechatKeyword(r *rand.Rand, en bool) keyword {
	if r.IntN(100) < 28 {
		return round3WechatKeyword(r, en)
	}
	switch n := r.IntN(100); {
	case n < 14:
		return disguiseKeyword(r, keyword{text: "微信", family: "微信"})
	case n < 34:
		w, x := pick(r, weiChars), pick(r, xinChars)
		if r.IntN(6) == 0 {
			x = pick(r, xinHeart)
		}
		if w+x == "微信" {
			w = "威"
		}
		return disguiseKeyword(r, keyword{text: w + x, family: "homophone"})
	case n < 44:
		x := pick(r, append(xinChars[:4:4], xinHeart...))
		return disguiseKeyword(r, keyword{text: pick(r, []string{"V", "v", "Ｖ"}) + x, family: "V信"})
	case n < 49:
		// No '.': "wei.xin" reads as a domain (.xin is a top-level domain).
		j := pick(r, []string{"", "", " ", "-", "·"})
		return keyword{text: caseVariant(r, "wei") + j + caseVariant(r, "xin"), family: "pinyin", disguise: map[bool]string{true: "punct", false: ""}[j != ""]}
	case n < 52: // half pinyin, half character: wei信, 薇xin
		if r.IntN(2) == 0 {
			return keyword{text: caseVariant(r, "wei") + pick(r, xinChars[:4]), family: "pinyin-mixed"}
		}
		return keyword{text: pick(r, weiChars[:4]) + caseVariant(r, "xin"), family: "pinyin-mixed"}
	case n < 60:
		return disguiseKeyword(r, keyword{text: pick(r, []string{"WeChat", "wechat", "Wechat", "WECHAT", "weChat"}), family: "wechat"})
	case n < 72:
		v := pick(r, []string{"v", "w"})
		j := pick(r, []string{"", "", "", ".", "-", " "})
		k := keyword{text: caseVariant(r, v) + j + caseVariant(r, "x"), family: "vx"}
		if j != "" {
			k.disguise = "punct"
			return k
		}
		return disguiseKeyword(r, k)
	case n < 78:
		return disguiseKeyword(r, keyword{text: pick(r, []string{"绿泡泡", "绿色泡泡", "小绿泡泡"}), family: "green-bubble"})
	case n < 82:
		return keyword{text: pick(r, []string{"🛰️", "🛰"}), family: "satellite-emoji"}
	case n < 90:
		return keyword{text: pick(r, []string{"V", "v", "Ｖ"}), family: "bare-v", bareV: true}
	default:
		p := pick(r, []string{"加", "+", "➕", "加我", "＋", "私我", "+ ", "加 "})
		return keyword{text: p + pick(r, []string{"V", "v", "Ｖ", "薇", "微", "威"}), family: "add-v"}
	}
}

func qqKeyword(r *rand.Rand) keyword {
	if r.IntN(100) < 25 {
		return round3QQKeyword(r)
	}
	switch n := r.IntN(100); {
	case n < 30:
		k := keyword{text: pick(r, []string{"QQ", "qq", "Qq", "QQ号", "qq号"}), family: "QQ"}
		return disguiseKeyword(r, k)
	case n < 50:
		a, b := pick(r, kouChars), pick(r, kouChars)
		if r.IntN(2) == 0 {
			a, b = "扣", "扣"
		}
		return disguiseKeyword(r, keyword{text: a + b + pick(r, []string{"", "", "号"}), family: "kou-kou"})
	case n < 62:
		return disguiseKeyword(r, keyword{text: pick(r, []string{"企鹅", "企鹅号", "小企鹅"}), family: "企鹅"})
	case n < 70:
		return keyword{text: "🐧", family: "penguin-emoji"}
	case n < 78:
		return disguiseKeyword(r, keyword{text: pick(r, qiuChars) + pick(r, qiuChars), family: "qiu-qiu"})
	case n < 86:
		return disguiseKeyword(r, keyword{text: pick(r, []string{"Q号", "q号", "Ｑ号"}), family: "Q号"})
	default:
		return disguiseKeyword(r, keyword{text: pick(r, []string{"Q群", "QQ群", "扣扣群", "qq群", "企鹅群"}), family: "QQ群"})
	}
}

// phoneKeyword draws a word that introduces a phone number; landline
// restricts it to those the labelling rules accept before a landline.
func phoneKeyword(r *rand.Rand, landline bool) keyword {
	var words []string
	if landline {
		words = []string{"电话", "联系电话", "热线", "客服热线", "Tel", "TEL", "tel"}
	} else {
		words = []string{"手机", "手机号", "电话", "联系电话", "热线", "致电", "Tel", "tel", "TEL"}
	}
	w := pick(r, words)
	fam := w
	switch {
	case strings.HasSuffix(w, "电话"):
		fam = "电话"
	case strings.HasSuffix(w, "热线"):
		fam = "热线"
	case strings.HasPrefix(w, "手机"):
		fam = "手机"
	case strings.EqualFold(w, "tel"):
		fam = "tel"
	}
	return disguiseKeyword(r, keyword{text: w, family: fam})
}

func whatsappKeyword(r *rand.Rand) keyword {
	return disguiseKeyword(r, keyword{text: pick(r, []string{"WhatsApp", "Whatsapp", "whatsapp", "WHATSAPP", "Whats App", "whats-app"}), family: "whatsapp"})
}

func telegramKeyword(r *rand.Rand) keyword {
	if r.IntN(5) == 0 { // the rules name 纸飞机 (a paper plane, Telegram's logo)
		return keyword{text: pick(r, telegramPlane), family: "纸飞机"}
	}
	switch r.IntN(3) {
	case 0:
		return disguiseKeyword(r, keyword{text: pick(r, []string{"Telegram", "telegram", "TELEGRAM"}), family: "telegram"})
	case 1:
		return disguiseKeyword(r, keyword{text: pick(r, []string{"TG", "tg", "Tg"}), family: "tg"})
	default:
		return disguiseKeyword(r, keyword{text: "电报", family: "电报"})
	}
}

func caseVariant(r *rand.Rand, s string) string {
	switch r.IntN(4) {
	case 0:
		return strings.ToUpper(s)
	case 1:
		return strings.ToUpper(s[:1]) + s[1:]
	default:
		return s
	}
}

// disguiseKeyword applies one mechanism to a keyword about a third of the
// time: a space, an invisible character or punctuation inside it, full-width
// or look-alike letters.
func disguiseKeyword(r *rand.Rand, k keyword) keyword {
	if r.IntN(100) >= 35 || utf8.RuneCountInString(k.text) < 2 {
		return k
	}
	runes := []rune(k.text)
	ascii := isASCIIWord(k.text)
	switch n := r.IntN(5); {
	case n == 0:
		k.text = insertAt(r, runes, " ")
		k.disguise = "space"
	case n == 1:
		k.text = insertAt(r, runes, pick(r, zeroWidth))
		k.disguise = "zero-width"
	case n == 2 && !ascii:
		k.text = insertAt(r, runes, pick(r, []string{"·", "-", ".", "・"}))
		k.disguise = "punct"
	case ascii && n == 3 && r.IntN(2) == 0:
		k = styledKeyword(r, k)
	case ascii && n == 3:
		k.text = toFullwidth(k.text)
		k.disguise = "fullwidth"
	case ascii:
		if s, ok := homoglyphWord(r, k.text); ok {
			k.text = s
			k.disguise = "homoglyph"
		}
	default:
		if s := toFullwidth(k.text); s != k.text {
			k.text = s
			k.disguise = "fullwidth"
		}
	}
	return k
}

// insertAt puts sep between two runes that are both letters or ideographs
// (never inside an emoji sequence or after a trailing 号).
func insertAt(r *rand.Rand, runes []rune, sep string) string {
	var places []int
	for i := 1; i < len(runes); i++ {
		a, b := runes[i-1], runes[i]
		if (unicode.IsLetter(a) || unicode.Is(unicode.Han, a)) && (unicode.IsLetter(b) || unicode.Is(unicode.Han, b)) && a != ' ' && b != ' ' {
			places = append(places, i)
		}
	}
	if len(places) == 0 {
		return string(runes)
	}
	at := pick(r, places)
	return string(runes[:at]) + sep + string(runes[at:])
}

func isASCIIWord(s string) bool {
	for _, c := range s {
		if c > 0x7f {
			return false
		}
	}
	return true
}

// toFullwidth widens ASCII letters and digits, leaving everything else.
func toFullwidth(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			b.WriteRune(c - 0x21 + 0xFF01)
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// homoglyphWord swaps one or two letters for look-alikes.
func homoglyphWord(r *rand.Rand, s string) (string, bool) {
	runes := []rune(s)
	var at []int
	for i, c := range runes {
		if _, ok := homoglyphs[unicode.ToLower(c)]; ok {
			at = append(at, i)
		}
	}
	if len(at) == 0 {
		return s, false
	}
	orig := []rune(s)
	for n := 1 + r.IntN(2); n > 0; n-- {
		i := pick(r, at)
		c := orig[i]
		if unicode.IsUpper(c) {
			if u, ok := upperHomoglyphs[unicode.ToLower(c)]; ok {
				runes[i] = []rune(u)[0]
				continue
			}
		}
		runes[i] = []rune(pick(r, homoglyphs[unicode.ToLower(c)]))[0]
	}
	return string(runes), true
}
