package review

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/valyala/fasthttp"

	"github.com/qrgate/qrgate/internal/apierror"
	"github.com/qrgate/qrgate/internal/throttle"
)

// sessionOf returns the session cookie the browser holds.
func (b *browser) sessionOf() string {
	b.t.Helper()
	for _, c := range b.c.Jar.Cookies(mustURL(b.t, b.u)) {
		if c.Name == sessionCookie {
			return c.Value
		}
	}
	b.t.Fatal("no session cookie")
	return ""
}

// getWithCookie reads path with only the given session cookie.
func getWithCookie(t *testing.T, base, path, cookie string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie})
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestLogoutEndsSession: after logout, a copy of the session cookie (kept
// by an attacker, another tab) is refused: 401 on the API, the login page
// on the UI.
func TestLogoutEndsSession(t *testing.T) {
	ts := newTestServer(t)
	b := ts.browser(t)
	b.login(aliceToken)
	cookie := b.sessionOf()
	if code := getWithCookie(t, ts.url, "/v1/reviews", cookie); code != 200 {
		t.Fatalf("API read with a live session: %d", code)
	}
	_, page := b.get("/ui/")
	if resp, _ := b.post("/ui/logout", map[string]string{"csrf": csrfOf(t, page)}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	if code := getWithCookie(t, ts.url, "/v1/reviews", cookie); code != http.StatusUnauthorized {
		t.Errorf("API read with a logged-out cookie: %d, want 401", code)
	}
	if code := getWithCookie(t, ts.url, "/ui/", cookie); code != http.StatusSeeOther {
		t.Errorf("UI with a logged-out cookie: %d, want a redirect to the login", code)
	}
}

// openReplica opens a second Service on the same data dir and moderators
// file: two replicas sharing one store.
func openReplica(t *testing.T, ts *testServer, mods string) *testServer {
	t.Helper()
	svc, err := Open(context.Background(), withSQLite(t, Options{
		DataDir: filepath.Dir(ts.svc.st.(interface{ Path() string }).Path()), ModeratorsFile: mods,
		Registerer: prometheus.NewRegistry(), Logger: slog.New(slog.DiscardHandler),
	}))
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, svc, nil, &syncBuffer{})
}

// TestSessionsSharedByReplicas: a session made on one replica works on
// another, and a logout on either ends it on both.
func TestSessionsSharedByReplicas(t *testing.T) {
	ts := newTestServer(t)
	mods := filepath.Join(filepath.Dir(filepath.Dir(ts.svc.st.(interface{ Path() string }).Path())), "moderators")
	other := openReplica(t, ts, mods)
	b := ts.browser(t)
	b.login(aliceToken)
	cookie := b.sessionOf()
	if code := getWithCookie(t, other.url, "/v1/reviews", cookie); code != 200 {
		t.Fatalf("the other replica refused a live session: %d", code)
	}
	ob := other.browser(t)
	ob.c.Jar.SetCookies(mustURL(t, other.url), []*http.Cookie{{Name: sessionCookie, Value: cookie, Path: "/"}})
	_, page := ob.get("/ui/")
	if resp, _ := ob.post("/ui/logout", map[string]string{"csrf": csrfOf(t, page)}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout on the other replica: %d", resp.StatusCode)
	}
	if code := getWithCookie(t, ts.url, "/v1/reviews", cookie); code != http.StatusUnauthorized {
		t.Errorf("first replica after a logout on the other: %d, want 401", code)
	}
}

// TestTokenChangeEndsSessions: a replica whose moderators file has a new
// token for alice refuses the sessions made with the old one.
func TestTokenChangeEndsSessions(t *testing.T) {
	ts := newTestServer(t)
	b := ts.browser(t)
	b.login(aliceToken)
	cookie := b.sessionOf()
	dir := t.TempDir()
	mods := filepath.Join(dir, "moderators")
	if err := os.WriteFile(mods, []byte("alice new-token-0123456789abcdef\nbob "+bobToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	changed := openReplica(t, ts, mods)
	if code := getWithCookie(t, changed.url, "/v1/reviews", cookie); code != http.StatusUnauthorized {
		t.Errorf("session of a changed token: %d, want 401", code)
	}
	if code := getWithCookie(t, ts.url, "/v1/reviews", cookie); code != 200 {
		t.Errorf("the unchanged replica: %d", code)
	}
}

// TestCookieStateChangeNeedsCSRF: through Authenticate (what guards the
// gateway's /admin/ endpoints), a session cookie reads, but changes state
// only with the session's CSRF token; a bearer token needs none.
func TestCookieStateChangeNeedsCSRF(t *testing.T) {
	ts := newTestServer(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		who, err := ts.svc.Authenticate(ctx)
		if err != nil {
			apierror.Write(ctx, apierror.As(err), "test")
			return
		}
		ctx.SetBodyString(who)
	}}
	go srv.Serve(ln) //nolint:errcheck
	t.Cleanup(func() { srv.Shutdown() })
	admin := "http://" + ln.Addr().String()

	b := ts.browser(t)
	b.login(aliceToken)
	cookie := b.sessionOf()
	_, page := b.get("/ui/")
	csrf := csrfOf(t, page)
	send := func(method, header, value string) int {
		req, _ := http.NewRequest(method, admin+"/admin/policy/reload", nil)
		if header == "Authorization" {
			req.Header.Set(header, value)
		} else {
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie})
			if header != "" {
				req.Header.Set(header, value)
			}
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, c := range []struct {
		name, method, header, value string
		want                        int
	}{
		{"cookie only, POST", "POST", "", "", http.StatusForbidden},
		{"cookie, wrong CSRF", "POST", csrfHeader, csrf + "x", http.StatusForbidden},
		{"cookie and CSRF", "POST", csrfHeader, csrf, 200},
		{"cookie, GET", "GET", "", "", 200},
		{"bearer, POST", "POST", "Authorization", "Bearer " + aliceToken, 200},
		{"wrong bearer", "POST", "Authorization", "Bearer " + bobToken + "x", http.StatusUnauthorized},
	} {
		if got := send(c.method, c.header, c.value); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}

// TestWrongTokensThrottled: 1000 wrong tokens from one address get 401
// for the free few, then 429 with Retry-After without the token being
// checked, and log a bounded number of lines; the login form is throttled
// the same way; a right token from another address still works.
func TestWrongTokensThrottled(t *testing.T) {
	now := time.Unix(1e9, 0)
	lim := throttle.New(throttle.Config{Free: 5, Now: func() time.Time { return now }})
	ts := newTestServer(t, func(o *Options) { o.Throttle = lim })
	codes := map[int]int{}
	retry := ""
	for i := range 1000 {
		var e errBody
		resp := ts.do(t, "GET", "/v1/reviews", fmt.Sprintf("guess-%04d-0123456789", i), nil, &e)
		codes[resp.StatusCode]++
		if resp.StatusCode == http.StatusTooManyRequests {
			retry = resp.Header.Get("Retry-After")
			if e.Error.Code != apierror.CodeTooManyRequests {
				t.Fatalf("429 with code %q", e.Error.Code)
			}
		}
	}
	// 5 free failures, the 6th starts the refusal (1 s, and the clock
	// stands still), every later attempt is refused unchecked.
	if codes[401] != 6 || codes[429] != 994 || retry != "1" {
		t.Errorf("1000 wrong tokens: %v, Retry-After %q; want 6 × 401, 994 × 429 with Retry-After 1", codes, retry)
	}
	if n := testutil.ToFloat64(ts.svc.m.authThrottled); n != 994 {
		t.Errorf("throttled metric %v, want 994", n)
	}
	if n := testutil.ToFloat64(ts.svc.m.authFailures); n != 6 {
		t.Errorf("auth failures %v, want 6: a throttled token must not be checked", n)
	}
	if n := strings.Count(ts.logs.String(), "\n"); n > 2 {
		t.Errorf("%d log lines for 1000 wrong tokens, want at most 2:\n%s", n, ts.logs)
	}
	b := ts.browser(t)
	_, page := b.get("/ui/login")
	resp, body := b.post("/ui/login", map[string]string{"csrf": csrfOf(t, page), "token": aliceToken})
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "Too many") {
		t.Errorf("login from a throttled address: %d %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// The refusal ends; a right token then works, but does not clear the
	// address's count: the next wrong token is its seventh failure, which
	// is refused for 2 s at once (a cleared count would be a free one).
	now = now.Add(throttle.DefaultMax)
	if resp := ts.do(t, "GET", "/v1/reviews", aliceToken, nil, nil); resp.StatusCode != 200 {
		t.Errorf("right token after the refusal ended: %d", resp.StatusCode)
	}
	ts.do(t, "GET", "/v1/reviews", "guess-again-0123456789", nil, nil)
	if lim.Wait(throttle.AddrKey(mustAddr(t, "127.0.0.1"))) != 2*time.Second {
		t.Error("a success cleared the address's count")
	}
}
