package textnorm

import "unicode"

// chineseDigit reads a Chinese numeral used for one digit: the everyday
// 〇一二…九 and 零, and the financial 壹贰叁… (simplified and traditional).
// Sellers spell numbers out digit by digit; 十, 百 and the like never stand
// for one digit and are left alone.
func chineseDigit(r rune) (rune, bool) {
	switch r {
	case '〇', '零', '○':
		return '0', true
	case '一', '壹':
		return '1', true
	case '二', '贰', '貳', '弍':
		return '2', true
	case '三', '叁', '參', '弎':
		return '3', true
	case '四', '肆':
		return '4', true
	case '五', '伍':
		return '5', true
	case '六', '陆', '陸':
		return '6', true
	case '七', '柒':
		return '7', true
	case '八', '捌':
		return '8', true
	case '九', '玖':
		return '9', true
	}
	return 0, false
}

// enclosed reports whether r is an enclosed alphanumeric whose NFKC form
// wraps the digit or letter in punctuation (⑴ → "(1)", ⒈ → "1.", ⒜ → "(a)").
func enclosed(r rune) bool {
	return r >= 0x2460 && r <= 0x24FF || r >= 0x3200 && r <= 0x32FF || r >= 0x1F100 && r <= 0x1F1FF
}

// enclosedDigit reads the enclosed digits that have no NFKC decomposition:
// negative and double circled numbers (⓫, ⓵, ⓿) and the dingbat circled
// digits (❶, ➀, ➊).
func enclosedDigit(r rune) ([]rune, bool) {
	switch {
	case r == 0x24FF: // ⓿
		return []rune{'0'}, true
	case r >= 0x24EB && r <= 0x24F4: // ⓫..⓴ = 11..20
		return twoDigits(int(r-0x24EB) + 11), true
	case r >= 0x24F5 && r <= 0x24FE: // ⓵..⓾ = 1..10
		return twoDigits(int(r-0x24F5) + 1), true
	case r >= 0x2776 && r <= 0x2793: // ❶..❿, ➀..➉, ➊..➓ = 1..10 three times
		return twoDigits(int(r-0x2776)%10 + 1), true
	}
	return nil, false
}

func twoDigits(n int) []rune {
	if n < 10 {
		return []rune{rune('0' + n)}
	}
	return []rune{rune('0' + n/10), rune('0' + n%10)}
}

// invisible reports characters a reader does not see: zero-width spaces and
// joiners, direction marks, word joiners, the BOM, soft hyphens, Hangul
// fillers, tags and other default-ignorable code points.
func invisible(r rune) bool {
	switch {
	case r == 0x00AD, r == 0x034F, r == 0x061C, r == 0x115F, r == 0x1160, r == 0x17B4, r == 0x17B5,
		r == 0x180E, r == 0x3164, r == 0xFEFF, r == 0xFFA0:
		return true
	case r >= 0x180B && r <= 0x180F, r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E,
		r >= 0x2060 && r <= 0x206F, r >= 0xFFF0 && r <= 0xFFF8, r >= 0x1BCA0 && r <= 0x1BCA3,
		r >= 0x1D173 && r <= 0x1D17A, r >= 0xE0000 && r <= 0xE0FFF:
		return true
	}
	return false
}

// decimalDigit reads a character of Unicode class Nd as its ASCII digit.
// Every script's digits are encoded as runs of ten consecutive code points
// from zero to nine, so the value is the offset within the class's range
// (ranges that hold several runs, like the mathematical digits, start on a
// zero too).
func decimalDigit(r rune) (rune, bool) {
	if r < 0x80 || !unicode.Is(unicode.Nd, r) {
		return 0, false
	}
	for _, rg := range unicode.Nd.R16 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); r >= lo && r <= hi {
			return '0' + (r-lo)%10, true
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); r >= lo && r <= hi {
			return '0' + (r-lo)%10, true
		}
	}
	return 0, false
}

// smallCapital reads the Latin small capitals (ᴀ ʙ ᴄ …), which have no
// compatibility decomposition, as their letters.
func smallCapital(r rune) (rune, bool) {
	c, ok := smallCapitals[r]
	return c, ok
}

var smallCapitals = map[rune]rune{
	'ᴀ': 'a', 'ʙ': 'b', 'ᴄ': 'c', 'ᴅ': 'd', 'ᴇ': 'e', 'ꜰ': 'f', 'ɢ': 'g', 'ʜ': 'h',
	'ɪ': 'i', 'ᴊ': 'j', 'ᴋ': 'k', 'ʟ': 'l', 'ᴍ': 'm', 'ɴ': 'n', 'ᴏ': 'o', 'ᴘ': 'p',
	'ꞯ': 'q', 'ʀ': 'r', 'ꜱ': 's', 'ᴛ': 't', 'ᴜ': 'u', 'ᴠ': 'v', 'ᴡ': 'w', 'ʏ': 'y',
	'ᴢ': 'z',
}

// spokenDigit reads the characters used for digits when a number is read
// aloud (幺 for 1 on the phone, 两 2, 拐 7, 洞 0). They are ordinary words
// elsewhere ("两件", "拐角"), so they count as digits only inside a run of
// digits (see readSpokenDigits).
func spokenDigit(r rune) (rune, bool) {
	switch r {
	case '幺', '么':
		return '1', true
	case '两', '兩':
		return '2', true
	case '拐':
		return '7', true
	case '洞':
		return '0', true
	}
	return 0, false
}

// minSpokenRun is the shortest run of digits that spoken digits make part
// of: the shortest identifier a number can be (a QQ number has five).
const minSpokenRun = 5

// readSpokenDigits turns spoken digits into digits where they are part of
// a number: in a run of at least minSpokenRun digits and spoken digits
// holding another digit (separators a seller inserts allowed inside:
// "幺·三·八", "两\n１"), or written right after or before an identifier's
// letters or underscore ("bogood_幺六", "kiki四四洞").
func readSpokenDigits(t *Text) {
	rs := t.Runes
	for i := 0; i < len(rs); {
		if !isDigitOrSpoken(rs[i]) {
			i++
			continue
		}
		j, last, n, plain := i, i, 0, 0
		for j < len(rs) {
			if isDigitOrSpoken(rs[j]) {
				n++
				if rs[j] >= '0' && rs[j] <= '9' {
					plain++
				}
				j++
				last = j
				continue
			}
			k := j
			for k < len(rs) && k-j < 3 && insertedSeparator(rs[k]) {
				k++
			}
			if k == j || k >= len(rs) || !isDigitOrSpoken(rs[k]) {
				break
			}
			j = k
		}
		attached := i > 0 && isIDLetter(rs[i-1]) || last < len(rs) && isIDLetter(rs[last])
		if n >= minSpokenRun && plain > 0 || attached {
			for k := i; k < last; k++ {
				if d, ok := spokenDigit(rs[k]); ok {
					rs[k] = d
				}
			}
		}
		i = last
	}
}

func isIDLetter(r rune) bool { return r >= 'a' && r <= 'z' || r == '_' }

// insertedSeparator is a character a seller may put between the digits of
// a number: blanks and symbols, not letters, digits, words or sentence
// punctuation.
func insertedSeparator(r rune) bool {
	switch r {
	case ',', '，', '。', ';', '；', '!', '！', '?', '？':
		return false
	}
	return r == ' ' || r == '\n' || !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Han, r) && r != '_'
}

func isDigitOrSpoken(r rune) bool {
	_, ok := spokenDigit(r)
	return ok || r >= '0' && r <= '9'
}
