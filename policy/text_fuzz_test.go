package policy

import (
	"fmt"
	"testing"
	"unicode/utf8"
)

// FuzzScanText checks that the text scanner never panics, that every span
// lies inside the input on rune boundaries, that the payload is exactly the
// span, and that every finding has a category, action and rule. Seeds are in
// testdata/fuzz/FuzzScanText. With a cap of two, the findings listed are
// the uncapped scan's most severe, in text order, and a summary counts the
// rest: the verdict is the same, but for the summary's own action.
func FuzzScanText(f *testing.F) {
	for _, s := range []string{
		"", "微信：abc_123456", "Ｖ信：ａｂｃ＿１２３４５６", "手机微信同号 138-0013-8000",
		"QQ ①②③④⑤⑥⑦⑧", "u[.]wechat[.]com/abc", "1️⃣3️⃣8️⃣0️⃣0️⃣1️⃣3️⃣8️⃣0️⃣0️⃣0️⃣",
		"wеіхіn: s\u200bu\nn/n🍉y", "\xff\xfe微信\xc0", "wa me/8613812345678", "电话 0571-88157858",
		// Readings of this round: radio digits, boxes, zhuyin, components,
		// defanged schemes, userinfo, other regions' phones.
		"电话 幺三八—洞洞幺三―八洞洞洞", "微信 [h][o][n][e][y][_][8][7]", "手机「１９」「９４００」", "ㄨㄟ ㄒㄧㄣˋ：abc_123",
		"V亻言 abc_123", "hxxps[://]bit[.]ly/abc", "h t t p s : / / t点cn/x", "item.taobao.com[@]tb-goods.cn/i/1",
		"電話：+852 6734 2815", "【", "[a][", "ㄒ", "hxxp[:]", "1_2_3_4_5", "〔壹柒捌零〕捌叁叁贰叁贰捌",
	} {
		f.Add(s)
	}
	p := Default()
	f.Fuzz(func(t *testing.T, text string) {
		all := p.ScanTextLimited(0, text, 0)
		checkCapped(t, all, p.ScanTextLimited(0, text, 2))
		for _, fd := range all {
			if fd.Start < 0 || fd.End > len(text) || fd.Start >= fd.End {
				t.Fatalf("span %d:%d outside %d bytes", fd.Start, fd.End, len(text))
			}
			if text[fd.Start:fd.End] != fd.Payload {
				t.Fatalf("payload %q is not text[%d:%d]", fd.Payload, fd.Start, fd.End)
			}
			if utf8.ValidString(text) && !utf8.ValidString(fd.Payload) {
				t.Fatalf("span %d:%d cuts a character", fd.Start, fd.End)
			}
			if fd.Category == "" || !fd.Action.Valid() || fd.Rule == "" || fd.Identifier == "" {
				t.Fatalf("incomplete finding %+v", fd)
			}
		}
	})
}

// checkCapped compares a scan capped at two findings with the uncapped one.
func checkCapped(t *testing.T, all, capped []Finding) {
	t.Helper()
	listed := capped
	if len(all) > 2 {
		sum := capped[len(capped)-1]
		if len(capped) != 3 || sum.Category != CategoryTooManyFindings || sum.Count != len(all)-2 {
			t.Fatalf("%d findings capped at 2: %+v", len(all), capped)
		}
		listed = capped[:2]
	} else if fmt.Sprint(all) != fmt.Sprint(capped) {
		t.Fatalf("under the cap: %+v, want %+v", capped, all)
	}
	if Verdict(listed) != Verdict(all) {
		t.Fatalf("listed verdict %s, all %s", Verdict(listed), Verdict(all))
	}
	for i := range listed {
		if i > 0 && listed[i].Start < listed[i-1].Start {
			t.Fatalf("not in text order: %+v", listed)
		}
	}
}
