package review

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/qrgate/qrgate/internal/throttle"
)

const (
	carolToken   = "carol-token-0123456789abcdef"
	daveToken    = "dave-token-0123456789abcdef"
	aliceToken2  = "alice-new-token-0123456789"
	sharedTokens = "erin shared-token-0123456789\nfrank shared-token-0123456789\n"
)

// writeModerators replaces the moderators file at path atomically (a
// watch must never read it half written).
func writeModerators(t *testing.T, path, content string) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// TestReloadModerators: a reload puts a new file in force at once — a
// changed token's and a removed moderator's sessions and devices end, an
// unchanged moderator's session stays, new tokens work, old ones are
// refused — and a file giving two moderators one token is refused with an
// error naming them, the moderators in force staying.
func TestReloadModerators(t *testing.T) {
	mf := filepath.Join(t.TempDir(), "moderators")
	writeModerators(t, mf, "alice "+aliceToken+"\nbob "+bobToken+"\ndave "+daveToken+"\n")
	ts := newTestServer(t, func(o *Options) {
		o.ModeratorsFile = mf
		o.Throttle = throttle.New(throttle.Config{Free: 1000}) // wrong tokens here are the test's, not guesses
	})
	sessions := map[string]string{}
	devices := map[string]*browser{}
	for name, tok := range map[string]string{"alice": aliceToken, "bob": bobToken, "dave": daveToken} {
		b := ts.browser(t)
		b.login(tok)
		sessions[name] = b.sessionOf()
		devices[name] = b
	}

	writeModerators(t, mf, "alice "+aliceToken2+"\ndave "+daveToken+"\ncarol "+carolToken+"\n")
	if err := ts.svc.ReloadModerators(); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		for name, want := range map[string]int{"alice": 401, "bob": 401, "dave": 200} {
			if code := getWithCookie(t, ts.url, "/v1/reviews", sessions[name]); code != want {
				t.Errorf("%s: %s's session: %d, want %d", when, name, code, want)
			}
		}
		for tok, want := range map[string]int{aliceToken: 401, bobToken: 401, aliceToken2: 200, carolToken: 200, daveToken: 200} {
			if code := ts.do(t, "GET", "/v1/reviews", tok, nil, nil).StatusCode; code != want {
				t.Errorf("%s: token %.8s…: %d, want %d", when, tok, code, want)
			}
		}
		if name := ts.svc.mods().deviceOwner(cookieOf(t, devices["alice"], deviceCookie), time.Now()); name != "" {
			t.Errorf("%s: alice's device cookie of her old token is still trusted", when)
		}
	}
	check("after the reload")
	if !strings.Contains(ts.logs.String(), `msg="moderators reloaded"`) || !strings.Contains(ts.logs.String(), "removed=[bob]") ||
		strings.Contains(ts.logs.String(), aliceToken2) {
		t.Errorf("reload log (names, never tokens):\n%s", ts.logs)
	}

	writeModerators(t, mf, sharedTokens)
	err := ts.svc.ReloadModerators()
	if err == nil || !strings.Contains(err.Error(), "frank has the same token as erin") {
		t.Errorf("a file with one token for two moderators: %v", err)
	}
	check("after a refused reload")
	if n := testutil.ToFloat64(ts.svc.m.modReloads.WithLabelValues("error")); n != 1 {
		t.Errorf("refused reloads counted: %v, want 1", n)
	}
}

// cookieOf is the value of the named cookie in b's jar.
func cookieOf(t *testing.T, b *browser, name string) string {
	t.Helper()
	for _, c := range b.c.Jar.Cookies(mustURL(t, b.u)) {
		if c.Name == name {
			return c.Value
		}
	}
	t.Fatalf("no %s cookie", name)
	return ""
}

// TestWatchModerators: a changed moderators file is put in force by the
// watch; a bad one is refused and the next good one put in force.
func TestWatchModerators(t *testing.T) {
	mf := filepath.Join(t.TempDir(), "moderators")
	writeModerators(t, mf, "alice "+aliceToken+"\n")
	ts := newTestServer(t, func(o *Options) { o.ModeratorsFile = mf })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go ts.svc.WatchModerators(ctx, 5*time.Millisecond)
	reloads := func(result string) float64 {
		return testutil.ToFloat64(ts.svc.m.modReloads.WithLabelValues(result))
	}
	writeModerators(t, mf, "carol "+carolToken+"\n")
	waitForCond(t, "the watch's reload", func() bool { return reloads("ok") == 1 })
	if code := ts.do(t, "GET", "/v1/reviews", carolToken, nil, nil).StatusCode; code != 200 {
		t.Errorf("the new token after the watch reloaded: %d", code)
	}
	writeModerators(t, mf, sharedTokens)
	waitForCond(t, "the refusal", func() bool { return reloads("error") == 1 })
	writeModerators(t, mf, "alice "+aliceToken+"\n")
	waitForCond(t, "the next good file", func() bool { return reloads("ok") == 2 })
	if code := ts.do(t, "GET", "/v1/reviews", aliceToken, nil, nil).StatusCode; code != http.StatusOK {
		t.Errorf("alice after the last reload: %d", code)
	}
}

// waitForCond waits for cond, an event another goroutine brings about,
// failing after a generous deadline.
func waitForCond(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not happen in 10 s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
