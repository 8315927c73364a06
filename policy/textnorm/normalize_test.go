package textnorm

import (
	"testing"
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
	}
	for _, tt := range tests {
		if got := string(Normalize(tt.in).Runes); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestConfusablesOnlyASCIITargets(t *testing.T) {
	for r, c := range confusables {
		if r < 0x80 {
			t.Errorf("ASCII source %q in table", r)
		}
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			t.Errorf("%q maps to non-alphanumeric %q", r, c)
		}
	}
	if _, ok := confusables['〇']; ok {
		t.Error("〇 must be read as a digit, not as O")
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
