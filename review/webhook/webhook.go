// Package webhook delivers the decisions feed to the operator's webhook
// (--decision-webhook): each decision's JSON, POSTed in feed order and
// signed with a shared secret, retried with capped exponential backoff
// until the receiver answers 2xx. Delivery runs in the background from the
// store: a moderator's decision commits first and never waits for it, and
// the delivery cursor is kept in the store, leased to one replica at a
// time, so a restart (or another replica) resumes where delivery stopped.
// Delivery is at least once: a receiver deduplicates by the decision's
// cursor.
package webhook

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/qrgate/qrgate/review/feed"
	"github.com/qrgate/qrgate/review/store"
)

// CursorName names the webhook's delivery cursor in the store.
const CursorName = "decision-webhook"

// Clock is time as the deliverer sees it; tests inject one that they
// advance themselves.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Config configures a Deliverer. Zero durations take the defaults.
type Config struct {
	URL    string // the operator's flag; never anything found in a payload
	Secret []byte
	// Timeout bounds one delivery attempt, connection to response (10 s).
	Timeout time.Duration
	// FirstRetry is the wait after the first failure (1 s); each further
	// failure doubles it, up to MaxRetry (5 min).
	FirstRetry, MaxRetry time.Duration
	// Poll is how often the feed is read when nothing woke the deliverer
	// (2 s): decisions made on other replicas are seen this late.
	Poll time.Duration
	// Lease is how long the delivery cursor stays with this process
	// without renewal (1 min) before another replica may take it over.
	Lease      time.Duration
	Clock      Clock        // nil: the wall clock
	Client     *http.Client // nil: one with Timeout that follows no redirects
	Logger     *slog.Logger
	Registerer prometheus.Registerer
}

// Defaults.
const (
	DefaultTimeout    = 10 * time.Second
	DefaultFirstRetry = time.Second
	DefaultMaxRetry   = 5 * time.Minute
	DefaultPoll       = 2 * time.Second
	DefaultLease      = time.Minute
)

// batch is how many decisions one feed read fetches.
const batch = 100

// maxResponse is how much of a receiver's answer is read (then discarded):
// enough to reuse the connection, never a large body.
const maxResponse = 4 << 10

// Deliverer posts the decisions feed to one webhook.
type Deliverer struct {
	cfg    Config
	feed   store.Feed
	holder string
	wake   chan struct{}
	log    *slog.Logger

	attempts *prometheus.CounterVec
	lag      prometheus.Gauge
}

// ErrConfig: the webhook's URL or secret is unusable.
var ErrConfig = errors.New("decision webhook")

// New validates cfg and builds a Deliverer reading f.
func New(f store.Feed, cfg Config) (*Deliverer, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: URL %q: want an absolute http:// or https:// URL", ErrConfig, cfg.URL)
	}
	if len(bytes.TrimSpace(cfg.Secret)) == 0 {
		return nil, fmt.Errorf("%w: no secret (--decision-webhook-secret-file): receivers could not tell qrgate's deliveries from forgeries", ErrConfig)
	}
	cfg = withDefaults(cfg)
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	f2 := promauto.With(cfg.Registerer)
	d := &Deliverer{
		cfg: cfg, feed: f, holder: hex.EncodeToString(b[:]), wake: make(chan struct{}, 1), log: cfg.Logger,
		attempts: f2.NewCounterVec(prometheus.CounterOpts{
			Name: "qrgate_decision_webhook_deliveries_total",
			Help: "Decision webhook delivery attempts, by result (ok: answered 2xx; error: anything else, retried).",
		}, []string{"result"}),
		lag: f2.NewGauge(prometheus.GaugeOpts{
			Name: "qrgate_decision_webhook_lag_seconds",
			Help: "Age of the oldest decision this replica is delivering and the webhook has not acknowledged (0 when caught up or another replica delivers).",
		}),
	}
	for _, r := range []string{"ok", "error"} {
		d.attempts.WithLabelValues(r)
	}
	return d, nil
}

func withDefaults(c Config) Config {
	set := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	set(&c.Timeout, DefaultTimeout)
	set(&c.FirstRetry, DefaultFirstRetry)
	set(&c.MaxRetry, DefaultMaxRetry)
	set(&c.Poll, DefaultPoll)
	set(&c.Lease, DefaultLease)
	if c.Clock == nil {
		c.Clock = realClock{}
	}
	if c.Client == nil {
		c.Client = &http.Client{
			Timeout: c.Timeout,
			// A redirect is a failure: the receiver is the operator's URL,
			// not wherever an answer points.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			Transport: &http.Transport{
				Proxy:                 http.ProxyFromEnvironment,
				DialContext:           (&net.Dialer{Timeout: c.Timeout}).DialContext,
				TLSHandshakeTimeout:   c.Timeout,
				ResponseHeaderTimeout: c.Timeout,
				MaxIdleConns:          2,
				IdleConnTimeout:       time.Minute,
			},
		}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Registerer == nil {
		c.Registerer = prometheus.NewRegistry()
	}
	return c
}

// Notify tells the deliverer a decision was made here, so it reads the
// feed now rather than at its next poll. It never blocks.
func (d *Deliverer) Notify() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

func (d *Deliverer) lease() store.Lease {
	return store.Lease{Name: CursorName, Holder: d.holder, Until: d.cfg.Clock.Now().Add(d.cfg.Lease)}
}

// Run delivers until ctx ends, then hands the cursor back so that another
// process can take over at once.
func (d *Deliverer) Run(ctx context.Context) {
	last := int64(-1)
	defer func() {
		if last < 0 {
			return
		}
		rctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		l := d.lease()
		l.Until = time.Time{}
		d.feed.AdvanceDelivery(rctx, l, last) //nolint:errcheck // the lease lapses by itself otherwise
	}()
	for ctx.Err() == nil {
		pos, err := d.feed.ClaimDelivery(ctx, d.lease(), d.cfg.Clock.Now())
		if err != nil {
			d.lag.Set(0)
			if !errors.Is(err, store.ErrLeased) && ctx.Err() == nil {
				d.log.Error("decision webhook: cannot claim the delivery cursor", "err", err)
			}
			d.idle(ctx)
			continue
		}
		last = pos
		entries, err := d.feed.Decisions(ctx, pos, batch)
		if err != nil {
			if ctx.Err() == nil {
				d.log.Error("decision webhook: cannot read the decisions feed", "err", err)
			}
			d.idle(ctx)
			continue
		}
		if len(entries) == 0 {
			d.lag.Set(0)
			d.idle(ctx)
			continue
		}
		for _, e := range entries {
			if !d.deliver(ctx, e) {
				break
			}
			if err := d.feed.AdvanceDelivery(ctx, d.lease(), e.Seq); err != nil {
				if ctx.Err() == nil {
					d.log.Warn("decision webhook: delivered, but the cursor did not move (it is delivered again)", "cursor", feed.EncodeCursor(e.Seq), "err", err)
				}
				break
			}
			last = e.Seq
		}
	}
}

// idle waits for a poll interval, a Notify or the end.
func (d *Deliverer) idle(ctx context.Context) {
	select {
	case <-ctx.Done():
	case <-d.wake:
	case <-d.cfg.Clock.After(d.cfg.Poll):
	}
}

// deliver posts e until the receiver acknowledges it. It returns false
// when ctx ended or the cursor's lease was lost to another holder.
func (d *Deliverer) deliver(ctx context.Context, e store.FeedEntry) bool {
	body, err := json.Marshal(feed.FromEntry(e))
	if err != nil { // a struct of strings, numbers and a time: cannot fail
		panic(err)
	}
	wait := d.cfg.FirstRetry
	for attempt := 1; ; attempt++ {
		d.lag.Set(max(0, d.cfg.Clock.Now().Sub(e.DecidedAt).Seconds()))
		err := d.post(ctx, body)
		if err == nil {
			d.attempts.WithLabelValues("ok").Inc()
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		d.attempts.WithLabelValues("error").Inc()
		d.log.Warn("decision webhook: delivery failed; retrying", "cursor", feed.EncodeCursor(e.Seq), "attempt", attempt, "retry_in", wait.String(), "err", err)
		select {
		case <-ctx.Done():
			return false
		case <-d.cfg.Clock.After(wait):
		}
		wait = min(2*wait, d.cfg.MaxRetry)
		pos, err := d.feed.ClaimDelivery(ctx, d.lease(), d.cfg.Clock.Now())
		if err != nil || pos >= e.Seq {
			return false // another holder has it now, or delivered it
		}
	}
}

// post makes one signed delivery attempt; nil means the receiver answered 2xx.
func (d *Deliverer) post(ctx context.Context, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, d.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	ts := strconv.FormatInt(d.cfg.Clock.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "qrgate-decision-webhook")
	req.Header.Set("X-Qrgate-Timestamp", ts)
	req.Header.Set("X-Qrgate-Signature", Sign(d.cfg.Secret, ts, body))
	resp, err := d.cfg.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponse)) //nolint:errcheck // only to reuse the connection
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("the receiver answered %s", resp.Status)
	}
	return nil
}
