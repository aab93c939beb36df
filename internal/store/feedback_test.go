package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"kuulu/internal/domain"
	"kuulu/internal/feedback"
	"kuulu/internal/org"
)

func testUnit(t *testing.T, db *DB) org.Unit {
	t.Helper()
	ctx := context.Background()
	var u org.Unit
	err := db.Write(ctx, func(tx *Tx) error {
		a := org.ServiceArea{Slug: "terveys", Name: domain.Text{FI: "Terveys"}}
		if err := tx.SaveServiceArea(ctx, &a); err != nil {
			return err
		}
		u = org.Unit{ServiceAreaID: a.ID, Slug: "asema", Name: domain.Text{FI: "Asema"}, Municipality: "Kajaani", Active: true}
		return tx.SaveUnit(ctx, &u)
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func seqCodes() func() (string, error) {
	n := 0
	return func() (string, error) { n++; return fmt.Sprintf("CODE%07d", n), nil }
}

func TestFeedbackContract(t *testing.T) {
	EachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u := testUnit(t, db)
		now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
		score := 9
		sub := feedback.Submission{UnitID: u.ID, Channel: feedback.ChannelWeb, Kind: feedback.KindCriticism, Score: &score,
			Text: "Soittakaa 040 123 4567, hetu 131052-308T", Contact: feedback.Contact{Email: "anna@example.fi"}, Lang: "fi"}
		if err := sub.Validate(); err != nil {
			t.Fatal(err)
		}
		it := feedback.New(sub, now, feedback.DefaultSettings())
		codes := seqCodes()
		if err := db.Write(ctx, func(tx *Tx) error { return tx.InsertFeedback(ctx, &it, sub.Contact, codes) }); err != nil {
			t.Fatal(err)
		}
		// A second item whose first code collides gets the next code.
		it2 := feedback.New(sub, now.Add(time.Hour), feedback.DefaultSettings())
		colliding := func() func() (string, error) {
			calls := 0
			return func() (string, error) {
				calls++
				if calls == 1 {
					return it.Code, nil
				}
				return "OTHERCODE01", nil
			}
		}()
		if err := db.Write(ctx, func(tx *Tx) error { return tx.InsertFeedback(ctx, &it2, feedback.Contact{}, colliding) }); err != nil {
			t.Fatal(err)
		}
		if it2.Code != "OTHERCODE01" {
			t.Fatalf("code after collision = %q", it2.Code)
		}
		var got feedback.Item
		var original string
		var contact feedback.Contact
		var events []feedback.Event
		err := db.Read(ctx, func(tx *Tx) error {
			var err error
			if got, err = tx.FeedbackByCode(ctx, it.Code); err != nil {
				return err
			}
			if original, err = tx.FeedbackOriginal(ctx, it.ID); err != nil {
				return err
			}
			if contact, err = tx.FeedbackContact(ctx, it.ID); err != nil {
				return err
			}
			events, err = tx.FeedbackEvents(ctx, it.ID, true)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if got.Original != "" || got.Masked != "Soittakaa [PUH], hetu [HETU]" || got.MaskCount != 2 || *got.Score != 9 || !got.WantsReply {
			t.Errorf("item = %+v", got)
		}
		if original != sub.Text || contact.Email != "anna@example.fi" || len(events) != 1 || events[0].Kind != feedback.EventReceived {
			t.Errorf("original %q contact %+v events %+v", original, contact, events)
		}
		if !got.DueAt.Equal(now.AddDate(0, 0, 14)) {
			t.Errorf("due = %v", got.DueAt)
		}
		// Handling: answer and close, then retention deletes contacts and items.
		a := now.Add(48 * time.Hour)
		got.Status, got.Reply, got.AnsweredAt = feedback.StatusAnswered, "Kiitos", &a
		if err := db.Write(ctx, func(tx *Tx) error { return tx.UpdateFeedback(ctx, &got) }); err != nil {
			t.Fatal(err)
		}
		var list []feedback.Item
		var total int
		db.Read(ctx, func(tx *Tx) error {
			list, total, err = tx.ListFeedback(ctx, FeedbackFilter{UnitIDs: []int64{u.ID}, Statuses: []feedback.Status{feedback.StatusReceived}})
			return err
		})
		if total != 1 || list[0].ID != it2.ID {
			t.Errorf("received list = %d %+v", total, list)
		}
		db.Read(ctx, func(tx *Tx) error {
			list, total, err = tx.ListFeedback(ctx, FeedbackFilter{Overdue: true, Now: now.AddDate(0, 0, 20)})
			return err
		})
		if total != 1 || list[0].ID != it2.ID {
			t.Errorf("overdue list = %d", total)
		}
		c := now.Add(72 * time.Hour)
		got.Status, got.ClosedAt = feedback.StatusClosed, &c
		db.Write(ctx, func(tx *Tx) error { return tx.UpdateFeedback(ctx, &got) })
		var n int64
		db.Write(ctx, func(tx *Tx) error { n, err = tx.DeleteContactsClosedBefore(ctx, c.Add(time.Second)); return err })
		db.Read(ctx, func(tx *Tx) error { contact, err = tx.FeedbackContact(ctx, it.ID); return err })
		if n != 1 || !contact.Empty() {
			t.Errorf("contact retention: %d %+v", n, contact)
		}
		var ids []int64
		db.Write(ctx, func(tx *Tx) error { ids, err = tx.DeleteFeedbackClosedBefore(ctx, c.Add(time.Second), 100); return err })
		if len(ids) != 1 || ids[0] != it.ID {
			t.Errorf("retention deleted %v", ids)
		}
		if err := db.Read(ctx, func(tx *Tx) error { _, err := tx.Feedback(ctx, it.ID); return err }); !domain.IsNotFound(err) {
			t.Errorf("deleted item still there: %v", err)
		}
	})
}

// TestWriteBatched checks group commit: concurrent writers all commit, and a
// failing writer rolls back only its own work.
func TestWriteBatched(t *testing.T) {
	EachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make([]error, 200)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = db.WriteBatched(ctx, func(tx *Tx) error {
					if _, err := tx.Exec(ctx, "INSERT INTO settings (key, value, updated_at) VALUES (?, 'v', ?)", fmt.Sprint("k", i), tx.Now()); err != nil {
						return err
					}
					if i%10 == 0 {
						return errors.New("fail on purpose")
					}
					return nil
				})
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if (i%10 == 0) != (err != nil) {
				t.Fatalf("writer %d: %v", i, err)
			}
		}
		var n int
		db.Read(ctx, func(tx *Tx) error { return tx.QueryRow(ctx, "SELECT COUNT(*) FROM settings").Scan(&n) })
		if n != 180 {
			t.Fatalf("%d rows committed, want 180", n)
		}
	})
}

// TestWriteBatchedIsolation: a write that breaks the shared transaction
// itself (here by releasing the batch's savepoint, as a deadlock would
// abort it on PostgreSQL) fails alone; the writes that shared its batch are
// run again on their own and committed exactly once.
func TestWriteBatchedIsolation(t *testing.T) {
	EachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make([]error, 60)
		for i := range errs {
			wg.Go(func() {
				errs[i] = db.WriteBatched(ctx, func(tx *Tx) error {
					if i%20 == 7 {
						if _, err := tx.Exec(ctx, "RELEASE kuulu_batch"); err != nil {
							return err
						}
						return errors.New("sabotage")
					}
					_, err := tx.Exec(ctx, "INSERT INTO settings (key, value, updated_at) VALUES (?, 'v', ?)", fmt.Sprint("iso", i), tx.Now())
					return err
				})
			})
		}
		wg.Wait()
		for i, err := range errs {
			if (i%20 == 7) != (err != nil) {
				t.Errorf("writer %d: %v", i, err)
			}
		}
		var n int
		db.Read(ctx, func(tx *Tx) error {
			return tx.QueryRow(ctx, "SELECT COUNT(*) FROM settings WHERE key LIKE 'iso%'").Scan(&n)
		})
		if n != 57 {
			t.Fatalf("%d rows committed, want 57", n)
		}
	})
}
