package gateway

import (
	"context"
	"net"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qrgate/qrgate/decoder"
	"github.com/qrgate/qrgate/internal/apierror"
	"github.com/qrgate/qrgate/internal/testfixtures"
)

// holdWorkers takes every worker token so that decodes must queue; the
// returned func gives them back.
func holdWorkers(t *testing.T, g *Gateway) func() {
	t.Helper()
	var releases []func()
	for range g.cfg.Workers {
		r, err := g.pool.acquire(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		releases = append(releases, r)
	}
	return func() {
		for _, r := range releases {
			r()
		}
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestOverloadQueueFull(t *testing.T) {
	tg := startGateway(t, func(o *Options) {
		o.Config.Workers, o.Config.QueueSize, o.Config.QueueTimeout = 1, 1, 10*time.Second
		o.Config.CacheEntries = -1
	})
	img := blankPNG(t, 40, 40)
	release := holdWorkers(t, tg.g)
	queued := make(chan response, 1)
	go func() { queued <- do(t, "POST", tg.pub+"/v1/scan?listing_id=A", "image/png", img) }()
	waitFor(t, "a queued request", func() bool { return tg.g.pool.waiting.Load() == 1 })

	start := time.Now()
	r := do(t, "POST", tg.pub+"/v1/scan?listing_id=B", "image/png", img)
	if r.status != 503 || r.header.Get("Retry-After") == "" || r.errorCode(t) != apierror.CodeOverloaded {
		t.Fatalf("full queue: %d %v %s", r.status, r.header, r.body)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("refusal took %v; it must be immediate", d)
	}
	// Text-only requests need no worker and still pass.
	if r := postJSON(t, tg.pub+"/v1/scan", map[string]any{"listing_id": "T", "texts": []string{"hi"}}); r.status != 200 {
		t.Errorf("text-only under overload: %d", r.status)
	}
	release()
	if r := <-queued; r.status != 200 {
		t.Errorf("queued request: %d %s", r.status, r.body)
	}
	if n := metric(t, tg.reg, "qrgate_rejected_total", "reason", "queue_full"); n != 1 {
		t.Errorf("rejected{queue_full} = %v", n)
	}
}

func TestOverloadQueueTimeout(t *testing.T) {
	tg := startGateway(t, func(o *Options) {
		o.Config.Workers, o.Config.QueueSize, o.Config.QueueTimeout = 1, 8, 100*time.Millisecond
	})
	release := holdWorkers(t, tg.g)
	defer release()
	start := time.Now()
	r := do(t, "POST", tg.pub+"/v1/scan?listing_id=A", "image/png", blankPNG(t, 40, 40))
	if r.status != 503 || r.errorCode(t) != apierror.CodeOverloaded {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("refusal took %v with a 100ms queue timeout", d)
	}
	if n := metric(t, tg.reg, "qrgate_rejected_total", "reason", "queue_timeout"); n != 1 {
		t.Errorf("rejected{queue_timeout} = %v", n)
	}
}

// TestQueueTimeoutEstimate: with a known mean decode time, a request whose
// wait would exceed the queue timeout is refused at once, without waiting.
func TestQueueTimeoutEstimate(t *testing.T) {
	tg := startGateway(t, func(o *Options) {
		o.Config.Workers, o.Config.QueueSize, o.Config.QueueTimeout = 1, 8, 3*time.Second
	})
	tg.g.pool.meanNanos.Store(int64(10 * time.Second))
	release := holdWorkers(t, tg.g)
	defer release()
	start := time.Now()
	r := do(t, "POST", tg.pub+"/v1/scan?listing_id=A", "image/png", blankPNG(t, 40, 40))
	if r.status != 503 || time.Since(start) > time.Second {
		t.Fatalf("%d after %v: %s", r.status, time.Since(start), r.body)
	}
}

func TestScanDeadlineMarksPartial(t *testing.T) {
	t.Run("deadline-while-queued", func(t *testing.T) {
		tg := startGateway(t, func(o *Options) {
			o.Config.Workers, o.Config.ScanTimeout, o.Config.QueueTimeout = 1, 50*time.Millisecond, 10*time.Second
		})
		release := holdWorkers(t, tg.g)
		defer release()
		r := do(t, "POST", tg.pub+"/v1/scan?listing_id=A", "image/png", blankPNG(t, 40, 40))
		m := r.json(t)
		im := m["images"].([]any)[0].(map[string]any)
		if r.status != 200 || im["partial"] != true || im["error"].(map[string]any)["code"] != "timeout" {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	t.Run("deadline-while-decoding", func(t *testing.T) {
		tg := startGateway(t, func(o *Options) { o.Config.ScanTimeout = time.Millisecond })
		// A big noisy image: decoding its pixels alone outlasts the deadline.
		r := do(t, "POST", tg.pub+"/v1/scan?listing_id=A", "image/png", blankPNG(t, 1500, 1500))
		m := r.json(t)
		im := m["images"].([]any)[0].(map[string]any)
		if r.status != 200 || im["partial"] != true {
			t.Fatalf("%d %s", r.status, r.body)
		}
		// A partial result is not cached.
		if tg.g.cache.len() != 0 {
			t.Error("a partial result was cached")
		}
	})
}

// TestGracefulShutdown: a scan in flight when shutdown starts completes;
// new connections are refused; Run returns nil.
func TestGracefulShutdown(t *testing.T) {
	tg := startGateway(t, func(o *Options) { o.Config.Workers, o.Config.QueueTimeout = 1, 10*time.Second })
	release := holdWorkers(t, tg.g)
	inflight := make(chan response, 1)
	go func() { inflight <- do(t, "POST", tg.pub+"/v1/scan?listing_id=A", "image/png", blankPNG(t, 40, 40)) }()
	waitFor(t, "the in-flight scan", func() bool { return tg.g.pool.waiting.Load() == 1 })
	tg.cancel()
	waitFor(t, "shutdown to start", func() bool { return tg.g.stopping.Load() })
	// The listener closes once shutdown has started: wait for that event
	// (waitFor fails the test if it never comes) rather than sleeping.
	waitFor(t, "new connections to be refused during shutdown", func() bool {
		c, err := net.DialTimeout("tcp", strings.TrimPrefix(tg.pub, "http://"), time.Second)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	release()
	if r := <-inflight; r.status != 200 {
		t.Errorf("in-flight scan: %d %s", r.status, r.body)
	}
	select {
	case err := <-tg.done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
		tg.done <- err // for the cleanup
	case <-time.After(25 * time.Second): // generous: CI machines are shared
		t.Fatal("Run did not return")
	}
}

// TestManyImagesBoundedWorkers: three listings of 16 images each, sent at
// once, never have more than Config.Workers images decoding at a time. An
// instrumented decode counts the decodes inside it; the first ones hold
// until there is pressure (a decode queued in the pool behind them, or a
// decode beyond the limit inside), so that the bound is tested when it
// matters rather than by luck of scheduling.
func TestManyImagesBoundedWorkers(t *testing.T) {
	const workers = 2
	var inside, maxInside atomic.Int64
	var pressure atomic.Bool
	var tg *testGateway
	decode := func(ctx context.Context, data []byte) (*decoder.Result, error) {
		n := inside.Add(1)
		defer inside.Add(-1)
		for m := maxInside.Load(); n > m && !maxInside.CompareAndSwap(m, n); m = maxInside.Load() {
		}
		// Wait for the event "another image wants a worker": queued in
		// the pool (the bound holds) or already inside (it does not).
		for !pressure.Load() {
			if inside.Load() > workers || tg.g.pool.waiting.Load() > 0 {
				pressure.Store(true)
				break
			}
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			default:
				runtime.Gosched()
			}
		}
		return tg.g.dec.Decode(ctx, data)
	}
	tg = startGateway(t, func(o *Options) {
		o.Config.Workers = workers
		o.Config.CacheEntries = -1 // every image is decoded, none shared
		o.decode = decode
	})
	var imgs []map[string]any
	for i := range 16 {
		imgs = append(imgs, map[string]any{"name": "x", "data": blankPNG(t, 60+i, 60)})
	}
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := postJSON(t, tg.pub+"/v1/scan", map[string]any{"listing_id": "L", "images": imgs})
			if r.status != 200 {
				t.Errorf("%d %s", r.status, r.body)
				return
			}
			got := r.json(t)["images"].([]any)
			if len(got) != len(imgs) {
				t.Errorf("%d images answered, %d sent", len(got), len(imgs))
			}
			for _, im := range got {
				if e := im.(map[string]any)["error"]; e != nil {
					t.Errorf("image not decoded: %v", e)
				}
			}
		}()
	}
	wg.Wait()
	if !pressure.Load() {
		t.Error("no decode ever waited for a worker: the test exerted no pressure")
	}
	if m := maxInside.Load(); m > workers {
		t.Errorf("%d images decoding at once, limit %d", m, workers)
	}
}

// TestSlowClientsAreCut: connections dribbling headers or a body are closed
// after the read timeout and do not keep others from being served.
func TestSlowClientsAreCut(t *testing.T) {
	tg := startGateway(t, func(o *Options) { o.Config.ReadTimeout = 300 * time.Millisecond })
	addr := strings.TrimPrefix(tg.pub, "http://")
	var conns []net.Conn
	for i := range 50 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if i%2 == 0 {
			c.Write([]byte("POST /v1/scan HTTP/1.1\r\nHost: x\r\n")) // headers never finish
		} else {
			c.Write([]byte("POST /v1/scan?listing_id=L HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: 100000\r\n\r\nabc"))
		}
		conns = append(conns, c)
	}
	if r := postJSON(t, tg.pub+"/v1/scan", map[string]any{"listing_id": "L", "texts": []string{"hi"}}); r.status != 200 {
		t.Fatalf("a normal client among slow ones: %d", r.status)
	}
	start := time.Now()
	for _, c := range conns {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		buf := make([]byte, 512)
		for {
			if _, err := c.Read(buf); err != nil {
				break // closed by the server (EOF/reset); a 408 may come first
			}
		}
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("slow connections held for %v with a 300ms read timeout", d)
	}
}

// TestIdenticalImagesDecodeOnce: concurrent requests carrying the same
// bytes share one decode (and one worker) instead of queueing each.
func TestIdenticalImagesDecodeOnce(t *testing.T) {
	tg := startGateway(t, func(o *Options) { o.Config.Workers, o.Config.QueueTimeout = 1, 10*time.Second })
	img := testfixtures.QRPNG(wechatURL, 200)
	release := holdWorkers(t, tg.g)
	results := make(chan response, 3)
	go func() { results <- do(t, "POST", tg.pub+"/v1/scan?listing_id=A", "image/png", img) }()
	waitFor(t, "the leader to queue", func() bool { return tg.g.pool.waiting.Load() == 1 })
	for _, id := range []string{"B", "C"} {
		go func() { results <- do(t, "POST", tg.pub+"/v1/scan?listing_id="+id, "image/png", img) }()
	}
	waitFor(t, "the others to wait on the leader", func() bool { return metric(t, tg.reg, "qrgate_inflight_scans") == 3 })
	if n := tg.g.pool.waiting.Load(); n != 1 {
		t.Errorf("%d requests queue for a worker; identical images should wait on one decode", n)
	}
	release()
	for range 3 {
		if r := <-results; r.status != 200 || r.json(t)["verdict"] != "block" {
			t.Errorf("%d %s", r.status, r.body)
		}
	}
	if h, m := metric(t, tg.reg, "qrgate_cache_hits_total"), metric(t, tg.reg, "qrgate_cache_misses_total"); h != 2 || m != 1 {
		t.Errorf("hits %v misses %v, want 2 and 1", h, m)
	}
	// The same image twice in one listing decodes once too.
	r := postJSON(t, tg.pub+"/v1/scan", map[string]any{"listing_id": "D", "images": []map[string]any{
		{"data": blankPNG(t, 30, 30)}, {"data": blankPNG(t, 30, 30)}}})
	if r.status != 200 || metric(t, tg.reg, "qrgate_cache_misses_total") != 2 {
		t.Errorf("%d %s; misses %v", r.status, r.body, metric(t, tg.reg, "qrgate_cache_misses_total"))
	}
}

// TestWaitersDecodeWhenTheLeaderIsRefused: if the request leading a decode
// is refused, requests waiting on it decode themselves.
func TestWaitersDecodeWhenTheLeaderIsRefused(t *testing.T) {
	tg := startGateway(t, func(o *Options) { o.Config.Workers, o.Config.QueueTimeout = 1, 300*time.Millisecond })
	img := testfixtures.QRPNG(wechatURL, 200)
	release := holdWorkers(t, tg.g)
	leader := make(chan response, 1)
	go func() { leader <- do(t, "POST", tg.pub+"/v1/scan?listing_id=A", "image/png", img) }()
	waitFor(t, "the leader to queue", func() bool { return tg.g.pool.waiting.Load() == 1 })
	waiter := make(chan response, 1)
	go func() {
		waiter <- do(t, "POST", tg.pub+"/v1/scan?listing_id=B", "image/png", img)
	}()
	if r := <-leader; r.status != 503 {
		t.Fatalf("leader: %d %s", r.status, r.body)
	}
	release()
	if r := <-waiter; r.status != 200 && r.status != 503 {
		t.Errorf("waiter: %d %s", r.status, r.body)
	}
	tg.g.cache.mu.Lock()
	defer tg.g.cache.mu.Unlock()
	if len(tg.g.cache.flights) != 0 {
		t.Error("a flight was left open")
	}
}
