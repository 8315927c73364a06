package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/qrgate/qrgate/review/store"
)

// Claim takes or renews a moderator's claim on a pending item. The upsert
// is one statement, so two moderators opening the item at once cannot both
// win: the row's conflict serialises them and the loser's WHERE fails.
func (db *DB) Claim(ctx context.Context, id int64, moderator string, now, until time.Time) (store.Claim, error) {
	if moderator == "" || !until.After(now) {
		return store.Claim{}, fmt.Errorf("%w: a claim needs a moderator and an end after now", store.ErrInvalid)
	}
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return store.Claim{}, fmt.Errorf("claim %d: %w: %w", id, store.ErrUnavailable, err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	// The casts give PostgreSQL the parameters' types in a SELECT list.
	if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO claims (item_id, moderator, expires_at)
		SELECT id, CAST(? AS TEXT), CAST(? AS BIGINT) FROM items WHERE id = ? AND status = 'pending'
		ON CONFLICT (item_id) DO UPDATE SET moderator = excluded.moderator, expires_at = excluded.expires_at
		WHERE claims.moderator = excluded.moderator OR claims.expires_at <= ?`),
		moderator, until.UnixMicro(), id, now.UnixMicro()); err != nil {
		return store.Claim{}, fmt.Errorf("claim %d: %w: %w", id, store.ErrUnavailable, err)
	}
	c := store.Claim{ItemID: id}
	var exp int64
	err = tx.QueryRowContext(ctx, db.q(`SELECT moderator, expires_at FROM claims WHERE item_id = ?`), id).Scan(&c.Moderator, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Claim{}, db.unclaimable(ctx, tx, id)
	}
	if err != nil {
		return store.Claim{}, fmt.Errorf("claim %d: %w: %w", id, store.ErrUnavailable, err)
	}
	c.Until = fromMicros(exp)
	if err := tx.Commit(); err != nil {
		return store.Claim{}, fmt.Errorf("claim %d: %w: %w", id, store.ErrUnavailable, err)
	}
	if c.Moderator != moderator {
		return c, &store.ClaimedError{Claim: c}
	}
	return c, nil
}

// unclaimable says why no claim row was written: no such item, or one that
// is no longer pending.
func (db *DB) unclaimable(ctx context.Context, tx *sql.Tx, id int64) error {
	var status string
	err := tx.QueryRowContext(ctx, db.q(`SELECT status FROM items WHERE id = ?`), id).Scan(&status)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("item %d: %w", id, store.ErrNotFound)
	case err != nil:
		return fmt.Errorf("claim %d: %w: %w", id, store.ErrUnavailable, err)
	}
	return fmt.Errorf("item %d is %s: %w", id, status, store.ErrAlreadyDecided)
}

// ReleaseClaim ends moderator's claim on id.
func (db *DB) ReleaseClaim(ctx context.Context, id int64, moderator string) error {
	if _, err := db.W.ExecContext(ctx, db.q(`DELETE FROM claims WHERE item_id = ? AND moderator = ?`), id, moderator); err != nil {
		return fmt.Errorf("release claim %d: %w: %w", id, store.ErrUnavailable, err)
	}
	return nil
}
