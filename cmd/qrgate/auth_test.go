package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
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
	return startServeWith(t, nil, args...)
}

// startServeWith is startServe with edit applied to the parsed flags.
func startServeWith(t *testing.T, edit func(*serveFlags), args ...string) *servedGateway {
	t.Helper()
	args = append([]string{"--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0",
		"--data-dir", filepath.Join(t.TempDir(), "data"), "--policy-watch-interval", "0"}, args...)
	f, err := parseServeFlags(args, io.Discard, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(f)
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

// replaceFile writes path atomically, as kubelet and editors do.
func replaceFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path+".tmp", []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		t.Fatal(err)
	}
}

// loginSession logs in through the web page and returns the session cookie.
func loginSession(t *testing.T, admin, token string) *http.Cookie {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(admin + "/ui/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no login form: %s", page)
	}
	resp, err = c.PostForm(admin+"/ui/login", url.Values{"csrf": {string(m[1])}, "token": {token}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if ck.Name == "qrgate_session" {
			return ck
		}
	}
	t.Fatalf("login: %d, no session cookie", resp.StatusCode)
	return nil
}

// readWithCookie reads the review queue with only a session cookie.
func readWithCookie(t *testing.T, admin string, ck *http.Cookie) int {
	t.Helper()
	req, _ := http.NewRequest("GET", admin+"/v1/reviews", nil)
	req.AddCookie(ck)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// waitLog waits for the server to log a line containing s for the n-th
// time (the reload's own report of what it did).
func waitLog(t *testing.T, logs *syncBuffer, s string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(logs.String(), s) < n {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the log after 10 s:\n%s", s, logs)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestServeReloadsModeratorsOnSIGHUP: after SIGHUP a changed token's old
// value and its session are refused and the new tokens work; a file
// giving two moderators one token is refused and the set in force stays.
func TestServeReloadsModeratorsOnSIGHUP(t *testing.T) {
	mods := filepath.Join(t.TempDir(), "moderators")
	const oldTok, newTok, carolTok = "alice-token-0123456789abcdef", "alice-new-token-0123456789", "carol-token-0123456789abcdef"
	replaceFile(t, mods, "alice "+oldTok+"\n")
	sg := startServe(t, "--moderators-file", mods, "--moderators-watch-interval", "0")
	session := loginSession(t, sg.admin, oldTok)

	replaceFile(t, mods, "alice "+newTok+"\ncarol "+carolTok+"\n")
	sg.hup <- syscall.SIGHUP
	waitLog(t, sg.logs, `"msg":"moderators reloaded"`, 1)
	for tok, want := range map[string]int{oldTok: 401, newTok: 200, carolTok: 200} {
		if code := send(t, "GET", sg.admin+"/v1/reviews", tok, ""); code != want {
			t.Errorf("after SIGHUP, token %.12s…: %d, want %d", tok, code, want)
		}
	}
	if code := readWithCookie(t, sg.admin, session); code != 401 {
		t.Errorf("after SIGHUP, the old token's session: %d, want 401", code)
	}

	replaceFile(t, mods, "erin shared-token-0123456789\nfrank shared-token-0123456789\n")
	sg.hup <- syscall.SIGHUP
	waitLog(t, sg.logs, `"msg":"moderators file refused; keeping the moderators in force"`, 1)
	if !strings.Contains(sg.logs.String(), "frank has the same token as erin") {
		t.Errorf("the refusal does not say why:\n%s", sg.logs)
	}
	if code := send(t, "GET", sg.admin+"/v1/reviews", carolTok, ""); code != 200 {
		t.Errorf("after a refused reload, a token in force: %d, want 200", code)
	}
}

// TestServeWatchesModerators: a changed moderators file is put in force
// without a signal.
func TestServeWatchesModerators(t *testing.T) {
	mods := filepath.Join(t.TempDir(), "moderators")
	const oldTok, newTok = "alice-token-0123456789abcdef", "alice-new-token-0123456789"
	replaceFile(t, mods, "alice "+oldTok+"\n")
	sg := startServe(t, "--moderators-file", mods, "--moderators-watch-interval", "5ms")
	replaceFile(t, mods, "alice "+newTok+"\n")
	waitLog(t, sg.logs, `"msg":"moderators reloaded"`, 1)
	if code := send(t, "GET", sg.admin+"/v1/reviews", newTok, ""); code != 200 {
		t.Errorf("the new token after the file changed: %d, want 200", code)
	}
}
