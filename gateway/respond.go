package gateway

import (
	"encoding/json"
	"errors"
	"net"
	"strconv"

	"github.com/valyala/fasthttp"

	"github.com/qrgate/qrgate/policy"
	"github.com/qrgate/qrgate/scan"
)

// scanResponse is the 200 answer of POST /v1/scan (docs/api.md).
type scanResponse struct {
	ScanID        string           `json:"scan_id"`
	ListingID     string           `json:"listing_id"`
	SellerID      string           `json:"seller_id"`
	Verdict       policy.Action    `json:"verdict"`
	PolicyVersion string           `json:"policy_version"`
	Findings      []policy.Finding `json:"findings"`
	Images        []imageResponse  `json:"images"`
	ReviewStored  *bool            `json:"review_stored,omitempty"`
	ElapsedMS     float64          `json:"elapsed_ms"`
}

type imageResponse struct {
	Image     int              `json:"image"`
	Name      string           `json:"name"`
	Format    string           `json:"format"`
	Width     int              `json:"width"`
	Height    int              `json:"height"`
	Frames    int              `json:"frames"`
	Codes     int              `json:"codes"`
	Error     *scan.ImageError `json:"error"`
	Partial   bool             `json:"partial"`
	Cached    bool             `json:"cached"`
	ElapsedMS float64          `json:"elapsed_ms"`
}

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func writeJSON(ctx *fasthttp.RequestCtx, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil { // only a programming error can get here
		status, b = fasthttp.StatusInternalServerError, []byte(`{"error":{"code":"internal","message":"internal error"}}`)
	}
	ctx.SetStatusCode(status)
	ctx.SetContentType("application/json")
	ctx.SetBody(b)
}

// writeError is the one place request errors become responses.
func writeError(ctx *fasthttp.RequestCtx, e *Error) {
	var body errorBody
	body.Error.Code, body.Error.Message = e.Code, e.Message
	if e.RetryAfter > 0 {
		ctx.Response.Header.Set("Retry-After", strconv.Itoa(int((e.RetryAfter+999_999_999)/1_000_000_000)))
	}
	if e.Status == fasthttp.StatusUnauthorized {
		ctx.Response.Header.Set("WWW-Authenticate", `Bearer realm="qrgate"`)
	}
	writeJSON(ctx, e.Status, body)
}

// serverError answers what fasthttp fails to read (body over the limit,
// timeouts, malformed HTTP) in the API's error shape.
func (g *Gateway) serverError(ctx *fasthttp.RequestCtx, err error) {
	var e *Error
	var ne net.Error
	switch {
	case errors.Is(err, fasthttp.ErrBodyTooLarge):
		e = tooLarge(CodeBodyTooLarge, "request body is over the limit of %d bytes", g.cfg.MaxBody)
	case errors.As(err, &ne) && ne.Timeout():
		e = &Error{Status: fasthttp.StatusRequestTimeout, Code: CodeRequestTimeout, Message: "request not received in time"}
	default:
		e = badRequest(CodeBadRequest, "malformed HTTP request")
	}
	g.m.request(e.Status)
	writeError(ctx, e)
}

func ms(ns int64) float64 { return float64(ns/1000) / 1000 }
