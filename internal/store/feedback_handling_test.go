package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"kuulu/internal/domain"
	"kuulu/internal/feedback"
	"kuulu/internal/org"
)

func TestFeedbackHandlingContract(t *testing.T) {
	EachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
		var a, b org.Unit
		var sup, staff, other, outsider org.Person
		err := db.Write(ctx, func(tx *Tx) error {
			area := org.ServiceArea{Slug: "alue", Name: domain.Text{FI: "Alue"}}
			if err := tx.SaveServiceArea(ctx, &area); err != nil {
				return err
			}
			a = org.Unit{ServiceAreaID: area.ID, Slug: "a", Name: domain.Text{FI: "A"}, Municipality: "Kajaani", Active: true}
			b = org.Unit{ServiceAreaID: area.ID, Slug: "b", Name: domain.Text{FI: "B"}, Municipality: "Kajaani", Active: true}
			if err := tx.SaveUnit(ctx, &a); err != nil {
				return err
			}
			if err := tx.SaveUnit(ctx, &b); err != nil {
				return err
			}
			sup = org.Person{Email: "sup@x.fi", Name: "Sanna Esihenkilö", Active: true, Lang: "fi", Grants: []org.Grant{{Role: domain.RoleSupervisor, UnitID: a.ID}}}
			staff = org.Person{Email: "staff@x.fi", Name: "Aino Hoitaja", Active: true, Lang: "fi", UnitID: a.ID, Grants: []org.Grant{{Role: domain.RoleStaff}}}
			other = org.Person{Email: "other@x.fi", Name: "Bertta Muualta", Active: true, Lang: "fi", UnitID: b.ID, Grants: []org.Grant{{Role: domain.RoleStaff}}}
			outsider = org.Person{Email: "old@x.fi", Name: "Entinen", Active: false, Lang: "fi", UnitID: a.ID, Grants: []org.Grant{{Role: domain.RoleStaff}}}
			for _, p := range []*org.Person{&sup, &staff, &other, &outsider} {
				if err := tx.SavePerson(ctx, p); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		codes := seqCodes()
		add := func(unit int64, at time.Time, mod func(*feedback.Item)) feedback.Item {
			t.Helper()
			it := feedback.New(feedback.Submission{UnitID: unit, Channel: feedback.ChannelWeb, Kind: feedback.KindIdea, Text: "x"}, at, feedback.DefaultSettings())
			if mod != nil {
				mod(&it)
			}
			err := db.Write(ctx, func(tx *Tx) error {
				if err := tx.InsertFeedback(ctx, &it, feedback.Contact{}, codes); err != nil {
					return err
				}
				return tx.UpdateFeedback(ctx, &it)
			})
			if err != nil {
				t.Fatal(err)
			}
			return it
		}
		a1 := add(a.ID, now.AddDate(0, 0, -40), nil)                                                             // overdue 26 days
		a2 := add(a.ID, now.AddDate(0, 0, -20), func(it *feedback.Item) { it.Status = feedback.StatusAnswered }) // answered: not overdue
		a3 := add(a.ID, now.AddDate(0, 0, -1), nil)
		b1 := add(b.ID, now.AddDate(0, 0, -30), func(it *feedback.Item) { it.HandlerID = staff.ID }) // overdue 16 days, assigned to staff
		b2 := add(b.ID, now.AddDate(0, 0, -2), func(it *feedback.Item) { it.RecordedBy = staff.ID; it.Channel = feedback.ChannelStaff })
		b3 := add(b.ID, now.AddDate(0, 0, -3), nil)
		ids := func(items []feedback.Item) []int64 {
			var out []int64
			for _, it := range items {
				out = append(out, it.ID)
			}
			return out
		}
		err = db.Read(ctx, func(tx *Tx) error {
			for _, tc := range []struct {
				name  string
				scope InboxScope
				f     FeedbackFilter
				want  []int64
			}{
				{"all", InboxScope{All: true}, FeedbackFilter{}, []int64{a3.ID, b2.ID, b3.ID, a2.ID, b1.ID, a1.ID}},
				{"nothing", InboxScope{}, FeedbackFilter{}, nil},
				{"unit a", InboxScope{UnitIDs: []int64{a.ID}}, FeedbackFilter{}, []int64{a3.ID, a2.ID, a1.ID}},
				{"staff: assigned or recorded", InboxScope{PersonID: staff.ID}, FeedbackFilter{}, []int64{b2.ID, b1.ID}},
				{"unit a or staff's", InboxScope{UnitIDs: []int64{a.ID}, PersonID: staff.ID}, FeedbackFilter{}, []int64{a3.ID, b2.ID, a2.ID, b1.ID, a1.ID}},
				{"staff's, narrowed to unit b", InboxScope{PersonID: staff.ID}, FeedbackFilter{UnitIDs: []int64{b.ID}}, []int64{b2.ID, b1.ID}},
				{"overdue", InboxScope{All: true}, FeedbackFilter{Overdue: true, Now: now}, []int64{b1.ID, a1.ID}},
				{"channel staff", InboxScope{All: true}, FeedbackFilter{Channel: feedback.ChannelStaff}, []int64{b2.ID}},
				{"page 2", InboxScope{All: true}, FeedbackFilter{Limit: 4, Offset: 4}, []int64{b1.ID, a1.ID}},
			} {
				got, total, err := tx.InboxList(ctx, tc.scope, tc.f)
				if err != nil {
					return err
				}
				if !slices.Equal(ids(got), tc.want) {
					t.Errorf("%s: %v, want %v", tc.name, ids(got), tc.want)
				}
				if tc.f.Limit == 0 && total != len(tc.want) {
					t.Errorf("%s: total %d", tc.name, total)
				}
			}
			counts, overdue, err := tx.InboxCounts(ctx, InboxScope{UnitIDs: []int64{a.ID}, PersonID: staff.ID}, nil, now)
			if err != nil {
				return err
			}
			if counts[feedback.StatusReceived] != 4 || counts[feedback.StatusAnswered] != 1 || overdue != 2 {
				t.Errorf("counts %v overdue %d", counts, overdue)
			}
			if counts, overdue, _ = tx.InboxCounts(ctx, InboxScope{All: true}, []int64{b.ID}, now); counts[feedback.StatusReceived] != 3 || overdue != 1 {
				t.Errorf("unit b counts %v overdue %d", counts, overdue)
			}
			most, total, err := tx.OverdueFeedback(ctx, now, false, 10, 0)
			if err != nil || total != 2 || !slices.Equal(ids(most), []int64{a1.ID, b1.ID}) {
				t.Errorf("overdue, most first: %v %d %v", ids(most), total, err)
			}
			least, _, _ := tx.OverdueFeedback(ctx, now, true, 10, 0)
			if !slices.Equal(ids(least), []int64{b1.ID, a1.ID}) {
				t.Errorf("overdue, least first: %v", ids(least))
			}
			hs, err := tx.UnitHandlers(ctx, a.ID)
			if err != nil {
				return err
			}
			var names []string
			for _, p := range hs {
				names = append(names, p.Name)
			}
			if !slices.Equal(names, []string{"Aino Hoitaja", "Sanna Esihenkilö"}) || !hs[1].Has(domain.RoleSupervisor) {
				t.Errorf("handlers of a: %v", names)
			}
			pn, err := tx.PeopleNames(ctx, []int64{sup.ID, 0, staff.ID, sup.ID, 999999})
			if err != nil || len(pn) != 2 || pn[sup.ID] != sup.Name {
				t.Errorf("names %v %v", pn, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// FeedbackForUpdate reads (and on PostgreSQL locks) one item.
		err = db.Write(ctx, func(tx *Tx) error {
			it, err := tx.FeedbackForUpdate(ctx, b1.ID)
			if err != nil || it.HandlerID != staff.ID {
				t.Errorf("for update: %+v %v", it, err)
			}
			_, err = tx.FeedbackForUpdate(ctx, 999999)
			if !domain.IsNotFound(err) {
				t.Errorf("missing item: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestReplyTemplatesContract(t *testing.T) {
	EachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u := testUnit(t, db)
		bad := ReplyTemplate{Title: " ", Body: "", Lang: "xx"}
		if e := domain.AsError(bad.Validate()); e == nil || len(e.Fields) != 3 {
			t.Errorf("validate: %v", bad.Validate())
		}
		own := ReplyTemplate{UnitID: u.ID, Title: " Kiitos ", Body: "Kiitos palautteesta.", Lang: "fi"}
		county := ReplyTemplate{Title: "Anteeksi", Body: "Pahoittelemme.", Lang: "sv"}
		err := db.Write(ctx, func(tx *Tx) error {
			for _, t := range []*ReplyTemplate{&own, &county} {
				if err := t.Validate(); err != nil {
					return err
				}
				if err := tx.SaveReplyTemplate(ctx, t); err != nil {
					return err
				}
			}
			own.Body = "Kiitos, kun kerroit."
			return tx.SaveReplyTemplate(ctx, &own)
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Read(ctx, func(tx *Tx) error {
			got, err := tx.ReplyTemplateByID(ctx, own.ID)
			if err != nil || got.Title != "Kiitos" || got.Body != "Kiitos, kun kerroit." || got.UnitID != u.ID {
				t.Errorf("template: %+v %v", got, err)
			}
			for _, tc := range []struct {
				units  []int64
				county bool
				want   int
			}{{nil, true, 2}, {nil, false, 1}, {[]int64{u.ID}, false, 1}, {[]int64{}, true, 1}, {[]int64{}, false, 0}, {[]int64{999}, true, 1}} {
				ts, err := tx.ReplyTemplates(ctx, tc.units, tc.county)
				if err != nil || len(ts) != tc.want {
					t.Errorf("ReplyTemplates(%v, %v) = %d, want %d (%v)", tc.units, tc.county, len(ts), tc.want, err)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Write(ctx, func(tx *Tx) error { return tx.DeleteReplyTemplate(ctx, own.ID) }); err != nil {
			t.Fatal(err)
		}
		err = db.Write(ctx, func(tx *Tx) error { return tx.DeleteReplyTemplate(ctx, own.ID) })
		if !domain.IsNotFound(err) {
			t.Errorf("delete twice: %v", err)
		}
	})
}
