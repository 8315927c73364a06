package gateway

import (
	"errors"
	"net"

	"github.com/valyala/fasthttp"

	"github.com/qrgate/qrgate/internal/apierror"
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
	// ReviewTruncated is present when the listing was stored: true when a
	// quota kept part of it out (texts past their first 64 KiB, image
	// bytes), its verdict and findings stored whole.
	ReviewTruncated *bool   `json:"review_truncated,omitempty"`
	ElapsedMS       float64 `json:"elapsed_ms"`
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

// writeError writes e; the 401 realm is the public API's.
func writeError(ctx *fasthttp.RequestCtx, e *apierror.Error) { apierror.Write(ctx, e, "qrgate") }

func writeJSON(ctx *fasthttp.RequestCtx, status int, v any) { apierror.WriteJSON(ctx, status, v) }

// serverError answers what fasthttp fails to read (body over the limit,
// timeouts, malformed HTTP) in the API's error shape.
func (g *Gateway) serverError(ctx *fasthttp.RequestCtx, err error) {
	var e *apierror.Error
	var ne net.Error
	switch {
	case errors.Is(err, fasthttp.ErrBodyTooLarge):
		e = apierror.TooLarge(apierror.CodeBodyTooLarge, "request body is over the limit of %d bytes", g.cfg.MaxBody)
	case errors.As(err, &ne) && ne.Timeout():
		e = &apierror.Error{Status: fasthttp.StatusRequestTimeout, Code: apierror.CodeRequestTimeout, Message: "request not received in time"}
	default:
		e = apierror.BadRequest(apierror.CodeBadRequest, "malformed HTTP request")
	}
	g.m.request(e.Status)
	writeError(ctx, e)
}

func ms(ns int64) float64 { return float64(ns/1000) / 1000 }
