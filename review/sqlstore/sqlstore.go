// Package sqlstore is the review store's SQL, written once for database/sql
// and shared by the SQLite and PostgreSQL backends. A Dialect carries the
// few differences (placeholders, row locks, DDL); the backends own opening,
// pragmas, pooling and how writes are batched.
package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/qrgate/qrgate/policy"
	"github.com/qrgate/qrgate/review/store"
)

// Dialect is what differs between the SQL backends.
type Dialect struct {
	Name string
	// Numbered placeholders ($1, $2, …) instead of ?.
	Numbered bool
	// ForUpdate is appended to the SELECT that reads an item's status before
	// a decision, so that concurrent moderators serialise on the row.
	ForUpdate string
	// Migrations are applied in order; their index+1 is the schema version.
	// Never edit one that has shipped: append a new one.
	Migrations []string
	// Lock, when set, runs first in the migration transaction (PostgreSQL
	// takes an advisory lock so that replicas starting together migrate once).
	Lock string
	// FeedLock, when set, runs first in a decision's transaction and holds
	// until its commit, so that decisions commit in the order of their
	// feed positions (feed.go). SQLite needs none: it has one writer.
	FeedLock string
}

// DB is a database handle with its dialect. Reads go through R, writes
// through W (the same *sql.DB for PostgreSQL; for SQLite, W is the single
// writer connection and R a pool of readers).
type DB struct {
	R, W *sql.DB
	D    Dialect
	// Quotas bound the bytes PutTx keeps.
	Quotas store.Quotas
}

// q rewrites ? placeholders for the dialect.
func (db *DB) q(s string) string {
	if !db.D.Numbered {
		return s
	}
	var b strings.Builder
	n := 0
	for _, c := range s {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Migrate brings the schema to the newest version, one transaction per step.
func (db *DB) Migrate(ctx context.Context) error {
	for {
		done, err := db.migrateOne(ctx)
		if err != nil || done {
			return err
		}
	}
}

func (db *DB) migrateOne(ctx context.Context) (done bool, err error) {
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("migrate: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	if db.D.Lock != "" {
		if _, err := tx.ExecContext(ctx, db.D.Lock); err != nil {
			return false, fmt.Errorf("migrate: lock: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return false, fmt.Errorf("migrate: %w", err)
	}
	var v int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return false, fmt.Errorf("migrate: read version: %w", err)
	}
	if v > len(db.D.Migrations) {
		return false, fmt.Errorf("migrate: database schema version %d is newer than this binary's %d", v, len(db.D.Migrations))
	}
	if v == len(db.D.Migrations) {
		return true, nil
	}
	if _, err := tx.ExecContext(ctx, db.D.Migrations[v]); err != nil {
		return false, fmt.Errorf("migrate to version %d: %w", v+1, err)
	}
	if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`), v+1, time.Now().UnixMicro()); err != nil {
		return false, fmt.Errorf("migrate to version %d: %w", v+1, err)
	}
	return false, tx.Commit()
}

// PutTx writes r (already Normalize'd) inside tx. A record whose ScanID is
// already stored is left as it is and its ID returned. Its texts and
// findings are charged to its seller and client and to the total; over a
// quota it is stored with its findings and the start of its texts
// (store.TruncateTexts), and r.Truncated says what was left out.
func (db *DB) PutTx(ctx context.Context, tx *sql.Tx, r *store.Record, now time.Time) (int64, error) {
	r.Truncated = nil
	var id int64
	err := tx.QueryRowContext(ctx, db.q(`SELECT id FROM items WHERE scan_id = ?`), r.ScanID).Scan(&id)
	if err == nil {
		return id, nil // already stored: idempotent by ScanID
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("put %s: %w", r.ScanID, err)
	}
	cost, err := r.TextBytes()
	if err != nil {
		return 0, err
	}
	texts, trunc, cost, err := db.chargeTexts(ctx, tx, r, cost)
	if err != nil {
		return 0, fmt.Errorf("put %s: %w", r.ScanID, err)
	}
	textsJSON, err := json.Marshal(texts)
	if err != nil {
		return 0, fmt.Errorf("%w: texts: %v", store.ErrInvalid, err)
	}
	err = tx.QueryRowContext(ctx, db.q(`INSERT INTO items (scan_id, listing_id, seller_id, verdict, policy_version, texts, scanned_at, created_at, status, client, charged)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (scan_id) DO NOTHING RETURNING id`),
		r.ScanID, r.ListingID, r.SellerID, string(r.Verdict), r.PolicyVersion, string(textsJSON),
		micros(r.ScannedAt), now.UnixMicro(), r.Client, cost).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		// Stored by another writer since our read (PostgreSQL): give
		// back what this one charged, and answer with its item.
		if err := db.adjust(ctx, tx, r.SellerID, r.Client, -cost); err != nil {
			return 0, fmt.Errorf("put %s: %w", r.ScanID, err)
		}
		if err := tx.QueryRowContext(ctx, db.q(`SELECT id FROM items WHERE scan_id = ?`), r.ScanID).Scan(&id); err != nil {
			return 0, fmt.Errorf("put %s: %w", r.ScanID, err)
		}
		return id, nil
	}
	if err != nil {
		return 0, fmt.Errorf("put %s: %w", r.ScanID, err)
	}
	for i := range r.Images {
		im := &r.Images[i]
		if err := db.putImage(ctx, tx, r, im, now); err != nil {
			return 0, fmt.Errorf("put %s: image %s: %w", r.ScanID, im.SHA256, err)
		}
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO item_images (item_id, idx, name, sha256, flagged, error_code, error_message) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			id, im.Index, im.Name, im.SHA256, boolInt(flaggedImage(r.Findings, im.Index)), im.ErrorCode, store.CutMessage(im.ErrorMessage)); err != nil {
			return 0, fmt.Errorf("put %s: image %d: %w", r.ScanID, im.Index, err)
		}
		if im.NotStored != "" {
			if trunc == nil {
				trunc = &store.Truncation{Reason: im.NotStored}
			}
			trunc.Images++
		}
	}
	for i, f := range r.Findings {
		data, err := json.Marshal(f)
		if err != nil {
			return 0, fmt.Errorf("%w: finding %d: %v", store.ErrInvalid, i, err)
		}
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO findings (item_id, idx, category, identifier, payload, data) VALUES (?, ?, ?, ?, ?, ?)`),
			id, i, f.Category, f.Identifier, f.Payload, string(data)); err != nil {
			return 0, fmt.Errorf("put %s: finding %d: %w", r.ScanID, i, err)
		}
	}
	if trunc != nil {
		data, _ := json.Marshal(trunc) // a struct of strings and numbers
		if _, err := tx.ExecContext(ctx, db.q(`UPDATE items SET truncated = ? WHERE id = ?`), string(data), id); err != nil {
			return 0, fmt.Errorf("put %s: %w", r.ScanID, err)
		}
	}
	r.Truncated = trunc
	return id, nil
}

// flaggedImage reports whether a finding on image idx needs review.
func flaggedImage(fs []policy.Finding, idx int) bool {
	for _, f := range fs {
		if f.Source != policy.SourceText && f.Image == idx && f.Action != policy.Allow {
			return true
		}
	}
	return false
}

// chargeTexts charges a record's texts and findings (cost bytes). Over a
// quota, the texts are cut (store.TruncateTexts) and what is kept is
// charged all the same, past the limit: the counters say what the store
// holds, and an over-quota listing adds at most MaxTruncatedText of text.
// It returns the texts to store, the truncation (nil: none) and the bytes
// charged.
func (db *DB) chargeTexts(ctx context.Context, tx *sql.Tx, r *store.Record, cost int64) ([]string, *store.Truncation, int64, error) {
	reason, err := db.charge(ctx, tx, r, cost)
	if err != nil || reason == "" {
		return r.Texts, nil, cost, err
	}
	texts, dropped := store.TruncateTexts(r.Texts)
	kept := cost - dropped
	if err := db.adjust(ctx, tx, r.SellerID, r.Client, kept); err != nil {
		return nil, nil, 0, err
	}
	return texts, &store.Truncation{Reason: reason, TextBytes: dropped}, kept, nil
}

// putImage stores an image's bytes once: an image already stored costs
// nothing; a new one (or one known only by its hash) is charged to the
// record's seller and client and to the total, and kept as its hash and
// size alone when a quota says no (im.NotStored tells which).
func (db *DB) putImage(ctx context.Context, tx *sql.Tx, r *store.Record, im *store.Image, now time.Time) error {
	size := int64(len(im.Data))
	im.NotStored = ""
	var stored int
	err := tx.QueryRowContext(ctx, db.q(`SELECT stored FROM images WHERE sha256 = ?`), im.SHA256).Scan(&stored)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	known := err == nil
	if known && stored != 0 {
		return nil
	}
	im.NotStored, err = db.charge(ctx, tx, r, size)
	if err != nil {
		return err
	}
	data, keep := im.Data, 1
	if im.NotStored != "" {
		data, keep = []byte{}, 0
	}
	var res sql.Result
	if known {
		res, err = tx.ExecContext(ctx, db.q(`UPDATE images SET data = ?, stored = ?, seller_id = ?, client = ? WHERE sha256 = ? AND stored = 0`),
			data, keep, r.SellerID, r.Client, im.SHA256)
	} else {
		res, err = tx.ExecContext(ctx, db.q(`INSERT INTO images (sha256, format, width, height, size, data, created_at, stored, seller_id, client)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`),
			im.SHA256, im.Format, im.Width, im.Height, size, data, now.UnixMicro(), keep, r.SellerID, r.Client)
	}
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		// Another writer stored it between our read and write (PostgreSQL):
		// it was charged there, so give back what this one charged.
		if im.NotStored == "" {
			return db.adjust(ctx, tx, r.SellerID, r.Client, -size)
		}
		return err
	}
	return nil
}

// Usage owners. A seller is counted within its client (two API keys may
// both have a seller "42"); listings without a seller share one bucket per
// client. Client names are the gateway's ("key:…", "addr:…"), which hold
// no '|'.
func sellerOwner(client, seller string) string {
	if seller == "" {
		return "noseller:" + client
	}
	return "seller:" + client + "|" + seller
}

func clientOwner(client string) string { return "client:" + client }

// totalShards spread the total's counter over rows: every Put writes it,
// and one row would make concurrent PostgreSQL commits wait on its lock.
const totalShards = 16

// bucket is a usage row a record is charged to, with its limit.
type bucket struct {
	owner, reason string
	limit         int64
}

// buckets are the seller's and the client's, with the limits that apply to
// this record (no seller_id, a client known by its address).
func (db *DB) buckets(r *store.Record) []bucket {
	q := db.Quotas
	seller := bucket{sellerOwner(r.Client, r.SellerID), store.OverSellerQuota, q.SellerBytes}
	if r.SellerID == "" {
		seller.limit = q.NoSellerBytes
	}
	client := bucket{clientOwner(r.Client), store.OverClientQuota, q.ClientBytes}
	if r.ByAddress {
		client.limit = q.AddressBytes
	}
	return []bucket{seller, client}
}

// charge adds size to the record's seller and client and to the total, or
// to none of them: it returns the quota that refused ("" when charged).
// The per-seller and per-client checks are exact (a conditional update
// locks the row); the total is read without a lock, so concurrent writers
// can pass it by at most their own images.
func (db *DB) charge(ctx context.Context, tx *sql.Tx, r *store.Record, size int64) (string, error) {
	steps := db.buckets(r)
	for i, st := range steps {
		ok, err := db.add(ctx, tx, st.owner, size, st.limit)
		if err != nil {
			return "", err
		}
		if !ok {
			for _, done := range steps[:i] {
				if _, err := db.add(ctx, tx, done.owner, -size, 0); err != nil {
					return "", err
				}
			}
			return st.reason, nil
		}
	}
	if q := db.Quotas; q.TotalBytes > 0 {
		var total int64
		if err := tx.QueryRowContext(ctx, db.q(`SELECT COALESCE(SUM(bytes), 0) FROM store_usage WHERE owner LIKE 'total:%'`)).Scan(&total); err != nil {
			return "", err
		}
		if total+size > q.TotalBytes {
			for _, done := range steps {
				if _, err := db.add(ctx, tx, done.owner, -size, 0); err != nil {
					return "", err
				}
			}
			return store.StoreFull, nil
		}
	}
	_, err := db.add(ctx, tx, fmt.Sprintf("total:%d", rand.IntN(totalShards)), size, 0)
	return "", err
}

// adjust adds delta to a seller, a client and the total, whatever their
// limits: bytes given back (delta < 0), or kept past a quota.
func (db *DB) adjust(ctx context.Context, tx *sql.Tx, seller, client string, delta int64) error {
	if delta == 0 {
		return nil
	}
	for _, owner := range []string{sellerOwner(client, seller), clientOwner(client), fmt.Sprintf("total:%d", rand.IntN(totalShards))} {
		if _, err := db.add(ctx, tx, owner, delta, 0); err != nil {
			return err
		}
	}
	return nil
}

// add adds n to owner's usage, unless limit > 0 and the sum would pass it.
func (db *DB) add(ctx context.Context, tx *sql.Tx, owner string, n, limit int64) (bool, error) {
	if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO store_usage (owner, bytes) VALUES (?, 0) ON CONFLICT (owner) DO NOTHING`), owner); err != nil {
		return false, err
	}
	var res sql.Result
	var err error
	if limit > 0 {
		res, err = tx.ExecContext(ctx, db.q(`UPDATE store_usage SET bytes = bytes + ? WHERE owner = ? AND bytes + ? <= ?`), n, owner, n, limit)
	} else {
		res, err = tx.ExecContext(ctx, db.q(`UPDATE store_usage SET bytes = bytes + ? WHERE owner = ?`), n, owner)
	}
	if err != nil {
		return false, err
	}
	rows, err := res.RowsAffected()
	return rows == 1, err
}

// StoredBytes sums the total's shards.
func (db *DB) StoredBytes(ctx context.Context) (int64, error) {
	var total int64
	if err := db.R.QueryRowContext(ctx, db.q(`SELECT COALESCE(SUM(bytes), 0) FROM store_usage WHERE owner LIKE 'total:%'`)).Scan(&total); err != nil {
		return 0, fmt.Errorf("stored bytes: %w: %w", store.ErrUnavailable, err)
	}
	return total, nil
}

// purgeBatch bounds the items one purge transaction empties, so that it
// never holds the writer for long.
const purgeBatch = 200

// Purge empties decided items older than before, batch by batch, and
// deletes sessions expired at now.
func (db *DB) Purge(ctx context.Context, before, now time.Time) (store.Purged, error) {
	var out store.Purged
	if _, err := db.W.ExecContext(ctx, db.q(`DELETE FROM sessions WHERE expires_at <= ?`), now.UnixMicro()); err != nil {
		return out, fmt.Errorf("purge sessions: %w: %w", store.ErrUnavailable, err)
	}
	if _, err := db.W.ExecContext(ctx, db.q(`DELETE FROM claims WHERE expires_at <= ?`), now.UnixMicro()); err != nil {
		return out, fmt.Errorf("purge claims: %w: %w", store.ErrUnavailable, err)
	}
	for {
		n, err := db.purgeOne(ctx, before, now, &out)
		if err != nil {
			return out, fmt.Errorf("purge: %w: %w", store.ErrUnavailable, err)
		}
		if n < purgeBatch {
			return out, nil
		}
	}
}

func (db *DB) purgeOne(ctx context.Context, before, now time.Time, out *store.Purged) (int, error) {
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	rows, err := tx.QueryContext(ctx, db.q(`SELECT id FROM items WHERE status <> 'pending' AND decided_at < ? AND purged_at IS NULL ORDER BY id LIMIT ?`),
		before.UnixMicro(), purgeBatch)
	if err != nil {
		return 0, err
	}
	var ids []any
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	if err := closeRows(rows); err != nil || len(ids) == 0 {
		return 0, err
	}
	in := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ") + ")"
	textBytes, err := db.creditItems(ctx, tx, in, ids)
	if err != nil {
		return 0, err
	}
	rows, err = tx.QueryContext(ctx, db.q(`SELECT DISTINCT sha256 FROM item_images WHERE item_id IN `+in), ids...)
	if err != nil {
		return 0, err
	}
	var shas []string
	for rows.Next() {
		var sha string
		if err := rows.Scan(&sha); err != nil {
			rows.Close()
			return 0, err
		}
		shas = append(shas, sha)
	}
	if err := closeRows(rows); err != nil {
		return 0, err
	}
	for _, stmt := range []string{
		`DELETE FROM item_images WHERE item_id IN ` + in,
		`DELETE FROM findings WHERE item_id IN ` + in,
	} {
		if _, err := tx.ExecContext(ctx, db.q(stmt), ids...); err != nil {
			return 0, err
		}
	}
	args := append([]any{now.UnixMicro()}, ids...)
	if _, err := tx.ExecContext(ctx, db.q(`UPDATE items SET texts = '[]', purged_at = ? WHERE id IN `+in), args...); err != nil {
		return 0, err
	}
	var images int
	bytes := textBytes
	for _, sha := range shas {
		var size int64
		var stored int
		var seller, client string
		err := tx.QueryRowContext(ctx, db.q(`SELECT size, stored, seller_id, client FROM images i WHERE sha256 = ?
			AND NOT EXISTS (SELECT 1 FROM item_images ii WHERE ii.sha256 = i.sha256)`), sha).Scan(&size, &stored, &seller, &client)
		if errors.Is(err, sql.ErrNoRows) {
			continue // still shown by another item
		}
		if err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM images WHERE sha256 = ?`), sha); err != nil {
			return 0, err
		}
		images++
		if stored != 0 {
			bytes += size
			if err := db.adjust(ctx, tx, seller, client, -size); err != nil {
				return 0, err
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	out.Items += len(ids)
	out.Images += images
	out.Bytes += bytes
	return len(ids), nil
}

// creditItems gives the text bytes of the items being purged (ids, the
// placeholders in) back to their sellers and clients.
func (db *DB) creditItems(ctx context.Context, tx *sql.Tx, in string, ids []any) (int64, error) {
	rows, err := tx.QueryContext(ctx, db.q(`SELECT seller_id, client, charged FROM items WHERE id IN `+in), ids...)
	if err != nil {
		return 0, err
	}
	type charge struct {
		seller, client string
		bytes          int64
	}
	var charges []charge
	for rows.Next() {
		var c charge
		if err := rows.Scan(&c.seller, &c.client, &c.bytes); err != nil {
			rows.Close()
			return 0, err
		}
		charges = append(charges, c)
	}
	if err := closeRows(rows); err != nil {
		return 0, err
	}
	var total int64
	for _, c := range charges {
		if err := db.adjust(ctx, tx, c.seller, c.client, -c.bytes); err != nil {
			return 0, err
		}
		total += c.bytes
	}
	return total, nil
}

// DecideTx records d on item id inside tx, with its audit entry.
func (db *DB) DecideTx(ctx context.Context, tx *sql.Tx, id int64, d store.Decision) error {
	next, ok := store.StatusOf(d.Decision)
	if !ok {
		return fmt.Errorf("%w: decision %q (want approve or reject)", store.ErrInvalid, d.Decision)
	}
	if db.D.FeedLock != "" {
		if _, err := tx.ExecContext(ctx, db.D.FeedLock); err != nil {
			return fmt.Errorf("decide %d: feed lock: %w", id, err)
		}
	}
	var prev string
	var purged sql.NullInt64
	err := tx.QueryRowContext(ctx, db.q(`SELECT status, purged_at FROM items WHERE id = ?`+db.D.ForUpdate), id).Scan(&prev, &purged)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("item %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("decide %d: %w", id, err)
	}
	if purged.Valid {
		return fmt.Errorf("item %d: %w", id, store.ErrPurged)
	}
	action := "decision"
	if store.Status(prev) != store.Pending {
		if !d.Override {
			return fmt.Errorf("item %d is %s: %w", id, prev, store.ErrAlreadyDecided)
		}
		action = "override"
	}
	if _, err := tx.ExecContext(ctx, db.q(`UPDATE items SET status = ?, decision = ?, moderator = ?, note = ?, decided_at = ?, override = ? WHERE id = ?`),
		string(next), d.Decision, d.Moderator, d.Note, micros(d.At), boolInt(d.Override), id); err != nil {
		return fmt.Errorf("decide %d: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO audit (at, moderator, action, item_id, decision, note, previous) VALUES (?, ?, ?, ?, ?, ?, ?)`),
		micros(d.At), d.Moderator, action, id, d.Decision, d.Note, prev); err != nil {
		return fmt.Errorf("decide %d: audit: %w", id, err)
	}
	if err := db.appendFeed(ctx, tx, id, d); err != nil {
		return fmt.Errorf("decide %d: feed: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM claims WHERE item_id = ?`), id); err != nil {
		return fmt.Errorf("decide %d: release claim: %w", id, err)
	}
	return nil
}

// Get reads one item.
func (db *DB) Get(ctx context.Context, id int64) (*store.Item, error) {
	it := &store.Item{}
	var texts, truncated string
	var dec decisionCols
	var verdict, status string
	var scanned, created int64
	var purged sql.NullInt64
	err := db.R.QueryRowContext(ctx, db.q(`SELECT id, scan_id, listing_id, seller_id, verdict, policy_version, status, scanned_at, created_at, texts,
		decision, moderator, note, decided_at, override, client, purged_at, truncated FROM items WHERE id = ?`), id).Scan(
		&it.ID, &it.ScanID, &it.ListingID, &it.SellerID, &verdict, &it.PolicyVersion, &status, &scanned, &created, &texts,
		&dec.decision, &dec.moderator, &dec.note, &dec.at, &dec.override, &it.Client, &purged, &truncated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("item %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get %d: %w", id, err)
	}
	if purged.Valid {
		// Out of the queue and its counts: the decision is in the audit log.
		return nil, fmt.Errorf("item %d (%s %s): %w", id, status, fromMicros(purged.Int64).Format(time.RFC3339), store.ErrPurged)
	}
	it.Verdict, it.Status = policy.Action(verdict), store.Status(status)
	it.ScannedAt, it.CreatedAt = fromMicros(scanned), fromMicros(created)
	it.Decision = dec.get()
	if err := json.Unmarshal([]byte(texts), &it.Texts); err != nil {
		return nil, fmt.Errorf("get %d: texts: %w", id, err)
	}
	if truncated != "" {
		it.Truncated = &store.Truncation{}
		if err := json.Unmarshal([]byte(truncated), it.Truncated); err != nil {
			return nil, fmt.Errorf("get %d: truncated: %w", id, err)
		}
	}
	rows, err := db.R.QueryContext(ctx, db.q(`SELECT ii.idx, ii.name, im.sha256, im.format, im.width, im.height, im.size, im.stored,
		ii.flagged, ii.error_code, ii.error_message
		FROM item_images ii JOIN images im ON im.sha256 = ii.sha256 WHERE ii.item_id = ? ORDER BY ii.idx`), id)
	if err != nil {
		return nil, fmt.Errorf("get %d: images: %w", id, err)
	}
	it.Images = []store.ImageRef{}
	for rows.Next() {
		var im store.ImageRef
		var stored, flagged int
		var code, msg string
		if err := rows.Scan(&im.Index, &im.Name, &im.SHA256, &im.Format, &im.Width, &im.Height, &im.Size, &stored,
			&flagged, &code, &msg); err != nil {
			rows.Close()
			return nil, fmt.Errorf("get %d: images: %w", id, err)
		}
		im.Stored, im.Flagged = stored != 0, flagged != 0
		if code != "" {
			im.Error = &store.ImageError{Code: code, Message: msg}
		}
		it.Images = append(it.Images, im)
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("get %d: images: %w", id, err)
	}
	rows, err = db.R.QueryContext(ctx, db.q(`SELECT data FROM findings WHERE item_id = ? ORDER BY idx`), id)
	if err != nil {
		return nil, fmt.Errorf("get %d: findings: %w", id, err)
	}
	it.Findings = []policy.Finding{}
	for rows.Next() {
		var data string
		var f policy.Finding
		if err := rows.Scan(&data); err != nil {
			rows.Close()
			return nil, fmt.Errorf("get %d: findings: %w", id, err)
		}
		if err := json.Unmarshal([]byte(data), &f); err != nil {
			rows.Close()
			return nil, fmt.Errorf("get %d: finding: %w", id, err)
		}
		it.Findings = append(it.Findings, f)
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("get %d: findings: %w", id, err)
	}
	return it, nil
}

// where builds the WHERE clause shared by List and Counts.
func where(f store.Filter, withStatus bool) (string, []any) {
	conds := []string{"i.purged_at IS NULL"}
	var args []any
	if withStatus && f.Status != "" {
		conds, args = append(conds, "i.status = ?"), append(args, string(f.Status))
	}
	if f.SellerID != "" {
		conds, args = append(conds, "i.seller_id = ?"), append(args, f.SellerID)
	}
	if f.Category != "" {
		conds, args = append(conds, "EXISTS (SELECT 1 FROM findings f WHERE f.item_id = i.id AND f.category = ?)"), append(args, f.Category)
	}
	if f.Identifier != "" {
		conds, args = append(conds, "EXISTS (SELECT 1 FROM findings f WHERE f.item_id = i.id AND f.identifier = ?)"), append(args, f.Identifier)
	}
	if f.SkipClaimed {
		conds = append(conds, "NOT EXISTS (SELECT 1 FROM claims c WHERE c.item_id = i.id AND c.expires_at > ? AND c.moderator <> ?)")
		args = append(args, f.Now.UnixMicro(), f.Moderator)
	}
	if withStatus && f.Cursor > 0 {
		op := "i.id < ?"
		if f.Oldest {
			op = "i.id > ?"
		}
		conds, args = append(conds, op), append(args, f.Cursor)
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// List returns a page of summaries, newest or oldest first. A row's seller
// flag count is every item of its seller still in the queue (decided ones
// included), by the items_seller index.
func (db *DB) List(ctx context.Context, f store.Filter) (store.Page, error) {
	limit := f.EffectiveLimit()
	w, args := where(f, true)
	order := " ORDER BY i.id DESC"
	if f.Oldest {
		order = " ORDER BY i.id ASC"
	}
	rows, err := db.R.QueryContext(ctx, db.q(`SELECT i.id, i.scan_id, i.listing_id, i.seller_id, i.verdict, i.status, i.scanned_at, i.created_at,
		i.decision, i.moderator, i.note, i.decided_at, i.override,
		(SELECT COUNT(*) FROM item_images ii WHERE ii.item_id = i.id), c.moderator, c.expires_at,
		CASE WHEN i.seller_id = '' THEN 0 ELSE (SELECT COUNT(*) FROM items s WHERE s.seller_id = i.seller_id AND s.purged_at IS NULL) END
		FROM items i LEFT JOIN claims c ON c.item_id = i.id AND c.expires_at > ?`+w+order+` LIMIT ?`),
		append(append([]any{claimsFrom(f.Now)}, args...), limit+1)...)
	if err != nil {
		return store.Page{}, fmt.Errorf("list: %w", err)
	}
	page := store.Page{Items: []store.Summary{}}
	byID := map[int64]int{}
	for rows.Next() {
		var s store.Summary
		var dec decisionCols
		var verdict, status string
		var scanned, created int64
		var claimer sql.NullString
		var claimedUntil sql.NullInt64
		if err := rows.Scan(&s.ID, &s.ScanID, &s.ListingID, &s.SellerID, &verdict, &status, &scanned, &created,
			&dec.decision, &dec.moderator, &dec.note, &dec.at, &dec.override, &s.Images, &claimer, &claimedUntil, &s.SellerFlags); err != nil {
			rows.Close()
			return store.Page{}, fmt.Errorf("list: %w", err)
		}
		s.Verdict, s.Status = policy.Action(verdict), store.Status(status)
		s.ScannedAt, s.CreatedAt = fromMicros(scanned), fromMicros(created)
		s.Decision = dec.get()
		if claimer.Valid {
			s.Claim = &store.Claim{ItemID: s.ID, Moderator: claimer.String, Until: fromMicros(claimedUntil.Int64)}
		}
		s.Categories, s.Payloads, s.Thumbs = []string{}, []string{}, []store.ThumbRef{}
		byID[s.ID] = len(page.Items)
		page.Items = append(page.Items, s)
	}
	if err := closeRows(rows); err != nil {
		return store.Page{}, fmt.Errorf("list: %w", err)
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		page.Next = page.Items[limit-1].ID
	}
	if len(page.Items) == 0 {
		return page, nil
	}
	// Categories and the first payloads of the page's items, in one query.
	ids := make([]any, len(page.Items))
	for i, s := range page.Items {
		ids[i] = s.ID
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
	rows, err = db.R.QueryContext(ctx, db.q(`SELECT item_id, category, payload FROM findings WHERE item_id IN (`+marks+`) ORDER BY item_id, idx`), ids...)
	if err != nil {
		return store.Page{}, fmt.Errorf("list findings: %w", err)
	}
	for rows.Next() {
		var id int64
		var cat, payload string
		if err := rows.Scan(&id, &cat, &payload); err != nil {
			rows.Close()
			return store.Page{}, fmt.Errorf("list findings: %w", err)
		}
		i, ok := byID[id]
		if !ok {
			continue
		}
		s := &page.Items[i]
		if !contains(s.Categories, cat) {
			s.Categories = append(s.Categories, cat)
		}
		if payload != "" && len(s.Payloads) < 3 && !contains(s.Payloads, payload) {
			s.Payloads = append(s.Payloads, payload)
		}
	}
	if err := closeRows(rows); err != nil {
		return store.Page{}, fmt.Errorf("list findings: %w", err)
	}
	if err := db.listThumbs(ctx, ids, marks, page.Items, byID); err != nil {
		return store.Page{}, err
	}
	return page, nil
}

// listThumbs fills the first store.MaxRowThumbs images of the page's items.
func (db *DB) listThumbs(ctx context.Context, ids []any, marks string, items []store.Summary, byID map[int64]int) error {
	rows, err := db.R.QueryContext(ctx, db.q(`SELECT ii.item_id, ii.idx, ii.sha256, ii.flagged, im.stored
		FROM item_images ii JOIN images im ON im.sha256 = ii.sha256 WHERE ii.item_id IN (`+marks+`) ORDER BY ii.item_id, ii.idx`), ids...)
	if err != nil {
		return fmt.Errorf("list images: %w", err)
	}
	for rows.Next() {
		var id int64
		var th store.ThumbRef
		var flagged, stored int
		if err := rows.Scan(&id, &th.Index, &th.SHA256, &flagged, &stored); err != nil {
			rows.Close()
			return fmt.Errorf("list images: %w", err)
		}
		th.Flagged, th.Stored = flagged != 0, stored != 0
		if i, ok := byID[id]; ok && len(items[i].Thumbs) < store.MaxRowThumbs {
			items[i].Thumbs = append(items[i].Thumbs, th)
		}
	}
	if err := closeRows(rows); err != nil {
		return fmt.Errorf("list images: %w", err)
	}
	return nil
}

// Counts returns items per status.
func (db *DB) Counts(ctx context.Context, f store.Filter) (map[store.Status]int, error) {
	w, args := where(f, false)
	rows, err := db.R.QueryContext(ctx, db.q(`SELECT i.status, COUNT(*) FROM items i`+w+` GROUP BY i.status`), args...)
	if err != nil {
		return nil, fmt.Errorf("counts: %w", err)
	}
	out := map[store.Status]int{}
	for _, s := range store.Statuses {
		out[s] = 0
	}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("counts: %w", err)
		}
		out[store.Status(s)] = n
	}
	return out, closeRows(rows)
}

// Audit returns audit entries newest first.
func (db *DB) Audit(ctx context.Context, before int64, limit int) ([]store.AuditEntry, error) {
	limit = store.Filter{Limit: limit}.EffectiveLimit()
	if before <= 0 {
		before = 1<<63 - 1
	}
	rows, err := db.R.QueryContext(ctx, db.q(`SELECT id, at, moderator, action, item_id, decision, note, previous FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?`), before, limit)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	out := []store.AuditEntry{}
	for rows.Next() {
		var e store.AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.Moderator, &e.Action, &e.ItemID, &e.Decision, &e.Note, &e.Previous); err != nil {
			rows.Close()
			return nil, fmt.Errorf("audit: %w", err)
		}
		e.At = fromMicros(at)
		out = append(out, e)
	}
	return out, closeRows(rows)
}

// Image reads an image's bytes.
func (db *DB) Image(ctx context.Context, sha string) (*store.Blob, error) {
	b := &store.Blob{SHA256: sha}
	var stored int
	err := db.R.QueryRowContext(ctx, db.q(`SELECT format, data, stored FROM images WHERE sha256 = ?`), sha).Scan(&b.Format, &b.Data, &stored)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("image %s: %w", sha, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("image %s: %w", sha, err)
	}
	if stored == 0 {
		return nil, fmt.Errorf("image %s: %w", sha, store.ErrNotStored)
	}
	return b, nil
}

// Spreads counts distinct listings and sellers per identifier.
func (db *DB) Spreads(ctx context.Context, ids []string) (map[string]store.Spread, error) {
	out := map[string]store.Spread{}
	for _, id := range ids {
		if id == "" {
			continue
		}
		if _, done := out[id]; done {
			continue
		}
		s := store.Spread{Identifier: id}
		err := db.R.QueryRowContext(ctx, db.q(`SELECT COUNT(DISTINCT i.listing_id), COUNT(DISTINCT i.seller_id), COUNT(DISTINCT i.id)
			FROM findings f JOIN items i ON i.id = f.item_id WHERE f.identifier = ?`), id).Scan(&s.Listings, &s.Sellers, &s.Items)
		if err != nil {
			return nil, fmt.Errorf("spread %q: %w", id, err)
		}
		out[id] = s
	}
	return out, nil
}

// CreateSession stores s.
func (db *DB) CreateSession(ctx context.Context, s store.Session) error {
	if _, err := db.W.ExecContext(ctx, db.q(`INSERT INTO sessions (id, moderator, token_tag, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`),
		s.ID, s.Moderator, s.TokenTag, micros(s.CreatedAt), micros(s.ExpiresAt)); err != nil {
		return fmt.Errorf("create session: %w: %w", store.ErrUnavailable, err)
	}
	return nil
}

// Session reads a session.
func (db *DB) Session(ctx context.Context, id string) (*store.Session, error) {
	s := &store.Session{ID: id}
	var created, expires int64
	err := db.R.QueryRowContext(ctx, db.q(`SELECT moderator, token_tag, created_at, expires_at FROM sessions WHERE id = ?`), id).
		Scan(&s.Moderator, &s.TokenTag, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("session: %w", store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("session: %w: %w", store.ErrUnavailable, err)
	}
	s.CreatedAt, s.ExpiresAt = fromMicros(created), fromMicros(expires)
	return s, nil
}

// DeleteSession ends a session.
func (db *DB) DeleteSession(ctx context.Context, id string) error {
	if _, err := db.W.ExecContext(ctx, db.q(`DELETE FROM sessions WHERE id = ?`), id); err != nil {
		return fmt.Errorf("delete session: %w: %w", store.ErrUnavailable, err)
	}
	return nil
}

// decisionCols scans the nullable decision columns of items.
type decisionCols struct {
	decision, moderator, note sql.NullString
	at, override              sql.NullInt64
}

func (d decisionCols) get() *store.Decision {
	if !d.decision.Valid {
		return nil
	}
	return &store.Decision{Decision: d.decision.String, Moderator: d.moderator.String, Note: d.note.String,
		At: fromMicros(d.at.Int64), Override: d.override.Int64 != 0}
}

func closeRows(rows *sql.Rows) error {
	if err := rows.Err(); err != nil {
		rows.Close()
		return err
	}
	return rows.Close()
}

func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// claimsFrom is the instant from which List reports claims: none when now
// is zero (the largest time, so no claim runs past it).
func claimsFrom(now time.Time) int64 {
	if now.IsZero() {
		return 1<<63 - 1
	}
	return now.UnixMicro()
}

func fromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
