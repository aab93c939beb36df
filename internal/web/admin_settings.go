package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"kuulu/internal/auth"
	"kuulu/internal/domain"
	"kuulu/internal/feedback"
	"kuulu/internal/org"
	"kuulu/internal/store"
)

// The county's feedback rules (reply times, retention periods of contact
// details, closed feedback and sent messages, and the unit that receives
// accessibility feedback), kept in the settings table and edited here by
// administrators. The rules are read when an item arrives (its due date)
// and by the daily retention jobs; nothing is recomputed when they change.
func (s *Server) settingsRoutes(r *Router) {
	r.Handle("GET /admin/settings", auth.Admin, s.settingsEdit)
	r.Handle("POST /admin/settings", auth.Admin, s.settingsSave)
}

// A year of retention is 365 days, as in feedback.DefaultSettings.
const retentionYear = 365

// settingsLimits are the whole-number ranges an administrator may choose,
// by form field.
var settingsLimits = map[string][2]int{
	"reply_days":             {1, 90},
	"objection_days":         {1, 90},
	"accessibility_days":     {1, 90},
	"contact_retention_days": {1, 3650},
	"message_retention_days": {1, 365},
	"retention_years":        {1, 20},
}

// settingsForm holds the fields as typed, so that a refused value is shown
// back as it was written.
type settingsForm struct {
	ReplyDays, ObjectionDays, AccessibilityDays, ContactRetentionDays, MessageRetentionDays, RetentionYears string
	AccessibilityUnit                                                                                       string // a unit slug; "" is not chosen
}

// countyRules are the saved rules this page edits.
type countyRules struct {
	Feedback feedback.Settings
	// Unit is the slug of the unit that receives accessibility feedback,
	// "" when none is chosen.
	Unit string
	// MessageRetention is how long sent and failed messages are kept
	// (store.SettingMessageRetentionDays).
	MessageRetention time.Duration
}

// readCountyRules reads the rules in the caller's transaction.
func readCountyRules(ctx context.Context, tx *store.Tx) (countyRules, error) {
	var c countyRules
	var err error
	if c.Feedback, err = tx.FeedbackSettings(ctx); err != nil {
		return c, err
	}
	if c.Unit, err = tx.Setting(ctx, accessibilityUnitSetting, ""); err != nil {
		return c, err
	}
	c.MessageRetention, err = tx.MessageRetention(ctx)
	return c, err
}

type settingsPage struct {
	Form     settingsForm
	Defaults settingsForm
	Limits   map[string][2]int
	Units    []org.Unit // the active units, by Finnish name
	// FallbackUnit receives accessibility feedback while no unit is chosen.
	FallbackUnit *org.Unit
	// StaleUnit is a saved unit slug that names no active unit.
	StaleUnit string
	// RetentionDays is the saved retention period when it is not a whole
	// number of years (set outside this page), else 0.
	RetentionDays int
	Errs          domain.FieldErrors
	Saved         bool
}

func formOfSettings(c countyRules) settingsForm {
	return settingsForm{
		ReplyDays:            strconv.Itoa(c.Feedback.ReplyDays),
		ObjectionDays:        strconv.Itoa(c.Feedback.ObjectionDays),
		AccessibilityDays:    strconv.Itoa(c.Feedback.AccessibilityDays),
		ContactRetentionDays: strconv.Itoa(wholeDays(c.Feedback.ContactRetention)),
		MessageRetentionDays: strconv.Itoa(wholeDays(c.MessageRetention)),
		RetentionYears:       strconv.Itoa(retentionYears(wholeDays(c.Feedback.FeedbackRetention))),
		AccessibilityUnit:    c.Unit,
	}
}

func wholeDays(d time.Duration) int { return int(d / (24 * time.Hour)) }

// retentionYears is the saved retention period in whole years, rounded
// and at least one, as the form shows it.
func retentionYears(days int) int {
	return max(1, (days+retentionYear/2)/retentionYear)
}

// loadSettingsPage reads the saved rules and the active units. When form is
// not nil it is shown instead of the saved values (a refused submission).
func (s *Server) loadSettingsPage(r *http.Request, form *settingsForm) (settingsPage, error) {
	d := settingsPage{Defaults: formOfSettings(countyRules{Feedback: feedback.DefaultSettings(), MessageRetention: store.DefaultMessageRetention}),
		Limits: settingsLimits}
	err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		c, err := readCountyRules(r.Context(), tx)
		if err != nil {
			return err
		}
		if d.Units, err = tx.Units(r.Context(), store.UnitFilter{ActiveOnly: true}); err != nil {
			return err
		}
		if len(d.Units) > 0 {
			d.FallbackUnit = &d.Units[0]
		}
		if c.Unit != "" && !hasUnitSlug(d.Units, c.Unit) {
			d.StaleUnit, c.Unit = c.Unit, ""
		}
		if n := wholeDays(c.Feedback.FeedbackRetention); n%retentionYear != 0 {
			d.RetentionDays = n
		}
		d.Form = formOfSettings(c)
		return nil
	})
	if form != nil {
		d.Form = *form
	}
	return d, err
}

func hasUnitSlug(units []org.Unit, slug string) bool {
	for _, u := range units {
		if u.Slug == slug {
			return true
		}
	}
	return false
}

func (s *Server) settingsEdit(w http.ResponseWriter, r *http.Request) error {
	d, err := s.loadSettingsPage(r, nil)
	if err != nil {
		return err
	}
	d.Saved = r.URL.Query().Get("saved") != ""
	s.render(w, r, http.StatusOK, "admin/settings.html", d)
	return nil
}

// parseSettingsForm checks each number against its range. It returns the
// numbers by field name.
func parseSettingsForm(f settingsForm) (map[string]int, domain.FieldErrors) {
	errs := domain.FieldErrors{}
	n := map[string]int{}
	for name, v := range map[string]string{"reply_days": f.ReplyDays, "objection_days": f.ObjectionDays,
		"accessibility_days": f.AccessibilityDays, "contact_retention_days": f.ContactRetentionDays,
		"message_retention_days": f.MessageRetentionDays, "retention_years": f.RetentionYears} {
		lim := settingsLimits[name]
		if v == "" {
			errs.Add(name, "err.required")
			continue
		}
		x, err := strconv.Atoi(v)
		if err != nil {
			errs.Add(name, "err.settings.whole_number")
			continue
		}
		if x < lim[0] || x > lim[1] {
			errs.Add(name, "err.settings.range", lim[0], lim[1])
			continue
		}
		n[name] = x
	}
	return n, errs
}

// settingsSave validates the form and saves every rule with one audit entry
// in one transaction: a refused or failed save changes nothing.
func (s *Server) settingsSave(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	form := settingsForm{
		ReplyDays:            strings.TrimSpace(f.Get("reply_days")),
		ObjectionDays:        strings.TrimSpace(f.Get("objection_days")),
		AccessibilityDays:    strings.TrimSpace(f.Get("accessibility_days")),
		ContactRetentionDays: strings.TrimSpace(f.Get("contact_retention_days")),
		MessageRetentionDays: strings.TrimSpace(f.Get("message_retention_days")),
		RetentionYears:       strings.TrimSpace(f.Get("retention_years")),
		AccessibilityUnit:    strings.TrimSpace(f.Get("accessibility_unit")),
	}
	n, errs := parseSettingsForm(form)
	err := errs.Err()
	if err == nil {
		err = s.db.Write(r.Context(), func(tx *store.Tx) error {
			old, err := readCountyRules(r.Context(), tx)
			if err != nil {
				return err
			}
			if form.AccessibilityUnit != "" {
				u, err := tx.UnitBySlug(r.Context(), form.AccessibilityUnit)
				if domain.IsNotFound(err) || (err == nil && !u.Active) {
					f := domain.FieldErrors{}
					f.Add("accessibility_unit", "err.settings.unit")
					return f.Err()
				}
				if err != nil {
					return err
				}
			}
			set := countyRules{
				Feedback: feedback.Settings{ReplyDays: n["reply_days"], ObjectionDays: n["objection_days"], AccessibilityDays: n["accessibility_days"],
					ContactRetention:  time.Duration(n["contact_retention_days"]) * 24 * time.Hour,
					FeedbackRetention: time.Duration(n["retention_years"]*retentionYear) * 24 * time.Hour},
				Unit:             form.AccessibilityUnit,
				MessageRetention: time.Duration(n["message_retention_days"]) * 24 * time.Hour,
			}
			// A period set outside this page in days that are not whole
			// years is shown rounded; it is kept unless the number changed.
			if d := wholeDays(old.Feedback.FeedbackRetention); d%retentionYear != 0 && retentionYears(d) == n["retention_years"] {
				set.Feedback.FeedbackRetention = old.Feedback.FeedbackRetention
			}
			if err := tx.SaveFeedbackSettings(r.Context(), set.Feedback); err != nil {
				return err
			}
			if err := tx.SaveMessageRetention(r.Context(), set.MessageRetention); err != nil {
				return err
			}
			if set.Unit == "" {
				err = tx.DeleteSetting(r.Context(), accessibilityUnitSetting)
			} else {
				err = tx.SetSetting(r.Context(), accessibilityUnitSetting, set.Unit)
			}
			if err != nil {
				return err
			}
			return s.audit(r, tx, "settings.update", "settings", "feedback", settingsChanges(old, set))
		})
	}
	if e := domain.AsError(err); e != nil && len(e.Fields) > 0 {
		d, err := s.loadSettingsPage(r, &form)
		if err != nil {
			return err
		}
		d.Errs = e.Fields
		s.render(w, r, http.StatusUnprocessableEntity, "admin/settings.html", d)
		return nil
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/admin/settings?saved=1")
}

// settingsChanges is the audit detail: every key with its old and new value
// ("key: old → new"), or its value when it did not change.
func settingsChanges(old, set countyRules) string {
	orNotSet := func(s string) string {
		if s == "" {
			return "(not set)"
		}
		return s
	}
	pairs := []struct{ key, from, to string }{
		{store.SettingReplyDays, strconv.Itoa(old.Feedback.ReplyDays), strconv.Itoa(set.Feedback.ReplyDays)},
		{store.SettingObjectionDays, strconv.Itoa(old.Feedback.ObjectionDays), strconv.Itoa(set.Feedback.ObjectionDays)},
		{store.SettingAccessibilityDays, strconv.Itoa(old.Feedback.AccessibilityDays), strconv.Itoa(set.Feedback.AccessibilityDays)},
		{store.SettingContactRetentionDays, strconv.Itoa(wholeDays(old.Feedback.ContactRetention)), strconv.Itoa(wholeDays(set.Feedback.ContactRetention))},
		{store.SettingMessageRetentionDays, strconv.Itoa(wholeDays(old.MessageRetention)), strconv.Itoa(wholeDays(set.MessageRetention))},
		{store.SettingRetentionDays, strconv.Itoa(wholeDays(old.Feedback.FeedbackRetention)), strconv.Itoa(wholeDays(set.Feedback.FeedbackRetention))},
		{accessibilityUnitSetting, orNotSet(old.Unit), orNotSet(set.Unit)},
	}
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		if p.from == p.to {
			parts[i] = p.key + ": " + p.to
		} else {
			parts[i] = fmt.Sprintf("%s: %s → %s", p.key, p.from, p.to)
		}
	}
	return strings.Join(parts, "; ")
}
