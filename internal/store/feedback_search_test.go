package store

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"kuulu/internal/domain"
	"kuulu/internal/feedback"
	"kuulu/internal/org"
)

// TestFeedbackSearchContract: finding an item by tracking code, and the
// free-text search of the inbox over the masked text, alike on both
// databases.
func TestFeedbackSearchContract(t *testing.T) {
	EachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u := testUnit(t, db)
		var other org.Unit
		err := db.Write(ctx, func(tx *Tx) error {
			other = org.Unit{ServiceAreaID: u.ServiceAreaID, Slug: "toinen", Name: domain.Text{FI: "Toinen"}, Municipality: "Kajaani", Active: true}
			return tx.SaveUnit(ctx, &other)
		})
		if err != nil {
			t.Fatal(err)
		}
		codes := seqCodes()
		at := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
		add := func(unit int64, text string) feedback.Item {
			t.Helper()
			at = at.Add(time.Minute)
			it := feedback.New(feedback.Submission{UnitID: unit, Channel: feedback.ChannelWeb, Kind: feedback.KindCriticism, Text: text, Lang: "fi"}, at, feedback.DefaultSettings())
			if err := db.Write(ctx, func(tx *Tx) error { return tx.InsertFeedback(ctx, &it, feedback.Contact{}, codes) }); err != nil {
				t.Fatal(err)
			}
			return it
		}
		percent := add(u.ID, "Olen 100% tyytyväinen hoitoon")
		hundred := add(u.ID, "Odotin 100 minuuttia")
		underscore := add(u.ID, "Ajanvarauksen tunnus oli ajan_varaus")
		noUnderscore := add(u.ID, "Sivu ajanXvaraus ei auennut")
		backslash := add(u.ID, `Polku C:\temp ei toiminut`)
		umlaut := add(u.ID, "Ärsyttävä odotus, ÖISIN vielä pahempi, ÅBO-tyyliin")
		ascii := add(u.ID, "VASTAANOTTO oli suljettu")
		hetu := add(u.ID, "Minun hetu on 131052-308T ja puhelin 040 123 4567")
		otherUnit := add(other.ID, "Tyytyväinen toisessa yksikössä")
		if hetu.MaskCount == 0 || strings.Contains(hetu.Masked, "131052") || !strings.Contains(hetu.Original, "131052-308T") {
			t.Fatalf("the fixture needs a masked identity code: masked %q", hetu.Masked)
		}

		err = db.Read(ctx, func(tx *Tx) error {
			// By code: the canonical form finds the item; an unknown code
			// is a typed not-found.
			got, err := tx.FeedbackByCode(ctx, umlaut.Code)
			if err != nil || got.ID != umlaut.ID {
				t.Errorf("FeedbackByCode(%s) = %d, %v; want %d", umlaut.Code, got.ID, err, umlaut.ID)
			}
			if got.Original != "" {
				t.Error("FeedbackByCode returns the original text")
			}
			if _, err := tx.FeedbackByCode(ctx, "NOSUCHCODE0"); !domain.IsNotFound(err) {
				t.Errorf("unknown code: %v, want not found", err)
			}

			for _, tc := range []struct {
				name string
				f    FeedbackFilter
				want []feedback.Item // newest first
			}{
				{"percent is literal", FeedbackFilter{Text: "100%"}, []feedback.Item{percent}},
				{"plain prefix of both", FeedbackFilter{Text: "100"}, []feedback.Item{hundred, percent}},
				{"underscore is literal", FeedbackFilter{Text: "ajan_varaus"}, []feedback.Item{underscore}},
				{"backslash is literal", FeedbackFilter{Text: `C:\temp`}, []feedback.Item{backslash}},
				{"only wildcards match nothing", FeedbackFilter{Text: "%_%"}, nil},
				{"ASCII, upper term finds lower text", FeedbackFilter{Text: "ODOTIN"}, []feedback.Item{hundred}},
				{"ASCII, lower term finds upper text", FeedbackFilter{Text: "vastaanotto"}, []feedback.Item{ascii}},
				{"Ä finds ä", FeedbackFilter{Text: "TYYTYVÄINEN"}, []feedback.Item{otherUnit, percent}},
				{"ä finds Ä", FeedbackFilter{Text: "ärsyttävä"}, []feedback.Item{umlaut}},
				{"ö finds Ö", FeedbackFilter{Text: "öisin"}, []feedback.Item{umlaut}},
				{"å finds Å", FeedbackFilter{Text: "åbo"}, []feedback.Item{umlaut}},
				{"mixed case", FeedbackFilter{Text: "ÄrSyTtÄvÄ"}, []feedback.Item{umlaut}},
				{"with the unit filter", FeedbackFilter{Text: "tyytyväinen", UnitIDs: []int64{other.ID}}, []feedback.Item{otherUnit}},
				{"with the status filter", FeedbackFilter{Text: "tyytyväinen", Statuses: []feedback.Status{feedback.StatusClosed}}, nil},
				// The identity code and the phone number are only in
				// body_original; the masked copy has placeholders.
				{"not by the original's identity code", FeedbackFilter{Text: "131052-308T"}, nil},
				{"not by part of it", FeedbackFilter{Text: "131052"}, nil},
				{"not by the original's phone number", FeedbackFilter{Text: "040 123 4567"}, nil},
				{"by the masked text", FeedbackFilter{Text: "minun hetu on"}, []feedback.Item{hetu}},
			} {
				items, total, err := tx.ListFeedback(ctx, tc.f)
				if err != nil {
					t.Errorf("%s: %v", tc.name, err)
					continue
				}
				if got, want := itemIDs(items), itemIDs(tc.want); !slices.Equal(got, want) || total != len(want) {
					t.Errorf("%s: ids %v (total %d), want %v", tc.name, got, total, want)
				}
			}

			// The search holds in an inbox scope and pages with it (every item
			// of unit u has an "i", the other unit's item is out of scope).
			f := FeedbackFilter{Text: "I", Limit: 3}
			scope := InboxScope{UnitIDs: []int64{u.ID}}
			var pages []int64
			for page := 0; ; page++ {
				f.Offset = page * f.Limit
				items, total, err := tx.InboxList(ctx, scope, f)
				if err != nil {
					return err
				}
				if total != 8 {
					t.Errorf("inbox search total = %d, want 8", total)
				}
				if len(items) == 0 {
					break
				}
				pages = append(pages, itemIDs(items)...)
			}
			if want := itemIDs([]feedback.Item{hetu, ascii, umlaut, backslash, noUnderscore, underscore, hundred, percent}); !slices.Equal(pages, want) {
				t.Errorf("inbox search pages = %v, want %v", pages, want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func itemIDs(items []feedback.Item) []int64 {
	var out []int64
	for _, it := range items {
		out = append(out, it.ID)
	}
	return out
}
