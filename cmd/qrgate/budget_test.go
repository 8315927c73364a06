package main

import (
	"bytes"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qrgate/qrgate/decoder"
	"github.com/qrgate/qrgate/decoder/symbology"
	"github.com/qrgate/qrgate/internal/testfixtures"
	"github.com/qrgate/qrgate/policy"
)

// TestImageBudgetFlag: --image-budget is work in megapixel-passes, in serve
// and scan (and QRGATE_IMAGE_BUDGET): a plain number sets it, nothing
// leaves the default, and the old duration syntax is refused with a message
// naming the new unit instead of silently meaning something else.
func TestImageBudgetFlag(t *testing.T) {
	parse := map[string]func(args []string, env map[string]string, stderr io.Writer) (decoder.Work, error){
		"serve": func(args []string, env map[string]string, stderr io.Writer) (decoder.Work, error) {
			f, err := parseServeFlags(args, stderr, func(k string) string { return env[k] })
			if err != nil {
				return 0, err
			}
			return f.imageBudget, nil
		},
		"scan": func(args []string, _ map[string]string, stderr io.Writer) (decoder.Work, error) {
			f, err := parseScanFlags(append(args, "."), stderr)
			if err != nil {
				return 0, err
			}
			return f.budget, nil
		},
	}
	for name, p := range parse {
		t.Run(name, func(t *testing.T) {
			if w, err := p(nil, nil, io.Discard); err != nil || w != decoder.DefaultBudget {
				t.Errorf("default: %v, %v; want %v", w, err, decoder.DefaultBudget)
			}
			for arg, want := range map[string]decoder.Work{"40": 40 * decoder.MPass, "12.5": 12_500_000, "40MPass": 40 * decoder.MPass} {
				if w, err := p([]string{"--image-budget", arg}, nil, io.Discard); err != nil || w != want {
					t.Errorf("--image-budget %s: %v, %v; want %v", arg, w, err, want)
				}
			}
			for _, bad := range []string{"2s", "300ms", "0", "-5", "lots"} {
				var stderr bytes.Buffer
				if w, err := p([]string{"--image-budget", bad}, nil, &stderr); err == nil {
					t.Errorf("--image-budget %s accepted as %v", bad, w)
				} else if !strings.Contains(stderr.String()+err.Error(), "megapixel-passes") {
					t.Errorf("--image-budget %s: %q does not name the unit", bad, stderr.String()+err.Error())
				}
			}
		})
	}
	if w, err := parse["serve"](nil, map[string]string{"QRGATE_IMAGE_BUDGET": "8"}, io.Discard); err != nil || w != 8*decoder.MPass {
		t.Errorf("QRGATE_IMAGE_BUDGET=8: %v, %v", w, err)
	}
	var stderr bytes.Buffer
	if _, err := parse["serve"](nil, map[string]string{"QRGATE_IMAGE_BUDGET": "2s"}, &stderr); err == nil || !strings.Contains(stderr.String()+err.Error(), "not time") {
		t.Errorf("QRGATE_IMAGE_BUDGET=2s: %v %q, want a refusal saying it is not a time", err, stderr.String())
	}
}

// TestScanDecoyGIF: `qrgate scan` at a tenth of the default budget prints
// the decoy GIF of issue 22 as the contract says a cut-short scan is
// printed — partial, error timeout, frame 0's code and one IMAGE_ERROR
// finding, verdict warn — with the work it was charged, within the budget.
func TestScanDecoyGIF(t *testing.T) {
	path := filepath.Join(t.TempDir(), "decoy.gif")
	writeFile(t, path, testfixtures.DecoyGIF())
	var stdout, stderr bytes.Buffer
	if code := run([]string{"scan", "--image-budget", "40", path}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var r struct {
		Verdict  policy.Action
		Partial  bool
		Work     float64 `json:"work_mpass"`
		Error    *struct{ Code string }
		Findings []policy.Finding
	}
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatalf("%v: %s", err, stdout.Bytes())
	}
	if r.Verdict != policy.Warn || !r.Partial || r.Error == nil || r.Error.Code != "timeout" || r.Work <= 0 || r.Work > 40 {
		t.Errorf("verdict %s, partial %v, error %+v, work %v MPass; want warn, partial, timeout, at most 40", r.Verdict, r.Partial, r.Error, r.Work)
	}
	if len(r.Findings) != 2 || r.Findings[0].Payload != testfixtures.DecoyAllowedPayload || r.Findings[1].Symbology != symbology.IMAGE_ERROR {
		t.Errorf("findings %+v, want frame 0's code then one IMAGE_ERROR", r.Findings)
	}
}
