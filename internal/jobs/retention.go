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
)

// Audit actions written by the retention jobs. The actor is empty: the
// system deleted the data, following the county's retention settings.
const (
	ActionDeleteContacts = "retention.delete_contacts"
	ActionDeleteFeedback = "retention.delete_feedback"
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
// 90 days; feedback.Settings.ContactRetention). The deletion and the audit
// entry that lists the items commit together.
func ContactRetention(db *store.DB) Job {
	return Job{Name: NameContactRetention, Interval: 24 * time.Hour, Run: func(ctx context.Context) (string, error) {
		var n int64
		err := db.Write(ctx, func(tx *store.Tx) error {
			set, err := tx.FeedbackSettings(ctx)
			if err != nil {
				return err
			}
			cutoff := tx.Now().Add(-set.ContactRetention)
			ids, err := tx.ContactIDsClosedBefore(ctx, cutoff)
			if err != nil || len(ids) == 0 {
				return err
			}
			if n, err = tx.DeleteContactsClosedBefore(ctx, cutoff); err != nil {
				return err
			}
			return tx.Audit(ctx, store.AuditEntry{Action: ActionDeleteContacts, ObjectType: "feedback",
				Detail: fmt.Sprintf("deleted the contact details of %d items closed before %s (retention %s); feedback ids: %s",
					n, cutoff.Format(time.RFC3339), days(set.ContactRetention), joinIDs(ids))})
		})
		return fmt.Sprintf("deleted the contact details of %d items", n), err
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
