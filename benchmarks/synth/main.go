// Command synth generates labelled image sets for benchmarks/score: QR
// codes, Data Matrix and EAN-13 drawn into photographs from Debian
// packages under seeded geometry, optics and containers, with about half
// the images clean (hard negatives among them). See README.md.
//
//	go run ./benchmarks/synth -seed N -n COUNT -out DIR
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"
)

type options struct {
	seed    uint64
	n       int
	out     string
	workers int
}

func main() {
	o, err := parseFlags(os.Args[1:], os.Stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "synth:", err)
		os.Exit(2)
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "synth:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("synth", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Uint64Var(&o.seed, "seed", 0, "random `SEED` (required): the same seed gives the same files")
	fs.IntVar(&o.n, "n", 0, "number of images (required)")
	fs.StringVar(&o.out, "out", "", "output `DIR` (required; DIR/images must not exist or be empty)")
	fs.IntVar(&o.workers, "j", runtime.GOMAXPROCS(0), "images generated in parallel (the output does not depend on it)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case fs.NArg() > 0:
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case o.n <= 0:
		return o, errors.New("-n COUNT must be positive")
	case o.out == "":
		return o, errors.New("-out DIR is required")
	case o.workers <= 0:
		return o, errors.New("-j must be positive")
	}
	seedSet := false
	fs.Visit(func(f *flag.Flag) { seedSet = seedSet || f.Name == "seed" })
	if !seedSet {
		return o, errors.New("-seed N is required")
	}
	return o, nil
}

func run(o options) error {
	photos, err := openPhotos()
	if err != nil {
		return err
	}
	if err := checkTools(); err != nil {
		return err
	}
	dir := filepath.Join(o.out, "images")
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s is not empty: give a new -out DIR", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "synth-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	lines := make([]manifestLine, o.n)
	errs := make([]error, o.n)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(o.workers, o.n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				lines[i], errs[i] = generateOne(o.seed, i, photos, tmp, dir, o.n)
			}
		}()
	}
	for i := 0; i < o.n; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return writeManifest(filepath.Join(dir, "manifest.jsonl"), lines)
}

// generateOne makes image i from its own stream, seeded by (seed, i):
// its content does not depend on the worker, the order, or its name.
func generateOne(seed uint64, i int, photos *photoSet, tmp, dir string, n int) (manifestLine, error) {
	s := &scene{rng: rand.New(rand.NewPCG(seed, uint64(i)+1)), photos: photos, tmp: tmp}
	data, ext, line, err := s.generate()
	if err != nil {
		return line, fmt.Errorf("image %d: %w", i+1, err)
	}
	name := fmt.Sprintf("%0*d.%s", max(4, len(fmt.Sprint(n))), i+1, ext)
	line.File = "images/" + name
	return line, os.WriteFile(filepath.Join(dir, name), data, 0o644)
}

func writeManifest(path string, lines []manifestLine) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep "&" in URLs readable
	for _, l := range lines {
		if err := enc.Encode(l); err != nil {
			return err
		}
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
