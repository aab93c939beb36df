package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"kuulu/internal/domain"
	"kuulu/internal/feedback"
)

func enqueue(t *testing.T, db *DB, m Message) Message {
	t.Helper()
	err := db.Write(context.Background(), func(tx *Tx) error {
		_, err := tx.EnqueueMessage(context.Background(), &m)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func claim(t *testing.T, db *DB, limit int, lease time.Duration) []Message {
	t.Helper()
	var out []Message
	err := db.Write(context.Background(), func(tx *Tx) error {
		var err error
		out, err = tx.ClaimMessages(context.Background(), limit, lease)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func ids(ms []Message) []int64 {
	var out []int64
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

func message(t *testing.T, db *DB, id int64) Message {
	t.Helper()
	var m Message
	if err := db.Read(context.Background(), func(tx *Tx) (err error) { m, err = tx.MessageByID(context.Background(), id); return err }); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestMessageQueueContract walks messages through the queue: enqueue (once
// per event), claim, lease expiry, sent, retried with backoff, failed.
func TestMessageQueueContract(t *testing.T) {
	EachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		clock := &domain.FixedClock{T: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
		db.Clock = clock
		a := enqueue(t, db, Message{EventKey: "receipt:1:email", Channel: ChannelEmail, Recipient: "anna@example.fi", Subject: "Kiitos", Body: "Koodi ABC"})
		b := enqueue(t, db, Message{EventKey: "receipt:1:sms", Channel: ChannelSMS, Recipient: "+358401234567", Body: "Koodi ABC"})
		later := enqueue(t, db, Message{EventKey: "later", Channel: ChannelSMS, Recipient: "+358401234567", Body: "x", NextAttemptAt: clock.T.Add(time.Hour)})
		var fresh bool
		db.Write(ctx, func(tx *Tx) (err error) {
			fresh, err = tx.EnqueueMessage(ctx, &Message{EventKey: "receipt:1:email", Channel: ChannelEmail, Recipient: "other@example.fi", Body: "dup"})
			return err
		})
		if fresh {
			t.Fatal("a second message for one event was queued")
		}

		got := claim(t, db, 10, time.Minute)
		if fmt.Sprint(ids(got)) != fmt.Sprint([]int64{a.ID, b.ID}) {
			t.Fatalf("claimed %v, want the two due messages %d and %d", ids(got), a.ID, b.ID)
		}
		if got[0].Status != MessageSending || got[0].LockedUntil == nil || !got[0].LockedUntil.Equal(clock.T.Add(time.Minute)) || got[0].Body != "Koodi ABC" {
			t.Fatalf("claimed message = %+v", got[0])
		}
		if again := claim(t, db, 10, time.Minute); len(again) != 0 {
			t.Fatalf("leased messages claimed again: %v", ids(again))
		}

		// A worker that stopped without a word: its lease expires and the
		// message is claimed again.
		clock.Advance(2 * time.Minute)
		re := claim(t, db, 10, time.Minute)
		if fmt.Sprint(ids(re)) != fmt.Sprint([]int64{a.ID, b.ID}) {
			t.Fatalf("after lease expiry claimed %v", ids(re))
		}
		// The first worker's lease is gone: its failure does not count.
		got[0].Driver = "smtp"
		err := db.Write(ctx, func(tx *Tx) error { return tx.MarkMessageFailed(ctx, &got[0], "late", false, DefaultRetry) })
		if !IsLeaseLost(err) {
			t.Fatalf("failure under a lost lease: %v", err)
		}

		// Sent: never claimed again.
		re[0].Driver = "smtp"
		if err := db.Write(ctx, func(tx *Tx) error { return tx.MarkMessageSent(ctx, &re[0]) }); err != nil {
			t.Fatal(err)
		}
		if m := message(t, db, a.ID); m.Status != MessageSent || m.SentAt == nil || !m.SentAt.Equal(clock.T) || m.Driver != "smtp" || m.LockedUntil != nil {
			t.Fatalf("sent message = %+v", m)
		}

		// A temporary failure: back to the queue after the backoff.
		re[1].Driver = "http"
		if err := db.Write(ctx, func(tx *Tx) error {
			return tx.MarkMessageFailed(ctx, &re[1], "503 Service Unavailable", false, DefaultRetry)
		}); err != nil {
			t.Fatal(err)
		}
		if m := message(t, db, b.ID); m.Status != MessageQueued || m.Attempts != 1 || !m.NextAttemptAt.Equal(clock.T.Add(30*time.Second)) || m.LastError != "503 Service Unavailable" || m.Driver != "http" {
			t.Fatalf("failed once = %+v", m)
		}
		clock.Advance(29 * time.Second)
		if n := claim(t, db, 10, time.Minute); len(n) != 0 {
			t.Fatalf("claimed before the backoff ended: %v", ids(n))
		}
		clock.Advance(time.Second)
		re = claim(t, db, 10, time.Minute)
		if len(re) != 1 || re[0].ID != b.ID || re[0].Attempts != 1 {
			t.Fatalf("after backoff claimed %+v", re)
		}
		// After max attempts the message fails for good.
		p := RetryPolicy{Base: time.Second, Cap: time.Second, MaxAttempts: 2}
		if err := db.Write(ctx, func(tx *Tx) error { return tx.MarkMessageFailed(ctx, &re[0], "503", false, p) }); err != nil {
			t.Fatal(err)
		}
		if m := message(t, db, b.ID); m.Status != MessageFailed || m.Attempts != 2 {
			t.Fatalf("after max attempts = %+v", m)
		}

		// A permanent failure at once; a late "sent" from a worker whose
		// lease ran out still records the truth.
		clock.Advance(time.Hour)
		re = claim(t, db, 10, time.Minute)
		if len(re) != 1 || re[0].ID != later.ID {
			t.Fatalf("claimed %v, want %d", ids(re), later.ID)
		}
		if err := db.Write(ctx, func(tx *Tx) error { return tx.MarkMessageFailed(ctx, &re[0], "400 bad number", true, DefaultRetry) }); err != nil {
			t.Fatal(err)
		}
		if m := message(t, db, later.ID); m.Status != MessageFailed || m.Attempts != 1 {
			t.Fatalf("permanent failure = %+v", m)
		}
		clock.Advance(24 * time.Hour)
		if n := claim(t, db, 10, time.Minute); len(n) != 0 {
			t.Fatalf("sent or failed messages claimed: %v", ids(n))
		}
		if err := db.Write(ctx, func(tx *Tx) error { return tx.MarkMessageSent(ctx, &re[0]) }); err != nil {
			t.Fatal(err)
		}
		if m := message(t, db, later.ID); m.Status != MessageSent {
			t.Fatalf("late sent = %+v", m)
		}
		var missing Message = Message{ID: 999999, LockedUntil: &clock.T}
		if err := db.Write(ctx, func(tx *Tx) error { return tx.MarkMessageFailed(ctx, &missing, "x", false, DefaultRetry) }); !domain.IsNotFound(err) {
			t.Errorf("unknown message: %v", err)
		}
		if err := db.Read(ctx, func(tx *Tx) error { _, err := tx.MessageByID(ctx, 999999); return err }); !domain.IsNotFound(err) {
			t.Errorf("MessageByID unknown: %v", err)
		}
	})
}

func TestReleaseMessages(t *testing.T) {
	EachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		clock := &domain.FixedClock{T: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
		db.Clock = clock
		for i := range 3 {
			enqueue(t, db, Message{EventKey: fmt.Sprint("r", i), Channel: ChannelEmail, Recipient: "a@example.fi", Body: "x"})
		}
		got := claim(t, db, 3, time.Minute)
		var n int64
		err := db.Write(ctx, func(tx *Tx) (err error) {
			n, err = tx.ReleaseMessages(ctx, ids(got[1:]), *got[0].LockedUntil)
			return err
		})
		if err != nil || n != 2 {
			t.Fatalf("released %d, %v", n, err)
		}
		clock.Advance(time.Second)
		if again := claim(t, db, 3, time.Minute); fmt.Sprint(ids(again)) != fmt.Sprint(ids(got[1:])) {
			t.Fatalf("released messages not claimable: %v", ids(again))
		}
		db.Write(ctx, func(tx *Tx) (err error) {
			n, err = tx.ReleaseMessages(ctx, ids(got[1:]), *got[0].LockedUntil)
			return err
		})
		if n != 0 {
			t.Fatalf("released messages under another worker's lease: %d", n)
		}
	})
}

func TestListAndCountMessages(t *testing.T) {
	EachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		clock := &domain.FixedClock{T: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
		db.Clock = clock
		u := testUnit(t, db)
		fb := messageTestFeedback(t, db, u.ID)
		for i := range 5 {
			ch := ChannelEmail
			if i%2 == 1 {
				ch = ChannelSMS
			}
			m := Message{EventKey: fmt.Sprint("list", i), Channel: ch, Recipient: "a@example.fi", Body: "x"}
			if i < 2 {
				m.FeedbackID = fb
			}
			enqueue(t, db, m)
			clock.Advance(time.Minute)
		}
		got := claim(t, db, 1, time.Minute) // list0 becomes sending
		if len(got) != 1 {
			t.Fatal("nothing claimed")
		}
		var list []Message
		var total int
		var counts map[string]int
		read := func(f MessageFilter) {
			t.Helper()
			err := db.Read(ctx, func(tx *Tx) (err error) {
				if list, total, err = tx.ListMessages(ctx, f); err != nil {
					return err
				}
				counts, err = tx.CountMessages(ctx, f)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		read(MessageFilter{Limit: 2})
		if total != 5 || len(list) != 2 || list[0].EventKey != "list4" || list[1].EventKey != "list3" {
			t.Fatalf("first page: total %d, %v", total, keys(list))
		}
		if counts[MessageQueued] != 4 || counts[MessageSending] != 1 || counts[MessageSent] != 0 || counts[MessageFailed] != 0 {
			t.Fatalf("counts = %v", counts)
		}
		read(MessageFilter{Limit: 2, Offset: 4})
		if len(list) != 1 || list[0].EventKey != "list0" {
			t.Fatalf("last page: %v", keys(list))
		}
		read(MessageFilter{Channel: ChannelSMS})
		if total != 2 || keys(list) != "[list3 list1]" || counts[MessageQueued] != 2 {
			t.Fatalf("sms: %d %v %v", total, keys(list), counts)
		}
		read(MessageFilter{Status: MessageSending})
		if total != 1 || list[0].EventKey != "list0" || counts[MessageQueued] != 4 {
			t.Fatalf("sending: %d %v %v", total, keys(list), counts)
		}
		read(MessageFilter{FeedbackID: fb})
		if total != 2 || keys(list) != "[list1 list0]" || list[0].FeedbackID != fb || counts[MessageSending] != 1 || counts[MessageQueued] != 1 {
			t.Fatalf("feedback: %d %v %v", total, keys(list), counts)
		}
	})
}

// messageTestFeedback stores a feedback item for messages to refer to.
func messageTestFeedback(t *testing.T, db *DB, unitID int64) int64 {
	t.Helper()
	sub := feedback.Submission{UnitID: unitID, Channel: feedback.ChannelWeb, Kind: feedback.KindPraise, Text: "Hyvää palvelua", Lang: "fi"}
	it := feedback.New(sub, db.Now(), feedback.DefaultSettings())
	if err := db.Write(context.Background(), func(tx *Tx) error { return tx.InsertFeedback(context.Background(), &it, sub.Contact, seqCodes()) }); err != nil {
		t.Fatal(err)
	}
	return it.ID
}

func keys(ms []Message) string {
	var out []string
	for _, m := range ms {
		out = append(out, m.EventKey)
	}
	return fmt.Sprint(out)
}

// TestClaimMessagesConcurrently claims from two handles on one database (two
// instances) with several workers each: every message is claimed exactly once.
func TestClaimMessagesConcurrently(t *testing.T) {
	for name, u := range TestDatabases(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dbs := []*DB{OpenTest(t, u), OpenTest(t, u)}
			const total = 120
			for i := range total {
				enqueue(t, dbs[0], Message{EventKey: fmt.Sprint("c", i), Channel: ChannelSMS, Recipient: "+358401234567", Body: "x"})
			}
			var mu sync.Mutex
			seen := map[int64]int{}
			var wg sync.WaitGroup
			for w := range 6 {
				wg.Go(func() {
					db := dbs[w%2]
					for {
						var got []Message
						err := db.Write(context.Background(), func(tx *Tx) (err error) {
							got, err = tx.ClaimMessages(context.Background(), 7, time.Hour)
							return err
						})
						if err != nil {
							t.Error(err)
							return
						}
						if len(got) == 0 {
							return
						}
						mu.Lock()
						for _, m := range got {
							seen[m.ID]++
						}
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			if len(seen) != total {
				t.Errorf("claimed %d distinct messages, want %d", len(seen), total)
			}
			for id, n := range seen {
				if n != 1 {
					t.Errorf("message %d claimed %d times", id, n)
				}
			}
		})
	}
}

func TestRetryBackoff(t *testing.T) {
	p := RetryPolicy{Base: 30 * time.Second, Cap: 10 * time.Minute, MaxAttempts: 5}
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 10 * time.Minute, 10 * time.Minute}
	for i, w := range want {
		if got := p.Backoff(i + 1); got != w {
			t.Errorf("Backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	if got := p.Backoff(1000); got != 10*time.Minute {
		t.Errorf("Backoff(1000) = %v", got)
	}
}

// finish claims the given queued messages (all due, nothing else due) and
// records each outcome: sent through the outbox, or failed for good.
func finish(t *testing.T, db *DB, sent, failed []*Message) {
	t.Helper()
	ctx := context.Background()
	got := claim(t, db, 100, time.Minute)
	if len(got) != len(sent)+len(failed) {
		t.Fatalf("claimed %d messages, want %d", len(got), len(sent)+len(failed))
	}
	byID := map[int64]*Message{}
	for i := range got {
		byID[got[i].ID] = &got[i]
	}
	err := db.Write(ctx, func(tx *Tx) error {
		for _, m := range sent {
			c := byID[m.ID]
			c.Driver = "outbox"
			if err := tx.MarkMessageSent(ctx, c); err != nil {
				return err
			}
			*m = *c
		}
		for _, m := range failed {
			c := byID[m.ID]
			c.Driver = "http"
			if err := tx.MarkMessageFailed(ctx, c, "400 Bad Request: invalid number", true, DefaultRetry); err != nil {
				return err
			}
			*m = *c
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func countMessages(t *testing.T, db *DB) int {
	t.Helper()
	var n int
	if err := db.Read(context.Background(), func(tx *Tx) error {
		return tx.QueryRow(context.Background(), "SELECT COUNT(*) FROM messages").Scan(&n)
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRetryMessages: an administrator sends failed messages again. The
// same row goes back to the queue, due now, with its attempts reset; a
// message that is not failed is refused with a conflict and left as it is.
func TestRetryMessages(t *testing.T) {
	EachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		clock := &domain.FixedClock{T: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
		db.Clock = clock
		fb := messageTestFeedback(t, db, testUnit(t, db).ID)
		failed := enqueue(t, db, Message{EventKey: "receipt:1:sms", Channel: ChannelSMS, Recipient: "+358401234567", Body: "Koodi ABC", FeedbackID: fb})
		sent := enqueue(t, db, Message{EventKey: "receipt:1:email", Channel: ChannelEmail, Recipient: "anna@example.fi", Body: "Koodi ABC", FeedbackID: fb})
		otherSMS := enqueue(t, db, Message{EventKey: "receipt:2:sms", Channel: ChannelSMS, Recipient: "+358401234568", Body: "Koodi DEF"})
		otherEmail := enqueue(t, db, Message{EventKey: "receipt:2:email", Channel: ChannelEmail, Recipient: "b@example.fi", Body: "Koodi DEF"})
		finish(t, db, []*Message{&sent}, []*Message{&failed, &otherSMS, &otherEmail})
		queued := enqueue(t, db, Message{EventKey: "reply:1:sms", Channel: ChannelSMS, Recipient: "+358401234567", Body: "Vastaus", NextAttemptAt: clock.T.Add(100 * time.Hour)})
		sending := enqueue(t, db, Message{EventKey: "reply:2:sms", Channel: ChannelSMS, Recipient: "+358401234567", Body: "Vastaus"})
		if got := claim(t, db, 10, 100*time.Hour); len(got) != 1 || got[0].ID != sending.ID {
			t.Fatalf("claimed %v, want only %d", ids(got), sending.ID)
		}
		rows := countMessages(t, db)

		clock.Advance(time.Hour)
		retry := func(id int64) (int, error) {
			var n int
			err := db.Write(ctx, func(tx *Tx) (err error) { n, err = tx.RetryMessage(ctx, id); return err })
			return n, err
		}
		n, err := retry(failed.ID)
		if err != nil || n != 1 {
			t.Fatalf("retry: %d attempts, %v", n, err)
		}
		m := message(t, db, failed.ID)
		if m.Status != MessageQueued || m.Attempts != 0 || !m.NextAttemptAt.Equal(clock.T) || m.LockedUntil != nil ||
			m.EventKey != "receipt:1:sms" || m.LastError != "400 Bad Request: invalid number" || m.FeedbackID != fb {
			t.Fatalf("retried message = %+v", m)
		}
		if countMessages(t, db) != rows {
			t.Fatal("a retry added a row")
		}
		// One event still makes one message.
		var fresh bool
		db.Write(ctx, func(tx *Tx) (err error) {
			fresh, err = tx.EnqueueMessage(ctx, &Message{EventKey: "receipt:1:sms", Channel: ChannelSMS, Recipient: "+358401234567", Body: "dup"})
			return err
		})
		if fresh {
			t.Fatal("the event key of a retried message was accepted again")
		}

		// Not failed: refused, untouched.
		for name, id := range map[string]int64{"retried": failed.ID, "sent": sent.ID, "queued": queued.ID, "sending": sending.ID} {
			before := message(t, db, id)
			if _, err := retry(id); domain.ErrorCode(err) != domain.ECONFLICT || domain.AsError(err).Key != "messages.err.not_failed" {
				t.Errorf("retry of a %s message: %v", name, err)
			}
			if after := message(t, db, id); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Errorf("a refused retry changed the %s message: %+v", name, after)
			}
		}
		if _, err := retry(999999); !domain.IsNotFound(err) {
			t.Errorf("retry of no message: %v", err)
		}

		// Claimed at once, and with a fresh run of attempts: a temporary
		// error queues it again rather than failing it for good.
		got := claim(t, db, 10, time.Minute)
		if len(got) != 1 || got[0].ID != failed.ID {
			t.Fatalf("after retry claimed %v", ids(got))
		}
		got[0].Driver = "http"
		if err := db.Write(ctx, func(tx *Tx) error { return tx.MarkMessageFailed(ctx, &got[0], "503", false, DefaultRetry) }); err != nil {
			t.Fatal(err)
		}
		if m := message(t, db, failed.ID); m.Status != MessageQueued || m.Attempts != 1 {
			t.Fatalf("after a temporary error = %+v", m)
		}

		// Retry all, by channel: only failed messages of that channel.
		var all int64
		retryAll := func(f MessageFilter) {
			t.Helper()
			if err := db.Write(ctx, func(tx *Tx) (err error) { all, err = tx.RetryFailedMessages(ctx, f); return err }); err != nil {
				t.Fatal(err)
			}
		}
		retryAll(MessageFilter{Channel: ChannelSMS, Status: MessageSent, Limit: 1})
		if all != 1 || message(t, db, otherSMS.ID).Status != MessageQueued || message(t, db, otherEmail.ID).Status != MessageFailed {
			t.Fatalf("retry of failed SMS: %d", all)
		}
		retryAll(MessageFilter{FeedbackID: fb})
		if all != 0 {
			t.Fatalf("retry for feedback %d with no failed message: %d", fb, all)
		}
		retryAll(MessageFilter{})
		m = message(t, db, otherEmail.ID)
		if all != 1 || m.Status != MessageQueued || m.Attempts != 0 || !m.NextAttemptAt.Equal(clock.T) {
			t.Fatalf("retry of all failed: %d, %+v", all, m)
		}
		if s := message(t, db, sent.ID); s.Status != MessageSent {
			t.Fatalf("retry all touched a sent message: %+v", s)
		}
		if countMessages(t, db) != rows {
			t.Fatal("retry all added rows")
		}
	})
}

// TestMessageRetention: sent and failed messages go once they have been
// finished with for longer than the retention period, counted from when
// they were sent or failed; queued and claimed messages stay at any age.
func TestMessageRetention(t *testing.T) {
	EachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		t0 := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
		clock := &domain.FixedClock{T: t0}
		db.Clock = clock
		const day = 24 * time.Hour

		keep := func() time.Duration {
			t.Helper()
			var d time.Duration
			if err := db.Read(ctx, func(tx *Tx) (err error) { d, err = tx.MessageRetention(ctx); return err }); err != nil {
				t.Fatal(err)
			}
			return d
		}
		set := func(v string) {
			t.Helper()
			if err := db.Write(ctx, func(tx *Tx) error { return tx.SetSetting(ctx, SettingMessageRetentionDays, v) }); err != nil {
				t.Fatal(err)
			}
		}
		if d := keep(); d != 30*day {
			t.Fatalf("default retention %v", d)
		}
		for v, want := range map[string]time.Duration{"7": 7 * day, " 365 ": 365 * day, "0": 30 * day, "-3": 30 * day, "kuukausi": 30 * day, "": 30 * day} {
			set(v)
			if d := keep(); d != want {
				t.Errorf("setting %q: retention %v, want %v", v, d, want)
			}
		}

		sent := enqueue(t, db, Message{EventKey: "a", Channel: ChannelEmail, Recipient: "anna@example.fi", Body: "x"})
		failed := enqueue(t, db, Message{EventKey: "b", Channel: ChannelSMS, Recipient: "+358401234567", Body: "x"})
		retried := enqueue(t, db, Message{EventKey: "c", Channel: ChannelSMS, Recipient: "+358401234567", Body: "x"})
		finish(t, db, []*Message{&sent}, []*Message{&failed, &retried})
		queued := enqueue(t, db, Message{EventKey: "d", Channel: ChannelSMS, Recipient: "+358401234567", Body: "x", NextAttemptAt: t0.Add(400 * day)})
		sending := enqueue(t, db, Message{EventKey: "e", Channel: ChannelSMS, Recipient: "+358401234567", Body: "x"})
		claim(t, db, 10, 400*day)

		// Retried ten days on and failed again then: its age starts anew.
		clock.T = t0.Add(10 * day)
		if err := db.Write(ctx, func(tx *Tx) error { _, err := tx.RetryMessage(ctx, retried.ID); return err }); err != nil {
			t.Fatal(err)
		}
		finish(t, db, nil, []*Message{&retried})

		del := func(cutoff time.Time) int64 {
			t.Helper()
			var n int64
			if err := db.Write(ctx, func(tx *Tx) (err error) { n, err = tx.DeleteFinishedMessagesBefore(ctx, cutoff); return err }); err != nil {
				t.Fatal(err)
			}
			return n
		}
		exists := func(id int64) bool {
			t.Helper()
			err := db.Read(ctx, func(tx *Tx) error { _, err := tx.MessageByID(ctx, id); return err })
			if err != nil && !domain.IsNotFound(err) {
				t.Fatal(err)
			}
			return err == nil
		}
		if n := del(t0); n != 0 || !exists(sent.ID) || !exists(failed.ID) {
			t.Fatalf("deleted %d messages finished exactly at the cutoff", n)
		}
		if n := del(t0.Add(time.Microsecond)); n != 2 || exists(sent.ID) || exists(failed.ID) {
			t.Fatalf("deleted %d, want the sent and the failed message", n)
		}
		if !exists(retried.ID) || !exists(queued.ID) || !exists(sending.ID) {
			t.Fatal("a retried, queued or claimed message was deleted")
		}
		if n := del(t0.Add(1000 * day)); n != 1 || exists(retried.ID) || !exists(queued.ID) || !exists(sending.ID) {
			t.Fatalf("much later deleted %d; queued %v, sending %v", n, exists(queued.ID), exists(sending.ID))
		}
	})
}

// TestDeleteMessagesOfClosedFeedback: with an item's contact details go
// its sent and failed messages, which hold the same address; its queued
// messages, other items' messages and messages about no item stay.
func TestDeleteMessagesOfClosedFeedback(t *testing.T) {
	EachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		t0 := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
		db.Clock = &domain.FixedClock{T: t0}
		u := testUnit(t, db)
		closed, open, later := messageTestFeedback(t, db, u.ID), messageTestFeedback(t, db, u.ID), messageTestFeedback(t, db, u.ID)
		for id, at := range map[int64]time.Time{closed: t0, later: t0.Add(time.Hour)} {
			err := db.Write(ctx, func(tx *Tx) error {
				it, err := tx.Feedback(ctx, id)
				if err != nil {
					return err
				}
				it.Status, it.ClosedAt = feedback.StatusClosed, &at
				return tx.UpdateFeedback(ctx, &it)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		sent := enqueue(t, db, Message{EventKey: "1", Channel: ChannelEmail, Recipient: "anna@example.fi", Body: "x", FeedbackID: closed})
		failed := enqueue(t, db, Message{EventKey: "2", Channel: ChannelSMS, Recipient: "+358401234567", Body: "x", FeedbackID: closed})
		ofOpen := enqueue(t, db, Message{EventKey: "3", Channel: ChannelEmail, Recipient: "anna@example.fi", Body: "x", FeedbackID: open})
		ofLater := enqueue(t, db, Message{EventKey: "4", Channel: ChannelEmail, Recipient: "anna@example.fi", Body: "x", FeedbackID: later})
		ofNone := enqueue(t, db, Message{EventKey: "5", Channel: ChannelEmail, Recipient: "anna@example.fi", Body: "x"})
		finish(t, db, []*Message{&sent, &ofOpen, &ofLater, &ofNone}, []*Message{&failed})
		queued := enqueue(t, db, Message{EventKey: "6", Channel: ChannelEmail, Recipient: "anna@example.fi", Body: "x", FeedbackID: closed})

		var n int64
		if err := db.Write(ctx, func(tx *Tx) (err error) {
			n, err = tx.DeleteFinishedMessagesOfFeedbackClosedBefore(ctx, t0.Add(time.Minute))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		var left []Message
		db.Read(ctx, func(tx *Tx) (err error) { left, _, err = tx.ListMessages(ctx, MessageFilter{}); return err })
		if n != 2 || keys(left) != "[6 5 4 3]" || left[0].ID != queued.ID {
			t.Fatalf("deleted %d; left %v", n, keys(left))
		}
	})
}
