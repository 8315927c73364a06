package textnorm

import (
	"slices"
	"strings"
	"testing"

	"github.com/mozillazg/go-pinyin"
)

func TestHomophones(t *testing.T) {
	for syl, want := range map[string]string{
		"wei": "微威薇维唯危", "xin": "信心芯鑫新", "kou": "扣抠蔻口", "lv": "绿", "e": "鹅额饿",
	} {
		got := Homophones(syl)
		for _, r := range want {
			if !slices.Contains(got, r) {
				t.Errorf("Homophones(%q) lacks %c", syl, r)
			}
		}
	}
	if slices.Contains(Homophones("qi"), '七') {
		t.Error("七 is read as the digit 7, not as the syllable qi")
	}
	if IsSyllable("vx") || !IsSyllable("pao") {
		t.Error("IsSyllable")
	}
}

func BenchmarkSoundIndex(b *testing.B) {
	for b.Loop() {
		soundIndex()
	}
}

// TestTonelessAgreesWithLibrary checks the tone stripping against the
// library's own toneless style on every character of its table.
func TestTonelessAgreesWithLibrary(t *testing.T) {
	args := pinyin.NewArgs()
	args.Heteronym = true
	bad := 0
	for cp, readings := range pinyin.PinyinDict {
		lib := pinyin.SinglePinyin(rune(cp), args)
		for reading := range strings.SplitSeq(readings, ",") {
			got := string(toneless(nil, reading))
			if got == "" {
				continue
			}
			if !slices.Contains(lib, got) && bad < 10 {
				bad++
				t.Errorf("%U %q: toneless %q, library %q", cp, readings, got, lib)
			}
		}
	}
}
