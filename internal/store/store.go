// Package store is Kuulu's storage layer: one implementation over database/sql
// that serves both the embedded SQLite database (modernc.org/sqlite, no cgo)
// and PostgreSQL (pgx). Dialect differences live in dialect.go and nowhere else.
//
// Each aggregate has its own file (units.go, people.go, sessions.go ...), and
// one contract test suite runs against both databases.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	_ "modernc.org/sqlite"             // SQLite driver "sqlite"

	"kuulu/internal/domain"
)

// DB is a handle to Kuulu's database. It is safe for concurrent use.
//
// On SQLite writes go through a pool of one connection (SQLite has a single
// writer anyway; queuing in Go is cheaper than busy-waiting in SQLite) while
// reads use a separate pool thanks to WAL mode. On PostgreSQL both pools are
// the same.
type DB struct {
	read    *sql.DB
	write   *sql.DB
	dialect dialect
	Clock   domain.Clock
	Log     *slog.Logger
	url     string
	path    string // SQLite file path
	// LookupTTL is how long LookUnit, LookUnitBySlug and
	// LookFeedbackSettings keep an answer (0: DefaultLookupTTL; negative:
	// nothing is kept). It is wall-clock time, not Clock's.
	LookupTTL time.Duration

	batchOnce sync.Once
	batch     *batcher
	hot       sync.Map // hotKey → *sql.Stmt: prepared statements of hot paths
	look      lookups  // units and settings kept for a moment (lookups.go)
}

// Config tells Open where the database is.
type Config struct {
	// URL is a file path or sqlite: URL for SQLite, or a postgres:// URL.
	URL string
	// MaxConns caps PostgreSQL connections per instance (0: 20).
	MaxConns int
}

// IsPostgres reports whether the URL names a PostgreSQL database.
func IsPostgres(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

// Open connects to the database. It does not migrate; call Migrate.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	db := &DB{Clock: domain.SystemClock{}, Log: slog.Default(), url: cfg.URL}
	if IsPostgres(cfg.URL) {
		db.dialect = postgresDialect{}
		pool, err := sql.Open("pgx", cfg.URL)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		n := cfg.MaxConns
		if n <= 0 {
			n = 20
		}
		pool.SetMaxOpenConns(n)
		pool.SetMaxIdleConns(n)
		pool.SetConnMaxIdleTime(5 * time.Minute)
		db.read, db.write = pool, pool
	} else {
		db.dialect = sqliteDialect{}
		path := strings.TrimPrefix(strings.TrimPrefix(cfg.URL, "sqlite://"), "sqlite:")
		if path == "" {
			path = "kuulu.db"
		}
		db.path = path
		// WAL lets readers run beside the single writer; synchronous=NORMAL in
		// WAL mode still never corrupts, and FULL makes every commit durable
		// across a power loss, which the "never lose an acknowledged
		// submission" rule asks for.
		q := url.Values{}
		for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "busy_timeout(10000)", "foreign_keys(ON)", "temp_store(MEMORY)"} {
			q.Add("_pragma", p)
		}
		wq := url.Values{}
		for k, v := range q {
			wq[k] = v
		}
		wq.Set("_txlock", "immediate")
		w, err := sql.Open("sqlite", "file:"+path+"?"+wq.Encode())
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		w.SetConnMaxLifetime(0)
		r, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		r.SetMaxOpenConns(8)
		r.SetMaxIdleConns(8)
		db.read, db.write = r, w
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.write.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return db, nil
}

// Close closes both pools. Batched writes must have finished.
func (db *DB) Close() error {
	db.hot.Range(func(_, v any) bool { v.(*sql.Stmt).Close(); return true })
	err := db.write.Close()
	if db.read != db.write {
		if e := db.read.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Dialect returns "sqlite" or "postgres".
func (db *DB) Dialect() string { return db.dialect.name() }

// Ping checks that the database answers (for /readyz).
func (db *DB) Ping(ctx context.Context) error {
	return db.read.PingContext(ctx)
}

// Now returns the store clock's time.
func (db *DB) Now() time.Time { return db.Clock.Now() }

// Tx is a unit of work. Its methods rewrite queries for the dialect, so the
// SQL in this package is written once with ? placeholders.
type Tx struct {
	tx   *sql.Tx // nil under Peek
	q    querier // tx, or the pool under Peek
	d    dialect
	db   *DB
	pool *sql.DB // the pool the transaction came from (its hot statements)
	// forgetLookups: the transaction changed a unit or a setting (see
	// lookups.go).
	forgetLookups bool
}

// querier is what *sql.Tx and *sql.DB have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// hot returns the statement prepared for query on the transaction's pool
// (see DB.hot and prepareHot), bound to the transaction, or nil.
func (tx *Tx) hot(ctx context.Context, query string) *sql.Stmt {
	if v, ok := tx.db.hot.Load(hotKey{tx.pool, query}); ok {
		if tx.tx == nil {
			return v.(*sql.Stmt)
		}
		return tx.tx.StmtContext(ctx, v.(*sql.Stmt))
	}
	return nil
}

// Exec runs a statement.
func (tx *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	q := tx.d.rebind(query)
	if st := tx.hot(ctx, q); st != nil {
		return st.ExecContext(ctx, tx.d.args(args)...)
	}
	return tx.q.ExecContext(ctx, q, tx.d.args(args)...)
}

// Query runs a query returning rows.
func (tx *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	q := tx.d.rebind(query)
	if st := tx.hot(ctx, q); st != nil {
		return st.QueryContext(ctx, tx.d.args(args)...)
	}
	return tx.q.QueryContext(ctx, q, tx.d.args(args)...)
}

// QueryRow runs a query returning at most one row.
func (tx *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	q := tx.d.rebind(query)
	if st := tx.hot(ctx, q); st != nil {
		return st.QueryRowContext(ctx, tx.d.args(args)...)
	}
	return tx.q.QueryRowContext(ctx, q, tx.d.args(args)...)
}

// InsertID runs an INSERT ... RETURNING id and returns the id.
func (tx *Tx) InsertID(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, query+" RETURNING id", args...).Scan(&id)
	return id, err
}

// Now returns the clock's time for this unit of work.
func (tx *Tx) Now() time.Time { return tx.db.Clock.Now() }

// Write runs fn in a write transaction, committing when fn returns nil.
func (db *DB) Write(ctx context.Context, fn func(*Tx) error) error {
	return db.run(ctx, db.write, false, fn)
}

// Read runs fn in a read-only transaction (a consistent snapshot).
func (db *DB) Read(ctx context.Context, fn func(*Tx) error) error {
	return db.run(ctx, db.read, true, fn)
}

// Peek runs fn over the read pool without a transaction: every statement
// reads the latest committed state on its own, and two statements may see
// different states. It is for the hot public paths whose statements each
// stand alone (a unit by its slug, the county's settings), where a
// transaction's BEGIN and COMMIT would cost as much as the reading. fn must
// not write. Use Read when statements must agree.
func (db *DB) Peek(ctx context.Context, fn func(*Tx) error) error {
	return db.wrap(fn(&Tx{q: db.read, d: db.dialect, db: db, pool: db.read}))
}

func (db *DB) run(ctx context.Context, pool *sql.DB, readOnly bool, fn func(*Tx) error) (err error) {
	opts := &sql.TxOptions{}
	if readOnly && db.dialect.name() == "postgres" {
		// REPEATABLE READ: every statement of the transaction sees one
		// snapshot, as on SQLite (the default, READ COMMITTED, takes a new
		// one per statement). A read-only transaction never fails on it.
		opts.ReadOnly, opts.Isolation = true, sql.LevelRepeatableRead
	}
	stx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return db.wrap(fmt.Errorf("begin: %w", err))
	}
	tx := &Tx{tx: stx, q: stx, d: db.dialect, db: db, pool: pool}
	defer func() {
		if p := recover(); p != nil {
			_ = stx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		_ = stx.Rollback()
		return db.wrap(err)
	}
	if err := stx.Commit(); err != nil {
		return db.wrap(fmt.Errorf("commit: %w", err))
	}
	if tx.forgetLookups {
		db.look.forget()
	}
	return nil
}

// wrap turns driver errors into the domain vocabulary: constraint violations
// become ECONFLICT (recognised by driver code, not message text), a missing
// row ENOTFOUND, and a cancelled context stays as it is.
func (db *DB) wrap(err error) error {
	if err == nil || domain.AsError(err) != nil {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return &domain.Error{Code: domain.ENOTFOUND, Key: "err.not_found", Message: err.Error()}
	}
	if db.dialect.isUniqueViolation(err) {
		return &domain.Error{Code: domain.ECONFLICT, Key: "err.conflict", Message: err.Error()}
	}
	return err
}
