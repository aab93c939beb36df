// Package loadtest drives Kuulu's real HTTP handler, in process, over real
// TCP on a loopback listener, with concurrent clients that behave like
// browsers on the public feedback form: it measures durable submissions per
// second and the latency of the public form page under that load, and the
// transfer size of the form page with everything it loads.
//
// It is the code behind `kuulu loadtest` and BenchmarkSubmissions. It always
// works on a database of its own: a new SQLite file in a temporary directory,
// or a new schema in the given PostgreSQL database, dropped afterwards.
//
// The public rate limits (per client address, counted in the database) are
// switched off with web.Config.NoRateLimit: every request here comes from
// 127.0.0.1 and would otherwise be refused after ten submissions a minute.
package loadtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"kuulu/internal/auth"
	"kuulu/internal/demo"
	"kuulu/internal/feedback"
	"kuulu/internal/i18n"
	"kuulu/internal/org"
	"kuulu/internal/store"
	"kuulu/internal/web"
)

// Options configure a load test run.
type Options struct {
	// DB is "" for a new SQLite file in a temporary directory, or a
	// postgres:// URL, in which a schema of the run's own is created and
	// dropped at the end. A SQLite path must not exist yet.
	DB string
	// Clients is how many concurrent clients submit (default 50).
	Clients int
	// Rate is the submission rate of phase b, paced across the clients
	// (default 2,000 a second, the rate the public form must carry).
	Rate float64
	// ProbeRate is how many times a second the public form page is loaded
	// during phase b, open loop: each load starts on its schedule whatever
	// the others are doing, and its latency counts from the scheduled start
	// (default 200/s, a tenth of the target submission rate).
	ProbeRate float64
	// Readers is how many further clients load the public form page in a
	// closed loop (as fast as they can) during phase c, the stress phase
	// (default Clients/10, at least 1; negative: no phase c).
	Readers int
	// Duration of each measured phase (default 10s); Warmup runs before them
	// and is not measured (default 2s; negative: none).
	Duration, Warmup time.Duration
	// Log receives the server's log; nil discards it. The access log is
	// formatted either way, as in production.
	Log io.Writer
}

func (o *Options) defaults() {
	if o.Clients <= 0 {
		o.Clients = 50
	}
	if o.Rate <= 0 {
		o.Rate = 2000
	}
	if o.ProbeRate <= 0 {
		o.ProbeRate = 200
	}
	if o.Readers == 0 {
		o.Readers = max(1, o.Clients/10)
	}
	if o.Duration <= 0 {
		o.Duration = 10 * time.Second
	}
	if o.Warmup == 0 {
		o.Warmup = 2 * time.Second
	}
}

// Env is a running Kuulu server over a fresh database with the demo
// organisation (no feedback items), and an HTTP client to load it.
type Env struct {
	URL     string
	DB      *store.DB
	Dialect string

	units   []org.Unit
	client  *wireClient
	hs      *http.Server
	closers []func()
	acked   atomic.Int64
	rows0   int64
}

// cheapArgon keeps loading the demo people fast: nobody signs in here.
var cheapArgon = auth.Argon2Params{Memory: 64, Time: 1, Threads: 1}

// Start creates the database, loads the demo organisation and starts the
// server on 127.0.0.1:0. conns is how many concurrent client connections
// to keep alive. Close stops it and removes the database.
func Start(ctx context.Context, dbURL string, conns int, logw io.Writer) (e *Env, err error) {
	e = &Env{}
	defer func() {
		if err != nil {
			e.Close()
			e = nil
		}
	}()
	switch {
	case dbURL == "":
		dir, err := os.MkdirTemp("", "kuulu-loadtest-")
		if err != nil {
			return e, err
		}
		e.closers = append(e.closers, func() { os.RemoveAll(dir) })
		dbURL = filepath.Join(dir, "loadtest.db")
	case store.IsPostgres(dbURL):
		u, drop, err := ownSchema(ctx, dbURL)
		if err != nil {
			return e, err
		}
		e.closers = append(e.closers, drop)
		dbURL = u
	default:
		path := strings.TrimPrefix(strings.TrimPrefix(dbURL, "sqlite://"), "sqlite:")
		if _, err := os.Stat(path); err == nil {
			return e, fmt.Errorf("%s exists: the load test needs a new database (leave -db out for a temporary one)", path)
		}
	}
	level := slog.LevelInfo
	if logw == nil {
		logw = io.Discard
	}
	log := slog.New(slog.NewJSONHandler(logw, &slog.HandlerOptions{Level: level}))
	db, err := store.Open(ctx, store.Config{URL: dbURL})
	if err != nil {
		return e, err
	}
	db.Log = log
	e.DB, e.Dialect = db, db.Dialect()
	e.closers = append(e.closers, func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		return e, fmt.Errorf("migrate: %w", err)
	}
	if _, err := demo.Load(ctx, db, demo.Options{Argon2: cheapArgon, FeedbackItems: -1}); err != nil {
		return e, fmt.Errorf("demo data: %w", err)
	}
	if err := db.Read(ctx, func(tx *store.Tx) error {
		units, err := tx.Units(ctx, store.UnitFilter{ActiveOnly: true})
		for _, u := range units {
			if u.Slug != "saavutettavuus" {
				e.units = append(e.units, u)
			}
		}
		return err
	}); err != nil {
		return e, err
	}
	if len(e.units) == 0 {
		return e, errors.New("the demo organisation has no active units")
	}
	if e.rows0, err = e.Rows(ctx); err != nil {
		return e, err
	}
	cat, err := i18n.Load()
	if err != nil {
		return e, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return e, err
	}
	e.URL = "http://" + ln.Addr().String()
	srv, err := web.New(web.Config{BaseURL: e.URL, NoRateLimit: true}, db, cat, log)
	if err != nil {
		ln.Close()
		return e, err
	}
	// The same timeouts as `kuulu serve`.
	e.hs = &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	go e.hs.Serve(ln)
	e.client = newWireClient(ln.Addr().String(), conns)
	return e, nil
}

// Close stops the server and removes the database (the temporary SQLite
// directory, or the PostgreSQL schema).
func (e *Env) Close() {
	if e.hs != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		e.hs.Shutdown(ctx)
		cancel()
	}
	if e.client != nil {
		e.client.close()
	}
	for i := len(e.closers) - 1; i >= 0; i-- {
		e.closers[i]()
	}
	e.closers = nil
}

// Acknowledged is how many submissions got the redirect to their receipt.
func (e *Env) Acknowledged() int64 { return e.acked.Load() }

// Rows counts the rows in the feedback table.
func (e *Env) Rows(ctx context.Context) (int64, error) {
	var n int64
	err := e.DB.Read(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, "SELECT COUNT(*) FROM feedback").Scan(&n)
	})
	return n, err
}

// NewRows is how many feedback rows the run added.
func (e *Env) NewRows(ctx context.Context) (int64, error) {
	n, err := e.Rows(ctx)
	return n - e.rows0, err
}

// ownSchema creates a schema for this run in the PostgreSQL database and
// returns a URL whose connections use it, and a function that drops it.
func ownSchema(ctx context.Context, base string) (string, func(), error) {
	b := make([]byte, 6)
	rand.Read(b)
	schema := "loadtest_" + hex.EncodeToString(b)
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, fmt.Errorf("database URL: %w", err)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		return "", nil, fmt.Errorf("create schema: %w", err)
	}
	drop := func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		a.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE")
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}

// Phase is one stretch of load: Submitters clients POST the public form and
// Readers clients GET it, each in a closed loop, until Duration has passed
// or, when Count > 0, until Count submissions have been sent. When
// ProbeRate > 0 the form page is also loaded ProbeRate times a second on a
// fixed schedule (open loop), each load timed from its scheduled start, so
// that a stalled server cannot hide its stall by delaying the next probe.
//
// When Rate > 0 the submitters are paced to Rate submissions a second
// between them, open loop, each timed from its scheduled start.
type Phase struct {
	Submitters, Readers int
	Rate, ProbeRate     float64
	Duration            time.Duration
	Count               int64
}

// Result is what a phase measured.
type Result struct {
	Elapsed  time.Duration
	CPU      time.Duration // the process's CPU time (server and driver)
	Submit   Stats
	FormPage Stats
}

func (r Result) cpuPercent() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return math.Round(1000*r.CPU.Seconds()/r.Elapsed.Seconds()) / 10
}

// Stats are one kind of request's outcomes.
type Stats struct {
	Latencies []time.Duration // of every request, in no order
	OK        int64
	Errors    int64
	FirstErr  string
}

func (s *Stats) add(o Stats) {
	s.Latencies = append(s.Latencies, o.Latencies...)
	s.OK += o.OK
	s.Errors += o.Errors
	if s.FirstErr == "" {
		s.FirstErr = o.FirstErr
	}
}

func (s *Stats) record(d time.Duration, err error) {
	s.Latencies = append(s.Latencies, d)
	if err != nil {
		s.Errors++
		if s.FirstErr == "" {
			s.FirstErr = err.Error()
		}
		return
	}
	s.OK++
}

// Run runs a phase. Requests in flight when the time is up finish and count.
func (e *Env) Run(ctx context.Context, p Phase) Result {
	var stop atomic.Bool
	var tickets atomic.Int64
	tickets.Store(p.Count)
	var mu sync.Mutex
	var res Result
	var subs, readers sync.WaitGroup
	cpu0 := cpuTime()
	start := time.Now()
	var timer *time.Timer
	if p.Count <= 0 {
		timer = time.AfterFunc(p.Duration, func() { stop.Store(true) })
	}
	for i := range p.Submitters {
		subs.Go(func() {
			rng := mrand.New(mrand.NewPCG(uint64(i)+1, uint64(start.UnixNano())))
			var st Stats
			// Paced: client i sends at start + (i + k·Submitters)/Rate; a
			// client that falls behind sends at once, and its latency
			// still counts from the scheduled time.
			var every time.Duration
			next := start
			if p.Rate > 0 {
				every = time.Duration(float64(p.Submitters) / p.Rate * float64(time.Second))
				next = start.Add(time.Duration(float64(i) / p.Rate * float64(time.Second)))
			}
			for !stop.Load() && ctx.Err() == nil {
				if p.Count > 0 && tickets.Add(-1) < 0 {
					break
				}
				t0 := time.Now()
				if every > 0 {
					time.Sleep(time.Until(next))
					t0 = next
					next = next.Add(every)
				}
				err := e.submit(ctx, rng)
				st.record(time.Since(t0), err)
			}
			mu.Lock()
			res.Submit.add(st)
			mu.Unlock()
		})
	}
	for i := range p.Readers {
		readers.Go(func() {
			var st Stats
			for n := 0; !stop.Load() && ctx.Err() == nil; n++ {
				t0 := time.Now()
				err := e.formPage(ctx, e.units[(i+n)%len(e.units)].Slug)
				st.record(time.Since(t0), err)
			}
			mu.Lock()
			res.FormPage.add(st)
			mu.Unlock()
		})
	}
	if p.ProbeRate > 0 {
		readers.Go(func() {
			var probes sync.WaitGroup
			var st Stats
			var smu sync.Mutex
			every := time.Duration(float64(time.Second) / p.ProbeRate)
			next := time.Now()
			for n := 0; !stop.Load() && ctx.Err() == nil; n++ {
				next = next.Add(every)
				time.Sleep(time.Until(next))
				sched := next
				probes.Go(func() {
					err := e.formPage(ctx, e.units[n%len(e.units)].Slug)
					d := time.Since(sched)
					smu.Lock()
					st.record(d, err)
					smu.Unlock()
				})
			}
			probes.Wait()
			mu.Lock()
			res.FormPage.add(st)
			mu.Unlock()
		})
	}
	subs.Wait()
	if p.Submitters == 0 && p.Count <= 0 {
		for !stop.Load() && ctx.Err() == nil {
			time.Sleep(10 * time.Millisecond)
		}
	}
	stop.Store(true) // count mode: the readers stop with the last submission
	res.Elapsed = time.Since(start)
	readers.Wait()
	res.CPU = cpuTime() - cpu0
	if timer != nil {
		timer.Stop()
	}
	return res
}

var phonePrefixes = []string{"040", "044", "045", "050", "041", "046"}

var sentences = []string{
	"Kävin vastaanotolla tiistaina aamupäivällä ja jonotin lähes tunnin ennen kuin pääsin sisään.",
	"Hoitaja oli ystävällinen ja selitti hoito-ohjeet selvästi, vaikka kiire oli kova.",
	"Ajanvaraus puhelimessa ei toiminut, takaisinsoittoa ei tullut luvatusti samana päivänä.",
	"Odotustilassa oli kylmä ja istumapaikkoja liian vähän iäkkäille asiakkaille.",
	"Lääkäri kuunteli ja otti huoleni vakavasti, siitä iso kiitos koko tiimille.",
	"Toivoisin, että laboratorion aukioloaikoja pidennettäisiin iltaan työssäkäyviä varten.",
	"Sähköinen asiointi oli sekava: en löytänyt, mistä näkee omat laboratoriotulokset.",
	"Kotihoidon käynnit ovat myöhästyneet useana päivänä peräkkäin, eikä siitä ilmoiteta.",
	"Pysäköintialueen opasteet ovat puutteelliset ja esteetön sisäänkäynti on hankala löytää.",
	"Vastaanoton henkilökunta auttoi minua täyttämään lomakkeet kärsivällisesti.",
	"Kaipaisin ruotsinkielistä palvelua myös puhelimitse, nyt sitä ei saanut.",
	"Fysioterapeutin ohjeet olivat hyödyllisiä ja kuntoutus on edennyt hyvin.",
}

// text is feedback of realistic length (about 300 to 700 characters) with a
// fake phone number in it, as givers often write one into the text.
func text(rng *mrand.Rand) string {
	var b strings.Builder
	n := 3 + rng.IntN(4)
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(sentences[rng.IntN(len(sentences))])
	}
	fmt.Fprintf(&b, " Minut tavoittaa numerosta %s %03d %04d arkisin.", phonePrefixes[rng.IntN(len(phonePrefixes))], rng.IntN(1000), rng.IntN(10000))
	return b.String()
}

var langs = []string{"fi", "fi", "fi", "fi", "sv", "en"}

// submit posts the public form as a browser would and accepts only the
// redirect to the receipt.
func (e *Env) submit(ctx context.Context, rng *mrand.Rand) error {
	u := e.units[rng.IntN(len(e.units))]
	lang := langs[rng.IntN(len(langs))]
	f := url.Values{
		"unit":       {strconv.FormatInt(u.ID, 10)},
		"kind":       {string(feedback.Kinds[rng.IntN(len(feedback.Kinds))])},
		"score":      {strconv.Itoa(rng.IntN(11))},
		"text":       {text(rng)},
		"reply_lang": {lang},
		"website":    {""}, // the honeypot, left empty
	}
	res, err := e.client.do(ctx, "POST", "/p/"+u.Slug+"?lang="+lang, submitHeader, []byte(f.Encode()))
	if err != nil {
		return err
	}
	if res.Status != http.StatusSeeOther || !strings.Contains(res.Location, "/kiitos/") {
		return fmt.Errorf("POST /p/%s: status %d, location %q", u.Slug, res.Status, res.Location)
	}
	e.acked.Add(1)
	return nil
}

// submitHeader is what a browser sends with the form, as far as the server
// looks at it.
var submitHeader = []string{"Content-Type: application/x-www-form-urlencoded", "Sec-Fetch-Site: same-origin"}

// formPage loads the public form as a browser's first visit would (the
// page is not compressed; the static assets, cached for a year, are
// counted by Transfer).
func (e *Env) formPage(ctx context.Context, slug string) error {
	res, err := e.client.do(ctx, "GET", "/p/"+slug+"?lang=fi", nil, nil)
	if err != nil {
		return err
	}
	if res.Status != http.StatusOK || len(res.Body) == 0 {
		return fmt.Errorf("GET /p/%s: status %d, %d bytes", slug, res.Status, len(res.Body))
	}
	return nil
}

// Part is one response of the form page's transfer.
type Part struct {
	Path  string `json:"path"`
	Bytes int    `json:"bytes"`
}

// Transfer is what a browser downloads to show the public form: the HTML
// and every stylesheet and script it references, with Accept-Encoding: gzip
// (the server gzips the static assets, not the pages), headers included.
func (e *Env) Transfer(ctx context.Context) (int, []Part, error) {
	fetch := func(path string) (int, string, error) {
		res, err := e.client.do(ctx, "GET", path, []string{"Accept-Encoding: gzip"}, nil)
		if err != nil {
			return 0, "", err
		}
		if res.Status != http.StatusOK {
			return 0, "", fmt.Errorf("GET %s: status %d", path, res.Status)
		}
		b := res.Body
		n := len(b) + len("HTTP/1.1 200 OK\r\n\r\n")
		for k, vs := range res.Header {
			for _, v := range vs {
				n += len(k) + len(v) + 4
			}
		}
		return n, string(b), nil
	}
	page := "/p/" + e.units[0].Slug + "?lang=fi"
	n, body, err := fetch(page)
	if err != nil {
		return 0, nil, err
	}
	total, parts := n, []Part{{page, n}}
	for _, m := range assetRef.FindAllStringSubmatch(body, -1) {
		n, _, err := fetch(m[1])
		if err != nil {
			return 0, nil, err
		}
		total += n
		parts = append(parts, Part{m[1], n})
	}
	return total, parts, nil
}

var assetRef = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)

// Summary is a phase's figures for one kind of request.
type Summary struct {
	Requests   int64   `json:"requests"`
	OK         int64   `json:"ok"`
	Errors     int64   `json:"errors"`
	PerSecond  float64 `json:"per_second"` // successful requests per second
	P50ms      float64 `json:"p50_ms"`
	P90ms      float64 `json:"p90_ms"`
	P99ms      float64 `json:"p99_ms"`
	Maxms      float64 `json:"max_ms"`
	FirstError string  `json:"first_error,omitempty"`
}

// Summarise sorts the latencies and computes percentiles and the rate.
func Summarise(s Stats, elapsed time.Duration) Summary {
	lat := slices.Clone(s.Latencies)
	slices.Sort(lat)
	out := Summary{Requests: int64(len(lat)), OK: s.OK, Errors: s.Errors, FirstError: s.FirstErr}
	if elapsed > 0 {
		out.PerSecond = float64(s.OK) / elapsed.Seconds()
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	pct := func(q float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		i := int(q*float64(len(lat))+0.999999) - 1
		return ms(lat[min(max(i, 0), len(lat)-1)])
	}
	out.P50ms, out.P90ms, out.P99ms = pct(0.50), pct(0.90), pct(0.99)
	if len(lat) > 0 {
		out.Maxms = ms(lat[len(lat)-1])
	}
	return out
}

// Report is the outcome of a load test.
type Report struct {
	Database   string  `json:"database"`
	CPUs       int     `json:"cpus"`
	GOMAXPROCS int     `json:"gomaxprocs"`
	Clients    int     `json:"clients"`
	Rate       float64 `json:"paced_submissions_per_second"`
	ProbeRate  float64 `json:"form_page_probes_per_second"`
	Readers    int     `json:"stress_readers"`
	Duration   float64 `json:"phase_seconds"`
	Warmup     float64 `json:"warmup_seconds"`
	RateLimits string  `json:"rate_limits"`
	// Submissions: Clients clients submitting, nothing else.
	Submissions Summary `json:"submissions"`
	// Phase b: Clients clients submitting Rate times a second between
	// them, paced, while the form page is loaded ProbeRate times a second;
	// both open loop, timed from the scheduled start.
	MixedSubmissions Summary `json:"mixed_submissions"`
	FormPage         Summary `json:"form_page"`
	// Phase c, stress (when Readers > 0): Clients clients submitting while
	// Readers more clients load the form page as fast as they can.
	StressSubmissions Summary `json:"stress_submissions"`
	StressFormPage    Summary `json:"stress_form_page"`
	TransferBytes     int     `json:"form_page_transfer_bytes"`
	TransferParts     []Part  `json:"form_page_transfer_parts"`
	// CPU is the process's CPU use in each phase, in per cent of one core
	// (server and driver together; 200 is both cores of a 2-core machine).
	CPU          map[string]float64 `json:"cpu_percent"`
	Acknowledged int64              `json:"acknowledged"`
	Rows         int64              `json:"feedback_rows"`
}

// OK reports whether the run had no failed request and every acknowledged
// submission is in the feedback table.
func (r Report) OK() bool {
	for _, s := range []Summary{r.Submissions, r.MixedSubmissions, r.FormPage, r.StressSubmissions, r.StressFormPage} {
		if s.Errors != 0 {
			return false
		}
	}
	return r.Rows == r.Acknowledged
}

// Run starts an environment, warms up, runs the two phases and reports.
func Run(ctx context.Context, o Options) (Report, error) {
	o.defaults()
	e, err := Start(ctx, o.DB, o.Clients+o.Readers, o.Log)
	if err != nil {
		return Report{}, err
	}
	defer e.Close()
	r := Report{Database: e.Dialect, CPUs: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0),
		Clients: o.Clients, Rate: o.Rate, ProbeRate: o.ProbeRate, Readers: max(o.Readers, 0), Duration: o.Duration.Seconds(), Warmup: max(o.Warmup, 0).Seconds(),
		RateLimits: "off (web.Config.NoRateLimit): every client is 127.0.0.1, which the per-address limits would throttle"}
	if o.Warmup > 0 {
		e.Run(ctx, Phase{Submitters: o.Clients, Readers: max(o.Readers, 0), Duration: o.Warmup})
	}
	a := e.Run(ctx, Phase{Submitters: o.Clients, Duration: o.Duration})
	r.Submissions = Summarise(a.Submit, a.Elapsed)
	r.CPU = map[string]float64{"a": a.cpuPercent()}
	b := e.Run(ctx, Phase{Submitters: o.Clients, Rate: o.Rate, ProbeRate: o.ProbeRate, Duration: o.Duration})
	r.MixedSubmissions = Summarise(b.Submit, b.Elapsed)
	r.CPU["b"] = b.cpuPercent()
	r.FormPage = Summarise(b.FormPage, b.Elapsed)
	if o.Readers > 0 {
		c := e.Run(ctx, Phase{Submitters: o.Clients, Readers: o.Readers, Duration: o.Duration})
		r.StressSubmissions = Summarise(c.Submit, c.Elapsed)
		r.CPU["c"] = c.cpuPercent()
		r.StressFormPage = Summarise(c.FormPage, c.Elapsed)
	}
	if err := ctx.Err(); err != nil {
		return r, err
	}
	if r.TransferBytes, r.TransferParts, err = e.Transfer(ctx); err != nil {
		return r, err
	}
	r.Acknowledged = e.Acknowledged()
	if r.Rows, err = e.NewRows(ctx); err != nil {
		return r, err
	}
	return r, nil
}

// WriteText prints the report as a table.
func (r Report) WriteText(w io.Writer) {
	fmt.Fprintf(w, "Kuulu load test: %s, %d CPUs (GOMAXPROCS %d), %d clients, %.0fs per phase after %.0fs warm-up\n",
		r.Database, r.CPUs, r.GOMAXPROCS, r.Clients, r.Duration, r.Warmup)
	fmt.Fprintf(w, "Rate limits: %s.\n", r.RateLimits)
	fmt.Fprintf(w, "a) the clients submit as fast as they can (closed loop): the throughput.\n")
	fmt.Fprintf(w, "b) the clients submit %.0f times a second between them while the form page is loaded %.0f times a second,\n", r.Rate, r.ProbeRate)
	fmt.Fprintf(w, "   both on a fixed schedule (open loop), every request timed from its scheduled start.\n")
	if r.Readers > 0 {
		fmt.Fprintf(w, "c) stress: as a), and %d more clients load the form page as fast as they can.\n", r.Readers)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%-44s %9s %7s %9s %8s %8s %8s %8s\n", "phase / request", "requests", "errors", "per s", "p50 ms", "p90 ms", "p99 ms", "max ms")
	row := func(name string, s Summary) {
		fmt.Fprintf(w, "%-44s %9d %7d %9.0f %8.2f %8.2f %8.2f %8.2f\n", name, s.Requests, s.Errors, s.PerSecond, s.P50ms, s.P90ms, s.P99ms, s.Maxms)
	}
	row(fmt.Sprintf("a) POST /p/{slug}, %d clients", r.Clients), r.Submissions)
	row(fmt.Sprintf("b) POST /p/{slug}, %d clients, %.0f/s", r.Clients, r.Rate), r.MixedSubmissions)
	row(fmt.Sprintf("b) GET /p/{slug}, %.0f/s", r.ProbeRate), r.FormPage)
	if r.Readers > 0 {
		row(fmt.Sprintf("c) POST /p/{slug}, %d clients", r.Clients), r.StressSubmissions)
		row(fmt.Sprintf("c) GET /p/{slug}, %d more clients, closed", r.Readers), r.StressFormPage)
	}
	for _, s := range []Summary{r.Submissions, r.MixedSubmissions, r.FormPage, r.StressSubmissions, r.StressFormPage} {
		if s.FirstError != "" {
			fmt.Fprintf(w, "first error: %s\n", s.FirstError)
			break
		}
	}
	fmt.Fprintf(w, "CPU of the process (server and driver), %% of one core:")
	for _, p := range []string{"a", "b", "c"} {
		if v, ok := r.CPU[p]; ok {
			fmt.Fprintf(w, " %s) %.0f", p, v)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "\nPublic form page transfer (gzip where served): %d bytes (%.1f KB)\n", r.TransferBytes, float64(r.TransferBytes)/1024)
	for _, p := range r.TransferParts {
		fmt.Fprintf(w, "  %-60s %7d\n", p.Path, p.Bytes)
	}
	verdict := "equal"
	if r.Rows != r.Acknowledged {
		verdict = "MISMATCH"
	}
	fmt.Fprintf(w, "\nAcknowledged submissions (303 to the receipt): %d; rows in feedback: %d (%s)\n", r.Acknowledged, r.Rows, verdict)
}
