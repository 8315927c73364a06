package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qrgate/qrgate/review"
)

// serveOnce starts qrgate serve with args on loopback ports, waits until
// it serves, stops it and returns its JSON log lines.
func serveOnce(t *testing.T, args ...string) []map[string]any {
	t.Helper()
	args = append([]string{"--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--policy-watch-interval", "0"}, args...)
	f, err := parseServeFlags(args, io.Discard, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &syncBuffer{}
	started, done := make(chan struct{}), make(chan error, 1)
	go func() { done <- serve(ctx, f, logs, make(chan os.Signal), func(net.Addr, net.Addr) { close(started) }) }()
	select {
	case <-started:
	case err := <-done:
		t.Fatalf("serve: %v\n%s", err, logs)
	case <-time.After(time.Minute): // a hang, not a speed check
		t.Fatal("not serving after a minute")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		lines = append(lines, m)
	}
	return lines
}

// logLine is the first line whose message starts with msg, or nil.
func logLine(lines []map[string]any, msg string) map[string]any {
	for _, l := range lines {
		if s, _ := l["msg"].(string); strings.HasPrefix(s, msg) {
			return l
		}
	}
	return nil
}

// TestStumble14DataDirSaidAtEveryStart (issue 25, stumble 14: started from
// another directory, serve silently made a new qrgate-data with a new
// token and an empty queue): every start logs the data directory and the
// token file as absolute paths, and a relative data dir created by this
// start is a WARN naming the working directory.
func TestStumble14DataDirSaidAtEveryStart(t *testing.T) {
	root := t.TempDir()
	first, other := filepath.Join(root, "first"), filepath.Join(root, "other")
	for _, d := range []string{first, other} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	const fresh = "created a new, empty data directory"
	check := func(dir string, wantWarn bool) {
		t.Helper()
		t.Chdir(dir)
		lines := serveOnce(t)
		data := logLine(lines, "qrgate data")
		wantDir := filepath.Join(dir, "qrgate-data")
		if data == nil || data["data_dir"] != wantDir || data["moderator_token_file"] != filepath.Join(wantDir, review.TokenFileName) {
			t.Errorf("started in %s: data line %v, want data_dir %s and its token file", dir, data, wantDir)
		}
		warn := logLine(lines, fresh)
		if (warn != nil) != wantWarn {
			t.Errorf("started in %s: warning %v, want one: %v", dir, warn, wantWarn)
		}
		if warn != nil && (warn["level"] != "WARN" || warn["working_dir"] != dir || warn["data_dir_abs"] != wantDir) {
			t.Errorf("started in %s: warning %v", dir, warn)
		}
	}
	check(first, true)  // the first start makes ./qrgate-data
	check(first, false) // the same directory again: the same data, no warning
	check(other, true)  // another directory: a new data dir, said loudly
	check(first, false)
	if _, err := os.Stat(filepath.Join(first, "qrgate-data", review.TokenFileName)); err != nil {
		t.Error(err)
	}
	// An absolute --data-dir made by this start is no surprise: no warning,
	// the data line all the same.
	lines := serveOnce(t, "--data-dir", filepath.Join(root, "abs-data"))
	if logLine(lines, fresh) != nil || logLine(lines, "qrgate data") == nil {
		t.Errorf("absolute data dir: %v", lines)
	}
}
