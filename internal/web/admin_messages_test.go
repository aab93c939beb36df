package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"kuulu/internal/browsertest"
	"kuulu/internal/demo"
	"kuulu/internal/domain"
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
