// Command score scores qrgate (or any reader printing qrgate's record
// shape) on a corpus laid out like ../shared/corpus, by the rules of
// CONTRACT.md.
//
//	go run ./benchmarks/score [flags] CORPUS_DIR
//
// It runs `qrgate scan` over the manifest's images and over the text cases
// with a binary it builds (or -bin), measuring the child's CPU time, or
// scores existing output given with -results.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/qrgate/qrgate/benchmarks/score/scoring"
)

type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

type options struct {
	images   string
	texts    string
	results  stringList
	bin      string
	src      string
	scanArgs string
	asJSON   bool
	corpus   string
}

func main() {
	opts, err := parseFlags(os.Args[1:], os.Stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "score:", err)
		os.Exit(2)
	}
	if err := run(opts, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "score:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("score", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: score [flags] [CORPUS_DIR]\n\nScores qrgate scan output on a corpus (images/manifest.jsonl, text/cases.jsonl).\n\nFlags:")
		fs.PrintDefaults()
	}
	fs.StringVar(&o.images, "images", "", "images `DIR_OR_MANIFEST` (default CORPUS_DIR/images)")
	fs.StringVar(&o.texts, "texts", "", "text cases `FILE.jsonl` (default CORPUS_DIR/text/cases.jsonl)")
	fs.Var(&o.results, "results", "score this output `FILE.jsonl` instead of running a scan (repeatable; image and text records may share a file)")
	fs.StringVar(&o.bin, "bin", "", "qrgate `BINARY` to run (default: go build ./cmd/qrgate from -src)")
	fs.StringVar(&o.src, "src", ".", "qrgate module `DIR` to build from when -bin is not given")
	fs.StringVar(&o.scanArgs, "scan-args", "", "extra `ARGS` for qrgate scan, space-separated (e.g. \"-j 1\")")
	fs.BoolVar(&o.asJSON, "json", false, "print the reports as JSON")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 1 {
		return o, errors.New("at most one CORPUS_DIR")
	}
	if fs.NArg() == 1 {
		o.corpus = fs.Arg(0)
	}
	if o.corpus == "" && o.images == "" && o.texts == "" {
		fs.Usage()
		return o, errors.New("give a CORPUS_DIR, -images or -texts")
	}
	if len(o.results) > 0 && o.bin != "" {
		return o, errors.New("-results and -bin exclude each other")
	}
	return o, nil
}

// inputs resolves which image manifest and text cases to score; a default
// path that does not exist is skipped, an explicit one is an error later.
func (o options) inputs() (images, texts string) {
	images, texts = o.images, o.texts
	if o.corpus != "" && images == "" {
		if p := filepath.Join(o.corpus, "images"); exists(filepath.Join(p, "manifest.jsonl")) {
			images = p
		}
	}
	if o.corpus != "" && texts == "" {
		if p := filepath.Join(o.corpus, "text", "cases.jsonl"); exists(p) {
			texts = p
		}
	}
	return images, texts
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// report is what -json prints.
type report struct {
	Images *scoring.ImageSummary `json:"images,omitempty"`
	Texts  *scoring.TextSummary  `json:"texts,omitempty"`
}

func run(o options, stdout, stderr io.Writer) error {
	imagesPath, textsPath := o.inputs()
	if imagesPath == "" && textsPath == "" {
		return errors.New("nothing to score: no images/manifest.jsonl or text/cases.jsonl found")
	}
	src, err := newSource(o, stderr)
	if err != nil {
		return err
	}
	defer src.close()
	var rep report
	if imagesPath != "" {
		if rep.Images, err = scoreImages(src, imagesPath); err != nil {
			return err
		}
	}
	if textsPath != "" {
		if rep.Texts, err = scoreTexts(src, textsPath); err != nil {
			return err
		}
	}
	return write(stdout, rep, o.asJSON)
}

func write(w io.Writer, rep report, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	if rep.Images != nil {
		scoring.WriteImages(w, *rep.Images)
		fmt.Fprintln(w)
	}
	if rep.Texts != nil {
		scoring.WriteTexts(w, *rep.Texts)
	}
	return nil
}

func scoreImages(src *source, path string) (*scoring.ImageSummary, error) {
	cases, err := scoring.LoadImages(path)
	if err != nil {
		return nil, err
	}
	files := make([]string, len(cases))
	for i, c := range cases {
		files[i] = c.Path
	}
	recs, usage, err := src.images(files)
	if err != nil {
		return nil, err
	}
	s := scoring.Summarize(scoring.ScoreImages(cases, recs), usage)
	return &s, nil
}

func scoreTexts(src *source, path string) (*scoring.TextSummary, error) {
	cases, err := scoring.LoadTexts(path)
	if err != nil {
		return nil, err
	}
	recs, usage, err := src.texts(path)
	if err != nil {
		return nil, err
	}
	return &scoring.TextSummary{TextReport: scoring.ScoreTexts(cases, recs), Usage: usage}, nil
}
