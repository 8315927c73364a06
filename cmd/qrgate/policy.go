package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/qrgate/qrgate/policy"
)

func runPolicy(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("qrgate policy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: qrgate policy check FILE\n       qrgate policy default   (print the built-in policy)\n")
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	switch {
	case fs.NArg() == 2 && fs.Arg(0) == "check":
		p, err := policy.Load(fs.Arg(1))
		if err != nil {
			fmt.Fprintln(stderr, err)
			return exitFatal
		}
		fmt.Fprintf(stdout, "%s: ok (version %s)\n", fs.Arg(1), p.Version())
		return exitOK
	case fs.NArg() == 1 && fs.Arg(0) == "default":
		_, err := stdout.Write(policy.DefaultYAML())
		if err != nil {
			return exitFatal
		}
		return exitOK
	}
	fs.Usage()
	return exitUsage
}
