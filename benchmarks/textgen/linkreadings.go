package main

import (
	"math/rand/v2"
	"strings"
)

// Link readings of text round 3: defanged links, which a person still
// decodes — dot, colon and slash words in Chinese, English and full-width
// forms, brackets around them, a scheme with spaces inside or with x for
// t (hxxp) — and the hosts the sharpened rules name: WeChat's subdomains,
// WhatsApp's api and chat hosts, telegram.me, and a platform name put
// before an '@' in front of another host.

// A linkMark is one way to write a dot, a slash or a scheme's colon.
type linkMark struct{ s, tag string }

var (
	round3Dots = []linkMark{
		{"點", "dot-cn-trad"}, {"句号", "dot-word-cn"}, {"句點", "dot-word-cn"}, {"{dot}", "dot-brace"}, {"{.}", "dot-brace"},
		{"<dot>", "dot-angle"}, {"【.】", "dot-bracket-cjk"}, {"（点）", "dot-paren-cn"}, {"[点]", "dot-bracket-cn"},
		{" (dot) ", "dot-paren"}, {"[DOT]", "dot-bracket"}, {"｡", "dot-halfwidth-ideographic"}, {"〔.〕", "dot-bracket-cjk"},
	}
	round3Slashes = []linkMark{
		{"斜杠", "slash-word-cn"}, {"[/]", "slash-bracket"}, {"(/)", "slash-paren"}, {" ／ ", "slash-fullwidth"},
	}
	// round3Schemes write https:// (or http://) defanged; %s is "s" or "".
	round3Schemes = []linkMark{
		{"hxxp%s://", "scheme-hxxp"}, {"hXXp%s://", "scheme-hxxp"}, {"h t t p %s: / /", "scheme-spaced"},
		{"http%s : //", "scheme-spaced"}, {"http%s:/ /", "scheme-spaced"}, {"http%s[:]//", "scheme-colon-bracket"},
		{"http%s(:)//", "scheme-colon-bracket"}, {"http%s：//", "scheme-colon-fullwidth"}, {"http%s：／／", "scheme-colon-fullwidth"},
		{"http%s冒号//", "scheme-colon-word"}, {"http%s colon //", "scheme-colon-word"},
	}
	// round3AppSchemes write wxp:// and weixin:// with a colon word.
	round3AppColons = []linkMark{{"[:]//", "scheme-colon-bracket"}, {"：//", "scheme-colon-fullwidth"}, {" : //", "scheme-spaced"}}
)

// scheme renders a round-3 scheme.
func (m linkMark) scheme(secure bool) string {
	s := ""
	if secure {
		s = "s"
	}
	if strings.HasPrefix(m.s, "h t t p") && secure {
		return strings.Replace(m.s, "%s", "s ", 1)
	}
	return strings.Replace(strings.Replace(m.s, "%s", s, 1), "p %s", "p", 1)
}

// round3Link draws a link of the hosts the sharpened rules name, or "" when
// the category has none.
func round3Link(r *rand.Rand, category string) (link, bool) {
	switch category {
	case "wechat":
		return link{category: category, kind: "wechat-subdomain", host: hostOf("mp.weixin.qq.com"), path: "/s/" + token(r, 22)}, true
	case "messenger":
		switch r.IntN(3) {
		case 0:
			return link{category: category, kind: "whatsapp-api", host: hostOf("api.whatsapp.com"), path: "/send?phone=" + pick(r, []string{"86" + mobile(r), newIntl(r).identifier()})}, true
		case 1:
			return link{category: category, kind: "whatsapp-chat", host: hostOf("chat.whatsapp.com"), path: "/" + token(r, 22)}, true
		default:
			return link{category: category, kind: "telegram-me", host: hostOf("telegram.me"), path: "/" + handle(r)}, true
		}
	case "external_link":
		l := newLink(r, category)
		l.kind = "userinfo"
		l.userinfo = pick(r, []string{"item.taobao.com", "detail.tmall.com", "weibo.com", "m.tb.cn", "taobao.com"})
		if l.path == "" {
			l.path = "/i/" + digits(r, 4)
		}
		return l, true
	}
	return link{}, false
}

// linkNegatives: text with dots, dot words and colons that is no link.
var linkNegatives = []negative{
	func(r *rand.Rand, en bool) (string, string) {
		if en {
			return pick(r, []string{"polka dot dress", "dot pattern", "3.5mm jack", "firmware v" + itoaInt(1+r.IntN(4)) + "." + itoaInt(r.IntN(10)) + "." + itoaInt(r.IntN(10)), "ships at " + itoaInt(1+r.IntN(11)) + ":00", "ratio 16:9"}), "neg:linklike"
		}
		return pick(r, []string{"晚上" + itoaInt(7+r.IntN(4)) + "点发货", "下午" + itoaInt(1+r.IntN(5)) + "点前下单", itoaInt(1+r.IntN(2)) + "点" + itoaInt(1+r.IntN(9)) + "米长", "点击主页看更多", "3.5mm耳机孔", "固件v" + itoaInt(1+r.IntN(4)) + "." + itoaInt(r.IntN(10)) + "." + itoaInt(r.IntN(10)), "波点连衣裙", "比例16:9", "营业时间9:00-18:00"}), "neg:linklike"
	},
}
