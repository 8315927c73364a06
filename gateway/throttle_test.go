package gateway

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/qrgate/qrgate/internal/apierror"
	"github.com/qrgate/qrgate/internal/throttle"
)

// TestAPIKeysThrottled: 1000 wrong API keys from one address get 401 for
// the free few and then 429 with Retry-After, unchecked; behind a trusted
// proxy the client named by X-Forwarded-For is counted, so another client
// of the same proxy is not refused; without the proxy trusted, the header
// changes nothing.
func TestAPIKeysThrottled(t *testing.T) {
	k, err := LoadAPIKeys(writeFile(t, "keys", "key-one\n"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1e9, 0)
	clock := func() time.Time { return now }
	proxies, _ := throttle.ParseProxies("127.0.0.1")
	body := []byte(`{"listing_id":"L","texts":["hello"]}`)
	send := func(tg *testGateway, key, xff string) response {
		h := []string{"Authorization", "Bearer " + key}
		if xff != "" {
			h = append(h, "X-Forwarded-For", xff)
		}
		return do(t, "POST", tg.pub+"/v1/scan", "application/json", body, h...)
	}

	tg := startGateway(t, func(o *Options) {
		o.APIKeys, o.TrustedProxies = k, proxies
		o.Throttle = throttle.New(throttle.Config{Free: 5, Now: clock})
	})
	codes := map[int]int{}
	for i := range 1000 {
		r := send(tg, fmt.Sprintf("guess-%04d", i), "198.51.100.1")
		codes[r.status]++
		if r.status == http.StatusTooManyRequests && (r.header.Get("Retry-After") != "1" || r.errorCode(t) != apierror.CodeTooManyRequests) {
			t.Fatalf("429 answer: %v %s", r.header, r.body)
		}
	}
	if codes[401] != 6 || codes[429] != 994 {
		t.Errorf("1000 wrong keys: %v, want 6 × 401 and 994 × 429", codes)
	}
	if n := testutil.ToFloat64(tg.g.m.authFailures); n != 6 {
		t.Errorf("keys checked: %v, want 6", n)
	}
	if r := send(tg, "key-one", "198.51.100.1"); r.status != http.StatusTooManyRequests {
		t.Errorf("the throttled client with the right key: %d, want 429 until its refusal ends", r.status)
	}
	if r := send(tg, "key-one", "198.51.100.2"); r.status != 200 {
		t.Errorf("another client behind the same proxy: %d %s", r.status, r.body)
	}
	now = now.Add(2 * time.Second)
	if r := send(tg, "key-one", "198.51.100.1"); r.status != 200 {
		t.Errorf("after the refusal ended, the right key: %d", r.status)
	}

	// No trusted proxies: X-Forwarded-For is the client's own word.
	tg2 := startGateway(t, func(o *Options) {
		o.APIKeys = k
		o.Throttle = throttle.New(throttle.Config{Free: 5, Now: clock})
	})
	for i := range 6 {
		send(tg2, fmt.Sprintf("guess-%d", i), fmt.Sprintf("203.0.113.%d", i))
	}
	if r := send(tg2, "guess-x", "203.0.113.99"); r.status != http.StatusTooManyRequests {
		t.Errorf("a forged X-Forwarded-For escaped the throttle: %d", r.status)
	}
}

// TestRecordNamesTheClient: a flagged listing is handed to the store with
// the client its per-client quota counts: the API key's identity (never
// the key), or the client's address when the API is open.
func TestRecordNamesTheClient(t *testing.T) {
	k, err := LoadAPIKeys(writeFile(t, "keys", "key-one\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		keys *APIKeys
		want string
	}{{"keys", k, "key:"}, {"open", nil, "addr:127.0.0.1"}} {
		tg := startGateway(t, func(o *Options) { o.APIKeys = c.keys })
		r := do(t, "POST", tg.pub+"/v1/scan?listing_id=L", "application/octet-stream", []byte("not an image"), "Authorization", "Bearer key-one")
		if r.status != 200 {
			t.Fatalf("%s: %d %s", c.name, r.status, r.body)
		}
		tg.rec.mu.Lock()
		got := tg.rec.records[0].Client
		tg.rec.mu.Unlock()
		if !strings.HasPrefix(got, c.want) || strings.Contains(got, "key-one") {
			t.Errorf("%s: Client %q, want prefix %q and no key", c.name, got, c.want)
		}
	}
}

// TestRightKeyKeepsAddressCount: a client holding one valid API key that
// guesses others from the same address is throttled all the same: a
// success clears the count of the key that succeeded, never the
// address's. 500 wrong keys with a right one after every fifth, on a
// clock that stands still: the sixth wrong key starts the refusal, and
// from then on every attempt from the address, right or wrong, is 429.
func TestRightKeyKeepsAddressCount(t *testing.T) {
	k, err := LoadAPIKeys(writeFile(t, "keys", "key-one\n"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1e9, 0)
	tg := startGateway(t, func(o *Options) {
		o.APIKeys = k
		o.Throttle = throttle.New(throttle.Config{Free: 5, Now: func() time.Time { return now }})
	})
	body := []byte(`{"listing_id":"L","texts":["hello"]}`)
	wrong, right := map[int]int{}, map[int]int{}
	for i := range 600 {
		key, codes := fmt.Sprintf("guess-%04d", i), wrong
		if i%6 == 5 {
			key, codes = "key-one", right
		}
		codes[do(t, "POST", tg.pub+"/v1/scan", "application/json", body, "Authorization", "Bearer "+key).status]++
	}
	if wrong[401] != 6 || wrong[429] != 494 || right[200] != 1 || right[429] != 99 {
		t.Errorf("500 wrong + 100 right keys from one address: wrong %v, right %v; want wrong 6 × 401 + 494 × 429, right 1 × 200 + 99 × 429", wrong, right)
	}
	if n := testutil.ToFloat64(tg.g.m.authFailures); n != 6 {
		t.Errorf("wrong keys checked: %v, want 6", n)
	}
}
