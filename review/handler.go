package review

import (
	"context"
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/qrgate/qrgate/internal/apierror"
)

// pageCSP is the web page's Content-Security-Policy: scripts, styles and
// images only from this origin, no inline script or style, no framing, and
// forms post only back here.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// AdminHandler serves the review API (/v1/reviews…, /v1/images/…, /v1/audit,
// /v1/payloads/…) and the web page (/ui/…) on the admin listener.
func (s *Service) AdminHandler(ctx *fasthttp.RequestCtx) {
	h := &ctx.Response.Header
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cache-Control", "no-store")
	path := string(ctx.URI().PathOriginal())
	switch {
	case path == "/ui" || strings.HasPrefix(path, "/ui/"):
		h.Set("Content-Security-Policy", pageCSP)
		s.serveUI(ctx, path)
	case strings.HasPrefix(path, "/v1/"):
		s.serveAPI(ctx)
	default:
		apierror.Write(ctx, apierror.NotFound("no such endpoint"), "qrgate review")
	}
}

// storeTimeout bounds one request's store calls.
const storeTimeout = 10 * time.Second

// storeContext is the context store calls run under. It is not the
// *fasthttp.RequestCtx: database/sql watches a query's context from a
// goroutine that can outlive the handler, and fasthttp recycles the
// RequestCtx as soon as the handler returns (a data race the race detector
// caught).
func storeContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), storeTimeout)
}
