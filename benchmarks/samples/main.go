// Command samples lays out zxing-cpp's test images (its repository's
// test/samples folders for QR codes, Data Matrix, EAN-13 and its false-
// positive photos) as a corpus that benchmarks/score and benchmarks/compare
// read: OUT/images/FOLDER/NAME plus OUT/images/manifest.jsonl. The images
// are third-party and never committed; this tool copies them from a local
// clone (or a bare git directory) each time they are needed.
//
//	go run ./benchmarks/samples -zxing-git DIR [-commit REV] -out OUT
//	go run ./benchmarks/samples -from CHECKOUT/test/samples -out OUT
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// defaultCommit is the zxing-cpp commit whose samples the figures in
// benchmarks/README.md were measured on (2026-08-20).
const defaultCommit = "77dceca0687d46914b13f007447f5b354b078dd8"

type options struct {
	gitDir string
	commit string
	from   string
	out    string
}

func main() {
	o, err := parseFlags(os.Args[1:], os.Stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "samples:", err)
		os.Exit(2)
	}
	if err := run(o, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "samples:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("samples", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: samples (-zxing-git DIR [-commit REV] | -from DIR) -out OUT\n\n"+
			"Lays out zxing-cpp's qrcode-N, datamatrix-N, ean13-N and falsepositives-N samples as OUT/images/manifest.jsonl.\n\nFlags:")
		fs.PrintDefaults()
	}
	fs.StringVar(&o.gitDir, "zxing-git", "", "zxing-cpp git `DIR` (a clone or a bare repository) to read test/samples from")
	fs.StringVar(&o.commit, "commit", defaultCommit, "zxing-cpp `REV` to take the samples of (with -zxing-git)")
	fs.StringVar(&o.from, "from", "", "an extracted test/samples `DIR` instead of -zxing-git")
	fs.StringVar(&o.out, "out", "", "output corpus `DIR` (created; must not hold a manifest already)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case fs.NArg() > 0:
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case o.out == "":
		return o, errors.New("-out is required")
	case (o.gitDir == "") == (o.from == ""):
		return o, errors.New("give exactly one of -zxing-git and -from")
	}
	return o, nil
}

func run(o options, log io.Writer) error {
	var src tree
	var origin string
	if o.gitDir != "" {
		g, err := openGitTree(o.gitDir, o.commit)
		if err != nil {
			return err
		}
		defer g.close()
		src, origin = g, fmt.Sprintf("zxing-cpp commit %s (%s), test/samples", g.commit, o.gitDir)
	} else {
		src, origin = dirTree(o.from), o.from
	}
	sum, err := layout(src, o.out)
	if err != nil {
		return err
	}
	if err := writeSource(o.out, origin, sum); err != nil {
		return err
	}
	sum.write(log, o.out)
	return nil
}
