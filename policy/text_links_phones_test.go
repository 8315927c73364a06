package policy

import "testing"

// Links read through every dot, colon, slash and '@' word a person decodes.
func TestTextDefangedLinks(t *testing.T) {
	runTextCases(t, []textCase{
		{"hxxps and bracketed colon", "hxxps[:]//evil-shop[.]com/p/1", []string{"external_link evil-shop.com/p/1"}},
		{"scheme in brackets", "hxxps[://]bit[.]ly/abc", []string{"short_link bit.ly/abc"}},
		{"spaced scheme", "h t t p s : / / shop.example.com/x", []string{"external_link shop.example.com/x"}},
		{"space before colon", "hxxp ://t。cn/abc", []string{"short_link t.cn/abc"}},
		{"Chinese colon and slash words", "https冒号斜杠斜杠shop点xyz/a", []string{"external_link shop.xyz/a"}},
		{"traditional dot", "weixin點qq點com/r/abc", []string{"wechat weixin.qq.com/r/abc"}},
		{"句号", "shop句号com/p1", []string{"external_link shop.com/p1"}},
		{"fullwidth full stop", "shop．com/p1", []string{"external_link shop.com/p1"}},
		{"dot and slash words", "wa dot me slash 8613812345678", []string{"messenger wa.me/8613812345678"}},
		{"upper-case defanged payment", "HXXPS://PAYPAL[.]ME/abc", []string{"offsite_payment paypal.me/abc"}},
		{"userinfo before another host", "item.taobao.com@tb-goods.cn/i/7731", []string{"external_link tb-goods.cn/i/7731"}},
		{"bracketed at", "item.taobao.com[@]tb-goods.cn/i/7731", []string{"external_link tb-goods.cn/i/7731"}},
		{"look-alike platform host", "tаobao.com/item/1", []string{"external_link taobao.com/item/1"}},
		{"look-alike partner host", "weibo.cоm/u/1", []string{"external_link weibo.com/u/1"}},
		{"fullwidth platform host stays", "ｔａｏｂａｏ．ｃｏｍ/item/1", []string{"platform taobao.com/item/1"}},
		{"mail address", "john.doe@gmail.com 或 12345678@qq.com", nil},
		{"dot word inside a word", "好评点赞，httpserver 教程", nil},
	})
}

// Phones of other regions, landlines in every form, handles without '@',
// and numbers that are not phones.
func TestTextPhonesAndHandles(t *testing.T) {
	runTextCases(t, []textCase{
		{"Hong Kong with code", "電話：+852 6734 2815", []string{"phone 85267342815"}},
		{"Hong Kong without code", "電話：6734 2815", []string{"phone 67342815"}},
		{"Taiwan mobile", "手機 0912-345-678", []string{"phone 0912345678"}},
		{"US without code", "Phone (415) 555-0132", []string{"phone 4155550132"}},
		{"landline in numerals", "电话（〇二〇）叁捌伍贰—柒柒壹陆", []string{"phone 020-38527716"}},
		{"landline with minus sign", "座机 0571−88157858", []string{"phone 0571-88157858"}},
		{"mobile in one box and numerals", "手机号码：〔壹柒捌零〕捌叁叁贰叁贰捌", []string{"phone 17808332328"}},
		{"telegram handle without at", "电报号 retro_lens", []string{"messenger @retro_lens"}},
		{"tg handle after colon", "TG: camshop_hk", []string{"messenger @camshop_hk"}},
		{"telegram prose", "Telegram channel coming soon", nil},
		{"invoice number", "发票号码 15802637491", nil},
		{"tracking number", "运单号 13798716904", nil},
		{"brand that sounds like a keyword", "微星 RTX 4060 显卡", nil},
		{"spec under a phone word", "手机 8GB+256GB，电话 2024年", nil},
		{"line break after a whole id", "微信 sam_desk_01\npickup only", []string{"wechat sam_desk_01"}},
		{"line break inside an id", "微信 zhu\ntian6351", []string{"wechat zhutian6351"}},
	})
}

// TestTextDefangedSchemeInSpan checks that a defanged scheme is read as
// part of the link: the finding's span starts at it.
func TestTextDefangedSchemeInSpan(t *testing.T) {
	p := Default()
	for _, text := range []string{"hxxps[:]//evil-shop[.]com/p/1", "h t t p s : / / shop.example.com/x",
		"hxxp ://t。cn/abc", "hxxps[://]bit[.]ly/abc", "https冒号斜杠斜杠shop点xyz/a", "HXXP(colon)//shop[.]com"} {
		fs := p.ScanText(0, "看 "+text+" 吧")
		if len(fs) != 1 || fs[0].Payload != text {
			t.Errorf("%q: findings %+v, want one whose payload is the whole link", text, fs)
		}
	}
}

// The readings added after scoring the generator's tuning seeds: 0086 and
// 00 prefixes, punctuation in CJK brackets, tone numbers, components that
// are themselves keyword syllables, group homophones.
func TestTextPrefixesTonesAndBrackets(t *testing.T) {
	runTextCases(t, []textCase{
		{"0086 before a mobile", "致电号码： ００８６ 17595344971", []string{"phone 17595344971"}},
		{"0086 before numerals", "TEL:0086 壹・玖·壹・零・零·陸・零·貳·肆・肆·玖", []string{"phone 19100602449"}},
		{"00 before another region", "联系电话是:00852 6653‒5899。", []string{"phone 85266535899"}},
		{"dots in CJK brackets", "weibo〔.〕cn/mintshan155 和 bit【.】ly(slash)DUKcxmC", []string{"partner weibo.cn/mintshan155", "short_link bit.ly/dukcxmc"}},
		{"tone numbers", "Find me on Wei4-Xin1➡️SUMINGXIN_2541.", []string{"wechat sumingxin_2541"}},
		{"tone numbers spaced", "要的wei1 xin1号👉xiaoningjun9637！", []string{"wechat xiaoningjun9637"}},
		{"components read as a syllable", "口卩扌口 38475629", []string{"qq 38475629"}},
		{"group homophone after the number", "393227294 就是Q裙", []string{"qq 393227294"}},
		{"grass radical as written", "h5-an-nana←加我艹微信，可小刀", []string{"wechat h5-an-nana"}},
		{"pay by wechat", "pay by WeChat: 2024 edition", nil},
		{"digits after a word are no tone", "sun1 and moon2 set", nil},
	})
}

// Round 3's last readings: symbols inside a keyword, payment lists, a
// one-word userinfo after a scheme, an area code as written, a box after a
// keyword, a short word before an ID.
func TestTextListsSymbolsAndUserinfo(t *testing.T) {
	runTextCases(t, []textCase{
		{"emoji inside a keyword", "微🌸信：abc_123", []string{"wechat abc_123"}},
		{"bar inside a keyword", "微|信 abc_123", []string{"wechat abc_123"}},
		{"underscore inside a keyword", "微_信 abc_123", []string{"wechat abc_123"}},
		{"tilde inside a Latin keyword", "V～X：abc_123", []string{"wechat abc_123"}},
		{"underscore between Latin letters is an ID's", "货号 a_wx_9 现货", nil},
		{"payment list before a number", "Ships in 2 days, pay by Alipay / WeChat. 13812345678", []string{"phone 13812345678"}},
		{"payment list with or", "Pay with PayPal or WeChat. 138 1234 5678", []string{"phone 13812345678"}},
		{"payment list in Chinese", "微信、支付宝付款均可。13812345678", []string{"phone 13812345678"}},
		{"methods alone say no payment", "支付宝/微信：abc_123", []string{"wechat abc_123"}},
		{"a comma ends the payment clause", "支持微信支付，加微信：abc_123", []string{"wechat abc_123"}},
		{"a method is no ID", "Payment: WeChat / Alipay. Contact WeChat: abc_123", []string{"wechat abc_123"}},
		{"one-word userinfo after a scheme", "Contact https://user@shop.example.com/x", []string{"external_link shop.example.com/x"}},
		{"defanged userinfo", "hxxps://admin[@]evil.cn/p", []string{"external_link evil.cn/p"}},
		{"mail address without a scheme", "mail me: user@evil.cn", nil},
		{"Taiwan area code as written", "電話：02-2345-6789", []string{"phone 02-23456789"}},
		{"three-digit area code in brackets", "電話：(07) 234-5678", []string{"phone 07-2345678"}},
		{"mainland area code", "电话：021-5555 1234", []string{"phone 021-55551234"}},
		{"boxed letters after a keyword", "75元，vx〔b〕〔e〕〔a〕〔n〕〔s〕〔_〕〔9〕〔9〕", []string{"wechat beans_99"}},
		{"boxed wxid after a prompt", "加{w}{x}{i}{d}{_}{k}{z}{d}{j}{k}{d}{p}{6}", []string{"wechat wxid_kzdjkdp6"}},
		{"a short word before the ID", "wechat id is abc_123", []string{"wechat abc_123"}},
		{"a word and digits are one ID", "WeChat: lily 2625", []string{"wechat lily2625"}},
	})
}
