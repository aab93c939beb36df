package store

import (
	"context"
	"strconv"
	"time"

	"kuulu/internal/domain"
	"kuulu/internal/feedback"
)

// The settings keys of the county's feedback rules, as FeedbackSettings
// reads them. Periods are whole days.
const (
	SettingReplyDays            = "feedback.reply_days"
	SettingObjectionDays        = "feedback.objection_days"
	SettingAccessibilityDays    = "feedback.accessibility_days"
	SettingContactRetentionDays = "feedback.contact_retention_days"
	SettingRetentionDays        = "feedback.retention_days"
)

const day = 24 * time.Hour

// SaveFeedbackSettings stores all of the county's feedback rules in the
// caller's transaction, so that a change is never half saved. The retention
// periods must be whole days, as the keys hold days. Range checks for what
// an administrator may choose belong to the caller; this only refuses what
// FeedbackSettings would silently replace with a default (zero or less).
func (tx *Tx) SaveFeedbackSettings(ctx context.Context, s feedback.Settings) error {
	values := []struct {
		key string
		n   int
	}{
		{SettingReplyDays, s.ReplyDays},
		{SettingObjectionDays, s.ObjectionDays},
		{SettingAccessibilityDays, s.AccessibilityDays},
		{SettingContactRetentionDays, int(s.ContactRetention / day)},
		{SettingRetentionDays, int(s.FeedbackRetention / day)},
	}
	if s.ContactRetention%day != 0 || s.FeedbackRetention%day != 0 {
		return domain.Errorf(domain.EINVALID, "err.form", "feedback retention periods must be whole days")
	}
	for _, v := range values {
		if v.n <= 0 {
			return domain.Errorf(domain.EINVALID, "err.form", "%s must be at least 1, not %d", v.key, v.n)
		}
	}
	for _, v := range values {
		if err := tx.SetSetting(ctx, v.key, strconv.Itoa(v.n)); err != nil {
			return err
		}
	}
	return nil
}

// SaveMessageRetention stores how long sent and failed messages are kept
// (SettingMessageRetentionDays, read by MessageRetention) in the caller's
// transaction. Like SaveFeedbackSettings it refuses only what the key
// cannot hold or MessageRetention would silently replace with the default:
// a period that is not whole days, or less than one day.
func (tx *Tx) SaveMessageRetention(ctx context.Context, keep time.Duration) error {
	if keep%day != 0 || keep < day {
		return domain.Errorf(domain.EINVALID, "err.form", "%s must be whole days and at least 1, not %s", SettingMessageRetentionDays, keep)
	}
	return tx.SetSetting(ctx, SettingMessageRetentionDays, strconv.Itoa(int(keep/day)))
}

// DeleteSetting removes a county setting, so that its readers fall back to
// their default. Removing a setting that is not set is not an error.
func (tx *Tx) DeleteSetting(ctx context.Context, key string) error {
	tx.changedLookups()
	_, err := tx.Exec(ctx, "DELETE FROM settings WHERE key = ?", key)
	return err
}
