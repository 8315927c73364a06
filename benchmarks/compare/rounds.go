package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/qrgate/qrgate/benchmarks/score/scoring"
)

// subset is a set of images every reader runs over as one process.
type subset struct {
	name     string
	cases    []scoring.ImageCase
	files    []string // the originals
	pngFiles []string // WebP replaced by PNG copies
}

// loadSubsets returns the whole corpus and its clean photos (the images
// carrying cleanTag), with PNG copies of WebP files made once, untimed.
func loadSubsets(corpus, cleanTag, tmp string) ([]subset, error) {
	cases, err := scoring.LoadImages(filepath.Join(corpus, "images"))
	if err != nil {
		return nil, err
	}
	var clean []scoring.ImageCase
	for _, c := range cases {
		if c.HasTag(cleanTag) {
			clean = append(clean, c)
		}
	}
	whole, err := newSubset("whole corpus", cases, tmp)
	if err != nil {
		return nil, err
	}
	if len(clean) == 0 {
		return []subset{whole}, nil
	}
	cl, err := newSubset(fmt.Sprintf("clean photos only (tag %q)", cleanTag), clean, tmp)
	if err != nil {
		return nil, err
	}
	return []subset{whole, cl}, nil
}

func newSubset(name string, cases []scoring.ImageCase, tmp string) (subset, error) {
	s := subset{name: name, cases: cases}
	for _, c := range cases {
		s.files = append(s.files, c.Path)
	}
	dir, err := os.MkdirTemp(tmp, "png-")
	if err != nil {
		return s, err
	}
	s.pngFiles, err = pngCopies(s.files, dir)
	return s, err
}

// measurement is one reader's run over one subset.
type measurement struct {
	usage    scoring.Usage
	report   scoring.ImageReport
	restarts int
	records  []scoring.ImageRecord
}

// results[subset][reader] holds one measurement per round.
type results [][][]measurement

// runRounds runs every reader over every subset, rounds times. Each round
// starts with a different reader, so no reader always runs first (cold
// caches) or last (after the machine has warmed up).
func runRounds(rs []reader, subsets []subset, rounds int, keep string, log io.Writer) (results, error) {
	res := make(results, len(subsets))
	for i := range res {
		res[i] = make([][]measurement, len(rs))
	}
	for round := range rounds {
		for si, s := range subsets {
			for k := range rs {
				ri := (k + round) % len(rs)
				m, err := measure(rs[ri], s)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", rs[ri].name, err)
				}
				fmt.Fprintf(log, "round %d/%d, %s: %-36s CPU %6.2f s, wall %6.2f s\n",
					round+1, rounds, s.name, rs[ri].name, m.usage.CPU.Seconds(), m.usage.Wall.Seconds())
				if err := keepRecords(keep, s, rs[ri], round, m.records); err != nil {
					return nil, err
				}
				m.records = nil
				res[si][ri] = append(res[si][ri], m)
			}
		}
	}
	return res, nil
}

// measure runs one reader over one subset and scores what it printed.
func measure(r reader, s subset) (measurement, error) {
	args := s.files
	if r.needsPNG {
		args = s.pngFiles
	}
	br, err := r.batch.run(args)
	if err != nil {
		return measurement{}, err
	}
	recs := make([]scoring.ImageRecord, 0, len(args))
	for i, a := range args {
		if rec := br.records[a]; rec != nil {
			rec.File = s.files[i] // a PNG copy scores as its original
			recs = append(recs, *rec)
		}
	}
	return measurement{usage: br.usage, report: scoring.ScoreImages(s.cases, recs), restarts: br.restarts, records: recs}, nil
}

// keepRecords saves what a reader printed, in qrgate's record shape with
// the original file names, so `score -results` can re-score it and misses
// can be compared reader by reader. keep == "" saves nothing.
func keepRecords(keep string, s subset, r reader, round int, recs []scoring.ImageRecord) error {
	if keep == "" {
		return nil
	}
	if err := os.MkdirAll(keep, 0o755); err != nil {
		return err
	}
	name := fmt.Sprintf("%s.%s.round%d.jsonl", slug(s.name), slug(r.name), round+1)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, rec := range recs {
		if err := enc.Encode(rec); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(keep, name), buf.Bytes(), 0o644)
}

// slug keeps letters, digits, '-' and '.', folding runs of others to '-'.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(s) {
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.'
		switch {
		case ok:
			b.WriteRune(c)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
