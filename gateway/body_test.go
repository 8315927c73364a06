package gateway

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/qrgate/qrgate/internal/apierror"
)

// TestSlowBodiesAreBounded: clients that declare large bodies and dribble
// them hold only the bytes they sent (at most one read chunk each), all
// bodies together stay within MaxBodyBytesInFlight, and while the budget is
// spent a request is shed with 503 and Retry-After instead of the process
// growing; once the slow clients go, requests succeed and the budget is
// back to zero.
func TestSlowBodiesAreBounded(t *testing.T) {
	const budget = 4 * bodyChunk
	tg := startGateway(t, func(o *Options) { o.Config.MaxBodyBytesInFlight = budget })
	addr := strings.TrimPrefix(tg.pub, "http://")
	var conns []net.Conn
	for range 12 {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		// 10 MB declared, 9 KB sent: past fasthttp's own 8 KB pre-read,
		// so the handler is reading when the client stalls.
		fmt.Fprintf(c, "POST /v1/scan?listing_id=S HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: 10000000\r\n\r\n%s", strings.Repeat("x", 9000))
	}
	waitFor(t, "the slow bodies to take the budget", func() bool { return tg.g.body.used.Load() >= budget-bodyChunk })
	if used := tg.g.body.used.Load(); used > budget {
		t.Fatalf("%d body bytes held, over the budget of %d", used, budget)
	}
	r := do(t, "POST", tg.pub+"/v1/scan?listing_id=A", "image/png", blankPNG(t, 40, 40))
	if r.status != 503 || r.header.Get("Retry-After") == "" || !strings.Contains(string(r.body), apierror.CodeOverloaded) {
		t.Fatalf("with the budget spent: %d %q %s", r.status, r.header.Get("Retry-After"), r.body)
	}
	for _, c := range conns {
		c.Close()
	}
	waitFor(t, "the budget to be given back", func() bool { return tg.g.body.used.Load() == 0 })
	if r := do(t, "POST", tg.pub+"/v1/scan?listing_id=A", "image/png", blankPNG(t, 40, 40)); r.status != 200 {
		t.Fatalf("after the slow clients left: %d %s", r.status, r.body)
	}
	if used := tg.g.body.used.Load(); used != 0 {
		t.Errorf("%d body bytes still counted after every request ended", used)
	}
}

// TestChunkedBodyOverLimit: a chunked body (no Content-Length) is cut at
// the size limit with 413.
func TestChunkedBodyOverLimit(t *testing.T) {
	tg := startGateway(t, func(o *Options) { o.Config.MaxBody = 100 << 10 })
	c, err := net.DialTimeout("tcp", strings.TrimPrefix(tg.pub, "http://"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /v1/scan?listing_id=C HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nTransfer-Encoding: chunked\r\n\r\n")
	chunk := strings.Repeat("x", 32<<10)
	go func() {
		for range 8 { // 256 KiB in all
			if _, err := fmt.Fprintf(c, "%x\r\n%s\r\n", len(chunk), chunk); err != nil {
				return
			}
		}
		fmt.Fprintf(c, "0\r\n\r\n")
	}()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 4096)
	n, _ := c.Read(buf)
	if got := string(buf[:n]); !strings.HasPrefix(got, "HTTP/1.1 413") || !strings.Contains(got, apierror.CodeBodyTooLarge) {
		t.Fatalf("chunked body over the limit: %q", got)
	}
	waitFor(t, "the budget to be given back", func() bool { return tg.g.body.used.Load() == 0 })
}

// TestExpectContinueOverLimit: a declared length over --max-body with
// "Expect: 100-continue" (curl's default for large uploads) is answered
// 413 body_too_large before any Continue, so the client never sends the
// body; one within the limit gets its 100 Continue and is scanned.
func TestExpectContinueOverLimit(t *testing.T) {
	tg := startGateway(t, func(o *Options) { o.Config.MaxBody = 100 << 10 })
	for _, c := range []struct {
		name, addr string
		length     int
		want       string
	}{
		{"public over", tg.pub, 200 << 10, "HTTP/1.1 413"},
		{"admin over", tg.admin, 2 << 20, "HTTP/1.1 413"},
		{"public within", tg.pub, 10 << 10, "HTTP/1.1 100 Continue"},
	} {
		conn, err := net.DialTimeout("tcp", strings.TrimPrefix(c.addr, "http://"), time.Second)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "POST /v1/scan?listing_id=E HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n", c.length)
		// Nothing of the body is sent: the answer must come from the headers.
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		buf := make([]byte, 4096)
		n, err := conn.Read(buf)
		got := string(buf[:n])
		if !strings.HasPrefix(got, c.want) {
			t.Errorf("%s: got %q (%v), want %s", c.name, got, err, c.want)
		}
		if c.want == "HTTP/1.1 413" && (!strings.Contains(got, apierror.CodeBodyTooLarge) || strings.Contains(got, "100 Continue")) {
			t.Errorf("%s: want the JSON error body_too_large and no Continue, got %q", c.name, got)
		}
		conn.Close()
	}
}
