package throttle

import (
	"fmt"
	"net"
	"net/netip"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// TestBackoff: Free failures pass, then each failure doubles the refusal
// up to Max; a refusal ends on time; a success forgets the key.
func TestBackoff(t *testing.T) {
	c := &clock{time.Unix(1e6, 0)}
	l := New(Config{Free: 3, Base: time.Second, Max: 8 * time.Second, Now: c.now})
	k := AddrKey(netip.MustParseAddr("192.0.2.1"))
	for i := range 3 {
		if w, started := l.Fail(k); w != 0 || started {
			t.Fatalf("free failure %d: wait %v started %v", i, w, started)
		}
	}
	if w := l.Wait(k); w != 0 {
		t.Fatalf("after the free failures: wait %v", w)
	}
	want := []time.Duration{1, 2, 4, 8, 8, 8}
	for i, d := range want {
		w, started := l.Fail(k)
		if w != d*time.Second {
			t.Errorf("failure %d over: wait %v, want %v", i+1, w, d*time.Second)
		}
		if started != (i == 0) {
			t.Errorf("failure %d over: started %v", i+1, started)
		}
		if got := l.Wait(k, "other"); got != d*time.Second {
			t.Errorf("Wait = %v, want %v", got, d*time.Second)
		}
	}
	c.t = c.t.Add(8 * time.Second)
	if w := l.Wait(k); w != 0 {
		t.Errorf("after the refusal ended: wait %v", w)
	}
	if _, started := l.Fail(k); !started {
		t.Error("a failure after the refusal ended did not start a new one")
	}
	l.Succeed(k)
	if w := l.Wait(k); w != 0 || l.Len() != 0 {
		t.Errorf("after success: wait %v, %d keys", w, l.Len())
	}
	// A key quiet for longer than Forget starts again from zero.
	for range 4 {
		l.Fail(k)
	}
	c.t = c.t.Add(DefaultForget + time.Second)
	if w, _ := l.Fail(k); w != 0 {
		t.Errorf("a failure after Forget: wait %v, want a fresh count", w)
	}
}

// TestMemoryBounded: a million distinct keys keep at most MaxKeys, and
// the refused key survives the churn.
func TestMemoryBounded(t *testing.T) {
	c := &clock{time.Unix(1e6, 0)}
	l := New(Config{Free: 1, MaxKeys: 64, Now: c.now})
	l.Fail("victim")
	l.Fail("victim")
	for i := range 20000 {
		c.t = c.t.Add(time.Microsecond)
		l.Fail(fmt.Sprint("k", i))
		if l.Len() > 64 {
			t.Fatalf("%d keys after %d, over MaxKeys", l.Len(), i)
		}
	}
	if l.Wait("victim") == 0 {
		t.Error("the refused key was forgotten while unrefused keys were kept")
	}
}

func TestKeys(t *testing.T) {
	a := AddrKey(netip.MustParseAddr("2001:db8:1:2:3:4:5:6"))
	b := AddrKey(netip.MustParseAddr("2001:db8:1:2:ffff::1"))
	c := AddrKey(netip.MustParseAddr("2001:db8:1:3::1"))
	if a != b || a == c {
		t.Errorf("IPv6 keys by /64: %s %s %s", a, b, c)
	}
	if AddrKey(netip.MustParseAddr("::ffff:192.0.2.1")) != AddrKey(netip.MustParseAddr("192.0.2.1")) {
		t.Error("a v4-mapped address is another key than its v4 address")
	}
	if SecretKey("x") == SecretKey("y") || len(SecretKey("x")) > 40 {
		t.Errorf("secret keys: %s %s", SecretKey("x"), SecretKey("y"))
	}
}

func TestProxies(t *testing.T) {
	p, err := ParseProxies("10.0.0.0/8, 192.168.1.7 ,fd00::/8")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseProxies("10.0.0.0/33"); err == nil {
		t.Error("a bad prefix was accepted")
	}
	if _, err := ParseProxies("proxy.example"); err == nil {
		t.Error("a host name was accepted")
	}
	tcp := func(s string) net.Addr { return &net.TCPAddr{IP: net.ParseIP(s), Port: 1234} }
	for _, c := range []struct {
		remote, xff, want string
		p                 Proxies
	}{
		{"203.0.113.9", "198.51.100.1", "203.0.113.9", p},                  // not from a proxy: header ignored
		{"10.1.2.3", "198.51.100.1", "198.51.100.1", p},                    // from a proxy
		{"10.1.2.3", "6.6.6.6, 198.51.100.1, 10.9.9.9", "198.51.100.1", p}, // client-written entries left of it
		{"10.1.2.3", "", "10.1.2.3", p},                                    // no header
		{"10.1.2.3", "garbage, 10.9.9.9", "10.9.9.9", p},                   // unparsable: last trusted hop
		{"10.1.2.3", "198.51.100.1", "10.1.2.3", nil},                      // no trusted proxies at all
		{"::ffff:192.168.1.7", "2001:db8::5", "2001:db8::5", p},            // v4-mapped proxy
		{"192.168.1.7", " 2001:db8::5 ,192.168.1.7", "2001:db8::5", p},     // spaces, proxy repeated
	} {
		if got := c.p.Client(tcp(c.remote), c.xff); got.String() != c.want {
			t.Errorf("Client(%s, %q) = %s, want %s", c.remote, c.xff, got, c.want)
		}
	}
}
