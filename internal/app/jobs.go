package app

import (
	"context"
	"log/slog"

	"kuulu/internal/jobs"
	"kuulu/internal/store"
)

// newJobRunner builds the runner of Kuulu's periodic jobs: hourly
// housekeeping (expired sessions, sign-on states, rate windows) and the
// daily retention of contact details, closed feedback and sent or failed
// messages. Every instance runs one; the jobs table makes sure that one job
// runs on one instance at a time, and administrators see the jobs' state
// there.
func newJobRunner(db *store.DB, log *slog.Logger) *jobs.Runner {
	r := jobs.New(db, log)
	r.Register(jobs.Housekeeping(db))
	r.Register(jobs.ContactRetention(db))
	r.Register(jobs.FeedbackRetention(db, 0))
	r.Register(jobs.MessageRetention(db))
	return r
}

// startJobs starts the job runner and returns a function that stops it and
// waits until the job in hand has finished (each batch it commits is
// complete), so that the database is not closed under it; runServe defers it.
func startJobs(ctx context.Context, db *store.DB, log *slog.Logger) (stop func()) {
	r := newJobRunner(db, log)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}
