package policy

import "unicode"

// Character classes of normalised text (lower-case ASCII after textnorm).

func isAlnum(r rune) bool { return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' }

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func isLetter(r rune) bool { return r >= 'a' && r <= 'z' }

// isIDRune is a character of an identifier piece.
func isIDRune(r rune) bool { return isAlnum(r) || r == '_' }

// isSpace is a blank a seller may put between the characters of an
// identifier; it also ends a sentence, so it joins pieces less readily.
func isSpace(r rune) bool { return r == ' ' || r == '\n' }

// isStrongSep is a separator that has no business inside a sentence's word
// and so is read as inserted between the characters of one identifier:
// dots, slashes, dashes, stars and every emoji or symbol.
func isStrongSep(r rune) bool {
	switch r {
	case '.', '/', '-', '\\', '|', '*', '·', '•', '‧', '・', '∙', '⋅':
		return true
	}
	return r >= 0x80 && unicode.In(r, unicode.So, unicode.Sm, unicode.Sk)
}

// isLongDash is an em dash or horizontal bar (textnorm folds every long
// dash to '—'): sentence punctuation between words, a separator inside a
// number.
func isLongDash(r rune) bool { return r == '—' }

// isGap may stand between a keyword and its identifier: blanks, colons,
// arrows, brackets, plus signs, emoji.
func isGap(r rune) bool {
	switch r {
	case ':', '>', '<', '=', '+', '(', ')', '[', ']', '{', '}', '】', '」', '』', '〕', '"', '\'', '#', '【', '「', '『', '〔', '〖', '“', '‘', '《', '〈', '、':
		return true
	}
	return isSpace(r) || isStrongSep(r)
}

// isHan is a Chinese character (a word, not punctuation).
func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// isValueSep announces the value after a label: a colon, "=", ">" or an
// arrow (including pointing emoji).
func isValueSep(r rune) bool {
	switch r {
	case ':', '=', '>', '<', '👉', '👈', '☞', '☛', '☜', '☚', '⬅', '⬆', '⬇', '⮕':
		return true
	}
	return r >= 0x2190 && r <= 0x21FF || r >= 0x27F0 && r <= 0x27FF || r >= 0x2900 && r <= 0x297F ||
		r >= 0x1F800 && r <= 0x1F8FF || r == 0x27A1 || r >= 0x2794 && r <= 0x27BF
}

// isIDSep is a separator a seller inserts between the characters of one
// identifier: the strong separators, and the enumeration comma and tilde.
func isIDSep(r rune) bool {
	return isStrongSep(r) || r == '、' || r == '~' || isLongDash(r)
}

// isDot is a full stop or a dot a seller inserts.
func isDot(r rune) bool {
	switch r {
	case '.', '。', '·', '•', '・', '‧', '∙', '⋅':
		return true
	}
	return false
}

// isJoiner is a character a seller puts between the pieces of one
// identifier and a writer does not put between words: a word it joins to
// an identifier is part of it ("hh5-an-nana", "x/5/u/h/a/n", "kiki_").
func isJoiner(r rune) bool {
	switch r {
	case '-', '/', '.', '\\', '|', '*', '·', '•', '‧', '・', '∙', '⋅', '、', '~', '—', '_':
		return true
	}
	return false
}
