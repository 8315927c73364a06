package policy

import (
	"strings"
	"testing"
)

// Keywords read through their sound (pinyin with or without tones, zhuyin,
// homophones) and their shape (characters written as components).
func TestTextKeywordsBySoundAndShape(t *testing.T) {
	runTextCases(t, []textCase{
		{"zhuyin both", "ㄨㄟ ㄒㄧㄣ：lele_2024", []string{"wechat lele_2024"}},
		{"zhuyin then character", "ㄨㄟ信 lele_2024", []string{"wechat lele_2024"}},
		{"character then zhuyin with tone", "微ㄒㄧㄣˋ lele_2024", []string{"wechat lele_2024"}},
		{"zhuyin qq", "ㄎㄡˋㄎㄡˋ 38475629", []string{"qq 38475629"}},
		{"zhuyin phone landline", "ㄉㄧㄢˋㄏㄨㄚˋ 0571-88157858", []string{"phone 0571-88157858"}},
		{"pinyin with tones", "wēixìn: lele_2024", []string{"wechat lele_2024"}},
		{"pinyin spaced capitals", "W E I X I N: lele_2024", []string{"wechat lele_2024"}},
		{"pinyin phone", "dian hua 0571-88157858", []string{"phone 0571-88157858"}},
		{"homophone pair", "煨鑫 lele_2024", []string{"wechat lele_2024"}},
		{"components of 信", "V亻言：lele_2024", []string{"wechat lele_2024"}},
		{"components as characters", "威人言 lele_2024", []string{"wechat lele_2024"}},
		{"components of 扣扣", "扌口扌口 38475629", []string{"qq 38475629"}},
		{"components of 企鹅", "人止我鸟：38475629", []string{"qq 38475629"}},
		{"components of 鑫", "微金金金 lele_2024", []string{"wechat lele_2024"}},
		{"components alone are no keyword", "人言可畏，扌口 2024", nil},
	})
}

// WeChat's search and account words, QQ groups, and a number said to be
// both WeChat and phone.
func TestTextAccountWords(t *testing.T) {
	runTextCases(t, []textCase{
		{"微信搜一搜", "微信搜一搜：lele_shop", []string{"wechat lele_shop"}},
		{"公众号", "关注公众号：lele_shop", []string{"wechat lele_shop"}},
		{"视频号", "视频号 lele_shop 天天直播", []string{"wechat lele_shop"}},
		{"official account", "WeChat Official Account: lele_shop", []string{"wechat lele_shop"}},
		{"search me on wechat", "Search me on WeChat: lele_shop", []string{"wechat lele_shop"}},
		{"qq group", "QQ group: 38475629", []string{"qq 38475629"}},
		{"penguin group", "🐧群 38475629", []string{"qq 38475629"}},
		{"企鹅群号", "企鹅群号 38475629", []string{"qq 38475629"}},
		{"wechat is the phone", "微信就是电话 13800138000", []string{"wechat 13800138000", "phone 13800138000"}},
		{"wechat = my phone", "WeChat = my phone number 13800138000", []string{"wechat 13800138000", "phone 13800138000"}},
		{"公众号 with a Chinese name", "公众号【小米之家】", nil},
		{"group chat without id", "Join our WeChat group for deals", nil},
		{"account without id", "WeChat account verified", nil},
	})
}

func TestTextComponentsConfig(t *testing.T) {
	head := "version: x\ncategories: {qq: block, plain: allow, external_link: warn}\n" +
		"text:\n  channels:\n    - name: qq\n      category: qq\n      ids: [qq]\n      keywords: [企鹅]\n"
	p, err := Parse([]byte(head + "  components: {\"鹅\": [\"我鳥\"]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"企我鳥 38475629", "人止我鸟 38475629"} {
		if fs := p.ScanText(0, text); len(fs) != 1 || fs[0].Identifier != "38475629" {
			t.Errorf("%q: %+v", text, fs)
		}
	}
	for _, tt := range []struct{ yaml, want string }{
		{"  components: {\"ab\": [\"我鳥\"]}\n", "components: \"ab\" is not one Chinese character"},
		{"  components: {\"鹅\": [\"我\"]}\n", "is not two or more components"},
	} {
		if _, err := Parse([]byte(head + tt.yaml)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: err = %v, want %q", tt.yaml, err, tt.want)
		}
	}
}
