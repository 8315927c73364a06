package throttle

import (
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/valyala/fasthttp"
)

// Proxies are the addresses whose X-Forwarded-For is believed: the load
// balancers in front of qrgate. Without them the header is ignored, since
// any client can write it.
type Proxies []netip.Prefix

// ParseProxies reads a comma-separated list of addresses and CIDR
// prefixes ("10.0.0.0/8, 192.168.1.7, fd00::/8"); "" is none.
func ParseProxies(s string) (Proxies, error) {
	var p Proxies
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if strings.Contains(f, "/") {
			pre, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q: %w", f, err)
			}
			p = append(p, pre.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: %w", f, err)
		}
		a = a.Unmap()
		p = append(p, netip.PrefixFrom(a, a.BitLen()))
	}
	return p, nil
}

func (p Proxies) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, pre := range p {
		if pre.Contains(a) {
			return true
		}
	}
	return false
}

// Client is the address of the client behind a connection from remote.
// When remote is a trusted proxy, X-Forwarded-For (xff, every value of
// the header joined with commas) is read from the right — the end the
// proxies appended to — and the first address that is not a trusted proxy
// is the client; entries further left were written by the client itself
// and are not believed. An unparsable entry ends the walk at the last
// trusted hop.
func (p Proxies) Client(remote net.Addr, xff string) netip.Addr {
	var addr netip.Addr
	if ta, ok := remote.(*net.TCPAddr); ok {
		addr, _ = netip.AddrFromSlice(ta.IP)
	} else if ap, err := netip.ParseAddrPort(remote.String()); err == nil {
		addr = ap.Addr()
	}
	addr = addr.Unmap()
	if len(p) == 0 || xff == "" || !p.trusted(addr) {
		return addr
	}
	hops := strings.Split(xff, ",")
	for i := len(hops) - 1; i >= 0; i-- {
		h, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return addr
		}
		addr = h.Unmap()
		if !p.trusted(addr) {
			return addr
		}
	}
	return addr
}

// ClientOf is Client for a request: its peer address and every
// X-Forwarded-For header it carries, joined as one list.
func (p Proxies) ClientOf(ctx *fasthttp.RequestCtx) netip.Addr {
	var parts []string
	for _, v := range ctx.Request.Header.PeekAll("X-Forwarded-For") {
		parts = append(parts, string(v))
	}
	return p.Client(ctx.RemoteAddr(), strings.Join(parts, ","))
}
