package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Message is one notification in the durable queue (table messages).
type Message struct {
	ID            int64
	EventKey      string // unique per event: one event never makes two messages
	Channel       string // "email" or "sms"
	Recipient     string
	Subject       string
	Body          string
	FeedbackID    int64
	Status        string // queued, sending, sent, failed
	Driver        string
	Attempts      int
	NextAttemptAt time.Time
	LockedUntil   *time.Time
	SentAt        *time.Time
	LastError     string
	CreatedAt     time.Time
}

// Message statuses.
const (
	MessageQueued  = "queued"
	MessageSending = "sending"
	MessageSent    = "sent"
	MessageFailed  = "failed"
)

// EnqueueMessage queues a message in the caller's transaction, so it commits
// with the change that caused it. A second message with the same EventKey is
// ignored; it reports whether the message was new.
func (tx *Tx) EnqueueMessage(ctx context.Context, m *Message) (bool, error) {
	now := tx.Now()
	if m.NextAttemptAt.IsZero() {
		m.NextAttemptAt = now
	}
	m.CreatedAt, m.Status = now, MessageQueued
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO messages (event_key, channel, recipient, subject, body, feedback_id, status, next_attempt_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_key) DO NOTHING RETURNING id`,
		m.EventKey, m.Channel, m.Recipient, m.Subject, m.Body, nullID(m.FeedbackID), m.Status, m.NextAttemptAt, m.CreatedAt).Scan(&id)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return false, err
	}
	m.ID = id
	return true, nil
}
