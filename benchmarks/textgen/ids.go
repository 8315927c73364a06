package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Syllables and words sellers build WeChat IDs and handles from.
var (
	surnames   = []string{"zhao", "qian", "sun", "li", "zhou", "wu", "zheng", "wang", "feng", "chen", "chu", "wei", "jiang", "shen", "han", "yang", "zhu", "qin", "xu", "he", "lv", "shi", "zhang", "kong", "cao", "yan", "hua", "jin", "tao", "xie", "zou", "yu", "bai", "luo", "peng", "guo", "ma", "liang", "song", "deng", "xiao", "tang", "cai", "fan", "du", "ye", "cheng", "su", "lu", "ding"}
	givenNames = []string{"yue", "ting", "na", "xin", "yi", "jun", "hao", "yan", "lei", "fang", "ping", "min", "jing", "li", "qiang", "wen", "ming", "hui", "yun", "tian", "rui", "bo", "kai", "xuan", "ning", "lan", "qi", "yao", "shan", "mo", "chun", "feng", "ke", "zhe", "ran", "xi", "yu", "le", "nuo", "han", "an", "duo", "meng", "wan", "ge", "rou", "tong", "pei", "can"}
	nickWords  = []string{"coco", "lucky", "sunny", "momo", "kiki", "maple", "lemon", "candy", "peach", "honey", "mint", "cici", "dudu", "nana", "lulu", "bobo", "mango", "berry", "shop", "store", "home", "mall", "tea", "good", "star", "cat", "panda", "baby", "angel", "vivi", "jojo", "yoyo", "amy", "leo", "tina", "kelly", "jack", "rose", "lily", "grace"}
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func digits(r *rand.Rand, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteByte(byte('0' + r.IntN(10)))
	}
	return b.String()
}

// wechatID draws a WeChat ID: 6–20 characters, a letter first, then letters,
// digits, '_' and '-'.
func wechatID(r *rand.Rand) string {
	for {
		var parts []string
		switch r.IntN(5) {
		case 0:
			parts = []string{pick(r, surnames), pick(r, givenNames)}
		case 1:
			parts = []string{pick(r, nickWords), pick(r, givenNames)}
		case 2:
			parts = []string{pick(r, surnames), pick(r, givenNames), pick(r, givenNames)}
		case 3:
			parts = []string{pick(r, nickWords)}
		default:
			parts = []string{pick(r, givenNames), pick(r, nickWords)}
		}
		joint := pick(r, []string{"", "", "_", "-", ""})
		id := strings.Join(parts, joint)
		switch r.IntN(6) {
		case 0:
		case 1:
			id += "_" + digits(r, 2+r.IntN(3))
		case 2:
			id = id[:1] + digits(r, 1+r.IntN(2)) + id[1:]
		default:
			id += digits(r, 1+r.IntN(6))
		}
		if r.IntN(8) == 0 {
			id = string(rune('a'+r.IntN(26))) + digits(r, 5+r.IntN(6))
		}
		if len(id) >= 6 && len(id) <= 20 {
			return id
		}
	}
}

// mobilePrefixes are the first three digits of Chinese mobile numbers.
var mobilePrefixes = []string{"130", "131", "132", "133", "135", "136", "137", "138", "139", "145", "147", "150", "151", "152", "153", "155", "156", "157", "158", "159", "166", "170", "173", "175", "176", "177", "178", "180", "181", "182", "183", "185", "186", "187", "188", "189", "191", "195", "198", "199"}

// mobile draws an 11-digit Chinese mobile number (1[3-9] + 9 digits).
func mobile(r *rand.Rand) string { return pick(r, mobilePrefixes) + digits(r, 8) }

// qqNumber draws a QQ number: 5–10 digits, no leading 0 (11-digit ones are
// left out: they read as mobiles).
func qqNumber(r *rand.Rand) string {
	return string(rune('1'+r.IntN(9))) + digits(r, 4+r.IntN(6))
}

// wxid draws WeChat's default ID form: wxid_ + 6–20 letters and digits.
func wxid(r *rand.Rand) string {
	const alnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	n := 10 + r.IntN(9)
	if r.IntN(4) == 0 {
		n = 6 + r.IntN(15)
	}
	b := []byte("wxid_")
	for i := 0; i < n; i++ {
		b = append(b, alnum[r.IntN(len(alnum))])
	}
	return string(b)
}

// handle draws a Telegram handle without its '@'.
func handle(r *rand.Rand) string {
	for {
		h := pick(r, nickWords) + pick(r, []string{"_", "", ""}) + pick(r, givenNames) + digits(r, r.IntN(4))
		if len(h) >= 5 && len(h) <= 24 {
			return h
		}
	}
}

// token draws a mixed-case path token as link shorteners make them.
func token(r *rand.Rand, n int) string {
	const set = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = set[r.IntN(len(set))]
	}
	return string(b)
}

// A landline is an area code and a local number; its identifier is
// "area-local".
type landline struct{ area, local string }

var areaCodes3 = []string{"010", "020", "021", "022", "023", "024", "025", "027", "028", "029"}
var areaCodes4 = []string{"0571", "0755", "0512", "0731", "0591", "0532", "0871", "0351", "0431", "0574", "0769", "0898"}

func newLandline(r *rand.Rand) landline {
	if r.IntN(2) == 0 {
		return landline{pick(r, areaCodes3), string(rune('2'+r.IntN(7))) + digits(r, 7)}
	}
	n := 7 + r.IntN(2)
	return landline{pick(r, areaCodes4), string(rune('2'+r.IntN(7))) + digits(r, n-1)}
}

func (l landline) identifier() string { return l.area + "-" + l.local }

// An intl number is written with its country code and national grouping.
type intl struct {
	groups []string // country code first
	format string   // fmt pattern over the groups
}

func newIntl(r *rand.Rand) intl {
	switch r.IntN(7) {
	case 0:
		return intl{[]string{"1", pick(r, []string{"415", "212", "646", "310", "206"}), "555", "01" + digits(r, 2)}, pick(r, []string{"+%s (%s) %s-%s", "+%s %s-%s-%s", "+%s %s %s %s"})}
	case 1:
		return intl{[]string{"44", "7700", "900" + digits(r, 3)}, pick(r, []string{"+%s %s %s", "+%s-%s-%s"})}
	case 2:
		return intl{[]string{"852", string(rune('5'+r.IntN(5))) + digits(r, 3), digits(r, 4)}, pick(r, []string{"+%s %s %s", "+%s-%s-%s", "(+%s) %s %s"})}
	case 3:
		return intl{[]string{"65", string(rune('8'+r.IntN(2))) + digits(r, 3), digits(r, 4)}, "+%s %s %s"}
	case 4:
		return intl{[]string{"81", "90", digits(r, 4), digits(r, 4)}, pick(r, []string{"+%s %s-%s-%s", "+%s %s %s %s"})}
	case 5:
		return intl{[]string{"886", "9" + digits(r, 2), digits(r, 3), digits(r, 3)}, "+%s %s %s %s"}
	default:
		return intl{[]string{"60", "1" + digits(r, 1), digits(r, 3), digits(r, 4)}, "+%s %s-%s %s"}
	}
}

func (n intl) text() string {
	args := make([]any, len(n.groups))
	for i, g := range n.groups {
		args[i] = g
	}
	return fmt.Sprintf(n.format, args...)
}

// identifier is every digit written, country code included; a "(0)" trunk
// prefix is not dialled from abroad.
func (n intl) identifier() string { return strings.Join(n.groups, "") }
