package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestRunFromResults(t *testing.T) {
	o, err := parseFlags([]string{"-results", "testdata/results.jsonl", "testdata/corpus"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(o, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"recall (coded images, every payload):  2/3 = 66.7%",
		"false positives (clean images):        1/2",
		"- images/d.jpg [clean hard-negative jpeg:q90] got [\"UNDECODED\"]",
		"identifier recall:     4/4 = 100.0%",
		"span errors:           1 of 4 text findings",
		"allow cases blocked:   1",
		"UNDECODED on clean images:             1/2",
		"| module | <2.5 | 1/1 = 100.0% | 1/1 | – |",
		"| container | jpeg | 1/1 = 100.0% | 1/1 | 0/1 |",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRunJSON(t *testing.T) {
	o, err := parseFlags([]string{"-json", "-results", "testdata/results.jsonl", "testdata/corpus"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(o, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Images struct{ Read, Coded int }
		Texts  struct {
			SpanErrors int `json:"span_errors"`
		}
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Images.Read != 2 || rep.Images.Coded != 3 || rep.Texts.SpanErrors != 1 {
		t.Errorf("got %+v", rep)
	}
}

func TestFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"a", "b"},
		{"-results", "x.jsonl", "-bin", "qrgate", "corpus"},
	} {
		if _, err := parseFlags(args, &bytes.Buffer{}); err == nil {
			t.Errorf("parseFlags(%q) accepted", args)
		}
	}
}
