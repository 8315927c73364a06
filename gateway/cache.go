package gateway

import (
	"container/list"
	"crypto/sha256"
	"sync"

	"github.com/qrgate/qrgate/decoder"
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

// cache is a bounded LRU of decode outcomes by content hash. Identical
// images (the same WeChat card in hundreds of listings) decode once.
type cache struct {
	mu    sync.Mutex
	max   int
	ll    *list.List // front = most recent
	items map[imageKey]*list.Element
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
	return &cache{max: max, ll: list.New(), items: make(map[imageKey]*list.Element, max)}
}

func (c *cache) get(k imageKey) (decodeOutcome, bool) {
	if c == nil {
		return decodeOutcome{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[k]
	if !ok {
		return decodeOutcome{}, false
	}
	c.ll.MoveToFront(e)
	return e.Value.(*cacheEntry).out, true
}

// put stores a complete outcome. Partial results and timeouts are not
// stored: they say more about the load at the time than about the image.
func (c *cache) put(k imageKey, out decodeOutcome) {
	if c == nil || (out.res != nil && out.res.Partial) {
		return
	}
	if de := decoder.AsError(out.err); out.err != nil && (de == nil || de.Code == decoder.ErrTimeout) {
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
