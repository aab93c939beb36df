package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"kuulu/internal/domain"
)

// Job is the row of one periodic job (table jobs): its schedule, its lock
// and the outcome of its last run, as administrators see it.
type Job struct {
	Name      string
	Interval  time.Duration
	NextRunAt time.Time
	// LockedUntil is the end of the current run's lease; nil when idle.
	LockedUntil    *time.Time
	LockedBy       string // instance that holds the lease
	LastStartedAt  *time.Time
	LastFinishedAt *time.Time
	LastOKAt       *time.Time
	LastResult     string
	LastError      string
	Runs           int
	Failures       int // consecutive failed runs; 0 after a success
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Running reports whether an instance holds the job's lease at now.
func (j *Job) Running(now time.Time) bool {
	return j.LockedUntil != nil && j.LockedUntil.After(now)
}

// EnsureJob creates the row of a periodic job, first due at firstRun, or
// updates its interval when the row exists. Every instance calls it at
// start; the schedule of an existing job is kept.
func (tx *Tx) EnsureJob(ctx context.Context, name string, interval time.Duration, firstRun time.Time) error {
	now := tx.Now()
	_, err := tx.Exec(ctx, `INSERT INTO jobs (name, interval_seconds, next_run_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET interval_seconds = excluded.interval_seconds`,
		name, int64(interval/time.Second), firstRun, now, now)
	return err
}

// ClaimJob takes the lease on a due job for owner until lockedUntil and
// reports whether it did. A job is due when next_run_at has come and no
// unexpired lease is held.
//
// The claim is one conditional UPDATE, which serialises claimants on both
// databases: PostgreSQL locks the row, and a concurrent UPDATE waits for the
// first to commit and then re-evaluates the WHERE clause against the new row
// (READ COMMITTED), finding the lease taken; SQLite has a single writer. Only
// one claimant therefore sees a row come back. (FOR UPDATE SKIP LOCKED is for
// picking any of many queued rows; a periodic job is one named row.) The
// lease expires on its own, so a job whose instance died is claimed again
// after lockedUntil.
func (tx *Tx) ClaimJob(ctx context.Context, name, owner string, now, lockedUntil time.Time) (bool, error) {
	var runs int
	err := tx.QueryRow(ctx, `UPDATE jobs SET locked_by = ?, locked_until = ?, last_started_at = ?, runs = runs + 1, updated_at = ?
		WHERE name = ? AND next_run_at <= ? AND (locked_until IS NULL OR locked_until < ?)
		RETURNING runs`, owner, lockedUntil, now, now, name, now, now).Scan(&runs)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// FinishJob records the end of owner's run of a job and releases the lease:
// the result or error, and when the job is due next. It fails with
// ECONFLICT when owner no longer holds the lease (it expired and another
// instance claimed the job).
func (tx *Tx) FinishJob(ctx context.Context, name, owner string, finished time.Time, result string, runErr error, next time.Time) error {
	var res sql.Result
	var err error
	if runErr == nil {
		res, err = tx.Exec(ctx, `UPDATE jobs SET locked_by = '', locked_until = NULL, last_finished_at = ?, last_ok_at = ?,
			last_result = ?, last_error = '', failures = 0, next_run_at = ?, updated_at = ? WHERE name = ? AND locked_by = ?`,
			finished, finished, result, next, finished, name, owner)
	} else {
		res, err = tx.Exec(ctx, `UPDATE jobs SET locked_by = '', locked_until = NULL, last_finished_at = ?,
			last_result = ?, last_error = ?, failures = failures + 1, next_run_at = ?, updated_at = ? WHERE name = ? AND locked_by = ?`,
			finished, result, runErr.Error(), next, finished, name, owner)
	}
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err != nil {
			return err
		}
		return domain.Errorf(domain.ECONFLICT, "err.conflict", "job %s: lease of %s lost", name, owner)
	}
	return nil
}

// RunJobSoon makes a job due at now, for an administrator's "run now". A
// running job is not interrupted; it runs again at the next tick after it ends
// only if its own next run is not later (a finished run reschedules it).
func (tx *Tx) RunJobSoon(ctx context.Context, name string) error {
	res, err := tx.Exec(ctx, "UPDATE jobs SET next_run_at = ?, updated_at = ? WHERE name = ?", tx.Now(), tx.Now(), name)
	if err != nil {
		return err
	}
	return mustAffect(res, "job", name)
}

const jobCols = `name, interval_seconds, next_run_at, locked_until, locked_by, last_started_at, last_finished_at, last_ok_at,
	last_result, last_error, runs, failures, created_at, updated_at`

func scanJob(s interface{ Scan(...any) error }) (Job, error) {
	var j Job
	var secs int64
	var locked, started, finished, ok sql.NullTime
	err := s.Scan(&j.Name, &secs, &j.NextRunAt, &locked, &j.LockedBy, &started, &finished, &ok,
		&j.LastResult, &j.LastError, &j.Runs, &j.Failures, &j.CreatedAt, &j.UpdatedAt)
	j.Interval = time.Duration(secs) * time.Second
	j.LockedUntil, j.LastStartedAt, j.LastFinishedAt, j.LastOKAt = timePtr(locked), timePtr(started), timePtr(finished), timePtr(ok)
	j.NextRunAt, j.CreatedAt, j.UpdatedAt = j.NextRunAt.UTC(), j.CreatedAt.UTC(), j.UpdatedAt.UTC()
	return j, err
}

// Jobs lists every periodic job by name, for administrators.
func (tx *Tx) Jobs(ctx context.Context) ([]Job, error) {
	rows, err := tx.Query(ctx, "SELECT "+jobCols+" FROM jobs ORDER BY name")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// JobByName returns one job's row.
func (tx *Tx) JobByName(ctx context.Context, name string) (Job, error) {
	j, err := scanJob(tx.QueryRow(ctx, "SELECT "+jobCols+" FROM jobs WHERE name = ?", name))
	if errors.Is(err, sql.ErrNoRows) {
		return j, domain.NotFound("job", name)
	}
	return j, err
}

// ContactIDsClosedBefore lists the items whose contact details the
// retention job deletes with DeleteContactsClosedBefore(cutoff), so that the
// deletion can be audited by id. Closed is a final status and closed_at is
// set when an item closes, so the set cannot grow between the two calls in
// one transaction.
func (tx *Tx) ContactIDsClosedBefore(ctx context.Context, cutoff time.Time) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT c.feedback_id FROM feedback_contacts c JOIN feedback f ON f.id = c.feedback_id
		WHERE f.status = 'closed' AND f.closed_at < ? ORDER BY c.feedback_id`, cutoff)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
