package notify

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"kuulu/internal/store"
)

// testClock is a settable clock that the worker's goroutines may read.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func queue(t *testing.T, db *store.DB, ms ...store.Message) []store.Message {
	t.Helper()
	err := db.Write(context.Background(), func(tx *store.Tx) error {
		for i := range ms {
			if _, err := tx.EnqueueMessage(context.Background(), &ms[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func stored(t *testing.T, db *store.DB, id int64) store.Message {
	t.Helper()
	var m store.Message
	err := db.Read(context.Background(), func(tx *store.Tx) (err error) {
		m, err = tx.MessageByID(context.Background(), id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func runOnce(t *testing.T, w *Worker) int {
	t.Helper()
	n, err := w.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func sms(key string) store.Message {
	return store.Message{EventKey: key, Channel: store.ChannelSMS, Recipient: "+358401234567", Body: "Kiitos palautteesta. Seurantakoodi " + key}
}

// TestWorkerRetriesUntilTheGatewayRecovers: the gateway is down for three
// attempts; the message waits out the backoff each time and is sent once.
func TestWorkerRetriesUntilTheGatewayRecovers(t *testing.T) {
	store.EachDB(t, func(t *testing.T, db *store.DB) {
		clock := &testClock{t: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
		db.Clock = clock
		g := newFakeGateway(t)
		g.set(func(g *fakeGateway) { g.down = 3 })
		w := NewWorker(db, Router{SMS: &SMSGateway{URL: g.URL}}, quiet)
		m := queue(t, db, sms("receipt:1:sms"))[0]

		for i, wait := range []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute} {
			if n := runOnce(t, w); n != 1 {
				t.Fatalf("attempt %d: claimed %d", i+1, n)
			}
			s := stored(t, db, m.ID)
			if s.Status != store.MessageQueued || s.Attempts != i+1 || s.Driver != DriverHTTP || s.LastError == "" {
				t.Fatalf("after attempt %d: %+v", i+1, s)
			}
			if n := runOnce(t, w); n != 0 {
				t.Fatalf("retried before the backoff of %v ended", wait)
			}
			clock.Advance(wait)
		}
		if n := runOnce(t, w); n != 1 {
			t.Fatalf("fourth attempt claimed %d", n)
		}
		if s := stored(t, db, m.ID); s.Status != store.MessageSent || s.SentAt == nil || s.Attempts != 3 || s.LastError != "" {
			t.Fatalf("after recovery: %+v", s)
		}
		clock.Advance(48 * time.Hour)
		if n := runOnce(t, w); n != 0 {
			t.Fatalf("a sent message was claimed again")
		}
		requests, accepted := g.counts()
		if requests != 4 || accepted["receipt:1:sms"] != 1 || len(accepted) != 1 {
			t.Fatalf("gateway saw %d requests, accepted %v; want 4 requests and one message", requests, accepted)
		}
		g.mu.Lock()
		defer g.mu.Unlock()
		for _, r := range g.requests {
			if r.Header.Get("Idempotency-Key") != "receipt:1:sms" {
				t.Errorf("a retry changed the idempotency key: %q", r.Header.Get("Idempotency-Key"))
			}
		}
	})
}

// TestWorkerPermanentFailure: a 4xx fails the message for good at once.
func TestWorkerPermanentFailure(t *testing.T) {
	store.EachDB(t, func(t *testing.T, db *store.DB) {
		clock := &testClock{t: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
		db.Clock = clock
		g := newFakeGateway(t)
		bad := sms("receipt:2:sms")
		bad.Recipient = "+3580000"
		g.set(func(g *fakeGateway) { g.reject[bad.Recipient] = true })
		w := NewWorker(db, Router{SMS: &SMSGateway{URL: g.URL}}, quiet)
		ms := queue(t, db, bad, sms("receipt:3:sms"))
		if n := runOnce(t, w); n != 2 {
			t.Fatalf("claimed %d", n)
		}
		if s := stored(t, db, ms[0].ID); s.Status != store.MessageFailed || s.Attempts != 1 || s.LastError == "" {
			t.Fatalf("refused message: %+v", s)
		}
		if s := stored(t, db, ms[1].ID); s.Status != store.MessageSent {
			t.Fatalf("the other message: %+v", s)
		}
		clock.Advance(30 * 24 * time.Hour)
		if n := runOnce(t, w); n != 0 {
			t.Fatal("a failed message was claimed again")
		}
		if requests, _ := g.counts(); requests != 2 {
			t.Fatalf("gateway saw %d requests, want 2", requests)
		}
	})
}

// TestWorkerRoutesChannels: email through SMTP, SMS to the outbox when no
// SMS driver is configured.
func TestWorkerRoutesChannels(t *testing.T) {
	store.EachDB(t, func(t *testing.T, db *store.DB) {
		f := newFakeSMTP(t)
		w := NewWorker(db, Router{Email: &SMTP{Host: "127.0.0.1", Port: f.port(), From: "kuulu@kainuu.example"}}, quiet)
		ms := queue(t, db,
			store.Message{EventKey: "receipt:4:email", Channel: store.ChannelEmail, Recipient: "anna@example.fi", Subject: "Kiitos – palaute vastaanotettu", Body: "Koodi X"},
			sms("receipt:4:sms"),
			store.Message{EventKey: "weird", Channel: "pigeon", Recipient: "x", Body: "x"})
		if n := runOnce(t, w); n != 3 {
			t.Fatalf("claimed %d", n)
		}
		if s := stored(t, db, ms[0].ID); s.Status != store.MessageSent || s.Driver != DriverSMTP {
			t.Errorf("email: %+v", s)
		}
		if s := stored(t, db, ms[1].ID); s.Status != store.MessageSent || s.Driver != DriverOutbox {
			t.Errorf("sms: %+v", s)
		}
		if s := stored(t, db, ms[2].ID); s.Status != store.MessageFailed {
			t.Errorf("unknown channel: %+v", s)
		}
		got := f.mails()
		if len(got) != 1 || got[0].To != "<anna@example.fi>" {
			t.Fatalf("mails = %+v", got)
		}
		m, body := parseMail(t, got[0].Data)
		if m.Header.Get("Message-Id") != "<receipt=3A4=3Aemail@kainuu.example>" || body != "Koodi X\n" {
			t.Errorf("mail: %v %q", m.Header, body)
		}
	})
}

// TestTwoWorkersSendEachMessageOnce runs two instances' workers against one
// database (two handles, as two processes would have) and counts what the
// gateway received: every message exactly once.
func TestTwoWorkersSendEachMessageOnce(t *testing.T) {
	for name, u := range store.TestDatabases(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dbs := []*store.DB{store.OpenTest(t, u), store.OpenTest(t, u)}
			g := newFakeGateway(t)
			g.set(func(g *fakeGateway) { g.delay = time.Millisecond; g.down = 5 })
			const total = 60
			var ms []store.Message
			for i := range total {
				ms = append(ms, sms(fmt.Sprintf("two:%d", i)))
			}
			queue(t, dbs[0], ms...)
			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			for _, db := range dbs {
				w := NewWorker(db, Router{SMS: &SMSGateway{URL: g.URL}}, quiet)
				w.Interval, w.Batch = 5*time.Millisecond, 4
				w.Retry = store.RetryPolicy{Base: 10 * time.Millisecond, Cap: 10 * time.Millisecond, MaxAttempts: 100}
				wg.Go(func() { w.Run(ctx) })
			}
			deadline := time.Now().Add(30 * time.Second)
			for {
				var counts map[string]int
				err := dbs[1].Read(ctx, func(tx *store.Tx) (err error) { counts, err = tx.CountMessages(ctx, store.MessageFilter{}); return err })
				if err != nil {
					t.Fatal(err)
				}
				if counts[store.MessageSent] == total {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("not all sent in time: %v", counts)
				}
				time.Sleep(10 * time.Millisecond)
			}
			cancel()
			wg.Wait()
			requests, accepted := g.counts()
			if len(accepted) != total {
				t.Errorf("gateway accepted %d distinct messages, want %d", len(accepted), total)
			}
			for id, n := range accepted {
				if n != 1 {
					t.Errorf("%s accepted %d times", id, n)
				}
			}
			if requests != total+5 {
				t.Errorf("gateway saw %d requests, want %d (each message once, plus 5 while down)", requests, total+5)
			}
		})
	}
}

// TestWorkerStopsGracefully: when ctx ends mid-batch the message being sent
// is finished and recorded, and the rest go back to the queue.
func TestWorkerStopsGracefully(t *testing.T) {
	db := store.OpenTest(t, store.TestDatabases(t)["sqlite"])
	g := newFakeGateway(t)
	g.set(func(g *fakeGateway) { g.delay = 200 * time.Millisecond })
	ms := queue(t, db, sms("stop:1"), sms("stop:2"), sms("stop:3"))
	w := NewWorker(db, Router{SMS: &SMSGateway{URL: g.URL}}, quiet)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	for {
		if n, _ := g.counts(); n > 0 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after ctx ended")
	}
	if s := stored(t, db, ms[0].ID); s.Status != store.MessageSent {
		t.Errorf("message in flight at stop: %+v", s)
	}
	for _, m := range ms[1:] {
		if s := stored(t, db, m.ID); s.Status != store.MessageQueued || s.LockedUntil != nil || s.Attempts != 0 {
			t.Errorf("unattempted message not released: %+v", s)
		}
	}
}

// TestWorkerWake: a woken worker does not wait for its interval.
func TestWorkerWake(t *testing.T) {
	db := store.OpenTest(t, store.TestDatabases(t)["sqlite"])
	w := NewWorker(db, Router{}, quiet)
	w.Interval = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	time.Sleep(20 * time.Millisecond) // the first poll finds nothing
	m := queue(t, db, sms("wake:1"))[0]
	w.Wake()
	deadline := time.Now().Add(5 * time.Second)
	for stored(t, db, m.ID).Status != store.MessageSent {
		if time.Now().After(deadline) {
			t.Fatal("woken worker did not send")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if s := stored(t, db, m.ID); s.Driver != DriverOutbox {
		t.Errorf("default driver = %q, want outbox", s.Driver)
	}
}
