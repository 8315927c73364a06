package gateway

import (
	"container/list"
	"crypto/sha256"
	"sync"

	"github.com/qrgate/qrgate/decoder"
	"github.com/qrgate/qrgate/scan"
)

// imageKey is an image's content hash.
type imageKey [sha256.Size]byte

// decodeOutcome is what the cache holds: a decode result or the image's
// error. Both depend only on the bytes (and the decoder limits, fixed for the
// process), so they stay valid across policy reloads; classification under
// the current policy happens after the lookup.
type decodeOutcome struct {
	res *decoder.Result
	err error
}

// decoded is the outcome as the listing's composition takes it.
func (o decodeOutcome) decoded(cached bool) scan.Decoded {
	return scan.Decoded{Result: o.res, Err: o.err, Cached: cached}
}

// cache is a bounded LRU of decode outcomes by content hash. Identical
// images (the same WeChat card in hundreds of listings) decode once.
type cache struct {
	mu      sync.Mutex
	max     int
	ll      *list.List // front = most recent
	items   map[imageKey]*list.Element
	flights map[imageKey]*flight
}

// flight is a decode in progress. Requests carrying the same image meanwhile
// wait for it instead of taking another worker: the same card pasted into
// many listings at once decodes once.
type flight struct {
	done   chan struct{}
	out    decodeOutcome
	usable bool // a complete outcome; false: the waiter decodes itself
}

type cacheEntry struct {
	key imageKey
	out decodeOutcome
}

// newCache returns nil when max <= 0: a nil cache holds nothing.
func newCache(max int) *cache {
	if max <= 0 {
		return nil
	}
	return &cache{max: max, ll: list.New(), items: make(map[imageKey]*list.Element, max), flights: map[imageKey]*flight{}}
}

// lookup returns a cached outcome (hit), or the flight decoding k now
// (leader false: wait for it), or a new flight the caller leads and must
// end with finish. A nil cache makes every caller a leader of a nil flight.
func (c *cache) lookup(k imageKey) (out decodeOutcome, hit bool, f *flight, leader bool) {
	if c == nil {
		return decodeOutcome{}, false, nil, true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.ll.MoveToFront(e)
		return e.Value.(*cacheEntry).out, true, nil, false
	}
	if f, ok := c.flights[k]; ok {
		return decodeOutcome{}, false, f, false
	}
	f = &flight{done: make(chan struct{})}
	c.flights[k] = f
	return decodeOutcome{}, false, f, true
}

// finish ends a flight with its outcome (ok false: no outcome, the leader
// was refused or timed out) and caches a cacheable one.
func (c *cache) finish(k imageKey, f *flight, out decodeOutcome, ok bool) {
	if c == nil || f == nil {
		return
	}
	ok = ok && cacheable(out)
	if ok {
		c.put(k, out)
	}
	c.mu.Lock()
	delete(c.flights, k)
	c.mu.Unlock()
	f.out, f.usable = out, ok
	close(f.done)
}

// cacheable: what the bytes and the decoder's limits decide is cached —
// codes, image errors, too_complex, and a cut by the work budget (partial or
// timeout: the same bytes are cut at the same point every time). A
// wall-clock cut (the scan deadline, a client's) says more about the load
// at the time than about the image, and is not.
func cacheable(out decodeOutcome) bool {
	if out.res != nil && out.res.Cut == decoder.CutByDeadline {
		return false
	}
	if out.err != nil {
		de := decoder.AsError(out.err)
		if de == nil {
			return false
		}
		if de.Code == decoder.ErrTimeout {
			return out.res != nil && out.res.Cut == decoder.CutByBudget
		}
	}
	return true
}

// put stores a cacheable outcome.
func (c *cache) put(k imageKey, out decodeOutcome) {
	if c == nil || !cacheable(out) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.ll.MoveToFront(e)
		e.Value.(*cacheEntry).out = out
		return
	}
	c.items[k] = c.ll.PushFront(&cacheEntry{key: k, out: out})
	for c.ll.Len() > c.max {
		last := c.ll.Back()
		c.ll.Remove(last)
		delete(c.items, last.Value.(*cacheEntry).key)
	}
}

func (c *cache) len() int {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}
