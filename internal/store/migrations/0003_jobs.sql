-- Periodic jobs as rows (retention, housekeeping). One row per job, keyed by
-- name. The row is the schedule (next_run_at), the lock (locked_until,
-- locked_by: a lease, so that a crashed instance's claim expires) and what
-- administrators see (last run, result, error, counts).
--
-- An instance claims a due job with one conditional UPDATE ... RETURNING
-- (see store/jobs.go): on PostgreSQL the row lock makes a concurrent UPDATE
-- wait and re-check the WHERE clause, so exactly one claim wins; on SQLite
-- there is a single writer anyway.

CREATE TABLE jobs (
    name              TEXT PRIMARY KEY,
    interval_seconds  INTEGER NOT NULL,
    next_run_at       @TS@ NOT NULL,
    locked_until      @TS@,
    locked_by         TEXT NOT NULL DEFAULT '',
    last_started_at   @TS@,
    last_finished_at  @TS@,
    last_ok_at        @TS@,
    last_result       TEXT NOT NULL DEFAULT '',
    last_error        TEXT NOT NULL DEFAULT '',
    runs              INTEGER NOT NULL DEFAULT 0,
    failures          INTEGER NOT NULL DEFAULT 0,  -- consecutive failed runs
    created_at        @TS@ NOT NULL,
    updated_at        @TS@ NOT NULL
);
