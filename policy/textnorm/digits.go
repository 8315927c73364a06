package textnorm

import (
	"fmt"
	"unicode"
)

// Readings are characters a policy reads beyond Unicode's tables: each maps
// one character to one lower-case ASCII letter or digit.
type Readings struct {
	// Digits are read as their digit anywhere.
	Digits map[rune]byte
	// NumberDigits are read as their digit only inside a number (see
	// Reader.Normalize): the telephone and radio reading of digits (幺 1,
	// 两 2, 拐 7, 洞 0, 勾 9), which are words elsewhere ("两件", "拐角").
	NumberDigits map[rune]byte
	// Letters are read as their letter.
	Letters map[rune]byte
}

// Reader normalises text with Unicode's tables and a policy's readings. It
// is immutable and safe for concurrent use.
type Reader struct {
	extra        bool // any reading of the policy's own
	digits       map[rune]byte
	numberDigits map[rune]byte // the policy's and Unihan's (幺 兩)
	letters      map[rune]byte
	// hanRead marks the CJK unified ideographs that any table reads, so
	// that the others (nearly every character of a Chinese text) cost one
	// bit test, not map lookups.
	hanRead [(hanLast - hanFirst + 64) / 64]uint64
}

// The CJK unified ideographs of the basic block.
const hanFirst, hanLast = 0x4E00, 0x9FFF

func (rd *Reader) mark(r rune) {
	if r >= hanFirst && r <= hanLast {
		rd.hanRead[(r-hanFirst)/64] |= 1 << ((r - hanFirst) % 64)
	}
}

// plainHan reports a CJK unified ideograph that no table reads.
func (rd *Reader) plainHan(r rune) bool {
	return r >= hanFirst && r <= hanLast && rd.hanRead[(r-hanFirst)/64]&(1<<((r-hanFirst)%64)) == 0
}

// ReadingError is a reading a Reader refuses.
type ReadingError struct {
	Table string // "digits", "number_digits" or "letters"
	Char  rune
	Msg   string
}

func (e *ReadingError) Error() string {
	return fmt.Sprintf("%s: %q %s", e.Table, e.Char, e.Msg)
}

// NewReader checks rd and builds a Reader. A reading must give one ASCII
// digit (digit tables) or lower-case letter (letters) for a character that
// is not ASCII; a letter of an alphabet (Latin, Cyrillic …) never reads as
// a digit, and a digit never reads as a letter.
func NewReader(rd Readings) (*Reader, error) {
	check := func(table string, m map[rune]byte, digit bool) error {
		for r, c := range m {
			switch {
			case r < 0x80:
				return &ReadingError{table, r, "is ASCII: it reads as itself"}
			case digit && (c < '0' || c > '9'):
				return &ReadingError{table, r, fmt.Sprintf("must read as one digit 0-9, not %q", c)}
			case !digit && (c < 'a' || c > 'z'):
				return &ReadingError{table, r, fmt.Sprintf("must read as one letter a-z, not %q", c)}
			case digit && unicode.IsLetter(r) && !unicode.Is(unicode.Han, r):
				return &ReadingError{table, r, "is a letter: a letter never reads as a digit"}
			case !digit && unicode.In(r, unicode.Nd, unicode.No, unicode.Nl) && !unicode.Is(unicode.Han, r):
				return &ReadingError{table, r, "is a digit: a digit never reads as a letter"}
			}
		}
		return nil
	}
	if err := check("digits", rd.Digits, true); err != nil {
		return nil, err
	}
	if err := check("number_digits", rd.NumberDigits, true); err != nil {
		return nil, err
	}
	if err := check("letters", rd.Letters, false); err != nil {
		return nil, err
	}
	for r := range rd.NumberDigits {
		if _, ok := rd.Digits[r]; ok {
			return nil, &ReadingError{"number_digits", r, "is also under digits"}
		}
	}
	return newReader(rd), nil
}

func newReader(rd Readings) *Reader {
	r := &Reader{
		extra:  len(rd.Digits)+len(rd.Letters) > 0,
		digits: rd.Digits, letters: rd.Letters,
		numberDigits: make(map[rune]byte, len(hanNumberDigits)+len(rd.NumberDigits)),
	}
	for c, d := range hanNumberDigits {
		r.numberDigits[c] = d
	}
	for c, d := range rd.NumberDigits {
		r.numberDigits[c] = d
	}
	for _, m := range []map[rune]byte{hanDigits, r.numberDigits, rd.Digits, rd.Letters} {
		for c := range m {
			r.mark(c)
		}
	}
	for c := range simplified {
		r.mark(c)
	}
	return r
}

// numberDigit reads a character that stands for a digit inside a number.
func (rd *Reader) numberDigit(r rune) (rune, bool) {
	if r < 0x80 || rd.plainHan(r) {
		return 0, false
	}
	c, ok := rd.numberDigits[r]
	return rune(c), ok
}

// minNumberRun is the shortest run of digits that number-only digits make
// part of: the shortest identifier a number can be (a QQ number has five).
const minNumberRun = 5

// readNumberDigits turns number-only digits into digits where they are
// part of a number: in a run of at least minNumberRun digits and
// number-only digits holding another digit (separators a seller inserts
// allowed inside: "幺·三·八", "两\n１"), or written right after or before an
// identifier's letters or underscore ("bogood_幺六", "kiki四四洞").
func (rd *Reader) readNumberDigits(t *Text) {
	rs := t.Runes
	isDigitish := func(r rune) bool {
		_, ok := rd.numberDigit(r)
		return ok || r >= '0' && r <= '9'
	}
	for i := 0; i < len(rs); {
		if !isDigitish(rs[i]) {
			i++
			continue
		}
		j, last, n, plain := i, i, 0, 0
		for j < len(rs) {
			if isDigitish(rs[j]) {
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
			if k == j || k >= len(rs) || !isDigitish(rs[k]) {
				break
			}
			j = k
		}
		attached := i > 0 && isIDLetter(rs[i-1]) || last < len(rs) && isIDLetter(rs[last])
		if n >= minNumberRun && plain > 0 || attached {
			for k := i; k < last; k++ {
				if d, ok := rd.numberDigit(rs[k]); ok {
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

// maxBox bounds what one box holds.
const maxBox = 20

// readBoxes reads letters and digits boxed one by one or in groups
// ("[a][b][c]", "【1】【3】", "(w) (x)", "「19」「9400」", "【138】-【0013】") as
// written without the boxes: in a row of at least two boxes (nothing, a
// blank, dash, dot or other inserted separator between them), each an opening bracket, up to maxBox
// letters, digits, '_', '-' or number-only digits and a closing bracket,
// the brackets are dropped and the first and last unit of each box widen
// their spans over them. One box alone ("size (m)") is left as it is.
func (rd *Reader) readBoxes(t *Text) {
	rs := t.Runes
	boxAt := func(i int) int { // the unit after the box at i, or -1
		if i >= len(rs) || !opens(rs[i]) {
			return -1
		}
		j := i + 1
		for j < len(rs) && j-i <= maxBox && rd.boxable(rs[j]) {
			j++
		}
		if j == i+1 || j >= len(rs) || !closes(rs[j]) {
			return -1
		}
		return j + 1
	}
	between := func(e int) int { // where the next box of a row may start
		if e < len(rs) && insertedSeparator(rs[e]) && !opens(rs[e]) && !closes(rs[e]) || e < len(rs) && rs[e] == '、' {
			return e + 1 // "[a] [b]", "[a]·[b]", "[a]、[b]"
		}
		return e
	}
	var drop []bool // allocated at the first row of boxes
	for i := 0; i < len(rs); i++ {
		e := boxAt(i)
		if e < 0 || boxAt(between(e)) < 0 {
			continue
		}
		for ; e >= 0; e = boxAt(between(e)) {
			t.Start[i+1], t.End[e-2] = t.Start[i], t.End[e-1]
			if drop == nil {
				drop = make([]bool, len(rs))
			}
			drop[i], drop[e-1] = true, true
			if boxAt(between(e)) < 0 {
				break
			}
			i = between(e)
		}
		i = e - 1
	}
	if drop == nil {
		return
	}
	w := 0
	for i := range rs {
		if !drop[i] {
			t.Runes[w], t.Start[w], t.End[w] = t.Runes[i], t.Start[i], t.End[i]
			w++
		}
	}
	t.Runes, t.Start, t.End = t.Runes[:w], t.Start[:w], t.End[:w]
}

// opens and closes are brackets: Unicode's opening and closing
// punctuation, and the angle brackets written with < and >.
func opens(r rune) bool  { return r == '<' || unicode.Is(unicode.Ps, r) }
func closes(r rune) bool { return r == '>' || unicode.Is(unicode.Pe, r) }

// boxable is what a box read as part of a word holds.
func (rd *Reader) boxable(r rune) bool {
	if isASCIIAlnum(r) || r == '_' || r == '-' {
		return true
	}
	_, ok := rd.numberDigit(r)
	return ok
}

func isASCIIAlnum(r rune) bool { return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' }
