package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qrgate/qrgate/benchmarks/score/scoring"
)

func TestRoundsAndTable(t *testing.T) {
	peer := fakePeer(t)
	rs := []reader{
		{name: "gozxing-naive", scored: true, batch: jsonReader(peer, nil)},
		{name: "floor", batch: jsonReader(peer, nil)},
		{name: "other", scored: true, wasm: true, batch: jsonReader(peer, nil)},
	}
	cases := []scoring.ImageCase{
		{File: "a", Path: "/c/a", Codes: []scoring.Code{{Payload: "a", Bins: scoring.Bins{"symbology": "QR_CODE"}}},
			Tags: []string{"ec:M", "module:3"}, Bins: scoring.Bins{"folder": "qrcode-1"}},
		{File: "b", Path: "/c/b", Codes: []scoring.Code{{Payload: "nope", Bins: scoring.Bins{"symbology": "QR_CODE"}}},
			Tags: []string{"ec:L"}, Bins: scoring.Bins{"folder": "qrcode-2"}},
		{File: "c", Path: "/c/c", Tags: []string{"clean"}, Bins: scoring.Bins{"folder": "falsepositives-1"}},
	}
	s := subset{name: "whole corpus", cases: cases, files: []string{"/c/a", "/c/b", "/c/c"}}
	s.pngFiles = s.files
	var log bytes.Buffer
	keep := t.TempDir()
	res, err := runRounds(rs, []subset{s}, 2, keep, &log)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(log.String(), "round "); n != 6 {
		t.Errorf("%d runs logged, want 6:\n%s", n, log.String())
	}
	kept, err := scoring.ReadRecordsFile(filepath.Join(keep, "whole-corpus.gozxing-naive.round2.jsonl"))
	if err != nil || len(kept.Images) != 3 || kept.Images[0].File != "/c/a" {
		t.Errorf("kept records: %+v, %v", kept, err)
	}
	var out bytes.Buffer
	writeTables(&out, options{corpus: "x", rounds: 2}, rs, []subset{s}, res)
	for _, line := range strings.Split(out.String(), "\n") {
		// the zxing-wasm row is its own base; every row has the column
		if strings.HasPrefix(line, "| other |") && !strings.HasSuffix(line, "| 1.00× |") ||
			strings.HasPrefix(line, "| floor |") && strings.HasSuffix(line, "| – |") {
			t.Errorf("CPU vs zxing-wasm cell: %s", line)
		}
	}
	for _, want := range []string{
		"## whole corpus: 3 images (2 coded, 1 clean)",
		"| throughput vs naive | CPU vs zxing-wasm |",
		"| gozxing-naive | 1/2 = 50.0% | 1/1 | 1 |",
		"| floor | – | – | – |",
		"| ec | 2 | 1 | 1 |",
		"| module2.5-4 | 1 | 1 | 1 |",
		"| dimension | bin | coded | gozxing-naive | other |",
		"| symbology | QR_CODE | 2 | 1 | 1 |",
		"| folder | qrcode-2 | 1 | 0 | 0 |",
		"| dimension | bin | clean | gozxing-naive | other |",
		"| folder | falsepositives-1 | 1 | 1 | 1 |",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}
