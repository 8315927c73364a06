package gateway

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/qrgate/qrgate/internal/apierror"
	"github.com/qrgate/qrgate/internal/throttle"
	"github.com/qrgate/qrgate/policy"
	"github.com/qrgate/qrgate/review/store"
)

// handlePublic routes the public listener.
func (g *Gateway) handlePublic(ctx *fasthttp.RequestCtx) {
	switch string(ctx.Path()) {
	case "/v1/scan":
		err := g.handleScan(ctx)
		if err != nil {
			e := apierror.As(err)
			if e.Status >= 500 && e.Status != fasthttp.StatusServiceUnavailable {
				g.log.Error("scan failed", "err", err)
			}
			writeError(ctx, e)
		}
		g.m.request(ctx.Response.StatusCode())
	case "/v1/decisions":
		if err := g.handleDecisions(ctx); err != nil {
			writeError(ctx, apierror.As(err))
		}
		g.m.request(ctx.Response.StatusCode())
	case "/healthz":
		g.handleHealth(ctx)
	case "/readyz":
		g.handleReady(ctx)
	default:
		g.m.request(fasthttp.StatusNotFound)
		writeError(ctx, apierror.NotFound("no such endpoint"))
	}
}

func (g *Gateway) handleScan(ctx *fasthttp.RequestCtx) error {
	if !ctx.IsPost() {
		return apierror.MethodNotAllowed(ctx, fasthttp.MethodPost)
	}
	client, err := g.checkKey(ctx)
	if err != nil {
		return err
	}
	if g.stopping.Load() {
		g.m.rejected.WithLabelValues(reasonShutdown).Inc()
		return apierror.Unavailable(apierror.CodeShuttingDown, "shutting down", g.cfg.RetryAfter, nil)
	}
	start := time.Now()
	req, release, err := g.parse(ctx)
	if err != nil {
		return err
	}
	defer release()
	g.m.inflight.Inc()
	defer g.m.inflight.Dec()
	pol := g.pol.Get() // one snapshot for the whole listing
	// Not ctx: fasthttp cancels it at shutdown, and in-flight scans are to finish.
	res, err := g.scanListing(context.Background(), pol, req)
	if err != nil {
		reason := reasonQueueFull
		switch {
		case errors.Is(err, ErrQueueTimeout):
			reason = reasonQueueTimeout
		case errors.Is(err, ErrDecodeMemory):
			reason = reasonDecodeMemory
		}
		g.m.rejected.WithLabelValues(reason).Inc()
		return apierror.Unavailable(apierror.CodeOverloaded, "overloaded: "+err.Error()+"; retry later", g.cfg.RetryAfter, err)
	}
	scanID := newScanID()
	resp := &scanResponse{
		ScanID: scanID, ListingID: req.ListingID, SellerID: req.SellerID, Verdict: res.Verdict,
		PolicyVersion: pol.Version(), Findings: res.Findings, Images: make([]imageResponse, len(res.Images)),
	}
	for i, im := range res.Images {
		resp.Images[i] = imageResponse{
			Image: i, Name: res.Names[i], Format: im.Format, Width: im.Width, Height: im.Height, Frames: im.Frames,
			Codes: im.Codes, Error: im.Error, Partial: im.Partial, Cached: im.Cached, ElapsedMS: ms(im.Elapsed.Nanoseconds()),
		}
	}
	if pol.NeedsReview(res.Verdict) {
		stored, truncated, err := g.record(context.Background(), scanID, client, req, res)
		if err != nil {
			return err
		}
		resp.ReviewStored = &stored
		if stored {
			resp.ReviewTruncated = &truncated
		}
	}
	elapsed := time.Since(start)
	resp.ElapsedMS = ms(elapsed.Nanoseconds())
	g.m.scanDuration.Observe(elapsed.Seconds())
	g.m.scans.WithLabelValues(string(res.Verdict)).Inc()
	for _, f := range res.Findings {
		g.m.findings.WithLabelValues(f.Source, f.Category, string(f.Action)).Inc()
	}
	if res.Verdict != policy.Allow {
		g.log.Info("scan", "scan_id", scanID, "listing_id", req.ListingID, "seller_id", req.SellerID,
			"verdict", res.Verdict, "findings", len(res.Findings), "images", len(res.Images), "elapsed_ms", resp.ElapsedMS)
	}
	writeJSON(ctx, fasthttp.StatusOK, resp)
	return nil
}

// checkKey checks the API key under the throttle: a client address or a
// key that failed too often is refused (429) without the key being
// checked, and each wrong key counts against both (a right one clears
// only its own). An open API (no keys)
// has nothing to guess. It returns who the client is for the review
// store's per-client quota: the key's identity, or with no keys the
// client's address.
func (g *Gateway) checkKey(ctx *fasthttp.RequestCtx) (string, error) {
	client := g.proxies.ClientOf(ctx)
	if g.keys == nil {
		return throttle.AddrKey(client), nil
	}
	auth := ctx.Request.Header.Peek("Authorization")
	secret := throttle.SecretKey(string(auth))
	keys := []string{throttle.AddrKey(client), secret}
	if wait := g.guard.Wait(keys...); wait > 0 {
		g.m.authThrottled.Inc()
		return "", apierror.TooManyRequests("too many failed attempts; retry later", wait)
	}
	id, ok := g.keys.Identify(auth)
	if !ok {
		g.m.authFailures.Inc()
		if wait, started := g.guard.Fail(keys...); started {
			g.log.Warn("API key failures: client throttled", "client", client.String(), "retry_after", wait.String())
		}
		return "", &apierror.Error{Status: fasthttp.StatusUnauthorized, Code: apierror.CodeUnauthorized, Message: "missing or invalid API key"}
	}
	// Only the key that succeeded is cleared: clearing the address too
	// would give a client holding one valid key unlimited guesses.
	g.guard.Succeed(secret)
	return id, nil
}

// parse reads the request in whichever of the three forms it comes.
// The body's bytes count against the in-flight budget until the caller
// calls release (the parsed request points into them).
func (g *Gateway) parse(ctx *fasthttp.RequestCtx) (*scanRequest, func(), error) {
	mt, params := mediaType(string(ctx.Request.Header.ContentType()))
	var parse func(body []byte) (*scanRequest, error)
	switch {
	case mt == "application/json":
		parse = func(body []byte) (*scanRequest, error) { return parseJSON(body, g.lim) }
	case mt == "multipart/form-data":
		parse = func(body []byte) (*scanRequest, error) { return parseMultipart(body, params["boundary"], g.lim) }
	case mt == "application/octet-stream" || strings.HasPrefix(mt, "image/"):
		q := ctx.QueryArgs()
		parse = func(body []byte) (*scanRequest, error) {
			return rawRequest(string(q.Peek("listing_id")), string(q.Peek("seller_id")), string(q.Peek("name")), body, g.lim)
		}
	default:
		return nil, nil, &apierror.Error{Status: fasthttp.StatusUnsupportedMediaType, Code: apierror.CodeUnsupportedType,
			Message: "send application/json, multipart/form-data, image/* or application/octet-stream"}
	}
	body, release, err := g.readBody(ctx)
	if err != nil {
		return nil, nil, err
	}
	req, err := parse(body)
	if err != nil {
		release()
		return nil, nil, err
	}
	return req, release, nil
}

// record persists a flagged listing before it is answered. It reports
// whether the record was stored, and whether without part of itself (a
// quota); an error means "answer 503" (fail-closed).
func (g *Gateway) record(ctx context.Context, scanID, client string, req *scanRequest, res *listingResult) (stored, truncated bool, err error) {
	rec := &store.Record{
		ScanID: scanID, ListingID: req.ListingID, SellerID: req.SellerID, Verdict: res.Verdict,
		PolicyVersion: res.Policy.Version(), Texts: req.Texts, Findings: res.Findings, ScannedAt: g.now(),
		Client: client, ByAddress: g.keys == nil,
	}
	// Every image of the listing is kept, not only the flagged ones: a
	// listing flagged for its text is judged with its photos too. The
	// store's quotas bound what they cost (an image over one is kept as
	// its hash and size); the image's scan error goes with it, so that
	// the page can say why an image could not be read.
	for i, im := range res.Images {
		si := store.Image{
			Index: i, Name: res.Names[i], SHA256: hex.EncodeToString(res.Hashes[i][:]), Format: im.Format,
			Width: im.Width, Height: im.Height,
			Data: bytes.Clone(req.Images[i].Data), // the request body is fasthttp's: copy what is kept
		}
		if im.Error != nil {
			si.ErrorCode, si.ErrorMessage = string(im.Error.Code), im.Error.Message
		}
		rec.Images = append(rec.Images, si)
	}
	rctx, cancel := context.WithTimeout(ctx, g.cfg.RecordTimeout)
	defer cancel()
	err = g.rec.Record(rctx, rec)
	if err == nil {
		g.storeFailed.Store(0)
		g.m.reviewsStored.Inc()
		return true, rec.Truncated != nil, nil
	}
	g.m.reviewErrors.Inc()
	g.storeFailed.Store(g.now().UnixNano())
	if g.cfg.StoreFailOpen {
		g.m.reviewsUnstored.Inc()
		g.log.Error("review store failed; answering without storing (--store-fail-open)", "scan_id", scanID, "listing_id", req.ListingID, "err", err)
		return false, false, nil
	}
	g.log.Error("review store failed; refusing the scan", "scan_id", scanID, "listing_id", req.ListingID, "err", err)
	g.m.rejected.WithLabelValues(reasonStore).Inc()
	return false, false, apierror.Unavailable(apierror.CodeStoreUnavailable, "the review store cannot persist this listing; retry later", g.cfg.RetryAfter, err)
}

func newScanID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	return hex.EncodeToString(b[:])
}
