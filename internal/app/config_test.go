package app

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadConfigDefaultsEnvAndFlags(t *testing.T) {
	env := map[string]string{}
	get := func(k string) string { return env[k] }
	c, err := LoadConfig(nil, get, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DatabaseURL != "kuulu.db" || !c.Demo || c.BaseURL != "http://127.0.0.1:8080" || c.ShutdownTimeout != 20*time.Second {
		t.Errorf("defaults = %+v", c)
	}
	env["KUULU_DATABASE_URL"] = "postgres://x@localhost/db"
	env["KUULU_ADDR"] = "0.0.0.0:9000"
	env["KUULU_BASE_URL"] = "https://kuulu.example.fi/"
	c, err = LoadConfig([]string{"-addr", "127.0.0.1:9999"}, get, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Demo || c.Addr != "127.0.0.1:9999" || c.BaseURL != "https://kuulu.example.fi" {
		t.Errorf("postgres without KUULU_DEMO, flag over env: %+v", c)
	}
	env["KUULU_DEMO"] = "maybe"
	if _, err := LoadConfig(nil, get, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "KUULU_DEMO") {
		t.Errorf("bad KUULU_DEMO: %v", err)
	}
	delete(env, "KUULU_DEMO")
	if _, err := LoadConfig([]string{"-nope"}, get, &bytes.Buffer{}); err == nil {
		t.Error("unknown flag accepted")
	}
}

func TestReadmeDocumentsEverySetting(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Settings {
		if !strings.Contains(string(b), "`"+s.Env+"`") || !strings.Contains(string(b), "`-"+s.Flag+"`") {
			t.Errorf("README does not document %s / -%s", s.Env, s.Flag)
		}
	}
}

func TestMigrateAndBackupCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	t.Setenv("KUULU_DATABASE_URL", db)
	var out, errb bytes.Buffer
	if code := Main([]string{"migrate"}, &out, &errb); code != 0 || !strings.Contains(out.String(), "schema version") {
		t.Fatalf("migrate: %d %s %s", code, out.String(), errb.String())
	}
	out.Reset()
	if code := Main([]string{"backup", filepath.Join(dir, "copy.db")}, &out, &errb); code != 0 {
		t.Fatalf("backup: %d %s", code, errb.String())
	}
	if st, err := os.Stat(filepath.Join(dir, "copy.db")); err != nil || st.Size() == 0 {
		t.Fatalf("backup file: %v", err)
	}
	if code := Main([]string{"backup", filepath.Join(dir, "copy.db")}, &out, &errb); code == 0 {
		t.Error("backup over an existing file succeeded")
	}
	if code := Main([]string{"backup"}, &out, &errb); code != 2 {
		t.Errorf("backup without a file: exit %d, want 2", code)
	}
	t.Setenv("KUULU_DATABASE_URL", "postgres://x@127.0.0.1:1/db")
	errb.Reset()
	if code := Main([]string{"backup", "x.dump"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "pg_dump") {
		t.Errorf("backup on postgres: %d %q", code, errb.String())
	}
	if code := Main([]string{"frobnicate"}, &out, &errb); code != 2 {
		t.Errorf("unknown command: exit %d", code)
	}
}
