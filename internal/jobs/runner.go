// Package jobs runs Kuulu's periodic background work (retention,
// housekeeping) as rows in the database.
//
// Each registered Job has a row in the jobs table (store/jobs.go) that is its
// schedule, its lock and its record for administrators. On every tick a
// Runner claims each due job with a lease (one conditional UPDATE, so that
// of several instances on one database exactly one runs a job at a time),
// runs it, records the result and schedules the next run.
//
// Jobs derive their work from the state of the database ("delete what was
// closed before the cutoff"), never from what a previous run left in memory.
// So they are idempotent: a missed run is caught up by the next one, a run
// that failed is simply tried again at the next tick, and a run that died
// with its instance is taken over by another instance when its lease expires.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"kuulu/internal/domain"
	"kuulu/internal/store"
)

// Func does one run of a job. It returns a short, human-readable result
// ("deleted 3 contacts") shown to administrators, and an error when the run
// failed; a failed run is retried at the next tick.
type Func func(ctx context.Context) (result string, err error)

// Job is a periodic job.
type Job struct {
	// Name identifies the job's row; keep it stable ("retention.contacts").
	Name string
	// Interval is the time from the start of one successful run to the next.
	Interval time.Duration
	// Timeout bounds one run; it is also the lease on the job's row, after
	// which another instance may take the job over. 0 means DefaultTimeout.
	Timeout time.Duration
	Run     Func
}

// Defaults for Runner and Job.
const (
	DefaultTick    = time.Minute
	DefaultTimeout = 10 * time.Minute
)

// Runner runs registered jobs when they are due. Create it with New,
// Register jobs, then call Run (or RunDue from tests).
type Runner struct {
	db *store.DB
	// Clock gives the time used for schedules and leases; New sets the
	// database's clock, so that jobs and storage agree on "now".
	Clock domain.Clock
	Log   *slog.Logger
	// Tick is how often Run looks for due jobs (default DefaultTick).
	Tick time.Duration
	// Instance names this runner in the jobs table's locked_by column.
	Instance string

	mu      sync.Mutex
	jobs    []Job
	ensured bool
}

// New returns a runner over db with no jobs.
func New(db *store.DB, log *slog.Logger) *Runner {
	if log == nil {
		log = slog.Default()
	}
	return &Runner{db: db, Clock: db.Clock, Log: log, Tick: DefaultTick, Instance: instanceName()}
}

// instanceName is host, process id and a random suffix: unique per process
// even when containers share a host name and a pid.
func instanceName() string {
	host, _ := os.Hostname()
	b := make([]byte, 3)
	rand.Read(b)
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Register adds a job. It panics on a job without a name, interval or
// function, or with a name already registered: that is a programming error.
func (r *Runner) Register(j Job) {
	if j.Name == "" || j.Interval <= 0 || j.Run == nil {
		panic("jobs: Register needs a name, a positive interval and a function")
	}
	if j.Timeout <= 0 {
		j.Timeout = DefaultTimeout
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, x := range r.jobs {
		if x.Name == j.Name {
			panic("jobs: job " + j.Name + " registered twice")
		}
	}
	r.jobs = append(r.jobs, j)
	r.ensured = false
}

// Jobs returns the registered jobs.
func (r *Runner) Jobs() []Job {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Job(nil), r.jobs...)
}

// Run runs due jobs now and then at every tick until ctx ends. It returns
// ctx's error.
func (r *Runner) Run(ctx context.Context) error {
	tick := r.Tick
	if tick <= 0 {
		tick = DefaultTick
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		r.RunDue(ctx)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// RunDue is one tick: it runs, one after the other, every registered job
// that is due and that this runner manages to claim, and returns the names
// of those it ran (whatever their outcome). Errors are logged, never
// returned: a failed job is due again at the next tick.
func (r *Runner) RunDue(ctx context.Context) []string {
	if err := r.ensure(ctx); err != nil {
		if ctx.Err() == nil {
			r.Log.Warn("jobs: cannot register jobs", "err", err)
		}
		return nil
	}
	var ran []string
	for _, j := range r.Jobs() {
		if ctx.Err() != nil {
			break
		}
		ok, err := r.runOne(ctx, j)
		if err != nil && ctx.Err() == nil {
			r.Log.Warn("jobs: bookkeeping failed", "job", j.Name, "err", err)
		}
		if ok {
			ran = append(ran, j.Name)
		}
	}
	return ran
}

// ensure creates the jobs' rows once per runner (again after Register).
func (r *Runner) ensure(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ensured {
		return nil
	}
	now := r.Clock.Now()
	err := r.db.Write(ctx, func(tx *store.Tx) error {
		for _, j := range r.jobs {
			if err := tx.EnsureJob(ctx, j.Name, j.Interval, now); err != nil {
				return err
			}
		}
		return nil
	})
	r.ensured = err == nil
	return err
}

// runOne claims, runs and records one job; ran is false when the job was
// not due or another instance holds it.
func (r *Runner) runOne(ctx context.Context, j Job) (ran bool, err error) {
	start := r.Clock.Now()
	var claimed bool
	err = r.db.Write(ctx, func(tx *store.Tx) error {
		claimed, err = tx.ClaimJob(ctx, j.Name, r.Instance, start, start.Add(j.Timeout))
		return err
	})
	if err != nil || !claimed {
		return false, err
	}

	rctx, cancel := context.WithTimeout(ctx, j.Timeout)
	result, runErr := call(rctx, j.Run)
	cancel()
	end := r.Clock.Now()

	next := start.Add(j.Interval)
	if runErr != nil {
		// Due again at once: the next tick retries.
		next = end
		r.Log.Warn("job failed", "job", j.Name, "err", runErr, "duration", end.Sub(start))
	} else {
		r.Log.Info("job done", "job", j.Name, "result", result, "duration", end.Sub(start))
	}
	// Record the outcome even when ctx has ended (shutdown), so that the
	// lease is released now rather than when it expires.
	fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer fcancel()
	err = r.db.Write(fctx, func(tx *store.Tx) error {
		return tx.FinishJob(fctx, j.Name, r.Instance, end, result, runErr, next)
	})
	return true, err
}

// call runs fn and turns a panic into an error, so that one broken job
// cannot stop the runner or keep its lease.
func call(ctx context.Context, fn Func) (result string, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return fn(ctx)
}
