package review

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/valyala/fasthttp"

	"github.com/qrgate/qrgate/internal/apierror"
	"github.com/qrgate/qrgate/review/store"
	"github.com/qrgate/qrgate/review/thumbs"
)

// maxNote bounds a decision's note.
const maxNote = 4000

// errorOf maps an error to its answer: an *apierror.Error as it is, the
// store's sentinels to their status and code, anything else to a 500.
func (s *Service) errorOf(err error) *apierror.Error {
	var ae *apierror.Error
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.Is(err, store.ErrNotStored):
		return apierror.NotFound("image bytes not stored (limit): the store kept the hash and size only")
	case errors.Is(err, store.ErrPurged):
		// Out of the queue and its counts like a missing item, but saying why.
		return &apierror.Error{Status: fasthttp.StatusNotFound, Code: apierror.CodePurged,
			Message: err.Error() + "; its decision stays in the audit log (GET /v1/audit)"}
	case errors.Is(err, store.ErrNotFound):
		return apierror.NotFound("%s", err.Error())
	case errors.Is(err, store.ErrAlreadyDecided):
		return &apierror.Error{Status: fasthttp.StatusConflict, Code: apierror.CodeAlreadyDecided,
			Message: err.Error() + `; send "override": true to change the decision`}
	case errors.Is(err, store.ErrInvalid):
		return apierror.BadRequest(apierror.CodeBadRequest, "%s", err.Error())
	case errors.Is(err, store.ErrUnavailable):
		return apierror.Unavailable(apierror.CodeStoreUnavailable, "the review store is unavailable; retry later", s.retryAfter, err)
	}
	return apierror.As(err)
}

func badRequest(format string, a ...any) error {
	return apierror.BadRequest(apierror.CodeBadRequest, format, a...)
}

func (s *Service) writeError(ctx *fasthttp.RequestCtx, err error) {
	e := s.errorOf(err)
	if e.Status >= 500 {
		s.log.Error("review API", "method", string(ctx.Method()), "path", string(ctx.Path()), "err", err)
	}
	apierror.Write(ctx, e, "qrgate review")
}

func writeJSON(ctx *fasthttp.RequestCtx, status int, v any) { apierror.WriteJSON(ctx, status, v) }

// serveAPI routes /v1/…; the caller has set the common security headers.
func (s *Service) serveAPI(ctx *fasthttp.RequestCtx) {
	name, err := s.authAPI(ctx)
	if err != nil {
		s.writeError(ctx, err)
		return
	}
	path := string(ctx.URI().PathOriginal())
	get := ctx.IsGet() || ctx.IsHead()
	switch {
	case path == "/v1/reviews" && get:
		err = s.apiList(ctx)
	case strings.HasPrefix(path, "/v1/reviews/") && strings.HasSuffix(path, "/decision"):
		if !ctx.IsPost() {
			err = apierror.MethodNotAllowed(ctx, "POST")
			break
		}
		err = s.apiDecide(ctx, name, strings.TrimSuffix(strings.TrimPrefix(path, "/v1/reviews/"), "/decision"))
	case strings.HasPrefix(path, "/v1/reviews/") && get:
		err = s.apiGet(ctx, strings.TrimPrefix(path, "/v1/reviews/"))
	case strings.HasPrefix(path, "/v1/images/") && get:
		err = s.serveImage(ctx, strings.TrimPrefix(path, "/v1/images/"))
	case path == "/v1/audit" && get:
		err = s.apiAudit(ctx)
	case strings.HasPrefix(path, "/v1/payloads/") && get:
		err = s.apiPayload(ctx, strings.TrimPrefix(path, "/v1/payloads/"))
	case path == "/v1/reviews" || strings.HasPrefix(path, "/v1/reviews/") || strings.HasPrefix(path, "/v1/images/") ||
		path == "/v1/audit" || strings.HasPrefix(path, "/v1/payloads/"):
		err = apierror.MethodNotAllowed(ctx, "GET")
	default:
		err = apierror.NotFound("no such endpoint")
	}
	if err != nil {
		s.writeError(ctx, err)
	}
}

func parseID(seg string) (int64, error) {
	id, err := strconv.ParseInt(seg, 10, 64)
	if err != nil || id <= 0 {
		return 0, apierror.NotFound("no review %q", seg)
	}
	return id, nil
}

// Queue orders (?order=).
const (
	orderOldest = "oldest"
	orderNewest = "newest"
)

// filterFrom reads the queue's query parameters (shared by API and page).
func filterFrom(args *fasthttp.Args) (store.Filter, error) {
	f := store.Filter{
		Status:   store.Status(args.Peek("status")),
		Category: string(args.Peek("category")),
		SellerID: string(args.Peek("seller_id")),
	}
	if f.Status != "" && !f.Status.Valid() {
		return f, badRequest("status %q: want pending, approved or rejected", f.Status)
	}
	// The pending queue is worked oldest first (the listing waiting
	// longest comes next); decided ones are looked back on newest first.
	f.Oldest = f.Status == store.Pending
	switch o := string(args.Peek("order")); o {
	case "":
	case orderOldest, orderNewest:
		f.Oldest = o == orderOldest
	default:
		return f, badRequest("order %q: want oldest or newest", o)
	}
	if c := args.Peek("cursor"); len(c) > 0 {
		n, err := strconv.ParseInt(string(c), 10, 64)
		if err != nil || n <= 0 {
			return f, badRequest("cursor %q is not one this API returned", c)
		}
		f.Cursor = n
	}
	if l := args.Peek("limit"); len(l) > 0 {
		n, err := strconv.Atoi(string(l))
		if err != nil || n <= 0 || n > store.MaxLimit {
			return f, badRequest("limit %q: want 1 to %d", l, store.MaxLimit)
		}
		f.Limit = n
	}
	return f, nil
}

func cursor(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

// queue reads the filter from the query, a page of the queue and the
// counts per status (API and page alike).
func (s *Service) queue(ctx *fasthttp.RequestCtx) (store.Filter, store.Page, map[store.Status]int, error) {
	sctx, cancel := storeContext()
	defer cancel()
	f, err := filterFrom(ctx.QueryArgs())
	if err != nil {
		return f, store.Page{}, nil, err
	}
	f.Now = s.now() // rows show who holds a claim now
	p, err := s.st.List(sctx, f)
	if err != nil {
		return f, store.Page{}, nil, err
	}
	counts, err := s.st.Counts(sctx, f)
	return f, p, counts, err
}

func (s *Service) apiList(ctx *fasthttp.RequestCtx) error {
	_, p, counts, err := s.queue(ctx)
	if err != nil {
		return err
	}
	writeJSON(ctx, fasthttp.StatusOK, map[string]any{"items": p.Items, "next_cursor": cursor(p.Next), "counts": counts})
	return nil
}

// itemJSON is an item with the links and context a moderator's tool needs.
type itemJSON struct {
	*store.Item
	Images        []imageJSON             `json:"images"`
	Spread        map[string]store.Spread `json:"spread"`
	SellerHistory []store.Summary         `json:"seller_history"`
}

type imageJSON struct {
	store.ImageRef
	URL string `json:"url"`
}

// sellerHistoryLen is how many earlier items of a seller an item shows.
const sellerHistoryLen = 20

// findingsWindow says which of an item's n findings need their
// identifiers' spread: [from, to).
type findingsWindow func(n int) (from, to int, err error)

// allFindings is every finding's spread (the API).
func allFindings(n int) (int, int, error) { return 0, n, nil }

// itemContext loads an item with its seller's other items and the spread
// of the identifiers of the findings window picks (the page asks only for
// the findings it shows).
func (s *Service) itemContext(ctx *fasthttp.RequestCtx, id int64, window findingsWindow) (*itemJSON, error) {
	sctx, cancel := storeContext()
	defer cancel()
	it, err := s.st.Get(sctx, id)
	if err != nil {
		return nil, err
	}
	from, to, err := window(len(it.Findings))
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, to-from)
	for _, f := range it.Findings[from:to] {
		ids = append(ids, f.Identifier)
	}
	spread, err := s.st.Spreads(sctx, ids)
	if err != nil {
		return nil, err
	}
	out := &itemJSON{Item: it, Spread: spread, SellerHistory: []store.Summary{}, Images: []imageJSON{}}
	var hist store.Page
	// A listing sent without a seller_id has no seller to look back on:
	// an empty SellerID is no filter at all, and would list every other
	// seller's listings as "this seller's" (#25 stumble 5).
	if it.SellerID != "" {
		if hist, err = s.st.List(sctx, store.Filter{SellerID: it.SellerID, Limit: sellerHistoryLen + 1}); err != nil {
			return nil, err
		}
	}
	for _, h := range hist.Items {
		if h.ID != it.ID && len(out.SellerHistory) < sellerHistoryLen {
			out.SellerHistory = append(out.SellerHistory, h)
		}
	}
	for _, im := range it.Images {
		out.Images = append(out.Images, imageJSON{ImageRef: im, URL: "/v1/images/" + im.SHA256})
	}
	return out, nil
}

func (s *Service) apiGet(ctx *fasthttp.RequestCtx, seg string) error {
	id, err := parseID(seg)
	if err != nil {
		return err
	}
	it, err := s.itemContext(ctx, id, allFindings)
	if err != nil {
		return err
	}
	writeJSON(ctx, fasthttp.StatusOK, it)
	return nil
}

type decisionRequest struct {
	Decision string `json:"decision"`
	Note     string `json:"note"`
	Override bool   `json:"override"`
}

func (s *Service) apiDecide(ctx *fasthttp.RequestCtx, moderator, seg string) error {
	id, err := parseID(seg)
	if err != nil {
		return err
	}
	var req decisionRequest
	dec := json.NewDecoder(bytes.NewReader(ctx.PostBody()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return badRequest("decision body: %v", err)
	}
	it, err := s.decide(id, moderator, req)
	if err != nil {
		return err
	}
	writeJSON(ctx, fasthttp.StatusOK, it)
	return nil
}

// decide validates and records a decision (API and page alike).
func (s *Service) decide(id int64, moderator string, req decisionRequest) (*store.Item, error) {
	sctx, cancel := storeContext()
	defer cancel()
	if _, ok := store.StatusOf(req.Decision); !ok {
		return nil, badRequest(`decision %q: want "approve" or "reject"`, req.Decision)
	}
	if len(req.Note) > maxNote {
		return nil, badRequest("note is %d bytes; at most %d", len(req.Note), maxNote)
	}
	it, err := s.st.Decide(sctx, id, store.Decision{
		Decision: req.Decision, Moderator: moderator, Note: req.Note, At: s.now().UTC(), Override: req.Override,
	})
	if err != nil {
		return nil, err
	}
	s.m.decisions.WithLabelValues(req.Decision, strconv.FormatBool(req.Override)).Inc()
	if s.onDecision != nil {
		s.onDecision()
	}
	s.log.Info("review decision", "id", id, "moderator", moderator, "decision", req.Decision, "override", req.Override)
	return it, nil
}

func (s *Service) apiAudit(ctx *fasthttp.RequestCtx) error {
	sctx, cancel := storeContext()
	defer cancel()
	f, err := filterFrom(ctx.QueryArgs())
	if err != nil {
		return err
	}
	entries, err := s.st.Audit(sctx, f.Cursor, f.EffectiveLimit())
	if err != nil {
		return err
	}
	next := int64(0)
	if len(entries) == f.EffectiveLimit() {
		next = entries[len(entries)-1].ID
	}
	writeJSON(ctx, fasthttp.StatusOK, map[string]any{"entries": entries, "next_cursor": cursor(next)})
	return nil
}

// payloadIdentifier reads the identifier from the raw path: it is
// path-escaped (url.PathEscape), and an escaped "/" must not split it.
func payloadIdentifier(seg string) (string, error) {
	id, err := url.PathUnescape(seg)
	if err != nil || id == "" {
		return "", badRequest("identifier %q: want a path-escaped identifier", seg)
	}
	return id, nil
}

// payloadListings reads an identifier's spread and a page of the listings
// that carried it (API and page alike).
func (s *Service) payloadListings(ctx *fasthttp.RequestCtx, seg string) (string, store.Spread, store.Page, error) {
	sctx, cancel := storeContext()
	defer cancel()
	ident, err := payloadIdentifier(seg)
	if err != nil {
		return "", store.Spread{}, store.Page{}, err
	}
	f, err := filterFrom(ctx.QueryArgs())
	if err != nil {
		return "", store.Spread{}, store.Page{}, err
	}
	f.Identifier = ident
	sp, err := s.st.Spreads(sctx, []string{ident})
	if err != nil {
		return "", store.Spread{}, store.Page{}, err
	}
	p, err := s.st.List(sctx, f)
	if err != nil {
		return "", store.Spread{}, store.Page{}, err
	}
	return ident, sp[ident], p, nil
}

func (s *Service) apiPayload(ctx *fasthttp.RequestCtx, seg string) error {
	ident, spread, p, err := s.payloadListings(ctx, seg)
	if err != nil {
		return err
	}
	writeJSON(ctx, fasthttp.StatusOK, map[string]any{
		"identifier": ident, "listings": spread.Listings, "sellers": spread.Sellers,
		"items": p.Items, "next_cursor": cursor(p.Next),
	})
	return nil
}

// imageTypes are the only content types images are served with: stored
// bytes are hostile, and a browser must never sniff them as HTML or SVG.
var imageTypes = map[string]string{
	"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg", "gif": "image/gif",
	"webp": "image/webp", "bmp": "image/bmp", "tiff": "image/tiff",
}

func (s *Service) serveImage(ctx *fasthttp.RequestCtx, sha string) error {
	sctx, cancel := storeContext()
	defer cancel()
	if len(sha) != 64 || strings.Trim(sha, "0123456789abcdef") != "" {
		return apierror.NotFound("want a lowercase hex SHA-256")
	}
	b, err := s.st.Image(sctx, sha)
	if errors.Is(err, store.ErrNotFound) {
		s.thumbs.Forget(sha) // purged: its thumbnails go too
	}
	if err != nil {
		return err
	}
	ct, ok := imageTypes[strings.ToLower(b.Format)]
	if !ok {
		ct = "application/octet-stream"
	}
	cacheControl := "private, max-age=31536000, immutable" // content-addressed: the bytes behind a hash never change
	if ctx.QueryArgs().Has("w") {
		// A moderator's screen needs a screen's size, not a 4000 px upload:
		// ?w=N gets a thumbnail of long side ≤ N (review/thumbs), or a
		// placeholder saying why there is none.
		th, err := s.thumbs.Get(sctx, sha, ctx.QueryArgs().GetUintOrZero("w"), b.Data)
		if errors.Is(err, thumbs.ErrBusy) {
			return apierror.Unavailable(apierror.CodeOverloaded, "thumbnails are busy; retry shortly", s.retryAfter, err)
		}
		if err != nil {
			return err
		}
		if !th.Original {
			b.Data, ct = th.Body, th.ContentType
		}
		if th.Reason != "" {
			ctx.Response.Header.Set("X-Thumbnail-Placeholder", th.Reason)
			cacheControl = "no-store" // a timeout may not recur
		}
	}
	ctx.SetContentType(ct)
	ctx.Response.Header.Set("Cache-Control", cacheControl)
	ctx.Response.Header.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	ctx.Response.Header.Set("Content-Disposition", "inline")
	ctx.SetBody(b.Data)
	return nil
}
