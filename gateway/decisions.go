package gateway

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/qrgate/qrgate/internal/apierror"
	"github.com/qrgate/qrgate/review/feed"
	"github.com/qrgate/qrgate/review/store"
)

// DecisionFeed reads moderators' decisions in commit order (the review
// store's feed): what GET /v1/decisions serves to the upload pipeline.
type DecisionFeed interface {
	Decisions(ctx context.Context, after int64, limit int) ([]store.FeedEntry, error)
}

// feedTimeout bounds one feed read.
const feedTimeout = 10 * time.Second

// handleDecisions serves GET /v1/decisions?after=CURSOR&limit=N. It needs
// API keys: the feed tells whoever reads it which listings moderators
// rejected and why, which an open API would tell everyone.
func (g *Gateway) handleDecisions(ctx *fasthttp.RequestCtx) error {
	if !ctx.IsGet() && !ctx.IsHead() {
		return apierror.MethodNotAllowed(ctx, "GET")
	}
	if g.feed == nil {
		return apierror.NotFound("no such endpoint")
	}
	if g.keys == nil {
		return &apierror.Error{Status: fasthttp.StatusForbidden, Code: apierror.CodeAPIKeysRequired,
			Message: "the decisions feed needs API keys: start qrgate with --api-keys-file"}
	}
	if _, err := g.checkKey(ctx); err != nil {
		return err
	}
	q := ctx.QueryArgs()
	after, err := feed.DecodeCursor(string(q.Peek("after")))
	if err != nil {
		return apierror.BadRequest(apierror.CodeBadCursor, "after: %v; send \"next\" from an earlier answer, or nothing to start from the beginning", err)
	}
	limit := store.DefaultFeedLimit
	if l := q.Peek("limit"); len(l) > 0 {
		n, err := strconv.Atoi(string(l))
		if err != nil || n < 1 || n > store.MaxFeedLimit {
			return apierror.BadRequest(apierror.CodeBadRequest, "limit %.20q: want 1 to %d", l, store.MaxFeedLimit)
		}
		limit = n
	}
	// Not ctx: database/sql watches a context from a goroutine that can
	// outlive the handler, and fasthttp recycles ctx when it returns.
	sctx, cancel := context.WithTimeout(context.Background(), feedTimeout)
	defer cancel()
	entries, err := g.feed.Decisions(sctx, after, limit)
	if err != nil {
		if !errors.Is(err, store.ErrUnavailable) {
			err = errors.Join(store.ErrUnavailable, err)
		}
		return apierror.Unavailable(apierror.CodeStoreUnavailable, "the review store cannot be read; retry later", g.cfg.RetryAfter, err)
	}
	writeJSON(ctx, fasthttp.StatusOK, feed.NewPage(after, entries))
	return nil
}
