package review

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/qrgate/qrgate/internal/throttle"
)

// frozenThrottle is a limiter on a clock that stands still (5 free
// failures per key), so counts are exact.
func frozenThrottle() *throttle.Limiter {
	now := time.Unix(1e9, 0)
	return throttle.New(throttle.Config{Free: 5, Now: func() time.Time { return now }})
}

// TestRightTokenKeepsAddressCount: a client holding one right token gets
// no extra guesses at the others. 500 wrong tokens with a right one after
// every fifth, from one address: the sixth wrong token starts the refusal
// and every later attempt from the address is 429, right or wrong (a
// success clears only the right token's own count).
func TestRightTokenKeepsAddressCount(t *testing.T) {
	ts := newTestServer(t, func(o *Options) { o.Throttle = frozenThrottle() })
	wrong, right := map[int]int{}, map[int]int{}
	for i := range 600 {
		token, codes := fmt.Sprintf("guess-%04d-0123456789", i), wrong
		if i%6 == 5 {
			token, codes = aliceToken, right
		}
		codes[ts.do(t, "GET", "/v1/reviews", token, nil, nil).StatusCode]++
	}
	if wrong[401] != 6 || wrong[429] != 494 || right[200] != 1 || right[429] != 99 {
		t.Errorf("500 wrong + 100 right tokens: wrong %v, right %v; want wrong 6 × 401 + 494 × 429, right 1 × 200 + 99 × 429", wrong, right)
	}
}

// loginCode posts the login form with token and returns the status.
func (b *browser) loginCode(token string) int {
	b.t.Helper()
	_, page := b.get("/ui/login")
	resp, _ := b.post("/ui/login", map[string]string{"csrf": csrfOf(b.t, page), "token": token})
	return resp.StatusCode
}

// logout ends the browser's session through the page.
func (b *browser) logout() {
	b.t.Helper()
	_, page := b.get("/ui/")
	if resp, _ := b.post("/ui/logout", map[string]string{"csrf": csrfOf(b.t, page)}); resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("logout: %d", resp.StatusCode)
	}
}

// TestModeratorsBehindNAT: strangers' wrong tokens refuse their address,
// but not the moderators behind it: a live session keeps working and can
// log in again, a browser trusted by an earlier login (its device cookie)
// logs in with the right token. A browser that proves nothing is refused
// like the guesser, a forged device cookie proves nothing, and wrong
// tokens sent through one moderator's devices count against that
// moderator, however many devices they log in from.
func TestModeratorsBehindNAT(t *testing.T) {
	ts := newTestServer(t, func(o *Options) { o.Throttle = frozenThrottle() })
	alice := ts.browser(t)
	alice.login(aliceToken)
	alice2 := ts.browser(t)
	alice2.login(aliceToken)
	bob1, bob2 := ts.browser(t), ts.browser(t)
	bob1.login(bobToken)
	bob2.login(bobToken)
	bob1.logout()
	bob2.logout()

	for i := range 1000 { // the stranger, from the same address
		ts.do(t, "GET", "/v1/reviews", fmt.Sprintf("guess-%04d-0123456789", i), nil, nil)
	}
	if resp := ts.do(t, "GET", "/v1/reviews", aliceToken, nil, nil); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("the address is not refused after 1000 wrong tokens: %d", resp.StatusCode)
	}
	if resp, _ := alice.get("/ui/"); resp.StatusCode != 200 {
		t.Errorf("a live session after strangers' guesses: %d, want 200", resp.StatusCode)
	}
	if code := alice.loginCode(aliceToken); code != http.StatusSeeOther {
		t.Errorf("login again with a live session: %d, want 303", code)
	}
	// A session made before device cookies existed (or a browser that
	// dropped its device cookie) is proof enough on its own.
	alice2.c.Jar.SetCookies(mustURL(t, ts.url), []*http.Cookie{{Name: deviceCookie, Value: "", Path: "/", MaxAge: -1}})
	if code := alice2.loginCode(aliceToken); code != http.StatusSeeOther {
		t.Errorf("login again with a live session and no device cookie: %d, want 303", code)
	}
	if code := bob1.loginCode(bobToken); code != http.StatusSeeOther {
		t.Errorf("login from a trusted device: %d, want 303", code)
	}
	if code := ts.browser(t).loginCode(bobToken); code != http.StatusTooManyRequests {
		t.Errorf("login from an unknown browser at the refused address: %d, want 429", code)
	}
	forged := ts.browser(t)
	forged.c.Jar.SetCookies(mustURL(t, ts.url), []*http.Cookie{{Name: deviceCookie, Value: "9999999999.AAAA.bob", Path: "/"}})
	if code := forged.loginCode(bobToken); code != http.StatusTooManyRequests {
		t.Errorf("login with a forged device cookie: %d, want 429", code)
	}

	// Wrong tokens through bob's two devices: 3 + 3 make the sixth
	// failure of one key, moderator:bob; then both devices are refused,
	// and alice's are not.
	bob1.logout()
	codes := map[int]int{}
	for i := range 6 {
		b := []*browser{bob1, bob2}[i%2]
		codes[b.loginCode(fmt.Sprintf("bob-guess-%d-0123456789", i))]++
	}
	if codes[401] != 6 {
		t.Errorf("6 wrong tokens through bob's devices: %v, want 6 × 401", codes)
	}
	for i, b := range []*browser{bob1, bob2} {
		if code := b.loginCode(bobToken); code != http.StatusTooManyRequests {
			t.Errorf("bob's device %d after 6 wrong tokens through his devices: %d, want 429", i+1, code)
		}
	}
	alice.logout()
	if code := alice.loginCode(aliceToken); code != http.StatusSeeOther {
		t.Errorf("alice's device after bob's devices were refused: %d, want 303", code)
	}
}
