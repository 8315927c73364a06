package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/unicode/runenames"

	"github.com/qrgate/qrgate/benchmarks/score/scoring"
)

const testCases = 300

func generateAll(t *testing.T, seed int64, n int) []genCase {
	t.Helper()
	out := make([]genCase, n)
	for i := range out {
		c, err := generate(seed, i)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = c
	}
	return out
}

func TestDeterministic(t *testing.T) {
	var a, b, c bytes.Buffer
	if err := write(&a, 7, testCases); err != nil {
		t.Fatal(err)
	}
	if err := write(&b, 7, testCases); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("the same seed wrote different files")
	}
	if err := write(&c, 8, testCases); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Fatal("seeds 7 and 8 wrote the same file")
	}
	// A case depends on its seed and index only, not on how many are written.
	var short bytes.Buffer
	if err := write(&short, 7, 10); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(a.Bytes(), short.Bytes()) {
		t.Fatal("the first 10 cases change with -n")
	}
}

// Identifier syntax per category, as the labelling rules define it.
var categorySyntax = map[string]*regexp.Regexp{
	"wechat":          regexp.MustCompile(`^(?:[a-z][a-z0-9_-]{5,19}|1[3-9][0-9]{9}|wxid_[a-z0-9]{6,20}|(?:u\.wechat\.com|(?:[a-z0-9-]+\.)?weixin\.qq\.com|wx\.qq\.com)/\S+|weixin://\S+)$`),
	"qq":              regexp.MustCompile(`^(?:[1-9][0-9]{4,10}|(?:qm|wpa)\.qq\.com/\S+)$`),
	"messenger":       regexp.MustCompile(`^(?:@[a-z][a-z0-9_]{2,31}|[1-9][0-9]{7,14}|(?:wa|t|line|telegram)\.me/\S+|(?:api|chat)\.whatsapp\.com/\S+)$`),
	"offsite_payment": regexp.MustCompile(`^(?:wxp://\S+|paypal\.me/\S+)$`),
	"short_link":      regexp.MustCompile(`^(?:t\.cn|url\.cn|bit\.ly)/\S+$`),
	"platform":        regexp.MustCompile(`^(?:[a-z0-9-]+\.)*(?:taobao\.com|tmall\.com|tb\.cn|alipay\.com)(?:/\S*)?$`),
	"partner":         regexp.MustCompile(`^(?:[a-z0-9-]+\.)*(?:weibo\.com|weibo\.cn)(?:/\S*)?$`),
	"external_link":   regexp.MustCompile(`^(?:[a-z0-9-]+\.)+[a-z]{2,}(?:/\S*)?$`),
	"phone":           regexp.MustCompile(`^(?:1[3-9][0-9]{9}|0[0-9]{2,3}-[2-9][0-9]{6,7}|[1-9][0-9]{9,14}|[2-9][0-9]{7}|09[0-9]{8})$`),
}

var knownHosts = regexp.MustCompile(`(?:^|\.)(?:wechat\.com|qq\.com|wa\.me|t\.me|line\.me|telegram\.me|whatsapp\.com|paypal\.me|t\.cn|url\.cn|bit\.ly|taobao\.com|tmall\.com|tb\.cn|alipay\.com|weibo\.com|weibo\.cn)(?:/|$)`)

func TestLabelInvariants(t *testing.T) {
	verdicts := map[string]int{}
	tags := map[string]int{}
	for _, seed := range []int64{1, 2, 3} {
		for i, c := range generateAll(t, seed, testCases) {
			tc := c.toCase("x")
			verdicts[tc.Verdict]++
			checkCase(t, seed, i, c, tc)
			for _, tag := range tc.Tags {
				tags[tag]++
			}
		}
	}
	// Each round-3 reading is composed into the listings, not only drawn
	// by its own test: at least 3% of them use it, and each of its kinds
	// of channel occurs.
	for _, tag := range []string{"read:digits", "read:keywords", "read:letters", "read:links", "read:phones"} {
		if n := tags[tag]; n < 3*testCases*3/100 {
			t.Errorf("%d of %d listings tagged %s", n, 3*testCases, tag)
		}
	}
	for _, tag := range []string{"wrap:box-each", "kw:chaizi", "kw:zhuyin", "disguise:neg-squared-letter", "link:userinfo", "url:scheme-hxxp", "phone:landline-dash", "multi:wechat-is-phone", "neg:fax", "neg:radio-word"} {
		if tags[tag] == 0 {
			t.Errorf("no listing tagged %s", tag)
		}
	}
	total := 3 * testCases
	if a := verdicts["allow"]; a < total*30/100 || a > total*50/100 {
		t.Errorf("allow cases %d of %d, want about 40%%", a, total)
	}
	if verdicts["warn"] == 0 || verdicts["block"] == 0 {
		t.Errorf("verdicts %v: every action must occur", verdicts)
	}
}

func checkCase(t *testing.T, seed int64, i int, c genCase, tc scoring.TextCase) {
	t.Helper()
	where := func() string { return "seed " + itoa(seed) + " case " + itoa(int64(i)) + ": " + c.text }
	want := "allow"
	for _, f := range tc.Findings {
		re := categorySyntax[f.Category]
		if re == nil {
			t.Errorf("%s: unknown category %q", where(), f.Category)
			continue
		}
		if !re.MatchString(f.Identifier) || f.Identifier != strings.ToLower(f.Identifier) {
			t.Errorf("%s: identifier %q does not fit %s", where(), f.Identifier, f.Category)
		}
		if f.Category == "external_link" && knownHosts.MatchString(f.Identifier) {
			t.Errorf("%s: external link %q has a categorised host", where(), f.Identifier)
		}
		if a := actionOf[f.Category]; severity[a] > severity[want] {
			want = a
		}
	}
	if tc.Verdict != want {
		t.Errorf("%s: verdict %s, findings say %s", where(), tc.Verdict, want)
	}
	if tc.Verdict == "allow" {
		for _, f := range tc.Findings {
			if f.Category != "platform" && f.Category != "partner" {
				t.Errorf("%s: allow case with a %s finding", where(), f.Category)
			}
		}
	}
	if len(tc.Tags) == 0 {
		t.Errorf("%s: no tags", where())
	}
	for _, s := range c.spans {
		if s.start < 0 || s.end > len(c.text) || s.start >= s.end {
			t.Fatalf("%s: span %d..%d out of the text", where(), s.start, s.end)
		}
		shown := c.text[s.start:s.end]
		for _, l := range s.labels {
			if !readsAs(shown, l) {
				t.Errorf("%s: span %q does not read as %q (%s)", where(), shown, l.identifier, l.category)
			}
		}
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// The test's own reading of the characters NFKC leaves alone, written out
// independently of the generator's tables.
var testReadings = func() map[rune]string {
	m := map[rune]string{}
	pairs := []struct{ shown, read string }{
		{"ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘꞯʀꜱᴛᴜᴠᴡʏᴢ", "abcdefghijklmnopqrstuvwyz"},
		{"аαсԁеһіјоοрԛѕԝхуνκ", "aacdehijoopqswxyvk"},
		{"АВСЕНКМОРТХҮ", "abcehkmoptxy"},
		{"〇零一二三四五六七八九", "00123456789"},
		{"壹贰叁肆伍陆柒捌玖", "123456789"},
		{"洞幺么两兩拐勾", "0112279"},
		{"貳參陸", "236"},
		{"❶❷❸❹❺❻❼❽❾⓿", "1234567890"},
		{"➀➁➂➃➄➅➆➇➈", "123456789"},
		{"⓵⓶⓷⓸⓹⓺⓻⓼⓽", "123456789"},
	}
	for _, p := range pairs {
		rs := []rune(p.shown)
		if len(rs) != len(p.read) {
			panic("testReadings: " + p.shown)
		}
		for i, c := range rs {
			m[c] = p.read[i : i+1]
		}
	}
	return m
}()

// readText is how the test reads shown text, independently of the
// generator's tables: its own table above, then NFKC (and the table again
// on what NFKC gives, for ㊀ → 一), then the character's Unicode name for
// what NFKC leaves alone ("ARABIC-INDIC DIGIT FIVE", "NEGATIVE SQUARED
// LATIN CAPITAL LETTER A"); lowercase.
func readText(shown string) string {
	var b strings.Builder
	for _, c := range shown {
		if s, ok := testReadings[c]; ok {
			b.WriteString(s)
			continue
		}
		for _, n := range norm.NFKC.String(string(c)) {
			if s, ok := testReadings[n]; ok {
				b.WriteString(s)
			} else if s, ok := readByName(n); ok {
				b.WriteString(s)
			} else {
				b.WriteRune(n)
			}
		}
	}
	return strings.ToLower(b.String())
}

var (
	digitName  = regexp.MustCompile(` DIGIT (ZERO|ONE|TWO|THREE|FOUR|FIVE|SIX|SEVEN|EIGHT|NINE)$`)
	letterName = regexp.MustCompile(`LATIN (?:CAPITAL|SMALL) LETTER ([A-Z])$`)
	digitWords = map[string]string{"ZERO": "0", "ONE": "1", "TWO": "2", "THREE": "3", "FOUR": "4", "FIVE": "5", "SIX": "6", "SEVEN": "7", "EIGHT": "8", "NINE": "9"}
)

func readByName(c rune) (string, bool) {
	if c < 0x80 {
		return "", false
	}
	name := runenames.Name(c)
	if m := digitName.FindStringSubmatch(name); m != nil {
		return digitWords[m[1]], true
	}
	if m := letterName.FindStringSubmatch(name); m != nil {
		return strings.ToLower(m[1]), true
	}
	return "", false
}

// readsAs decodes a shown identifier the way a buyer types it and compares
// it with the label.
func readsAs(shown string, l label) bool {
	read := readText(shown)
	if strings.Contains(l.identifier, ".") || strings.Contains(l.identifier, "://") {
		return readLink(read) == l.identifier
	}
	keepUnderscore := strings.Trim(l.identifier, "0123456789") != ""
	keep := func(s string) string {
		var o strings.Builder
		for _, c := range s {
			if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '@' || c == '_' && keepUnderscore {
				o.WriteRune(c)
			}
		}
		return o.String()
	}
	got, want := keep(read), keep(l.identifier)
	// Parenthesised digits read "(1)"; keycaps carry combining marks: both
	// are dropped by keep, as are the dashes, brackets and underscores a
	// number is split by. +86 is not part of a Chinese phone's identifier.
	// A Telegram handle may be shown without its @.
	if l.category == "phone" && strings.HasPrefix(got, "00") && len(got) > len(want) {
		got = got[2:] // 00 is the international prefix, dialled for +
	}
	return got == want || (l.category == "phone" && got == "86"+want) || (l.category == "messenger" && "@"+got == want)
}

// Every digit style writes each digit so that it reads as that digit, and
// never as a letter.
func TestDigitStylesRead(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, s := range digitStyles {
		for d := 0; d <= 9; d++ {
			for n := 0; n < 20; n++ { // styles that draw among forms
				shown := s.render(r, d)
				got := strings.Map(func(c rune) rune {
					if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' {
						return c
					}
					return -1
				}, readText(shown))
				if got != string(rune('0'+d)) {
					t.Fatalf("style %s writes %d as %q, read %q", s.name, d, shown, got)
				}
			}
		}
	}
}

func TestCNNumber(t *testing.T) {
	for _, c := range []struct {
		n      int
		formal bool
		want   string
	}{
		{15, false, "十五"}, {250, false, "两百五十"}, {2080, false, "两千零八十"}, {1001, false, "一千零一"},
		{280, true, "贰佰捌拾"}, {22, false, "二十二"}, {2002, false, "两千零二"}, {2080, true, "贰仟零捌拾"}, {15, true, "壹拾伍"}, {9, false, "九"},
	} {
		if got := cnNumber(c.n, c.formal); got != c.want {
			t.Errorf("cnNumber(%d, %v) = %q, want %q", c.n, c.formal, got, c.want)
		}
	}
}

// Every letter style writes each letter so that it reads as that letter:
// never as a digit, never as another letter.
func TestLetterStylesRead(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, s := range letterStyles {
		for c := 'a'; c <= 'z'; c++ {
			for n := 0; n < 10; n++ {
				shown := s.render(r, c)
				got := strings.Trim(readText(shown), "()") // ⒜ reads (a)
				if got != string(c) && !(s.name == "small-caps" && c == 'x') {
					t.Fatalf("style %s writes %c as %q, read %q", s.name, c, shown, got)
				}
			}
		}
	}
}

// Numbers of other regions and styled landlines read as their identifiers:
// a country code kept when written (a Taiwanese trunk 0 dropped after it),
// a landline's area code and number whatever dash or digits it is written
// with.
func TestRound3PhonesRead(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	regions := map[string]bool{}
	for i := 0; i < 600; i++ {
		g := newRegional(r)
		shown, tags := g.text(r)
		id := g.identifier()
		if !readsAs(shown, label{id, "phone"}) {
			t.Errorf("regional %q does not read as %q", shown, id)
		}
		if !categorySyntax["phone"].MatchString(id) {
			t.Errorf("regional identifier %q does not fit phone", id)
		}
		if g.region == "tw" && g.cc != "" && !strings.HasPrefix(id, "8869") {
			t.Errorf("Taiwanese number %q keeps its trunk 0 after +886", id)
		}
		regions[strings.Join(tags, " ")] = true
		l := newLandline(r)
		ls, _ := styledLandline(r, l)
		if !readsAs(ls, label{l.identifier(), "phone"}) {
			t.Errorf("landline %q does not read as %q", ls, l.identifier())
		}
	}
	for _, want := range []string{"phone:region-hk", "phone:region-mo", "phone:region-tw", "phone:cc"} {
		found := false
		for k := range regions {
			found = found || strings.Contains(k, want)
		}
		if !found {
			t.Errorf("no regional number tagged %s", want)
		}
	}
}

// Round 3's number wraps split a number with every dash width, underscores
// and brackets; the number still reads the same.
func TestNumberWrapsRead(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	canon := "13812345678"
	gs := idStyle{}.draw(r, canon)
	seen := map[string]bool{}
	for _, w := range append(append([]wrap{}, numberWraps...), boxWraps...) {
		for n := 0; n < 30; n++ {
			shown := w.apply(r, gs, mobileGroups)
			if shown == canon {
				t.Errorf("wrap %s left %q unchanged", w.name, shown)
			}
			if !readsAs(shown, label{canon, "phone"}) {
				t.Errorf("wrap %s: %q does not read as %s", w.name, shown, canon)
			}
			for _, c := range shown {
				if !(c >= '0' && c <= '9') {
					seen[string(c)] = true
				}
			}
		}
	}
	for _, want := range []string{"_", "‐", "‑", "‒", "–", "—", "―", "－", "[", "【", "(", "."} {
		if !seen[want] {
			t.Errorf("no number wrap wrote %q", want)
		}
	}
}

// linkWords are the test's own dot, slash and colon words, read after NFKC
// and lowercasing.
var linkWords = strings.NewReplacer(
	"(dot)", ".", "[dot]", ".", "{dot}", ".", "<dot>", ".", " dot ", ".", "[.]", ".", "(.)", ".", "{.}", ".", "【.】", ".", "〔.〕", ".",
	"(点)", ".", "[点]", ".", "句号", ".", "句點", ".", "點", ".", "点", ".", "。", ".", "·", ".",
	"(slash)", "/", " slash ", "/", "斜杠", "/", "[/]", "/", "(/)", "/",
	"[:]", ":", "(:)", ":", "冒号", ":", " colon ", ":",
)

// readLink reads a shown link as its identifier: dot, slash and colon words
// decoded, spaces dropped, hxxp read as http, the scheme and any user@
// before the host dropped.
func readLink(s string) string {
	s = linkWords.Replace(s)
	s = strings.ReplaceAll(s, " ", "")
	if strings.HasPrefix(s, "hxxp") {
		s = "http" + s[len("hxxp"):]
	}
	for _, p := range []string{"https://", "http://"} {
		s = strings.TrimPrefix(s, p)
	}
	if at := strings.Index(s, "@"); at >= 0 && (!strings.Contains(s, "/") || at < strings.Index(s, "/")) {
		s = s[at+1:]
	}
	return strings.TrimSuffix(s, "/")
}

func TestDoubtRejects(t *testing.T) {
	lbl := func(id, cat string) []label { return []label{{id, cat}} }
	cases := []struct {
		name  string
		text  string
		spans func(text string) []span
		bad   bool
	}{
		{"labelled keyword and ID", "出闲置，微信：abc_123，包邮", spanOf("abc_123", lbl("abc_123", "wechat")), false},
		{"unlabelled mobile", "出闲置，13812345678，包邮", nil, true},
		{"mobile hidden by dashes", "出闲置，138-1234-5678，包邮", nil, true},
		{"mobile split by wide dashes", "出闲置，138—1234–5678，包邮", nil, true},
		{"mobile boxed and underscored", "出闲置，[138]_1234_(5678)，包邮", nil, true},
		{"mobile in radio digits", "出闲置，幺三八幺两三四五六拐八，包邮", nil, true},
		{"mobile in other scripts' digits", "出闲置，١٣٨١٢٣٤٥٦٧٨，包邮", nil, true},
		{"a range with an em dash", "身高150—170cm，包邮", nil, false},
		{"zhuyin keyword next to an unlabelled ID", "全新，ㄨㄟˊ ㄒㄧㄣˋ：dkb2235", nil, true},
		{"components keyword next to an unlabelled ID", "全新，威亻言：dkb2235", nil, true},
		{"toned pinyin next to an unlabelled ID", "全新，wēixìn dkb2235", nil, true},
		{"official account next to an unlabelled ID", "全新，公众号：dkb2235", nil, true},
		{"QQ group in components next to a number", "全新，Q君羊 123456", nil, true},
		{"bare Q before a number", "全新，Q：123456", nil, true},
		{"a handle without @ a WeChat keyword reaches", "微信：kiki_rui48", spanOf("kiki_rui48", lbl("@kiki_rui48", "messenger")), true},
		{"a pinyin word that is no keyword", "全新，weixiu：KB2291", nil, false},
		{"a keyword in the emoji alphabet next to an unlabelled ID", "全新，🆆🅴🅲🅷🅰🆃：dkb2235", nil, true},
		{"a brand in the emoji alphabet within a keyword's reach", "🅰🅳🅸🅳🅰🆂同款，微信：abc_123", spanOf("abc_123", lbl("abc_123", "wechat")), true},
		{"a brand in the emoji alphabet alone", "🅰🅳🅸🅳🅰🆂同款，包邮", nil, false},
		{"a link defanged with 句号 outside labels", "详情 shop句号example句号com 包邮", nil, true},
		{"a link defanged with {dot} outside labels", "详情 shop{dot}example{dot}cn 包邮", nil, true},
		{"a scheme with a colon word outside labels", "详情 hxxps[:]//shop 包邮", nil, true},
		{"a scheme with spaces outside labels", "详情 h t t p s : / / shop 包邮", nil, true},
		{"a fax number alone", "传真：0571—88157858，包邮", nil, false},
		{"a fax number a phone keyword reaches", "电话/传真：0571-88157858", nil, true},
		{"a Hong Kong number a QQ keyword reaches", "QQ群满，電話：6734 2815", spanOf("6734 2815", lbl("67342815", "phone")), true},
		{"a time and a dot word that are no link", "晚上8点发货，polka dot dress，比例16:9", nil, false},
		{"traditional 點 beside a link", "營業 點 m.tb.cn/h.abc 包邮", spanOf("m.tb.cn/h.abc", lbl("m.tb.cn/h.abc", "platform")), true},
		{"keyword next to an unlabelled ID", "型号 DKB223，微信小程序同款", nil, true},
		{"two IDs in reach", "abc_123 微信 def_456", spanOf("def_456", lbl("def_456", "wechat")), true},
		{"QQ keyword near a number", "QQ飞车周边 库存25000件", nil, true},
		{"label glued to letters", "微信：abc_123x", spanOf("abc_123", lbl("abc_123", "wechat")), true},
		{"link outside labels", "详情见 shop点example点com 。", nil, true},
		{"phone after an order word", "订单号 13812345678", spanOf("13812345678", lbl("13812345678", "phone")), true},
		{"model number after VX", "VX-8240同款，包邮", nil, false},
		{"full stop before a link", "¥281。m点tb点cn/h.abc ，包邮", spanOf("m点tb点cn/h.abc", lbl("m.tb.cn/h.abc", "platform")), true},
		{"dot-space after a link", "Shop: tb.cn/h.abc . material: steel", spanOf("tb.cn/h.abc", lbl("tb.cn/h.abc", "platform")), true},
		{"mobile-shaped order number", "快递单号 13812345678，包邮", nil, false},
		{"order number a phone keyword reaches", "手机壳，订单号 13812345678", nil, true},
		{"payment mention, no identifier", "Alipay or WeChat Pay OK / 618 sale", nil, false},
		{"payment mention before a word", "WeChat Pay accepted", nil, false},
		{"a word within four fillers of a keyword", "ask me on WeChat. all accessories included", nil, true},
		{"a word beyond four fillers", "WeChat is best for more photos", nil, false},
	}
	for _, c := range cases {
		var spans []span
		if c.spans != nil {
			spans = c.spans(c.text)
		}
		why := doubt(c.text, spans)
		if (why != "") != c.bad {
			t.Errorf("%s: doubt(%q) = %q, want doubtful=%v", c.name, c.text, why, c.bad)
		}
	}
}

func spanOf(sub string, labels []label) func(string) []span {
	return func(text string) []span {
		i := strings.Index(text, sub)
		return []span{{i, i + len(sub), labels}}
	}
}

func TestCommandWritesCorpusLayout(t *testing.T) {
	dir := t.TempDir()
	if err := run([]string{"-seed", "5", "-n", "50", "-out", dir}, io.Discard); err != nil {
		t.Fatal(err)
	}
	cases, err := scoring.LoadTexts(filepath.Join(dir, "text", "cases.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 50 || cases[0].ID != "g00001" || cases[49].ID != "g00050" {
		t.Fatalf("got %d cases, ids %q..%q", len(cases), cases[0].ID, cases[len(cases)-1].ID)
	}
	if _, err := os.Stat(filepath.Join(dir, "text", "cases.jsonl.tmp")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("temporary file left behind: %v", err)
	}
	for _, args := range [][]string{{"-n", "5"}, {"-out", dir, "-n", "0"}, {"-out", dir, "extra"}, {"-bogus"}} {
		var u usageError
		if err := run(args, io.Discard); !errors.As(err, &u) {
			t.Errorf("run(%q) = %v, want a usage error", args, err)
		}
	}
}

// The test's own reading of keywords, typed apart from the generator's
// tables: which characters sound wei, xin, kou (tones ignored), which
// components make which character, and zhuyin to pinyin.
var (
	soundsLike = map[string]string{}
	// components are joined back left to right, longest first, so the
	// reading does not depend on an order of map iteration.
	components = strings.NewReplacer(
		"金金金", "鑫", "亻言", "信", "艹心", "芯", "纟隹", "维", "亻韦", "伟", "口隹", "唯", "忄隹", "惟", "艹微", "薇",
		"斤欠", "欣", "扌口", "扣", "扌区", "抠", "口卩", "叩", "君羊", "群", "力口", "加", "我鸟", "鹅", "讠舌", "话", "木几", "机",
	)
	zhuyinSyllables = strings.NewReplacer("ㄨㄟ", "wei ", "ㄒㄧㄣ", "xin ", "ㄎㄡ", "kou ", "ˊ", "", "ˇ", "", "ˋ", "", "·", "")
)

func init() {
	for syl, chars := range map[string]string{
		"wei": "微威薇维唯惟卫围伟韦巍葳为位未味胃喂魏危违尾委苇纬玮炜帷慰谓畏渭偎娓煨",
		"xin": "信芯心新鑫欣馨辛昕锌忻歆薪衅囟炘",
		"kou": "扣抠寇蔻叩口",
	} {
		for _, c := range chars {
			soundsLike[string(c)] = syl + " "
		}
	}
}

// readKeyword reads a keyword as syllables: components joined back into
// their character, each character by its sound, zhuyin and toned pinyin as
// plain pinyin.
func readKeyword(s string) string {
	s = components.Replace(s)
	s = zhuyinSyllables.Replace(s)
	var b strings.Builder
	for _, c := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, c), c >= '1' && c <= '4', c == ' ', c == '-':
		case soundsLike[string(c)] != "":
			b.WriteString(strings.TrimSpace(soundsLike[string(c)]))
		default:
			b.WriteRune(unicode.ToLower(c))
		}
	}
	return b.String()
}

// Round 3's keywords read as their keyword: the sound of 微信 or 扣扣, or a
// word the rules name.
func TestRound3KeywordsRead(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	named := regexp.MustCompile(`^(?:微信搜一搜|微信搜索|微信里搜|searchmeonwechat|wechatsearch|findmeonwechatsearch|公众号|微信公众号|公众号搜|关注公众号|服务号|wechatofficialaccount|officialaccount|视频号|微信视频号|wechatchannels|企业微信|企业微信号|卫星|纸飞机)$`)
	qqWords := regexp.MustCompile(`^(?:koukou|kou|q|qq|企鹅)(?:号|群|裙|群号)?$`)
	addV := regexp.MustCompile(`^加我?(?:v|wei)$`) // 加V, 加薇: add me on WeChat
	families := map[string]int{}
	for i := 0; i < 3000; i++ {
		for _, k := range []keyword{round3WechatKeyword(r, i%2 == 0), round3QQKeyword(r)} {
			families[k.family]++
			raw := strings.ToLower(strings.Map(func(c rune) rune {
				if invisible(c) || strings.ContainsRune(" ·.-・", c) {
					return -1
				}
				return c
			}, norm.NFKC.String(k.text)))
			read := readKeyword(raw)
			if !named.MatchString(raw) && read != "weixin" && !qqWords.MatchString(read) && !addV.MatchString(read) {
				t.Errorf("family %s: keyword %q reads %q", k.family, k.text, read)
			}
			if k.family == "chaizi" && !regexp.MustCompile(`亻|艹|纟|忄|隹|金金|斤欠|扌|卩|君羊|我鸟|力口`).MatchString(k.text) {
				t.Errorf("chaizi keyword %q is not split", k.text)
			}
		}
	}
	for _, f := range []string{"homophone-wide", "pinyin-tone", "zhuyin", "chaizi", "wechat-search", "official-account", "视频号", "企业微信", "qq-group", "bare-q"} {
		if families[f] == 0 {
			t.Errorf("no keyword of family %s drawn", f)
		}
	}
}
