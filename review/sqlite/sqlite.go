// Package sqlite is the embedded review store: one SQLite file in the data
// directory (modernc.org/sqlite, pure Go, so the binary stays static).
//
// Durability: WAL mode with synchronous=FULL. In WAL mode, NORMAL survives a
// killed process but may lose the last commits on power loss or a kernel
// crash, because the WAL is only fsynced at checkpoints; an acknowledged
// flagged scan must survive both, so every commit fsyncs the WAL. The cost
// of that fsync is paid once per batch, not per record: a single writer
// goroutine gathers the records that arrive while the previous commit is
// syncing and commits them together (group commit), and each caller is
// answered only after its batch's commit returned.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"github.com/qrgate/qrgate/review/sqlstore"
	"github.com/qrgate/qrgate/review/store"
)

// FileName is the database's name inside the data directory.
const FileName = "review.db"

// maxBatch bounds a group commit, so one slow batch cannot hold many callers.
const maxBatch = 256

// Config configures the SQLite store.
type Config struct {
	Dir string           // data directory; created 0700 if missing
	Now func() time.Time // clock for created_at; time.Now when nil
	// Quotas bound the image bytes kept (zero: no limit).
	Quotas store.Quotas
}

// Store is the SQLite review store. It implements store.Store.
type Store struct {
	// DB runs the shared SQL: Get, List, Counts, Audit, Image, Spreads
	// and the session queries come from it.
	*sqlstore.DB
	now  func() time.Time
	path string

	puts   chan *putReq
	quit   chan struct{}
	done   chan struct{}
	closeM sync.Once
	// mu guards closed; Put holds it shared while queueing so that Close
	// cannot stop the writer between a Put's check and its send.
	mu     sync.RWMutex
	closed bool
}

var _ store.Store = (*Store)(nil)

type putReq struct {
	ctx  context.Context
	r    *store.Record
	id   int64
	err  error
	done chan struct{}
}

// Open creates or opens the database in cfg.Dir and migrates it.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Dir == "" {
		return nil, fmt.Errorf("sqlite store: no data directory")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("sqlite store: data dir: %w: %w", store.ErrUnavailable, err)
	}
	if err := checkWritable(cfg.Dir); err != nil {
		return nil, err
	}
	path := filepath.Join(cfg.Dir, FileName)
	pragmas := url.Values{"_pragma": {
		"busy_timeout(10000)",
		"journal_mode(WAL)",
		"synchronous(FULL)",
		"foreign_keys(ON)",
	}}
	dsn := "file:" + path + "?" + pragmas.Encode()
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite store: %w", err)
	}
	// One writer connection: SQLite allows one writer anyway, and a single
	// connection never meets SQLITE_BUSY from itself.
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", dsn+"&_pragma=query_only(ON)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite store: %w", err)
	}
	r.SetMaxOpenConns(4)
	s := &Store{
		DB:   &sqlstore.DB{R: r, W: w, D: sqlstore.Dialect{Name: "sqlite", Migrations: migrations}, Quotas: cfg.Quotas},
		now:  cfg.Now,
		path: path,
		puts: make(chan *putReq, maxBatch),
		quit: make(chan struct{}),
		done: make(chan struct{}),
	}
	if err := s.DB.Migrate(ctx); err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("sqlite store %s: %w: %w", path, store.ErrUnavailable, err)
	}
	go s.writer()
	return s, nil
}

// checkWritable fails early, with the directory's name, when the data dir
// is read-only: SQLite's own message ("unable to open database file") does
// not say which file or why.
func checkWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".write-check-*")
	if err != nil {
		return fmt.Errorf("sqlite store: data dir %s is not writable: %w: %w", dir, store.ErrUnavailable, err)
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return nil
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Put stores r durably (group-committed with concurrent Puts).
func (s *Store) Put(ctx context.Context, r *store.Record) (int64, error) {
	if err := r.Normalize(); err != nil {
		return 0, err
	}
	req := &putReq{ctx: ctx, r: r, done: make(chan struct{})}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return 0, fmt.Errorf("put %s: store closed: %w", r.ScanID, store.ErrUnavailable)
	}
	select {
	case s.puts <- req:
		s.mu.RUnlock()
	case <-ctx.Done():
		s.mu.RUnlock()
		return 0, fmt.Errorf("put %s: %w", r.ScanID, ctx.Err())
	}
	// Once queued, wait for the commit even past ctx's deadline: answering
	// early would leave the caller unsure whether the record is stored.
	// The writer skips requests whose context ended before it began them.
	<-req.done
	return req.id, req.err
}

// writer is the single goroutine that commits Puts in batches.
func (s *Store) writer() {
	defer close(s.done)
	batch := make([]*putReq, 0, maxBatch)
	for {
		select {
		case req := <-s.puts:
			batch = append(batch[:0], req)
		case <-s.quit:
			s.drainQueued()
			return
		}
	fill:
		for len(batch) < maxBatch {
			select {
			case req := <-s.puts:
				batch = append(batch, req)
			default:
				break fill
			}
		}
		s.commit(batch)
	}
}

// drainQueued commits what was queued before Close: no Put can queue after
// closed is set, so this empties the channel for good.
func (s *Store) drainQueued() {
	for {
		batch := make([]*putReq, 0, maxBatch)
	fill:
		for len(batch) < maxBatch {
			select {
			case req := <-s.puts:
				batch = append(batch, req)
			default:
				break fill
			}
		}
		if len(batch) == 0 {
			return
		}
		s.commit(batch)
	}
}

// commit writes a batch in one transaction; if that fails, each record is
// retried alone so that one bad record cannot fail its neighbours.
func (s *Store) commit(batch []*putReq) {
	live := batch[:0:0]
	for _, req := range batch {
		if err := req.ctx.Err(); err != nil {
			req.err = fmt.Errorf("put %s: %w", req.r.ScanID, err)
			close(req.done)
			continue
		}
		live = append(live, req)
	}
	if len(live) == 0 {
		return
	}
	if err := s.commitTx(live); err == nil || len(live) == 1 {
		for _, req := range live {
			if err != nil {
				req.id, req.err = 0, err
			}
			close(req.done)
		}
		return
	}
	for _, req := range live {
		if err := s.commitTx([]*putReq{req}); err != nil {
			req.id, req.err = 0, err
		}
		close(req.done)
	}
}

func (s *Store) commitTx(batch []*putReq) error {
	// Not the callers' contexts: a commit in flight must finish or fail as
	// a whole, never half-applied because one caller gave up.
	ctx := context.Background()
	now := s.now()
	tx, err := s.DB.W.BeginTx(ctx, nil)
	if err != nil {
		return unavailable("begin", err)
	}
	for _, req := range batch {
		id, err := s.DB.PutTx(ctx, tx, req.r, now)
		if err != nil {
			tx.Rollback() //nolint:errcheck
			if errors.Is(err, store.ErrInvalid) {
				return err
			}
			return unavailable("put "+req.r.ScanID, err)
		}
		req.id = id
	}
	if err := tx.Commit(); err != nil {
		return unavailable("commit", err)
	}
	return nil
}

func unavailable(what string, err error) error {
	return fmt.Errorf("sqlite store: %s: %w: %w", what, store.ErrUnavailable, err)
}

// Decide records a decision and its audit entry.
func (s *Store) Decide(ctx context.Context, id int64, d store.Decision) (*store.Item, error) {
	tx, err := s.DB.W.BeginTx(ctx, nil)
	if err != nil {
		return nil, unavailable("begin", err)
	}
	defer tx.Rollback() //nolint:errcheck
	if err := s.DB.DecideTx(ctx, tx, id, d); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, unavailable("commit decision", err)
	}
	return s.DB.Get(ctx, id)
}

// Ready writes a probe row: the only honest test that a commit can succeed
// now (a full disk or a read-only remount shows up here, not in a ping).
func (s *Store) Ready(ctx context.Context) error {
	select {
	case <-s.quit:
		return fmt.Errorf("sqlite store: closed: %w", store.ErrUnavailable)
	default:
	}
	if _, err := s.DB.W.ExecContext(ctx, `INSERT INTO probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at`, s.now().UnixMicro()); err != nil {
		return unavailable("probe write", err)
	}
	return nil
}

// Close commits what is queued, stops the writer (later Puts fail with
// ErrUnavailable) and closes the database, checkpointing the WAL.
func (s *Store) Close() error {
	var err error
	s.closeM.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		close(s.quit)
		<-s.done
		err = errors.Join(s.DB.R.Close(), s.DB.W.Close())
	})
	return err
}
