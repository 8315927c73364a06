package textnorm

import (
	"strings"
	"testing"
	"unicode"
)

// radio is the telephone and radio reading of digits, as a policy gives it.
var radio = Readings{NumberDigits: map[rune]byte{'幺': '1', '两': '2', '拐': '7', '洞': '0', '勾': '9'}}

func TestLetterTable(t *testing.T) {
	for in, want := range map[string]string{
		"🅐🅑🅒":    "abc", // negative circled
		"🅰🅱🆇":    "abx", // negative squared
		"🄰🄱":     "ab",  // squared
		"ⓦⓧ":     "wx",  // circled
		"⒲⒳":     "wx",  // parenthesised
		"𝔀𝓮𝓲𝔁𝓲𝓷": "weixin",
		"ᴡᴇɪxɪɴ": "weixin", // small capitals
		"ℊℎ":     "gh",
		"ВХ":     "bx", // Cyrillic look-alikes
		"ℹ️":     "i",
		"℡":      "tel",
		"Ⅻ":      "xii", // Roman numerals stay letters
	} {
		if got := string(Normalize(in).Runes); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestNoLetterReadsAsDigit walks every letter of every alphabet: none
// normalises to a digit (TR39 maps З to 3 and б to 6; those are dropped).
func TestNoLetterReadsAsDigit(t *testing.T) {
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if !unicode.IsLetter(r) || unicode.Is(unicode.Han, r) {
			continue
		}
		if got := string(Normalize(string(r)).Runes); strings.ContainsAny(got, "0123456789") {
			t.Errorf("letter %U %q reads as %q", r, r, got)
		}
	}
	for _, r := range "Зб" {
		if got := string(Normalize(string(r)).Runes); got != string(r) {
			t.Errorf("%q reads as %q; its look-alike is a digit, so it stays itself", r, got)
		}
	}
}

// TestNoDigitReadsAsLetter walks every character of classes Nd and No.
func TestNoDigitReadsAsLetter(t *testing.T) {
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if !unicode.In(r, unicode.Nd, unicode.No) {
			continue
		}
		for _, c := range Normalize(string(r)).Runes {
			if c >= 'a' && c <= 'z' {
				t.Errorf("digit %U %q reads as a letter: %q", r, r, string(Normalize(string(r)).Runes))
				break
			}
		}
	}
}

func TestDigitTable(t *testing.T) {
	for in, want := range map[string]string{
		"⓫⓬":         "1112", // negative circled numbers
		"❶➀➊":        "111",  // dingbats
		"🄌🄋⓿":        "000",
		"⑽⒇⒑":        "102010",
		"〇〡〢〣":       "0123", // ideographic zero, Hangzhou numerals
		"㊀㊁":         "12",   // circled ideographs
		"零一二三四五六七八九": "0123456789",
		"壹贰叁肆伍陆柒捌玖":  "123456789", // formal
		"壹貳參肆伍陸柒捌玖":  "123456789", // formal, traditional
		"弌弍弎":        "123",
		"𝟘𝟙𝟚":        "012",
	} {
		if got := string(Normalize(in).Runes); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
	if got := string(Normalize("¼").Runes); got == "14" {
		t.Error("a fraction is no two-digit number")
	}
}

func TestNumberDigits(t *testing.T) {
	rd, err := NewReader(radio)
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"幺三八洞洞幺两拐勾洞洞":   "13800127900",   // the radio reading, mixed with numerals
		"幺3八-洞洞幺两-拐勾洞洞": "138-0012-7900", // in phone shape
		"拐角两件，洞洞鞋":      "拐角两件,洞洞鞋",      // words elsewhere
		"kiki两两洞":       "kiki220",       // after an ID's letters
		"仨幺两拐":          "仨幺两拐",          // too short, no plain digit
		"幺三八 洞洞幺三 八洞洞洞": "138 0013 8000",
	} {
		if got := string(rd.Normalize(in).Runes); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
	if got := string(Normalize("幺三八洞洞").Runes); got != "1三800" && got != "幺三八洞洞" {
		t.Logf("without the policy's reading: %q", got)
	}
}

func TestDashesAndUnderscores(t *testing.T) {
	for _, d := range "‐‑‒–－﹣−﹘" {
		in := "138" + string(d) + "0013"
		if got := string(Normalize(in).Runes); got != "138-0013" {
			t.Errorf("Normalize(%q) = %q", in, got)
		}
	}
	for _, d := range "—―︱⸺" { // long dashes: one kind, apart from '-'
		in := "138" + string(d) + "0013"
		if got := string(Normalize(in).Runes); got != "138—0013" {
			t.Errorf("Normalize(%q) = %q", in, got)
		}
	}
	if got := string(Normalize("abc＿1﹏2").Runes); got != "abc_1_2" {
		t.Errorf("underscores: %q", got)
	}
	if got := string(Normalize("5〜9").Runes); got != "5〜9" {
		t.Errorf("a wave dash is no dash: %q", got)
	}
}

func TestBoxes(t *testing.T) {
	for in, want := range map[string]string{
		"[a][b][c]_1":   "abc_1",
		"【w】【x】":        "wx",
		"（１）（３）（８）":     "138",
		"size (m) only": "size (m) only", // one box is a bracketed letter
		"[a] [b]":       "a b",
	} {
		n := Normalize(in)
		if got := string(n.Runes); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
	in := "id:【w】【x】!"
	n := Normalize(in)
	if s, e := n.Span(3, 5); in[s:e] != "【w】【x】" {
		t.Errorf("boxed span = %q", in[s:e])
	}
}

func TestNewReaderRefuses(t *testing.T) {
	for _, tt := range []struct {
		rd   Readings
		want string
	}{
		{Readings{Digits: map[rune]byte{'З': '3'}}, "a letter never reads as a digit"},
		{Readings{Letters: map[rune]byte{'①': 'a'}}, "a digit never reads as a letter"},
		{Readings{Digits: map[rune]byte{'a': '1'}}, "is ASCII"},
		{Readings{NumberDigits: map[rune]byte{'洞': 'o'}}, "one digit"},
		{Readings{Letters: map[rune]byte{'ω': 'W'}}, "one letter"},
		{Readings{Digits: map[rune]byte{'洞': '0'}, NumberDigits: map[rune]byte{'洞': '0'}}, "also under digits"},
	} {
		if _, err := NewReader(tt.rd); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewReader(%v) = %v, want %q", tt.rd, err, tt.want)
		}
	}
	rd, err := NewReader(Readings{Letters: map[rune]byte{'ω': 'w'}, Digits: map[rune]byte{'〥': '5'}})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(rd.Normalize("ωx〥").Runes); got != "wx5" {
		t.Errorf("policy readings: %q", got)
	}
}

// Traditional characters read as their simplified forms, so a keyword in
// traditional characters is the keyword; numerals keep their value.
func TestSimplifiedTable(t *testing.T) {
	for in, want := range map[string]string{
		"電報":   "电报",
		"紙飛機":  "纸飞机",
		"公眾號":  "公众号",
		"聯繫電話": "联系电话",
		"訂單號":  "订单号",
		"貳參陸":  "236", // formal numerals are digits, not characters
		"微信":   "微信",  // simplified stays
		"乾隆":   "乾隆",  // 乾 is its own simplified form too
	} {
		if got := string(Normalize(in).Runes); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

// Regional indicators are letters, except two in a row that name a
// region: a reader sees that region's flag.
func TestRegionalIndicators(t *testing.T) {
	for in, want := range map[string]string{
		"🇼 🇪 🇨 🇭 🇦 🇹": "w e c h a t",
		"🇻🇽":          "vx",                     // no region VX: letters
		"🇼🇪🇨🇭🇦🇹":      "we\U0001F3F3\U0001F3F3", // WE is no region; CH and AT are flags
		"abc_123🇨🇳":   "abc_123\U0001F3F3",
		"🇿🇿":          "zz",
		"🇪🇺 ok":       "\U0001F3F3 ok",
	} {
		n := Normalize(in)
		if got := string(n.Runes); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
		if s, e := n.Span(0, n.Len()); s != 0 || e != len(in) {
			t.Errorf("Normalize(%q): span %d:%d, want the whole text", in, s, e)
		}
	}
}
