package textnorm

import (
	"strings"
	"testing"
)

func TestReadZhuyin(t *testing.T) {
	for in, want := range map[string]string{
		"ㄨㄟ": "wei", "ㄒㄧㄣ": "xin", "ㄎㄡˋ": "kou", "ㄉㄧㄢˋ": "dian", "ㄏㄨㄚˋ": "hua", "ㄑㄧˇ": "qi",
		"ㄜˊ": "e", "ㄌㄩˋ": "lv", "ㄆㄠˋ": "pao", "ㄒㄩㄝ": "xue", "ㄐㄩㄣ": "jun", "ㄩㄥ": "yong", "ㄧㄣ": "yin",
		"ㄧㄡ": "you", "ㄓ": "zhi", "ㄕㄡˇ": "shou", "ㄐㄧ": "ji", "ㄏㄠˋ": "hao", "ㄑㄩㄣ": "qun", "ㄍㄨㄥ": "gong",
		"ㄓㄨㄥ": "zhong", "ㄉㄨㄟ": "dui", "ㄌㄧㄡ": "liu", "ㄨㄛ": "wo",
	} {
		rs := []rune(in + "x")
		got, n := ReadZhuyin(rs, 0)
		if got != want || n != len(rs)-1 {
			t.Errorf("ReadZhuyin(%q) = %q, %d; want %q, %d", in, got, n, want, len(rs)-1)
		}
	}
	// Two syllables read one after the other.
	rs := []rune("ㄨㄟㄒㄧㄣ")
	a, n := ReadZhuyin(rs, 0)
	b, m := ReadZhuyin(rs, n)
	if a+" "+b != "wei xin" || n+m != len(rs) {
		t.Errorf("two syllables: %q %q", a, b)
	}
	if s, n := ReadZhuyin([]rune("微信"), 0); s != "" || n != 0 {
		t.Errorf("not zhuyin: %q %d", s, n)
	}
	// Every letter of standard Mandarin has a spelling.
	if len(bopomofo) != 37 || !strings.Contains(bopomofo['ㄓ'], "zh") {
		t.Errorf("bopomofo table: %d letters", len(bopomofo))
	}
}
