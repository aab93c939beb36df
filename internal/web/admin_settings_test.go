package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"kuulu/internal/domain"
	"kuulu/internal/feedback"
	"kuulu/internal/store"
)

func settingsNow(t *testing.T, e *testEnv) (feedback.Settings, string) {
	t.Helper()
	var set feedback.Settings
	var unit string
	if err := e.db.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		if set, err = tx.FeedbackSettings(context.Background()); err != nil {
			return err
		}
		unit, err = tx.Setting(context.Background(), accessibilityUnitSetting, "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return set, unit
}

// messageRetentionNow is how long sent messages are kept, as the retention
// job and the outbox page read it.
func messageRetentionNow(t *testing.T, e *testEnv) time.Duration {
	t.Helper()
	var keep time.Duration
	if err := e.db.Read(context.Background(), func(tx *store.Tx) (err error) {
		keep, err = tx.MessageRetention(context.Background())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return keep
}

func settingsAudit(t *testing.T, e *testEnv) []store.AuditEntry {
	t.Helper()
	var es []store.AuditEntry
	if err := e.db.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		es, err = tx.AuditLog(context.Background(), store.AuditFilter{Action: "settings.", Limit: 10})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return es
}

func validSettingsForm() url.Values {
	return url.Values{"reply_days": {"21"}, "objection_days": {"28"}, "accessibility_days": {"10"},
		"contact_retention_days": {"60"}, "message_retention_days": {"14"}, "retention_years": {"3"}, "accessibility_unit": {"sotkamon-terveysasema"}}
}

const settingsDay = 24 * time.Hour

func TestSettingsPageRenders(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		c := e.client()
		c.login("admin@kainuu.example")
		r := c.get("/admin/settings?lang=fi")
		if r.Status != http.StatusOK {
			t.Fatalf("settings page: %d\n%s", r.Status, r.Body)
		}
		for _, want := range []string{
			`<form class="form" method="post" action="/admin/settings"`,
			`name="reply_days" type="number" inputmode="numeric" min="1" max="90" step="1" value="14"`,
			`name="objection_days" type="number" inputmode="numeric" min="1" max="90" step="1" value="30"`,
			`name="accessibility_days" type="number" inputmode="numeric" min="1" max="90" step="1" value="14"`,
			`name="contact_retention_days" type="number" inputmode="numeric" min="1" max="3650" step="1" value="90"`,
			`name="message_retention_days" type="number" inputmode="numeric" min="1" max="365" step="1" value="30"`,
			`name="retention_years" type="number" inputmode="numeric" min="1" max="20" step="1" value="5"`,
			`<option value="sotkamon-terveysasema">`,
			`<a href="/admin/settings" aria-current="page">`,
			e.pubMsg(domain.Finnish, "settings.title"),
			e.pubMsg(domain.Finnish, "settings.due.new_only"),
			e.pubMsg(domain.Finnish, "settings.retention.all_items"),
			e.pubMsg(domain.Finnish, "settings.hint.objection_days", "30"),
			`<label for="f-message_retention_days">` + e.pubMsg(domain.Finnish, "field.message_retention_days"),
			e.pubMsg(domain.Finnish, "settings.hint.message_retention_days", "30"),
		} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("settings page lacks %q", want)
			}
		}
		// The message retention field sits in the retention group, after
		// contact retention.
		retention := strings.Index(r.Body, e.pubMsg(domain.Finnish, "settings.retention.legend"))
		contacts, messages := strings.Index(r.Body, `id="f-contact_retention_days"`), strings.Index(r.Body, `id="f-message_retention_days"`)
		if retention < 0 || contacts < retention || messages < contacts || strings.Contains(r.Body[retention:messages], "</fieldset>") {
			t.Error("the message retention field is not in the retention group after contact retention")
		}
		if strings.Contains(r.Body, "[settings.") || strings.Contains(r.Body, "[field.") || strings.Contains(r.Body, "%!") {
			t.Error("settings page has an untranslated or badly formatted message")
		}
		for _, l := range []domain.Lang{domain.Swedish, domain.English} {
			r := c.get("/admin/settings?lang=" + string(l))
			if r.Status != http.StatusOK || !strings.Contains(r.Body, e.pubMsg(l, "field.objection_days")) || !strings.Contains(r.Body, e.pubMsg(l, "settings.hint.reply_days", "14")) ||
				!strings.Contains(r.Body, e.pubMsg(l, "field.message_retention_days")) || !strings.Contains(r.Body, e.pubMsg(l, "settings.hint.message_retention_days", "30")) {
				t.Errorf("settings page in %s: %d", l, r.Status)
			}
		}

		// A period saved outside the page is shown as saved.
		if err := e.db.Write(context.Background(), func(tx *store.Tx) error {
			return tx.SetSetting(context.Background(), store.SettingMessageRetentionDays, "45")
		}); err != nil {
			t.Fatal(err)
		}
		if r := c.get("/admin/settings?lang=fi"); !strings.Contains(r.Body, `name="message_retention_days" type="number" inputmode="numeric" min="1" max="365" step="1" value="45"`) {
			t.Errorf("settings page does not show the saved 45 days: %d", r.Status)
		}
	})
}

// TestSettingsSave: valid rules are saved together with one audit entry of
// old and new values; new submissions get the new due dates and the chosen
// unit, items already received keep theirs.
func TestSettingsSave(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		pub := e.client()
		before := pubItemByCode(t, e, pubSubmit(t, pub, pubSlug, pubValidForm(e)))
		if !before.DueAt.Equal(before.ReceivedAt.AddDate(0, 0, 14)) {
			t.Fatalf("default due date %s for %s", before.DueAt, before.ReceivedAt)
		}

		c := e.client()
		c.login("admin@kainuu.example")
		r := c.post("/admin/settings", validSettingsForm())
		if r.Status != http.StatusSeeOther || r.Location != "/admin/settings?saved=1" {
			t.Fatalf("save: %d %q\n%s", r.Status, r.Location, r.Body)
		}
		r = c.get(r.Location)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, `<div class="notice notice-success" role="status"><p>`+e.pubMsg(domain.Finnish, "form.saved")) {
			t.Fatalf("after saving: %d, no saved notice", r.Status)
		}
		for _, want := range []string{`name="reply_days" type="number" inputmode="numeric" min="1" max="90" step="1" value="21"`,
			`name="message_retention_days" type="number" inputmode="numeric" min="1" max="365" step="1" value="14"`,
			`name="retention_years" type="number" inputmode="numeric" min="1" max="20" step="1" value="3"`, `<option value="sotkamon-terveysasema" selected>`} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("saved page lacks %q", want)
			}
		}

		set, unit := settingsNow(t, e)
		want := feedback.Settings{ReplyDays: 21, ObjectionDays: 28, AccessibilityDays: 10, ContactRetention: 60 * settingsDay, FeedbackRetention: 3 * 365 * settingsDay}
		if set != want || unit != "sotkamon-terveysasema" {
			t.Fatalf("FeedbackSettings = %+v, unit %q; want %+v, sotkamon-terveysasema", set, unit, want)
		}
		if keep := messageRetentionNow(t, e); keep != 14*settingsDay {
			t.Fatalf("MessageRetention = %s, want 14 days", keep)
		}
		// The outbox states the new period.
		if r := c.get("/admin/messages?lang=fi"); r.Status != http.StatusOK || !strings.Contains(r.Body, e.pubMsg(domain.Finnish, "messages.retention", 14)) {
			t.Errorf("the outbox does not state a 14-day retention: %d", r.Status)
		}

		es := settingsAudit(t, e)
		if len(es) != 1 {
			t.Fatalf("audit entries %d, want 1: %+v", len(es), es)
		}
		a := es[0]
		if a.ActorName == "" || a.ObjectType != "settings" || a.ObjectID != "feedback" || a.Action != "settings.update" {
			t.Errorf("audit entry %+v", a)
		}
		for _, part := range []string{"feedback.reply_days: 14 → 21", "feedback.objection_days: 30 → 28", "feedback.accessibility_days: 14 → 10",
			"feedback.contact_retention_days: 90 → 60", "notify.message_retention_days: 30 → 14", "feedback.retention_days: 1825 → 1095", "feedback.accessibility_unit: (not set) → sotkamon-terveysasema"} {
			if !strings.Contains(a.Detail, part) {
				t.Errorf("audit detail %q lacks %q", a.Detail, part)
			}
		}

		// A new submission through the public form gets the new reply time;
		// the one received before keeps its due date.
		e.pubNextWindow()
		after := pubItemByCode(t, e, pubSubmit(t, pub, pubSlug, pubValidForm(e)))
		if !after.DueAt.Equal(after.ReceivedAt.AddDate(0, 0, 21)) {
			t.Errorf("new item due %s, received %s: want 21 days", after.DueAt, after.ReceivedAt)
		}
		if again := pubItemByCode(t, e, before.Code); !again.DueAt.Equal(before.DueAt) {
			t.Errorf("an earlier item's due date moved: %s → %s", before.DueAt, again.DueAt)
		}

		// Accessibility feedback: the new reply time and the chosen unit.
		e.pubNextWindow()
		r = pub.post("/p/saavutettavuus?lang=fi", url.Values{"text": {"Painike ei näy suurennettuna."}})
		m := pubReceiptRE.FindStringSubmatch(r.Location)
		if r.Status != http.StatusSeeOther || m == nil {
			t.Fatalf("accessibility submit: %d %q", r.Status, r.Location)
		}
		a11y := pubItemByCode(t, e, m[2])
		if !a11y.DueAt.Equal(a11y.ReceivedAt.AddDate(0, 0, 10)) || a11y.UnitID != pubUnitID(t, e, "sotkamon-terveysasema") {
			t.Errorf("accessibility item due %s (received %s), unit %d", a11y.DueAt, a11y.ReceivedAt, a11y.UnitID)
		}

		// No unit chosen: the setting is removed, and the audit says so.
		f := validSettingsForm()
		f.Set("accessibility_unit", "")
		if r := c.post("/admin/settings", f); r.Status != http.StatusSeeOther {
			t.Fatalf("save without a unit: %d\n%s", r.Status, r.Body)
		}
		if _, unit := settingsNow(t, e); unit != "" {
			t.Errorf("accessibility unit %q after choosing none", unit)
		}
		if es := settingsAudit(t, e); len(es) != 2 || !strings.Contains(es[0].Detail, "feedback.reply_days: 21;") ||
			!strings.Contains(es[0].Detail, "notify.message_retention_days: 14;") ||
			!strings.Contains(es[0].Detail, "feedback.accessibility_unit: sotkamon-terveysasema → (not set)") {
			t.Errorf("second audit entry: %+v", es)
		}
	})
}

// TestSettingsInvalid: bad values are refused with 422, the error summary
// and each field's error in the page's language, the typed values kept and
// nothing saved or audited.
func TestSettingsInvalid(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		c := e.client()
		c.login("admin@kainuu.example")
		bad := url.Values{"reply_days": {"kaksi"}, "objection_days": {"0"}, "accessibility_days": {""},
			"contact_retention_days": {"3651"}, "message_retention_days": {"366"}, "retention_years": {"21"}, "accessibility_unit": {"sotkamon-terveysasema"}}
		for _, l := range []domain.Lang{domain.Finnish, domain.Swedish, domain.English} {
			r := c.post("/admin/settings?lang="+string(l), bad)
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("%s: status %d", l, r.Status)
			}
			for field, msg := range map[string]string{
				"reply_days":             e.pubMsg(l, "err.settings.whole_number"),
				"objection_days":         e.pubMsg(l, "err.settings.range", 1, 90),
				"accessibility_days":     e.pubMsg(l, "err.required"),
				"contact_retention_days": e.pubMsg(l, "err.settings.range", 1, 3650),
				"message_retention_days": e.pubMsg(l, "err.settings.range", 1, 365),
				"retention_years":        e.pubMsg(l, "err.settings.range", 1, 20),
			} {
				if !strings.Contains(r.Body, `<p class="field-error" id="e-`+field+`">`+msg+`</p>`) {
					t.Errorf("%s: no error %q for %s", l, msg, field)
				}
				if !strings.Contains(r.Body, `<a href="#f-`+field+`">`+e.pubMsg(l, "field."+field)+": "+msg+`</a>`) {
					t.Errorf("%s: error summary lacks %s", l, field)
				}
			}
			for _, want := range []string{`id="error-summary"`, `value="kaksi"`, `value="3651"`, `value="366"`, `<option value="sotkamon-terveysasema" selected>`, `aria-invalid="true"`} {
				if !strings.Contains(r.Body, want) {
					t.Errorf("%s: refused form lacks %q", l, want)
				}
			}
			if strings.Contains(r.Body, `id="e-accessibility_unit"`) {
				t.Errorf("%s: an error on the valid unit", l)
			}
		}

		// Valid numbers with a unit that is not in use: refused inside the
		// transaction, so nothing of the valid numbers is saved either.
		f := validSettingsForm()
		f.Set("accessibility_unit", "ei-ole")
		r := c.post("/admin/settings?lang=fi", f)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `<p class="field-error" id="e-accessibility_unit">`+e.pubMsg(domain.Finnish, "err.settings.unit")+`</p>`) {
			t.Fatalf("unknown unit: %d", r.Status)
		}
		if !strings.Contains(r.Body, `value="21"`) {
			t.Error("the refused form lost the typed reply time")
		}

		// Only the message retention out of range: refused, the other
		// fields' values kept and without errors.
		for _, v := range []string{"0", "366", "-1", "1.5"} {
			f := validSettingsForm()
			f.Set("message_retention_days", v)
			r := c.post("/admin/settings?lang=fi", f)
			msg := e.pubMsg(domain.Finnish, "err.settings.range", 1, 365)
			if v == "1.5" {
				msg = e.pubMsg(domain.Finnish, "err.settings.whole_number")
			}
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `<p class="field-error" id="e-message_retention_days">`+msg+`</p>`) ||
				!strings.Contains(r.Body, `<a href="#f-message_retention_days">`+e.pubMsg(domain.Finnish, "field.message_retention_days")+": "+msg+`</a>`) {
				t.Fatalf("message retention %q: %d, no field error or summary link", v, r.Status)
			}
			if !strings.Contains(r.Body, `step="1" value="`+v+`" required aria-describedby="h-message_retention_days e-message_retention_days" aria-invalid="true"`) ||
				!strings.Contains(r.Body, `step="1" value="60" required aria-describedby="h-contact_retention_days">`) {
				t.Errorf("message retention %q: typed values not kept, or the field not marked invalid", v)
			}
			if strings.Count(r.Body, `class="field-error"`) != 1 {
				t.Errorf("message retention %q: errors on other fields", v)
			}
		}

		if set, unit := settingsNow(t, e); set != feedback.DefaultSettings() || unit != "" {
			t.Errorf("refused forms saved something: %+v, unit %q", set, unit)
		}
		if keep := messageRetentionNow(t, e); keep != store.DefaultMessageRetention {
			t.Errorf("refused forms saved a message retention of %s", keep)
		}
		if es := settingsAudit(t, e); len(es) != 0 {
			t.Errorf("refused forms were audited: %+v", es)
		}
	})
}

// TestSettingsRetentionInDays: a retention period set in days that are not
// whole years is shown rounded, with a note, and kept when the years are
// not changed.
func TestSettingsRetentionInDays(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		if err := e.db.Write(context.Background(), func(tx *store.Tx) error {
			return tx.SetSetting(context.Background(), store.SettingRetentionDays, "2000")
		}); err != nil {
			t.Fatal(err)
		}
		c := e.client()
		c.login("admin@kainuu.example")
		r := c.get("/admin/settings?lang=fi")
		if !strings.Contains(r.Body, e.pubMsg(domain.Finnish, "settings.retention.in_days", 2000)) || !strings.Contains(r.Body, `step="1" value="5"`) {
			t.Fatalf("2000 days: %d, no note or not 5 years", r.Status)
		}
		f := validSettingsForm()
		f.Set("retention_years", "5")
		if r := c.post("/admin/settings", f); r.Status != http.StatusSeeOther {
			t.Fatalf("save: %d", r.Status)
		}
		if set, _ := settingsNow(t, e); set.FeedbackRetention != 2000*settingsDay {
			t.Errorf("unchanged years changed the period to %s", set.FeedbackRetention)
		}
		f.Set("retention_years", "6")
		if r := c.post("/admin/settings", f); r.Status != http.StatusSeeOther {
			t.Fatalf("save: %d", r.Status)
		}
		if set, _ := settingsNow(t, e); set.FeedbackRetention != 6*365*settingsDay {
			t.Errorf("6 years saved as %s", set.FeedbackRetention)
		}
		if r := c.get("/admin/settings?lang=fi"); strings.Contains(r.Body, e.pubMsg(domain.Finnish, "settings.retention.in_days", 2190)) || strings.Contains(r.Body, `class="notice notice-info"><p>`+e.pubMsg(domain.Finnish, "settings.retention.in_days", 2000)) {
			t.Error("the note stays after saving whole years")
		}
	})
}

// TestSettingsShowOnCachedForm: the public form is served from the page
// cache, yet a change saved through this instance shows on it at once.
func TestSettingsShowOnCachedForm(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		pub := e.client()
		days := func(n int) string { return e.pubMsg(domain.Finnish, "public.form.when_answer", n) }
		for range 2 { // the second answer comes from the cache
			if r := pub.get("/p/" + pubSlug + "?lang=fi"); r.Status != http.StatusOK || !strings.Contains(r.Body, days(14)) {
				t.Fatalf("form: %d, lacks %q", r.Status, days(14))
			}
		}
		c := e.client()
		c.login("admin@kainuu.example")
		if r := c.post("/admin/settings", validSettingsForm()); r.Status != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", r.Status, r.Body)
		}
		r := pub.get("/p/" + pubSlug + "?lang=fi")
		if !strings.Contains(r.Body, days(21)) || strings.Contains(r.Body, days(14)) {
			t.Errorf("the form after the change does not say %q", days(21))
		}
	})
}
