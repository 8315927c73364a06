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
  qrgate policy check FILE       validate a policy file
  qrgate policy default          print the built-in policy
  qrgate serve [flags]
  qrgate version
  qrgate help [COMMAND]

Run "qrgate help COMMAND" or "qrgate COMMAND --help" for a command's flags.
`

// Exit statuses, part of the command-line contract with the tools that run
// qrgate: 0 success, 1 a fatal error, 2 a usage error.
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
	case "help":
		return runHelp(args[1:], stdout, stderr)
	case "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "qrgate: unknown command %q\n\n%s", args[0], usage)
	return exitUsage
}

var version = "dev"

// runHelp prints a command's help ("qrgate help scan" is "qrgate scan
// --help"), or the top-level usage.
func runHelp(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	switch args[0] {
	case "scan", "policy", "serve":
		// Each command prints its own flags on --help, to stderr as the
		// flag package does; help asked for goes to stdout.
		run([]string{args[0], "--help"}, stdout, stdout)
		return exitOK
	case "version", "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "qrgate help: unknown command %q\n\n%s", args[0], usage)
	return exitUsage
}
