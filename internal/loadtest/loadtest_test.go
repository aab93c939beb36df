package loadtest

import (
	"context"
	"os"
	"testing"
	"time"
)

// databases are the load test's targets: a temporary SQLite file, and the
// PostgreSQL database of KUULU_TEST_POSTGRES_URL (a schema of the run's own)
// when it is set.
func databases() map[string]string {
	dbs := map[string]string{"sqlite": ""}
	if u := os.Getenv("KUULU_TEST_POSTGRES_URL"); u != "" {
		dbs["postgres"] = u
	}
	return dbs
}

// TestRun runs the driver briefly with four clients: no request fails and
// every acknowledged submission is a row.
func TestRun(t *testing.T) {
	for name, u := range databases() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r, err := Run(context.Background(), Options{DB: u, Clients: 4, Rate: 200, ProbeRate: 50, Readers: 1, Duration: 400 * time.Millisecond, Warmup: 200 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []Summary{r.Submissions, r.MixedSubmissions, r.FormPage, r.StressSubmissions, r.StressFormPage} {
				if s.Errors != 0 || s.OK == 0 {
					t.Errorf("%d ok, %d errors (first: %s)", s.OK, s.Errors, s.FirstError)
				}
			}
			if r.Acknowledged == 0 || r.Rows != r.Acknowledged {
				t.Errorf("acknowledged %d, rows %d", r.Acknowledged, r.Rows)
			}
			if r.Acknowledged < r.Submissions.OK+r.MixedSubmissions.OK {
				t.Errorf("acknowledged %d < measured %d", r.Acknowledged, r.Submissions.OK+r.MixedSubmissions.OK)
			}
			if r.TransferBytes == 0 || len(r.TransferParts) < 2 {
				t.Errorf("transfer %d bytes in %v", r.TransferBytes, r.TransferParts)
			}
			if !r.OK() {
				t.Error("report not OK")
			}
			t.Logf("%s: %.0f submissions/s, form page p99 %.1f ms, %d bytes", name, r.Submissions.PerSecond, r.FormPage.P99ms, r.TransferBytes)
		})
	}
}

// TestPacing: paced clients never run ahead of their schedule (open
// loop), whatever the machine's speed: at most Rate·Duration submissions
// plus one in flight per client, and as many probes.
func TestPacing(t *testing.T) {
	ctx := context.Background()
	e, err := Start(ctx, "", 8, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	p := Phase{Submitters: 4, Rate: 40, ProbeRate: 20, Duration: 500 * time.Millisecond}
	res := e.Run(ctx, p)
	sub, page := Summarise(res.Submit, res.Elapsed), Summarise(res.FormPage, res.Elapsed)
	if sub.Errors != 0 || page.Errors != 0 || sub.OK == 0 || page.OK == 0 {
		t.Fatalf("submissions %+v, form page %+v", sub, page)
	}
	if max := int64(p.Rate*p.Duration.Seconds()) + int64(p.Submitters); sub.Requests > max {
		t.Errorf("%d submissions in %v at %v/s: more than the schedule's %d", sub.Requests, p.Duration, p.Rate, max)
	}
	if max := int64(p.ProbeRate*p.Duration.Seconds()) + 1; page.Requests > max {
		t.Errorf("%d form page loads in %v at %v/s: more than the schedule's %d", page.Requests, p.Duration, p.ProbeRate, max)
	}
	if res.CPU <= 0 {
		t.Errorf("CPU time %v", res.CPU)
	}
}

// TestSummarise checks the percentiles on known latencies.
func TestSummarise(t *testing.T) {
	var s Stats
	for i := 100; i >= 1; i-- {
		s.record(time.Duration(i)*time.Millisecond, nil)
	}
	got := Summarise(s, time.Second)
	if got.P50ms != 50 || got.P90ms != 90 || got.P99ms != 99 || got.Maxms != 100 || got.PerSecond != 100 || got.Requests != 100 {
		t.Errorf("%+v", got)
	}
}

// BenchmarkSubmissions measures durable submissions through the real HTTP
// handler and storage over loopback TCP: 50 clients POST the public form
// until b.N submissions are acknowledged. The same code as `kuulu loadtest`.
//
//	go test -run '^$' -bench . ./internal/loadtest/
//	KUULU_TEST_POSTGRES_URL=postgres://... go test -run '^$' -bench . ./internal/loadtest/
func BenchmarkSubmissions(b *testing.B) {
	const clients = 50
	for name, u := range databases() {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			e, err := Start(ctx, u, clients, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer e.Close()
			b.ResetTimer()
			res := e.Run(ctx, Phase{Submitters: clients, Count: int64(b.N)})
			b.StopTimer()
			s := Summarise(res.Submit, res.Elapsed)
			if s.Errors != 0 {
				b.Fatalf("%d errors (first: %s)", s.Errors, s.FirstError)
			}
			if rows, err := e.NewRows(ctx); err != nil || rows != e.Acknowledged() {
				b.Fatalf("rows %d, acknowledged %d, %v", rows, e.Acknowledged(), err)
			}
			b.ReportMetric(s.PerSecond, "submissions/s")
			b.ReportMetric(s.P99ms, "p99-ms")
		})
	}
}
