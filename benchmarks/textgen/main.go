// Command textgen writes adversarial listing texts labelled by how they were
// built, in the layout of a text corpus (DIR/text/cases.jsonl), for
// benchmarks/score:
//
//	go run ./benchmarks/textgen -seed N -n COUNT -out DIR
//	go run ./benchmarks/score -texts DIR/text/cases.jsonl
//
// Each listing composes independent families at random: keyword form
// (homophones, abbreviations, emoji, a bare V), its position before or
// after the identifier, filler words, separators, the Unicode style of
// letters and digits, the identifier wrapped or split, link disguises,
// phone forms, and hard negatives. Labels come from the construction, never
// from a scanner; a composition that could be read another way is drawn
// again. The same seed gives the same file.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "textgen:", err)
		var u usageError
		if errors.As(err, &u) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

type usageError struct{ error }

func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("textgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seed := fs.Int64("seed", 1, "random `SEED`; the same seed writes the same cases")
	n := fs.Int("n", 2000, "number of listings to write")
	out := fs.String("out", "", "output `DIR`; cases go to DIR/text/cases.jsonl")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	switch {
	case *out == "":
		return usageError{errors.New("-out DIR is required")}
	case *n < 1:
		return usageError{errors.New("-n must be at least 1")}
	case fs.NArg() > 0:
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	dir := filepath.Join(*out, "text")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	path := filepath.Join(dir, "cases.jsonl")
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := write(f, *seed, *n); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "textgen: wrote %d cases (seed %d) to %s\n", *n, *seed, path)
	return nil
}

// write encodes n cases of seed as JSON lines.
func write(w io.Writer, seed int64, n int) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i := 0; i < n; i++ {
		c, err := generate(seed, i)
		if err != nil {
			return err
		}
		if err := enc.Encode(c.toCase(fmt.Sprintf("g%05d", i+1))); err != nil {
			return err
		}
	}
	return bw.Flush()
}
