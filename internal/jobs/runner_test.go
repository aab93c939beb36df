package jobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kuulu/internal/domain"
	"kuulu/internal/store"
)

var t0 = time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newRunner returns a runner named instance over db, whose clock must be set.
func newRunner(db *store.DB, instance string) *Runner {
	r := New(db, quiet())
	r.Instance = instance
	return r
}

func jobRow(t *testing.T, db *store.DB, name string) store.Job {
	t.Helper()
	var j store.Job
	err := db.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		j, err = tx.JobByName(context.Background(), name)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// TestClaimLease checks the lease on the store level: one claim wins, the
// owner finishes, and an expired lease is taken over.
func TestClaimLease(t *testing.T) {
	store.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := &domain.FixedClock{T: t0}
		db.Clock = clock
		claim := func(owner string, now time.Time) bool {
			var ok bool
			err := db.Write(ctx, func(tx *store.Tx) error {
				var err error
				ok, err = tx.ClaimJob(ctx, "j", owner, now, now.Add(time.Minute))
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if err := db.Write(ctx, func(tx *store.Tx) error { return tx.EnsureJob(ctx, "j", time.Hour, t0) }); err != nil {
			t.Fatal(err)
		}
		if !claim("a", t0) {
			t.Fatal("a could not claim a due job")
		}
		if claim("b", t0.Add(30*time.Second)) {
			t.Fatal("b claimed a job whose lease a holds")
		}
		// a's instance died: after the lease b takes over, and a can no longer finish.
		if !claim("b", t0.Add(61*time.Second)) {
			t.Fatal("b could not claim after a's lease expired")
		}
		err := db.Write(ctx, func(tx *store.Tx) error {
			return tx.FinishJob(ctx, "j", "a", t0.Add(time.Minute), "", nil, t0.Add(time.Hour))
		})
		if domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("finish by a after losing the lease: %v, want ECONFLICT", err)
		}
		err = db.Write(ctx, func(tx *store.Tx) error {
			return tx.FinishJob(ctx, "j", "b", t0.Add(62*time.Second), "ok", nil, t0.Add(time.Hour))
		})
		if err != nil {
			t.Fatal(err)
		}
		if claim("a", t0.Add(59*time.Minute)) {
			t.Fatal("claimed before next_run_at")
		}
		// Many claimants at the same moment: exactly one wins.
		if err := db.Write(ctx, func(tx *store.Tx) error { return tx.EnsureJob(ctx, "k", time.Hour, t0) }); err != nil {
			t.Fatal(err)
		}
		var wins atomic.Int32
		var wg sync.WaitGroup
		for i := range 10 {
			wg.Go(func() {
				err := db.Write(ctx, func(tx *store.Tx) error {
					ok, err := tx.ClaimJob(ctx, "k", fmt.Sprint("c", i), t0, t0.Add(time.Minute))
					if ok {
						wins.Add(1)
					}
					return err
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Errorf("%d concurrent claims won, want 1", wins.Load())
		}

		j := jobRow(t, db, "j")
		if j.Runs != 2 || j.LockedBy != "" || j.LockedUntil != nil || j.LastResult != "ok" || j.Running(t0.Add(time.Hour)) {
			t.Errorf("after finish: %+v", j)
		}
	})
}

// TestTwoRunnersNeverOverlap runs two runners, as two instances, on one
// database round after round: each due run happens exactly once and never
// at the same time as another.
func TestTwoRunnersNeverOverlap(t *testing.T) {
	for name, u := range store.TestDatabases(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clock := &domain.FixedClock{T: t0}
			var running, maxRunning, runs atomic.Int32
			job := Job{Name: "exclusive", Interval: time.Hour, Run: func(context.Context) (string, error) {
				n := running.Add(1)
				defer running.Add(-1)
				for {
					m := maxRunning.Load()
					if n <= m || maxRunning.CompareAndSwap(m, n) {
						break
					}
				}
				runs.Add(1)
				time.Sleep(15 * time.Millisecond)
				return "", nil
			}}
			var runners []*Runner
			for _, inst := range []string{"a", "b"} {
				db := store.OpenTest(t, u) // a pool of its own, like another instance
				db.Clock = clock
				r := newRunner(db, inst)
				r.Register(job)
				runners = append(runners, r)
			}
			const rounds = 8
			ranBy := map[string]int{}
			for range rounds {
				var wg sync.WaitGroup
				results := make([][]string, len(runners))
				for i, r := range runners {
					wg.Go(func() { results[i] = r.RunDue(ctx) })
				}
				wg.Wait()
				for i, res := range results {
					ranBy[runners[i].Instance] += len(res)
				}
				clock.Advance(time.Hour) // between rounds only: FixedClock is not synchronised
			}
			if runs.Load() != rounds || ranBy["a"]+ranBy["b"] != rounds {
				t.Errorf("%d runs (by instance %v) in %d rounds, want one per round", runs.Load(), ranBy, rounds)
			}
			if maxRunning.Load() != 1 {
				t.Errorf("%d runs at once", maxRunning.Load())
			}
			t.Logf("runs by instance: %v", ranBy)
		})
	}
}

// TestFailedJobRetried: a failing run is recorded and retried at the next
// tick; success clears the error and schedules by the interval.
func TestFailedJobRetried(t *testing.T) {
	store.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := &domain.FixedClock{T: t0}
		db.Clock = clock
		r := newRunner(db, "a")
		calls := 0
		r.Register(Job{Name: "flaky", Interval: 24 * time.Hour, Run: func(context.Context) (string, error) {
			calls++
			switch calls {
			case 1:
				return "", errors.New("gateway down")
			case 2:
				panic("bug")
			}
			return "done", nil
		}})
		if ran := r.RunDue(ctx); !slices.Equal(ran, []string{"flaky"}) {
			t.Fatalf("first tick ran %v", ran)
		}
		j := jobRow(t, db, "flaky")
		if j.LastError != "gateway down" || j.Failures != 1 || j.LastOKAt != nil || !j.NextRunAt.Equal(t0) || j.Running(t0) {
			t.Fatalf("after a failure: %+v", j)
		}
		clock.Advance(time.Minute)
		r.RunDue(ctx)
		if j = jobRow(t, db, "flaky"); j.Failures != 2 || j.LastError != "panic: bug" {
			t.Fatalf("after a panic: %+v", j)
		}
		clock.Advance(time.Minute)
		start := clock.T
		r.RunDue(ctx)
		j = jobRow(t, db, "flaky")
		if calls != 3 || j.Failures != 0 || j.LastError != "" || j.LastResult != "done" || j.Runs != 3 ||
			j.LastOKAt == nil || !j.NextRunAt.Equal(start.Add(24*time.Hour)) {
			t.Fatalf("after success: calls %d, %+v", calls, j)
		}
		// Not due again until the interval has passed; then a missed day is
		// caught up by one run, not several.
		clock.Advance(23 * time.Hour)
		if ran := r.RunDue(ctx); len(ran) != 0 {
			t.Errorf("ran %v before the interval", ran)
		}
		clock.Advance(72 * time.Hour)
		r.RunDue(ctx)
		r.RunDue(ctx)
		if calls != 4 {
			t.Errorf("%d calls after three missed days, want 4", calls)
		}
	})
}

// TestListJobs: registered jobs are visible with their schedule.
func TestListJobs(t *testing.T) {
	store.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		db.Clock = &domain.FixedClock{T: t0}
		r := newRunner(db, "a")
		r.Register(Housekeeping(db))
		r.Register(ContactRetention(db))
		r.Register(FeedbackRetention(db, 0))
		r.RunDue(ctx)
		var list []store.Job
		if err := db.Read(ctx, func(tx *store.Tx) error {
			var err error
			list, err = tx.Jobs(ctx)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, j := range list {
			names = append(names, j.Name)
			if j.Runs != 1 || j.LastError != "" || j.LastFinishedAt == nil || j.LastResult == "" {
				t.Errorf("%s: %+v", j.Name, j)
			}
		}
		want := []string{NameHousekeeping, NameContactRetention, NameFeedbackRetention}
		slices.Sort(want)
		if !slices.Equal(names, want) {
			t.Errorf("jobs %v, want %v", names, want)
		}
		if list[0].Interval != time.Hour && list[0].Name == NameHousekeeping {
			t.Errorf("housekeeping interval %v", list[0].Interval)
		}
		if err := db.Write(ctx, func(tx *store.Tx) error { return tx.RunJobSoon(ctx, NameFeedbackRetention) }); err != nil {
			t.Fatal(err)
		}
		if ran := r.RunDue(ctx); !slices.Equal(ran, []string{NameFeedbackRetention}) {
			t.Errorf("after RunJobSoon ran %v", ran)
		}
	})
}
