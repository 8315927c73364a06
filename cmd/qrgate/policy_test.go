package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qrgate/qrgate/policy"
)

// TestPolicyCheck: a valid file is ok with its version; an invalid one is a
// fatal error naming the problem; `policy default` prints a policy that
// parses to the built-in one; anything else is a usage error.
func TestPolicyCheck(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	if err := os.WriteFile(good, policy.DefaultYAML(), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("version: \"1\"\nno_such_key: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"policy", "check", good}, &stdout, &stderr); code != exitOK ||
		stdout.String() != good+": ok (version "+policy.Default().Version()+")\n" {
		t.Errorf("good file: exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
	stdout.Reset()
	stderr.Reset()
	if code := run([]string{"policy", "check", bad}, &stdout, &stderr); code != exitFatal || !strings.Contains(stderr.String(), "no_such_key") || stdout.Len() != 0 {
		t.Errorf("bad file: exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
	stdout.Reset()
	if code := run([]string{"policy", "default"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("default: exit %d", code)
	}
	p, err := policy.Parse(stdout.Bytes())
	if err != nil || p.Version() != policy.Default().Version() {
		t.Errorf("policy default prints a policy that parses to %v, %v", p, err)
	}
	for _, args := range [][]string{{"policy"}, {"policy", "check"}, {"policy", "lint", good}, {"policy", "--x"}} {
		if code := run(args, &stdout, &stderr); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, exitUsage)
		}
	}
	if code := run([]string{"policy", "default"}, failWriter{}, &stderr); code != exitFatal {
		t.Errorf("unwritable default: exit %d", code)
	}
}

// TestRunCommands: the top level dispatches and refuses what it does not know.
func TestRunCommands(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"version"}, &stdout, &stderr); code != exitOK || !strings.HasPrefix(stdout.String(), "qrgate ") {
		t.Errorf("version: exit %d, %q", code, stdout.String())
	}
	if code := run([]string{"help"}, &stdout, &stderr); code != exitOK || !strings.Contains(stdout.String(), "qrgate scan") {
		t.Errorf("help: exit %d", code)
	}
	if code := run(nil, &stdout, &stderr); code != exitUsage {
		t.Errorf("no command: exit %d", code)
	}
	stderr.Reset()
	if code := run([]string{"frobnicate"}, &stdout, &stderr); code != exitUsage || !strings.Contains(stderr.String(), "frobnicate") {
		t.Errorf("unknown command: exit %d, %q", code, stderr.String())
	}
}

// TestHelpEverywhere: help for a command is that command's help, on
// stdout, exit 0 — also "policy check --help", which the flag package
// would take for a FILE; a misspelt subcommand is named.
func TestHelpEverywhere(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"help", "scan"}, "Usage: qrgate scan"},
		{[]string{"help", "serve"}, "Usage: qrgate serve"},
		{[]string{"help", "policy"}, "qrgate policy default"},
		{[]string{"policy", "check", "--help"}, "Usage: qrgate policy check FILE"},
		{[]string{"policy", "--help"}, "Usage: qrgate policy check FILE"},
		{[]string{"help"}, "qrgate policy default"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(tc.args, &stdout, &stderr)
		if code != exitOK || !strings.Contains(stdout.String()+stderr.String(), tc.want) || strings.Contains(stderr.String(), "no such file") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 0 and %q", tc.args, code, stdout.String(), stderr.String(), tc.want)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"policy", "chek", "x"}, &stdout, &stderr); code != exitUsage || !strings.Contains(stderr.String(), `unknown subcommand "chek"`) {
		t.Errorf("policy chek: exit %d, stderr %q", code, stderr.String())
	}
	stderr.Reset()
	if code := run([]string{"help", "chek"}, &stdout, &stderr); code != exitUsage || !strings.Contains(stderr.String(), `"chek"`) {
		t.Errorf("help chek: exit %d, stderr %q", code, stderr.String())
	}
}
