package store

import (
	"context"
	"fmt"
)

// WriteBatched runs fn in a write transaction like Write, but on SQLite it
// may share that transaction with other callers' fns (group commit): SQLite
// has one writer and every durable commit costs an fsync, so committing many
// small writes together multiplies throughput. Each fn runs inside its own
// savepoint, so one caller's error rolls back only its own work. WriteBatched
// returns only after the shared commit, so an acknowledged write is on disk.
//
// On PostgreSQL, which commits concurrent transactions in parallel, it is Write.
func (db *DB) WriteBatched(ctx context.Context, fn func(*Tx) error) error {
	if db.dialect.name() != "sqlite" {
		return db.Write(ctx, fn)
	}
	db.batchOnce.Do(func() {
		db.batch = &batcher{db: db, reqs: make(chan *batchReq, 1024), max: 256}
		go db.batch.loop()
	})
	if err := ctx.Err(); err != nil {
		return err
	}
	r := &batchReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case db.batch.reqs <- r:
	case <-ctx.Done():
		return ctx.Err()
	}
	// Wait for the outcome even if ctx ends: once queued, the write may
	// commit, and the caller must not report failure for a saved write.
	return <-r.done
}

type batchReq struct {
	ctx  context.Context
	fn   func(*Tx) error
	done chan error
}

type batcher struct {
	db   *DB
	reqs chan *batchReq
	max  int
}

func (b *batcher) loop() {
	for first := range b.reqs {
		batch := []*batchReq{first}
	drain:
		for len(batch) < b.max {
			select {
			case r := <-b.reqs:
				batch = append(batch, r)
			default:
				break drain
			}
		}
		b.run(batch)
	}
}

// run executes a batch in one transaction, each request in a savepoint.
func (b *batcher) run(batch []*batchReq) {
	results := make([]error, len(batch))
	ctx := context.Background()
	err := b.db.Write(ctx, func(tx *Tx) error {
		for i, r := range batch {
			if err := r.ctx.Err(); err != nil {
				results[i] = err
				continue
			}
			if _, err := tx.Exec(ctx, "SAVEPOINT kuulu_batch"); err != nil {
				return err
			}
			err := safeCall(r.fn, tx)
			if err != nil {
				results[i] = b.db.wrap(err)
				if _, err := tx.Exec(ctx, "ROLLBACK TO kuulu_batch"); err != nil {
					return err
				}
			}
			if _, err := tx.Exec(ctx, "RELEASE kuulu_batch"); err != nil {
				return err
			}
		}
		return nil
	})
	for i, r := range batch {
		if err != nil && results[i] == nil {
			results[i] = err
		}
		r.done <- results[i]
	}
}

func safeCall(fn func(*Tx) error, tx *Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic in batched write: %v", p)
		}
	}()
	return fn(tx)
}
