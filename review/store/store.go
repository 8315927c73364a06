// Package store defines the review queue's persistence: what a flagged scan
// looks like once stored, the queries moderators need, and the errors
// callers branch on. Backends (review/sqlite, review/postgres) implement
// Store; review/store/storetest is the suite every backend must pass.
package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/qrgate/qrgate/policy"
)

// Errors callers branch on. Backends wrap them with %w.
var (
	// ErrNotFound: no item, image or payload with that key.
	ErrNotFound = errors.New("not found")
	// ErrPurged: the item was emptied after the retention period. It is
	// an ErrNotFound too: a purged item is out of the queue and of its
	// counts (its decision stays in the audit log).
	ErrPurged = fmt.Errorf("%w: emptied after the retention period", ErrNotFound)
	// ErrAlreadyDecided: a second decision without override.
	ErrAlreadyDecided = errors.New("already decided")
	// ErrInvalid: the caller handed over something that cannot be stored.
	ErrInvalid = errors.New("invalid")
	// ErrNotStored: the image is known by its hash, but its bytes were not
	// kept (a quota).
	ErrNotStored = errors.New("image bytes not stored (limit)")
	// ErrUnavailable: the store cannot persist now (disk full, read-only,
	// database down). The gateway turns it into a 503 and a not-ready probe.
	ErrUnavailable = errors.New("review store unavailable")
)

// Image is one image of a flagged listing; Data is stored once per SHA256.
type Image struct {
	Index  int
	Name   string
	SHA256 string // hex; computed from Data when empty
	Format string
	Width  int
	Height int
	Data   []byte // the uploaded bytes (a copy the gateway owns)
	// ErrorCode and ErrorMessage are the scan's image error ("too_large",
	// "unsupported", … and its words), "" when the image was read: the
	// page spells out why an image has an IMAGE_ERROR finding.
	ErrorCode    string
	ErrorMessage string
	// NotStored is set by Put: why the bytes were not kept (a quota), or
	// "" when they were kept (now or by an earlier record).
	NotStored string
}

// Reasons an image's bytes or a listing's texts were not stored
// (Image.NotStored, Truncation.Reason).
const (
	OverSellerQuota = "seller_quota"
	OverClientQuota = "client_quota"
	StoreFull       = "store_full"
)

// Reasons lists every reason, for metrics.
var Reasons = []string{OverSellerQuota, OverClientQuota, StoreFull}

// Quotas bound the bytes a store keeps: image bytes, texts and findings. A
// listing over a quota is still stored with its verdict, its findings, its
// image hashes and the first MaxTruncatedText bytes of its texts, only
// without what would pass the limit: the queue keeps accepting flagged
// listings however much one seller sends. Image bytes are charged once per
// image (content addressed) to the seller and client that first sent them;
// a listing's texts and findings to its own seller and client. Both are
// given back when the item is purged (an image's when the last item
// holding it is). Zero is no limit.
//
// A seller is counted within its client: two API keys may each have a
// seller "42", and each is its own bucket. Listings without a seller_id
// share one small bucket per client (NoSellerBytes), so that they cannot
// spend a whole client's quota. A client known only by its address (the
// open API, Record.ByAddress) gets AddressBytes, a small share of the
// total, since addresses cost an attacker little.
type Quotas struct {
	TotalBytes    int64 // everything stored
	SellerBytes   int64 // per seller_id within a client
	NoSellerBytes int64 // per client, listings without a seller_id
	ClientBytes   int64 // per API key
	AddressBytes  int64 // per client address, when the API is open
}

// MaxTruncatedText is the text an over-quota listing keeps: each text's
// first bytes, at most this many for the whole listing, so that a moderator
// still reads what the findings point at.
const MaxTruncatedText = 64 << 10

// Truncation is what an over-quota listing was stored without, and why.
type Truncation struct {
	// Reason is the first quota that refused (OverSellerQuota, …).
	Reason string `json:"reason"`
	// TextBytes is how many text bytes were left out.
	TextBytes int64 `json:"text_bytes"`
	// Images is how many images were kept as their hash and size only.
	Images int `json:"images"`
}

// Purged is what one Purge removed.
type Purged struct {
	Items  int   // decided items emptied
	Images int   // images no item refers to any more, deleted
	Bytes  int64 // their bytes
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
	// Client is who sent the listing, for the per-client quota: an API
	// key's identity, or the client's address when the API is open.
	Client string
	// ByAddress says Client is an address (the open API): its quota is
	// Quotas.AddressBytes rather than ClientBytes.
	ByAddress bool
	// Truncated is set by Put: what the item was stored without (a
	// quota), or nil when it was stored whole.
	Truncated *Truncation
}

// Normalize checks r and fills in image hashes. It is what every backend
// calls before writing, so a bad record fails alone and never a batch.
func (r *Record) Normalize() error {
	if r.ScanID == "" {
		return fmt.Errorf("%w: record without scan id", ErrInvalid)
	}
	for i := range r.Images {
		im := &r.Images[i]
		sum := sha256.Sum256(im.Data)
		got := hex.EncodeToString(sum[:])
		if im.SHA256 == "" {
			im.SHA256 = got
		} else if im.SHA256 != got {
			return fmt.Errorf("%w: image %d: sha256 %s does not match its bytes (%s)", ErrInvalid, im.Index, im.SHA256, got)
		}
	}
	if r.Texts == nil {
		r.Texts = []string{}
	}
	if r.Findings == nil {
		r.Findings = []policy.Finding{}
	}
	return nil
}

// TextBytes is what r's texts and findings cost against the quotas: the
// texts' bytes, each image error's message and each finding as stored (its
// JSON and the payload and identifier it is searched by).
func (r *Record) TextBytes() (int64, error) {
	var n int64
	for _, t := range r.Texts {
		n += int64(len(t))
	}
	for _, im := range r.Images {
		n += int64(len(CutMessage(im.ErrorMessage)))
	}
	for i, f := range r.Findings {
		data, err := json.Marshal(f)
		if err != nil {
			return 0, fmt.Errorf("%w: finding %d: %v", ErrInvalid, i, err)
		}
		n += FindingBytes(f, data)
	}
	return n, nil
}

// FindingBytes is one stored finding's cost, given its JSON.
func FindingBytes(f policy.Finding, data []byte) int64 {
	return int64(len(data) + len(f.Payload) + len(f.Identifier) + len(f.Category))
}

// TruncateTexts keeps what an over-quota listing's texts may keep: each
// text's first bytes, cut on a character boundary, at most
// MaxTruncatedText for them all. It returns the kept texts and how many
// bytes were left out.
func TruncateTexts(texts []string) ([]string, int64) {
	out := make([]string, len(texts))
	budget := MaxTruncatedText
	var dropped int64
	for i, t := range texts {
		keep := min(len(t), budget)
		for keep > 0 && keep < len(t) && !utf8.RuneStart(t[keep]) {
			keep--
		}
		out[i] = t[:keep]
		budget -= keep
		dropped += int64(len(t) - keep)
	}
	return out, dropped
}

// Status is where an item stands in the queue.
type Status string

// Statuses.
const (
	Pending  Status = "pending"
	Approved Status = "approved"
	Rejected Status = "rejected"
)

// Statuses lists every status in display order.
var Statuses = []Status{Pending, Approved, Rejected}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return s == Pending || s == Approved || s == Rejected }

// Decision values a moderator can give.
const (
	Approve = "approve"
	Reject  = "reject"
)

// StatusOf maps a decision to the status it leaves the item in.
func StatusOf(decision string) (Status, bool) {
	switch decision {
	case Approve:
		return Approved, true
	case Reject:
		return Rejected, true
	}
	return "", false
}

// ImageRef is a stored image as an item refers to it (no bytes).
type ImageRef struct {
	Index  int    `json:"index"`
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Format string `json:"format"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Size   int    `json:"size"`
	// Stored is false when the bytes were not kept (a quota): the hash and
	// size are known, the image cannot be shown.
	Stored bool `json:"stored"`
	// Flagged: a finding on this image needs review (not allowed).
	Flagged bool `json:"flagged"`
	// Error is the scan's image error, when the image could not be read.
	Error *ImageError `json:"error,omitempty"`
}

// ImageError is why the scan could not read an image: its code
// ("too_large", "unsupported", "too_complex", "timeout", …, as in the scan
// answer) and message.
type ImageError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// MaxImageErrorMessage bounds the stored message of an image error (it can
// quote the image's own bytes).
const MaxImageErrorMessage = 300

// CutMessage bounds an image error's message to MaxImageErrorMessage bytes,
// cut on a character boundary.
func CutMessage(m string) string {
	if len(m) <= MaxImageErrorMessage {
		return m
	}
	cut := MaxImageErrorMessage
	for cut > 0 && !utf8.RuneStart(m[cut]) {
		cut--
	}
	return m[:cut] + "…"
}

// ThumbRef is an image of a listing as a queue row shows it.
type ThumbRef struct {
	Index   int    `json:"index"`
	SHA256  string `json:"sha256"`
	Stored  bool   `json:"stored"`
	Flagged bool   `json:"flagged"`
}

// MaxRowThumbs is how many of a listing's images a queue row carries.
const MaxRowThumbs = 6

// Decision is a moderator's verdict on an item.
type Decision struct {
	Decision  string    `json:"decision"`
	Moderator string    `json:"moderator"`
	Note      string    `json:"note"`
	At        time.Time `json:"decided_at"`
	Override  bool      `json:"override"`
}

// Item is a stored flagged scan with its review state.
type Item struct {
	ID            int64            `json:"id"`
	ScanID        string           `json:"scan_id"`
	ListingID     string           `json:"listing_id"`
	SellerID      string           `json:"seller_id"`
	Verdict       policy.Action    `json:"verdict"`
	PolicyVersion string           `json:"policy_version"`
	Status        Status           `json:"status"`
	ScannedAt     time.Time        `json:"scanned_at"`
	CreatedAt     time.Time        `json:"created_at"`
	Texts         []string         `json:"texts"`
	Images        []ImageRef       `json:"images"`
	Findings      []policy.Finding `json:"findings"`
	Decision      *Decision        `json:"decision"`
	Client        string           `json:"client"`
	// Truncated says what the item was stored without (a quota); absent
	// when it was stored whole.
	Truncated *Truncation `json:"truncated,omitempty"`
}

// Summary is an item as listed in the queue, without texts and images.
type Summary struct {
	ID         int64         `json:"id"`
	ScanID     string        `json:"scan_id"`
	ListingID  string        `json:"listing_id"`
	SellerID   string        `json:"seller_id"`
	Verdict    policy.Action `json:"verdict"`
	Status     Status        `json:"status"`
	ScannedAt  time.Time     `json:"scanned_at"`
	CreatedAt  time.Time     `json:"created_at"`
	Categories []string      `json:"categories"`
	Payloads   []string      `json:"payloads"` // first few, for the queue's glance
	Images     int           `json:"images"`
	// Thumbs are the first MaxRowThumbs images, in order.
	Thumbs []ThumbRef `json:"thumbs"`
	// SellerFlags is how many items in the store (this one included) came
	// from this seller; 0 for a listing sent without a seller_id.
	SellerFlags int       `json:"seller_flags"`
	Decision    *Decision `json:"decision"`
	// Claim is who holds the item now (Filter.Now), or nil.
	Claim *Claim `json:"claim,omitempty"`
}

// Filter selects items in the queue. Zero values select everything.
type Filter struct {
	Status     Status
	Category   string
	SellerID   string
	Identifier string // items with a finding of this identifier
	// Oldest lists oldest first (by ID, ascending): how a team works the
	// pending queue. The default is newest first.
	Oldest bool
	// Cursor is a keyset cursor, the Next of the page before: newest
	// first, items with ID < Cursor; oldest first, ID > Cursor. 0 starts
	// from the first.
	Cursor int64
	Limit  int // 0 means DefaultLimit; capped at MaxLimit

	// Now is when claims are judged: List reports claims unexpired at Now
	// (Summary.Claim). Zero reports none.
	Now time.Time
	// SkipClaimed leaves out items another moderator than Moderator
	// claims past Now ("next pending" never sends two moderators to one
	// listing).
	SkipClaimed bool
	Moderator   string
}

// Page limits.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// EffectiveLimit is Limit with the default and the cap applied.
func (f Filter) EffectiveLimit() int {
	switch {
	case f.Limit <= 0:
		return DefaultLimit
	case f.Limit > MaxLimit:
		return MaxLimit
	}
	return f.Limit
}

// Page is one page of the queue, in the filter's order. Next is the cursor
// for the following page (0 when this is the last).
type Page struct {
	Items []Summary
	Next  int64
}

// Spread is how far one identifier has travelled: distinct listings and
// sellers that carried it. Spread counts by identifier (the normalised
// channel a buyer would use), never by payload: "Ｖ信 abc" and
// "wechat: ABC" are one channel.
type Spread struct {
	Identifier string `json:"identifier"`
	Listings   int    `json:"listings"`
	Sellers    int    `json:"sellers"`
	Items      int    `json:"items"`
}

// AuditEntry is one line of the append-only audit log.
type AuditEntry struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	Moderator string    `json:"moderator"`
	Action    string    `json:"action"` // "decision" or "override"
	ItemID    int64     `json:"item_id"`
	Decision  string    `json:"decision"`
	Note      string    `json:"note"`
	Previous  string    `json:"previous"` // the status before
}

// Blob is an image's stored bytes. ErrNotStored when a quota kept them out.
type Blob struct {
	SHA256 string
	Format string
	Data   []byte
}

// Session is a moderator's login to the web page, kept in the store so
// that every replica sharing it agrees when it ends. ID is a digest of the
// cookie's secret (the store never holds a usable cookie); TokenTag is
// derived from the moderator's token, so changing the token ends the
// sessions made with the old one.
type Session struct {
	ID        string
	Moderator string
	TokenTag  string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Store is the review queue's persistence. Implementations are safe for
// concurrent use.
type Store interface {
	// Feed is the decisions feed (feed.go).
	Feed
	// Claims are moderators' holds on items (claims.go).
	Claims
	// Put stores a flagged scan durably before returning; a second Put with
	// the same ScanID is a no-op that returns the first item's ID.
	Put(ctx context.Context, r *Record) (id int64, err error)
	// Get returns one item with its findings, images and decision;
	// ErrPurged (an ErrNotFound) once it was purged.
	Get(ctx context.Context, id int64) (*Item, error)
	// List returns items matching f, newest first (by ID) or oldest
	// first (f.Oldest).
	List(ctx context.Context, f Filter) (Page, error)
	// Counts returns how many items are in each status, for f's other
	// criteria (f.Status, f.Cursor and f.Limit are ignored).
	Counts(ctx context.Context, f Filter) (map[Status]int, error)
	// Decide records a decision and its audit entry atomically, and ends
	// any claim on the item. A decided item refuses a second one with
	// ErrAlreadyDecided unless override; a purged one refuses any with
	// ErrPurged.
	Decide(ctx context.Context, id int64, d Decision) (*Item, error)
	// Audit returns audit entries newest first, IDs below before (0: all).
	Audit(ctx context.Context, before int64, limit int) ([]AuditEntry, error)
	// Image returns stored bytes by hex SHA-256.
	Image(ctx context.Context, sha256 string) (*Blob, error)
	// Spreads returns the spread of each identifier ("" is skipped).
	Spreads(ctx context.Context, identifiers []string) (map[string]Spread, error)
	// CreateSession stores a new session.
	CreateSession(ctx context.Context, s Session) error
	// Session returns a session by ID (ErrNotFound when there is none;
	// expiry is the caller's to check).
	Session(ctx context.Context, id string) (*Session, error)
	// DeleteSession ends a session (no error when there is none).
	DeleteSession(ctx context.Context, id string) error
	// Purge empties items decided before `before` (texts, findings, image
	// references; its decision and the audit log stay, but Get and the
	// queue and its counts no longer show it), deletes the images no item
	// refers to any more, giving their bytes and the items' text bytes
	// back to the quotas, and deletes sessions expired at now.
	Purge(ctx context.Context, before, now time.Time) (Purged, error)
	// StoredBytes is the bytes kept (images, texts, findings), what
	// Quotas.TotalBytes bounds.
	StoredBytes(ctx context.Context) (int64, error)
	// Ready reports whether the store can persist now.
	Ready(ctx context.Context) error
	// Close releases the store; pending Puts fail.
	Close() error
}
