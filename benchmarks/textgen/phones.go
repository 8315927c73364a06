package main

import (
	"math/rand/v2"
	"strings"
)

// Phone readings of text round 3: numbers of other regions under a phone
// keyword (Hong Kong, Macau, Taiwan, with or without their country code),
// landlines with dashes of every width and in any digit style, 0086 before
// a mobile, and a WeChat ID said to be the phone number.

// A regional number is its local digits and, when written, its country
// code; the identifier is the digits, the country code first when written
// (a Taiwanese trunk 0 is not dialled after +886).
type regional struct {
	region string // tag phone:region-<region>
	cc     string // "" when not written
	local  string
	groups []int // how the local digits are grouped when shown
}

func newRegional(r *rand.Rand) regional {
	withCC := r.IntN(2) == 0
	var g regional
	switch r.IntN(3) {
	case 0: // Hong Kong: 8 digits, mobiles 5/6/9, landlines 2/3
		g = regional{"hk", "852", pick(r, []string{"5", "6", "9", "2", "3"}) + digits(r, 7), []int{4, 4}}
	case 1: // Macau: mobiles 6 + 7 digits
		g = regional{"mo", "853", "6" + digits(r, 7), []int{4, 4}}
	default: // Taiwan: mobiles 09 + 8 digits
		g = regional{"tw", "886", "09" + digits(r, 8), []int{4, 3, 3}}
	}
	if !withCC {
		g.cc = ""
	}
	return g
}

func (g regional) identifier() string {
	if g.cc == "" {
		return g.local
	}
	return g.cc + strings.TrimPrefix(g.local, "0")
}

// text shows the number grouped by spaces or any dash, its digits in one
// style now and then.
func (g regional) text(r *rand.Rand) (string, []string) {
	local := g.local
	groups := g.groups
	if g.cc != "" && strings.HasPrefix(local, "0") {
		local, groups = local[1:], []int{3, 3, 3}
	}
	sep := pick(r, append([]string{" ", " ", ""}, dashes...))
	var parts []string
	at := 0
	for _, n := range groups {
		parts = append(parts, local[at:at+n])
		at += n
	}
	shown := strings.Join(parts, sep)
	var tags []string
	if r.IntN(3) == 0 {
		s := pick(r, digitStyles)
		shown = styledNumber(r, s, shown)
		tags = append(tags, "disguise:"+s.name)
	}
	if g.cc != "" {
		switch r.IntN(4) {
		case 0:
			shown = "(+" + g.cc + ") " + shown
		case 1:
			shown = "00" + g.cc + " " + shown // the international prefix, dialled for +
		default:
			shown = "+" + g.cc + " " + shown
		}
		tags = append(tags, "phone:cc")
	}
	return shown, append(tags, "phone:region-"+g.region)
}

// styledLandline shows a landline with a dash of any width between area
// code and number, or the area code in brackets, its digits in one style.
func styledLandline(r *rand.Rand, l landline) (string, []string) {
	s := pick(r, digitStyles)
	area, local := styledNumber(r, s, l.area), styledNumber(r, s, l.local)
	tags := []string{"disguise:" + s.name}
	var shown string
	switch r.IntN(4) {
	case 0:
		b := pick(r, boxes)
		shown = b[0] + area + b[1] + pick(r, []string{"", " "}) + local
		tags = append(tags, "phone:landline-paren")
	default:
		d := pick(r, dashes)
		shown = area + d + local
		tags = append(tags, "phone:landline-dash")
	}
	return shown, tags
}

// round3PhoneKeyword adds the words the sharpened rules name: 座机 and
// Phone before a landline, the traditional 電話 and 手機, 致电 before
// anything.
func round3PhoneKeyword(r *rand.Rand, landline bool) keyword {
	words := []string{"電話", "聯絡電話", "手機", "致電", "Phone", "phone"}
	if landline {
		words = []string{"座机", "座機", "座机号", "電話", "Phone", "致电", "固话"}
	}
	w := pick(r, words)
	fam := map[string]string{"電話": "電話", "聯絡電話": "電話", "手機": "手機", "致電": "致电", "致电": "致电", "Phone": "phone", "phone": "phone", "座机": "座机", "座機": "座机", "座机号": "座机", "固话": "固话"}[w]
	return disguiseKeyword(r, keyword{text: w, family: fam})
}

// round3PhoneClause draws one of round 3's phone forms.
func round3PhoneClause(r *rand.Rand, en bool) clause {
	var c clause
	switch n := r.IntN(100); {
	case n < 40:
		g := newRegional(r)
		shown, tags := g.text(r)
		k := phoneKeyword(r, true)
		if r.IntN(2) == 0 {
			k = round3PhoneKeyword(r, false)
		}
		c = kwClause(r, en, phoneWording, k, shown, []label{{g.identifier(), "phone"}}, false)
		c.tags = append(c.tags, tags...)
	case n < 80:
		l := newLandline(r)
		shown, tags := styledLandline(r, l)
		k := phoneKeyword(r, true)
		if r.IntN(2) == 0 {
			k = round3PhoneKeyword(r, true)
		}
		c = kwClause(r, en, phoneWording, k, shown, []label{{l.identifier(), "phone"}}, false)
		c.tags = append(c.tags, tags...)
	default:
		canon := mobile(r)
		digitsShown, tags := shownID(r, canon, mobileGroups)
		shown := pick(r, []string{"0086 ", "0086-", "0086", "(0086) ", "００８６ "}) + digitsShown
		c = kwClause(r, en, phoneWording, phoneKeyword(r, false), shown, []label{{canon, "phone"}}, false)
		c.tags = append(c.tags, "phone:0086")
		c.tags = append(c.tags, tags...)
	}
	c.tags = append(c.tags, "read:phones")
	return c
}

// wechatIsPhoneClause: a mobile said to be the WeChat ID as well ("微信就是
// 手机号", "Tel = WeChat"), labelled wechat and phone with one payload.
// The WeChat keyword is at most four filler characters from the number.
func wechatIsPhoneClause(r *rand.Rand, en bool) clause {
	wk := wechatKeyword(r, false)
	for wk.bareV || wk.phrase || wk.family == "add-v" || wk.family == "satellite-emoji" {
		wk = wechatKeyword(r, false)
	}
	forms := []string{wk.text + "=手机号", wk.text + "即手机号", wk.text + "就是手机", wk.text + "同手机", wk.text + "是手机号", "手机号就是" + wk.text, "电话也是" + wk.text}
	if en {
		forms = []string{"Tel = " + wk.text, "phone number is my " + wk.text, "Tel & " + wk.text}
	}
	canon := mobile(r)
	shown, tags := shownID(r, canon, mobileGroups)
	var cb builder
	cb.add(pick(r, forms))
	cb.add(pick(r, []string{"：", ":", " ", "→", ": "}))
	cb.addSpan(shown, label{canon, "wechat"}, label{canon, "phone"})
	cb.tag("multi:wechat-is-phone", "read:phones")
	cb.tag(wk.tags()...)
	cb.tag(tags...)
	return cb.clause()
}

// phoneNegatives: a fax number, which the rules do not take for a phone.
var phoneNegatives = []negative{
	func(r *rand.Rand, en bool) (string, string) {
		l := newLandline(r)
		num := l.area + pick(r, dashes) + l.local
		if r.IntN(3) == 0 {
			num = "(" + l.area + ") " + l.local
		}
		if en {
			return "Fax: " + num, "neg:fax"
		}
		return pick(r, []string{"传真：", "传真 ", "傳真：", "Fax "}) + num, "neg:fax"
	},
}
