package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"testing"
)

// TestDatabases returns the database URLs a contract test runs against:
// always a fresh SQLite file, and a fresh PostgreSQL schema when
// KUULU_TEST_POSTGRES_URL is set. Names are "sqlite" and "postgres".
//
// It lives in a non-test file so that every package's tests can use it.
func TestDatabases(t testing.TB) map[string]string {
	t.Helper()
	dbs := map[string]string{"sqlite": filepath.Join(t.TempDir(), "kuulu.db")}
	if base := os.Getenv("KUULU_TEST_POSTGRES_URL"); base != "" {
		dbs["postgres"] = testSchema(t, base)
	} else if os.Getenv("KUULU_REQUIRE_POSTGRES") == "1" {
		t.Fatal("KUULU_REQUIRE_POSTGRES=1 but KUULU_TEST_POSTGRES_URL is not set")
	}
	return dbs
}

// testSchema creates a schema of its own for one test and returns a URL whose
// connections use it, so that tests run in parallel on one database.
func testSchema(t testing.TB, base string) string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		a.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("KUULU_TEST_POSTGRES_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// OpenTest opens and migrates a database for a test and closes it at the end.
func OpenTest(t testing.TB, dbURL string) *DB {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, Config{URL: dbURL, MaxConns: 5})
	if err != nil {
		t.Fatalf("open %s: %v", dbURL, err)
	}
	t.Cleanup(func() { db.Close() })
	db.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}

// EachDB runs fn as a parallel subtest against every test database.
func EachDB(t *testing.T, fn func(t *testing.T, db *DB)) {
	for name, u := range TestDatabases(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fn(t, OpenTest(t, u))
		})
	}
}
