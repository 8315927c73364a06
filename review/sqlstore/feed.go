package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/qrgate/qrgate/review/store"
)

// appendFeed adds d to the decisions feed inside DecideTx's transaction.
// Its Seq is assigned here and becomes visible at commit; what keeps a
// reader from passing a Seq that commits later is that decisions commit
// one at a time: SQLite has one writer, and on PostgreSQL DecideTx takes
// Dialect.FeedLock before anything else and holds it to the commit.
func (db *DB) appendFeed(ctx context.Context, tx *sql.Tx, id int64, d store.Decision) error {
	_, err := tx.ExecContext(ctx, db.q(`INSERT INTO decision_feed (item_id, decision, override, note, moderator, decided_at) VALUES (?, ?, ?, ?, ?, ?)`),
		id, d.Decision, boolInt(d.Override), d.Note, d.Moderator, micros(d.At))
	return err
}

// Decisions reads the feed after a position, in Seq order.
func (db *DB) Decisions(ctx context.Context, after int64, limit int) ([]store.FeedEntry, error) {
	if limit <= 0 || limit > store.MaxFeedLimit {
		limit = store.DefaultFeedLimit
	}
	rows, err := db.R.QueryContext(ctx, db.q(`SELECT d.seq, d.item_id, i.scan_id, i.listing_id, i.seller_id, d.decision, d.override, d.note, d.moderator, d.decided_at
		FROM decision_feed d JOIN items i ON i.id = d.item_id WHERE d.seq > ? ORDER BY d.seq LIMIT ?`), after, limit)
	if err != nil {
		return nil, fmt.Errorf("decisions: %w: %w", store.ErrUnavailable, err)
	}
	out := []store.FeedEntry{}
	for rows.Next() {
		var e store.FeedEntry
		var override, at int64
		if err := rows.Scan(&e.Seq, &e.ItemID, &e.ScanID, &e.ListingID, &e.SellerID, &e.Decision, &override, &e.Note, &e.Moderator, &at); err != nil {
			rows.Close()
			return nil, fmt.Errorf("decisions: %w: %w", store.ErrUnavailable, err)
		}
		e.Override, e.DecidedAt = override != 0, fromMicros(at)
		out = append(out, e)
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("decisions: %w: %w", store.ErrUnavailable, err)
	}
	return out, nil
}

// ClaimDelivery takes or renews a delivery cursor's lease.
func (db *DB) ClaimDelivery(ctx context.Context, l store.Lease, now time.Time) (int64, error) {
	if l.Name == "" || l.Holder == "" {
		return 0, fmt.Errorf("%w: a lease needs a name and a holder", store.ErrInvalid)
	}
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("claim %s: %w: %w", l.Name, store.ErrUnavailable, err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	// WHERE true: SQLite's parser otherwise reads ON CONFLICT as a join's.
	if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO delivery_cursors (name, position, holder, lease_until)
		SELECT ?, COALESCE(MAX(seq), 0), '', 0 FROM decision_feed WHERE true ON CONFLICT (name) DO NOTHING`), l.Name); err != nil {
		return 0, fmt.Errorf("claim %s: %w: %w", l.Name, store.ErrUnavailable, err)
	}
	res, err := tx.ExecContext(ctx, db.q(`UPDATE delivery_cursors SET holder = ?, lease_until = ? WHERE name = ? AND (holder = ? OR lease_until <= ?)`),
		l.Holder, micros(l.Until), l.Name, l.Holder, now.UnixMicro())
	if err != nil {
		return 0, fmt.Errorf("claim %s: %w: %w", l.Name, store.ErrUnavailable, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return 0, fmt.Errorf("claim %s: %w", l.Name, store.ErrLeased)
	}
	var pos int64
	if err := tx.QueryRowContext(ctx, db.q(`SELECT position FROM delivery_cursors WHERE name = ?`), l.Name).Scan(&pos); err != nil {
		return 0, fmt.Errorf("claim %s: %w: %w", l.Name, store.ErrUnavailable, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("claim %s: %w: %w", l.Name, store.ErrUnavailable, err)
	}
	return pos, nil
}

// AdvanceDelivery moves a held cursor forward and renews (or releases) its lease.
func (db *DB) AdvanceDelivery(ctx context.Context, l store.Lease, position int64) error {
	res, err := db.W.ExecContext(ctx, db.q(`UPDATE delivery_cursors SET position = CASE WHEN position > ? THEN position ELSE ? END, lease_until = ?
		WHERE name = ? AND holder = ?`), position, position, micros(l.Until), l.Name, l.Holder)
	if err != nil {
		return fmt.Errorf("advance %s: %w: %w", l.Name, store.ErrUnavailable, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("advance %s: %w", l.Name, store.ErrLeased)
	}
	return nil
}
