package store

import (
	"context"
	"sync"
	"time"

	"kuulu/internal/feedback"
	"kuulu/internal/org"
)

// Every public page and submission looks up a unit and the county's rules,
// which change a few times a year. On SQLite each lookup starts a read of
// its own (a WAL read lock, a page-cache check), which under thousands of
// submissions a second costs more CPU than anything else the submission
// does besides its insert. The lookups below keep what they read for a
// moment (LookupTTL, 2 s by default):
//
//   - a commit through this DB that changes a unit or a setting forgets
//     everything at once (after the commit, so that a lookup that raced
//     with it cannot keep the old answer), so this instance never serves
//     an old answer after its own change;
//   - a change made through another instance shows here within LookupTTL.
//
// Units that are not found are not kept: a flood of made-up slugs cannot
// grow the cache, and a new unit is found at once.

// DefaultLookupTTL is how long a looked-up unit or the settings are kept
// when DB.LookupTTL is zero.
const DefaultLookupTTL = 2 * time.Second

type lookups struct {
	mu       sync.Mutex
	gen      uint64 // bumped after every commit that changed units or settings
	bySlug   map[string]lookedUp[org.Unit]
	byID     map[int64]lookedUp[org.Unit]
	settings *lookedUp[feedback.Settings]
}

type lookedUp[T any] struct {
	v   T
	at  time.Time
	gen uint64
}

// forget drops everything kept; tx calls it after a commit that changed a
// unit or a setting.
func (l *lookups) forget() {
	l.mu.Lock()
	l.gen++
	l.bySlug, l.byID, l.settings = nil, nil, nil
	l.mu.Unlock()
}

// LookupGeneration changes after every commit through this DB that changed
// a unit or a setting: a cache of pages built from them (the web server's
// page cache) compares it to know its copies are out of date.
func (db *DB) LookupGeneration() uint64 {
	db.look.mu.Lock()
	defer db.look.mu.Unlock()
	return db.look.gen
}

func (db *DB) lookupTTL() time.Duration {
	if db.LookupTTL == 0 {
		return DefaultLookupTTL
	}
	return db.LookupTTL
}

// fresh reports whether e, read at generation e.gen, may still be served.
func (db *DB) fresh(at time.Time, gen uint64, now time.Time) bool {
	return gen == db.look.gen && now.Sub(at) < db.lookupTTL() && !now.Before(at)
}

// lookup serves get's answer for key from m while it is fresh, else reads
// it with read (without a transaction, see Peek) and keeps it when found.
func lookup[K comparable, T any](ctx context.Context, db *DB, m *map[K]lookedUp[T], key K, read func(*Tx) (T, error)) (T, error) {
	now := time.Now()
	db.look.mu.Lock()
	e, ok := (*m)[key]
	gen := db.look.gen
	if ok && db.fresh(e.at, e.gen, now) {
		db.look.mu.Unlock()
		return e.v, nil
	}
	db.look.mu.Unlock()
	var v T
	err := db.Peek(ctx, func(tx *Tx) error {
		var err error
		v, err = read(tx)
		return err
	})
	if err != nil || db.lookupTTL() < 0 {
		return v, err
	}
	db.look.mu.Lock()
	if db.look.gen == gen { // nothing changed while reading
		if *m == nil {
			*m = map[K]lookedUp[T]{}
		}
		(*m)[key] = lookedUp[T]{v: v, at: now, gen: gen}
	}
	db.look.mu.Unlock()
	return v, nil
}

// LookUnitBySlug is UnitBySlug, kept for a moment (see lookups).
func (db *DB) LookUnitBySlug(ctx context.Context, slug string) (org.Unit, error) {
	return lookup(ctx, db, &db.look.bySlug, slug, func(tx *Tx) (org.Unit, error) { return tx.UnitBySlug(ctx, slug) })
}

// LookUnit is Unit, kept for a moment (see lookups).
func (db *DB) LookUnit(ctx context.Context, id int64) (org.Unit, error) {
	return lookup(ctx, db, &db.look.byID, id, func(tx *Tx) (org.Unit, error) { return tx.Unit(ctx, id) })
}

// LookFeedbackSettings is FeedbackSettings, kept for a moment (see lookups).
func (db *DB) LookFeedbackSettings(ctx context.Context) (feedback.Settings, error) {
	now := time.Now()
	db.look.mu.Lock()
	e, gen := db.look.settings, db.look.gen
	if e != nil && db.fresh(e.at, e.gen, now) {
		db.look.mu.Unlock()
		return e.v, nil
	}
	db.look.mu.Unlock()
	var s feedback.Settings
	err := db.Peek(ctx, func(tx *Tx) error {
		var err error
		s, err = tx.FeedbackSettings(ctx)
		return err
	})
	if err != nil || db.lookupTTL() < 0 {
		return s, err
	}
	db.look.mu.Lock()
	if db.look.gen == gen {
		db.look.settings = &lookedUp[feedback.Settings]{v: s, at: now, gen: gen}
	}
	db.look.mu.Unlock()
	return s, nil
}

// changedLookups makes the lookups forget what they keep once this
// transaction commits (see lookups).
func (tx *Tx) changedLookups() { tx.forgetLookups = true }
