package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qrgate/qrgate/policy"
	"github.com/qrgate/qrgate/review"
)

func TestServeFlagsFromEnv(t *testing.T) {
	env := map[string]string{
		"QRGATE_ADMIN_LISTEN":    "127.0.0.1:7777",
		"QRGATE_WORKERS":         "3",
		"QRGATE_QUEUE_TIMEOUT":   "250ms",
		"QRGATE_STORE_FAIL_OPEN": "true",
		"QRGATE_MAX_IMAGE_WORK":  "123",
		"QRGATE_LISTEN":          "127.0.0.1:1", // the command line wins
	}
	f, err := parseServeFlags([]string{"--listen", "127.0.0.1:2"}, io.Discard, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if f.adminListen != "127.0.0.1:7777" || f.gw.Workers != 3 || f.gw.QueueTimeout != 250*time.Millisecond ||
		!f.gw.StoreFailOpen || f.maxImageWork != 123 || f.listen != "127.0.0.1:2" {
		t.Errorf("flags: %+v", f)
	}
	if _, err := parseServeFlags(nil, io.Discard, func(k string) string {
		return map[string]string{"QRGATE_WORKERS": "many"}[k]
	}); err == nil {
		t.Error("a bad environment value was accepted")
	}
	if _, err := parseServeFlags([]string{"extra"}, io.Discard, os.Getenv); err == nil {
		t.Error("a stray argument was accepted")
	}
}

func TestServeUsageErrors(t *testing.T) {
	var stderr bytes.Buffer
	if code := runServe([]string{"--no-such-flag"}, io.Discard, &stderr); code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	if code := runServe([]string{"--policy", filepath.Join(t.TempDir(), "missing.yaml"), "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"}, io.Discard, &stderr); code != exitFatal {
		t.Errorf("missing policy file: exit %d, want %d", code, exitFatal)
	}
}

// syncBuffer is a log sink shared by the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeRunsAndStops starts the real command on loopback, checks it is
// up fast, scans, reloads on SIGHUP, and stops cleanly when told to.
func TestServeRunsAndStops(t *testing.T) {
	dir := t.TempDir()
	polFile := filepath.Join(dir, "policy.yaml")
	writePolicy := func(version string) {
		s := strings.Replace(string(policy.DefaultYAML()), `version: "2026-11-24.1"`, `version: "`+version+`"`, 1)
		if err := os.WriteFile(polFile, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writePolicy("t1")
	f, err := parseServeFlags([]string{
		"--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--data-dir", filepath.Join(dir, "data"),
		"--policy", polFile, "--policy-watch-interval", "0",
	}, io.Discard, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hup := make(chan os.Signal, 1)
	addrs := make(chan [2]net.Addr, 1)
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, f, logs, hup, func(p, a net.Addr) { addrs <- [2]net.Addr{p, a} })
	}()
	var pub, admin string
	select {
	case a := <-addrs:
		pub, admin = "http://"+a[0].String(), "http://"+a[1].String()
	case err := <-done:
		t.Fatalf("serve: %v\n%s", err, logs)
	case <-time.After(time.Minute): // a hang, not a speed check: start-up time is measured, not asserted
		t.Fatal("not started after a minute")
	}
	get := func(url string) (int, string) {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, u := range []string{pub + "/healthz", admin + "/readyz"} {
		if code, body := get(u); code != 200 {
			t.Errorf("%s: %d %s", u, code, body)
		}
	}
	if code, body := get(admin + "/metrics"); code != 200 || !strings.Contains(body, "go_goroutines") ||
		!strings.Contains(body, "process_resident_memory_bytes") || !strings.Contains(body, `qrgate_policy_info{version="t1"} 1`) {
		t.Errorf("/metrics: %d, lacks Go/process collectors or policy info", code)
	}
	resp, err := http.Post(pub+"/v1/scan", "application/json", strings.NewReader(`{"listing_id":"L","texts":["hello"]}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("scan: %d", resp.StatusCode)
	}

	// The admin reload endpoint takes the review service's moderator token
	// (generated in the data dir when there is no moderators file).
	tokLine, err := os.ReadFile(filepath.Join(dir, "data", review.TokenFileName))
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(string(tokLine)) // the file holds the token alone (docs/moderation.md)
	writePolicy("t1b")
	for _, tc := range []struct {
		auth string
		want int
	}{{"", 401}, {"Bearer wrong-token-0123456789", 401}, {"Bearer " + token, 200}} {
		req, _ := http.NewRequest("POST", admin+"/admin/policy/reload", nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("reload with %q: %d, want %d", tc.auth, resp.StatusCode, tc.want)
		}
	}
	if _, body := get(admin + "/readyz"); !strings.Contains(body, `"t1b"`) {
		t.Errorf("admin reload did not take effect: %s", body)
	}
	// A moderator's browser session alone (no CSRF token) cannot reload:
	// a cross-site form would ride on the cookie.
	if code := reloadWithSessionOnly(t, admin, token); code != http.StatusForbidden {
		t.Errorf("reload with only the session cookie: %d, want 403", code)
	}

	// A flagged listing (an unreadable image: warn, reviewed) is stored
	// before the answer.
	resp, err = http.Post(pub+"/v1/scan?listing_id=LW", "application/octet-stream", strings.NewReader("not an image"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"review_stored":true`) {
		t.Errorf("flagged scan: %d %s", resp.StatusCode, b)
	}

	writePolicy("t2")
	hup <- os.Interrupt // any value: the channel stands for SIGHUP
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, body := get(admin + "/readyz")
		if strings.Contains(body, `"t2"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("SIGHUP did not reload the policy: %s", body)
		}
		time.Sleep(10 * time.Millisecond)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after a clean shutdown", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !strings.Contains(logs.String(), `"msg":"qrgate serving"`) {
		t.Errorf("no JSON start log: %s", logs)
	}
	if !strings.Contains(logs.String(), `"level":"WARN","msg":"THE PUBLIC API IS OPEN`) {
		t.Errorf("no API keys, and no WARN line saying the public API is open: %s", logs)
	}
}

// reloadWithSessionOnly logs in through the web page and posts the policy
// reload with nothing but the session cookie.
func reloadWithSessionOnly(t *testing.T, admin, token string) int {
	t.Helper()
	session := loginSession(t, admin, token)
	req, err := http.NewRequest(http.MethodPost, admin+"/admin/policy/reload", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(session)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestServeWithAPIKeysIsNotOpen: with an API keys file the open-API
// warning is not logged (so the warning means what it says).
func TestServeWithAPIKeysIsNotOpen(t *testing.T) {
	dir := t.TempDir()
	keys := filepath.Join(dir, "keys")
	if err := os.WriteFile(keys, []byte("key-0123456789abcdef\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := parseServeFlags([]string{
		"--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--data-dir", filepath.Join(dir, "data"),
		"--api-keys-file", keys, "--policy-watch-interval", "0",
	}, io.Discard, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- serve(ctx, f, logs, nil, func(net.Addr, net.Addr) { cancel() }) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v\n%s", err, logs)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !strings.Contains(logs.String(), `"api_keys":true`) || strings.Contains(logs.String(), "PUBLIC API IS OPEN") {
		t.Errorf("with API keys: %s", logs)
	}
}

// TestSizeFlagsTakeUnits: every byte-size flag reads "32MiB" as it reads
// bytes, in serve and in scan, and refuses what is not a size.
func TestSizeFlagsTakeUnits(t *testing.T) {
	f, err := parseServeFlags([]string{"--max-body", "32MiB", "--max-body-in-flight", "1GiB", "--max-text-bytes", "65536"}, io.Discard,
		func(k string) string { return map[string]string{"QRGATE_MAX_TEXT_BYTES": "1KiB"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	if f.gw.MaxBody != 32<<20 || f.gw.MaxBodyBytesInFlight != 1<<30 || f.gw.MaxTextBytes != 65536 {
		t.Errorf("max-body %d, max-body-in-flight %d, max-text-bytes %d", f.gw.MaxBody, f.gw.MaxBodyBytesInFlight, f.gw.MaxTextBytes)
	}
	if _, err := parseServeFlags([]string{"--max-body", "32Mb"}, io.Discard, os.Getenv); err == nil {
		t.Error("--max-body 32Mb was accepted")
	}
	s, err := parseScanFlags([]string{"--max-bytes", "64MiB", "--text", "x"}, io.Discard)
	if err != nil || s.maxBytes != 64<<20 {
		t.Errorf("scan --max-bytes 64MiB: %v, %v", s, err)
	}
}
