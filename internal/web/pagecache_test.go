package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestPageCache(t *testing.T) {
	c := newPageCache(time.Hour)
	renders := 0
	page := func(w http.ResponseWriter) error {
		renders++
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<p>lomake</p>"))
		return nil
	}
	for i := 0; i < 3; i++ {
		rec := httptest.NewRecorder()
		if err := c.serve(rec, "k", page); err != nil {
			t.Fatal(err)
		}
		if rec.Code != 200 || rec.Body.String() != "<p>lomake</p>" || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" {
			t.Fatalf("answer %d: %d %q %v", i, rec.Code, rec.Body.String(), rec.Header())
		}
	}
	if renders != 1 {
		t.Errorf("rendered %d times, want 1", renders)
	}
	// Errors and non-200 answers are never cached.
	boom := errors.New("boom")
	if err := c.serve(httptest.NewRecorder(), "e", func(http.ResponseWriter) error { return boom }); err != boom {
		t.Errorf("error not passed on: %v", err)
	}
	notFound := 0
	for i := 0; i < 2; i++ {
		c.serve(httptest.NewRecorder(), "n", func(w http.ResponseWriter) error { notFound++; w.WriteHeader(404); return nil })
	}
	if notFound != 2 {
		t.Errorf("a 404 was cached")
	}
	// After the TTL the page is rendered again.
	c.ttl = 0
	time.Sleep(time.Millisecond)
	c.serve(httptest.NewRecorder(), "k", page)
	if renders != 2 {
		t.Errorf("stale page served: %d renders", renders)
	}
}
