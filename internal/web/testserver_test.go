package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"kuulu/internal/auth"
	"kuulu/internal/demo"
	"kuulu/internal/domain"
	"kuulu/internal/i18n"
	"kuulu/internal/store"
)

// cheapArgon keeps password hashing fast in tests.
var cheapArgon = auth.Argon2Params{Memory: 64, Time: 1, Threads: 1}

type testEnv struct {
	t     *testing.T
	db    *store.DB
	srv   *Server
	ts    *httptest.Server
	clock *domain.FixedClock
}

// newEnv starts a real HTTP server on a migrated database with the demo
// organisation and people. The demo's 5,000 feedback items are left out
// (they cost most of the load time); newEnvWithFeedback includes them.
func newEnv(t *testing.T, dbURL string) *testEnv {
	return newEnvDemo(t, dbURL, -1)
}

// newEnvWithFeedback is newEnv with the demo feedback items.
func newEnvWithFeedback(t *testing.T, dbURL string) *testEnv {
	return newEnvDemo(t, dbURL, 0)
}

func newEnvDemo(t *testing.T, dbURL string, feedbackItems int) *testEnv {
	t.Helper()
	db := store.OpenTest(t, dbURL)
	clock := &domain.FixedClock{T: time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)}
	db.Clock = clock
	if _, err := demo.Load(context.Background(), db, demo.Options{Argon2: cheapArgon, FeedbackItems: feedbackItems}); err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{BaseURL: "http://kuulu.test", Argon2: cheapArgon}, db, cat, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &testEnv{t: t, db: db, srv: srv, ts: ts, clock: clock}
}

// eachEnv runs fn against SQLite and, when configured, PostgreSQL.
func eachEnv(t *testing.T, fn func(t *testing.T, e *testEnv)) {
	for name, u := range store.TestDatabases(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fn(t, newEnv(t, u))
		})
	}
}

// client is a browser-like client: a cookie jar and no automatic redirects.
type client struct {
	e    *testEnv
	http *http.Client
}

func (e *testEnv) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type resp struct {
	Status   int
	Body     string
	Header   http.Header
	Location string
}

func (c *client) do(req *http.Request) resp {
	c.e.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{Status: res.StatusCode, Body: string(b), Header: res.Header, Location: res.Header.Get("Location")}
}

func (c *client) get(path string) resp {
	c.e.t.Helper()
	req, _ := http.NewRequest("GET", c.e.ts.URL+path, nil)
	return c.do(req)
}

// post sends a same-origin form, as a browser would (Sec-Fetch-Site: same-origin).
func (c *client) post(path string, form url.Values) resp {
	c.e.t.Helper()
	req, _ := http.NewRequest("POST", c.e.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

// login signs in as a demo person and fails the test if that does not work.
func (c *client) login(email string) {
	c.e.t.Helper()
	r := c.post("/login", url.Values{"email": {email}, "password": {demo.DefaultPassword}})
	if r.Status != http.StatusSeeOther {
		c.e.t.Fatalf("login %s: status %d\n%s", email, r.Status, r.Body)
	}
}
