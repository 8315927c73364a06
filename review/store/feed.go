package store

import (
	"context"
	"errors"
	"time"
)

// ErrLeased: another holder (a replica sharing the store) holds the
// delivery cursor's lease.
var ErrLeased = errors.New("delivery cursor leased by another holder")

// Feed page limits (GET /v1/decisions?limit=N).
const (
	DefaultFeedLimit = 100
	MaxFeedLimit     = 1000
)

// FeedEntry is one decision in the decisions feed: every decision and
// every override is a new entry, in the order they committed. Seq is the
// entry's position; positions only grow, so "after Seq" is a cursor.
type FeedEntry struct {
	Seq       int64
	ItemID    int64
	ScanID    string
	ListingID string
	SellerID  string
	Decision  string // Approve or Reject
	Override  bool
	Note      string
	Moderator string
	DecidedAt time.Time
}

// Lease is a hold on a named delivery cursor: only its holder advances it,
// so that of several replicas sharing a store one delivers at a time.
type Lease struct {
	Name   string
	Holder string    // unique per process
	Until  time.Time // the lease ends then unless renewed; zero releases it
}

// Feed is the decisions feed and its delivery cursors.
type Feed interface {
	// Decisions returns up to limit entries with Seq > after, in commit
	// order: an entry never appears after a reader has passed its Seq (a
	// decision with a lower Seq that commits later would be skipped).
	Decisions(ctx context.Context, after int64, limit int) ([]FeedEntry, error)
	// ClaimDelivery takes or renews l and returns the cursor's position: the
	// Seq of the last entry delivered. A cursor claimed for the first time
	// starts at the feed's end. ErrLeased when another holder's lease runs
	// past now.
	ClaimDelivery(ctx context.Context, l Lease, now time.Time) (int64, error)
	// AdvanceDelivery moves l's cursor to position (never backwards) and
	// renews the lease to l.Until (a zero Until releases it). ErrLeased
	// when l.Holder no longer holds it.
	AdvanceDelivery(ctx context.Context, l Lease, position int64) error
}
