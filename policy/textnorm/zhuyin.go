package textnorm

// Zhuyin (bopomofo) spells a Mandarin syllable as an initial, a medial and a
// final (ㄒㄧㄣ is x-i-en, xin); a tone mark may follow. ReadZhuyin turns it
// into the toneless pinyin that Homophones and the sound keywords use.

// zhuyinTones are the tone marks written after a zhuyin syllable.
const zhuyinTones = "ˉˊˇˋ˙"

var zhuyinInitials = map[string]bool{"b": true, "p": true, "m": true, "f": true, "d": true, "t": true, "n": true,
	"l": true, "g": true, "k": true, "h": true, "j": true, "q": true, "x": true, "zh": true, "ch": true, "sh": true,
	"r": true, "z": true, "c": true, "s": true}

// ReadZhuyin reads the zhuyin syllable at rs[i:]: its toneless pinyin (ü
// spelled v) and the units it takes, tone mark included; n is 0 when no
// syllable starts there.
func ReadZhuyin(rs []rune, i int) (syllable string, n int) {
	j := i
	letter := func() string {
		if j < len(rs) {
			return bopomofo[rs[j]]
		}
		return ""
	}
	ini, med, fin := "", "", ""
	if l := letter(); zhuyinInitials[l] {
		ini = l
		j++
	}
	if l := letter(); l == "i" || l == "u" || l == "iu" {
		med = l
		j++
	}
	if l := letter(); l != "" && !zhuyinInitials[l] && l != "i" && l != "u" && l != "iu" {
		fin = l
		j++
	}
	if j == i {
		return "", 0
	}
	for j < len(rs) && containsRune(zhuyinTones, rs[j]) {
		j++
	}
	py := pinyinOf(ini, med, fin)
	if !IsSyllable(py) {
		return "", 0
	}
	return py, j - i
}

func containsRune(s string, r rune) bool {
	for _, c := range s {
		if c == r {
			return true
		}
	}
	return false
}

// pinyinOf spells a zhuyin syllable in pinyin, by pinyin's spelling rules:
// y and w for a syllable without initial, iou ui un contracted after an
// initial, ü written u after j, q and x, the empty rime of zhi chi shi ri
// zi ci si.
func pinyinOf(ini, med, fin string) string {
	switch fin {
	case "au":
		fin = "ao"
	case "eh":
		fin = "e"
	}
	if ini == "" {
		switch med {
		case "i":
			switch fin {
			case "":
				return "yi"
			case "en", "eng":
				return "yi" + fin[1:]
			}
			return "y" + fin
		case "u":
			if fin == "" {
				return "wu"
			}
			return "w" + fin
		case "iu":
			switch fin {
			case "":
				return "yu"
			case "en":
				return "yun"
			case "eng":
				return "yong"
			}
			return "yu" + fin
		}
		return fin
	}
	switch med {
	case "":
		if fin == "" {
			return ini + "i"
		}
		return ini + fin
	case "i":
		switch fin {
		case "en", "eng":
			return ini + "i" + fin[1:]
		case "ou":
			return ini + "iu"
		}
		return ini + "i" + fin
	case "u":
		switch fin {
		case "ei":
			return ini + "ui"
		case "en":
			return ini + "un"
		case "eng":
			return ini + "ong"
		}
		return ini + "u" + fin
	}
	// ü
	jqx := ini == "j" || ini == "q" || ini == "x"
	switch fin {
	case "en":
		if jqx {
			return ini + "un"
		}
		return ini + "vn"
	case "eng":
		return ini + "iong"
	}
	if jqx {
		return ini + "u" + fin
	}
	return ini + "v" + fin
}
