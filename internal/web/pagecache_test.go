package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"kuulu/internal/org"
)

// fakeNow is a clock the test moves by hand.
type fakeNow struct{ t atomic.Int64 }

func (f *fakeNow) now() time.Time      { return time.Unix(0, f.t.Load()) }
func (f *fakeNow) add(d time.Duration) { f.t.Add(int64(d)) }
func newFakeNow() *fakeNow {
	f := &fakeNow{}
	f.t.Store(time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC).UnixNano())
	return f
}
func anonymous() *http.Request { return httptest.NewRequest("GET", "/p/x", nil) }
func get(c *pageCache, key string, render renderFunc) (*httptest.ResponseRecorder, error) {
	rec := httptest.NewRecorder()
	err := c.serve(rec, anonymous(), key, render)
	return rec, err
}

func TestPageCacheFreshAndUncacheable(t *testing.T) {
	c := newPageCache(time.Hour, 2*time.Hour)
	var renders atomic.Int32
	page := func(w http.ResponseWriter, r *http.Request) error {
		renders.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<p>lomake</p>"))
		return nil
	}
	for i := 0; i < 3; i++ {
		rec, err := get(c, "k", page)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Code != 200 || rec.Body.String() != "<p>lomake</p>" || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" {
			t.Fatalf("answer %d: %d %q %v", i, rec.Code, rec.Body.String(), rec.Header())
		}
	}
	if renders.Load() != 1 {
		t.Errorf("rendered %d times, want 1", renders.Load())
	}
	// Errors and non-200 answers are never kept.
	boom := errors.New("boom")
	if _, err := get(c, "e", func(http.ResponseWriter, *http.Request) error { return boom }); err != boom {
		t.Errorf("error not passed on: %v", err)
	}
	notFound := 0
	for i := 0; i < 2; i++ {
		rec, _ := get(c, "n", func(w http.ResponseWriter, r *http.Request) error { notFound++; w.WriteHeader(404); return nil })
		if rec.Code != 404 {
			t.Errorf("status %d, want the rendered 404", rec.Code)
		}
	}
	if notFound != 2 {
		t.Errorf("a 404 was kept")
	}
}

// TestPageCacheStaleWhileRevalidate: after the TTL the old copy is still
// served while exactly one background render makes a new one; after the
// stale limit the visitor waits for a render.
func TestPageCacheStaleWhileRevalidate(t *testing.T) {
	clock := newFakeNow()
	c := newPageCache(10*time.Second, time.Minute)
	c.now = clock.now
	var version atomic.Int32
	release := make(chan struct{})
	page := func(w http.ResponseWriter, r *http.Request) error {
		v := version.Add(1)
		if v == 2 {
			<-release // the background render is slow
		}
		if r.Context().Err() != nil {
			return r.Context().Err()
		}
		fmt.Fprintf(w, "v%d", v)
		return nil
	}
	body := func() string {
		t.Helper()
		rec, err := get(c, "k", page)
		if err != nil {
			t.Fatal(err)
		}
		return rec.Body.String()
	}
	if b := body(); b != "v1" {
		t.Fatalf("first answer %q", b)
	}
	clock.add(11 * time.Second)
	// A cancelled request starts the refresh: the refresh must not die
	// with it.
	ctx, cancel := context.WithCancel(context.Background())
	r := anonymous().WithContext(ctx)
	rec := httptest.NewRecorder()
	if err := c.serve(rec, r, "k", page); err != nil || rec.Body.String() != "v1" {
		t.Fatalf("stale answer %q, %v", rec.Body.String(), err)
	}
	cancel()
	for range 5 { // while the refresh runs, the stale copy is served and no second refresh starts
		if b := body(); b != "v1" {
			t.Fatalf("answer during refresh %q", b)
		}
	}
	close(release)
	c.wg.Wait()
	if n := version.Load(); n != 2 {
		t.Fatalf("%d renders, want 2 (one refresh)", n)
	}
	if b := body(); b != "v2" {
		t.Fatalf("answer after refresh %q", b)
	}
	// Older than the stale limit: rendered while the visitor waits.
	clock.add(2 * time.Minute)
	if b := body(); b != "v3" {
		t.Fatalf("answer after the stale limit %q", b)
	}
	// A failed refresh drops the copy: the next visitor gets a new render.
	clock.add(11 * time.Second)
	fail := func(w http.ResponseWriter, r *http.Request) error { return errors.New("database down") }
	if rec, err := get(c, "k", fail); err != nil || rec.Body.String() != "v3" {
		t.Fatalf("stale answer %q, %v", rec.Body.String(), err)
	}
	c.wg.Wait()
	if b := body(); b != "v4" {
		t.Fatalf("answer after a failed refresh %q", b)
	}
}

// TestPageCacheSignedIn: a signed-in visitor's page (with their name in
// it) is neither served from nor kept in the cache.
func TestPageCacheSignedIn(t *testing.T) {
	c := newPageCache(time.Hour, 2*time.Hour)
	page := func(w http.ResponseWriter, r *http.Request) error {
		if p := requestInfo(r).Person; p != nil {
			fmt.Fprintf(w, "hello %s", p.Name)
			return nil
		}
		w.Write([]byte("anonymous"))
		return nil
	}
	r := anonymous()
	r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, &reqInfo{Person: &org.Person{Name: "Hanna Hoitaja"}}))
	rec := httptest.NewRecorder()
	if err := c.serve(rec, r, "k", page); err != nil || rec.Body.String() != "hello Hanna Hoitaja" {
		t.Fatalf("signed-in answer %q, %v", rec.Body.String(), err)
	}
	if rec, _ := get(c, "k", page); rec.Body.String() != "anonymous" {
		t.Fatalf("anonymous visitor got %q", rec.Body.String())
	}
	rec = httptest.NewRecorder()
	if err := c.serve(rec, r, "k", page); err != nil || rec.Body.String() != "hello Hanna Hoitaja" {
		t.Fatalf("signed-in answer from the cache: %q, %v", rec.Body.String(), err)
	}
}

// TestPageCacheGeneration: a change through this instance (a new
// generation) makes every kept copy out of date at once.
func TestPageCacheGeneration(t *testing.T) {
	c := newPageCache(time.Hour, 2*time.Hour)
	var gen atomic.Uint64
	c.gen = gen.Load
	var renders atomic.Int32
	page := func(w http.ResponseWriter, r *http.Request) error {
		fmt.Fprintf(w, "v%d", renders.Add(1))
		return nil
	}
	for _, want := range []string{"v1", "v1"} {
		if rec, err := get(c, "k", page); err != nil || rec.Body.String() != want {
			t.Fatalf("%q, %v; want %q", rec.Body.String(), err, want)
		}
	}
	gen.Add(1)
	if rec, _ := get(c, "k", page); rec.Body.String() != "v2" {
		t.Fatalf("after a change: %q, want a new render", rec.Body.String())
	}
	if rec, _ := get(c, "k", page); rec.Body.String() != "v2" {
		t.Fatalf("the new render was not kept: %q", rec.Body.String())
	}
}
