package testenv

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestNeedFailsInCI runs a test that needs something missing, once outside
// CI (it must skip) and once under CI=true (it must fail).
func TestNeedFailsInCI(t *testing.T) {
	if os.Getenv("TESTENV_CHILD") == "1" {
		Need(t, false, "a thing", "install it")
		return
	}
	for _, ci := range []string{"", "true"} {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestNeedFailsInCI$", "-test.v")
		cmd.Env = append(os.Environ(), "TESTENV_CHILD=1", "CI="+ci)
		out, err := cmd.CombinedOutput()
		switch {
		case ci == "" && (err != nil || !strings.Contains(string(out), "SKIP") || !strings.Contains(string(out), "install it")):
			t.Errorf("outside CI: want a skip naming what to install, got err=%v\n%s", err, out)
		case ci == "true" && (err == nil || !strings.Contains(string(out), "FAIL")):
			t.Errorf("under CI=true: want a failure, got err=%v\n%s", err, out)
		}
	}
}
