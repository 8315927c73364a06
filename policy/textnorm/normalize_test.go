package textnorm

import (
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ＡＢＣ１２３", "abc123"},
		{"ⓐ①⑴⒈❶➀⓵⓪⓿", "a1111110" + "0"},
		{"¹²³₄", "1234"},
		{"一二三〇零壹贰叁", "12300123"},
		{"1️⃣2️⃣", "12"},
		{"a\u200bb\u200dc\u2060d\ufeffe\u00adf", "abcdef"},
		{"wеіхіn", "weixin"},     // Cyrillic е і х і
		{"WеСһαt", "wechat"},     // Cyrillic е С һ, Greek α
		{"Τel Ιvan", "tel ivan"}, // Greek capital tau and iota
		{"𝐚𝐛𝐜", "abc"},
		{"café", "cafe"},
		{"微信　号", "微信 号"},
		{"ｈｔｔｐ：／／", "http://"},
		{"ﬁ", "fi"},
		{"𝟎𝟏𝐨𝐥", "01ol"},         // math bold digits stay digits
		{"𝟢𝟣𝟶𝟷𝟬𝟭", "010101"},     // sans, monospace, sans bold
		{"٣४৫๖", "3456"},         // Arabic-Indic, Devanagari, Bengali, Thai
		{"ᴋᴀɪ ᴍᴏᴏɴ", "kai moon"}, // small capitals
		{"幺三八兩兩", "13822"},       // number-only digits inside a number
		{"兩件，幺蛾子", "兩件,幺蛾子"},     // and words elsewhere
		{"幺 3 8 兩 9", "1 3 8 2 9"}, {"幺 3 8 兩", "幺 3 8 兩"},
	}
	for _, tt := range tests {
		if got := string(Normalize(tt.in).Runes); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestEveryDecimalDigitIsADigit checks every character of class Nd against
// its numeric value where NFKC knows it (the styled ASCII digits) and
// against its place in its run of ten otherwise.
func TestEveryDecimalDigitIsADigit(t *testing.T) {
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if !unicode.Is(unicode.Nd, r) {
			continue
		}
		got := string(Normalize(string(r)).Runes)
		if len(got) != 1 || got[0] < '0' || got[0] > '9' {
			t.Errorf("%U %q normalises to %q, not a digit", r, r, got)
			continue
		}
		if nfkc := norm.NFKC.String(string(r)); len(nfkc) == 1 && nfkc != got {
			t.Errorf("%U: got %q, NFKC says %q", r, got, nfkc)
		}
	}
}

func TestSpansMapBack(t *testing.T) {
	in := "Ｖ信：ａ1️⃣\u200b①é"
	n := Normalize(in)
	for i := range n.Runes {
		if n.Start[i] < 0 || n.End[i] > len(in) || n.Start[i] >= n.End[i] || i > 0 && n.Start[i] < n.Start[i-1] {
			t.Fatalf("unit %d: bad span %d:%d", i, n.Start[i], n.End[i])
		}
	}
	// The keycap unit covers "1", U+FE0F and U+20E3; é covers its accent.
	if s, e := n.Span(4, 5); in[s:e] != "1️⃣" {
		t.Errorf("keycap span = %q", in[s:e])
	}
	if s, e := n.Span(6, 7); in[s:e] != "é" {
		t.Errorf("accent span = %q", in[s:e])
	}
}

func FuzzNormalize(f *testing.F) {
	f.Add("Ｖ信：ａｂｃ＿１２３４５６")
	f.Add("\xff1️⃣\u200b")
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if len(n.Start) != len(n.Runes) || len(n.End) != len(n.Runes) {
			t.Fatal("length mismatch")
		}
		for i := range n.Runes {
			if n.Start[i] < 0 || n.End[i] > len(s) || n.Start[i] >= n.End[i] || i > 0 && n.Start[i] < n.Start[i-1] {
				t.Fatalf("unit %d: bad span %d:%d of %d", i, n.Start[i], n.End[i], len(s))
			}
		}
	})
}
