package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// servedGateway is the real command serving on loopback for one test.
type servedGateway struct {
	pub, admin string
	hup        chan os.Signal
	logs       *syncBuffer
}

// startServe runs serve with args (plus loopback listeners and a data
// dir) until the test ends.
func startServe(t *testing.T, args ...string) *servedGateway {
	t.Helper()
	args = append([]string{"--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0",
		"--data-dir", filepath.Join(t.TempDir(), "data"), "--policy-watch-interval", "0"}, args...)
	f, err := parseServeFlags(args, io.Discard, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	sg := &servedGateway{hup: make(chan os.Signal, 1), logs: &syncBuffer{}}
	addrs := make(chan [2]net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, f, sg.logs, sg.hup, func(p, a net.Addr) { addrs <- [2]net.Addr{p, a} }) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	select {
	case a := <-addrs:
		sg.pub, sg.admin = "http://"+a[0].String(), "http://"+a[1].String()
	case err := <-done:
		t.Fatalf("serve: %v\n%s", err, sg.logs)
	case <-time.After(10 * time.Second):
		t.Fatal("not started after 10s")
	}
	return sg
}

// send makes one request with a bearer token and returns the status.
func send(t *testing.T, method, url, token, body string) int {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body) //nolint:errcheck
	resp.Body.Close()
	return resp.StatusCode
}

// TestListenersThrottledApart: a client refused on the public listener
// for wrong API keys does not refuse the moderators behind its address on
// the admin listener. 20 wrong keys put the address in a refusal of
// minutes (the 15th doubling past the free five), so the wall clock
// cannot end it during the test.
func TestListenersThrottledApart(t *testing.T) {
	dir := t.TempDir()
	keys, mods := filepath.Join(dir, "keys"), filepath.Join(dir, "moderators")
	const modToken = "alice-token-0123456789abcdef"
	if err := os.WriteFile(keys, []byte("key-0123456789abcdef\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mods, []byte("alice "+modToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sg := startServe(t, "--api-keys-file", keys, "--moderators-file", mods)
	for i := range 20 {
		send(t, "POST", sg.pub+"/v1/scan", fmt.Sprintf("guess-%02d", i), `{"listing_id":"L","texts":["hi"]}`)
	}
	if code := send(t, "POST", sg.pub+"/v1/scan", "key-0123456789abcdef", `{"listing_id":"L","texts":["hi"]}`); code != http.StatusTooManyRequests {
		t.Fatalf("public listener after 20 wrong keys: %d, want 429", code)
	}
	if code := send(t, "GET", sg.admin+"/v1/reviews", modToken, ""); code != 200 {
		t.Errorf("a moderator token on the admin listener from the same address: %d, want 200", code)
	}
}
