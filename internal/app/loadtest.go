package app

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"kuulu/internal/loadtest"
)

// runLoadtest is `kuulu loadtest`: the real HTTP handler in process on a
// loopback listener over a database of its own, under concurrent public
// form submissions (internal/loadtest). It reads no KUULU_* variable, so it
// never touches the configured database: -db names a PostgreSQL database in
// which it creates (and drops) a schema of its own.
func runLoadtest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("kuulu loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o loadtest.Options
	fs.StringVar(&o.DB, "db", "", "postgres:// URL of a database in which to create a temporary schema (default: a temporary SQLite file)")
	fs.IntVar(&o.Clients, "clients", 50, "concurrent submitting clients")
	fs.Float64Var(&o.Rate, "rate", 2000, "submissions per second in phase b, paced across the clients")
	fs.Float64Var(&o.ProbeRate, "probe-rate", 200, "form page loads per second in phase b, on a fixed schedule")
	fs.IntVar(&o.Readers, "readers", 0, "further clients loading the form page as fast as they can in phase c, the stress phase (default clients/10; -1: no phase c)")
	fs.DurationVar(&o.Duration, "duration", 10*time.Second, "length of each measured phase")
	fs.DurationVar(&o.Warmup, "warmup", 2*time.Second, "unmeasured warm-up before the phases (0: none)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{"unexpected arguments: " + strings.Join(fs.Args(), " ")}
	}
	if o.Clients < 1 || o.Clients > 10000 || o.Readers < -1 || o.Rate <= 0 || o.Rate > 1e6 || o.ProbeRate <= 0 || o.ProbeRate > 100000 || o.Duration <= 0 || o.Duration > time.Hour || o.Warmup < 0 {
		return usageError{"loadtest: want 1-10000 clients, a duration up to 1h and a non-negative warm-up"}
	}
	if o.Warmup == 0 {
		o.Warmup = -1 // none
	}
	if o.DB != "" && !strings.HasPrefix(o.DB, "postgres") {
		fmt.Fprintln(stderr, "kuulu loadtest: -db is a SQLite path that must not exist yet; it is left in place afterwards")
	}
	if !*asJSON {
		fmt.Fprintln(stderr, "kuulu loadtest: preparing the database and the demo organisation…")
	}
	r, err := loadtest.Run(ctx, o)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return err
		}
	} else {
		r.WriteText(stdout)
	}
	if !r.OK() {
		return errors.New("loadtest: requests failed or acknowledged submissions are missing")
	}
	return nil
}
