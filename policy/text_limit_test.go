package policy

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// links is a text of n links "x.io/0 x.io/1 …" (external_link: warn).
func links(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "x.io/%d ", i)
	}
	return b.String()
}

// floodText is 256 KiB of "x.io/N" words: issue 22's text, 24,840 links.
func floodText() string {
	var b strings.Builder
	for i := 0; b.Len() < 256<<10-16; i++ {
		fmt.Fprintf(&b, "x.io/%d ", i)
	}
	return b.String()
}

// TestTextFindingsCap: a text with more findings than the cap lists the
// cap's worth, in text order, and ends with one too_many_findings summary
// counting the rest, with the policy's on_image_error as its action.
func TestTextFindingsCap(t *testing.T) {
	p, err := Parse([]byte("version: t\non_image_error: block\ncategories: {external_link: warn, plain: allow}\n"))
	if err != nil {
		t.Fatal(err)
	}
	text := floodText()
	all := strings.Count(text, " ")
	fs := p.ScanText(3, text)
	if len(fs) != DefaultMaxTextFindings+1 {
		t.Fatalf("%d findings, want %d and the summary", len(fs), DefaultMaxTextFindings)
	}
	for i, f := range fs[:DefaultMaxTextFindings] {
		if want := fmt.Sprintf("x.io/%d", i); f.Identifier != want || text[f.Start:f.End] != f.Payload || f.Text != 3 {
			t.Fatalf("finding %d: %+v, want %s in text order", i, f, want)
		}
	}
	sum := fs[len(fs)-1]
	want := Finding{Source: SourceText, Text: 3, Symbology: "TEXT", Category: CategoryTooManyFindings, Action: Block, Rule: RuleTextLimit, Count: all - DefaultMaxTextFindings}
	if fmt.Sprint(sum) != fmt.Sprint(want) {
		t.Errorf("summary %+v\nwant    %+v", sum, want)
	}
	if v := Verdict(fs); v != Block {
		t.Errorf("verdict %s, want block (on_image_error)", v)
	}
	b, _ := json.Marshal(sum)
	const wire = `{"source":"text","text":3,"symbology":"TEXT","payload":"","identifier":"","category":"too_many_findings","action":"block","rule":"text.limit","count":`
	if !strings.HasPrefix(string(b), wire) || strings.Contains(string(b), "start") {
		t.Errorf("summary on the wire: %s", b)
	}
	var back Finding
	if err := json.Unmarshal(b, &back); err != nil || back.Count != sum.Count {
		t.Errorf("summary read back: %+v %v", back, err)
	}
}

// TestTextFindingsCapKeepsSevere: past the cap, the most severe findings
// are listed first, wherever they stand in the text; the verdict is theirs.
func TestTextFindingsCapKeepsSevere(t *testing.T) {
	p := Default()
	text := links(200) + "微信：abc_123456，" + links(100) + "QQ：12345678"
	fs := p.ScanTextLimited(0, text, 5)
	var got []string
	for _, f := range fs {
		got = append(got, f.Category+" "+f.Identifier)
	}
	want := []string{"external_link x.io/0", "external_link x.io/1", "external_link x.io/2", "wechat abc_123456", "qq 12345678", "too_many_findings "}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("listed %q\nwant   %q", got, want)
	}
	if n := fs[len(fs)-1].Count; n != 302-5 {
		t.Errorf("count %d, want %d", n, 302-5)
	}
	if v := Verdict(fs); v != Block {
		t.Errorf("verdict %s, want block", v)
	}
}

// TestTextFindingsAtCap: exactly the cap is listed without a summary; one
// more adds it; no cap lists everything.
func TestTextFindingsAtCap(t *testing.T) {
	p := Default()
	if fs := p.ScanTextLimited(0, links(7), 7); len(fs) != 7 || fs[6].Category == CategoryTooManyFindings {
		t.Errorf("7 links, cap 7: %d findings", len(fs))
	}
	if fs := p.ScanTextLimited(0, links(8), 7); len(fs) != 8 || fs[7].Count != 1 {
		t.Errorf("8 links, cap 7: %+v", fs[len(fs)-1])
	}
	if fs := p.ScanTextLimited(0, links(300), 0); len(fs) != 300 {
		t.Errorf("300 links, no cap: %d findings", len(fs))
	}
}

// TestTextScanKeepsBoundedFindings: however many findings a text holds, the
// scan keeps at most twice the cap per severity while it runs, and still
// counts every one.
func TestTextScanKeepsBoundedFindings(t *testing.T) {
	p := Default()
	for _, unit := range []string{"x.io/%d ", "vx:abc%05d ", "微信同号 138%08d ", "wxid_abc%06d "} {
		var b strings.Builder
		for i := 0; b.Len() < 256<<10-40; i++ {
			fmt.Fprintf(&b, unit, i)
		}
		s := newTextScan(p.text, b.String())
		s.found.max = DefaultMaxTextFindings
		s.keywordsAndLinks()
		s.bareNumbers()
		kept := 0
		for _, l := range s.found.bySev {
			if len(l) >= 2*DefaultMaxTextFindings {
				t.Errorf("%q: %d matches kept for one severity, want < %d", unit, len(l), 2*DefaultMaxTextFindings)
			}
			kept += len(l)
		}
		if s.found.seq < 10000 || kept >= s.found.seq {
			t.Errorf("%q: %d matches counted, %d kept", unit, s.found.seq, kept)
		}
	}
}

// TestChunksBounded: the pieces of an identifier are read no further than
// any identifier reaches. A text of "wxid_…" words joined by blanks is one
// run of pieces; reading it to its end from every "w" cost minutes.
func TestChunksBounded(t *testing.T) {
	p := Default()
	text := strings.Repeat("wxid_abc123 ", 20000)
	s := newTextScan(p.text, text)
	s.wxidMode = true
	cs := s.chunks(0, false)
	units := 0
	for _, c := range cs[:len(cs)-1] {
		units += c.e - c.s
	}
	if units > maxIDUnits {
		t.Errorf("%d pieces, %d units before the last, want at most %d", len(cs), units, maxIDUnits)
	}
	// Bare numbers read the whole run, once: no number inside a long digit
	// run is read as a mobile.
	for n := range 40 {
		run := strings.Repeat("1391 ", 100+n) + "139 1234 5678"
		if fs := p.ScanText(0, run); len(fs) != 0 {
			t.Errorf("digit run of %d groups: %+v", 103+n, fs)
		}
	}
}

// TestLongLinkBounded: a link's path is read up to maxPathUnits, so one
// finding's payload and identifier stay small however long the text.
func TestLongLinkBounded(t *testing.T) {
	p := Default()
	for _, text := range []string{"see a.io/" + strings.Repeat("a", 200<<10), "see a.io" + strings.Repeat("/ab", 70<<10)} {
		fs := p.ScanText(0, text)
		if len(fs) != 1 || len(fs[0].Payload) > maxPathUnits+16 || len(fs[0].Identifier) > maxPathUnits+16 || !strings.HasPrefix(fs[0].Identifier, "a.io/") {
			t.Errorf("%d findings, payload %d bytes", len(fs), len(fs[0].Payload))
		}
	}
}
