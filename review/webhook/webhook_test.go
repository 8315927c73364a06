package webhook

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/qrgate/qrgate/review/feed"
	"github.com/qrgate/qrgate/review/sqlite"
	"github.com/qrgate/qrgate/review/store"
	"github.com/qrgate/qrgate/review/store/storetest"
)

var secret = []byte("whsec-0123456789abcdef")

// fakeClock hands every wait to the test, which fires it when it chooses.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	waits chan wait
}

type wait struct {
	d    time.Duration
	fire chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Now(), waits: make(chan wait, 16)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	w := wait{d: d, fire: make(chan time.Time, 1)}
	c.waits <- w
	return w.fire
}

// next returns the deliverer's next wait (a guard fails a hung test).
func (c *fakeClock) next(t *testing.T) wait {
	t.Helper()
	select {
	case w := <-c.waits:
		return w
	case <-time.After(20 * time.Second):
		t.Fatal("the deliverer never waited")
		return wait{}
	}
}

// advance fires w after moving the clock by its duration.
func (c *fakeClock) advance(w wait) {
	c.mu.Lock()
	c.now = c.now.Add(w.d)
	now := c.now
	c.mu.Unlock()
	w.fire <- now
}

// receiver is the pipeline's end: it verifies each delivery with Verify,
// answers failures first, then 200s, and reports what it accepted.
type receiver struct {
	clock    *fakeClock
	mu       sync.Mutex
	failures int // answered 503 before recovering
	got      chan feed.Decision
	refused  int
	srv      *httptest.Server
}

func newReceiver(t *testing.T, clock *fakeClock, failures int) *receiver {
	r := &receiver{clock: clock, failures: failures, got: make(chan feed.Decision, 100)}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		if err := Verify(secret, req.Header.Get("X-Qrgate-Timestamp"), req.Header.Get("X-Qrgate-Signature"), body, clock.Now(), 5*time.Minute); err != nil {
			r.mu.Lock()
			r.refused++
			r.mu.Unlock()
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		r.mu.Lock()
		fail := r.failures > 0
		r.failures--
		r.mu.Unlock()
		if fail {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		var d feed.Decision
		if err := json.Unmarshal(body, &d); err != nil {
			t.Errorf("delivery %s: %v", body, err)
		}
		r.got <- d
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) accepted(t *testing.T) feed.Decision {
	t.Helper()
	select {
	case d := <-r.got:
		return d
	case <-time.After(20 * time.Second):
		t.Fatal("nothing delivered")
		return feed.Decision{}
	}
}

func openStore(t *testing.T, dir string) *sqlite.Store {
	s, err := sqlite.Open(context.Background(), sqlite.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func decideNew(t *testing.T, s store.Store, scan string, decision string) {
	t.Helper()
	id, err := s.Put(context.Background(), storetest.NewRecord(scan, "L-"+scan, "S", "x", storetest.PNG))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Decide(context.Background(), id, store.Decision{Decision: decision, Moderator: "alice", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
}

// start runs a deliverer until the returned stop is called.
func start(t *testing.T, s store.Store, cfg Config) (*Deliverer, func()) {
	t.Helper()
	d, err := New(s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	stop := func() { cancel(); <-done }
	t.Cleanup(stop)
	return d, sync.OnceFunc(stop)
}

// TestDeliveryRetriesAndResumes: the receiver fails four times, then
// recovers. Each decision arrives, in feed order, signed; the retries back
// off 1, 2, 4, then the cap of 5 s; after a restart on the same store,
// delivery resumes with the decision made while it was down, and sends
// nothing twice that was acknowledged.
func TestDeliveryRetriesAndResumes(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	clock := newFakeClock()
	rcv := newReceiver(t, clock, 4)
	reg := prometheus.NewRegistry()
	cfg := Config{URL: rcv.srv.URL + "/hook", Secret: secret, Clock: clock, FirstRetry: time.Second, MaxRetry: 5 * time.Second, Registerer: reg}
	d, stop := start(t, s, cfg)
	if w := clock.next(t); w.d != DefaultPoll {
		t.Fatalf("idle wait %v, want the poll interval", w.d)
	}
	decideNew(t, s, "a", store.Reject)
	decideNew(t, s, "b", store.Approve)
	decideNew(t, s, "c", store.Reject)
	d.Notify()
	for _, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second} {
		w := clock.next(t)
		if w.d != want {
			t.Errorf("retry wait %v, want %v", w.d, want)
		}
		clock.advance(w)
	}
	for _, want := range []string{"L-a", "L-b", "L-c"} {
		if got := rcv.accepted(t); got.ListingID != want || got.Cursor == "" {
			t.Errorf("delivered %+v, want listing %s", got, want)
		}
	}
	if w := clock.next(t); w.d != DefaultPoll {
		t.Errorf("after catching up: wait %v, want the poll interval", w.d)
	}
	if ok, bad := testutil.ToFloat64(d.attempts.WithLabelValues("ok")), testutil.ToFloat64(d.attempts.WithLabelValues("error")); ok != 3 || bad != 4 {
		t.Errorf("attempts ok %v error %v, want 3 and 4", ok, bad)
	}
	if lag := testutil.ToFloat64(d.lag); lag != 0 {
		t.Errorf("lag %v after catching up, want 0", lag)
	}
	stop()
	decideNew(t, s, "d", store.Approve) // while no deliverer runs
	s.Close()

	s = openStore(t, dir)
	defer s.Close()
	cfg.Registerer = prometheus.NewRegistry()
	start(t, s, cfg)
	if got := rcv.accepted(t); got.ListingID != "L-d" {
		t.Errorf("after the restart: delivered %s, want L-d (and nothing acknowledged before)", got.ListingID)
	}
	clock.next(t) // idle again: nothing else was sent
	select {
	case extra := <-rcv.got:
		t.Errorf("delivered again after the restart: %+v", extra)
	default:
	}
	if rcv.refused != 0 {
		t.Errorf("%d deliveries failed verification", rcv.refused)
	}
}

// TestRedirectIsAFailure: a receiver answering 302 is not followed to
// wherever it points; the delivery is retried at the operator's URL.
func TestRedirectIsAFailure(t *testing.T) {
	s := openStore(t, t.TempDir())
	defer s.Close()
	elsewhere := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		t.Error("the redirect was followed")
	}))
	defer elsewhere.Close()
	redirect := httptest.NewServer(http.RedirectHandler(elsewhere.URL, http.StatusFound))
	defer redirect.Close()
	clock := newFakeClock()
	d, _ := start(t, s, Config{URL: redirect.URL, Secret: secret, Clock: clock, Registerer: prometheus.NewRegistry()})
	clock.next(t)
	decideNew(t, s, "a", store.Reject)
	d.Notify()
	if w := clock.next(t); w.d != DefaultFirstRetry {
		t.Errorf("after a 302: wait %v, want the first retry", w.d)
	}
	if bad := testutil.ToFloat64(d.attempts.WithLabelValues("error")); bad != 1 {
		t.Errorf("error attempts %v, want 1", bad)
	}
}

func TestVerifyRefusesForgeries(t *testing.T) {
	now := time.Unix(1_790_000_000, 0)
	ts := "1790000000"
	body := []byte(`{"cursor":"AQAAAAAAAAAB","decision":"approve"}`)
	sig := Sign(secret, ts, body)
	if err := Verify(secret, ts, sig, body, now, 5*time.Minute); err != nil {
		t.Fatalf("a true signature: %v", err)
	}
	for name, c := range map[string]struct {
		ts, sig string
		body    []byte
	}{
		"other secret":      {ts, Sign([]byte("guessed-secret"), ts, body), body},
		"body changed":      {ts, sig, []byte(`{"cursor":"AQAAAAAAAAAB","decision":"reject"}`)},
		"timestamp changed": {"1790000001", sig, body},
		"replayed later":    {"1789999000", Sign(secret, "1789999000", body), body},
		"no signature":      {ts, "", body},
		"bare hex":          {ts, strings.TrimPrefix(sig, "sha256="), body},
		"not a timestamp":   {"soon", Sign(secret, "soon", body), body},
	} {
		if err := Verify(secret, c.ts, c.sig, c.body, now, 5*time.Minute); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestDocsShowVerify: docs/api.md's reference verifier is this package's
// Verify, word for word, so the documented code is the tested code.
func TestDocsShowVerify(t *testing.T) {
	src, err := os.ReadFile("verify.go")
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(src), "func Verify(")
	if i < 0 {
		t.Fatal("no func Verify in verify.go")
	}
	fn := string(src[i:])
	fn = fn[:strings.Index(fn, "\n}\n")+3]
	docs, err := os.ReadFile(filepath.Join("..", "..", "docs", "api.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(docs), fn) {
		t.Errorf("docs/api.md does not show Verify as verify.go has it:\n%s", fn)
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	s := openStore(t, t.TempDir())
	defer s.Close()
	for _, c := range []Config{
		{URL: "", Secret: secret},
		{URL: "ftp://example.com/x", Secret: secret},
		{URL: "/relative", Secret: secret},
		{URL: "https://example.com/hook", Secret: []byte(" \n")},
	} {
		if _, err := New(s, c); err == nil {
			t.Errorf("New(%q, secret %q) accepted", c.URL, c.Secret)
		}
	}
}
