package policy

import (
	"fmt"
	"strings"
	"testing"
)

// want is one expected channel: "category identifier".
type textCase struct {
	name string
	text string
	want []string
}

func runTextCases(t *testing.T, cases []textCase) {
	t.Helper()
	p := Default()
	for _, tc := range cases {
		fs := p.ScanText(0, tc.text)
		var got []string
		for _, f := range fs {
			got = append(got, f.Category+" "+f.Identifier)
			if tc.text[f.Start:f.End] != f.Payload {
				t.Errorf("%s: span %d:%d is %q, payload %q", tc.name, f.Start, f.End, tc.text[f.Start:f.End], f.Payload)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: ScanText(%q)\n got  %q\n want %q", tc.name, tc.text, got, tc.want)
		}
	}
}

func TestTextKeywordDisguises(t *testing.T) {
	runTextCases(t, []textCase{
		{"plain", "全新耳机，微信：abc_123456，包邮", []string{"wechat abc_123456"}},
		{"contract example", "全新耳机，Ｖ信：ａｂｃ＿１２３４５６，包邮", []string{"wechat abc_123456"}},
		{"威信", "威信 tian_yu88 拍前联系", []string{"wechat tian_yu88"}},
		{"薇信号", "薇信号:kaka_2021", []string{"wechat kaka_2021"}},
		{"维信", "加维信 mumu_9527 咨询", []string{"wechat mumu_9527"}},
		{"徽信 no sep", "徽信qinqin520", []string{"wechat qinqin520"}},
		{"卫星", "卫星：xiaobai_77", []string{"wechat xiaobai_77"}},
		{"VX upper", "VX: lele_0101", []string{"wechat lele_0101"}},
		{"vx lower arrow", "vx->lele_0101", []string{"wechat lele_0101"}},
		{"wx emoji", "wx👉lele_0101", []string{"wechat lele_0101"}},
		{"WeChat", "Add me on WeChat: sunny_day99 for more", []string{"wechat sunny_day99"}},
		{"weixin homoglyph", "wеіхіn: sunny_day99", []string{"wechat sunny_day99"}},
		{"plus V fullwidth", "＋Ｖ：ｓｕｎｎｙ＿ｄａｙ９９", []string{"wechat sunny_day99"}},
		{"heavy plus V", "➕V sunny_day99", []string{"wechat sunny_day99"}},
		{"加V spaced", "加 V 【sunny_day99】", []string{"wechat sunny_day99"}},
		{"加薇 zero width", "加\u200b薇:sunny_day99", []string{"wechat sunny_day99"}},
		{"heart", "威♥ sunny_day99", []string{"wechat sunny_day99"}},
		{"heart emoji", "微❤️：sunny_day99", []string{"wechat sunny_day99"}},
		{"mobile as wechat", "微信 13912345678 欢迎咨询", []string{"wechat 13912345678"}},
		{"keyword after id", "sunny_day99（微信）欢迎咨询", []string{"wechat sunny_day99"}},
		{"qq", "QQ：12345678", []string{"qq 12345678"}},
		{"扣扣", "扣扣 987654321", []string{"qq 987654321"}},
		{"企鹅 spaced", "企 鹅 号 55667788", []string{"qq 55667788"}},
		{"球球", "球球:1234567", []string{"qq 1234567"}},
		{"Q号", "Q号→8866442", []string{"qq 8866442"}},
		{"手机", "手机：13800138000", []string{"phone 13800138000"}},
		{"电话 landline", "电话 0571-88157858", []string{"phone 0571-88157858"}},
		{"热线 landline 3-digit", "热线：021 6888 1234", []string{"phone 021-68881234"}},
		{"Tel landline", "Tel: 010-62345678", []string{"phone 010-62345678"}},
		{"致电", "请致电 159 8888 7777", []string{"phone 15988887777"}},
		{"bare mobile", "有意者 13712345678 非诚勿扰", []string{"phone 13712345678"}},
		{"bare +86", "call +86 137 1234 5678 now", []string{"phone 13712345678"}},
		{"whatsapp", "WhatsApp: +44 7911 123456", []string{"messenger 447911123456"}},
		{"whatsapp cn mobile", "whatsapp 13712345678", []string{"messenger 8613712345678"}},
		{"telegram", "Telegram: @shop_owner", []string{"messenger @shop_owner"}},
		{"tg", "TG @Shop_Owner1", []string{"messenger @shop_owner1"}},
		{"电报", "电报 @fastdeal", []string{"messenger @fastdeal"}},
		{"same number", "手机微信同号 13800138000", []string{"phone 13800138000", "wechat 13800138000"}},
		{"same number slash", "电话/微信：138-0013-8000", []string{"phone 13800138000", "wechat 13800138000"}},
		{"wechat or qq", "微信/QQ: 12345678", []string{"qq 12345678"}},
	})
}

func TestTextCharacterDisguises(t *testing.T) {
	runTextCases(t, []textCase{
		{"fullwidth digits", "QQ １２３４５６７８", []string{"qq 12345678"}},
		{"circled", "QQ ①②③④⑤⑥⑦⑧", []string{"qq 12345678"}},
		{"parenthesised", "QQ ⑴⑵⑶⑷⑸⑹⑺⑻", []string{"qq 12345678"}},
		{"negative circled", "QQ ❶❷❸❹❺❻❼❽", []string{"qq 12345678"}},
		{"double circled", "QQ ⓵⓶⓷⓸⓹⓺⓻⓼", []string{"qq 12345678"}},
		{"digit full stop", "QQ ⒈⒉⒊⒋⒌⒍⒎⒏", []string{"qq 12345678"}},
		{"keycap", "QQ 1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣", []string{"qq 12345678"}},
		{"superscript", "QQ ¹²³⁴⁵⁶⁷⁸", []string{"qq 12345678"}},
		{"subscript", "QQ ₁₂₃₄₅₆₇₈", []string{"qq 12345678"}},
		{"chinese numerals", "QQ 一二三四五六七八", []string{"qq 12345678"}},
		{"financial numerals", "QQ 壹贰叁肆伍陆柒捌", []string{"qq 12345678"}},
		{"zero as 〇 and 零", "电话 一三八〇〇一三八零零零", []string{"phone 13800138000"}},
		{"math bold letters", "微信 𝐬𝐮𝐧𝐧𝐲_𝐝𝐚𝐲𝟗𝟗", []string{"wechat sunny_day99"}},
		{"circled letters", "微信 ⓢⓤⓝⓝⓨ_99", []string{"wechat sunny_99"}},
		{"cyrillic and greek", "微信 ѕսnnу_dау99", []string{"wechat sunny_day99"}},
		{"mixed case", "微信 SuNnY_DaY99", []string{"wechat sunny_day99"}},
		{"zero width inside", "微信 sun\u200bny\u200d_da\u2060y99\ufeff", []string{"wechat sunny_day99"}},
		{"spaces between", "微信 s u n n y _ 9 9，", []string{"wechat sunny_99"}},
		{"dots between", "QQ 1.2.3.4.5.6.7.8", []string{"qq 12345678"}},
		{"dashes between", "手机 138-0013-8000", []string{"phone 13800138000"}},
		{"slashes between", "微信 s/u/n/n/y/9/9", []string{"wechat sunny99"}},
		{"emoji between", "微信 sun🌟ny🍉99", []string{"wechat sunny99"}},
		{"newlines between", "微信\ns\nu\nn\nn\ny\n9\n9", []string{"wechat sunny99"}},
		{"mixed", "Ｖ信: ｓ.ｕ ⓝ/ｎ 🍉y_⑨⑨", []string{"wechat sunny_99"}},
		{"bare circled mobile", "看这里 ①③⑧⓪⓪①③⑧⓪⓪⓪ 包邮", []string{"phone 13800138000"}},
		{"bare keycap dashes", "1️⃣3️⃣8️⃣-0️⃣0️⃣1️⃣3️⃣-8️⃣0️⃣0️⃣0️⃣", []string{"phone 13800138000"}},
	})
}

func TestTextLinks(t *testing.T) {
	runTextCases(t, []textCase{
		{"scheme", "详情 https://wa.me/8613812345678 咨询", []string{"messenger wa.me/8613812345678"}},
		{"no scheme", "加 t.me/shopowner 聊", []string{"messenger t.me/shopowner"}},
		{"bracket dot", "u[.]wechat[.]com/abcDEF", []string{"wechat u.wechat.com/abcdef"}},
		{"paren dot", "qm(dot)qq(dot)com/cgi-bin/qm/qr?k=XyZ", []string{"qq qm.qq.com/cgi-bin/qm/qr?k=xyz"}},
		{"点", "line点me/ti/p/~abc", []string{"messenger line.me/ti/p/~abc"}},
		{"spaced dots", "paypal . me/seller01", []string{"offsite_payment paypal.me/seller01"}},
		{"blank as dot on a channel host", "wa me/8613812345678", []string{"messenger wa.me/8613812345678"}},
		{"fullwidth upper", "ＨＴＴＰＳ：／／Ｔ．ＣＮ／ＡＢＣ", []string{"short_link t.cn/abc"}},
		{"wxp keeps scheme", "付款 wxp://f2f0AbCdEf", []string{"offsite_payment wxp://f2f0abcdef"}},
		{"weixin scheme", "weixin://dl/chat?abc", []string{"wechat weixin://dl/chat?abc"}},
		{"platform allowed", "同款 https://item.taobao.com/item.htm?id=1234567", []string{"platform item.taobao.com/item.htm?id=1234567"}},
		{"partner allowed", "weibo.com/u/123456", []string{"partner weibo.com/u/123456"}},
		{"external", "shop . example-store . com/p/1", []string{"external_link shop.example-store.com/p/1"}},
		{"sentence dot is not a link", "Never opened. Contact me later", nil},
		{"blank-dotted words are not links", "free shipping today", nil},
		{"link with keyword text", "微信 weixin.qq.com/r/AbC", []string{"wechat weixin.qq.com/r/abc"}},
	})
}

func TestTextHardNegatives(t *testing.T) {
	runTextCases(t, []textCase{
		{"size", "尺码 170/88A，36D，XL", nil},
		{"sku", "SKU A7F53D77，货号 20220608R", nil},
		{"model after keyword", "VX-8240 同款", nil},
		{"model after keyword 2", "WX-2替换头，QQ-3 公仔", nil},
		{"model", "型号：XR-0231", nil},
		{"price", "原价678现价176，¥1637.00，到手价225.9元", nil},
		{"date", "2024-11-11发货，10月18日前发货，2024.11.11", nil},
		{"weight", "净重 3.5kg，450ml，950g", nil},
		{"year", "2021年新款，2025款", nil},
		{"order number", "订单号 2317850548507269396", nil},
		{"order 11 digits", "订单号 13800138000", nil},
		{"ean", "EAN 6929837050863", nil},
		{"isbn", "ISBN 978-7-533-39961-0", nil},
		{"isbn plain", "ISBN 9787258393689", nil},
		{"quantity", "月销4600+，库存4774件，一箱7瓶", nil},
		{"measure", "尺寸 76x62x58cm，31*22cm", nil},
		{"battery", "22000mAh，26000毫安大电池", nil},
		{"wechat pay", "支持微信支付", nil},
		{"wechat pay en", "WeChat Pay accepted", nil},
		{"alipay or wechat", "Alipay or WeChat Pay OK", nil},
		{"qq music", "QQ音乐会员", nil},
		{"qq music en", "QQ Music VIP gift", nil},
		{"mini program", "微信小程序同款", nil},
		{"red packet", "送微信红包封面", nil},
		{"qq speed", "QQ飞车周边", nil},
		{"wxga", "WXGA screen", nil},
		{"vxlan", "Vxlan网卡", nil},
		{"telephoto", "telephoto镜头", nil},
		{"hotel", "near the hotel 5 minutes", nil},
		{"qqq", "qqq卡通贴纸", nil},
		{"tga", "TGA联名款", nil},
		{"keyword quantity", "扣扣 9颗，球球 4个装，卫星 5代", nil},
		{"keyword version", "QQ 2.0 plush，微信 8.0 适配", nil},
		{"quantity after qq", "QQ 12345 3件包邮", []string{"qq 12345"}},
		{"keyword then a word", "QQ公仔 12345", nil},
		{"english prose", "Contact me on WeChat anytime", nil},
		{"phone case", "手机壳 iPhone15 全新", nil},
		{"no keyword digits", "款号 2024 0101 0001", nil},
	})
}

func TestTextSpansAreOriginalBytes(t *testing.T) {
	p := Default()
	text := "全新耳机，Ｖ信：ａｂｃ＿１２３４５６，包邮"
	fs := p.ScanText(1, text)
	if len(fs) != 1 {
		t.Fatalf("findings = %+v", fs)
	}
	f := fs[0]
	if f.Start != 15 || f.End != 54 || f.Payload != "Ｖ信：ａｂｃ＿１２３４５６" || f.Text != 1 || f.Rule != "wechat.id-keyword" {
		t.Errorf("finding = %+v, want the contract's example", f)
	}
	// A keycap's selector and enclosing mark belong to the span.
	fs = p.ScanText(0, "QQ 1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣")
	if len(fs) != 1 || !strings.HasSuffix(fs[0].Payload, "6️⃣") {
		t.Errorf("keycap span: %+v", fs)
	}
}

func TestClassifyTextPayloads(t *testing.T) {
	p := Default()
	for payload, want := range map[string]string{
		"微信号: abc_123": "wechat", "QQ:176779": "qq", "型号 XR-0231": "plain", "电话 13800138000": "phone",
	} {
		if c := p.Classify(payload); c.Category != want {
			t.Errorf("Classify(%q) = %+v, want %s", payload, c, want)
		}
	}
}
