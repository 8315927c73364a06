package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

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
	"wechat":          regexp.MustCompile(`^(?:[a-z][a-z0-9_-]{5,19}|1[3-9][0-9]{9}|wxid_[a-z0-9]{6,20}|(?:u\.wechat\.com|weixin\.qq\.com|wx\.qq\.com)/\S+|weixin://\S+)$`),
	"qq":              regexp.MustCompile(`^(?:[1-9][0-9]{4,10}|(?:qm|wpa)\.qq\.com/\S+)$`),
	"messenger":       regexp.MustCompile(`^(?:@[a-z][a-z0-9_]{2,31}|[1-9][0-9]{7,14}|(?:wa|t|line)\.me/\S+)$`),
	"offsite_payment": regexp.MustCompile(`^(?:wxp://\S+|paypal\.me/\S+)$`),
	"short_link":      regexp.MustCompile(`^(?:t\.cn|url\.cn|bit\.ly)/\S+$`),
	"platform":        regexp.MustCompile(`^(?:[a-z0-9-]+\.)*(?:taobao\.com|tmall\.com|tb\.cn|alipay\.com)(?:/\S*)?$`),
	"partner":         regexp.MustCompile(`^(?:[a-z0-9-]+\.)*(?:weibo\.com|weibo\.cn)(?:/\S*)?$`),
	"external_link":   regexp.MustCompile(`^(?:[a-z0-9-]+\.)+[a-z]{2,}(?:/\S*)?$`),
	"phone":           regexp.MustCompile(`^(?:1[3-9][0-9]{9}|0[0-9]{2,3}-[2-9][0-9]{6,7}|[1-9][0-9]{9,14})$`),
}

var knownHosts = regexp.MustCompile(`(?:^|\.)(?:wechat\.com|qq\.com|wa\.me|t\.me|line\.me|paypal\.me|t\.cn|url\.cn|bit\.ly|taobao\.com|tmall\.com|tb\.cn|alipay\.com|weibo\.com|weibo\.cn)(?:/|$)`)

func TestLabelInvariants(t *testing.T) {
	verdicts := map[string]int{}
	for _, seed := range []int64{1, 2, 3} {
		for i, c := range generateAll(t, seed, testCases) {
			tc := c.toCase("x")
			verdicts[tc.Verdict]++
			checkCase(t, seed, i, c, tc)
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
		{"洞幺两拐", "0127"},
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

// readsAs decodes a shown identifier the way a buyer types it and compares
// it with the label.
func readsAs(shown string, l label) bool {
	var b strings.Builder
	for _, c := range shown {
		if s, ok := testReadings[c]; ok {
			b.WriteString(s)
			continue
		}
		b.WriteString(norm.NFKC.String(string(c)))
	}
	read := strings.ToLower(b.String())
	if strings.Contains(l.identifier, ".") || strings.Contains(l.identifier, "://") {
		return readLink(read) == l.identifier
	}
	keep := func(s string) string {
		var o strings.Builder
		for _, c := range s {
			if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '@' {
				o.WriteRune(c)
			}
		}
		return o.String()
	}
	got, want := keep(read), keep(l.identifier)
	// Parenthesised digits read "(1)"; keycaps carry combining marks: both
	// are dropped by keep. +86 is not part of a Chinese phone's identifier.
	return got == want || (l.category == "phone" && got == "86"+want)
}

var linkWords = strings.NewReplacer("(dot)", ".", "[dot]", ".", " dot ", ".", "[.]", ".", "(.)", ".", "点", ".", "。", ".", "·", ".", "(slash)", "/", " slash ", "/")

func readLink(s string) string {
	s = linkWords.Replace(s)
	s = strings.ReplaceAll(s, " ", "")
	for _, p := range []string{"https://", "http://"} {
		s = strings.TrimPrefix(s, p)
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
