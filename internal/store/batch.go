package store

import (
	"context"
	"fmt"
)

// WriteBatched runs fn in a write transaction like Write, but it may share
// that transaction with other callers' fns (group commit): every durable
// commit costs an fsync (and on PostgreSQL the round trips of BEGIN and
// COMMIT), so committing many small writes together multiplies throughput.
// Each fn runs inside its own savepoint, so one caller's error rolls back
// only its own work. WriteBatched returns only after the shared commit, so
// an acknowledged write is on disk.
//
// SQLite has one writer: one batch at a time, of up to 256 writes.
// PostgreSQL commits in parallel: four batches at a time per instance, of
// up to 32 writes, under the 64 subtransactions a PostgreSQL backend keeps
// track of cheaply (past them every other session's snapshots slow down).
func (db *DB) WriteBatched(ctx context.Context, fn func(*Tx) error) error {
	db.batchOnce.Do(func() {
		db.batch = &batcher{db: db, reqs: make(chan *batchReq, 1024), max: 256}
		loops := 1
		if db.dialect.name() != "sqlite" {
			loops, db.batch.max = 4, 32
		}
		for range loops {
			go db.batch.loop()
		}
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
	if err != nil && len(batch) > 1 {
		// The shared transaction failed as a whole (on PostgreSQL, say, a
		// deadlock between two batches): nothing of it was committed, so
		// each write runs again alone, and one write's trouble is no
		// longer every write's.
		for _, r := range batch {
			r.done <- b.db.Write(r.ctx, func(tx *Tx) error { return safeCall(r.fn, tx) })
		}
		return
	}
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
