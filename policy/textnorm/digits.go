package textnorm

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
