package main

import (
	"errors"
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
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	for _, a := range fs.Args() { // "policy check --help": flags stop at the subcommand
		if a == "-h" || a == "-help" || a == "--help" {
			fs.Usage()
			return exitOK
		}
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
	switch {
	case fs.NArg() == 0:
		fmt.Fprintln(stderr, "qrgate policy: missing subcommand (check or default)")
	case fs.Arg(0) != "check" && fs.Arg(0) != "default":
		fmt.Fprintf(stderr, "qrgate policy: unknown subcommand %q (want check or default)\n", fs.Arg(0))
	case fs.Arg(0) == "check":
		fmt.Fprintln(stderr, "qrgate policy check: give exactly one FILE")
	default:
		fmt.Fprintln(stderr, "qrgate policy default: takes no arguments")
	}
	fs.Usage()
	return exitUsage
}
