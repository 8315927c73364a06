package review

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/qrgate/qrgate/review/store"
)

func TestPageLoginSessionCSRF(t *testing.T) {
	ts := newTestServer(t)
	ts.record(t, flagged(t, "s1", "L1", "S1", "weixin: aaa", "aaa", testPNG(t, 480, 360, 1)))
	b := ts.browser(t)

	resp, _ := b.get("/ui/")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "/ui/login") {
		t.Fatalf("/ui/ without a session: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, page := b.get("/ui/login")
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP = %q", csp)
	}
	if regexp.MustCompile(`<script>|<script [^>]*>[^<]|\son[a-z]+=|style=`).MatchString(page) {
		t.Errorf("login page has inline script, handler or style:\n%s", page)
	}
	// Login form CSRF: the nonce must come back with the form.
	if resp, _ := b.post("/ui/login", map[string]string{"csrf": "forged", "token": aliceToken}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("login with a forged csrf: %d", resp.StatusCode)
	}
	_, page = b.get("/ui/login")
	if resp, body := b.post("/ui/login", map[string]string{"csrf": csrfOf(t, page), "token": "not-a-token-at-all"}); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "not a moderator") {
		t.Errorf("login with a wrong token: %d", resp.StatusCode)
	}
	_, page = b.get("/ui/login")
	resp, _ = b.post("/ui/login", map[string]string{"csrf": csrfOf(t, page), "token": aliceToken})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode {
		t.Fatalf("session cookie: %+v", session)
	}
	if strings.Contains(session.Value, aliceToken) {
		t.Error("the session cookie carries the token itself")
	}

	resp, page = b.get("/ui/?status=pending")
	if resp.StatusCode != 200 || !strings.Contains(page, `id="moderator">alice<`) || !strings.Contains(page, "L1") {
		t.Fatalf("queue: %d\n%s", resp.StatusCode, page)
	}
	if !regexp.MustCompile(`id="count-pending"[^>]*>pending <b>1</b>`).MatchString(page) {
		t.Errorf("queue counts missing:\n%s", page)
	}
	csrf := csrfOf(t, page)

	id := "1"
	// A decision without the CSRF token is refused and changes nothing.
	if resp, _ := b.post("/ui/items/"+id+"/decision", map[string]string{"decision": "approve"}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("decision without csrf: %d", resp.StatusCode)
	}
	if resp, _ := b.post("/ui/items/"+id+"/decision", map[string]string{"decision": "approve", "csrf": csrf + "x"}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("decision with a wrong csrf: %d", resp.StatusCode)
	}
	if it, _ := ts.svc.st.Get(t.Context(), 1); it.Status != store.Pending {
		t.Fatalf("a refused form changed the item: %s", it.Status)
	}
	// The session cookie reads the API but cannot write through it.
	resp, _ = b.get("/v1/reviews")
	if resp.StatusCode != 200 {
		t.Errorf("API read with the session cookie: %d", resp.StatusCode)
	}
	resp, _ = b.post("/v1/reviews/1/decision", map[string]string{"decision": "approve"})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("API write with only the session cookie: %d", resp.StatusCode)
	}

	resp, _ = b.post("/ui/items/"+id+"/decision", map[string]string{"decision": "approve", "note": "ok", "csrf": csrf})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "/ui/?status=pending") {
		t.Fatalf("decision: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	it, _ := ts.svc.st.Get(t.Context(), 1)
	if it.Status != store.Approved || it.Decision.Moderator != "alice" || it.Decision.Note != "ok" {
		t.Errorf("after the form: %+v %+v", it, it.Decision)
	}
	// A second decision from the page is a 409 with the item shown.
	resp, page = b.post("/ui/items/"+id+"/decision", map[string]string{"decision": "reject", "csrf": csrf})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(page, "override") || !strings.Contains(page, `id="decided"`) {
		t.Errorf("second decision: %d", resp.StatusCode)
	}
	// The decision is spelt as a word ("approved", never "approved"d or "rejectd").
	if !strings.Contains(page, ">approved</span>") || strings.Contains(page, "approved</span>d") {
		t.Errorf("the decided item does not say approved")
	}
	// Logout ends the session.
	if resp, _ := b.post("/ui/logout", map[string]string{"csrf": csrf}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("logout: %d", resp.StatusCode)
	}
	if resp, _ := b.get("/ui/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after logout /ui/: %d", resp.StatusCode)
	}
	// Static assets are served by the binary, with their types.
	for path, ct := range map[string]string{"/ui/static/app.js": "text/javascript", "/ui/static/app.css": "text/css"} {
		resp, body := b.get(path)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), ct) || len(body) < 100 {
			t.Errorf("%s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
	if resp, _ := b.get("/ui/static/../ui.go"); resp.StatusCode != 404 {
		t.Errorf("static traversal: %d", resp.StatusCode)
	}
}

// hostile is a record whose every string is an attempt at markup.
func hostile(t testing.TB) *Record {
	r := flagged(t, "xss", `L"><script>alert(1)</script>`, `S<img src=x onerror=alert(2)>`, "<script>alert(1)</script>", "<script>alert(1)</script>", testPNG(t, 480, 360, 9))
	r.Texts[0] = `<b onmouseover="alert(3)">bold</b><iframe src="javascript:alert(4)"></iframe>`
	r.Findings[0].Rule = `rule"><svg onload=alert(5)>`
	r.Findings[0].Category = `cat"><script>alert(6)</script>`
	r.PolicyVersion = "</title><script>alert(7)</script>"
	return r
}

func TestPageEscapesHostileContent(t *testing.T) {
	ts := newTestServer(t)
	ts.record(t, hostile(t))
	b := ts.browser(t)
	b.login(aliceToken)
	for _, path := range []string{"/ui/items/1", "/ui/?status=pending", "/ui/payloads/" + "%3Cscript%3Ealert%281%29%3C%2Fscript%3E"} {
		resp, page := b.get(path)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		for _, bad := range []string{"<script>alert", "<img src=x", "<b onmouseover", "<iframe", "<svg onload"} {
			if strings.Contains(page, bad) {
				t.Errorf("%s renders %q unescaped", path, bad)
			}
		}
		if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s does not show the payload as text", path)
		}
		if n := strings.Count(page, "<script"); n != 1 {
			t.Errorf("%s has %d script tags, want only the app's", path, n)
		}
	}
}

func TestPageItemOverlayAndHighlights(t *testing.T) {
	ts := newTestServer(t)
	ts.record(t, flagged(t, "s1", "L1", "S1", "weixin: abc", "abc_123", testPNG(t, 480, 360, 1)))
	ts.record(t, flagged(t, "s2", "L2", "S1", "weixin: abc", "abc_123", testPNG(t, 480, 360, 2)))
	b := ts.browser(t)
	b.login(aliceToken)
	_, page := b.get("/ui/items/2")
	for _, want := range []string{
		`viewBox="0 0 480 360"`,
		`points="160,90 280,92 278,210 158,208"`,
		`<mark class="c-wechat" title="finding 2">Ｖ信：abc_123<sup>2</sup></mark>`,
		`2 listings · 1 sellers`,
		`href="/ui/payloads/abc_123"`,
		`href="/ui/items/1">#1 L1</a>`, // seller history
		`id="next" href="/ui/items/1"`, // next pending
	} {
		if !strings.Contains(page, want) {
			t.Errorf("item page lacks %s", want)
		}
	}
}
