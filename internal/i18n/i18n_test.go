package i18n

import (
	"testing"
	"testing/fstest"

	"kuulu/internal/domain"
)

// TestCatalogComplete fails when any key lacks Finnish, Swedish or English.
func TestCatalogComplete(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Keys()) < 50 {
		t.Fatalf("only %d keys loaded", len(c.Keys()))
	}
	for _, p := range c.Problems() {
		t.Error(p)
	}
}

func TestProblemsFindsGaps(t *testing.T) {
	fsys := fstest.MapFS{
		"m/a.json": {Data: []byte(`{"ok": {"fi": "Hei %s", "sv": "Hej %s", "en": "Hi %s"},
			"gap": {"fi": "Vain suomeksi", "sv": ""},
			"verbs": {"fi": "%d kpl", "sv": "st", "en": "%d pcs"}}`)},
	}
	c, err := LoadFS(fsys, "m")
	if err != nil {
		t.Fatal(err)
	}
	got := c.Problems()
	if len(got) != 3 {
		t.Fatalf("problems = %q, want 3 (sv empty, en missing, sv verbs)", got)
	}
	if s := c.T(domain.Swedish, "ok", "Anna"); s != "Hej Anna" {
		t.Errorf("T = %q", s)
	}
	if s := c.T(domain.English, "gap"); s != "Vain suomeksi" {
		t.Errorf("fallback to Finnish = %q", s)
	}
	if s := c.T(domain.English, "nope"); s != "[nope]" {
		t.Errorf("missing key = %q", s)
	}
}

func TestDuplicateKeysAcrossFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"m/a.json": {Data: []byte(`{"k": {"fi": "a", "sv": "a", "en": "a"}}`)},
		"m/b.json": {Data: []byte(`{"k": {"fi": "b", "sv": "b", "en": "b"}}`)},
	}
	if _, err := LoadFS(fsys, "m"); err == nil {
		t.Fatal("duplicate key accepted")
	}
}
