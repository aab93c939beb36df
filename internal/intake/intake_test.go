package intake

import (
	"context"
	"strings"
	"sync"
	"testing"

	"kuulu/internal/domain"
	"kuulu/internal/feedback"
	"kuulu/internal/i18n"
	"kuulu/internal/org"
	"kuulu/internal/store"
	"kuulu/internal/trackcode"
)

func setup(t *testing.T, db *store.DB) (*Intake, org.Unit, org.Unit) {
	ctx := context.Background()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	var active, closed org.Unit
	err = db.Write(ctx, func(tx *store.Tx) error {
		a := org.ServiceArea{Slug: "terveys", Name: domain.Text{FI: "Terveys"}}
		if err := tx.SaveServiceArea(ctx, &a); err != nil {
			return err
		}
		active = org.Unit{ServiceAreaID: a.ID, Slug: "auki", Name: domain.Text{FI: "Auki"}, Municipality: "Kajaani", Active: true}
		closed = org.Unit{ServiceAreaID: a.ID, Slug: "kiinni", Name: domain.Text{FI: "Kiinni"}, Municipality: "Kajaani"}
		if err := tx.SaveUnit(ctx, &active); err != nil {
			return err
		}
		return tx.SaveUnit(ctx, &closed)
	})
	if err != nil {
		t.Fatal(err)
	}
	return &Intake{DB: db, Cat: cat, BaseURL: "https://kuulu.example"}, active, closed
}

func TestSubmit(t *testing.T) {
	store.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		in, unit, closedUnit := setup(t, db)
		it, err := in.Submit(ctx, feedback.Submission{UnitID: unit.ID, Channel: feedback.ChannelWeb, Kind: feedback.KindIdea,
			Text: "Ajanvaraus puhelimessa on hidas", Lang: "sv", Contact: feedback.Contact{Email: "a@b.fi", Phone: "040 123 4567"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := trackcode.Parse(it.Code); err != nil || it.ID == 0 {
			t.Fatalf("code %q: %v", it.Code, err)
		}
		var n int
		var body string
		db.Read(ctx, func(tx *store.Tx) error {
			tx.QueryRow(ctx, "SELECT COUNT(*) FROM messages WHERE feedback_id = ?", it.ID).Scan(&n)
			return tx.QueryRow(ctx, "SELECT body FROM messages WHERE channel = 'email'").Scan(&body)
		})
		if n != 2 || !strings.Contains(body, "Tack för din respons") || !strings.Contains(body, "https://kuulu.example/t/"+it.Code) {
			t.Errorf("receipts: %d %q", n, body)
		}
		_, err = in.Submit(ctx, feedback.Submission{UnitID: closedUnit.ID, Kind: feedback.KindIdea, Text: "x"})
		if e := domain.AsError(err); e == nil || e.Fields["unit"].Key != "err.feedback.unit" {
			t.Errorf("inactive unit: %v", err)
		}
		_, err = in.Submit(ctx, feedback.Submission{UnitID: 999999, Kind: feedback.KindIdea, Text: "x"})
		if e := domain.AsError(err); e == nil || e.Fields["unit"].Key != "err.feedback.unit" {
			t.Errorf("unknown unit: %v", err)
		}
		_, err = in.Submit(ctx, feedback.Submission{UnitID: unit.ID, Kind: feedback.KindIdea})
		if e := domain.AsError(err); e == nil || e.Fields["text"].Key == "" {
			t.Errorf("empty: %v", err)
		}
		var count int
		db.Read(ctx, func(tx *store.Tx) error { return tx.QueryRow(ctx, "SELECT COUNT(*) FROM feedback").Scan(&count) })
		if count != 1 {
			t.Errorf("%d items stored, want 1 (nothing half-saved)", count)
		}
	})
}

func TestSubmitConcurrent(t *testing.T) {
	store.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		in, unit, _ := setup(t, db)
		var wg sync.WaitGroup
		codes := make([]string, 100)
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				it, err := in.Submit(ctx, feedback.Submission{UnitID: unit.ID, Channel: feedback.ChannelWeb, Kind: feedback.KindPraise, Text: "Kiitos"})
				if err != nil {
					t.Error(err)
				}
				codes[i] = it.Code
			}()
		}
		wg.Wait()
		seen := map[string]bool{}
		for _, c := range codes {
			if seen[c] {
				t.Fatalf("duplicate code %s", c)
			}
			seen[c] = true
		}
	})
}

// TestSubmitFor: the caller's unit is trusted only when it is the active
// unit the submission names; otherwise the unit is looked up as by Submit.
func TestSubmitFor(t *testing.T) {
	store.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		in, unit, closedUnit := setup(t, db)
		sub := feedback.Submission{UnitID: unit.ID, Channel: feedback.ChannelWeb, Kind: feedback.KindPraise, Text: "Kiitos", Lang: "fi"}
		it, err := in.SubmitFor(ctx, sub, unit)
		if err != nil || it.ID == 0 || it.UnitID != unit.ID {
			t.Fatalf("item %+v, %v", it, err)
		}
		// The form of an active unit names another, inactive unit: looked
		// up, refused as a field error.
		sub.UnitID = closedUnit.ID
		_, err = in.SubmitFor(ctx, sub, unit)
		if e := domain.AsError(err); e == nil || e.Fields["unit"].Key != "err.feedback.unit" {
			t.Fatalf("inactive unit chosen on an active unit's form: %v", err)
		}
		// A caller's unit that is not active is not trusted either.
		_, err = in.SubmitFor(ctx, sub, closedUnit)
		if e := domain.AsError(err); e == nil || e.Fields["unit"].Key != "err.feedback.unit" {
			t.Fatalf("inactive unit: %v", err)
		}
		// Another active unit than the caller's: looked up, stored there.
		var other org.Unit
		if err := db.Write(ctx, func(tx *store.Tx) error {
			other = org.Unit{ServiceAreaID: unit.ServiceAreaID, Slug: "toinen", Name: domain.Text{FI: "Toinen"}, Municipality: "Sotkamo", Active: true}
			return tx.SaveUnit(ctx, &other)
		}); err != nil {
			t.Fatal(err)
		}
		sub.UnitID = other.ID
		it, err = in.SubmitFor(ctx, sub, unit)
		if err != nil || it.UnitID != other.ID {
			t.Fatalf("item %+v, %v", it, err)
		}
	})
}
