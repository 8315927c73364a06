// Package review is the moderators' side of qrgate: a durable queue of
// flagged scans (review/store, with SQLite and PostgreSQL backends), the
// review API and the web page, both served on the admin listener.
//
// The gateway records every scan the policy says needs review through
// Recorder before it answers; moderators read and decide through
// AdminHandler, authenticated by a token from the moderators file or by the
// web page's session cookie (auth.go).
package review

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/qrgate/qrgate/decoder/image"
	"github.com/qrgate/qrgate/internal/filewatch"
	"github.com/qrgate/qrgate/internal/throttle"
	"github.com/qrgate/qrgate/membudget"
	"github.com/qrgate/qrgate/policy"
	"github.com/qrgate/qrgate/review/store"
	"github.com/qrgate/qrgate/review/thumbs"
	"github.com/qrgate/qrgate/review/ui"
)

// Image is one image of a flagged listing, stored content-addressed.
type Image = store.Image

// Record is one flagged scan, as the gateway hands it over before answering.
type Record = store.Record

// Errors a caller of Record can branch on (aliases of review/store's).
var (
	// ErrUnavailable: the store cannot persist now; answer 503, not 200.
	ErrUnavailable = store.ErrUnavailable
	// ErrInvalid: the record itself is wrong (no scan id, a bad hash).
	ErrInvalid = store.ErrInvalid
)

// Recorder persists flagged scans. Record must not return before the record
// is durable; it is idempotent by ScanID.
type Recorder interface {
	Record(ctx context.Context, r *Record) error
	// Ready reports whether records can be persisted now.
	Ready(ctx context.Context) error
}

// Options configures the review service.
type Options struct {
	// Store is the queue's persistence, opened by the caller (the backend
	// is the caller's choice); once Open succeeds the Service owns it and
	// closes it in Close.
	Store          store.Store
	DataDir        string // where a generated moderator token is written
	ModeratorsFile string // "name token" per line; "" to generate one token
	Logger         *slog.Logger
	Registerer     prometheus.Registerer
	Now            func() time.Time
	// RetryAfter is sent with 503s (the store cannot answer); 1 s when 0.
	RetryAfter time.Duration
	// Throttle counts failed moderator tokens; nil makes one. Give it
	// its own limiter, not the public API's: guesses at API keys must not
	// refuse moderators.
	Throttle *throttle.Limiter
	// TrustedProxies are the load balancers whose X-Forwarded-For names
	// the client that Throttle counts.
	TrustedProxies throttle.Proxies
	// Quotas are the store's (for the limit gauge).
	Quotas store.Quotas
	// RetainDecided is how long a decided item keeps its texts, findings
	// and images (0: for ever).
	RetainDecided time.Duration
	// MaintainEvery is how often the store is purged and its size read
	// for the metrics; 1 minute when 0.
	MaintainEvery time.Duration
	// ImageLimits are the scan's header limits, which thumbnails obey too
	// (zero: the decoder's defaults). Thumbnails are cached in
	// DataDir/thumbnails.
	ImageLimits image.Limits
	// DecodeMemory is the process's decode memory budget, which thumbnails
	// reserve from as the scans do (nil: one of their own).
	DecodeMemory *membudget.Budget
	// OnDecision, when set, is called after each decision commits (the
	// decision webhook's wake-up); it must not block.
	OnDecision func()
	// Policy, when set, is the policy in force (it may change on reload):
	// the queue's category filter offers its categories.
	Policy func() *policy.Policy
}

// Service is the review queue with its API and web page.
type Service struct {
	st         store.Store
	log        *slog.Logger
	now        func() time.Time
	modSet     atomic.Pointer[moderators]
	modFile    *filewatch.File // nil with the generated token
	reloadMu   sync.Mutex      // serialises moderator reloads
	thumbs     *thumbs.Maker
	tpl        *ui.Templates
	m          metrics
	retryAfter time.Duration
	lim        *throttle.Limiter
	proxies    throttle.Proxies
	retain     time.Duration
	stop       chan struct{}
	stopped    chan struct{}
	closeOnce  sync.Once
	closeErr   error
	onDecision func()
	policy     func() *policy.Policy
}

type metrics struct {
	records       *prometheus.CounterVec
	recordTime    prometheus.Histogram
	decisions     *prometheus.CounterVec
	authFailures  prometheus.Counter
	authThrottled prometheus.Counter
	notStored     *prometheus.CounterVec
	truncated     *prometheus.CounterVec
	storedBytes   prometheus.Gauge
	maxBytes      prometheus.Gauge
	purged        *prometheus.CounterVec
	maintainErrs  prometheus.Counter
	modReloads    *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer, q store.Quotas) metrics {
	f := promauto.With(reg)
	m := metrics{
		records: f.NewCounterVec(prometheus.CounterOpts{
			Name: "qrgate_review_records_total",
			Help: "Flagged scans handed to the review store, by result (stored, invalid, error).",
		}, []string{"result"}),
		recordTime: f.NewHistogram(prometheus.HistogramOpts{
			Name:    "qrgate_review_record_duration_seconds",
			Help:    "Time to persist a flagged scan durably (includes the group commit's fsync).",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}),
		decisions: f.NewCounterVec(prometheus.CounterOpts{
			Name: "qrgate_review_decisions_total",
			Help: "Moderator decisions, by decision and whether they overrode an earlier one.",
		}, []string{"decision", "override"}),
		authFailures: f.NewCounter(prometheus.CounterOpts{
			Name: "qrgate_review_auth_failures_total",
			Help: "Requests to the review API or page refused for a missing or wrong token.",
		}),
		authThrottled: f.NewCounter(prometheus.CounterOpts{
			Name: "qrgate_review_auth_throttled_total",
			Help: "Moderator token attempts refused with 429 because the client or the token failed too often.",
		}),
		notStored: f.NewCounterVec(prometheus.CounterOpts{
			Name: "qrgate_review_images_not_stored_total",
			Help: "Images of flagged listings queued without their bytes, by the quota that refused them (seller_quota, client_quota, store_full).",
		}, []string{"reason"}),
		truncated: f.NewCounterVec(prometheus.CounterOpts{
			Name: "qrgate_review_truncated_total",
			Help: "Flagged listings queued without part of themselves (texts past 64 KiB, image bytes), by the first quota that refused (seller_quota, client_quota, store_full).",
		}, []string{"reason"}),
		storedBytes: f.NewGauge(prometheus.GaugeOpts{
			Name: "qrgate_review_store_bytes",
			Help: "Bytes kept by the review store, images, texts and findings (what --store-max-bytes bounds), read every maintenance round.",
		}),
		maxBytes: f.NewGauge(prometheus.GaugeOpts{
			Name: "qrgate_review_store_max_bytes",
			Help: "The review store's byte limit (--store-max-bytes; 0: none).",
		}),
		purged: f.NewCounterVec(prometheus.CounterOpts{
			Name: "qrgate_review_purged_total",
			Help: "What retention purges removed: decided items emptied (items), images deleted (images), their bytes (bytes).",
		}, []string{"what"}),
		maintainErrs: f.NewCounter(prometheus.CounterOpts{
			Name: "qrgate_review_maintenance_errors_total",
			Help: "Maintenance rounds (purge, size) that failed.",
		}),
		modReloads: f.NewCounterVec(prometheus.CounterOpts{
			Name: "qrgate_review_moderators_reloads_total",
			Help: "Reloads of the moderators file (SIGHUP or a changed file), by result (ok, error: the moderators in force stay).",
		}, []string{"result"}),
	}
	for _, r := range []string{"ok", "error"} {
		m.modReloads.WithLabelValues(r)
	}
	for _, r := range store.Reasons {
		m.notStored.WithLabelValues(r)
		m.truncated.WithLabelValues(r)
	}
	for _, w := range []string{"items", "images", "bytes"} {
		m.purged.WithLabelValues(w)
	}
	m.maxBytes.Set(float64(q.TotalBytes))
	return m
}

// Open opens (creating and migrating) the store and loads moderators.
func Open(ctx context.Context, o Options) (*Service, error) {
	if o.Store == nil {
		return nil, errors.New("review: no store")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Registerer == nil {
		o.Registerer = prometheus.NewRegistry()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	tpl, err := ui.Parse()
	if err != nil {
		return nil, fmt.Errorf("review: %w", err)
	}
	st := o.Store
	if o.RetryAfter <= 0 {
		o.RetryAfter = time.Second
	}
	if o.Throttle == nil {
		o.Throttle = throttle.New(throttle.Config{})
	}
	if o.MaintainEvery <= 0 {
		o.MaintainEvery = time.Minute
	}
	s := &Service{
		st: st, log: o.Logger, now: o.Now, tpl: tpl, m: newMetrics(o.Registerer, o.Quotas),
		retryAfter: o.RetryAfter, lim: o.Throttle, proxies: o.TrustedProxies, retain: o.RetainDecided,
		stop: make(chan struct{}), stopped: make(chan struct{}), onDecision: o.OnDecision, policy: o.Policy,
	}
	if err := s.openModerators(o.ModeratorsFile, o.DataDir); err != nil {
		return nil, fmt.Errorf("review: %w", err)
	}
	if o.DataDir == "" {
		return nil, errors.New("review: no data dir to keep thumbnails in")
	}
	s.thumbs, err = thumbs.New(thumbs.Config{
		Dir: filepath.Join(o.DataDir, "thumbnails"), Limits: o.ImageLimits, Memory: o.DecodeMemory,
		Registerer: o.Registerer, Logger: o.Logger,
	})
	if err != nil {
		return nil, fmt.Errorf("review: %w", err)
	}
	go s.maintain(o.MaintainEvery)
	return s, nil
}

// Store is the underlying store (for tests and tools).
func (s *Service) Store() store.Store { return s.st }

// Recorder is what the gateway persists flagged scans through.
func (s *Service) Recorder() Recorder { return recorder{s} }

type recorder struct{ s *Service }

func (r recorder) Record(ctx context.Context, rec *Record) error {
	start := r.s.now()
	_, err := r.s.st.Put(ctx, rec)
	r.s.m.recordTime.Observe(r.s.now().Sub(start).Seconds())
	switch {
	case err == nil:
		r.s.m.records.WithLabelValues("stored").Inc()
		for _, im := range rec.Images {
			if im.NotStored != "" {
				r.s.m.notStored.WithLabelValues(im.NotStored).Inc()
			}
		}
		if rec.Truncated != nil {
			r.s.m.truncated.WithLabelValues(rec.Truncated.Reason).Inc()
		}
	case errors.Is(err, store.ErrInvalid):
		r.s.m.records.WithLabelValues("invalid").Inc()
	default:
		r.s.m.records.WithLabelValues("error").Inc()
	}
	return err
}

func (r recorder) Ready(ctx context.Context) error { return r.s.st.Ready(ctx) }

// maintain runs Maintain every interval until Close.
func (s *Service) maintain(every time.Duration) {
	defer close(s.stopped)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		s.Maintain()
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
	}
}

// Maintain is one maintenance round: decided items past retention and
// expired sessions are purged, and the store's size is read for the
// metrics (so that every replica of a shared store reports it).
func (s *Service) Maintain() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	now := s.now()
	before := time.Time{} // nothing is decided before the zero time: only sessions
	if s.retain > 0 {
		before = now.Add(-s.retain)
	}
	p, err := s.st.Purge(ctx, before, now)
	s.m.purged.WithLabelValues("items").Add(float64(p.Items))
	s.m.purged.WithLabelValues("images").Add(float64(p.Images))
	s.m.purged.WithLabelValues("bytes").Add(float64(p.Bytes))
	if p.Items > 0 {
		s.log.Info("review store: decided items purged", "items", p.Items, "images", p.Images, "bytes", p.Bytes, "decided_before", before)
	}
	if err != nil {
		s.m.maintainErrs.Inc()
		s.log.Error("review store: purge failed", "err", err)
	}
	if s.retain > 0 {
		// A purged image's thumbnails can no longer be asked for (the
		// store answers 404 first); they go once unused for as long.
		if _, err := s.thumbs.Sweep(now.Add(-s.retain)); err != nil {
			s.m.maintainErrs.Inc()
			s.log.Error("thumbnail cache: sweep failed", "err", err)
		}
	}
	n, err := s.st.StoredBytes(ctx)
	if err != nil {
		s.m.maintainErrs.Inc()
		s.log.Error("review store: size not read", "err", err)
		return
	}
	s.m.storedBytes.Set(float64(n))
}

// Close stops maintenance and releases the store.
func (s *Service) Close() error {
	s.closeOnce.Do(func() {
		close(s.stop)
		<-s.stopped
		s.closeErr = s.st.Close()
	})
	return s.closeErr
}
