package store

import (
	"context"
	"testing"
	"time"

	"kuulu/internal/domain"
)

func TestMigrateFromZeroAndAgain(t *testing.T) {
	for name, u := range TestDatabases(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db, err := Open(ctx, Config{URL: u})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ms, err := Migrations()
			if err != nil {
				t.Fatal(err)
			}
			n, err := db.Migrate(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n != len(ms) {
				t.Fatalf("applied %d migrations, want %d", n, len(ms))
			}
			v, err := db.SchemaVersion(ctx)
			if err != nil || v != ms[len(ms)-1].Version {
				t.Fatalf("schema version %d, %v; want %d", v, err, ms[len(ms)-1].Version)
			}
			n, err = db.Migrate(ctx)
			if err != nil || n != 0 {
				t.Fatalf("second migrate applied %d, %v; want 0, nil", n, err)
			}
		})
	}
}

// TestTimesRoundTrip checks the one time representation per database: UTC,
// microseconds, ordered correctly when compared in SQL.
func TestTimesRoundTrip(t *testing.T) {
	EachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		t1 := time.Date(2026, 3, 1, 12, 0, 0, 500000000, time.UTC)
		t2 := t1.Add(1500 * time.Millisecond).Add(7 * time.Microsecond)
		err := db.Write(ctx, func(tx *Tx) error {
			for i, at := range []time.Time{t2, t1} {
				if _, err := tx.Exec(ctx, "INSERT INTO pages (slug, lang, title, body, updated_at) VALUES (?, ?, ?, ?, ?)",
					"p", []string{"fi", "sv"}[i], "t", "b", at.In(time.FixedZone("EET", 7200))); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var got []time.Time
		err = db.Read(ctx, func(tx *Tx) error {
			rows, err := tx.Query(ctx, "SELECT updated_at FROM pages WHERE updated_at > ? ORDER BY updated_at", t1.Add(-time.Microsecond))
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var at time.Time
				if err := rows.Scan(&at); err != nil {
					return err
				}
				got = append(got, at)
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || !got[0].Equal(t1) || !got[1].Equal(t2) {
			t.Fatalf("got %v, want [%v %v]", got, t1, t2)
		}
	})
}

func TestUniqueViolationIsConflict(t *testing.T) {
	EachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		ins := func() error {
			return db.Write(ctx, func(tx *Tx) error {
				_, err := tx.Exec(ctx, "INSERT INTO pages (slug, lang, title, body, updated_at) VALUES ('x', 'fi', 't', 'b', ?)", db.Now())
				return err
			})
		}
		if err := ins(); err != nil {
			t.Fatal(err)
		}
		if err := ins(); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("second insert: %v, want conflict", err)
		}
	})
}
