// Command reliability runs qrgate's load and fault experiments against a
// real `qrgate serve` process on loopback and prints what happened:
//
//	go run ./benchmarks/reliability overload   [-images DIR] [-rate N] [-d 30s]
//	go run ./benchmarks/reliability slowloris  [-slow 1000] [-d 30s]
//	go run ./benchmarks/reliability kill9      [-rounds 3]
//	go run ./benchmarks/reliability storefault (root: loop-mounts a small ext4)
//	go run ./benchmarks/reliability decoy      [-rounds 4] [-burners 2] [-budgets default,40]
//
// Each experiment builds qrgate (or takes -qrgate PATH), starts it on
// 127.0.0.1 with ports the kernel picks, and is bounded in requests and
// time. docs/reliability.md has the figures and what they mean.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

const usage = `usage: reliability EXPERIMENT [flags]

experiments:
  overload    calibrate the scan throughput, then send 2x of it, then 0.5x
  slowloris   many connections dribbling headers or bodies beside normal traffic
  kill9       kill -9 the server under flagged traffic, restart, check the queue
  storefault  disk full and read-only data dir (loop-mounted ext4; needs root)
  decoy       issue 22's decoy GIF at two work budgets beside CPU-bound processes
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	exps := map[string]func(common, []string) error{
		"overload": runOverload, "slowloris": runSlowloris, "kill9": runKill9, "storefault": runStoreFault,
		"decoy": runDecoy,
	}
	f, ok := exps[os.Args[1]]
	if !ok {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	c, rest, err := parseCommon(os.Args[1], os.Args[2:])
	if err == nil {
		err = f(c, rest)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "reliability:", err)
		os.Exit(1)
	}
}

// common are the flags every experiment has.
type common struct {
	qrgate string // binary
	out    io.Writer
}

func parseCommon(name string, args []string) (common, []string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	bin := fs.String("qrgate", "", "qrgate binary (default: go build ./cmd/qrgate into a temporary dir)")
	// Experiment flags are parsed by the experiment: stop at the first one
	// we do not know by splitting on "--" is awkward, so only -qrgate is
	// recognised here and must come first.
	if len(args) >= 2 && (args[0] == "-qrgate" || args[0] == "--qrgate") {
		if err := fs.Parse(args[:2]); err != nil {
			return common{}, nil, err
		}
		args = args[2:]
	}
	c := common{qrgate: *bin, out: os.Stdout}
	if c.qrgate == "" {
		dir, err := os.MkdirTemp("", "qrgate-reliability-bin-")
		if err != nil {
			return c, nil, err
		}
		c.qrgate = filepath.Join(dir, "qrgate")
		start := time.Now()
		cmd := exec.Command("go", "build", "-o", c.qrgate, "./cmd/qrgate")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return c, nil, fmt.Errorf("go build ./cmd/qrgate (run from the repository root): %w", err)
		}
		fmt.Fprintf(os.Stderr, "built %s in %s\n", c.qrgate, time.Since(start).Round(time.Millisecond))
	}
	return c, args, nil
}
