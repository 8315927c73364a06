package textnorm

import (
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

// Homophones returns the Chinese characters one of whose Mandarin readings
// is syllable (toneless pinyin, ü written v: "wei", "xin", "lv"), in code
// point order. Characters that Normalize reads as digits are left out: a
// numeral in a keyword would eat the identifier's first digit.
func Homophones(syllable string) []rune {
	return soundIndex()[strings.ToLower(syllable)]
}

// IsSyllable reports whether some character reads syllable.
func IsSyllable(syllable string) bool {
	return len(Homophones(syllable)) > 0
}

// soundIndex inverts the pinyin table once per process: it is read-only
// data, the same for every policy.
var soundIndex = sync.OnceValue(func() map[string][]rune {
	idx := make(map[string][]rune, 1500)
	var buf []byte
	for cp, readings := range pinyin.PinyinDict {
		r := rune(cp)
		if !unicode.Is(unicode.Han, r) {
			continue
		}
		if _, digit := hanDigits[r]; digit {
			continue
		}
		for reading := range strings.SplitSeq(readings, ",") {
			buf = toneless(buf[:0], reading)
			if len(buf) == 0 {
				continue
			}
			rs := idx[string(buf)]
			if len(rs) == 0 || rs[len(rs)-1] != r {
				idx[string(buf)] = append(rs, r) // readings differing in tone only give one entry
			}
		}
	}
	for _, rs := range idx {
		slices.Sort(rs)
	}
	return idx
})

// toneless appends a toned pinyin reading ("lǜ", "wēi") without its tone
// marks, ü as v, to dst.
func toneless(dst []byte, reading string) []byte {
	for _, c := range reading {
		switch {
		case c >= 'a' && c <= 'z':
			dst = append(dst, byte(c))
		case strings.ContainsRune("āáǎà", c):
			dst = append(dst, 'a')
		case strings.ContainsRune("ēéěè", c):
			dst = append(dst, 'e')
		case strings.ContainsRune("īíǐì", c):
			dst = append(dst, 'i')
		case strings.ContainsRune("ōóǒò", c):
			dst = append(dst, 'o')
		case strings.ContainsRune("ūúǔù", c):
			dst = append(dst, 'u')
		case strings.ContainsRune("üǖǘǚǜ", c):
			dst = append(dst, 'v')
		case strings.ContainsRune("ńňǹ", c):
			dst = append(dst, 'n')
		case c == 'ḿ' || c == 'm':
			dst = append(dst, 'm')
		default:
			return dst[:0] // not a reading this table knows how to spell
		}
	}
	return dst
}

// Components returns a copy of the table of keyword characters written as
// their components (拆字: 信 as 亻言), from the CJK Decomposition Data.
func Components() map[rune][]string {
	out := make(map[rune][]string, len(components))
	for r, v := range components {
		out[r] = slices.Clone(v)
	}
	return out
}
