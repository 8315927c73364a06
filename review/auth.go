package review

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/qrgate/qrgate/internal/apierror"
	"github.com/qrgate/qrgate/internal/throttle"
	"github.com/qrgate/qrgate/review/store"
)

// How requests to the admin listener are authenticated:
//
//   - Authorization: Bearer TOKEN, a moderator's token, on any method.
//     Wrong tokens are throttled by client address (or, for a browser
//     that proves a moderator with a session or a trusted-device cookie,
//     by that moderator) and by token: 429 with Retry-After once a key
//     has failed a few times (checkToken, device.go).
//   - The web page's session cookie. Sessions live in the review store, so
//     a logout (or a changed token) ends them on every replica. A cookie
//     rides along on cross-site requests, so it is enough only to read: a
//     state change with a cookie needs the session's CSRF token as well
//     (the page's forms carry it; other clients send X-CSRF-Token).

// Cookies of the web page. SameSite=Strict and HttpOnly on both.
const (
	sessionCookie = "qrgate_session"
	loginCookie   = "qrgate_login" // double-submit CSRF nonce of the login form
)

// sessionTTL is how long a UI login lasts.
const sessionTTL = 12 * time.Hour

// csrfHeader carries a session's CSRF token on requests that are not the
// page's own forms.
const csrfHeader = "X-CSRF-Token"

var (
	errNoToken = &apierror.Error{Status: http.StatusUnauthorized, Code: apierror.CodeUnauthorized,
		Message: "a moderator token is required (Authorization: Bearer TOKEN)"}
	errNoSession = &apierror.Error{Status: http.StatusUnauthorized, Code: apierror.CodeUnauthorized,
		Message: "no session, or the session has ended: log in again"}
	errNoCSRF = &apierror.Error{Status: http.StatusForbidden, Code: apierror.CodeForbidden,
		Message: "a session cookie is accepted here only with its CSRF token (" + csrfHeader + "); or send Authorization: Bearer TOKEN"}
)

// Authenticate checks a request to an admin endpoint outside the review
// service (the gateway's /admin/…) and returns the moderator's name. A
// session cookie is enough for GET and HEAD; any other method needs the
// session's CSRF token too (the same rule as the page's forms). The error
// is an *apierror.Error: 401, 403 or 429.
func (s *Service) Authenticate(ctx *fasthttp.RequestCtx) (string, error) {
	if tok, ok := bearer(ctx); ok {
		return s.checkToken(ctx, tok)
	}
	name, sess, err := s.session(ctx)
	if err != nil {
		return "", err
	}
	if !ctx.IsGet() && !ctx.IsHead() {
		got := string(ctx.Request.Header.Peek(csrfHeader))
		if got == "" {
			got = string(ctx.PostArgs().Peek("csrf"))
		}
		if !s.mods().checkCSRF(name, sess, got) {
			s.m.authFailures.Inc()
			return "", errNoCSRF
		}
	}
	return name, nil
}

// authAPI authenticates the review API: a Bearer token on any method, the
// session cookie on reads only (decisions through the API take the token).
func (s *Service) authAPI(ctx *fasthttp.RequestCtx) (string, error) {
	if tok, ok := bearer(ctx); ok {
		return s.checkToken(ctx, tok)
	}
	if (ctx.IsGet() || ctx.IsHead()) && len(ctx.Request.Header.Cookie(sessionCookie)) > 0 {
		name, _, err := s.session(ctx)
		if err != nil && errors.Is(err, errNoSession) {
			s.m.authFailures.Inc()
		}
		return name, err
	}
	s.m.authFailures.Inc()
	return "", errNoToken
}

func bearer(ctx *fasthttp.RequestCtx) (string, bool) {
	h := ctx.Request.Header.Peek(fasthttp.HeaderAuthorization)
	const p = "Bearer "
	if len(h) <= len(p) || !strings.EqualFold(string(h[:len(p)]), p) {
		return "", false
	}
	return presentedToken(string(h[len(p):])), true
}

// checkToken checks a presented moderator token under the throttle.
// Failures count under two keys: the token's digest, and who is trying —
// the moderator a live session or trusted-device cookie proves (device.go),
// else the client's address. While either key is refused the answer is 429
// and the token is not looked at. A success clears only the key of the
// token that succeeded: a right token must not wipe the count of the wrong
// ones tried beside it (or one valid token buys unlimited guesses).
func (s *Service) checkToken(ctx *fasthttp.RequestCtx, token string) (string, error) {
	client := s.proxies.ClientOf(ctx)
	secret := throttle.SecretKey(token)
	who := throttle.AddrKey(client)
	proven := s.proof(ctx)
	if proven != "" {
		who = "moderator:" + proven
	}
	if wait := s.lim.Wait(who, secret); wait > 0 {
		s.m.authThrottled.Inc()
		return "", apierror.TooManyRequests("too many failed attempts; retry later", wait)
	}
	name, ok := s.mods().byToken(token)
	if !ok {
		s.m.authFailures.Inc()
		if wait, started := s.lim.Fail(who, secret); started {
			s.log.Warn("moderator token failures: client throttled", "client", client.String(),
				"device_of", proven, "retry_after", wait.String())
		}
		return "", errNoToken
	}
	s.lim.Succeed(secret)
	return name, nil
}

// sessionID is what the store keeps of a cookie: its digest, so that the
// store's contents cannot be replayed as cookies.
func sessionID(cookie string) string {
	sum := sha256.Sum256([]byte(cookie))
	return hex.EncodeToString(sum[:])
}

// session checks the request's session cookie against the store and
// returns the moderator and the cookie's value. A store that cannot answer
// is a 503, not a logout.
func (s *Service) session(ctx *fasthttp.RequestCtx) (name, cookie string, err error) {
	cookie = string(ctx.Request.Header.Cookie(sessionCookie))
	if cookie == "" {
		return "", "", errNoSession
	}
	sctx, cancel := storeContext()
	defer cancel()
	sess, err := s.st.Session(sctx, sessionID(cookie))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "", "", errNoSession
	case err != nil:
		return "", "", err
	}
	md := s.mods().byName(sess.Moderator)
	if md == nil || md.tag() != sess.TokenTag || !s.now().Before(sess.ExpiresAt) {
		return "", "", errNoSession
	}
	return md.name, cookie, nil
}

// newSession starts a session for name and returns its cookie value.
func (s *Service) newSession(name string) (string, error) {
	md := s.mods().byName(name)
	if md == nil { // removed by a reload since its token was checked
		return "", errNoToken
	}
	cookie := randomToken()
	now := s.now()
	sctx, cancel := storeContext()
	defer cancel()
	err := s.st.CreateSession(sctx, store.Session{
		ID: sessionID(cookie), Moderator: name, TokenTag: md.tag(), CreatedAt: now, ExpiresAt: now.Add(sessionTTL),
	})
	return cookie, err
}

// endSession deletes the request's session from the store.
func (s *Service) endSession(cookie string) error {
	sctx, cancel := storeContext()
	defer cancel()
	return s.st.DeleteSession(sctx, sessionID(cookie))
}
