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

// messages queues one message per key about feedback item fb (0: none),
// then records the first sent outcomes as sent and the rest up to
// sent+failed as failed for good, at the clock's time; the others stay
// queued, due far in the future. It returns the ids in the order of keys.
func (f *fixture) messages(fb int64, sent, failed int, keys ...string) []int64 {
	f.t.Helper()
	ctx := context.Background()
	var ids []int64
	err := f.db.Write(ctx, func(tx *store.Tx) error {
		var claimed []store.Message
		for i, k := range keys {
			m := store.Message{EventKey: k, Channel: store.ChannelEmail, Recipient: "anna@example.fi", Body: "Vastaus palautteeseesi", FeedbackID: fb}
			if i >= sent+failed {
				m.NextAttemptAt = tx.Now().Add(10000 * day)
			}
			if _, err := tx.EnqueueMessage(ctx, &m); err != nil {
				return err
			}
			ids = append(ids, m.ID)
		}
		claimed, err := tx.ClaimMessages(ctx, 100, time.Minute)
		if err != nil || len(claimed) != sent+failed {
			return fmt.Errorf("claimed %d messages: %v", len(claimed), err)
		}
		for i := range claimed {
			claimed[i].Driver = "outbox"
			if i < sent {
				err = tx.MarkMessageSent(ctx, &claimed[i])
			} else {
				err = tx.MarkMessageFailed(ctx, &claimed[i], "refused", true, store.DefaultRetry)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return ids
}

func (f *fixture) messageExists(id int64) bool {
	f.t.Helper()
	err := f.db.Read(context.Background(), func(tx *store.Tx) error {
		_, err := tx.MessageByID(context.Background(), id)
		return err
	})
	if err != nil && !domain.IsNotFound(err) {
		f.t.Fatal(err)
	}
	return err == nil
}

// TestMessageRetentionJob: sent and failed messages go 30 days after they
// were sent or failed (or after the county's setting), with one audit entry
// per run; queued messages stay at any age.
func TestMessageRetentionJob(t *testing.T) {
	store.EachDB(t, func(t *testing.T, db *store.DB) {
		clock := &domain.FixedClock{T: t0}
		db.Clock = clock
		f := newFixture(t, db)
		old := f.messages(0, 2, 1, "sent:1", "sent:2", "failed:1", "queued:1")
		clock.T = t0.Add(day)
		younger := f.messages(0, 1, 0, "sent:3")
		job := MessageRetention(db)

		clock.T = t0.Add(30 * day) // exactly 30 days: not yet
		if res := run(t, job); res != "deleted 0 messages" || len(f.audit(ActionDeleteMessages)) != 0 {
			t.Fatalf("at exactly 30 days: %q, or audited without a deletion", res)
		}
		clock.T = t0.Add(30*day + time.Microsecond)
		if res := run(t, job); res != "deleted 3 messages" {
			t.Errorf("result %q", res)
		}
		for _, id := range old[:3] {
			if f.messageExists(id) {
				t.Errorf("message %d not deleted after 30 days", id)
			}
		}
		if !f.messageExists(old[3]) || !f.messageExists(younger[0]) {
			t.Error("a queued or younger message was deleted")
		}
		a := f.audit(ActionDeleteMessages)
		if len(a) != 1 || a[0].ActorID != 0 || a[0].ActorName != "" || a[0].ObjectType != "message" ||
			!strings.HasPrefix(a[0].Detail, "deleted 3 messages sent or failed before 2026-01-10T09:00:00Z") || !strings.Contains(a[0].Detail, "30 days") {
			t.Errorf("audit %+v", a)
		}
		run(t, job) // nothing due: no new audit entry
		if n := len(f.audit(ActionDeleteMessages)); n != 1 {
			t.Errorf("%d audit entries after an empty run", n)
		}

		// The county may shorten the period.
		if err := db.Write(context.Background(), func(tx *store.Tx) error {
			return tx.SetSetting(context.Background(), store.SettingMessageRetentionDays, "7")
		}); err != nil {
			t.Fatal(err)
		}
		recent := f.messages(0, 1, 0, "sent:4")
		clock.Advance(7*day + time.Second)
		run(t, job)
		if f.messageExists(recent[0]) || !f.messageExists(old[3]) {
			t.Error("a 7-day setting was not followed, or a queued message went")
		}
		if a := f.audit(ActionDeleteMessages); len(a) != 2 || !strings.Contains(a[0].Detail+a[1].Detail, "7 days") {
			t.Errorf("audit after the 7-day run: %+v", a)
		}
	})
}

// TestContactRetentionDeletesMessages: the item's sent and failed messages
// hold its contact, so they go with it, even when the message retention is
// longer; its queued messages and other items' messages stay.
func TestContactRetentionDeletesMessages(t *testing.T) {
	store.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := &domain.FixedClock{T: t0}
		db.Clock = clock
		f := newFixture(t, db)
		if err := db.Write(ctx, func(tx *store.Tx) error {
			return tx.SetSetting(ctx, store.SettingMessageRetentionDays, "3650")
		}); err != nil {
			t.Fatal(err)
		}
		closed := f.item(feedback.StatusClosed, t0)
		open := f.item(feedback.StatusInHandling, t0)
		ofClosed := f.messages(closed, 1, 1, "receipt:closed", "reply:closed", "late:closed")
		ofOpen := f.messages(open, 1, 0, "receipt:open")
		job := ContactRetention(db)

		clock.T = t0.Add(90*day + time.Microsecond)
		if res := run(t, job); res != "deleted the contact details of 1 items and 2 messages" {
			t.Errorf("result %q", res)
		}
		if f.messageExists(ofClosed[0]) || f.messageExists(ofClosed[1]) || f.hasContact(closed) {
			t.Error("the closed item's contact or its sent or failed messages remain")
		}
		if !f.messageExists(ofClosed[2]) || !f.messageExists(ofOpen[0]) {
			t.Error("a queued message or an open item's message was deleted")
		}
		a := f.audit(ActionDeleteContacts)
		if len(a) != 1 || !strings.Contains(a[0].Detail, "of 1 items") || !strings.Contains(a[0].Detail, "and 2 sent or failed messages") ||
			!strings.HasSuffix(a[0].Detail, fmt.Sprintf("feedback ids: %d", closed)) {
			t.Errorf("audit %+v", a)
		}

		// A message that outlived its item's contact (the queued one, sent
		// after the contact went) goes at the next run.
		clock.T = t0.Add(10000*day + time.Second)
		got := claimAndSend(t, db)
		if len(got) != 1 || got[0] != ofClosed[2] {
			t.Fatalf("sent %v, want the queued message %d", got, ofClosed[2])
		}
		if res := run(t, job); res != "deleted the contact details of 0 items and 1 messages" {
			t.Errorf("second run: %q", res)
		}
		if f.messageExists(ofClosed[2]) || !f.messageExists(ofOpen[0]) {
			t.Error("the late message of the closed item remains, or the open item's went")
		}
		if a := f.audit(ActionDeleteContacts); len(a) != 2 || !strings.Contains(a[0].Detail+a[1].Detail, "of 0 items closed before") {
			t.Errorf("audit after the second run: %+v", a)
		}
	})
}

// claimAndSend claims the due messages and marks them sent; it returns their ids.
func claimAndSend(t *testing.T, db *store.DB) []int64 {
	t.Helper()
	ctx := context.Background()
	var out []int64
	err := db.Write(ctx, func(tx *store.Tx) error {
		ms, err := tx.ClaimMessages(ctx, 100, time.Minute)
		if err != nil {
			return err
		}
		for i := range ms {
			ms[i].Driver = "outbox"
			if err := tx.MarkMessageSent(ctx, &ms[i]); err != nil {
				return err
			}
			out = append(out, ms[i].ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
