package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/qrgate/qrgate/internal/testfixtures"
)

// runDecoy sends issue 22's decoy GIF (an allowed platform link in frame 0,
// a WeChat link in frame 49, noise between) to a server at each budget,
// -rounds times with the cache off (every round a real scan) and once more
// with it on, while -burners CPU-bound processes (`yes`) share the cores:
// the verdict must be warn or block every time, and the same every time.
func runDecoy(c common, args []string) error {
	fs := flag.NewFlagSet("decoy", flag.ContinueOnError)
	rounds := fs.Int("rounds", 4, "scans of the decoy per budget, cache off")
	burners := fs.Int("burners", 2, "CPU-bound processes (yes >/dev/null) running beside the server")
	budgets := fs.String("budgets", "default,40", "comma-separated --image-budget values (default: the server's default)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *rounds < 1 || *rounds > 20 || *burners < 0 || *burners > 8 {
		return errors.New("-rounds must be 1–20 and -burners 0–8")
	}
	data := testfixtures.DecoyGIF()
	fmt.Fprintf(c.out, "decoy GIF: %d bytes, %d frames of %d², frame 0 %s, frame %d %s; %d CPU-bound processes beside the server\n",
		len(data), testfixtures.DecoyFrames, testfixtures.DecoySide, testfixtures.DecoyAllowedPayload,
		testfixtures.DecoyFrames-1, testfixtures.DecoyBlockedPayload, *burners)
	stop, err := burn(*burners)
	if err != nil {
		return err
	}
	defer stop()
	bad := 0
	for _, b := range strings.Split(*budgets, ",") {
		n, err := decoyRounds(c, data, strings.TrimSpace(b), *rounds)
		if err != nil {
			return err
		}
		bad += n
	}
	if bad > 0 {
		return fmt.Errorf("%d answers were allow or failed", bad)
	}
	return nil
}

// burn starts n `yes` processes writing to the null device; stop kills
// and reaps them.
func burn(n int) (stop func(), err error) {
	var cmds []*exec.Cmd
	stop = func() {
		for _, cmd := range cmds {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}
	for range n {
		cmd := exec.Command("yes") // nil Stdout: the null device
		if err := cmd.Start(); err != nil {
			stop()
			return nil, fmt.Errorf("starting a CPU burner: %w", err)
		}
		cmds = append(cmds, cmd)
	}
	return stop, nil
}

// decoyRounds runs one server at budget and returns how many answers were
// allow or not 200.
func decoyRounds(c common, data []byte, budget string, rounds int) (int, error) {
	args := []string{"--data-dir", mustTemp("qrgate-decoy-")}
	label := "default flags"
	if budget != "default" {
		args = append(args, "--image-budget", budget)
		label = "--image-budget " + budget
	}
	bad := 0
	for _, cache := range []bool{false, true} {
		runArgs, n := args, rounds
		if !cache {
			runArgs = append(append([]string(nil), args...), "--cache-entries", "-1")
		} else {
			n = 2 // the first fills the cache, the second is the hit
		}
		srv, err := startServer(c.qrgate, runArgs...)
		if err != nil {
			return 0, err
		}
		client := newClient(1, 2*time.Minute)
		fmt.Fprintf(c.out, "\n== %s, cache %s\n", label, map[bool]string{false: "off", true: "on"}[cache])
		for i := range n {
			cpu0 := cpuSeconds(srv.pid())
			o := post(client, srv.pub+"/v1/scan?listing_id=decoy&seller_id=S", "image/gif", data)
			line, ok := describeDecoy(o)
			if !ok {
				bad++
			}
			fmt.Fprintf(c.out, "  %d: %s; %.0f ms, server CPU %.2f s\n", i+1, line, float64(o.latency.Microseconds())/1000, cpuSeconds(srv.pid())-cpu0)
		}
		srv.stop()
	}
	return bad, nil
}

// describeDecoy summarises one answer; ok is false for allow or a failure.
func describeDecoy(o outcome) (string, bool) {
	if o.status != 200 {
		return fmt.Sprintf("status %d %s %s", o.status, o.code, o.err), false
	}
	var r struct {
		Verdict  string
		Findings []struct{ Symbology, Payload, Action string }
		Images   []struct {
			Partial, Cached bool
			Error           *struct{ Code, Message string }
		}
	}
	if err := json.Unmarshal(o.body, &r); err != nil || len(r.Images) != 1 {
		return fmt.Sprintf("unreadable answer: %v", err), false
	}
	im := r.Images[0]
	errCode := "null"
	if im.Error != nil {
		// The message says what cut the scan: the work budget or the deadline.
		errCode = fmt.Sprintf("%s (%q)", im.Error.Code, im.Error.Message)
	}
	var fs []string
	for _, f := range r.Findings {
		fs = append(fs, fmt.Sprintf("%s %s→%s", f.Symbology, f.Payload, f.Action))
	}
	return fmt.Sprintf("verdict %s, partial %v, error %s, cached %v, findings [%s]", r.Verdict, im.Partial, errCode, im.Cached, strings.Join(fs, "; ")),
		r.Verdict == "warn" || r.Verdict == "block"
}
