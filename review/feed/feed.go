// Package feed is the decisions feed's wire format, shared by
// GET /v1/decisions and the decision webhook: the decision object the
// upload pipeline reads, and the opaque cursor that resumes the feed.
package feed

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/qrgate/qrgate/review/store"
)

// Decision is one moderator decision as the pipeline receives it
// (its fields are a contract with the marketplace's pipeline). Cursor resumes the feed after this decision,
// and is the key a receiver deduplicates by (delivery is at least once).
type Decision struct {
	Cursor    string    `json:"cursor"`
	ItemID    int64     `json:"item_id"`
	ScanID    string    `json:"scan_id"`
	ListingID string    `json:"listing_id"`
	SellerID  string    `json:"seller_id"`
	Decision  string    `json:"decision"` // "approve" or "reject"
	Override  bool      `json:"override"`
	Note      string    `json:"note"`
	Moderator string    `json:"moderator"`
	DecidedAt time.Time `json:"decided_at"` // RFC 3339, UTC
}

// Page is one answer of GET /v1/decisions. Next is the cursor to send as
// "after" for the following page (the request's own when nothing was new).
type Page struct {
	Decisions []Decision `json:"decisions"`
	Next      string     `json:"next"`
}

// FromEntry is a store entry in its wire form.
func FromEntry(e store.FeedEntry) Decision {
	return Decision{
		Cursor: EncodeCursor(e.Seq), ItemID: e.ItemID, ScanID: e.ScanID, ListingID: e.ListingID, SellerID: e.SellerID,
		Decision: e.Decision, Override: e.Override, Note: e.Note, Moderator: e.Moderator, DecidedAt: e.DecidedAt.UTC(),
	}
}

// NewPage builds the answer to a read after position `after`.
func NewPage(after int64, entries []store.FeedEntry) Page {
	p := Page{Decisions: make([]Decision, len(entries)), Next: EncodeCursor(after)}
	for i, e := range entries {
		p.Decisions[i] = FromEntry(e)
	}
	if len(entries) > 0 {
		p.Next = p.Decisions[len(entries)-1].Cursor
	}
	return p
}

// cursorVersion is the cursor's first byte: a later encoding gets another,
// and cursors of this one keep working.
const cursorVersion = 1

// cursorLen is the encoded length: base64url of the version and 8 bytes.
var cursorLen = base64.RawURLEncoding.EncodedLen(9)

// ErrBadCursor: a cursor this feed never returned.
var ErrBadCursor = errors.New("not a cursor this feed returned")

// EncodeCursor is the opaque form of a feed position. Clients store it and
// send it back; its content is not part of the API.
func EncodeCursor(seq int64) string {
	var b [9]byte
	b[0] = cursorVersion
	binary.BigEndian.PutUint64(b[1:], uint64(seq))
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// DecodeCursor reads a cursor from a request; "" is the feed's start.
func DecodeCursor(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	if len(s) != cursorLen {
		return 0, fmt.Errorf("cursor %.40q: %w", s, ErrBadCursor)
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || len(b) != 9 || b[0] != cursorVersion {
		return 0, fmt.Errorf("cursor %q: %w", s, ErrBadCursor)
	}
	seq := binary.BigEndian.Uint64(b[1:])
	if seq > 1<<62 {
		return 0, fmt.Errorf("cursor %q: %w", s, ErrBadCursor)
	}
	return int64(seq), nil
}
