package jobs

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"kuulu/internal/store"
)

// Names of Kuulu's periodic jobs, as they appear in the jobs table.
const (
	NameHousekeeping      = "housekeeping"
	NameContactRetention  = "retention.contacts"
	NameFeedbackRetention = "retention.feedback"
	NameMessageRetention  = "retention.messages"
)

// Audit actions written by the retention jobs. The actor is empty: the
// system deleted the data, following the county's retention settings.
const (
	ActionDeleteContacts = "retention.delete_contacts"
	ActionDeleteFeedback = "retention.delete_feedback"
	ActionDeleteMessages = "retention.delete_messages"
)

// DefaultRetentionBatch is how many feedback items one transaction of the
// feedback retention job deletes.
const DefaultRetentionBatch = 500

// Housekeeping deletes expired sessions, sign-on states and old rate-limit
// windows, hourly.
func Housekeeping(db *store.DB) Job {
	return Job{Name: NameHousekeeping, Interval: time.Hour, Run: func(ctx context.Context) (string, error) {
		var n int64
		err := db.Write(ctx, func(tx *store.Tx) error {
			var err error
			n, err = tx.DeleteExpired(ctx, tx.Now())
			return err
		})
		return fmt.Sprintf("deleted %d expired rows", n), err
	}}
}

// ContactRetention deletes, daily, the contact details of feedback items
// that closed more than the county's contact retention period ago (default
// 90 days; feedback.Settings.ContactRetention), and with them the items'
// sent and failed messages, which hold the same addresses (queued messages
// stay until they are sent or fail). The deletions and the audit entry that
// lists the items commit together.
func ContactRetention(db *store.DB) Job {
	return Job{Name: NameContactRetention, Interval: 24 * time.Hour, Run: func(ctx context.Context) (string, error) {
		var n, msgs int64
		err := db.Write(ctx, func(tx *store.Tx) error {
			set, err := tx.FeedbackSettings(ctx)
			if err != nil {
				return err
			}
			cutoff := tx.Now().Add(-set.ContactRetention)
			ids, err := tx.ContactIDsClosedBefore(ctx, cutoff)
			if err != nil {
				return err
			}
			if len(ids) > 0 {
				if n, err = tx.DeleteContactsClosedBefore(ctx, cutoff); err != nil {
					return err
				}
			}
			// Every closed item past the cutoff, not only those whose
			// contacts go now: a message may outlive an earlier run (or a
			// longer message retention), and it must not outlive the contact.
			if msgs, err = tx.DeleteFinishedMessagesOfFeedbackClosedBefore(ctx, cutoff); err != nil {
				return err
			}
			if n == 0 && msgs == 0 {
				return nil
			}
			return tx.Audit(ctx, store.AuditEntry{Action: ActionDeleteContacts, ObjectType: "feedback",
				Detail: fmt.Sprintf("deleted the contact details of %d items closed before %s (retention %s) and %d sent or failed messages about items closed then; feedback ids: %s",
					n, cutoff.Format(time.RFC3339), days(set.ContactRetention), msgs, joinIDs(ids))})
		})
		return fmt.Sprintf("deleted the contact details of %d items and %d messages", n, msgs), err
	}}
}

// MessageRetention deletes, daily, the messages of the outbox that were
// sent, or failed for good, more than the county's message retention period
// ago (default 30 days; store.SettingMessageRetentionDays): they hold
// recipients' addresses and texts that may quote the feedback. Queued
// messages and messages being sent are never deleted. The deletion and one
// audit entry with the count commit together.
func MessageRetention(db *store.DB) Job {
	return Job{Name: NameMessageRetention, Interval: 24 * time.Hour, Run: func(ctx context.Context) (string, error) {
		var n int64
		err := db.Write(ctx, func(tx *store.Tx) error {
			keep, err := tx.MessageRetention(ctx)
			if err != nil {
				return err
			}
			cutoff := tx.Now().Add(-keep)
			if n, err = tx.DeleteFinishedMessagesBefore(ctx, cutoff); err != nil || n == 0 {
				return err
			}
			return tx.Audit(ctx, store.AuditEntry{Action: ActionDeleteMessages, ObjectType: "message",
				Detail: fmt.Sprintf("deleted %d messages sent or failed before %s (retention %s)", n, cutoff.Format(time.RFC3339), days(keep))})
		})
		return fmt.Sprintf("deleted %d messages", n), err
	}}
}

// FeedbackRetention deletes, daily, feedback items that closed more than the
// county's retention period ago (default 5 years;
// feedback.Settings.FeedbackRetention) with their history and contacts, in
// transactions of at most batch items (0: DefaultRetentionBatch), each with
// an audit entry listing the deleted ids. Open items are never deleted.
func FeedbackRetention(db *store.DB, batch int) Job {
	if batch <= 0 {
		batch = DefaultRetentionBatch
	}
	return Job{Name: NameFeedbackRetention, Interval: 24 * time.Hour, Run: func(ctx context.Context) (string, error) {
		total := 0
		for {
			var ids []int64
			err := db.Write(ctx, func(tx *store.Tx) error {
				set, err := tx.FeedbackSettings(ctx)
				if err != nil {
					return err
				}
				cutoff := tx.Now().Add(-set.FeedbackRetention)
				ids, err = tx.DeleteFeedbackClosedBefore(ctx, cutoff, batch)
				if err != nil || len(ids) == 0 {
					return err
				}
				return tx.Audit(ctx, store.AuditEntry{Action: ActionDeleteFeedback, ObjectType: "feedback",
					Detail: fmt.Sprintf("deleted %d items closed before %s (retention %s) with their history and contacts; ids: %s",
						len(ids), cutoff.Format(time.RFC3339), days(set.FeedbackRetention), joinIDs(ids))})
			})
			if err != nil {
				return fmt.Sprintf("deleted %d items before the error", total), err
			}
			total += len(ids)
			if len(ids) < batch {
				return fmt.Sprintf("deleted %d items", total), nil
			}
			if err := ctx.Err(); err != nil {
				// Each batch committed; the next run deletes the rest.
				return fmt.Sprintf("deleted %d items, stopped early", total), err
			}
		}
	}}
}

func days(d time.Duration) string {
	return strconv.Itoa(int(d/(24*time.Hour))) + " days"
}

func joinIDs(ids []int64) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return b.String()
}
