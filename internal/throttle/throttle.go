// Package throttle slows down guessing of secrets (API keys, moderator
// tokens). Failed attempts are counted per key — the client's address and
// the digest of the secret it presented — and a key that has failed more
// than a few times is refused for a while, the wait doubling with each
// further failure up to a maximum. While a key is refused, the secret is
// not even checked: an attacker's guesses stop costing the server work and
// stop producing log lines.
//
// Counts live in the process: each replica throttles on its own, so a
// fleet of N replicas allows N times the attempts. That bounds guessing
// well enough for tokens of 16 characters and more.
package throttle

import (
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"sync"
	"time"
)

// Defaults.
const (
	DefaultFree    = 5
	DefaultBase    = time.Second
	DefaultMax     = 15 * time.Minute
	DefaultForget  = 30 * time.Minute
	DefaultMaxKeys = 1 << 16
)

// Config tunes a Limiter. Zero fields take the defaults.
type Config struct {
	// Free failures of a key pass before it is refused at all.
	Free int
	// Base is the first refusal; each further failure doubles it, up to Max.
	Base, Max time.Duration
	// Forget drops a key that has not failed for this long.
	Forget time.Duration
	// MaxKeys bounds the keys remembered (memory); past it the stalest
	// unrefused keys are forgotten first.
	MaxKeys int
	Now     func() time.Time
}

// Limiter counts failures per key. It is safe for concurrent use.
type Limiter struct {
	mu   sync.Mutex
	cfg  Config
	keys map[string]*entry
}

type entry struct {
	fails int
	until time.Time // refused before this
	last  time.Time // last failure
}

// New builds a Limiter.
func New(cfg Config) *Limiter {
	if cfg.Free <= 0 {
		cfg.Free = DefaultFree
	}
	if cfg.Base <= 0 {
		cfg.Base = DefaultBase
	}
	if cfg.Max <= 0 {
		cfg.Max = DefaultMax
	}
	if cfg.Forget <= 0 {
		cfg.Forget = DefaultForget
	}
	if cfg.MaxKeys <= 0 {
		cfg.MaxKeys = DefaultMaxKeys
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Limiter{cfg: cfg, keys: map[string]*entry{}}
}

// Wait is how long the attempt with these keys must wait (0: go ahead):
// the longest refusal among them.
func (l *Limiter) Wait(keys ...string) time.Duration {
	if l == nil {
		return 0
	}
	now := l.cfg.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	var wait time.Duration
	for _, k := range keys {
		if e := l.keys[k]; e != nil {
			wait = max(wait, e.until.Sub(now))
		}
	}
	return wait
}

// Fail records a failed attempt under every key. It returns the refusal it
// set (0 while the keys are within their free failures) and whether a key
// just started being refused (worth one log line).
func (l *Limiter) Fail(keys ...string) (wait time.Duration, started bool) {
	if l == nil {
		return 0, false
	}
	now := l.cfg.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		e := l.keys[k]
		if e != nil && now.Sub(e.last) > l.cfg.Forget {
			e = nil
		}
		if e == nil {
			l.makeRoom(now)
			e = &entry{}
			l.keys[k] = e
		}
		e.fails++
		e.last = now
		over := e.fails - l.cfg.Free
		if over <= 0 {
			continue
		}
		d := l.cfg.Max
		if over <= 30 {
			d = min(l.cfg.Max, l.cfg.Base<<(over-1))
		}
		if !e.until.After(now) {
			started = true
		}
		e.until = now.Add(d)
		wait = max(wait, d)
	}
	return wait, started
}

// Succeed forgets the failures of keys. Pass only the key of the secret
// that succeeded, never the client's address: clearing the address would
// give a client holding one valid secret unlimited guesses at the others.
func (l *Limiter) Succeed(keys ...string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		delete(l.keys, k)
	}
}

// Len is how many keys are remembered.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

// makeRoom keeps the map within MaxKeys: forgotten keys go first, then
// keys not refused now, the stalest first; a refused key is dropped only
// when every key is refused (an attacker spreading over more addresses
// than MaxKeys can reset some of its own counts, never grow memory).
func (l *Limiter) makeRoom(now time.Time) {
	if len(l.keys) < l.cfg.MaxKeys {
		return
	}
	for k, e := range l.keys {
		if now.Sub(e.last) > l.cfg.Forget {
			delete(l.keys, k)
		}
	}
	for len(l.keys) >= l.cfg.MaxKeys {
		delete(l.keys, l.stalest(now))
	}
}

// stalest is the key to forget first: the one that failed longest ago
// among those not refused now, or among all when every key is refused.
func (l *Limiter) stalest(now time.Time) string {
	var victim string
	var vRefused bool
	var vLast time.Time
	for k, e := range l.keys {
		refused := e.until.After(now)
		better := victim == "" || (vRefused && !refused) || (vRefused == refused && e.last.Before(vLast))
		if better {
			victim, vRefused, vLast = k, refused, e.last
		}
	}
	return victim
}

// AddrKey is the key of a client address. IPv6 clients are counted by
// their /64, which one subscriber usually holds whole: one per address
// would give an attacker 2^64 fresh counts.
func AddrKey(a netip.Addr) string {
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return "addr:" + p.String()
	}
	return "addr:" + a.String()
}

// SecretKey is the key of a presented secret: a digest, so the limiter
// never holds a secret, right or wrong.
func SecretKey(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return "secret:" + hex.EncodeToString(sum[:12])
}
