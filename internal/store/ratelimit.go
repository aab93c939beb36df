package store

import (
	"context"
	"time"
)

// Hit counts one event in a fixed window for bucket and returns the count in
// the window including this one. The counter lives in the database so that
// every instance sees the same count.
func (db *DB) Hit(ctx context.Context, bucket string, window time.Duration) (int, time.Time, error) {
	now := db.Now()
	start := now.Truncate(window)
	var n int
	err := db.Write(ctx, func(tx *Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO rate_counters (bucket, window_start, hits) VALUES (?, ?, 1)
			ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_counters.hits + 1
			RETURNING hits`, bucket, start).Scan(&n)
	})
	return n, start.Add(window), err
}

// Hits returns the count in the current window without adding to it.
func (db *DB) Hits(ctx context.Context, bucket string, window time.Duration) (int, time.Time, error) {
	now := db.Now()
	start := now.Truncate(window)
	var n int
	err := db.Read(ctx, func(tx *Tx) error {
		return tx.QueryRow(ctx, "SELECT COALESCE(SUM(hits), 0) FROM rate_counters WHERE bucket = ? AND window_start = ?", bucket, start).Scan(&n)
	})
	return n, start.Add(window), err
}

// ResetHits clears a bucket (after a successful sign-in).
func (db *DB) ResetHits(ctx context.Context, bucket string) error {
	return db.Write(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, "DELETE FROM rate_counters WHERE bucket = ?", bucket)
		return err
	})
}
