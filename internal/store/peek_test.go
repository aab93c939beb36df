package store

import (
	"context"
	"errors"
	"strings"
	"testing"

	"kuulu/internal/domain"
)

// TestPeekAndHotStatements: Peek reads committed state without a
// transaction, the same before and after the lookups are prepared
// (PrepareFeedback), and prepared statements are used inside read and
// write transactions alike.
func TestPeekAndHotStatements(t *testing.T) {
	EachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u := testUnit(t, db)
		for _, prepared := range []bool{false, true} {
			if prepared {
				if err := db.PrepareFeedback(ctx); err != nil {
					t.Fatal(err)
				}
			}
			err := db.Peek(ctx, func(tx *Tx) error {
				got, err := tx.UnitBySlug(ctx, "asema")
				if err != nil {
					return err
				}
				if got.ID != u.ID || !strings.HasPrefix(got.Name.FI, "Asema") {
					t.Errorf("prepared %v: unit %+v", prepared, got)
				}
				if _, err := tx.Unit(ctx, u.ID); err != nil {
					return err
				}
				if _, err := tx.UnitBySlug(ctx, "ei-ole"); !domain.IsNotFound(err) {
					t.Errorf("prepared %v: unknown slug: %v", prepared, err)
				}
				s, err := tx.FeedbackSettings(ctx)
				if err == nil && s.ReplyDays != 14 {
					t.Errorf("prepared %v: reply days %d", prepared, s.ReplyDays)
				}
				return err
			})
			if err != nil {
				t.Fatalf("prepared %v: %v", prepared, err)
			}
			// A change committed in a write transaction is what the next
			// Peek sees.
			name := "Asema " + map[bool]string{false: "1", true: "2"}[prepared]
			if err := db.Write(ctx, func(tx *Tx) error {
				v, err := tx.Unit(ctx, u.ID) // unprepared: the lookups are prepared on the read pool
				if err != nil {
					return err
				}
				v.Name.FI = name
				return tx.SaveUnit(ctx, &v)
			}); err != nil {
				t.Fatal(err)
			}
			if err := db.Peek(ctx, func(tx *Tx) error {
				got, err := tx.UnitBySlug(ctx, "asema")
				if err == nil && got.Name.FI != name {
					t.Errorf("prepared %v: Peek read %q after the commit of %q", prepared, got.Name.FI, name)
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
			// A rolled-back change is never seen.
			boom := errors.New("boom")
			if err := db.Write(ctx, func(tx *Tx) error {
				v, _ := tx.Unit(ctx, u.ID)
				v.Name.FI = "rolled back"
				if err := tx.SaveUnit(ctx, &v); err != nil {
					return err
				}
				return boom
			}); !errors.Is(err, boom) {
				t.Fatal(err)
			}
			if err := db.Read(ctx, func(tx *Tx) error {
				got, err := tx.Unit(ctx, u.ID)
				if err == nil && got.Name.FI != name {
					t.Errorf("prepared %v: read %q, want %q", prepared, got.Name.FI, name)
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestReadIsOneSnapshot: every statement of a Read sees the same state,
// even when a write commits between them (REPEATABLE READ on PostgreSQL,
// a WAL read transaction on SQLite).
func TestReadIsOneSnapshot(t *testing.T) {
	EachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		count := func(tx *Tx) int {
			var n int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM settings WHERE key LIKE 'snap%'").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		err := db.Read(ctx, func(tx *Tx) error {
			before := count(tx)
			if err := db.Write(ctx, func(w *Tx) error { return w.SetSetting(ctx, "snap.1", "x") }); err != nil {
				return err
			}
			if after := count(tx); after != before {
				t.Errorf("a Read saw a commit made while it ran: %d rows, then %d", before, after)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Read(ctx, func(tx *Tx) error {
			if n := count(tx); n != 1 {
				t.Errorf("the next Read sees %d rows, want 1", n)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	})
}
