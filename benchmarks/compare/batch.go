package main

import (
	"errors"
	"fmt"
	"os/exec"

	"github.com/qrgate/qrgate/benchmarks/score/scoring"
)

// batchReader runs one reader process over many files, the way PEERS.md
// measured the peers, and restarts it after the file it died on.
type batchReader struct {
	// command starts the reader over files.
	command func(files []string) *exec.Cmd
	// parse maps the reader's output back to the files it was given; it
	// returns the records of the files the output mentions, keyed by the
	// argument as passed, and tolerates output cut short by a crash.
	parse func(out []byte, files []string) map[string]*scoring.ImageRecord
	// okExit tells a normal end from a crash (zbarimg exits 4 when some
	// image has no code, for instance).
	okExit func(code int) bool
}

// batchResult is one run of a reader over a set of files.
type batchResult struct {
	records  map[string]*scoring.ImageRecord
	usage    scoring.Usage
	restarts int
}

// run reads every file. When the process ends abnormally, the first file
// after the last one it reported is counted as unread (the one it died
// on) and a new process takes the rest; CPU time is summed over all.
func (b batchReader) run(files []string) (batchResult, error) {
	res := batchResult{records: map[string]*scoring.ImageRecord{}}
	for rest := files; len(rest) > 0; {
		out, u, err := scoring.Measure(b.command(rest))
		res.usage = res.usage.Add(u)
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			return res, err
		}
		got := b.parse(out, rest)
		last := -1
		for i, f := range rest {
			if r, ok := got[f]; ok {
				res.records[f] = r
				last = i
			}
		}
		if err == nil || b.okExit(exit.ExitCode()) {
			break
		}
		if last+1 >= len(rest) {
			break // it died after reporting every file
		}
		dead := rest[last+1]
		res.records[dead] = &scoring.ImageRecord{File: dead, Findings: []scoring.Finding{},
			Error: &scoring.RecordError{Code: "reader_crash", Message: fmt.Sprintf("reader exited: %v", err)}}
		res.restarts++
		rest = rest[last+2:]
	}
	return res, nil
}

func exitZero(code int) bool { return code == 0 }
