package store

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"kuulu/internal/domain"
	"kuulu/internal/feedback"
)

// TestFeedbackSettingsContract: the county's feedback rules are saved all
// together as whole days under the keys FeedbackSettings reads, saved again
// over themselves, and never half saved.
func TestFeedbackSettingsContract(t *testing.T) {
	EachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		read := func() feedback.Settings {
			t.Helper()
			var s feedback.Settings
			if err := db.Read(ctx, func(tx *Tx) error {
				var err error
				s, err = tx.FeedbackSettings(ctx)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return s
		}
		raw := func(key string) string {
			t.Helper()
			var v string
			if err := db.Read(ctx, func(tx *Tx) error {
				var err error
				v, err = tx.Setting(ctx, key, "(not set)")
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return v
		}
		if got := read(); got != feedback.DefaultSettings() {
			t.Fatalf("nothing set: %+v, want the defaults", got)
		}

		want := feedback.Settings{ReplyDays: 21, ObjectionDays: 28, AccessibilityDays: 10,
			ContactRetention: 60 * day, FeedbackRetention: 3 * 365 * day}
		if err := db.Write(ctx, func(tx *Tx) error { return tx.SaveFeedbackSettings(ctx, want) }); err != nil {
			t.Fatal(err)
		}
		if got := read(); got != want {
			t.Fatalf("saved %+v, read %+v", want, got)
		}
		for key, v := range map[string]string{SettingReplyDays: "21", SettingObjectionDays: "28", SettingAccessibilityDays: "10",
			SettingContactRetentionDays: "60", SettingRetentionDays: "1095"} {
			if got := raw(key); got != v {
				t.Errorf("%s = %q, want %q (days)", key, got, v)
			}
		}

		// Saving again updates the same rows (the upsert), on both databases.
		again := feedback.DefaultSettings()
		again.ReplyDays = 7
		if err := db.Write(ctx, func(tx *Tx) error { return tx.SaveFeedbackSettings(ctx, again) }); err != nil {
			t.Fatalf("save over saved values: %v", err)
		}
		if got := read(); got != again {
			t.Fatalf("saved again %+v, read %+v", again, got)
		}

		// A transaction that fails after saving leaves the earlier rules.
		boom := errors.New("boom")
		err := db.Write(ctx, func(tx *Tx) error {
			if err := tx.SaveFeedbackSettings(ctx, want); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("failed transaction: %v", err)
		}
		if got := read(); got != again {
			t.Fatalf("after a rollback %+v, want %+v", got, again)
		}

		// What FeedbackSettings would replace with a default, or could not
		// store as days, is refused before anything is written.
		for name, bad := range map[string]feedback.Settings{
			"zero reply days":           {ReplyDays: 0, ObjectionDays: 30, AccessibilityDays: 14, ContactRetention: 90 * day, FeedbackRetention: 365 * day},
			"negative objection days":   {ReplyDays: 14, ObjectionDays: -1, AccessibilityDays: 14, ContactRetention: 90 * day, FeedbackRetention: 365 * day},
			"retention not whole days":  {ReplyDays: 14, ObjectionDays: 30, AccessibilityDays: 14, ContactRetention: 90*day + time.Hour, FeedbackRetention: 365 * day},
			"contact retention of none": {ReplyDays: 14, ObjectionDays: 30, AccessibilityDays: 14, ContactRetention: 0, FeedbackRetention: 365 * day},
		} {
			err := db.Write(ctx, func(tx *Tx) error { return tx.SaveFeedbackSettings(ctx, bad) })
			if e := domain.AsError(err); e == nil || e.Code != domain.EINVALID {
				t.Errorf("%s: %v, want EINVALID", name, err)
			}
		}
		if got := read(); got != again {
			t.Fatalf("after refused saves %+v, want %+v", got, again)
		}

		// DeleteSetting returns a key to its default; deleting twice is fine.
		for range 2 {
			if err := db.Write(ctx, func(tx *Tx) error { return tx.DeleteSetting(ctx, SettingReplyDays) }); err != nil {
				t.Fatal(err)
			}
		}
		if got := read().ReplyDays; got != feedback.DefaultSettings().ReplyDays {
			t.Errorf("reply days after delete = %d, want the default", got)
		}
	})
}

// TestSaveMessageRetentionContract: how long sent messages are kept is
// saved in whole days under the key MessageRetention reads, saved again
// over itself, rolled back with its transaction, and refused when
// MessageRetention would replace it with the default.
func TestSaveMessageRetentionContract(t *testing.T) {
	EachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		read := func() (time.Duration, string) {
			t.Helper()
			var keep time.Duration
			var v string
			if err := db.Read(ctx, func(tx *Tx) (err error) {
				if keep, err = tx.MessageRetention(ctx); err != nil {
					return err
				}
				v, err = tx.Setting(ctx, SettingMessageRetentionDays, "(not set)")
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return keep, v
		}
		save := func(keep time.Duration) error {
			return db.Write(ctx, func(tx *Tx) error { return tx.SaveMessageRetention(ctx, keep) })
		}
		if keep, v := read(); keep != DefaultMessageRetention || v != "(not set)" {
			t.Fatalf("nothing set: %s (%q), want the default", keep, v)
		}
		for _, days := range []int{14, 365, 1} {
			if err := save(time.Duration(days) * day); err != nil {
				t.Fatalf("save %d days: %v", days, err)
			}
			if keep, v := read(); keep != time.Duration(days)*day || v != strconv.Itoa(days) {
				t.Fatalf("saved %d days, read %s (%q)", days, keep, v)
			}
		}

		boom := errors.New("boom")
		if err := db.Write(ctx, func(tx *Tx) error {
			if err := tx.SaveMessageRetention(ctx, 60*day); err != nil {
				return err
			}
			return boom
		}); !errors.Is(err, boom) {
			t.Fatalf("failed transaction: %v", err)
		}
		if keep, _ := read(); keep != day {
			t.Fatalf("after a rollback %s, want 1 day", keep)
		}

		for _, bad := range []time.Duration{0, -day, 12 * time.Hour, 2*day + time.Hour} {
			if e := domain.AsError(save(bad)); e == nil || e.Code != domain.EINVALID {
				t.Errorf("save %s: %v, want EINVALID", bad, e)
			}
		}
		if keep, _ := read(); keep != day {
			t.Fatalf("after refused saves %s, want 1 day", keep)
		}
	})
}
