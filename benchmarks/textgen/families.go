package main

import (
	"math/rand/v2"
	"strings"
)

// shownID draws canon in a random style and wrap; groups are where a
// number is usually split (3-4-4 for a mobile).
func shownID(r *rand.Rand, canon string, groups []int) (string, []string) {
	style := pickStyle(r, strings.ContainsAny(canon, "abcdefghijklmnopqrstuvwxyz"))
	gs := style.draw(r, canon)
	w := pickWrap(r, canon)
	shown := w.apply(r, gs, groups)
	tags := style.tags(canon)
	if w != nil {
		tags = append(tags, "wrap:"+w.name)
		if round3Wrap(w.name) {
			if strings.ContainsAny(canon, "abcdefghijklmnopqrstuvwxyz") {
				tags = append(tags, "read:letters")
			} else {
				tags = append(tags, "read:digits")
			}
		}
	}
	if len(tags) == 0 {
		tags = append(tags, "disguise:none")
	}
	return shown, tags
}

var mobileGroups = []int{3, 4, 4}

// wechatClause: an ID, a mobile used as ID, or a wxid_, with a WeChat
// keyword before or after it.
func wechatClause(r *rand.Rand, en bool) clause {
	var canon string
	var groups []int
	var extra []string
	switch n := r.IntN(100); {
	case n < 62:
		canon = wechatID(r)
	case n < 80:
		canon, groups = mobile(r), mobileGroups
		extra = append(extra, "wechat:mobile-id")
	default:
		canon = wxid(r)
		extra = append(extra, "wechat:wxid")
		if r.IntN(2) == 0 {
			return bareWxid(r, en, canon)
		}
	}
	shown, tags := shownID(r, canon, groups)
	k := wechatKeyword(r, en)
	c := kwClause(r, en, contactWording, k, shown, []label{{canon, "wechat"}}, r.IntN(100) < 35)
	c.tags = append(c.tags, extra...)
	c.tags = append(c.tags, tags...)
	return c
}

// bareWxid shows a default WeChat ID with no keyword: its form alone makes
// it a WeChat ID.
func bareWxid(r *rand.Rand, en bool, canon string) clause {
	var cb builder
	lead := pick(r, []string{"", "加", "搜", "添加", "好友 "})
	if en {
		lead = pick(r, []string{"", "add ", "search ", "friend me: "})
	}
	shown, tags := shownID(r, canon, nil)
	cb.add(lead)
	cb.addSpan(shown, label{canon, "wechat"})
	cb.tag("kw:none", "wechat:wxid")
	cb.tag(tags...)
	return cb.clause()
}

// sameNumberClause: one mobile that is both the WeChat ID and the phone.
func sameNumberClause(r *rand.Rand, en bool) clause {
	if r.IntN(100) < 40 {
		return wechatIsPhoneClause(r, en)
	}
	wk := wechatKeyword(r, false)
	for wk.bareV || wk.phrase || wk.family == "add-v" || wk.family == "satellite-emoji" {
		wk = wechatKeyword(r, false)
	}
	pk := pick(r, []string{"手机", "电话"})
	form := pick(r, []string{pk + wk.text + "同号", wk.text + "同" + pk + "号", pk + "同" + wk.text, pk + "/" + wk.text, wk.text + "/" + pk})
	canon := mobile(r)
	shown, tags := shownID(r, canon, mobileGroups)
	var cb builder
	cb.add(form)
	cb.add(pick(r, []string{"：", ":", " ", "", "→"}))
	cb.addSpan(shown, label{canon, "wechat"}, label{canon, "phone"})
	cb.tag("multi:same-number")
	cb.tag(wk.tags()...)
	cb.tag("kw:" + pk)
	cb.tag(tags...)
	return cb.clause()
}

func qqClause(r *rand.Rand, en bool) clause {
	canon := qqNumber(r)
	shown, tags := shownID(r, canon, nil)
	k := qqKeyword(r)
	c := kwClause(r, en, contactWording, k, shown, []label{{canon, "qq"}}, r.IntN(100) < 35)
	c.tags = append(c.tags, tags...)
	return c
}

// phoneClause: a mobile after a phone keyword or bare, with or without
// +86; a landline; a number with another country code.
func phoneClause(r *rand.Rand, en bool) clause {
	if r.IntN(100) < 35 {
		return round3PhoneClause(r, en)
	}
	switch n := r.IntN(100); {
	case n < 35:
		canon := mobile(r)
		shown, tags := shownID(r, canon, mobileGroups)
		c := kwClause(r, en, phoneWording, phoneKeyword(r, false), shown, []label{{canon, "phone"}}, r.IntN(100) < 25)
		c.tags = append(c.tags, "phone:keyword")
		c.tags = append(c.tags, tags...)
		return c
	case n < 55:
		canon := mobile(r)
		shown, tags := shownID(r, canon, mobileGroups)
		var cb builder
		lead := pick(r, []string{"", "", "联系方式 ", "有意者 ", "看货 ", "Phone: ", "call ", "Mob "})
		cb.add(lead)
		cb.addSpan(shown, label{canon, "phone"})
		cb.tag("phone:bare")
		cb.tag(tags...)
		return cb.clause()
	case n < 67:
		canon := mobile(r)
		digitsShown, tags := shownID(r, canon, mobileGroups)
		shown := pick(r, []string{"+86 ", "+86-", "(+86) ", "＋８６ ", "+86", "（+86）"}) + digitsShown
		c := kwClause(r, en, phoneWording, phoneKeyword(r, false), shown, []label{{canon, "phone"}}, false)
		c.tags = append(c.tags, "phone:+86")
		c.tags = append(c.tags, tags...)
		return c
	case n < 87:
		l := newLandline(r)
		var shown, tag string
		switch r.IntN(5) {
		case 0:
			shown, tag = "("+l.area+") "+l.local[:len(l.local)-4]+" "+l.local[len(l.local)-4:], "phone:landline-paren"
		case 1:
			shown, tag = "（"+l.area+"）"+l.local, "phone:landline-paren"
		case 2:
			shown, tag = l.area+" "+l.local[:len(l.local)-4]+" "+l.local[len(l.local)-4:], "phone:landline-space"
		default:
			shown, tag = l.area+"-"+l.local, "phone:landline"
		}
		if r.IntN(4) == 0 {
			shown = toFullwidthURL(shown)
			tag += " disguise:fullwidth"
		}
		c := kwClause(r, en, phoneWording, phoneKeyword(r, true), shown, []label{{l.identifier(), "phone"}}, false)
		c.tags = append(c.tags, strings.Fields(tag)...)
		return c
	default:
		n := newIntl(r)
		c := kwClause(r, en, phoneWording, phoneKeyword(r, true), n.text(), []label{{n.identifier(), "phone"}}, false)
		c.tags = append(c.tags, "phone:intl")
		return c
	}
}

// messengerClause: a WhatsApp number with its country code or a Telegram
// @handle after its keyword.
func messengerClause(r *rand.Rand, en bool) clause {
	if r.IntN(2) == 0 {
		var shown, canon string
		if r.IntN(3) == 0 {
			m := mobile(r)
			shown, canon = pick(r, []string{"+86 ", "+86-", "+86"})+m[:3]+" "+m[3:7]+" "+m[7:], "86"+m
		} else {
			n := newIntl(r)
			shown, canon = n.text(), n.identifier()
		}
		// The rules have a messenger number "introduced by" its keyword:
		// always before it.
		c := kwClause(r, en, contactWording, whatsappKeyword(r), shown, []label{{canon, "messenger"}}, false)
		return c
	}
	h := handle(r)
	style := pickStyle(r, true)
	style.digits, style.mixed = nil, false
	at := pick(r, []string{"@", "@", "＠", ""})
	shown := at + glyphString(style.draw(r, h))
	c := kwClause(r, en, contactWording, telegramKeyword(r), shown, []label{{"@" + h, "messenger"}}, false)
	c.tags = append(c.tags, style.tags(h)...)
	if at == "" { // the rules: a handle with or without its @; the identifier has it
		c.tags = append(c.tags, "kw:handle-no-at", "read:keywords")
	}
	return c
}

func glyphString(gs []glyph) string {
	var b strings.Builder
	for _, g := range gs {
		b.WriteString(g.shown)
	}
	return b.String()
}

// linkCategories weights the categories of links in positive listings.
var linkCategories = []string{"wechat", "wechat", "qq", "messenger", "messenger", "offsite_payment", "offsite_payment", "short_link", "short_link", "external_link", "external_link", "platform", "partner"}
