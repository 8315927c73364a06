// Package postgres is the review store for fleets: many qrgate replicas
// share one queue in PostgreSQL (through pgx). It runs the same SQL as the
// SQLite store (review/sqlstore); what differs is here: the schema's
// types, row locks for decisions and an advisory lock for migrations.
//
// Durability is PostgreSQL's: a Put returns after its transaction
// committed, which with the server's default synchronous_commit=on means
// the WAL record is flushed. PostgreSQL batches concurrent commits' flushes
// itself, so there is no group commit here.
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver

	"github.com/qrgate/qrgate/review/sqlstore"
	"github.com/qrgate/qrgate/review/store"
)

// Config configures the PostgreSQL store.
type Config struct {
	URL      string           // postgres://user:pass@host/db?…
	Now      func() time.Time // clock for created_at; time.Now when nil
	MaxConns int              // pool size; 16 when 0
	// Quotas bound the image bytes kept (zero: no limit).
	Quotas store.Quotas
}

// Store is the PostgreSQL review store. It implements store.Store.
type Store struct {
	// DB runs the shared SQL: Get, List, Counts, Audit, Image, Spreads
	// and the session queries come from it.
	*sqlstore.DB
	now func() time.Time
}

var _ store.Store = (*Store)(nil)

// migrationLock serialises migrations across replicas starting together
// (an arbitrary constant key: "qrgate review" in ASCII, truncated).
const migrationLock = `SELECT pg_advisory_xact_lock(7310313387203585)`

// feedLock serialises decisions from their first statement to their commit
// (the next key): a decision's feed position is drawn from a sequence
// before it commits, and without the lock a later position could commit
// first and a reader past it would never see the earlier one. Decisions
// are moderators' clicks, a few a second, so they can wait in line.
const feedLock = `SELECT pg_advisory_xact_lock(7310313387203586)`

// Open connects, checks the server and migrates the schema.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxConns == 0 {
		cfg.MaxConns = 16
	}
	db, err := sql.Open("pgx", cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("postgres store: %w", err)
	}
	db.SetMaxOpenConns(cfg.MaxConns)
	db.SetMaxIdleConns(cfg.MaxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	s := &Store{
		DB:  &sqlstore.DB{R: db, W: db, D: sqlstore.Dialect{Name: "postgres", Numbered: true, ForUpdate: " FOR UPDATE", Migrations: migrations, Lock: migrationLock, FeedLock: feedLock}, Quotas: cfg.Quotas},
		now: cfg.Now,
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres store: connect: %w: %w", store.ErrUnavailable, err)
	}
	if err := s.DB.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres store: %w", err)
	}
	return s, nil
}

// unavailable marks errors that are the database's state, not the
// request's: a caller turns them into 503.
func unavailable(what string, err error) error {
	if errors.Is(err, store.ErrInvalid) || errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrAlreadyDecided) {
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (pe.Code[:2] == "22" || pe.Code[:2] == "23") {
		// Data exceptions and constraint violations: the record is at fault.
		return fmt.Errorf("postgres store: %s: %w: %w", what, store.ErrInvalid, err)
	}
	return fmt.Errorf("postgres store: %s: %w: %w", what, store.ErrUnavailable, err)
}

// Put stores r in its own transaction.
func (s *Store) Put(ctx context.Context, r *store.Record) (int64, error) {
	if err := r.Normalize(); err != nil {
		return 0, err
	}
	tx, err := s.DB.W.BeginTx(ctx, nil)
	if err != nil {
		return 0, unavailable("begin", err)
	}
	defer tx.Rollback() //nolint:errcheck
	id, err := s.DB.PutTx(ctx, tx, r, s.now())
	if err != nil {
		return 0, unavailable("put "+r.ScanID, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, unavailable("commit "+r.ScanID, err)
	}
	return id, nil
}

// Decide records a decision; the item's row is locked (SELECT … FOR
// UPDATE) so that concurrent moderators on other replicas serialise: one
// decides, the others get ErrAlreadyDecided.
func (s *Store) Decide(ctx context.Context, id int64, d store.Decision) (*store.Item, error) {
	tx, err := s.DB.W.BeginTx(ctx, nil)
	if err != nil {
		return nil, unavailable("begin", err)
	}
	defer tx.Rollback() //nolint:errcheck
	if err := s.DB.DecideTx(ctx, tx, id, d); err != nil {
		return nil, unavailable("decide", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, unavailable("commit decision", err)
	}
	return s.DB.Get(ctx, id)
}

// Ready checks that the database answers and accepts writes (a replica
// pointed at a read-only standby is not ready).
func (s *Store) Ready(ctx context.Context) error {
	var ro string
	if err := s.DB.R.QueryRowContext(ctx, `SHOW transaction_read_only`).Scan(&ro); err != nil {
		return unavailable("ready", err)
	}
	if ro == "on" {
		return fmt.Errorf("postgres store: the database is read-only: %w", store.ErrUnavailable)
	}
	return nil
}

// Close closes the pool.
func (s *Store) Close() error { return s.DB.W.Close() }
