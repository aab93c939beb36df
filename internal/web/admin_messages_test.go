package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"kuulu/internal/browsertest"
	"kuulu/internal/demo"
	"kuulu/internal/domain"
	"kuulu/internal/notify"
	"kuulu/internal/store"
)

// outboxFixture queues messages and moves some on: the first sent through
// the outbox, the second failed for good, the rest queued. It returns them.
func outboxFixture(t *testing.T, db *store.DB, extra int) []store.Message {
	t.Helper()
	ctx := context.Background()
	ms := []store.Message{
		{EventKey: "test:1:email", Channel: store.ChannelEmail, Recipient: "anna.asiakas@example.fi", Subject: "Palautteesi on vastaanotettu (seurantakoodi 7K3M-QX9P-2T)",
			Body: "Kiitos palautteestasi.\n\nSeurantakoodisi on 7K3M-QX9P-2T."},
		{EventKey: "test:1:sms", Channel: store.ChannelSMS, Recipient: "+358401234567", Body: "Kiitos palautteesta. Seurantakoodi 7K3M-QX9P-2T"},
	}
	for i := range extra {
		ms = append(ms, store.Message{EventKey: fmt.Sprintf("test:extra:%d", i), Channel: store.ChannelEmail, Recipient: "b@example.fi", Body: "x"})
	}
	err := db.Write(ctx, func(tx *store.Tx) error {
		for i := range ms {
			if _, err := tx.EnqueueMessage(ctx, &ms[i]); err != nil {
				return err
			}
		}
		claimed, err := tx.ClaimMessages(ctx, 2, time.Minute)
		if err != nil || len(claimed) != 2 {
			return fmt.Errorf("claimed %d: %v", len(claimed), err)
		}
		claimed[0].Driver = "outbox"
		if err := tx.MarkMessageSent(ctx, &claimed[0]); err != nil {
			return err
		}
		claimed[1].Driver = "http"
		return tx.MarkMessageFailed(ctx, &claimed[1], "sms: gateway answered 400 Bad Request: invalid number", true, store.DefaultRetry)
	})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func TestOutboxPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		ms := outboxFixture(t, e.db, 0)
		c := e.client()
		c.login("admin@kainuu.example")

		r := c.get("/admin/messages")
		if r.Status != http.StatusOK {
			t.Fatalf("list: %d\n%s", r.Status, r.Body)
		}
		for _, want := range []string{"Lähtevät viestit", "a…@example.fi", "&#43;358…567", "Vain Kuulussa, ei lähetetty", "Ei voitu lähettää",
			`<a href="/admin/messages/` + fmt.Sprint(ms[0].ID) + `">`, `<th scope="col">Vastaanottaja</th>`, "Viestejä, joita ei voitu lähettää: 1.",
			`href="/admin/messages?status=failed"`, `href="/admin/messages" aria-current="page"`} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("list lacks %q", want)
			}
		}
		// Lists show neither whole recipients nor texts; reading those is audited.
		for _, secret := range []string{"anna.asiakas@example.fi", "358401234567", "7K3M-QX9P-2T"} {
			if strings.Contains(r.Body, secret) {
				t.Errorf("list shows %q", secret)
			}
		}

		r = c.get("/admin/messages?status=failed&lang=sv")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "Utgående meddelanden") || !strings.Contains(r.Body, "&#43;358…567") || strings.Contains(r.Body, "a…@example.fi") {
			t.Errorf("failed filter in Swedish: %d", r.Status)
		}
		r = c.get("/admin/messages?channel=email&lang=en")
		if !strings.Contains(r.Body, "a…@example.fi") || strings.Contains(r.Body, "&#43;358…567") || !strings.Contains(r.Body, "In Kuulu only, not sent") {
			t.Errorf("email filter in English")
		}

		r = c.get("/admin/messages?status=lost&feedback=abc&lang=fi")
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad filters: %d", r.Status)
		}
		for _, want := range []string{`class="error-summary"`, `href="#f-status"`, `href="#f-feedback"`, "Valitse tila luettelosta.",
			`id="f-feedback" name="feedback" inputmode="numeric" value="abc"`, `aria-invalid="true"`} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("bad filters: page lacks %q", want)
			}
		}

		// Reading one message shows it whole and is audited.
		r = c.get(fmt.Sprintf("/admin/messages/%d", ms[0].ID))
		if r.Status != http.StatusOK {
			t.Fatalf("show: %d", r.Status)
		}
		for _, want := range []string{"anna.asiakas@example.fi", "Palautteesi on vastaanotettu (seurantakoodi 7K3M-QX9P-2T)", "<p>Seurantakoodisi on 7K3M-QX9P-2T.</p>", "test:1:email"} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("message page lacks %q", want)
			}
		}
		r = c.get(fmt.Sprintf("/admin/messages/%d?lang=en", ms[1].ID))
		if !strings.Contains(r.Body, "invalid number") || !strings.Contains(r.Body, "Text message service") {
			t.Errorf("failed message page lacks its error or driver")
		}
		var entries []store.AuditEntry
		e.db.Read(t.Context(), func(tx *store.Tx) (err error) {
			entries, err = tx.AuditLog(t.Context(), store.AuditFilter{Action: "message.read"})
			return err
		})
		if len(entries) != 2 || entries[1].ObjectType != "message" || entries[1].ObjectID != fmt.Sprint(ms[0].ID) || entries[1].ActorName == "" {
			t.Errorf("audit entries = %+v", entries)
		}

		if r := c.get("/admin/messages/999999999"); r.Status != http.StatusNotFound {
			t.Errorf("unknown message: %d", r.Status)
		}
		if r := c.get("/admin/messages/abc"); r.Status != http.StatusNotFound {
			t.Errorf("malformed id: %d", r.Status)
		}
		staff := e.client()
		staff.login("koordinaattori@kainuu.example")
		if r := staff.get(fmt.Sprintf("/admin/messages/%d", ms[0].ID)); r.Status != http.StatusForbidden {
			t.Errorf("coordinator reads a message: %d", r.Status)
		}
	})
}

func TestOutboxPaging(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		outboxFixture(t, e.db, pageSize)
		c := e.client()
		c.login("admin@kainuu.example")
		r := c.get("/admin/messages?channel=email")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, `href="/admin/messages?channel=email&amp;page=2" rel="next"`) {
			t.Fatalf("page 1: %d, no link to page 2", r.Status)
		}
		r = c.get("/admin/messages?channel=email&page=2")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, `rel="prev"`) || strings.Contains(r.Body, `rel="next"`) || !strings.Contains(r.Body, "test:1:email") {
			t.Fatalf("page 2: %d", r.Status)
		}
	})
}

// TestE2EOutbox walks the outbox in headless Chromium with axe-core: the
// list in three languages, a filter with errors, and one message.
func TestE2EOutbox(t *testing.T) {
	w := newE2E(t, browsertest.WithAcceptLanguage(e2eFinnishUA))
	ms := outboxFixture(t, w.db, 0)
	w.login(e2eAdmin, demo.DefaultPassword)
	w.click(`.main-nav a[href="/admin/messages"]`, http.StatusOK)
	wantPage(w, "fi", w.tr("messages.title"))
	w.check("outbox (fi)")

	w.fillCSS("#f-feedback", "viimeisin")
	w.submit("form.filters", http.StatusUnprocessableEntity)
	// autofocus is applied at the browser's next rendering step, which a
	// loaded machine may delay: wait for it a little.
	got := w.activeElement()
	for i := 0; i < 40 && got != "div#error-summary.error-summary"; i++ {
		time.Sleep(50 * time.Millisecond)
		got = w.activeElement()
	}
	if got != "div#error-summary.error-summary" {
		t.Errorf("the error summary does not have the focus; %s has", got)
	}
	w.wantText("#error-summary a", w.tr("messages.feedback")+": "+w.tr("messages.err.feedback"))
	w.check("outbox with a filter error")
	w.followErrorLink("feedback")

	w.visit("/admin/messages?status=failed", http.StatusOK)
	w.click(fmt.Sprintf(`a[href="/admin/messages/%d"]`, ms[1].ID), http.StatusOK)
	wantPage(w, "fi", w.tr("messages.open", ms[1].ID))
	w.check("one failed message")
	for _, l := range []domain.Lang{domain.Swedish, domain.English} {
		w.visit("/admin/messages?lang="+string(l), http.StatusOK)
		wantPage(w, l, w.tr("messages.title"))
		w.check("outbox (" + string(l) + ")")
	}
}

// TestOutboxRetry: an administrator sends a failed message again, one or
// all. The same row goes back to the queue (no second message for the
// event), the worker sends it, each retry is audited, and a message that
// is not failed is refused with a translated 409.
func TestOutboxRetry(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		ctx := t.Context()
		ms := outboxFixture(t, e.db, 1)
		sent, failed, queued := ms[0], ms[1], ms[2]
		c := e.client()
		c.login("admin@kainuu.example")
		msg := func(id int64) store.Message {
			t.Helper()
			var m store.Message
			if err := e.db.Read(ctx, func(tx *store.Tx) (err error) { m, err = tx.MessageByID(ctx, id); return err }); err != nil {
				t.Fatal(err)
			}
			return m
		}
		rows := func() int {
			t.Helper()
			var n int
			e.db.Read(ctx, func(tx *store.Tx) error { return tx.QueryRow(ctx, "SELECT COUNT(*) FROM messages").Scan(&n) })
			return n
		}
		audit := func(action string) []store.AuditEntry {
			t.Helper()
			var out []store.AuditEntry
			e.db.Read(ctx, func(tx *store.Tx) (err error) {
				out, err = tx.AuditLog(ctx, store.AuditFilter{Action: action})
				return err
			})
			return out
		}
		before := rows()

		// The buttons: on a failed message and on the list, not on a sent one.
		retryForm := fmt.Sprintf(`<form method="post" action="/admin/messages/%d/retry">`, failed.ID)
		if r := c.get(fmt.Sprintf("/admin/messages/%d", failed.ID)); !strings.Contains(r.Body, retryForm) || !strings.Contains(r.Body, ">Lähetä uudelleen</button>") {
			t.Errorf("failed message page lacks the retry button")
		}
		if r := c.get(fmt.Sprintf("/admin/messages/%d", sent.ID)); strings.Contains(r.Body, "/retry") {
			t.Errorf("sent message page offers a retry")
		}
		r := c.get("/admin/messages")
		for _, want := range []string{`<form method="post" action="/admin/messages/retry-failed">`, "Lähetä kaikki uudelleen (1)",
			"poistetaan 30 päivän kuluttua"} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("list lacks %q", want)
			}
		}

		// Not failed: 409 with the reason, nothing changes.
		for _, m := range []store.Message{sent, queued} {
			r := c.post(fmt.Sprintf("/admin/messages/%d/retry", m.ID), url.Values{})
			if r.Status != http.StatusConflict || !strings.Contains(r.Body, "Uudelleen voi lähettää vain viestin, jota ei voitu lähettää.") {
				t.Errorf("retry of %s message: %d", m.EventKey, r.Status)
			}
		}
		if r := c.post(fmt.Sprintf("/admin/messages/%d/retry?lang=en", sent.ID), url.Values{}); r.Status != http.StatusConflict ||
			!strings.Contains(r.Body, "Only a message that could not be sent can be sent again.") {
			t.Errorf("retry of a sent message in English: %d", r.Status)
		}
		c.get("/admin/messages?lang=fi")
		if m := msg(sent.ID); m.Status != store.MessageSent || m.SentAt == nil {
			t.Errorf("refused retry changed the sent message: %+v", m)
		}
		if r := c.post("/admin/messages/999999999/retry", url.Values{}); r.Status != http.StatusNotFound {
			t.Errorf("retry of no message: %d", r.Status)
		}
		staff := e.client()
		staff.login("koordinaattori@kainuu.example")
		if r := staff.post(fmt.Sprintf("/admin/messages/%d/retry", failed.ID), url.Values{}); r.Status != http.StatusForbidden {
			t.Errorf("coordinator retries: %d", r.Status)
		}

		// Retry one.
		e.clock.Advance(time.Hour)
		r = c.post(fmt.Sprintf("/admin/messages/%d/retry", failed.ID), url.Values{})
		if want := fmt.Sprintf("/admin/messages/%d?retried=1", failed.ID); r.Status != http.StatusSeeOther || r.Location != want {
			t.Fatalf("retry: %d %q", r.Status, r.Location)
		}
		m := msg(failed.ID)
		if m.Status != store.MessageQueued || m.Attempts != 0 || !m.NextAttemptAt.Equal(e.clock.Now()) || m.EventKey != failed.EventKey {
			t.Errorf("retried message = %+v", m)
		}
		if rows() != before {
			t.Error("a retry added a message")
		}
		a := audit("message.retry")
		if len(a) != 1 || a[0].ObjectType != "message" || a[0].ObjectID != fmt.Sprint(failed.ID) || a[0].ActorName == "" ||
			a[0].Detail != "queued again after 1 failed attempts" {
			t.Errorf("audit %+v", a)
		}
		r = c.get(r.Location)
		if !strings.Contains(r.Body, `<div class="notice notice-success" role="status"><p>Viesti on taas lähetysjonossa.`) || strings.Contains(r.Body, retryForm) {
			t.Errorf("after the retry the page lacks the notice or still offers a retry")
		}
		if r := c.post(fmt.Sprintf("/admin/messages/%d/retry", failed.ID), url.Values{}); r.Status != http.StatusConflict {
			t.Errorf("second retry: %d", r.Status)
		}

		// The worker sends it, once, as the same message.
		w := notify.NewWorker(e.db, notify.Router{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if n, err := w.RunOnce(ctx); err != nil || n != 2 { // the retried one and the queued one
			t.Fatalf("worker claimed %d: %v", n, err)
		}
		if m := msg(failed.ID); m.Status != store.MessageSent || m.Driver != "outbox" || m.LastError != "" {
			t.Errorf("after the worker: %+v", m)
		}

		// Retry all: two SMS fail; the list filtered to email re-queues none,
		// unfiltered both; each press is audited with its count.
		err := e.db.Write(ctx, func(tx *store.Tx) error {
			for _, k := range []string{"test:2:sms", "test:3:sms"} {
				if _, err := tx.EnqueueMessage(ctx, &store.Message{EventKey: k, Channel: store.ChannelSMS, Recipient: "+358401234567", Body: "x"}); err != nil {
					return err
				}
			}
			claimed, err := tx.ClaimMessages(ctx, 10, time.Minute)
			if err != nil || len(claimed) != 2 {
				return fmt.Errorf("claimed %d: %v", len(claimed), err)
			}
			for i := range claimed {
				claimed[i].Driver = "http"
				if err := tx.MarkMessageFailed(ctx, &claimed[i], "400", true, store.DefaultRetry); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		r = c.get("/admin/messages?channel=sms")
		if !strings.Contains(r.Body, `<input type="hidden" name="channel" value="sms">`) || !strings.Contains(r.Body, "Lähetä kaikki uudelleen (2)") {
			t.Errorf("filtered list lacks the filtered retry form")
		}
		r = c.post("/admin/messages/retry-failed", url.Values{"channel": {"email"}})
		if r.Status != http.StatusSeeOther || r.Location != "/admin/messages?channel=email&retried=0" {
			t.Fatalf("retry all email: %d %q", r.Status, r.Location)
		}
		if r := c.post("/admin/messages/retry-failed", url.Values{"channel": {"fax"}}); r.Status != http.StatusBadRequest {
			t.Errorf("retry all with a bad channel: %d", r.Status)
		}
		r = c.post("/admin/messages/retry-failed", url.Values{})
		if r.Status != http.StatusSeeOther || r.Location != "/admin/messages?retried=2" {
			t.Fatalf("retry all: %d %q", r.Status, r.Location)
		}
		r = c.get(r.Location)
		if !strings.Contains(r.Body, "Viestejä palautettiin lähetysjonoon: 2.") || strings.Contains(r.Body, "retry-failed") ||
			!strings.Contains(r.Body, `href="/admin/messages?status=failed"`) {
			t.Errorf("after retry all: no notice, a retry button with nothing failed, or the notice leaks into the filter links")
		}
		var counts map[string]int
		e.db.Read(ctx, func(tx *store.Tx) (err error) { counts, err = tx.CountMessages(ctx, store.MessageFilter{}); return err })
		if counts[store.MessageFailed] != 0 || counts[store.MessageQueued] != 2 || counts[store.MessageSent] != 3 {
			t.Errorf("counts after retry all: %v", counts)
		}
		a = audit("message.retry_failed")
		if len(a) != 2 || a[0].Detail != "queued again 2 failed messages" || a[1].Detail != `queued again 0 failed messages (channel "email", feedback 0)` || a[0].ActorName == "" {
			t.Errorf("audit %+v", a)
		}

		// The retention the page states follows the county's setting.
		if err := e.db.Write(ctx, func(tx *store.Tx) error { return tx.SetSetting(ctx, store.SettingMessageRetentionDays, "7") }); err != nil {
			t.Fatal(err)
		}
		if r := c.get("/admin/messages?lang=sv"); !strings.Contains(r.Body, "raderas efter 7 dagar") {
			t.Errorf("the list does not state a 7-day retention")
		}
	})
}
