package review

import (
	"crypto/hmac"
	"strconv"
	"strings"
	"time"

	"github.com/valyala/fasthttp"
)

// A trusted-device cookie is what lets a moderator log in while someone
// else behind the same address (an office NAT, an unconfigured load
// balancer) is guessing tokens and has the address refused. It is issued at
// every login and names the moderator; a login that presents it is
// throttled per moderator instead of per address, so strangers' wrong
// tokens cannot lock the moderator out, and a device cookie holder's own
// wrong tokens count against the moderator it names (however many devices
// they log in from). This is OWASP's "device cookie" defence against
// lockout by guessing.
//
// The cookie is "expiry.mac.name", the MAC keyed by the moderator's token:
// it cannot be forged without the token, every replica with the same
// moderators file accepts it, and changing or removing the token revokes
// it, as it ends the sessions.
const deviceCookie = "qrgate_device"

// deviceTTL is how long a device stays trusted after its last login: long
// enough to cover a holiday, short enough that a stolen laptop's cookie
// dies on its own.
const deviceTTL = 30 * 24 * time.Hour

// deviceValue is the cookie value trusting this browser for name until
// expires.
func (m *moderators) deviceValue(name string, expires time.Time) string {
	md := m.byName(name)
	if md == nil {
		return ""
	}
	exp := strconv.FormatInt(expires.Unix(), 10)
	return exp + "." + md.mac("device|"+exp+"|"+name) + "." + name
}

// deviceOwner is the moderator a device cookie value trusts at now, or ""
// when it is malformed, forged, expired or made with a token no longer in
// force.
func (m *moderators) deviceOwner(value string, now time.Time) string {
	exp, rest, ok := strings.Cut(value, ".")
	if !ok {
		return ""
	}
	mac, name, ok := strings.Cut(rest, ".")
	if !ok {
		return ""
	}
	sec, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || !now.Before(time.Unix(sec, 0)) {
		return ""
	}
	md := m.byName(name)
	if md == nil || !hmac.Equal([]byte(mac), []byte(md.mac("device|"+exp+"|"+name))) {
		return ""
	}
	return name
}

// proof is the moderator a request proves to be without a token: its
// trusted-device cookie, or a live session. "" when it proves nothing.
func (s *Service) proof(ctx *fasthttp.RequestCtx) string {
	if name := s.mods().deviceOwner(string(ctx.Request.Header.Cookie(deviceCookie)), s.now()); name != "" {
		return name
	}
	if len(ctx.Request.Header.Cookie(sessionCookie)) == 0 {
		return ""
	}
	name, _, err := s.session(ctx)
	if err != nil {
		return ""
	}
	return name
}
