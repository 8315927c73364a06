package gateway

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttpadaptor"

	"github.com/qrgate/qrgate/internal/apierror"
	"github.com/qrgate/qrgate/policy"
)

// handleAdmin routes the admin listener: metrics and probes (open), the
// policy endpoints (authenticated), and everything else to the review
// service, which authenticates its own routes.
func (g *Gateway) handleAdmin(ctx *fasthttp.RequestCtx) {
	path := string(ctx.Path())
	switch {
	case path == "/metrics":
		g.metrics(ctx)
	case path == "/healthz":
		g.handleHealth(ctx)
	case path == "/readyz":
		g.handleReady(ctx)
	case path == "/":
		// Someone opening the admin address in a browser wants the page.
		// A relative Location: behind a proxy the host we see is not the
		// one the browser used (ctx.Redirect would make it absolute).
		ctx.Response.Header.Set(fasthttp.HeaderLocation, "/ui/")
		ctx.SetStatusCode(fasthttp.StatusFound)
	case path == "/admin" || strings.HasPrefix(path, "/admin/"):
		if err := g.handleAdminPolicy(ctx, path); err != nil {
			writeError(ctx, apierror.As(err))
		}
	default:
		g.admin(ctx)
	}
}

func (g *Gateway) handleAdminPolicy(ctx *fasthttp.RequestCtx, path string) error {
	var method string
	switch path {
	case "/admin/policy/reload":
		method = fasthttp.MethodPost
	case "/admin/policy":
		method = fasthttp.MethodGet
	default:
		return apierror.NotFound("no such endpoint")
	}
	who, err := g.auth(ctx)
	if err != nil {
		return err
	}
	if string(ctx.Method()) != method {
		return apierror.MethodNotAllowed(ctx, method)
	}
	if method == fasthttp.MethodGet {
		writeJSON(ctx, http.StatusOK, map[string]string{"version": g.pol.Get().Version(), "file": g.pol.Path()})
		return nil
	}
	p, err := g.ReloadPolicy("admin:" + who)
	switch {
	case errors.Is(err, policy.ErrNoFile):
		return &apierror.Error{Status: http.StatusConflict, Code: apierror.CodeNoPolicyFile, Message: err.Error()}
	case err != nil:
		return &apierror.Error{Status: http.StatusBadRequest, Code: apierror.CodeInvalidPolicy, Message: err.Error() + " (the policy in force is unchanged)"}
	}
	writeJSON(ctx, http.StatusOK, map[string]string{"version": p.Version(), "file": g.pol.Path()})
	return nil
}

func (g *Gateway) handleHealth(ctx *fasthttp.RequestCtx) {
	writeJSON(ctx, http.StatusOK, map[string]string{"status": "ok"})
}

// handleReady answers 200 when a scan can be served and answered: a policy
// is loaded, the review store is reachable (or failing open) and the
// process is not shutting down.
func (g *Gateway) handleReady(ctx *fasthttp.RequestCtx) {
	var reasons []string
	if g.stopping.Load() {
		reasons = append(reasons, "shutting down")
	}
	if g.pol.Get() == nil {
		reasons = append(reasons, "no policy")
	}
	if err := g.storeReady(); err != nil && !g.cfg.StoreFailOpen {
		reasons = append(reasons, "review store: "+err.Error())
	}
	body := map[string]any{"status": "ready", "policy_version": g.pol.Get().Version()}
	status := http.StatusOK
	if len(reasons) > 0 {
		body["status"], body["reasons"] = "not_ready", reasons
		status = http.StatusServiceUnavailable
	}
	writeJSON(ctx, status, body)
}

var errRecentStoreFailure = errors.New("a flagged listing failed to persist recently")

func (g *Gateway) storeReady() error {
	if t := g.storeFailed.Load(); t != 0 && g.now().Sub(time.Unix(0, t)) < storeCooldown {
		return errRecentStoreFailure
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	return g.rec.Ready(ctx)
}

func metricsHandler(gt prometheus.Gatherer) fasthttp.RequestHandler {
	return fasthttpadaptor.NewFastHTTPHandler(promhttp.HandlerFor(gt, promhttp.HandlerOpts{
		ErrorHandling: promhttp.ContinueOnError, MaxRequestsInFlight: 4,
	}))
}
