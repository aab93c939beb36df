package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"kuulu/internal/domain"
	"kuulu/internal/feedback"
	"kuulu/internal/org"
	"kuulu/internal/store"
)

var pubHandoverRE = regexp.MustCompile(`^/staff/feedback/([0-9]+)/handover$`)

func pubPerson(t *testing.T, e *testEnv, email string) org.Person {
	t.Helper()
	var p org.Person
	if err := e.db.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		p, err = tx.PersonByEmail(context.Background(), email)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestStaffQuickEntryAndHandover(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		nurse := pubPerson(t, e, "hoitaja@kainuu.example")
		c := e.client()
		c.login(nurse.Email)
		home := strconv.FormatInt(nurse.UnitID, 10)
		r := c.get("/staff/feedback/new?lang=fi")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, `<option value="`+home+`" selected>`) || !strings.Contains(r.Body, `href="/staff/feedback/new" aria-current="page"`) {
			t.Fatalf("entry form: %d (home unit preselected? nav current?)", r.Status)
		}
		// Validation: nothing stored, values kept.
		before := pubFeedbackCount(t, e)
		r = c.post("/staff/feedback/new", url.Values{"unit": {home}, "kind": {"idea"}, "text": {" "}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, e.pubMsg("fi", "public.err.staff_text_required")) || !strings.Contains(r.Body, `value="idea" checked`) {
			t.Errorf("empty staff entry: %d", r.Status)
		}
		if pubFeedbackCount(t, e) != before {
			t.Error("an invalid staff entry was stored")
		}

		r = c.post("/staff/feedback/new", url.Values{"unit": {home}, "kind": {"idea"}, "text": {"Asiakas toivoo, että takaisinsoittoaika kerrottaisiin tekstiviestillä."}})
		m := pubHandoverRE.FindStringSubmatch(r.Location)
		if r.Status != http.StatusSeeOther || m == nil {
			t.Fatalf("staff entry: %d %q\n%s", r.Status, r.Location, r.Body)
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		var it feedback.Item
		var audit []store.AuditEntry
		e.db.Read(context.Background(), func(tx *store.Tx) error {
			var err error
			if it, err = tx.Feedback(context.Background(), id); err != nil {
				return err
			}
			audit, err = tx.AuditLog(context.Background(), store.AuditFilter{Action: "feedback.staff_entry", ObjectID: m[1]})
			return err
		})
		if it.Channel != feedback.ChannelStaff || it.RecordedBy != nurse.ID || it.UnitID != nurse.UnitID || it.Kind != feedback.KindIdea {
			t.Errorf("staff item %+v", it)
		}
		if len(audit) != 1 || audit[0].ActorID != nurse.ID {
			t.Errorf("audit %+v", audit)
		}

		h := c.get(r.Location + "?lang=fi")
		code := it.Code
		if h.Status != http.StatusOK || !strings.Contains(h.Body, `class="tracking-code"`) || !strings.Contains(h.Body, "http://kuulu.test/t/"+code) {
			t.Fatalf("handover: %d", h.Status)
		}
		if s := c.get("/staff/feedback/" + m[1] + "/slip"); s.Status != http.StatusOK || !strings.Contains(s.Body, e.pubMsg("fi", "public.form.no_effect")) {
			t.Errorf("slip: %d", s.Status)
		}
		// The status page says staff recorded it, by role.
		st := e.client().get("/t/" + code + "?lang=fi")
		if !strings.Contains(st.Body, e.pubMsg("fi", "public.track.staff_recorded")) || !strings.Contains(st.Body, e.pubMsg("fi", "public.role.staff")) || strings.Contains(st.Body, nurse.Name) {
			t.Error("status page of a staff-recorded item")
		}

		// Hand-over by SMS: validation, then one message and the contact.
		hp := "/staff/feedback/" + m[1] + "/handover"
		for _, f := range []url.Values{{"channel": {"sms"}, "phone": {""}}, {"channel": {"sms"}, "phone": {"12"}}, {"channel": {"email"}, "email": {"x@"}}, {"channel": {"fax"}}} {
			if r := c.post(hp, f); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "error-summary") {
				t.Errorf("handover %v: %d", f, r.Status)
			}
		}
		r = c.post(hp, url.Values{"channel": {"sms"}, "phone": {"040 123 4567"}, "lang": {"sv"}})
		if r.Status != http.StatusSeeOther || r.Location != hp+"?sent=sms" {
			t.Fatalf("handover sms: %d %q", r.Status, r.Location)
		}
		if r := c.get(r.Location + "&lang=fi"); !strings.Contains(r.Body, e.pubMsg("fi", "public.handover.sent_sms")) {
			t.Error("no confirmation")
		}
		r = c.post(hp, url.Values{"channel": {"sms"}, "phone": {"050 999 8888"}})
		if r.Location != hp+"?already=sms" {
			t.Errorf("second sms: %q", r.Location)
		}
		var msgs []string
		var contact feedback.Contact
		e.db.Read(context.Background(), func(tx *store.Tx) error {
			rows, err := tx.Query(context.Background(), "SELECT event_key || ' ' || channel || ' ' || recipient || ' ' || body FROM messages WHERE feedback_id = ? ORDER BY id", id)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var s string
				rows.Scan(&s)
				msgs = append(msgs, s)
			}
			contact, err = tx.FeedbackContact(context.Background(), id)
			return err
		})
		if len(msgs) != 1 || !strings.HasPrefix(msgs[0], "handover:"+m[1]+":sms sms +358401234567 ") || !strings.Contains(msgs[0], "Spårningskod") {
			t.Errorf("messages %q", msgs)
		}
		if contact.Phone != "+358401234567" {
			t.Errorf("contact %+v", contact)
		}
		r = c.post(hp, url.Values{"channel": {"email"}, "email": {"onni@example.fi"}, "lang": {"fi"}})
		if r.Location != hp+"?sent=email" {
			t.Errorf("email hand-over: %q", r.Location)
		}
		var n int
		e.db.Read(context.Background(), func(tx *store.Tx) error {
			return tx.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_log WHERE action = 'feedback.handover' AND object_id = ?", m[1]).Scan(&n)
		})
		if n != 3 {
			t.Errorf("%d hand-over audit entries, want 3", n)
		}

		// Another member of staff cannot open this hand-over; management
		// cannot use quick entry at all.
		var other org.Person
		e.db.Read(context.Background(), func(tx *store.Tx) error {
			ps, _, err := tx.People(context.Background(), store.PersonFilter{Role: domain.RoleStaff, Limit: 5})
			for _, p := range ps {
				if p.ID != nurse.ID {
					other = p
					break
				}
			}
			return err
		})
		if other.ID == 0 {
			t.Fatal("no other staff member in the demo data")
		}
		oc := e.client()
		oc.login(other.Email)
		if r := oc.get(hp); r.Status != http.StatusNotFound {
			t.Errorf("another staff member's hand-over: %d", r.Status)
		}
		if r := oc.post(hp, url.Values{"channel": {"sms"}, "phone": {"040 123 4567"}}); r.Status != http.StatusNotFound {
			t.Errorf("another staff member's hand-over POST: %d", r.Status)
		}
		sup := e.client()
		sup.login("esihenkilo@kainuu.example")
		if r := sup.get(hp); r.Status != http.StatusOK {
			t.Errorf("the unit's supervisor: %d", r.Status)
		}
		mc := e.client()
		mc.login("johto@kainuu.example")
		if r := mc.get("/staff/feedback/new"); r.Status != http.StatusForbidden {
			t.Errorf("management: %d", r.Status)
		}
	})
}
