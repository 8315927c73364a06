package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/valyala/fasthttp"

	"github.com/qrgate/qrgate/decoder"
	"github.com/qrgate/qrgate/internal/apierror"
	"github.com/qrgate/qrgate/internal/throttle"
	"github.com/qrgate/qrgate/membudget"
	"github.com/qrgate/qrgate/policy"
	"github.com/qrgate/qrgate/review/store"
)

// Recorder persists flagged listings. Record must not return before the
// record is durable, and is idempotent by ScanID; Ready reports whether
// records can be persisted now (/readyz). The gateway knows the store only
// through it, so it links no database driver: the backend is the command's
// choice.
type Recorder interface {
	Record(ctx context.Context, r *store.Record) error
	Ready(ctx context.Context) error
}

// Options are the gateway's configuration and dependencies.
type Options struct {
	Config  Config
	Decoder decoder.Config // limits of one decode; the gateway counts and logs panics before OnPanic
	// DecodeMemory is the budget every decode reserves its bytes from
	// before it allocates (shared with other decoding, such as review
	// thumbnails); nil makes one of Config.MaxDecodeMemory bytes.
	DecodeMemory *membudget.Budget
	Policy       *policy.Holder
	APIKeys      *APIKeys // nil: the public API is open
	// Recorder persists flagged listings before they are answered.
	Recorder Recorder
	// Decisions serves GET /v1/decisions; nil answers 404.
	Decisions DecisionFeed
	// Admin serves what the admin listener does not route itself (the
	// review API and pages); nil answers 404.
	Admin fasthttp.RequestHandler
	// Authenticate protects /admin/… on the admin listener: the caller's
	// name, or the error to answer (an *apierror.Error: 401, 403, 429);
	// nil refuses all.
	Authenticate func(*fasthttp.RequestCtx) (string, error)
	// Throttle counts failed API keys per client address and per key
	// (429 with Retry-After past a few); nil makes one.
	Throttle *throttle.Limiter
	// TrustedProxies are the load balancers whose X-Forwarded-For names
	// the client Throttle counts.
	TrustedProxies throttle.Proxies
	Logger         *slog.Logger
	Registerer     prometheus.Registerer
	Gatherer       prometheus.Gatherer // served on /metrics
	Now            func() time.Time

	// decode replaces the decoder's Decode (tests: an instrumented decode
	// that observes how many run at once); nil uses the Decoder.
	decode func(context.Context, []byte) (*decoder.Result, error)
}

// Gateway is the HTTP service. Build it with New, run it with Run.
type Gateway struct {
	cfg Config
	lim limits
	dec *decoder.Decoder
	// decodeImage is dec.Decode unless Options.decode replaces it.
	decodeImage func(context.Context, []byte) (*decoder.Result, error)
	pol         *policy.Holder
	keys        *APIKeys
	rec         Recorder
	feed        DecisionFeed
	admin       fasthttp.RequestHandler
	auth        func(*fasthttp.RequestCtx) (string, error)
	guard       *throttle.Limiter
	proxies     throttle.Proxies
	log         *slog.Logger
	m           *metrics
	body        *bodyBudget
	pool        *pool
	mem         *membudget.Budget
	cache       *cache
	now         func() time.Time
	metrics     fasthttp.RequestHandler

	stopping    atomic.Bool
	storeFailed atomic.Int64 // unix nanos of the last failed Record, 0 if none since a success
}

// storeCooldown is how long /readyz stays not ready after a failed Record,
// even if the store's own readiness check passes again.
const storeCooldown = 5 * time.Second

// ErrMissingDependency is returned by New when a required option is nil.
var ErrMissingDependency = errors.New("gateway: missing dependency")

// New validates the options and builds the gateway.
func New(o Options) (*Gateway, error) {
	cfg := o.Config.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if o.Policy == nil || o.Recorder == nil || o.Registerer == nil || o.Gatherer == nil {
		return nil, fmt.Errorf("%w: Policy, Recorder, Registerer and Gatherer are required", ErrMissingDependency)
	}
	g := &Gateway{
		cfg: cfg, lim: cfg.limits(), pol: o.Policy, keys: o.APIKeys, rec: o.Recorder, feed: o.Decisions,
		admin: o.Admin, auth: o.Authenticate, log: o.Logger, now: o.Now, guard: o.Throttle, proxies: o.TrustedProxies,
		cache: newCache(cfg.CacheEntries), body: &bodyBudget{max: int64(cfg.MaxBodyBytesInFlight)},
	}
	if g.log == nil {
		g.log = slog.New(slog.DiscardHandler)
	}
	if g.now == nil {
		g.now = time.Now
	}
	if g.admin == nil {
		g.admin = func(ctx *fasthttp.RequestCtx) {
			writeError(ctx, &apierror.Error{Status: 404, Code: apierror.CodeNotFound, Message: "no such endpoint"})
		}
	}
	if g.auth == nil {
		g.auth = func(*fasthttp.RequestCtx) (string, error) {
			return "", &apierror.Error{Status: http.StatusUnauthorized, Code: apierror.CodeUnauthorized, Message: "no authentication configured"}
		}
	}
	if g.guard == nil {
		g.guard = throttle.New(throttle.Config{})
	}
	g.m = newMetrics(o.Registerer)
	g.dec = decoder.New(g.decoderConfig(o.Decoder))
	g.decodeImage = o.decode
	if g.decodeImage == nil {
		g.decodeImage = g.dec.Decode
	}
	g.pool = newPool(cfg.Workers, cfg.QueueSize, cfg.QueueTimeout, g.m.queueDepth)
	g.mem = o.DecodeMemory
	if g.mem == nil {
		g.mem = membudget.New(cfg.MaxDecodeMemory)
	}
	o.Registerer.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "qrgate_decode_memory_reserved_bytes", Help: "Bytes of the decode memory budget reserved by the decodes in progress.",
	}, func() float64 { return float64(g.mem.InUse()) }))
	o.Registerer.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "qrgate_decode_memory_budget_bytes", Help: "The decode memory budget (--max-decode-memory).",
	}, func() float64 { return float64(g.mem.Max()) }))
	g.metrics = metricsHandler(o.Gatherer)
	g.m.policyInfo.WithLabelValues(g.pol.Get().Version()).Set(1)
	g.pol.Observe(g.onPolicySwap, g.onPolicyResult)
	return g, nil
}

// decoderConfig is cfg with a panic hook that counts and logs what the
// decoder contained, after cfg's own hook if it has one.
func (g *Gateway) decoderConfig(cfg decoder.Config) decoder.Config {
	own := cfg.OnPanic
	cfg.OnPanic = func(r any) {
		g.m.decoderPanics.Inc()
		g.log.Error("decoder panic contained", "panic", r)
		if own != nil {
			own(r)
		}
	}
	return cfg
}

func (g *Gateway) onPolicySwap(old, p *policy.Policy) {
	if old != nil && old.Version() != p.Version() {
		g.m.policyInfo.DeleteLabelValues(old.Version())
	}
	g.m.policyInfo.WithLabelValues(p.Version()).Set(1)
}

func (g *Gateway) onPolicyResult(err error) {
	if err != nil {
		g.m.policyReloads.WithLabelValues("error").Inc()
		return
	}
	g.m.policyReloads.WithLabelValues("ok").Inc()
}

// ReloadPolicy reloads the policy file (SIGHUP, the admin endpoint) and logs
// the outcome; on error the old policy stays.
func (g *Gateway) ReloadPolicy(trigger string) (*policy.Policy, error) {
	p, err := g.pol.Reload()
	if errors.Is(err, policy.ErrNoFile) {
		// Nothing to reload is not a failure of the service: SIGHUP also
		// reloads the API keys and moderators, and ops send it for those.
		g.log.Info("policy reload: the built-in policy is in use, nothing to reload", "trigger", trigger, "version", p.Version())
		return p, err
	}
	if err != nil {
		g.log.Error("policy reload refused; keeping the policy in force", "trigger", trigger, "err", err, "version", p.Version())
		return p, err
	}
	g.log.Info("policy reloaded", "trigger", trigger, "version", p.Version())
	return p, nil
}

func (g *Gateway) newServer(name string, h fasthttp.RequestHandler, maxBody int, stream bool) *fasthttp.Server {
	return &fasthttp.Server{
		Name:                         name,
		Handler:                      h,
		ErrorHandler:                 g.serverError,
		ReadTimeout:                  g.cfg.ReadTimeout,
		WriteTimeout:                 g.cfg.WriteTimeout,
		IdleTimeout:                  g.cfg.IdleTimeout,
		MaxRequestBodySize:           maxBody,
		StreamRequestBody:            stream, // the public API reads bodies itself: body.go
		Concurrency:                  g.cfg.MaxConns,
		CloseOnShutdown:              true,
		DisablePreParseMultipartForm: true, // parsed by parseMultipart, with its limits
		NoDefaultServerHeader:        true,
		Logger:                       fasthttpLogger{g.log},
		ExpectHandler:                g.expect(maxBody),
	}
}

// expect answers "Expect: 100-continue" before the body is sent: a
// declared length over the limit gets the documented 413 at once, and the
// client never sends the body (without it, fasthttp says Continue, the
// client sends, and the connection is cut mid-body).
func (g *Gateway) expect(maxBody int) func(*fasthttp.RequestCtx) int {
	return func(ctx *fasthttp.RequestCtx) int {
		if cl := ctx.Request.Header.ContentLength(); cl > maxBody {
			writeError(ctx, apierror.TooLarge(apierror.CodeBodyTooLarge, "body of %d bytes is over the limit of %d", cl, maxBody))
			g.m.request(fasthttp.StatusRequestEntityTooLarge)
			return fasthttp.StatusRequestEntityTooLarge
		}
		return fasthttp.StatusContinue
	}
}

// Run serves the public API on pub and the admin endpoints on admin until
// ctx ends, then shuts down gracefully: listeners close, in-flight requests
// get Config.ShutdownTimeout to finish. It returns nil after a clean
// shutdown.
func (g *Gateway) Run(ctx context.Context, pub, admin net.Listener) error {
	servers := []*fasthttp.Server{
		g.newServer("qrgate", g.handlePublic, g.cfg.MaxBody, true),
		g.newServer("qrgate-admin", g.handleAdmin, 1<<20, false),
	}
	lns := []net.Listener{pub, admin}
	errc := make(chan error, len(servers))
	var wg sync.WaitGroup
	for i, s := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Serve(lns[i]); err != nil {
				errc <- fmt.Errorf("serving %s: %w", lns[i].Addr(), err)
			}
		}()
	}
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	}
	g.stopping.Store(true)
	sctx, cancel := context.WithTimeout(context.Background(), g.cfg.ShutdownTimeout)
	defer cancel()
	for i, s := range servers {
		if err := s.ShutdownWithContext(sctx); err != nil && runErr == nil {
			runErr = fmt.Errorf("shutdown: %w", err)
		}
		// fasthttp skips listeners Serve has not registered yet: a shutdown
		// right after start would leave Serve running. Closing ours ends it.
		lns[i].Close()
	}
	wg.Wait()
	return runErr
}

// fasthttpLogger routes fasthttp's own messages to slog.
type fasthttpLogger struct{ l *slog.Logger }

func (f fasthttpLogger) Printf(format string, args ...any) {
	f.l.Warn("fasthttp", "msg", fmt.Sprintf(format, args...))
}
