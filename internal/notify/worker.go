package notify

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"kuulu/internal/store"
)

// Worker sends the messages queued in the database. It polls every
// Interval (and at once when woken), claims a batch of due messages with a
// lease, sends each through its channel's driver and records the outcome:
// sent, or failed and queued again after a backoff, or failed for good.
//
// Guarantees:
//
//   - Never lost: a message is a row committed with the event that caused
//     it, and it leaves the queue only as sent or, after store.RetryPolicy's
//     attempts or a permanent refusal, as failed (visible to administrators).
//     A gateway that is down only delays it.
//   - Never twice for one event: the event key is unique, so one event makes
//     one message; a sent message is never claimed again; and a lease keeps
//     every other worker, in this instance or another, off a claimed message.
//   - The window that remains: a worker that sends and then dies (or loses
//     the database) before it records "sent" leaves the message claimed;
//     when the lease expires another worker sends it again. Delivery is
//     therefore at least once. The second send carries the same id (the SMS
//     gateway's Idempotency-Key and "id", the email's Message-ID), so a
//     gateway that remembers ids drops it, and a mail client shows one email.
//
// Several workers may run against one database: on PostgreSQL they claim
// disjoint batches (FOR UPDATE SKIP LOCKED); on SQLite one writer at a time.
type Worker struct {
	DB      *store.DB
	Drivers Router
	Log     *slog.Logger
	// Interval between polls; 0 means one second.
	Interval time.Duration
	// Batch is how many messages one claim takes; 0 means 10.
	Batch int
	// SendTimeout bounds one send; 0 means 30 seconds.
	SendTimeout time.Duration
	// Lease is how long a claim keeps other workers off; 0 means
	// Batch × SendTimeout + one minute, so a batch always fits in its lease.
	Lease time.Duration
	// Retry is the backoff and the attempt limit; zero means store.DefaultRetry.
	Retry store.RetryPolicy

	wake chan struct{}
}

// NewWorker returns a worker with the default settings.
func NewWorker(db *store.DB, drivers Router, log *slog.Logger) *Worker {
	return &Worker{DB: db, Drivers: drivers, Log: log, wake: make(chan struct{}, 1)}
}

// Wake makes a running worker poll now rather than at the next interval
// (after a message has been queued, say). It never blocks.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *Worker) settings() (interval time.Duration, batch int, send, lease time.Duration) {
	interval, batch, send, lease = w.Interval, w.Batch, w.SendTimeout, w.Lease
	if interval <= 0 {
		interval = time.Second
	}
	if batch <= 0 {
		batch = 10
	}
	if send <= 0 {
		send = 30 * time.Second
	}
	if lease <= 0 {
		lease = time.Duration(batch)*send + time.Minute
	}
	return
}

// Run sends messages until ctx ends. A message being sent when ctx ends is
// finished and recorded (within SendTimeout); messages claimed but not yet
// attempted go back to the queue.
func (w *Worker) Run(ctx context.Context) {
	if w.wake == nil {
		w.wake = make(chan struct{}, 1)
	}
	interval, batch, _, _ := w.settings()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		// A full batch suggests more are due: claim again at once.
		for ctx.Err() == nil {
			n, err := w.RunOnce(ctx)
			if err != nil {
				if ctx.Err() == nil {
					w.log().Warn("notify: claiming messages failed", "err", err)
				}
				break
			}
			if n < batch {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-w.wake:
		}
	}
}

// RunOnce claims one batch and sends it. It returns how many messages it
// claimed.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	_, batch, send, lease := w.settings()
	var msgs []store.Message
	err := w.DB.Write(ctx, func(tx *store.Tx) error {
		var err error
		msgs, err = tx.ClaimMessages(ctx, batch, lease)
		return err
	})
	if err != nil || len(msgs) == 0 {
		return 0, err
	}
	for i := range msgs {
		// Stop when asked to, or before a send could outlast the lease (a
		// slow gateway): the rest go back to the queue for the next claim.
		if ctx.Err() != nil || w.DB.Now().Add(send).After(*msgs[i].LockedUntil) {
			w.release(ctx, msgs[i:])
			break
		}
		w.send(ctx, &msgs[i], send)
	}
	return len(msgs), nil
}

// send sends one claimed message and records the outcome. Both run on a
// context that survives ctx's end, so a send under way at shutdown is
// finished and recorded rather than abandoned mid-air.
func (w *Worker) send(ctx context.Context, m *store.Message, timeout time.Duration) {
	name, driver := w.Drivers.Driver(m.Channel)
	m.Driver = name
	var err error
	if driver == nil {
		err = Permanent(errUnknownChannel(m.Channel))
	} else {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
		err = driver.Send(sctx, Message{ID: m.EventKey, Channel: m.Channel, To: m.Recipient, Subject: m.Subject, Body: m.Body})
		cancel()
	}
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	// Logs name the message by id only: recipients and bodies are personal data.
	log := w.log().With("message_id", m.ID, "channel", m.Channel, "driver", name)
	if err == nil {
		if err := w.DB.Write(mctx, func(tx *store.Tx) error { return tx.MarkMessageSent(mctx, m) }); err != nil {
			// Sent but not recorded: the lease will expire and the message
			// go out again, with the same id for the gateway to drop.
			log.Error("notify: message sent but not recorded as sent", "err", err)
			return
		}
		level := slog.LevelInfo
		if name == DriverOutbox {
			level = slog.LevelDebug // nothing left the server
		}
		log.Log(mctx, level, "notify: message sent", "attempt", m.Attempts+1)
		return
	}
	permanent := IsPermanent(err)
	merr := w.DB.Write(mctx, func(tx *store.Tx) error {
		return tx.MarkMessageFailed(mctx, m, err.Error(), permanent, w.Retry)
	})
	switch {
	case store.IsLeaseLost(merr):
		log.Warn("notify: send failed after the lease expired; another worker has the message", "err", err)
	case merr != nil:
		log.Error("notify: recording a failed send failed", "err", merr, "send_err", err)
	case m.Status == store.MessageFailed:
		log.Error("notify: message failed for good", "attempts", m.Attempts, "permanent", permanent, "err", err)
	default:
		log.Warn("notify: send failed; will retry", "attempts", m.Attempts, "next_attempt_at", m.NextAttemptAt, "err", err)
	}
}

// release puts claimed but unattempted messages back in the queue.
func (w *Worker) release(ctx context.Context, msgs []store.Message) {
	ids := make([]int64, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	err := w.DB.Write(rctx, func(tx *store.Tx) error {
		_, err := tx.ReleaseMessages(rctx, ids, *msgs[0].LockedUntil)
		return err
	})
	if err != nil {
		// Harmless: the lease expires and the messages are claimed again.
		w.log().Warn("notify: releasing claimed messages failed", "err", err)
	}
}

func (w *Worker) log() *slog.Logger {
	if w.Log == nil {
		return slog.Default()
	}
	return w.Log
}

type errUnknownChannel string

func (e errUnknownChannel) Error() string { return "unknown channel " + strconv.Quote(string(e)) }
