package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// actions is the default policy's table (block > warn > allow): labels
// are made from it by construction, never by running a scanner.
var actions = map[string]string{
	"wechat": "block", "qq": "block", "messenger": "block", "offsite_payment": "block",
	"external_link": "warn", "short_link": "warn", "phone": "warn",
	"platform": "allow", "partner": "allow", "plain": "allow",
}

var severity = map[string]int{"allow": 0, "warn": 1, "block": 2}

// payload is a code's content and the policy category it was made as.
type payload struct {
	Text     string
	Category string
}

const (
	lower   = "abcdefghijklmnopqrstuvwxyz"
	digits  = "0123456789"
	alnum   = lower + digits
	b64url  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ" + lower + digits + "-_"
	mixedAN = "ABCDEFGHIJKLMNOPQRSTUVWXYZ" + lower + digits
)

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

func randString(rng *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

// wechatID is a WeChat ID as users pick them: a letter, then 5–19
// letters, digits, '_' or '-'.
func wechatID(rng *rand.Rand) string {
	id := randString(rng, lower, 1) + randString(rng, alnum, 5+rng.IntN(8))
	if rng.IntN(3) == 0 {
		id += "_" + randString(rng, digits, 2+rng.IntN(3))
	}
	return id
}

func cnMobile(rng *rand.Rand) string {
	return "1" + pick(rng, []string{"3", "5", "7", "8", "9"}) + randString(rng, digits, 9)
}

func qqNumber(rng *rand.Rand) string {
	return randString(rng, "123456789", 1) + randString(rng, digits, 4+rng.IntN(6))
}

func scheme(rng *rand.Rand) string { return pick(rng, []string{"https://", "https://", "http://"}) }

// generators make a payload of each category; several forms each, so
// no reader can key on one spelling.
var generators = map[string][]func(*rand.Rand) string{
	"wechat": {
		func(r *rand.Rand) string { return "https://u.wechat.com/" + randString(r, b64url, 22) },
		func(r *rand.Rand) string { return "http://weixin.qq.com/r/" + randString(r, b64url, 20) },
		func(r *rand.Rand) string { return "https://weixin.qq.com/g/" + randString(r, b64url, 16) },
		func(r *rand.Rand) string { return "微信号: " + wechatID(r) },
		func(r *rand.Rand) string { return "WeChat: " + wechatID(r) },
		func(r *rand.Rand) string { return "weixin://dl/chat?" + wechatID(r) },
	},
	"qq": {
		func(r *rand.Rand) string {
			return "https://qm.qq.com/cgi-bin/qm/qr?k=" + randString(r, b64url, 32) + "&noverify=0"
		},
		func(r *rand.Rand) string { return "QQ:" + qqNumber(r) },
		func(r *rand.Rand) string {
			return "http://wpa.qq.com/msgrd?v=3&uin=" + qqNumber(r) + "&site=qq&menu=yes"
		},
	},
	"messenger": {
		func(r *rand.Rand) string { return "https://wa.me/86" + cnMobile(r) },
		func(r *rand.Rand) string {
			return "https://t.me/" + randString(r, lower, 1) + randString(r, alnum, 5+r.IntN(8))
		},
		func(r *rand.Rand) string { return "https://line.me/ti/p/~" + randString(r, alnum, 6+r.IntN(6)) },
		func(r *rand.Rand) string { return "https://api.whatsapp.com/send?phone=852" + randString(r, digits, 8) },
	},
	"offsite_payment": {
		func(r *rand.Rand) string { return "wxp://f2f0" + randString(r, b64url, 28) },
		func(r *rand.Rand) string { return "https://paypal.me/" + randString(r, alnum, 8+r.IntN(6)) },
	},
	"short_link": {
		func(r *rand.Rand) string {
			return scheme(r) + pick(r, []string{"t.cn", "url.cn", "bit.ly", "tinyurl.com", "dwz.cn"}) + "/" + randString(r, mixedAN, 7)
		},
	},
	"external_link": {
		func(r *rand.Rand) string {
			return fmt.Sprintf("%s%s-%s%d.%s/p/%d", scheme(r), pick(r, []string{"best", "mega", "super", "fresh", "happy", "lucky"}),
				pick(r, []string{"shop", "mall", "store", "deal", "buy"}), 10+r.IntN(90),
				pick(r, []string{"com", "cn", "shop", "net", "top"}), 100000+r.IntN(900000))
		},
		func(r *rand.Rand) string {
			return "www." + randString(r, lower, 6+r.IntN(5)) + ".com/item/" + randString(r, digits, 6)
		},
	},
	"platform": {
		func(r *rand.Rand) string { return "https://item.taobao.com/item.htm?id=" + randString(r, digits, 12) },
		func(r *rand.Rand) string { return "https://detail.tmall.com/item.htm?id=" + randString(r, digits, 12) },
		func(r *rand.Rand) string { return "https://m.tb.cn/h." + randString(r, b64url, 7) },
		func(r *rand.Rand) string { return "https://qr.alipay.com/" + randString(r, alnum, 22) },
	},
	"partner": {
		func(r *rand.Rand) string {
			return "https://weibo.com/u/" + randString(r, "123456789", 1) + randString(r, digits, 9)
		},
		func(r *rand.Rand) string { return "https://m.weibo.cn/status/" + randString(r, mixedAN, 9) },
	},
	"phone": {
		func(r *rand.Rand) string { return "tel:+86" + cnMobile(r) },
		func(r *rand.Rand) string { return "tel:" + cnMobile(r) },
	},
	"plain": {
		func(r *rand.Rand) string { return fmt.Sprintf("型号 XR-%04d", r.IntN(10000)) },
		func(r *rand.Rand) string {
			return fmt.Sprintf("SN %s-%s", randString(r, "ABCDEFGHJKLMNPQRSTUVWXYZ", 3), randString(r, digits, 8))
		},
		func(r *rand.Rand) string {
			return fmt.Sprintf("Batch %d-%02d / %dg", 2020+r.IntN(7), 1+r.IntN(12), 50*(1+r.IntN(20)))
		},
		func(r *rand.Rand) string {
			return "Thank you for your order! " + randString(r, "ABCDEFGHJKLMNPQRSTUVWXYZ", 2) + randString(r, digits, 6)
		},
	},
}

// categoryWeights is the mix of categories in codes (vCards aside).
var categoryWeights = []struct {
	cat    string
	weight int
}{
	{"wechat", 22}, {"qq", 8}, {"messenger", 10}, {"offsite_payment", 10},
	{"short_link", 7}, {"external_link", 9}, {"platform", 10}, {"partner", 5},
	{"phone", 4}, {"plain", 8},
}

// newPayload draws a payload for a QR code (anything) or, ascii, for a
// Data Matrix (whose encoder writes only Latin-1). One in eight is a
// vCard, whose category is its most severe field's.
func newPayload(rng *rand.Rand, ascii bool, maxLen int) payload {
	for {
		var p payload
		if rng.IntN(8) == 0 {
			p = vcard(rng)
		} else {
			p = simplePayload(rng)
		}
		if ascii && !isASCII(p.Text) || len(p.Text) > maxLen {
			continue
		}
		return p
	}
}

func simplePayload(rng *rand.Rand) payload {
	total := 0
	for _, w := range categoryWeights {
		total += w.weight
	}
	n := rng.IntN(total)
	for _, w := range categoryWeights {
		if n < w.weight {
			return payload{pick(rng, generators[w.cat])(rng), w.cat}
		}
		n -= w.weight
	}
	panic("unreachable")
}

// vcard builds a contact card from fields whose categories are known:
// a phone (phone), a WeChat note (wechat), a link of any category, or
// only a name and an e-mail address (plain).
func vcard(rng *rand.Rand) payload {
	name := strings.ToUpper(randString(rng, lower, 1)) + randString(rng, lower, 2+rng.IntN(4))
	family := strings.ToUpper(randString(rng, lower, 1)) + randString(rng, lower, 1+rng.IntN(3))
	lines := []string{"BEGIN:VCARD", "VERSION:3.0", "N:" + family + ";" + name + ";;;", "FN:" + name + " " + family}
	cat := "plain"
	raise := func(c string) {
		if severity[actions[c]] > severity[actions[cat]] || cat == "plain" && c != "plain" && severity[actions[c]] == severity[actions[cat]] {
			cat = c
		}
	}
	if rng.IntN(3) > 0 {
		lines = append(lines, "TEL;TYPE=CELL:+86 "+cnMobile(rng))
		raise("phone")
	}
	switch rng.IntN(4) {
	case 0:
		lines = append(lines, "NOTE:WeChat "+wechatID(rng))
		raise("wechat")
	case 1:
		c := pick(rng, []string{"messenger", "external_link", "platform", "partner", "short_link"})
		u := pick(rng, generators[c])(rng)
		lines = append(lines, "URL:"+u)
		raise(c)
	}
	if rng.IntN(2) == 0 {
		lines = append(lines, "EMAIL:"+strings.ToLower(name)+"@"+pick(rng, []string{"163.com", "qq.example", "mail.example"}))
	}
	lines = append(lines, "END:VCARD")
	return payload{strings.Join(lines, "\r\n"), cat}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// eanDigits is a valid EAN-13 with a Chinese (690–699) or other prefix.
func eanDigits(rng *rand.Rand) string {
	prefix := pick(rng, []string{"690", "691", "692", "693", "694", "695", "696", "697", "400", "471", "489", "880"})
	d12 := prefix + randString(rng, digits, 9)
	return d12 + string(eanCheck(d12))
}
