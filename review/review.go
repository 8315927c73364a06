// Package review is the moderators' side of qrgate: a durable queue of
// flagged scans, the review API and the web page on the admin listener.
//
// PLACEHOLDER: the store, API and UI land with issue 5; this file fixes the
// interface the gateway records through.
package review

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/valyala/fasthttp"

	"github.com/qrgate/qrgate/policy"
)

// Image is one image of a flagged listing, stored content-addressed.
type Image struct {
	Index  int
	Name   string
	SHA256 string // hex
	Format string
	Width  int
	Height int
	Data   []byte // the uploaded bytes (a copy the gateway owns)
}

// Record is one flagged scan, as the gateway hands it over before answering.
type Record struct {
	ScanID        string
	ListingID     string
	SellerID      string
	Verdict       policy.Action
	PolicyVersion string
	Texts         []string
	Images        []Image
	Findings      []policy.Finding
	ScannedAt     time.Time
}

// Recorder persists flagged scans. Record must not return before the record
// is durable; it is idempotent by ScanID.
type Recorder interface {
	Record(ctx context.Context, r *Record) error
	// Ready reports whether records can be persisted now.
	Ready(ctx context.Context) error
}

// Options configures the review service.
type Options struct {
	DataDir        string // where the embedded SQLite store lives
	Store          string // "" for SQLite in DataDir, or a postgres:// URL
	ModeratorsFile string // "name token" per line; "" to generate one token
	Logger         *slog.Logger
	Registerer     prometheus.Registerer
	Now            func() time.Time
}

// Service is the review queue with its API and web page.
type Service struct{}

// Open opens (creating and migrating) the store and loads moderators.
func Open(ctx context.Context, o Options) (*Service, error) { return &Service{}, nil }

// Recorder is what the gateway persists flagged scans through.
func (s *Service) Recorder() Recorder { return nopRecorder{} }

// AdminHandler serves the review API (/v1/reviews…, /v1/images/…, /v1/audit,
// /v1/payloads/…) and the web page (/ui/…) on the admin listener.
func (s *Service) AdminHandler(ctx *fasthttp.RequestCtx) { ctx.NotFound() }

// Authenticate checks a moderator token (Authorization: Bearer or the UI's
// session cookie) and returns the moderator's name.
func (s *Service) Authenticate(ctx *fasthttp.RequestCtx) (string, bool) { return "", false }

// Close releases the store.
func (s *Service) Close() error { return nil }

type nopRecorder struct{}

func (nopRecorder) Record(context.Context, *Record) error { return nil }
func (nopRecorder) Ready(context.Context) error           { return nil }
