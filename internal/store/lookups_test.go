package store

import (
	"context"
	"testing"
	"time"

	"kuulu/internal/domain"
)

// TestLookups: what the lookups keep is forgotten by this DB's own commits
// of units and settings (never by a rollback), is re-read after LookupTTL,
// and unknown units are never kept.
func TestLookups(t *testing.T) {
	EachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u := testUnit(t, db)
		db.LookupTTL = time.Hour

		got, err := db.LookUnitBySlug(ctx, "asema")
		if err != nil || got.ID != u.ID {
			t.Fatalf("%+v, %v", got, err)
		}
		if got, err := db.LookUnit(ctx, u.ID); err != nil || got.Slug != "asema" {
			t.Fatalf("%+v, %v", got, err)
		}
		if s, err := db.LookFeedbackSettings(ctx); err != nil || s.ReplyDays != 14 {
			t.Fatalf("%+v, %v", s, err)
		}

		// A change behind the DB's back (as another instance's would be)
		// is not seen while the answers are kept.
		if _, err := db.write.ExecContext(ctx, db.dialect.rebind("UPDATE units SET name_fi = ? WHERE id = ?"), "Muualla muutettu", u.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.LookUnitBySlug(ctx, "asema"); got.Name.FI != "Asema" {
			t.Errorf("kept answer not served: %q", got.Name.FI)
		}

		// A rolled-back change forgets nothing; a committed one forgets
		// everything at once.
		db.Write(ctx, func(tx *Tx) error {
			if err := tx.SetSetting(ctx, "feedback.reply_days", "3"); err != nil {
				return err
			}
			return domain.Errorf(domain.EINVALID, "err.form", "roll back")
		})
		if got, _ := db.LookUnitBySlug(ctx, "asema"); got.Name.FI != "Asema" {
			t.Errorf("a rollback made the lookups forget: %q", got.Name.FI)
		}
		if err := db.Write(ctx, func(tx *Tx) error { return tx.SetSetting(ctx, "feedback.reply_days", "7") }); err != nil {
			t.Fatal(err)
		}
		if s, _ := db.LookFeedbackSettings(ctx); s.ReplyDays != 7 {
			t.Errorf("settings after a commit: reply days %d, want 7", s.ReplyDays)
		}
		if got, _ := db.LookUnitBySlug(ctx, "asema"); got.Name.FI != "Muualla muutettu" {
			t.Errorf("unit after a commit: %q", got.Name.FI)
		}
		// Deactivating the unit through SaveUnit shows at once.
		if err := db.Write(ctx, func(tx *Tx) error {
			v, err := tx.Unit(ctx, u.ID)
			if err != nil {
				return err
			}
			v.Active = false
			return tx.SaveUnit(ctx, &v)
		}); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.LookUnit(ctx, u.ID); got.Active {
			t.Error("deactivated unit still active in the lookups")
		}

		// Unknown units are not kept: one created later is found at once.
		if _, err := db.LookUnitBySlug(ctx, "uusi"); !domain.IsNotFound(err) {
			t.Fatalf("unknown slug: %v", err)
		}
		if _, err := db.write.ExecContext(ctx, db.dialect.rebind(`INSERT INTO units (service_area_id, slug, name_fi, name_sv, name_en, municipality, street_address, postal_code, active, created_at, updated_at)
			VALUES (?, 'uusi', 'Uusi', '', '', 'Kajaani', '', '', ?, ?, ?)`), u.ServiceAreaID, true, time.Now().UTC(), time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		if got, err := db.LookUnitBySlug(ctx, "uusi"); err != nil || got.Name.FI != "Uusi" {
			t.Fatalf("unit created behind the DB's back: %+v, %v", got, err)
		}

		// After the TTL the kept answer is read again.
		db.LookupTTL = time.Millisecond
		if _, err := db.write.ExecContext(ctx, db.dialect.rebind("UPDATE units SET name_fi = ? WHERE slug = 'uusi'"), "Uudempi"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
		if got, _ := db.LookUnitBySlug(ctx, "uusi"); got.Name.FI != "Uudempi" {
			t.Errorf("after the TTL: %q", got.Name.FI)
		}
	})
}
