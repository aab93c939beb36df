package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAssetsHashedGzippedAndStripped(t *testing.T) {
	a, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	u := a.url("kuulu.css")
	if !strings.HasPrefix(u, "/static/") || !strings.HasSuffix(u, "/kuulu.css") || len(u) < len("/static//kuulu.css")+8 {
		t.Fatalf("url = %q", u)
	}
	css := a.files["kuulu.css"]
	if !bytes.Contains(css, []byte("--fi-color-brand-base")) || !bytes.Contains(css, []byte(".skip-link")) {
		t.Fatal("bundle lacks the tokens or our styles")
	}
	if bytes.Contains(css, []byte("/* ")) {
		t.Error("plain comments left in the bundle")
	}
	req := httptest.NewRequest("GET", u, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	a.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Encoding") != "gzip" || !strings.Contains(rec.Header().Get("Cache-Control"), "immutable") {
		t.Fatalf("gzip response: %d %v", rec.Code, rec.Header())
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !bytes.Equal(plain, css) {
		t.Error("gzip body differs from the bundle")
	}
	rec = httptest.NewRecorder()
	a.ServeHTTP(rec, httptest.NewRequest("GET", "/static/oldhash/kuulu.css", nil))
	if rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != "no-cache" {
		t.Errorf("stale hash: %d %q", rec.Code, rec.Header().Get("Cache-Control"))
	}
	rec = httptest.NewRecorder()
	a.ServeHTTP(rec, httptest.NewRequest("GET", "/static/x/nope.css", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("missing file: %d", rec.Code)
	}
	t.Logf("stylesheet: %d bytes, %d gzipped", len(css), len(a.gz["kuulu.css"]))
}
