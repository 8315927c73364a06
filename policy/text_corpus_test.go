package policy

import (
	"bufio"
	"encoding/json"
	"github.com/qrgate/qrgate/internal/testenv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusCase is one labelled listing text of the shared development corpus
// (text/cases.jsonl, found by testenv.SharedCorpus): the text, the verdict
// its labelling rules give and the identifiers a reader finds in it.
type corpusCase struct {
	ID       string `json:"id"`
	Text     string `json:"text"`
	Verdict  Action `json:"verdict"`
	Findings []struct {
		Identifier string `json:"identifier"`
		Category   string `json:"category"`
	} `json:"findings"`
	Tags []string `json:"tags"`
}

// scoreKey is an identifier as the contract compares them.
func scoreKey(s string) string {
	s = strings.ToLower(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://")
	return strings.ReplaceAll(strings.TrimRight(s, "/"), "-", "")
}

// TestTextCorpus scores the scanner on the shared text corpus (skipped when
// it is not beside the repository) by the contract's rules and holds the
// issue's floor. QRGATE_TEXT_DUMP=FILE writes the findings as JSON lines.
func TestTextCorpus(t *testing.T) {
	path := filepath.Join(testenv.SharedCorpus(t), "text", "cases.jsonl")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var dump *json.Encoder
	if out := os.Getenv("QRGATE_TEXT_DUMP"); out != "" {
		w, err := os.Create(out)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		dump = json.NewEncoder(w)
		dump.SetEscapeHTML(false)
	}
	p := Default()
	var n, right, want, got, extra, spanErr, allowBlocked int
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var c corpusCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		fs := p.ScanText(0, c.Text)
		v := Verdict(fs)
		n++
		if v == c.Verdict {
			right++
		} else {
			t.Logf("%s: verdict %s, want %s: %q", c.ID, v, c.Verdict, c.Text)
		}
		if c.Verdict == Allow && v == Block {
			allowBlocked++
		}
		ids := map[string]bool{}
		for _, fd := range fs {
			ids[scoreKey(fd.Identifier)] = true
			if c.Text[fd.Start:fd.End] != fd.Payload {
				spanErr++
			}
		}
		labels := map[string]bool{}
		for _, l := range c.Findings {
			labels[scoreKey(l.Identifier)] = true
			want++
			if ids[scoreKey(l.Identifier)] {
				got++
			} else {
				t.Logf("%s: missed %s %q in %q", c.ID, l.Category, l.Identifier, c.Text)
			}
		}
		for id := range ids {
			if !labels[id] {
				extra++
				t.Logf("%s: extra %q in %q", c.ID, id, c.Text)
			}
		}
		if dump != nil {
			if err := dump.Encode(map[string]any{"id": c.ID, "text": c.Text, "verdict": v, "findings": fs}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	acc, rec := float64(right)/float64(n), float64(got)/float64(want)
	t.Logf("verdict %d/%d = %.1f%%, identifier recall %d/%d = %.1f%%, extras %d, span errors %d, allow-labelled blocked %d",
		right, n, 100*acc, got, want, 100*rec, extra, spanErr, allowBlocked)
	if acc < 0.97 || rec < 0.95 || spanErr > 0 || allowBlocked > 0 {
		t.Errorf("below the floor: verdict %.1f%% (≥97%%), recall %.1f%% (≥95%%), span errors %d, allow blocked %d", 100*acc, 100*rec, spanErr, allowBlocked)
	}
}
