package scoring

import (
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestTagGroup(t *testing.T) {
	for _, tc := range []struct{ tag, want string }{
		{"ec:M", "ec"},
		{"jpeg:q64", "jpeg"},
		{"rot:310", "rot"},
		{"multi:3", "multi"},
		{"module:2.4", "module<2.5"},
		{"module:2.5", "module2.5-4"},
		{"module:3.99", "module2.5-4"},
		{"module:4", "module>=4"},
		{"module:9.8", "module>=4"},
		{"module:big", "module:big"},
		{"clean", "clean"},
		{"gif-frame2", "gif-frame2"},
	} {
		if got := TagGroup(tc.tag); got != tc.want {
			t.Errorf("TagGroup(%q) = %q, want %q", tc.tag, got, tc.want)
		}
	}
}

func TestNormalizeIdentifier(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"abc_123", "abc_123"},
		{"ABC-12-3", "abc123"},
		{"https://Wa.me/86138/", "wa.me/86138"},
		{"http://t.cn/abc", "t.cn/abc"},
		{"wxp://f2f0abc", "wxp://f2f0abc"},
		{"0571-88157858", "057188157858"},
		{"@Handle", "@handle"},
	} {
		if got := NormalizeIdentifier(tc.in); got != tc.want {
			t.Errorf("NormalizeIdentifier(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func code(p string) Code   { return Code{Payload: p, Symbology: "QR_CODE"} }
func qr(p string) Finding  { return Finding{Source: "image", Symbology: "QR_CODE", Payload: p} }
func sym(s string) Finding { return Finding{Source: "image", Symbology: s} }
func intp(i int) *int      { return &i }
func span(s, e int, p, id string) Finding {
	return Finding{Source: "text", Symbology: "TEXT", Start: intp(s), End: intp(e), Payload: p, Identifier: id}
}

func TestJudgeImage(t *testing.T) {
	two := []Code{code("a"), code("b")}
	for _, tc := range []struct {
		name  string
		codes []Code
		got   []Finding
		want  imageOutcome
	}{
		{"clean, nothing", nil, nil, imageOutcome{}},
		{"clean, UNDECODED is a false positive", nil, []Finding{sym(Undecoded)}, imageOutcome{falsePositive: true}},
		{"clean, image error is a false positive", nil, []Finding{sym(ImageError)}, imageOutcome{falsePositive: true}},
		{"all read", two, []Finding{qr("b"), qr("a")}, imageOutcome{read: true}},
		{"one missing", two, []Finding{qr("a")}, imageOutcome{missing: []string{"b"}}},
		{"payload must match byte for byte", []Code{code("a ")}, []Finding{qr("a")}, imageOutcome{missing: []string{"a "}, extras: 1}},
		{"extra read", two, []Finding{qr("a"), qr("b"), qr("c")}, imageOutcome{read: true, extras: 1}},
		{"UNDECODED extra once all read", two, []Finding{qr("a"), qr("b"), sym(Undecoded)}, imageOutcome{read: true, extras: 1}},
		{"UNDECODED not extra while a code is missing", two, []Finding{qr("a"), sym(Undecoded)}, imageOutcome{missing: []string{"b"}}},
		{"duplicate read is no extra", two, []Finding{qr("a"), qr("a"), qr("b")}, imageOutcome{read: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := judgeImage(ImageCase{Codes: tc.codes}, &ImageRecord{Findings: tc.got})
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestJudgeText(t *testing.T) {
	text := "加微信：abc_123 或 https://t.cn/x"
	for _, tc := range []struct {
		name                string
		labels              []string
		verdict             string
		got                 []Finding
		right               bool
		found, spans        int
		missing, extra, bad []string
	}{
		{name: "all found, spans right", labels: []string{"abc_123", "t.cn/x"}, verdict: "block",
			got:   []Finding{span(3, 19, "微信：abc_123", "abc_123"), span(24, 38, "https://t.cn/x", "https://t.cn/x/")},
			right: true, found: 2, spans: 2},
		{name: "dash and case ignored", labels: []string{"abc_123"}, verdict: "block",
			got: []Finding{span(12, 19, "abc_123", "ABC-_123")}, right: true, found: 1, spans: 1},
		{name: "missed and extra", labels: []string{"abc_123"}, verdict: "warn",
			got:     []Finding{span(24, 38, "https://t.cn/x", "t.cn/x"), span(24, 38, "https://t.cn/x", "t.cn/x")},
			missing: []string{"abc_123"}, extra: []string{"t.cn/x"}, spans: 2},
		{name: "span off by one", labels: nil, verdict: "block",
			got: []Finding{span(3, 18, "微信：abc_123", "")}, right: true, spans: 1, bad: []string{"3 18 微信：abc_123"}},
		{name: "span past the end", labels: nil, verdict: "block",
			got: []Finding{span(30, 99, "x", "")}, right: true, spans: 1, bad: []string{"30 99 x"}},
		{name: "text finding without offsets", labels: nil, verdict: "block",
			got: []Finding{{Source: "text", Payload: "x"}}, right: true, spans: 1, bad: []string{"-1 -1 x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := TextCase{Text: text, Verdict: "block"}
			for _, l := range tc.labels {
				c.Findings = append(c.Findings, TextLabel{Identifier: l})
			}
			o := judgeText(c, &TextRecord{Verdict: tc.verdict, Findings: tc.got})
			if o.right != tc.right || o.found != tc.found || o.spans != tc.spans ||
				!reflect.DeepEqual(o.missing, tc.missing) || !reflect.DeepEqual(o.extra, tc.extra) ||
				!reflect.DeepEqual(o.badSpans, tc.bad) {
				t.Errorf("got %+v", o)
			}
		})
	}
}

func TestFileIndex(t *testing.T) {
	cases := []ImageCase{{Path: "/c/images/a.jpg"}, {Path: "/c/images/sub/b.jpg"}, {Path: "/c/other/b.jpg"}}
	ix := newFileIndex(cases)
	for _, tc := range []struct {
		file string
		want int
	}{
		{"/c/images/a.jpg", 0},
		{"/copy/of/images/a.jpg", 0},
		{"a.jpg", 0},
		{"images/sub/b.jpg", 1},
		{"/tmp/other/b.jpg", 2},
		{"b.jpg", -1}, // ambiguous
		{"z.jpg", -1},
	} {
		if got := ix.lookup(tc.file); got != tc.want {
			t.Errorf("lookup(%q) = %d, want %d", tc.file, got, tc.want)
		}
	}
}

func TestPercentile(t *testing.T) {
	xs := []float64{5, 1, 4, 2, 3}
	for _, tc := range []struct{ p, want float64 }{{50, 3}, {99, 5}, {0, 1}, {100, 5}, {20, 1}} {
		if got := Percentile(xs, tc.p); got != tc.want {
			t.Errorf("Percentile(%v) = %v, want %v", tc.p, got, tc.want)
		}
	}
	if !math.IsNaN(Percentile(nil, 50)) {
		t.Error("Percentile(nil) is not NaN")
	}
}

// TestScoreFixtures scores testdata/results.jsonl against the tiny corpus in
// testdata/corpus; results.jsonl says what each record is meant to test.
func TestScoreFixtures(t *testing.T) {
	dir := filepath.Join("..", "testdata")
	cases, err := LoadImages(filepath.Join(dir, "corpus", "images"))
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := filepath.Abs(filepath.Join(dir, "corpus", "images", "a.jpg")); cases[0].Path != want {
		t.Errorf("manifest path resolved to %q, want %q", cases[0].Path, want)
	}
	texts, err := LoadTexts(filepath.Join(dir, "corpus", "text", "cases.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := ReadRecordsFile(filepath.Join(dir, "results.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	im := ScoreImages(cases, recs.Images)
	gotIm := []int{im.Images, im.Coded, im.Clean, im.Read, im.FalsePositives, im.Extras, im.VerdictRight, im.VerdictRightRead, len(im.UnmatchedFiles)}
	if want := []int{5, 3, 2, 2, 1, 1, 4, 2, 1}; !reflect.DeepEqual(gotIm, want) || !im.HasVerdicts {
		t.Errorf("images: got %v, want %v", gotIm, want)
	}
	if len(im.Misses) != 1 || !reflect.DeepEqual(im.Misses[0].Missing, []string{"6901234567892"}) {
		t.Errorf("misses: %+v", im.Misses)
	}
	wantTags := map[string]TagStat{
		"module<2.5":    {Tag: "module<2.5", Coded: 1, Read: 1},
		"module2.5-4":   {Tag: "module2.5-4", Coded: 1},
		"ec":            {Tag: "ec", Coded: 3, Read: 2},
		"jpeg":          {Tag: "jpeg", Coded: 1, Read: 1, Clean: 2, FalsePositives: 1},
		"hard-negative": {Tag: "hard-negative", Clean: 1, FalsePositives: 1},
	}
	for _, ts := range im.Tags {
		if w, ok := wantTags[ts.Tag]; ok && ts != w {
			t.Errorf("tag %s: got %+v, want %+v", ts.Tag, ts, w)
		}
	}
	tx := ScoreTexts(texts, recs.Texts)
	gotTx := []int{tx.Cases, tx.VerdictRight, tx.Labels, tx.Found, tx.Extras, tx.Spans, tx.SpanErrors, tx.AllowBlocked, tx.NoRecord}
	if want := []int{4, 2, 4, 4, 1, 4, 1, 1, 0}; !reflect.DeepEqual(gotTx, want) {
		t.Errorf("texts: got %v, want %v", gotTx, want)
	}
}

func TestReadRecordsNumericID(t *testing.T) {
	recs, err := ReadRecords(stringsReader(`{"id":0,"text":"x","verdict":"allow","findings":[]}`+"\n"), "t")
	if err != nil || len(recs.Texts) != 1 || recs.Texts[0].ID != "0" {
		t.Fatalf("got %+v, %v", recs, err)
	}
	if _, err := ReadRecords(stringsReader(`{"x":1}`), "t"); err == nil {
		t.Error("a record with neither file nor id was accepted")
	}
}

// TestUnlabelledVerdicts: images whose manifest verdict is "" (a decoder
// test suite's samples carry no policy) are scored for recall and false
// positives, never for verdicts, even when the reader gives verdicts.
func TestUnlabelledVerdicts(t *testing.T) {
	block := "block"
	cases := []ImageCase{
		{File: "a", Path: "/c/a", Codes: []Code{code("a")}},                   // unlabelled, read
		{File: "b", Path: "/c/b"},                                             // unlabelled, clean
		{File: "c", Path: "/c/c", Verdict: "block", Codes: []Code{code("c")}}, // labelled, read
	}
	recs := []ImageRecord{
		{File: "/c/a", Verdict: &block, Findings: []Finding{qr("a")}},
		{File: "/c/b", Verdict: &block, Findings: []Finding{}},
		{File: "/c/c", Verdict: &block, Findings: []Finding{qr("c")}},
	}
	im := ScoreImages(cases, recs)
	got := []int{im.Read, im.VerdictLabelled, im.ReadLabelled, im.VerdictRight, im.VerdictRightRead, len(im.WrongVerdicts)}
	if want := []int{2, 1, 1, 1, 1, 0}; !reflect.DeepEqual(got, want) || !im.HasVerdicts {
		t.Errorf("got %v, want %v (has verdicts %v)", got, want, im.HasVerdicts)
	}
	var out strings.Builder
	WriteImages(&out, Summarize(ScoreImages(cases[:2], recs[:2]), nil))
	if !strings.Contains(out.String(), "the manifest labels no verdicts") {
		t.Errorf("report of an unlabelled set:\n%s", out.String())
	}
}

func TestBins(t *testing.T) {
	qrBins := func(module string) Bins { return Bins{"symbology": "QR_CODE", "module": module} }
	cases := []ImageCase{
		{File: "a.jpg", Path: "/t/a.jpg", Bins: Bins{"container": "jpeg", "codes": "2"}, Codes: []Code{
			{Payload: "a", Bins: qrBins("<2.5")}, {Payload: "b", Bins: qrBins(">=4")}}},
		{File: "b.jpg", Path: "/t/b.jpg", Bins: Bins{"container": "jpeg", "codes": "1"}, Codes: []Code{
			{Payload: "c", Bins: qrBins("<2.5")}}},
		{File: "c.png", Path: "/t/c.png", Bins: Bins{"container": "png", "codes": "2"}, Codes: []Code{
			{Payload: "d", Bins: qrBins("<2.5")}, {Payload: "e", Bins: qrBins("<2.5")}}},
		{File: "d.jpg", Path: "/t/d.jpg", Bins: Bins{"container": "jpeg", "codes": "0"}},
		{File: "e.png", Path: "/t/e.png", Bins: Bins{"container": "png", "codes": "0"}},
	}
	recs := []ImageRecord{
		{File: "a.jpg", Findings: []Finding{qr("a"), sym(Undecoded)}}, // b missed, UNDECODED shown
		{File: "b.jpg", Findings: []Finding{qr("c")}},
		{File: "c.png", Findings: []Finding{qr("d"), qr("d")}}, // e missed: a duplicate is not a second code
		{File: "d.jpg", Findings: []Finding{sym(Undecoded)}},
		{File: "e.png"},
	}
	rep := ScoreImages(cases, recs)
	got := map[string]BinStat{}
	var order []string
	for _, b := range rep.Bins {
		got[b.Dim+" "+b.Bin] = b
		order = append(order, b.Dim+" "+b.Bin)
	}
	want := map[string]BinStat{
		"symbology QR_CODE": {Dim: "symbology", Bin: "QR_CODE", Coded: 3, Read: 1, Codes: 5, CodesRead: 3},
		"module <2.5":       {Dim: "module", Bin: "<2.5", Coded: 3, Read: 2, Codes: 4, CodesRead: 3},
		"module >=4":        {Dim: "module", Bin: ">=4", Coded: 1, Read: 0, Codes: 1, CodesRead: 0},
		"container jpeg":    {Dim: "container", Bin: "jpeg", Coded: 2, Read: 1, Codes: 3, CodesRead: 2, Clean: 1, FalsePositives: 1},
		"container png":     {Dim: "container", Bin: "png", Coded: 1, Read: 0, Codes: 2, CodesRead: 1, Clean: 1},
		"codes 0":           {Dim: "codes", Bin: "0", Clean: 2, FalsePositives: 1},
		"codes 1":           {Dim: "codes", Bin: "1", Coded: 1, Read: 1, Codes: 1, CodesRead: 1},
		"codes 2":           {Dim: "codes", Bin: "2", Coded: 2, Read: 0, Codes: 4, CodesRead: 2},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("bins:\n got %+v\nwant %+v", got, want)
	}
	wantOrder := []string{"symbology QR_CODE", "module <2.5", "module >=4", "container jpeg", "container png", "codes 0", "codes 1", "codes 2"}
	if !reflect.DeepEqual(order, wantOrder) {
		t.Errorf("order %q, want %q", order, wantOrder)
	}
	if rep.UndecodedOnMissed != 1 || rep.UndecodedOnClean != 1 {
		t.Errorf("UNDECODED on missed %d, on clean %d; want 1, 1", rep.UndecodedOnMissed, rep.UndecodedOnClean)
	}
}

func TestBinLess(t *testing.T) {
	ordered := []string{"none", "<0.1", "0.1-0.2", ">=0.2", "<2.5", "<=2.5", "2.5-4", ">=4", ">4", "axis", "other"}
	for i := range ordered {
		for j := range ordered {
			if got := binLess(ordered[i], ordered[j]); got != (i < j) {
				t.Errorf("binLess(%q, %q) = %v, want %v", ordered[i], ordered[j], got, i < j)
			}
		}
	}
}
