package main

import (
	"math/rand/v2"
	"strings"
)

// A link is a URL to be shown with its dots and slashes disguised.
type link struct {
	category string
	kind     string   // link: tag (the host family)
	scheme   string   // kept in the identifier for wxp:// and weixin://
	host     []string // labels, joined by dots
	path     string   // from the first '/', query included
	userinfo string   // shown before '@' in front of the host, not part of the identifier
}

func (l link) identifier() string {
	id := strings.ToLower(l.scheme + strings.Join(l.host, ".") + l.path)
	return strings.TrimSuffix(id, "/")
}

var shopWords = []string{"haohuo", "youxuan", "tehui", "buybuy", "lehuo", "jinpin", "aimei", "shangpin", "mallgo", "dianpu", "huiyuan", "pinpai", "qianggou", "zhekou", "xinpin"}
var tlds = []string{"com", "cn", "net", "top", "shop", "vip", "xyz", "cc"}

func hostOf(s string) []string { return strings.Split(s, ".") }

// newLink draws a link of the given category.
func newLink(r *rand.Rand, category string) link {
	switch category {
	case "wechat":
		switch r.IntN(4) {
		case 0:
			return link{category, "wechat", "", hostOf("u.wechat.com"), "/" + token(r, 8+r.IntN(6)), ""}
		case 1:
			return link{category, "wechat", "", hostOf("weixin.qq.com"), pick(r, []string{"/r/", "/g/"}) + token(r, 16+r.IntN(6)), ""}
		case 2:
			return link{category, "wechat", "", hostOf("wx.qq.com"), "/r/" + token(r, 12), ""}
		default:
			return link{category, "wechat", "weixin://", nil, "contacts/profile/" + wechatID(r), ""}
		}
	case "qq":
		switch r.IntN(3) {
		case 0:
			return link{category, "qq", "", hostOf("qm.qq.com"), "/cgi-bin/qm/qr?k=" + token(r, 24), ""}
		case 1:
			return link{category, "qq", "", hostOf("qm.qq.com"), "/q/" + token(r, 10), ""}
		default:
			return link{category, "qq", "", hostOf("wpa.qq.com"), "/msgrd?v=3&uin=" + qqNumber(r) + "&site=qq&menu=yes", ""}
		}
	case "messenger":
		switch r.IntN(3) {
		case 0:
			return link{category, "messenger", "", hostOf("wa.me"), "/" + pick(r, []string{"86" + mobile(r), newIntl(r).identifier()}), ""}
		case 1:
			return link{category, "messenger", "", hostOf("t.me"), "/" + handle(r), ""}
		default:
			return link{category, "messenger", "", hostOf("line.me"), "/ti/p/" + token(r, 10), ""}
		}
	case "offsite_payment":
		if r.IntN(2) == 0 {
			return link{category, "offsite_payment", "wxp://", nil, "f2f0" + token(r, 22+r.IntN(8)), ""}
		}
		return link{category, "offsite_payment", "", hostOf("paypal.me"), "/" + handle(r), ""}
	case "short_link":
		return link{category, "short_link", "", hostOf(pick(r, []string{"t.cn", "url.cn", "bit.ly"})), "/" + token(r, 6+r.IntN(3)), ""}
	case "platform":
		switch r.IntN(5) {
		case 0:
			return link{category, "platform", "", hostOf("item.taobao.com"), "/item.htm?id=" + "6" + digits(r, 11), ""}
		case 1:
			return link{category, "platform", "", hostOf("detail.tmall.com"), "/item.htm?id=" + "7" + digits(r, 11), ""}
		case 2:
			return link{category, "platform", "", hostOf(pick(r, []string{"m.tb.cn", "tb.cn"})), "/h." + token(r, 7), ""}
		case 3:
			return link{category, "platform", "", hostOf("shop" + digits(r, 8) + ".taobao.com"), "", ""}
		default:
			return link{category, "platform", "", hostOf("render.alipay.com"), "/p/s/" + token(r, 8), ""}
		}
	case "partner":
		switch r.IntN(3) {
		case 0:
			return link{category, "partner", "", hostOf("weibo.com"), "/u/" + string(rune('1'+r.IntN(7))) + digits(r, 9), ""}
		case 1:
			return link{category, "partner", "", hostOf("m.weibo.cn"), "/status/" + token(r, 9), ""}
		default:
			return link{category, "partner", "", hostOf("weibo.cn"), "/" + handle(r), ""}
		}
	default: // external_link
		w := pick(r, shopWords)
		switch r.IntN(4) {
		case 0:
			return link{category, "external", "", []string{"shop", w + "-store", pick(r, tlds)}, "/item/" + token(r, 6), ""}
		case 1:
			return link{category, "external", "", []string{w + digits(r, 3), pick(r, tlds)}, "/goods?id=" + digits(r, 5), ""}
		case 2:
			return link{category, "external", "", []string{"www", w + digits(r, 2), pick(r, tlds)}, "/p/" + digits(r, 6), ""}
		default:
			return link{category, "external", "", []string{w, pick(r, tlds)}, "", ""}
		}
	}
}

// Ways to write a dot or a slash that a person decodes.
var (
	dotStyles = []struct{ s, tag string }{
		{".", ""}, {".", ""}, {" . ", "dot-space"}, {"[.]", "dot-bracket"}, {"(.)", "dot-paren"},
		{"(dot)", "dot-paren"}, {"[dot]", "dot-bracket"}, {" dot ", "dot-word"}, {" DOT ", "dot-word"},
		{"点", "dot-cn"}, {"。", "dot-ideographic"}, {"·", "dot-middot"}, {" · ", "dot-middot"}, {"．", "dot-fullwidth"},
	}
	slashStyles = []struct{ s, tag string }{
		{"/", ""}, {"/", ""}, {"/", ""}, {" / ", "slash-space"}, {"／", "slash-fullwidth"}, {" slash ", "slash-word"}, {"(slash)", "slash-word"},
	}
)

// dotMarks are round 2's dot styles that write a dot.
func dotMarks() []linkMark {
	var out []linkMark
	for _, d := range dotStyles {
		out = append(out, linkMark{d.s, d.tag})
	}
	return out
}

// render shows a link with its disguises and returns the tags used.
func (l link) render(r *rand.Rand) (string, []string) {
	tags := []string{"link:" + l.kind}
	r3host := l.userinfo != "" || strings.Contains(l.kind, "-")
	dot := dotStyles[r.IntN(len(dotStyles))]
	slash := slashStyles[r.IntN(len(slashStyles))]
	mixedDots, r3dot, r3slash, r3scheme := false, false, false, false
	switch n := r.IntN(100); {
	case n < 20:
		m := pick(r, round3Dots)
		dot.s, dot.tag, r3dot = m.s, m.tag, true
	case n < 28:
		dot.tag, mixedDots, r3dot = "dot-mixed", true, true
	}
	if r.IntN(100) < 15 {
		m := pick(r, round3Slashes)
		slash.s, slash.tag, r3slash = m.s, m.tag, true
	}
	if l.host == nil { // wxp:// and weixin:// read as one token
		dot.s, dot.tag, mixedDots, r3dot = ".", "", false, false
		slash.s, slash.tag, r3slash = "/", "", false
	}
	if !strings.Contains(l.path, "/") {
		slash.s, slash.tag, r3slash = "/", "", false
	}
	var b strings.Builder
	scheme := l.scheme
	if scheme == "" {
		scheme = pick(r, []string{"", "", "http://", "https://", "HTTPS://", "Https://"})
		if r.IntN(100) < 25 {
			m := pick(r, round3Schemes)
			scheme = m.scheme(r.IntN(2) == 0)
			tags, r3scheme = append(tags, "url:"+m.tag), true
		}
	} else if r.IntN(100) < 25 {
		m := pick(r, round3AppColons)
		scheme = strings.TrimSuffix(scheme, "://") + m.s
		tags, r3scheme = append(tags, "url:"+m.tag), true
	}
	if scheme != "" {
		tags = append(tags, "url:scheme")
	} else {
		tags = append(tags, "url:noscheme")
	}
	b.WriteString(scheme)
	if l.userinfo != "" {
		b.WriteString(l.userinfo + "@")
	}
	for i, h := range l.host {
		if i > 0 {
			if mixedDots {
				b.WriteString(pick(r, append(dotMarks(), round3Dots...)).s)
			} else {
				b.WriteString(dot.s)
			}
		}
		b.WriteString(h)
	}
	path := l.path
	if slash.s != "/" {
		path = strings.ReplaceAll(path, "/", slash.s)
	}
	b.WriteString(path)
	s := b.String()
	r3 := r3host || r3dot || r3slash || r3scheme
	for _, t := range []string{dot.tag, slash.tag} {
		if t != "" {
			tags = append(tags, "url:"+t)
		}
	}
	switch n := r.IntN(10); {
	case n == 0:
		s = strings.ToUpper(s)
		tags = append(tags, "url:uppercase")
	case n == 1 && dot.tag != "dot-word" && slash.tag != "slash-word":
		s = toFullwidthURL(s)
		tags = append(tags, "url:fullwidth")
	}
	if r3 {
		tags = append(tags, "read:links")
	}
	return s, tags
}

// toFullwidthURL widens every printable ASCII character, as a full-width
// input method does.
func toFullwidthURL(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c > ' ' && c < 0x7f {
			b.WriteRune(c - 0x21 + 0xFF01)
		} else {
			b.WriteRune(c)
		}
	}
	return b.String()
}

var linkLeadZH = []string{"", "详情见 ", "同款链接 ", "更多图片 ", "店铺 ", "链接：", "看这里 ", "复制打开 "}
var linkLeadEN = []string{"", "More photos: ", "See ", "Link: ", "Shop: ", "Details at ", "Open "}

// linkClause shows a link; a space follows it so the next word does not run
// into its path.
func linkClause(r *rand.Rand, en bool, l link) clause {
	var cb builder
	shown, tags := l.render(r)
	lead := pick(r, linkLeadZH)
	if en {
		lead = pick(r, linkLeadEN)
	}
	if lead != "" && !strings.HasSuffix(lead, " ") && !strings.HasSuffix(lead, "：") {
		lead += " "
	}
	cb.b.WriteString(lead)
	cb.addSpan(shown, label{l.identifier(), l.category})
	cb.b.WriteString(" ")
	cb.tag(tags...)
	c := cb.clause()
	c.link = true
	return c
}
