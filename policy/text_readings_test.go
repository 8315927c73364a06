package policy

import (
	"strings"
	"testing"
)

// Readings of digits inside numbers: every style, register and reading a
// person decodes, with the separators sellers put between digits.
func TestTextNumberReadings(t *testing.T) {
	runTextCases(t, []textCase{
		{"radio reading", "电话 幺三八 洞洞幺三 八洞洞洞", []string{"phone 13800138000"}},
		{"radio and formal mixed", "QQ 幺两拐洞勾叁肆伍", []string{"qq 12709345"}},
		{"radio homophones", "手机 腰三八栋栋幺三八洞洞钩", []string{"phone 13800138009"}},
		{"traditional formal", "扣扣 貳參陸壹貳參陸", []string{"qq 2361236"}},
		{"parenthesised ideographs", "电话: ㈠㈢㈢_〇㈤㈧㈨_㈧㈢㈧㈤", []string{"phone 13305898385"}},
		{"underscores", "有意者 1_5_5_5_7_3_4_6_7_1_2，下单", []string{"phone 15557346712"}},
		{"em dash", "手机 138—0013—8000", []string{"phone 13800138000"}},
		{"horizontal bar", "手机 138―0013―8000", []string{"phone 13800138000"}},
		{"fullwidth hyphen", "手机 138－0013－8000", []string{"phone 13800138000"}},
		{"boxed groups", "手机「１９」「９４００」「５２６４３」", []string{"phone 19940052643"}},
		{"boxed groups with dashes", "手机号:【1783368】-【57】-【29】", []string{"phone 17833685729"}},
		{"boxed one by one", "微信 [h][o][n][e][y][_][8][7]", []string{"wechat honey_87"}},
		{"boxed with blanks", "微信->（𝕓） （𝕠） （-） （𝕡） （𝕒） （𝕟）（１）", []string{"wechat bopan1"}},
		{"radio words stay words", "洞洞鞋 36码，拐角沙发，两件包邮", nil},
		{"sizes boxed", "尺码【S】【M】【L】", nil},
		{"em dash in prose", "sneakers for sale — VX-239 camera", nil},
	})
}

// Identifiers whose pieces are joined by separators or spelled letter by
// letter, read before or after their keyword.
func TestTextJoinedAndSpelledIDs(t *testing.T) {
	runTextCases(t, []textCase{
		{"dashed id before", "hh5-an-nana 是我的微信", []string{"wechat hh5-an-nana"}},
		{"slashed id before", "x/5/u/h/a/n ← 微信", []string{"wechat x5uhan"}},
		{"bracketed keyword after", "k3iki-tian [我的＋微]，尺码", []string{"wechat k3iki-tian"}},
		{"spelled before", "c a i d u o f a n g👈my 绿色泡泡", []string{"wechat caiduofang"}},
		{"spelled after filler", "韦心搜->b o - p a n 1", []string{"wechat bopan1"}},
		{"dashed id after short word", "微信 an-cat98", []string{"wechat an-cat98"}},
		{"ascii arrow after bare V", "V->ming_2222", []string{"wechat ming_2222"}},
		{"ascii arrow after bare v", "有意v->14568445995，先到先得", []string{"wechat 14568445995"}},
		{"filler words then a word", "WeChat for more photos, no returns", nil},
		{"message me for photos", "Message me on WeChat for more photos", nil},
	})
}

func TestTextReadingsConfig(t *testing.T) {
	head := "version: x\ncategories: {qq: block, plain: allow, external_link: warn}\n" +
		"text:\n  channels:\n    - name: qq\n      category: qq\n      ids: [qq]\n      keywords: [qq]\n"
	p, err := Parse([]byte(head + "  readings:\n    number_digits: {\"〤\": \"4\"}\n    letters: {\"ω\": \"w\"}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if fs := p.ScanText(0, "QQ 〤〤1〤〤"); len(fs) != 1 || fs[0].Identifier != "44144" {
		t.Errorf("a policy's number digit: %+v", fs)
	}
	if fs := p.ScanText(0, "QQ 〤〤"); len(fs) != 0 {
		t.Errorf("a number digit outside a number: %+v", fs)
	}
	for _, tt := range []struct{ yaml, want string }{
		{"  readings:\n    digits: {\"З\": \"3\"}\n", "line 10: text readings: digits: 'З' is a letter: a letter never reads as a digit"},
		{"  readings:\n    letters: {\"ab\": \"a\"}\n", "line 10: readings letters: \"ab\""},
		{"  readings:\n    numbers: {}\n", "line 10: unknown readings key \"numbers\""},
		{"  readings:\n    number_digits: {\"洞\": \"o\"}\n", "must read as one digit"},
	} {
		_, err := Parse([]byte(head + tt.yaml))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: err = %v, want %q", tt.yaml, err, tt.want)
		}
	}
}
