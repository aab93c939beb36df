package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"kuulu/internal/demo"
	"kuulu/internal/i18n"
	"kuulu/internal/store"
)

// benchServer is a server on a SQLite file with the demo data, without an
// HTTP listener: the benchmarks drive Handler() directly.
func benchServer(b *testing.B) (*Server, *http.Cookie) {
	b.Helper()
	db := store.OpenTest(b, filepath.Join(b.TempDir(), "bench.db"))
	if _, err := demo.Load(context.Background(), db, demo.Options{Argon2: cheapArgon}); err != nil {
		b.Fatal(err)
	}
	cat, err := i18n.Load()
	if err != nil {
		b.Fatal(err)
	}
	srv, err := New(Config{BaseURL: "http://kuulu.test", Argon2: cheapArgon}, db, cat, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest("POST", "/login", nil)
	req.PostForm = map[string][]string{"email": {"admin@kainuu.example"}, "password": {demo.DefaultPassword}}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.Name == "kuulu_session" {
			return srv, c
		}
	}
	b.Fatalf("login failed: %d", rec.Code)
	return nil, nil
}

// BenchmarkRenderPage measures the page render path through the whole
// middleware chain: session lookup, database reads, template execution.
//
//	go test -run '^$' -bench RenderPage -benchmem ./internal/web/
func BenchmarkRenderPage(b *testing.B) {
	srv, cookie := benchServer(b)
	h := srv.Handler()
	for _, tc := range []struct {
		name, path string
		signedIn   bool
	}{
		{"home_anonymous", "/", false},
		{"public_form", "/p/kajaanin-terveysasema", false},
		{"accessibility_statement", "/saavutettavuusseloste", false},
		{"admin_units", "/admin/units", true},
		{"admin_people", "/admin/people", true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest("GET", tc.path, nil)
				if tc.signedIn {
					req.AddCookie(cookie)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", tc.path, rec.Code)
				}
			}
		})
	}
}
