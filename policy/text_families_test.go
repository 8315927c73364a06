package policy

import "testing"

// The families below are disguises described in general terms; each is
// tested with several variants so that a rule fitted to one example fails.

func TestTextKeywordAfterID(t *testing.T) {
	runTextCases(t, []textCase{
		{"是我的微信", "maple_2288 是我的微信，欢迎来问", []string{"wechat maple_2288"}},
		{"bracketed V信", "kiki_0931（V信）拍前咨询", []string{"wechat kiki_0931"}},
		{"这是企鹅号", "384756291 这是企鹅号", []string{"qq 384756291"}},
		{"pointing emoji 绿泡泡", "sunshine_77 👈 绿泡泡", []string{"wechat sunshine_77"}},
		{"letters only id after", "youzhi_shop 就是我微信", []string{"wechat youzhi_shop"}},
		{"mobile then 是我威信", "13912345678是我威信", []string{"wechat 13912345678"}},
		{"qq after with filler", "55667788 是我扣扣哦", []string{"qq 55667788"}},
		{"english after", "lily_home88 is my WeChat", []string{"wechat lily_home88"}},
		{"sentence punctuation stops", "订单 abc_123456。微信联系客服", nil},
	})
}

func TestTextFillers(t *testing.T) {
	runTextCases(t, []textCase{
		{"加我v", "有需要加我v：mumu_1234", []string{"wechat mumu_1234"}},
		{"私我薇", "私我薇 lanlan_520", []string{"wechat lanlan_520"}},
		{"QQ me", "QQ me: 12345678", []string{"qq 12345678"}},
		{"WeChat me arrow", "WeChat me → peach_tree9", []string{"wechat peach_tree9"}},
		{"WeChat me at", "WeChat me at peach_tree9 please", []string{"wechat peach_tree9"}},
		{"微信是", "微信是：grace_0102", []string{"wechat grace_0102"}},
		{"微信号码是多少", "我的微信号是 grace_0102 哦", []string{"wechat grace_0102"}},
		{"Q群", "Q群：345678901", []string{"qq 345678901"}},
		{"QQ群", "QQ群 87654321 进群领券", []string{"qq 87654321"}},
		{"加我扣扣", "加我扣扣 99887766", []string{"qq 99887766"}},
	})
}

func TestTextSoundKeywords(t *testing.T) {
	runTextCases(t, []textCase{
		{"微芯", "微芯：xiaoyu_88", []string{"wechat xiaoyu_88"}},
		{"威芯", "威芯 xiaoyu_88", []string{"wechat xiaoyu_88"}},
		{"危鑫", "危鑫:xiaoyu_88", []string{"wechat xiaoyu_88"}},
		{"wei-xin", "Wei-Xin: xiaoyu_88", []string{"wechat xiaoyu_88"}},
		{"V.X", "V.X: xiaoyu_88", []string{"wechat xiaoyu_88"}},
		{"wei x", "wei x xiaoyu_88", []string{"wechat xiaoyu_88"}},
		{"v心", "v心 xiaoyu_88", []string{"wechat xiaoyu_88"}},
		{"微x", "微x：xiaoyu_88", []string{"wechat xiaoyu_88"}},
		{"蔻蔻", "蔻蔻 38475629", []string{"qq 38475629"}},
		{"kou kou", "kou kou: 38475629", []string{"qq 38475629"}},
		{"起鹅", "企额 38475629", []string{"qq 38475629"}},
		{"绿色泡泡", "绿色泡泡：melon_box1", []string{"wechat melon_box1"}},
		{"penguin emoji", "🐧：38475629", []string{"qq 38475629"}},
		{"satellite emoji", "🛰️ melon_box1", []string{"wechat melon_box1"}},
		{"veto 维新", "明治维新 abc_1868", nil},
	})
}

func TestTextBareV(t *testing.T) {
	runTextCases(t, []textCase{
		{"V colon", "V：tina_3344", []string{"wechat tina_3344"}},
		{"v arrow", "联系 v→tina_3344", []string{"wechat tina_3344"}},
		{"V model", "V8 发动机", nil},
		{"VX model", "VX-8240 同款", nil},
		{"V size", "V领 M码", nil},
		{"v no sep", "v tina", nil},
	})
}

func TestTextDigitStyles(t *testing.T) {
	runTextCases(t, []textCase{
		{"math bold digits in id", "微信 ab𝟎𝟏cd_𝟗𝟗", []string{"wechat ab01cd_99"}},
		{"math sans letters", "微信 𝗺𝗮𝗽𝗹𝗲_𝟮𝟬𝟮𝟰", []string{"wechat maple_2024"}},
		{"math monospace", "QQ 𝟷𝟸𝟹𝟺𝟻𝟼𝟽", []string{"qq 1234567"}},
		{"small capitals", "微信 ᴋᴀɪ_ᴍᴏᴏɴ12", []string{"wechat kai_moon12"}},
		{"arabic-indic digits", "QQ ٣٤٥٦٧٨٩٠", []string{"qq 34567890"}},
		{"devanagari digits", "QQ ३४५६७८९", []string{"qq 3456789"}},
		{"spoken digits mobile", "电话 幺三八洞洞幺三八洞洞洞", []string{"phone 13800138000"}},
		{"spoken mixed", "QQ 幺2两4拐8洞9", []string{"qq 12247809"}},
		{"spoken fullwidth", "微信 幺３９１２３４５６拐８", []string{"wechat 13912345678"}},
		{"两 as quantity", "两件包邮，拐角处", nil},
	})
}

func TestTextWrapping(t *testing.T) {
	runTextCases(t, []textCase{
		{"line break indent", "微信：maple_\n    2288", []string{"wechat maple_2288"}},
		{"、 split", "QQ 3847、5629、1", []string{"qq 384756291"}},
		{"~ split", "微信 ma~ple~_22~88", []string{"wechat maple_2288"}},
		{"middot split", "微信 ma·ple·2288", []string{"wechat maple2288"}},
		{"emoji split", "微信 ma🌸ple🌸2288", []string{"wechat maple2288"}},
		{"zero width split", "QQ 3847\u200b5629", []string{"qq 38475629"}},
		{"crlf wrap", "QQ：3847\r\n5629", []string{"qq 38475629"}},
	})
}

func TestTextWxid(t *testing.T) {
	runTextCases(t, []textCase{
		{"bare wxid", "加 wxid_ab12cd34ef 备注来意", []string{"wechat wxid_ab12cd34ef"}},
		{"keyword wxid", "微信：wxid_9k3m2n7p", []string{"wechat wxid_9k3m2n7p"}},
		{"wxid fullwidth", "ｗｘｉｄ＿ｑｗｅｒ１２３４", []string{"wechat wxid_qwer1234"}},
	})
}

func TestTextLinkDisguises(t *testing.T) {
	runTextCases(t, []textCase{
		{"。 as dot", "weixin。qq。com/r/AbCd", []string{"wechat weixin.qq.com/r/abcd"}},
		{"dot word", "t dot me slash shopkeeper", []string{"messenger t.me/shopkeeper"}},
		{"点 bare", "paypal点me/sellerx", []string{"offsite_payment paypal.me/sellerx"}},
		{"spaced slash path", "wa.me / 8613812345678", []string{"messenger wa.me/8613812345678"}},
		{"middot host", "weixin·qq·com/r/xyz", []string{"wechat weixin.qq.com/r/xyz"}},
		{"DOT upper", "line DOT me/ti/p/abc", []string{"messenger line.me/ti/p/abc"}},
	})
}

func TestTextPhoneForms(t *testing.T) {
	runTextCases(t, []textCase{
		{"bracketed area", "电话 (020) 3852 7716", []string{"phone 020-38527716"}},
		{"fullwidth bracket", "热线（0755）8765 4321", []string{"phone 0755-87654321"}},
		{"country code", "Tel: +1 (415) 555-0132", []string{"phone 14155550132"}},
		{"uk", "phone +44 20 7946 0958", []string{"phone 442079460958"}},
		{"+86 mobile", "电话 +86 139 1234 5678", []string{"phone 13912345678"}},
	})
}

func TestTextPaymentNegatives(t *testing.T) {
	runTextCases(t, []textCase{
		{"pay then sale", "Alipay or WeChat Pay OK / 618 sale", nil},
		{"微信支付 then date", "支持微信支付 11.11 活动", nil},
		{"wechat pay slash", "WeChat Pay / Apple Pay / card", nil},
		{"qq music number", "QQ音乐 12个月", nil},
		{"model vs", "VX 520 手柄", nil},
	})
}
