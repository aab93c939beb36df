package store

import (
	"context"
	"strconv"

	"kuulu/internal/feedback"
)

// Storage for the public side of feedback: the "you said, we did" lists and
// the contact a client gives when a staff member hands over a tracking code.

// PublishedFilter narrows the public "you said, we did" list.
type PublishedFilter struct {
	UnitIDs []int64 // nil: every unit; empty non-nil: none
	Limit   int     // default 20, at most 100
	Offset  int
}

// ListPublishedFeedback returns a page of published items, most recently
// published first, and their total count. Formal objections are never
// published (feedback.CanPublish refuses them), and this query leaves them
// out as well, so that a mistake elsewhere cannot put one on a public page.
// Items carry the masked text only, as every list does.
func (tx *Tx) ListPublishedFeedback(ctx context.Context, f PublishedFilter) ([]feedback.Item, int, error) {
	w, args := FeedbackFilter{Published: true, UnitIDs: f.UnitIDs}.where()
	w += " AND class <> '" + string(feedback.ClassObjection) + "'"
	var total int
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM feedback"+w, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 100)
	items, err := tx.scanFeedbackRows(ctx, "SELECT "+feedbackCols+" FROM feedback"+w+" ORDER BY published_at DESC, id DESC LIMIT "+
		strconv.Itoa(limit)+" OFFSET "+strconv.Itoa(max(f.Offset, 0)), args...)
	return items, total, err
}

// SaveFeedbackContact stores contact details the giver left after the item
// was recorded (a staff member hands over the tracking code by SMS or email):
// a non-empty email or phone replaces the stored one, an empty one keeps it.
// The item is marked as wanting a reply, because a giver who leaves contact
// details gets the answer there too. Contacts are deleted on the usual
// schedule after the item closes.
func (tx *Tx) SaveFeedbackContact(ctx context.Context, id int64, c feedback.Contact) error {
	res, err := tx.Exec(ctx, "UPDATE feedback SET wants_reply = TRUE, updated_at = ? WHERE id = ?", tx.Now(), id)
	if err != nil {
		return err
	}
	if err := mustAffect(res, "feedback", id); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO feedback_contacts (feedback_id, email, phone, name, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (feedback_id) DO UPDATE SET
			email = CASE WHEN excluded.email <> '' THEN excluded.email ELSE feedback_contacts.email END,
			phone = CASE WHEN excluded.phone <> '' THEN excluded.phone ELSE feedback_contacts.phone END,
			name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE feedback_contacts.name END`,
		id, c.Email, c.Phone, c.Name, tx.Now())
	return err
}
