// Package thumbs makes the review page's thumbnails of stored images:
// once per image and size, from the stored bytes, under the scan's header
// limits (decoder/image: pixels, frames, decoding work) and a memory
// budget of its own, with a bounded number of decodes at once. An image
// that cannot be thumbnailed — a bomb, a corrupt file — gets a placeholder:
// an SVG naming why. Thumbnails and placeholders are cached on disk by
// content hash and size, and concurrent requests for one thumbnail share
// one decode.
//
// Thumbnails are greyscale: they come from the scan's own luminance decode
// (decoder/image.Thumbnail: Open's, with a JPEG's DCT scaling), so every
// protection the scan has — limits checked from the headers, deadlines
// inside the decoders, no colour image held, memory reserved from the
// process's one decode budget — guards them too. The original, in colour,
// is served without ?w.
package thumbs

import (
	"context"
	"errors"
	"fmt"
	goimage "image"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"golang.org/x/sync/singleflight"

	"github.com/qrgate/qrgate/decoder"
	"github.com/qrgate/qrgate/decoder/image"
	"github.com/qrgate/qrgate/membudget"
)

// Sides are the long sides a thumbnail is made at: a request is rounded
// up to the next (and down to the last), so one image has at most four
// thumbnails in the cache whatever sizes clients ask for.
var Sides = []int{256, 512, 1024, 1600}

// DefaultSide is the long side of a thumbnail asked for without a size.
const DefaultSide = 512

// Defaults of Config.
const (
	// DefaultCacheBytes bounds the disk cache: about 3000 thumbnails of
	// 1600 px, a day's queue of a busy team.
	DefaultCacheBytes = 256 << 20
	// DefaultMaxImageBytes is the most one thumbnail's decode may reserve
	// (image.Info.Bytes): a 24-megapixel photo fits with room to spare; a
	// 6300² 16-bit PNG (119 MiB by its header) gets a placeholder, so that
	// thumbnails never take the scans' budget for a bomb.
	DefaultMaxImageBytes = 96 << 20
	// DefaultDecodes at once: thumbnails are for a few moderators, and
	// must not take the cores the scans need.
	DefaultDecodes = 2
	// DefaultTimeout bounds one decode (checked inside the decoders).
	DefaultTimeout = 5 * time.Second
)

// Config configures a Maker. Zero fields take the defaults.
type Config struct {
	Dir        string       // the cache directory (created)
	CacheBytes int64        // the cache's bound on disk
	Limits     image.Limits // the scan's header limits (zero: the decoder's defaults)
	// Memory is the decode memory budget thumbnails reserve from before
	// they decode: the process's one budget, shared with the scans (nil:
	// a budget of two DefaultMaxImageBytes of their own).
	Memory        *membudget.Budget
	MaxImageBytes int64 // the most one thumbnail may reserve; more is a placeholder
	Decodes       int   // decodes at once; past it, ErrBusy
	Timeout       time.Duration
	Registerer    prometheus.Registerer
	Logger        *slog.Logger
}

// ErrBusy: the decode slots or the memory budget are all taken; retry
// shortly (the HTTP answer is 503).
var ErrBusy = errors.New("thumbnails are busy: retry shortly")

// Thumb is a thumbnail, a placeholder, or word to serve the original.
type Thumb struct {
	Body        []byte
	ContentType string // image/jpeg or image/svg+xml
	// Reason is why a placeholder stands in for the thumbnail (too_large,
	// too_complex, corrupt, …); "" for a thumbnail.
	Reason string
	// Original: the image is no larger than the side asked for; serve it.
	Original bool
}

// Maker makes and caches thumbnails. It is safe for concurrent use.
type Maker struct {
	cfg    Config
	cache  *cache
	flight singleflight.Group
	slots  chan struct{}
	m      metrics
	log    *slog.Logger
	// decode is image.Thumbnail; tests replace it to count and hold decodes.
	decode func(ctx context.Context, data []byte, lim image.Limits, maxSide int) (image.Info, *goimage.Gray, error)
}

type metrics struct {
	results *prometheus.CounterVec
	decodes prometheus.Counter
}

// New opens the cache directory and builds a Maker.
func New(cfg Config) (*Maker, error) {
	if cfg.Dir == "" {
		return nil, errors.New("thumbs: no cache directory")
	}
	if cfg.CacheBytes <= 0 {
		cfg.CacheBytes = DefaultCacheBytes
	}
	if cfg.Limits == (image.Limits{}) {
		cfg.Limits = decoder.New(decoder.Config{}).Limits()
	}
	if cfg.MaxImageBytes <= 0 {
		cfg.MaxImageBytes = DefaultMaxImageBytes
	}
	if cfg.Memory == nil {
		cfg.Memory = membudget.New(2 * cfg.MaxImageBytes)
	}
	if cfg.Decodes <= 0 {
		cfg.Decodes = DefaultDecodes
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Registerer == nil {
		cfg.Registerer = prometheus.NewRegistry()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	c, err := openCache(cfg.Dir, cfg.CacheBytes)
	if err != nil {
		return nil, err
	}
	f := promauto.With(cfg.Registerer)
	m := &Maker{
		cfg: cfg, cache: c, slots: make(chan struct{}, cfg.Decodes), log: cfg.Logger,
		decode: thumbnail,
		m: metrics{
			results: f.NewCounterVec(prometheus.CounterOpts{
				Name: "qrgate_review_thumbnails_total",
				Help: "Thumbnail requests, by result: made, cached, placeholder, original (small enough to serve as is), busy (503).",
			}, []string{"result"}),
			decodes: f.NewCounter(prometheus.CounterOpts{
				Name: "qrgate_review_thumbnail_decodes_total",
				Help: "Images decoded to make thumbnails (one per image and size: the rest are cache hits or shared).",
			}),
		},
	}
	for _, r := range []string{"made", "cached", "placeholder", "original", "busy"} {
		m.m.results.WithLabelValues(r)
	}
	return m, nil
}

// Side is the long side a request for side pixels gets (Sides).
func Side(side int) int {
	if side <= 0 {
		return DefaultSide
	}
	for _, s := range Sides {
		if side <= s {
			return s
		}
	}
	return Sides[len(Sides)-1]
}

// Get returns the thumbnail of data (whose SHA-256 is sha) with its long
// side at most Side(side): from the cache, or made now — once, however
// many requests ask for it at the same time. It returns ErrBusy when the
// decodes or the memory are all taken, and ctx's error when ctx ends
// first.
func (m *Maker) Get(ctx context.Context, sha string, side int, data []byte) (Thumb, error) {
	side = Side(side)
	if t, ok := m.cache.get(sha, side); ok {
		m.m.results.WithLabelValues("cached").Inc()
		return t, nil
	}
	ch := m.flight.DoChan(fmt.Sprintf("%s-%d", sha, side), func() (any, error) {
		if t, ok := m.cache.get(sha, side); ok { // made by a flight that just ended
			return t, nil
		}
		return m.make(sha, side, data)
	})
	select {
	case <-ctx.Done():
		return Thumb{}, ctx.Err()
	case r := <-ch:
		if r.Err != nil {
			if errors.Is(r.Err, ErrBusy) {
				m.m.results.WithLabelValues("busy").Inc()
			}
			return Thumb{}, r.Err
		}
		t := r.Val.(Thumb)
		switch {
		case t.Original:
			m.m.results.WithLabelValues("original").Inc()
		case t.Reason != "":
			m.m.results.WithLabelValues("placeholder").Inc()
		default:
			m.m.results.WithLabelValues("made").Inc()
		}
		return t, nil
	}
}

// Forget drops every cached thumbnail of sha (its image is gone).
func (m *Maker) Forget(sha string) { m.cache.forget(sha) }

// Sweep drops the cached thumbnails not used since before: the store's
// retention purges items, and a purged image's thumbnails, which nothing
// can ask for any more, go with them.
func (m *Maker) Sweep(before time.Time) (int, error) { return m.cache.sweep(before) }

// make is one thumbnail's work: the headers against the limits and the
// budget, then the decode (holding a slot and the memory), the resize and
// the encoding. What the limits decide is cached; a timeout is not.
func (m *Maker) make(sha string, side int, data []byte) (Thumb, error) {
	info, err := image.Inspect(data)
	if err == nil {
		err = m.cfg.Limits.Check(info)
	}
	if err != nil {
		return m.cached(sha, side, placeholder(info, side, err))
	}
	if max(info.Width, info.Height) <= side {
		return Thumb{Original: true}, nil
	}
	// The decode holds what the header says, and the thumbnail's steps
	// at most two more planes of under twice its side.
	need := info.Bytes + 8*int64(side)*int64(side)
	if need > m.cfg.MaxImageBytes {
		return m.cached(sha, side, placeholder(info, side, &image.Error{Kind: image.TooLarge,
			Message: fmt.Sprintf("a thumbnail of this %dx%d %s needs %d MiB to decode, over the %d MiB one thumbnail may use",
				info.Width, info.Height, info.Format, need>>20, m.cfg.MaxImageBytes>>20)}))
	}
	select {
	case m.slots <- struct{}{}:
		defer func() { <-m.slots }()
	default:
		return Thumb{}, ErrBusy
	}
	ctx, cancel := context.WithTimeout(context.Background(), m.cfg.Timeout)
	defer cancel()
	// No wait for memory: a moderator retries, the scans must not queue
	// behind a thumbnail.
	release, err := m.cfg.Memory.Acquire(ctx, need, 0)
	if err != nil {
		return Thumb{}, fmt.Errorf("%w: %v", ErrBusy, err)
	}
	defer release()
	m.m.decodes.Inc()
	t, err := m.render(ctx, data, side)
	var ie *image.Error
	switch {
	case errors.As(err, &ie) && ie.Kind == image.Interrupted:
		return placeholder(info, side, err), nil // the machine's load, not the image: not cached
	case err != nil:
		return m.cached(sha, side, placeholder(info, side, err))
	}
	return m.cached(sha, side, t)
}

// cached stores t in the cache (a failure to write only costs a decode
// next time) and returns it.
func (m *Maker) cached(sha string, side int, t Thumb) (Thumb, error) {
	if err := m.cache.put(sha, side, t); err != nil {
		m.log.Warn("thumbnail not cached", "sha256", sha, "err", err)
	}
	return t, nil
}
