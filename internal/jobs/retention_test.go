package jobs

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"kuulu/internal/domain"
	"kuulu/internal/feedback"
	"kuulu/internal/org"
	"kuulu/internal/store"
)

const day = 24 * time.Hour

// fixture writes feedback items in one unit.
type fixture struct {
	t    *testing.T
	db   *store.DB
	unit int64
	n    int
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	f := &fixture{t: t, db: db}
	ctx := context.Background()
	err := db.Write(ctx, func(tx *store.Tx) error {
		a := org.ServiceArea{Slug: "terveys", Name: domain.Text{FI: "Terveys"}}
		if err := tx.SaveServiceArea(ctx, &a); err != nil {
			return err
		}
		u := org.Unit{ServiceAreaID: a.ID, Slug: "asema", Name: domain.Text{FI: "Asema"}, Municipality: "Kajaani", Active: true}
		err := tx.SaveUnit(ctx, &u)
		f.unit = u.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// item stores an item received a week before end with a contact and moves
// it to status; closed and answered items get end as ClosedAt/AnsweredAt.
func (f *fixture) item(status feedback.Status, end time.Time) int64 {
	f.t.Helper()
	ctx := context.Background()
	sub := feedback.Submission{UnitID: f.unit, Channel: feedback.ChannelWeb, Kind: feedback.KindIdea, Text: "Takaisinsoitto myös iltapäivällä?",
		Contact: feedback.Contact{Email: "anna@example.fi", Phone: "+358401234567"}, Lang: "fi"}
	it := feedback.New(sub, end.Add(-7*day), feedback.DefaultSettings())
	err := f.db.Write(ctx, func(tx *store.Tx) error {
		f.n++
		code := fmt.Sprintf("TESTCODE%03d", f.n)
		if err := tx.InsertFeedback(ctx, &it, sub.Contact, func() (string, error) { return code, nil }); err != nil {
			return err
		}
		it.Status = status
		switch status {
		case feedback.StatusClosed:
			it.ClosedAt = &end
		case feedback.StatusAnswered:
			it.AnsweredAt, it.Reply = &end, "Kiitos, otamme käyttöön."
		}
		if err := tx.UpdateFeedback(ctx, &it); err != nil {
			return err
		}
		return tx.AddFeedbackEvent(ctx, &feedback.Event{FeedbackID: it.ID, At: end, Kind: feedback.EventStatus, Status: status, ActorRole: "supervisor", Public: true})
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return it.ID
}

func (f *fixture) hasContact(id int64) bool {
	f.t.Helper()
	var c feedback.Contact
	err := f.db.Read(context.Background(), func(tx *store.Tx) (err error) {
		c, err = tx.FeedbackContact(context.Background(), id)
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return !c.Empty()
}

func (f *fixture) exists(id int64) bool {
	f.t.Helper()
	err := f.db.Read(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Feedback(context.Background(), id)
		return err
	})
	if err != nil && !domain.IsNotFound(err) {
		f.t.Fatal(err)
	}
	return err == nil
}

func (f *fixture) audit(action string) []store.AuditEntry {
	f.t.Helper()
	var out []store.AuditEntry
	err := f.db.Read(context.Background(), func(tx *store.Tx) (err error) {
		out, err = tx.AuditLog(context.Background(), store.AuditFilter{Action: action})
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

func run(t *testing.T, j Job) string {
	t.Helper()
	res, err := j.Run(context.Background())
	if err != nil {
		t.Fatalf("%s: %v", j.Name, err)
	}
	return res
}

// TestContactRetention: contact details go exactly 90 days after the item
// closed, not before, and only for closed items.
func TestContactRetention(t *testing.T) {
	store.EachDB(t, func(t *testing.T, db *store.DB) {
		clock := &domain.FixedClock{T: t0}
		db.Clock = clock
		f := newFixture(t, db)
		first := f.item(feedback.StatusClosed, t0)
		second := f.item(feedback.StatusClosed, t0.Add(day))
		answered := f.item(feedback.StatusAnswered, t0.Add(-400*day))
		open := f.item(feedback.StatusInHandling, t0.Add(-400*day))
		job := ContactRetention(db)

		clock.T = t0.Add(90 * day) // exactly 90 days: not yet
		run(t, job)
		if !f.hasContact(first) || len(f.audit(ActionDeleteContacts)) != 0 {
			t.Fatal("contact deleted at exactly 90 days, or audited without a deletion")
		}
		clock.T = t0.Add(90*day + time.Microsecond)
		if res := run(t, job); !strings.Contains(res, "1 items") {
			t.Errorf("result %q", res)
		}
		if f.hasContact(first) || !f.hasContact(second) || !f.hasContact(answered) || !f.hasContact(open) {
			t.Errorf("after 90 days: first %v second %v answered %v open %v; want only first deleted",
				f.hasContact(first), f.hasContact(second), f.hasContact(answered), f.hasContact(open))
		}
		if !f.exists(first) {
			t.Error("contact retention deleted the item itself")
		}
		a := f.audit(ActionDeleteContacts)
		if len(a) != 1 || a[0].ActorID != 0 || a[0].ActorName != "" || !strings.Contains(a[0].Detail, fmt.Sprintf("ids: %d", first)) ||
			!strings.Contains(a[0].Detail, "of 1 items") || !strings.Contains(a[0].Detail, "90 days") {
			t.Errorf("audit %+v", a)
		}
		clock.T = t0.Add(91*day + time.Microsecond)
		run(t, job)
		if f.hasContact(second) || len(f.audit(ActionDeleteContacts)) != 2 {
			t.Error("second contact not deleted a day later, or not audited")
		}
		run(t, job) // nothing left: no new audit entry
		if n := len(f.audit(ActionDeleteContacts)); n != 2 {
			t.Errorf("%d audit entries after an empty run", n)
		}

		// The county may shorten the period.
		third := f.item(feedback.StatusClosed, clock.T)
		if err := db.Write(context.Background(), func(tx *store.Tx) error {
			return tx.SetSetting(context.Background(), "feedback.contact_retention_days", "30")
		}); err != nil {
			t.Fatal(err)
		}
		clock.Advance(30*day + time.Second)
		run(t, job)
		if f.hasContact(third) {
			t.Error("a 30-day setting was not followed")
		}
	})
}

// TestFeedbackRetention: closed items go after five years with their
// history and contacts, in audited batches; open and younger items stay.
func TestFeedbackRetention(t *testing.T) {
	store.EachDB(t, func(t *testing.T, db *store.DB) {
		clock := &domain.FixedClock{T: t0}
		db.Clock = clock
		f := newFixture(t, db)
		var old []int64
		for i := range 7 {
			old = append(old, f.item(feedback.StatusClosed, t0.Add(-time.Duration(i)*time.Minute)))
		}
		younger := f.item(feedback.StatusClosed, t0.Add(time.Hour))
		open := f.item(feedback.StatusReceived, t0.Add(-3*365*day))
		job := FeedbackRetention(db, 3)

		// Exactly five years after old[0] closed: old[0] stays, the six that
		// closed minutes earlier go.
		clock.T = t0.Add(5 * 365 * day)
		run(t, job)
		if !f.exists(old[0]) {
			t.Fatal("item deleted at exactly five years")
		}
		for _, id := range old[1:] {
			if f.exists(id) {
				t.Errorf("item %d not deleted five years and minutes after closing", id)
			}
		}
		clock.T = t0.Add(5*365*day + time.Microsecond)
		run(t, job)
		for _, id := range old {
			if f.exists(id) || f.hasContact(id) {
				t.Errorf("item %d (or its contact) not deleted after five years", id)
			}
		}
		if !f.exists(younger) || !f.exists(open) || !f.hasContact(open) {
			t.Error("a younger or open item was deleted")
		}
		var events int
		if err := db.Read(context.Background(), func(tx *store.Tx) error {
			return tx.QueryRow(context.Background(), "SELECT COUNT(*) FROM feedback_events WHERE feedback_id NOT IN (SELECT id FROM feedback)").Scan(&events)
		}); err != nil {
			t.Fatal(err)
		}
		if events != 0 {
			t.Errorf("%d history events of deleted items remain", events)
		}
		a := f.audit(ActionDeleteFeedback)
		deleted := 0
		for _, e := range a {
			var n int
			fmt.Sscanf(e.Detail, "deleted %d items", &n)
			deleted += n
			if e.ActorID != 0 || e.ObjectType != "feedback" || !strings.Contains(e.Detail, "1825 days") {
				t.Errorf("audit entry %+v", e)
			}
		}
		if deleted != len(old) || len(a) < 3 {
			t.Errorf("audit entries %d covering %d items; want batches of 3 covering %d", len(a), deleted, len(old))
		}
		for _, id := range old {
			found := false
			for _, e := range a {
				found = found || strings.Contains(","+strings.SplitN(e.Detail, "ids: ", 2)[1]+",", fmt.Sprintf(",%d,", id))
			}
			if !found {
				t.Errorf("item %d not named in the audit log", id)
			}
		}
		clock.Advance(2 * time.Hour)
		run(t, job)
		if f.exists(younger) || !f.exists(open) {
			t.Error("younger item not deleted an hour later, or open item deleted")
		}
	})
}

// TestHousekeeping: expired sessions go hourly, as the old loop did.
func TestHousekeeping(t *testing.T) {
	store.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := &domain.FixedClock{T: t0}
		db.Clock = clock
		err := db.Write(ctx, func(tx *store.Tx) error {
			p := org.Person{Email: "a@example.fi", Name: "A", Active: true, Grants: []org.Grant{{Role: domain.RoleAdmin}}}
			if err := tx.SavePerson(ctx, &p); err != nil {
				return err
			}
			for i, exp := range []time.Time{t0.Add(-time.Minute), t0.Add(time.Hour)} {
				if err := tx.CreateSession(ctx, store.Session{IDHash: fmt.Sprint("s", i), PersonID: p.ID, CreatedAt: t0, LastSeenAt: t0, ExpiresAt: exp}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if res := run(t, Housekeeping(db)); res != "deleted 1 expired rows" {
			t.Errorf("result %q", res)
		}
		if err := db.Read(ctx, func(tx *store.Tx) error { _, err := tx.Session(ctx, "s1"); return err }); err != nil {
			t.Errorf("live session: %v", err)
		}
	})
}
