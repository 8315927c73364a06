package main

import (
	"math/rand/v2"
	"strings"
)

// Keyword readings of text round 3: a keyword read through its sound
// (homophones beyond round 2's list, pinyin with tones, zhuyin), through
// its shape (a character written as its components, 拆字), and the words
// for WeChat's own search and accounts and for QQ groups.

// More characters read wei and xin (tones ignored, as the labelling rules
// say): any pair with the round-2 ones is a homophone of 微信.
var (
	weiWide = []string{"为", "位", "未", "味", "胃", "喂", "魏", "危", "违", "尾", "委", "苇", "纬", "玮", "炜", "帷", "慰", "谓", "畏", "渭", "偎", "娓", "煨"}
	xinWide = []string{"锌", "忻", "歆", "薪", "衅", "囟", "炘"}
)

// chaizi writes a character as its components, side by side, the way
// sellers split a watched character (信 → 亻言, 群 → 君羊).
var chaizi = map[string]string{
	"信": "亻言", "芯": "艹心", "维": "纟隹", "伟": "亻韦", "唯": "口隹", "惟": "忄隹", "薇": "艹微",
	"鑫": "金金金", "欣": "斤欠", "扣": "扌口", "抠": "扌区", "叩": "口卩", "群": "君羊", "加": "力口",
	"鹅": "我鸟", "话": "讠舌", "机": "木几",
}

// split writes each character of s that has components as its components,
// at least one of them.
func split(r *rand.Rand, s string) string {
	var out []string
	var can []int
	for i, c := range []rune(s) {
		out = append(out, string(c))
		if _, ok := chaizi[string(c)]; ok {
			can = append(can, i)
		}
	}
	if len(can) == 0 {
		return s
	}
	first := pick(r, can)
	for _, i := range can {
		if i == first || r.IntN(2) == 0 {
			out[i] = chaizi[out[i]]
		}
	}
	return strings.Join(out, "")
}

// Pinyin with tone marks and zhuyin (bopomofo) for the syllables of the
// keywords; the first tone has no zhuyin mark.
var (
	toneVowels = map[string][4]string{"e": {"ē", "é", "ě", "è"}, "i": {"ī", "í", "ǐ", "ì"}, "o": {"ō", "ó", "ǒ", "ò"}}
	syllables  = map[string]struct{ vowel, zhuyin string }{
		"wei": {"e", "ㄨㄟ"}, "xin": {"i", "ㄒㄧㄣ"}, "kou": {"o", "ㄎㄡ"},
	}
	zhuyinTones = []string{"", "ˊ", "ˇ", "ˋ"}
)

// toned writes a syllable with a tone mark (tone 1–4) or, numbered, with
// the tone's digit after it.
func toned(r *rand.Rand, syl string, numbered bool) string {
	t := 1 + r.IntN(4)
	if numbered {
		return syl + string(rune('0'+t))
	}
	v := syllables[syl].vowel
	return strings.Replace(syl, v, toneVowels[v][t-1], 1)
}

func zhuyin(r *rand.Rand, syl string) string {
	return syllables[syl].zhuyin + pick(r, zhuyinTones)
}

// Words for WeChat's own search and accounts; each is said before the ID
// ("微信搜一搜：abc123", "search me on WeChat: abc123").
var (
	wechatSearchZH = []string{"微信搜一搜", "微信搜索", "微信里搜"}
	wechatSearchEN = []string{"search me on WeChat", "WeChat search", "find me on WeChat search"}
	officialZH     = []string{"公众号", "微信公众号", "公众号搜", "关注公众号", "服务号"}
	officialEN     = []string{"WeChat official account", "official account"}
	channelsZH     = []string{"视频号", "微信视频号"}
	channelsEN     = []string{"WeChat Channels"}
	enterpriseZH   = []string{"企业微信", "企业微信号"}
	qqGroupWords   = []string{"扣群", "Q群号", "QQ群号", "扣扣群号", "企鹅群号", "Q裙", "扣扣裙", "q群号"}
	telegramPlane  = []string{"纸飞机"}
	// round3Families are the keyword families of round 3 (tag read:keywords).
	round3Families = map[string]bool{"homophone-wide": true, "pinyin-tone": true, "zhuyin": true, "chaizi": true, "wechat-search": true, "official-account": true, "视频号": true, "企业微信": true, "卫星": true, "qq-group": true, "bare-q": true, "纸飞机": true, "handle-no-at": true}
)

// round3WechatKeyword draws one of round 3's WeChat keywords.
func round3WechatKeyword(r *rand.Rand, en bool) keyword {
	switch n := r.IntN(100); {
	case n < 22: // a homophone with at least one character beyond round 2's
		w, x := pick(r, weiChars), pick(r, xinChars)
		switch r.IntN(3) {
		case 0:
			w = pick(r, weiWide)
		case 1:
			x = pick(r, xinWide)
		default:
			w, x = pick(r, weiWide), pick(r, xinWide)
		}
		return disguiseKeyword(r, keyword{text: w + x, family: "homophone-wide"})
	case n < 36:
		numbered := r.IntN(4) == 0
		w, x := toned(r, "wei", numbered), toned(r, "xin", numbered)
		if r.IntN(3) == 0 {
			w, x = strings.ToUpper(w[:1])+w[1:], strings.ToUpper(x[:1])+x[1:]
		}
		return keyword{text: w + pick(r, []string{"", " ", "-"}) + x, family: "pinyin-tone"}
	case n < 48:
		return keyword{text: zhuyin(r, "wei") + pick(r, []string{"", " ", "·"}) + zhuyin(r, "xin"), family: "zhuyin"}
	case n < 62:
		w := pick(r, []string{"微", "威", "维", "伟", "唯", "惟", "薇", "卫"})
		x := pick(r, []string{"信", "信", "信", "芯", "欣", "鑫"})
		return keyword{text: split(r, w+x), family: "chaizi"}
	case n < 66: // 加 written 力口 before V or a wei character: "add me on WeChat"
		return keyword{text: "力口" + pick(r, []string{"", "", "我"}) + pick(r, []string{"V", "v", "薇", "微", "威", "艹微"}), family: "chaizi"}
	case n < 76:
		if en {
			return keyword{text: pick(r, wechatSearchEN), family: "wechat-search", phrase: true}
		}
		return keyword{text: pick(r, wechatSearchZH), family: "wechat-search", phrase: true}
	case n < 86:
		if en {
			return keyword{text: pick(r, officialEN), family: "official-account", phrase: true}
		}
		return keyword{text: pick(r, officialZH), family: "official-account", phrase: true}
	case n < 91:
		if en {
			return keyword{text: pick(r, channelsEN), family: "视频号", phrase: true}
		}
		return keyword{text: pick(r, channelsZH), family: "视频号", phrase: true}
	case n < 95:
		return keyword{text: pick(r, enterpriseZH), family: "企业微信", phrase: true}
	default: // the rules name 卫星 among WeChat's nicknames
		return disguiseKeyword(r, keyword{text: "卫星", family: "卫星"})
	}
}

// round3QQKeyword draws one of round 3's QQ keywords.
func round3QQKeyword(r *rand.Rand) keyword {
	switch n := r.IntN(100); {
	case n < 30:
		w := pick(r, []string{"扣扣", "扣扣", "抠抠", "叩扣", "扣扣群", "企鹅", "企鹅号"})
		if !strings.HasSuffix(w, "号") && !strings.HasSuffix(w, "群") && r.IntN(3) == 0 {
			w += "号"
		}
		return keyword{text: split(r, w), family: "chaizi"}
	case n < 38:
		return keyword{text: pick(r, []string{"Q", "QQ", "q", "扣扣"}) + split(r, "群"), family: "chaizi"}
	case n < 52:
		k := zhuyin(r, "kou")
		return keyword{text: k + pick(r, []string{"", " "}) + zhuyin(r, "kou"), family: "zhuyin"}
	case n < 80:
		return disguiseKeyword(r, keyword{text: pick(r, qqGroupWords), family: "qq-group"})
	default:
		return keyword{text: pick(r, []string{"Q", "q", "Ｑ"}), family: "bare-q", bareV: true}
	}
}

// keywordNegatives are listing text that a reader does not take for a
// keyword with an identifier: pinyin and zhuyin words that are other words,
// characters split that make other words, WeChat's search and account
// words and homophone words with no identifier.
var keywordNegatives = []negative{
	func(r *rand.Rand, en bool) (string, string) { // another word in pinyin or zhuyin, then a code
		w := pick(r, []string{"weixiu", "wei xiu", "wéixiū", "weixiao", "wēixiào", "xinxian", "xīnxiān", "kouhong", "kǒuhóng", "ㄨㄟˊ ㄒㄧㄡ", "ㄨㄟ ㄒㄧㄠˋ", "ㄒㄧㄣ ㄒㄧㄢ", "ㄎㄡˇ ㄏㄨㄥˊ", "weilai", "xinnian"})
		code := string(rune('A'+r.IntN(26))) + string(rune('A'+r.IntN(26))) + digits(r, 4)
		return w + pick(r, []string{"：", ": ", " "}) + code, "neg:pinyin-word"
	},
	func(r *rand.Rand, en bool) (string, string) { // components of other words
		return pick(r, []string{"力口热" + itoaInt(2+r.IntN(3)) + "档", "扌口子" + itoaInt(4+r.IntN(8)) + "颗", "亻言用卡分期", "木几器人同款", "讠舌筒套装"}), "neg:chaizi-word"
	},
	func(r *rand.Rand, en bool) (string, string) { // account and group words with no identifier
		if en {
			return pick(r, []string{"official account coming soon", "WeChat Channels live on Fridays", "search WeChat for our store name"}), "neg:account-noid"
		}
		return pick(r, []string{"公众号文章同款", "微信搜一搜同款", "视频号直播同款", "关注公众号领券", "群号见主页", "拼团群" + itoaInt(3+r.IntN(3)) + "人成团", "企业微信认证商家"}), "neg:account-noid"
	},
	func(r *rand.Rand, en bool) (string, string) { // words that sound like 微信 and mean something else
		return pick(r, []string{"不说违心话", "为新客准备的礼包", "味心独具", "危心慎用"}), "neg:homophone-word"
	},
}
