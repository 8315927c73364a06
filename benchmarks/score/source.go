package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/qrgate/qrgate/benchmarks/score/scoring"
)

// source produces records: by running a qrgate binary, or from files.
type source struct {
	bin      string
	scanArgs []string
	results  scoring.Records
	fromFile bool
	tmp      string
	stderr   io.Writer
}

func newSource(o options, stderr io.Writer) (*source, error) {
	s := &source{scanArgs: strings.Fields(o.scanArgs), stderr: stderr}
	if len(o.results) > 0 {
		s.fromFile = true
		for _, f := range o.results {
			r, err := scoring.ReadRecordsFile(f)
			if err != nil {
				return nil, err
			}
			s.results.Images = append(s.results.Images, r.Images...)
			s.results.Texts = append(s.results.Texts, r.Texts...)
		}
		return s, nil
	}
	if o.bin != "" {
		s.bin = o.bin
		return s, nil
	}
	return s, s.build(o.src)
}

// build compiles qrgate into a temporary directory, so a score always
// measures the tree it is run from rather than a stale binary.
func (s *source) build(dir string) error {
	tmp, err := os.MkdirTemp("", "qrgate-score-")
	if err != nil {
		return err
	}
	s.tmp = tmp
	s.bin = filepath.Join(tmp, "qrgate")
	cmd := exec.Command("go", "build", "-o", s.bin, "./cmd/qrgate")
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = s.stderr, s.stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building qrgate in %s: %w", dir, err)
	}
	return nil
}

func (s *source) close() {
	if s.tmp != "" {
		os.RemoveAll(s.tmp)
	}
}

func (s *source) images(files []string) ([]scoring.ImageRecord, *scoring.Usage, error) {
	if s.fromFile {
		return s.results.Images, nil, nil
	}
	args := append(append([]string{"scan"}, s.scanArgs...), files...)
	recs, u, err := s.scan(args)
	return recs.Images, u, err
}

func (s *source) texts(path string) ([]scoring.TextRecord, *scoring.Usage, error) {
	if s.fromFile {
		return s.results.Texts, nil, nil
	}
	args := append(append([]string{"scan"}, s.scanArgs...), "--texts", path)
	recs, u, err := s.scan(args)
	return recs.Texts, u, err
}

// scan runs qrgate and parses its output; qrgate exits 0 whenever every
// input was processed, so any other status is a failure of the run.
func (s *source) scan(args []string) (scoring.Records, *scoring.Usage, error) {
	cmd := exec.Command(s.bin, args...)
	cmd.Stderr = s.stderr
	out, u, err := scoring.Measure(cmd)
	if err != nil {
		return scoring.Records{}, nil, fmt.Errorf("%s scan: %w", s.bin, err)
	}
	recs, err := scoring.ReadRecords(bytes.NewReader(out), "qrgate output")
	return recs, &u, err
}
