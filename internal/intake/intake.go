// Package intake turns a submission from any channel (public form, kiosk,
// staff quick entry, Open311) into a stored feedback item with its tracking
// code, contact details and queued receipt message, all in one transaction:
// when Submit returns nil, the submission is on disk.
package intake

import (
	"context"
	"fmt"
	"sync"

	"kuulu/internal/domain"
	"kuulu/internal/feedback"
	"kuulu/internal/i18n"
	"kuulu/internal/org"
	"kuulu/internal/store"
	"kuulu/internal/trackcode"
)

// Intake receives feedback.
type Intake struct {
	DB      *store.DB
	Cat     *i18n.Catalog
	BaseURL string // for the status page link in receipts
	// NewCode makes tracking codes; nil means trackcode.New.
	NewCode func() (string, error)

	prepare sync.Once
}

func (in *Intake) newCode() (string, error) {
	if in.NewCode != nil {
		return in.NewCode()
	}
	c, err := trackcode.New()
	if err != nil {
		return "", err
	}
	return c.String(), nil
}

// Submit validates and stores a submission. Field errors come back as an
// EINVALID *domain.Error with Fields; an unknown or inactive unit is a field
// error on "unit". The record, its code, its history entry, its contact
// details and the receipt message commit together.
func (in *Intake) Submit(ctx context.Context, sub feedback.Submission) (feedback.Item, error) {
	return in.submit(ctx, sub, nil)
}

// SubmitFor is Submit for a caller that has just read the unit the
// submission names and found it active, as the public form has (the unit
// of its address): the unit is not read again. When sub.UnitID is another
// unit, it is Submit.
func (in *Intake) SubmitFor(ctx context.Context, sub feedback.Submission, u org.Unit) (feedback.Item, error) {
	if u.ID != sub.UnitID || !u.Active {
		return in.submit(ctx, sub, nil)
	}
	return in.submit(ctx, sub, &u)
}

func (in *Intake) submit(ctx context.Context, sub feedback.Submission, known *org.Unit) (feedback.Item, error) {
	if err := sub.Validate(); err != nil {
		return feedback.Item{}, err
	}
	// Prepared statements are an optimisation: if preparing fails, the
	// unprepared path does the same work.
	in.prepare.Do(func() { _ = in.DB.PrepareFeedback(ctx) })
	// The unit and the county's rules are read before the write, on the read
	// pool, and kept for a moment (store.DB.LookUnit): on SQLite every write
	// goes through one writer, and the less it does per submission, the more
	// submissions it commits per second.
	if known == nil {
		u, err := in.DB.LookUnit(ctx, sub.UnitID)
		if domain.IsNotFound(err) || (err == nil && !u.Active) {
			f := domain.FieldErrors{}
			f.Add("unit", "err.feedback.unit")
			return feedback.Item{}, f.Err()
		}
		if err != nil {
			return feedback.Item{}, err
		}
	}
	set, err := in.DB.LookFeedbackSettings(ctx)
	if err != nil {
		return feedback.Item{}, err
	}
	var it feedback.Item
	err = in.DB.WriteBatched(ctx, func(tx *store.Tx) error {
		it = feedback.New(sub, tx.Now(), set)
		if err := tx.InsertFeedback(ctx, &it, sub.Contact, in.newCode); err != nil {
			return err
		}
		return in.queueReceipt(ctx, tx, &it, sub.Contact)
	})
	return it, err
}

// queueReceipt queues a receipt with the tracking code to each contact the
// giver left.
func (in *Intake) queueReceipt(ctx context.Context, tx *store.Tx, it *feedback.Item, c feedback.Contact) error {
	if c.Empty() || in.Cat == nil {
		return nil
	}
	lang, _ := domain.ParseLang(it.Lang)
	code, err := trackcode.Parse(it.Code)
	if err != nil {
		return err
	}
	link := in.BaseURL + "/t/" + code.String()
	subject := in.Cat.T(lang, "notify.receipt.subject", code.Display())
	body := in.Cat.T(lang, "notify.receipt.body", code.Display(), link)
	if c.Email != "" {
		m := &store.Message{EventKey: fmt.Sprintf("receipt:%d:email", it.ID), Channel: "email", Recipient: c.Email, Subject: subject, Body: body, FeedbackID: it.ID}
		if _, err := tx.EnqueueMessage(ctx, m); err != nil {
			return err
		}
	}
	if c.Phone != "" {
		m := &store.Message{EventKey: fmt.Sprintf("receipt:%d:sms", it.ID), Channel: "sms", Recipient: c.Phone, Body: in.Cat.T(lang, "notify.receipt.sms", code.Display(), link), FeedbackID: it.ID}
		if _, err := tx.EnqueueMessage(ctx, m); err != nil {
			return err
		}
	}
	return nil
}
