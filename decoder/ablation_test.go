package decoder

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestAblation measures what each strategy is worth on a labelled corpus:
// the scan with everything, then with one strategy turned off at a time,
// giving coded images read, false positives on clean photos and CPU per
// image (this process's user+system time, one image at a time).
//
//	QRGATE_ABLATION=../../shared/corpus go test -run TestAblation -v ./decoder/
//
// The table it prints is in docs/decoder.md.
func TestAblation(t *testing.T) {
	root := os.Getenv("QRGATE_ABLATION")
	if root == "" {
		t.Skip("set QRGATE_ABLATION to a corpus directory (with images/manifest.jsonl)")
	}
	type entry struct {
		data  []byte
		codes []string
	}
	var entries []entry
	f, err := os.Open(filepath.Join(root, "images", "manifest.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m struct {
			File  string `json:"file"`
			Codes []struct {
				Payload string `json:"payload"`
			} `json:"codes"`
		}
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(root, m.File)
		if _, err := os.Stat(path); err != nil {
			path = filepath.Join(root, "images", m.File)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		e := entry{data: data}
		for _, c := range m.Codes {
			e.codes = append(e.codes, c.Payload)
		}
		entries = append(entries, e)
	}
	runs := []struct {
		name string
		skip Strategy
	}{{"all strategies", 0}}
	for _, st := range AllStrategies() {
		runs = append(runs, struct {
			name string
			skip Strategy
		}{"without " + st.String(), st})
	}
	var out strings.Builder
	out.WriteString("| scan | coded read | false positives | CPU ms/image |\n|---|---|---|---|\n")
	for _, r := range runs {
		d := New(Config{Skip: r.skip})
		read, coded, fp, clean := 0, 0, 0, 0
		start := cpuTime()
		for _, e := range entries {
			res, err := d.Decode(context.Background(), e.data)
			var got []string
			if err == nil {
				for _, c := range res.Codes {
					got = append(got, c.Text)
				}
			}
			if len(e.codes) == 0 {
				clean++
				if len(got) > 0 {
					fp++
				}
				continue
			}
			coded++
			ok := true
			for _, want := range e.codes {
				ok = ok && slices.Contains(got, want)
			}
			if ok {
				read++
			}
		}
		cpu := cpuTime() - start
		fmt.Fprintf(&out, "| %s | %d/%d | %d/%d | %.1f |\n", r.name, read, coded, fp, clean, float64(cpu.Microseconds())/1000/float64(len(entries)))
	}
	t.Log("\n" + out.String())
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
