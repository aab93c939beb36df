package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"kuulu/internal/domain"
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

// MessageStatuses lists the statuses in the order a message passes them.
var MessageStatuses = []string{MessageQueued, MessageSending, MessageSent, MessageFailed}

// Message channels.
const (
	ChannelEmail = "email"
	ChannelSMS   = "sms"
)

// MessageChannels lists the channels.
var MessageChannels = []string{ChannelEmail, ChannelSMS}

const insertMessageSQL = `INSERT INTO messages (event_key, channel, recipient, subject, body, feedback_id, status, next_attempt_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_key) DO NOTHING RETURNING id`

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
	err := tx.QueryRow(ctx, insertMessageSQL,
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

const messageCols = "id, event_key, channel, recipient, subject, body, COALESCE(feedback_id, 0), status, driver, attempts, next_attempt_at, locked_until, sent_at, last_error, created_at"

func scanMessage(s interface{ Scan(...any) error }) (Message, error) {
	var m Message
	var locked, sent sql.NullTime
	err := s.Scan(&m.ID, &m.EventKey, &m.Channel, &m.Recipient, &m.Subject, &m.Body, &m.FeedbackID, &m.Status, &m.Driver,
		&m.Attempts, &m.NextAttemptAt, &locked, &sent, &m.LastError, &m.CreatedAt)
	m.NextAttemptAt, m.CreatedAt = m.NextAttemptAt.UTC(), m.CreatedAt.UTC()
	m.LockedUntil, m.SentAt = utcPtr(locked), utcPtr(sent)
	return m, err
}

func utcPtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

// lockDue is the one dialect difference of the queue. On PostgreSQL the claim
// locks the rows it picks and skips rows another worker has locked, so that
// several instances claim disjoint batches without waiting on each other. On
// SQLite the write transaction (BEGIN IMMEDIATE on a single writer) already
// excludes every other claimer, so there is nothing to add.
func (tx *Tx) lockDue() string {
	if tx.d.name() == "postgres" {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// ClaimMessages claims up to limit due messages for one worker and returns
// them oldest due first. Due means queued with next_attempt_at reached, or
// sending with an expired lease (a worker that claimed it stopped or crashed).
// Claimed rows become sending with locked_until = now + lease; until then no
// other worker claims them. A sent or failed message is never claimed.
//
// The returned messages carry the lease in LockedUntil: it is the token that
// MarkMessageFailed and ReleaseMessages check, so a worker whose lease ran
// out cannot undo the work of the worker that took the message over.
func (tx *Tx) ClaimMessages(ctx context.Context, limit int, lease time.Duration) ([]Message, error) {
	if limit <= 0 {
		limit = 10
	}
	now := tx.Now()
	// Truncated to microseconds so that the token compares equal after a
	// round trip through either database.
	until := now.Add(lease).UTC().Truncate(time.Microsecond)
	rows, err := tx.Query(ctx, "SELECT "+messageCols+` FROM messages
		WHERE (status = ? AND next_attempt_at <= ?) OR (status = ? AND locked_until < ?)
		ORDER BY next_attempt_at, id LIMIT `+strconv.Itoa(limit)+tx.lockDue(),
		MessageQueued, now, MessageSending, now)
	if err != nil {
		return nil, err
	}
	var out []Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return nil, err
	}
	ids := make([]any, 0, len(out)+2)
	ids = append(ids, MessageSending, until)
	for i := range out {
		ids = append(ids, out[i].ID)
		out[i].Status, out[i].LockedUntil = MessageSending, &until
	}
	_, err = tx.Exec(ctx, "UPDATE messages SET status = ?, locked_until = ? WHERE id IN ("+strings.Repeat("?, ", len(out)-1)+"?)", ids...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// errLeaseLost says that another worker took a message over because this
// worker's lease expired; the caller's outcome is no longer its to record.
var errLeaseLost = &domain.Error{Code: domain.ECONFLICT, Key: "err.conflict", Message: "message lease lost to another worker"}

// IsLeaseLost reports whether err says that the message's lease had expired
// and another worker had claimed it.
func IsLeaseLost(err error) bool {
	return errors.Is(err, errLeaseLost)
}

// MarkMessageSent records that m was handed to its driver (m.Driver). It
// applies even when the lease has expired, since the message did go out; a
// message already marked sent stays as it is, so its first sent_at holds.
// A sent message is never claimed again.
func (tx *Tx) MarkMessageSent(ctx context.Context, m *Message) error {
	now := tx.Now()
	res, err := tx.Exec(ctx, `UPDATE messages SET status = ?, driver = ?, sent_at = ?, locked_until = NULL, last_error = ''
		WHERE id = ? AND status <> ?`, MessageSent, m.Driver, now, m.ID, MessageSent)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return tx.messageExists(ctx, m.ID)
	}
	m.Status, m.SentAt, m.LockedUntil, m.LastError = MessageSent, &now, nil, ""
	return nil
}

// RetryPolicy says how often and how long a failing message is retried.
type RetryPolicy struct {
	// Base is the wait after the first failure; each further failure doubles it.
	Base time.Duration
	// Cap is the longest wait between two attempts.
	Cap time.Duration
	// MaxAttempts is the number of failed attempts after which the message fails for good.
	MaxAttempts int
}

// DefaultRetry waits 30 s, 1 min, 2 min … up to an hour between attempts and
// gives up after 30 failed attempts: about a day of retrying, long enough to
// ride out a gateway outage, after which the message shows as failed in the
// outbox.
var DefaultRetry = RetryPolicy{Base: 30 * time.Second, Cap: time.Hour, MaxAttempts: 30}

// Backoff returns the wait before the next attempt after the given number of
// failed attempts (1 for the first failure).
func (p RetryPolicy) Backoff(attempts int) time.Duration {
	d := p.Base
	for i := 1; i < attempts && d < p.Cap; i++ {
		d *= 2
	}
	return min(d, p.Cap)
}

// MarkMessageFailed records a failed attempt at m: attempts+1 and the error
// text. The message goes back to queued with next_attempt_at after the
// policy's backoff, or to failed for good when the error is permanent (the
// gateway refused the message itself) or attempts reach p.MaxAttempts.
//
// It applies only while m's lease (m.LockedUntil from ClaimMessages) still
// holds; otherwise it returns an error for which IsLeaseLost is true.
func (tx *Tx) MarkMessageFailed(ctx context.Context, m *Message, cause string, permanent bool, p RetryPolicy) error {
	if m.LockedUntil == nil {
		return errLeaseLost
	}
	if p.MaxAttempts <= 0 {
		p = DefaultRetry
	}
	now := tx.Now()
	attempts := m.Attempts + 1
	status, next := MessageQueued, now.Add(p.Backoff(attempts))
	if permanent || attempts >= p.MaxAttempts {
		status, next = MessageFailed, now
	}
	if len(cause) > 1000 {
		cause = cause[:1000]
	}
	res, err := tx.Exec(ctx, `UPDATE messages SET status = ?, driver = ?, attempts = ?, next_attempt_at = ?, locked_until = NULL, last_error = ?
		WHERE id = ? AND status = ? AND locked_until = ?`,
		status, m.Driver, attempts, next, cause, m.ID, MessageSending, *m.LockedUntil)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		if err := tx.messageExists(ctx, m.ID); err != nil {
			return err
		}
		return errLeaseLost
	}
	m.Status, m.Attempts, m.NextAttemptAt, m.LockedUntil, m.LastError = status, attempts, next, nil, cause
	return nil
}

// ReleaseMessages puts claimed messages that were not attempted back in the
// queue, due at once (a worker stopping gracefully). Only messages still
// held under lease (the token from ClaimMessages) are released. It returns
// how many were.
func (tx *Tx) ReleaseMessages(ctx context.Context, ids []int64, lease time.Time) (int64, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	args := []any{MessageQueued, MessageSending, lease}
	for _, id := range ids {
		args = append(args, id)
	}
	res, err := tx.Exec(ctx, "UPDATE messages SET status = ?, locked_until = NULL WHERE status = ? AND locked_until = ? AND id IN ("+
		strings.Repeat("?, ", len(ids)-1)+"?)", args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (tx *Tx) messageExists(ctx context.Context, id int64) error {
	var one int
	if err := tx.QueryRow(ctx, "SELECT 1 FROM messages WHERE id = ?", id).Scan(&one); errors.Is(err, sql.ErrNoRows) {
		return domain.NotFound("message", id)
	} else if err != nil {
		return err
	}
	return nil
}

// MessageByID returns one message, or an ENOTFOUND error.
func (tx *Tx) MessageByID(ctx context.Context, id int64) (Message, error) {
	m, err := scanMessage(tx.QueryRow(ctx, "SELECT "+messageCols+" FROM messages WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return m, domain.NotFound("message", id)
	}
	return m, err
}

// MessageFilter narrows the outbox listing.
type MessageFilter struct {
	Status     string // one of MessageStatuses, or "" for all
	Channel    string // "email", "sms" or "" for all
	FeedbackID int64
	Limit      int // default 50, at most 500
	Offset     int
}

func (f MessageFilter) where(withStatus bool) (string, []any) {
	var w []string
	var args []any
	if f.Status != "" && withStatus {
		w, args = append(w, "status = ?"), append(args, f.Status)
	}
	if f.Channel != "" {
		w, args = append(w, "channel = ?"), append(args, f.Channel)
	}
	if f.FeedbackID != 0 {
		w, args = append(w, "feedback_id = ?"), append(args, f.FeedbackID)
	}
	if len(w) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(w, " AND "), args
}

// ListMessages returns a page of messages, newest first, and how many match.
func (tx *Tx) ListMessages(ctx context.Context, f MessageFilter) ([]Message, int, error) {
	w, args := f.where(true)
	var total int
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM messages"+w, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := tx.Query(ctx, "SELECT "+messageCols+" FROM messages"+w+" ORDER BY created_at DESC, id DESC LIMIT "+
		strconv.Itoa(limit)+" OFFSET "+strconv.Itoa(max(f.Offset, 0)), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, m)
	}
	return out, total, rows.Err()
}

// CountMessages counts the messages matching f's channel and feedback
// filters (f.Status, Limit and Offset are ignored) by status. Every status
// is in the map, zero or not.
func (tx *Tx) CountMessages(ctx context.Context, f MessageFilter) (map[string]int, error) {
	w, args := f.where(false)
	rows, err := tx.Query(ctx, "SELECT status, COUNT(*) FROM messages"+w+" GROUP BY status", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[string]int, len(MessageStatuses))
	for _, s := range MessageStatuses {
		out[s] = 0
	}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

// errNotFailed says that only a failed message can be sent again.
func errNotFailed(id int64, status string) error {
	return domain.Conflict("messages.err.not_failed", "message "+strconv.FormatInt(id, 10)+" is not failed ("+status+")")
}

// The columns a retry sets. The message goes back to the queue as the same
// row, under the same event key, due now, with a fresh count of attempts,
// so the retry policy gives it its whole run again (about a day) rather
// than failing it for good at the next temporary error. last_error stays
// until the next outcome, so the outbox still says why it failed; driver
// stays too and is set again by the next attempt.
const retryMessageSet = "UPDATE messages SET status = ?, attempts = 0, next_attempt_at = ?, locked_until = NULL"

// RetryMessage puts a failed message back in the queue, due now (see
// retryMessageSet for what it resets). It returns how many failed attempts
// the message had. A message that is not failed is not touched: an
// ECONFLICT error (messages.err.not_failed) for one that is queued, being
// sent or sent, ENOTFOUND for none.
//
// Retrying never makes a second message for an event: it re-queues the row,
// and only a failed row, which no worker holds. A message that was sent
// cannot be retried, so one delivered once is not delivered again this way.
func (tx *Tx) RetryMessage(ctx context.Context, id int64) (attempts int, err error) {
	m, err := tx.MessageByID(ctx, id)
	if err != nil {
		return 0, err
	}
	if m.Status != MessageFailed {
		return 0, errNotFailed(id, m.Status)
	}
	// The status condition is the guard: of two administrators retrying at
	// once, the second finds the row queued and gets the conflict.
	res, err := tx.Exec(ctx, retryMessageSet+" WHERE id = ? AND status = ?", MessageQueued, tx.Now(), id, MessageFailed)
	if err != nil {
		return 0, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return 0, err
	} else if n == 0 {
		return 0, errNotFailed(id, "re-queued meanwhile")
	}
	return m.Attempts, nil
}

// RetryFailedMessages puts every failed message that matches f's channel and
// feedback filters (f.Status, Limit and Offset are ignored) back in the
// queue, as RetryMessage does, and returns how many it re-queued.
func (tx *Tx) RetryFailedMessages(ctx context.Context, f MessageFilter) (int64, error) {
	f.Status = MessageFailed
	w, args := f.where(true)
	res, err := tx.Exec(ctx, retryMessageSet+w, append([]any{MessageQueued, tx.Now()}, args...)...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// SettingMessageRetentionDays is the settings key of how many days sent and
// failed messages are kept (DefaultMessageRetention when unset).
const SettingMessageRetentionDays = "notify.message_retention_days"

// DefaultMessageRetention is how long sent and failed messages are kept
// when the county has not set SettingMessageRetentionDays: long enough to
// answer "did the client get the receipt?", short, because a message holds
// the recipient's address and text that may quote the feedback.
const DefaultMessageRetention = 30 * 24 * time.Hour

// MessageRetention reads how long sent and failed messages are kept. A
// missing, malformed or non-positive setting means the default.
func (tx *Tx) MessageRetention(ctx context.Context) (time.Duration, error) {
	var v string
	err := tx.QueryRow(ctx, "SELECT value FROM settings WHERE key = ?", SettingMessageRetentionDays).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultMessageRetention, nil
	} else if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n <= 0 {
		return DefaultMessageRetention, nil
	}
	return time.Duration(n) * 24 * time.Hour, nil
}

// DeleteFinishedMessagesBefore deletes the messages that were sent, or
// failed for good, before cutoff, and returns how many. A message's age
// counts from when it was finished with: sent_at for a sent message, and
// for a failed one next_attempt_at, which MarkMessageFailed sets to the
// moment it gave up (so a message an administrator retried counts afresh).
// Queued messages and those being sent are never deleted, whatever their
// age: they have not been delivered yet.
func (tx *Tx) DeleteFinishedMessagesBefore(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := tx.Exec(ctx, `DELETE FROM messages WHERE (status = ? AND sent_at < ?) OR (status = ? AND next_attempt_at < ?)`,
		MessageSent, cutoff, MessageFailed, cutoff)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// DeleteFinishedMessagesOfFeedbackClosedBefore deletes the sent and failed
// messages about feedback items closed before cutoff and returns how many.
// It goes with the retention of the items' contact details
// (DeleteContactsClosedBefore): a message holds the same address, so it
// must not outlive the contact. Queued messages and those being sent stay.
func (tx *Tx) DeleteFinishedMessagesOfFeedbackClosedBefore(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := tx.Exec(ctx, `DELETE FROM messages WHERE status IN (?, ?)
		AND feedback_id IN (SELECT id FROM feedback WHERE status = 'closed' AND closed_at < ?)`,
		MessageSent, MessageFailed, cutoff)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
