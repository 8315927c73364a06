// Command qrgate scans listing images and texts for off-platform contact
// channels (scan), checks policy files (policy check) and runs the gateway (serve).
package main

import (
	"fmt"
	"io"
	"os"
)

const usage = `qrgate: find QR codes, links and contact handles in listings.

Usage:
  qrgate scan [--policy FILE] [--text TEXT]... [--texts FILE.jsonl] [PATH]...
  qrgate policy check FILE
  qrgate serve [flags]
  qrgate version

Run "qrgate COMMAND --help" for a command's flags.
`

// Exit statuses (../shared/CONTRACT.md).
const (
	exitOK    = 0
	exitFatal = 1
	exitUsage = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "scan":
		return runScan(args[1:], stdout, stderr)
	case "policy":
		return runPolicy(args[1:], stdout, stderr)
	case "serve":
		return runServe(args[1:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "qrgate", version)
		return exitOK
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "qrgate: unknown command %q\n\n%s", args[0], usage)
	return exitUsage
}

var version = "dev"
