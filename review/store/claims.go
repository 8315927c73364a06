package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrClaimed: another moderator holds an unexpired claim on the item. The
// error is a *ClaimedError that names the holder.
var ErrClaimed = errors.New("claimed by another moderator")

// ClaimTTL is how long opening an item holds it: long enough to read a
// listing and decide, short enough that an abandoned tab frees the item
// within minutes. Opening it again renews the claim.
const ClaimTTL = 5 * time.Minute

// Claim is a moderator's hold on a pending item, so that several
// moderators working the queue at once do not review the same listing. It
// is kept in the store, so that every replica sharing it agrees; it ends
// at Until, or when the item is decided.
type Claim struct {
	ItemID    int64     `json:"item_id"`
	Moderator string    `json:"moderator"`
	Until     time.Time `json:"until"`
}

// ClaimedError is ErrClaimed with the claim that is in the way.
type ClaimedError struct{ Claim Claim }

func (e *ClaimedError) Error() string {
	return fmt.Sprintf("item %d is claimed by %s until %s", e.Claim.ItemID, e.Claim.Moderator, e.Claim.Until.Format(time.RFC3339))
}

// Is makes errors.Is(err, ErrClaimed) hold.
func (e *ClaimedError) Is(target error) bool { return target == ErrClaimed }

// Claims are the queue's claims.
type Claims interface {
	// Claim takes or renews moderator's claim on pending item id until
	// `until`. A claim another moderator holds past now is left alone and
	// returned as a *ClaimedError; an expired one is taken over.
	// ErrNotFound when there is no such item, ErrAlreadyDecided when it is
	// no longer pending.
	Claim(ctx context.Context, id int64, moderator string, now, until time.Time) (Claim, error)
	// ReleaseClaim ends moderator's claim on id (no error when there is
	// none). Decide releases every claim on the item itself.
	ReleaseClaim(ctx context.Context, id int64, moderator string) error
}
