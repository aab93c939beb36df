package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kuulu/internal/feedback"
	"kuulu/internal/store"
)

func TestKioskRoundTrip(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		c := e.client()
		start := c.get("/k/" + pubSlug + "?lang=fi")
		if start.Status != http.StatusOK || start.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("kiosk: %d %q", start.Status, start.Header.Get("Cache-Control"))
		}
		for _, want := range []string{`class="kiosk"`, `autocomplete="off"`, `class="faces"`, `name="home" value="fi"`,
			e.pubMsg("fi", "public.kiosk.face.1"), e.pubMsg("fi", "public.kiosk.face.5"), `value="5"`} {
			if !strings.Contains(start.Body, want) {
				t.Errorf("kiosk lacks %q", want)
			}
		}
		if strings.Contains(start.Body, "/login") {
			t.Error("kiosk offers the sign-in link")
		}
		before, t0 := pubFeedbackCount(t, e), e.clock.T
		r := c.post("/k/"+pubSlug+"?lang=fi", url.Values{"face": {"4"}, "text": {"Ystävällinen vastaanotto, soita 040 123 4567"}, "home": {"fi"}})
		if r.Status != http.StatusSeeOther || r.Location != "/k/"+pubSlug+"/kiitos?lang=fi&home=fi" {
			t.Fatalf("kiosk submit: %d %q", r.Status, r.Location)
		}
		if pubFeedbackCount(t, e) != before+1 {
			t.Fatal("kiosk submission not stored")
		}
		thanks := c.get(r.Location)
		if thanks.Status != http.StatusOK || !strings.Contains(thanks.Body, `href="/k/`+pubSlug+`?lang=fi" data-autoreturn="5"`) || strings.Contains(thanks.Body, `http-equiv="refresh"`) {
			t.Fatalf("thank-you: %d\n%s", thanks.Status, thanks.Body)
		}
		if strings.Contains(thanks.Body, "tracking-code") || strings.Contains(thanks.Body, "/t/") {
			t.Error("the kiosk shows a tracking code")
		}
		// The stored item: kiosk channel, face, kind from the face, masked text.
		var items []feedback.Item
		e.db.Read(t.Context(), func(tx *store.Tx) error {
			var err error
			items, _, err = tx.ListFeedback(t.Context(), store.FeedbackFilter{Channel: feedback.ChannelKiosk, From: t0, Limit: 5})
			return err
		})
		if len(items) == 0 || items[0].Face == nil || *items[0].Face != 4 || items[0].Kind != feedback.KindPraise || !strings.Contains(items[0].Masked, "[PUH]") {
			t.Fatalf("kiosk item: %+v", items)
		}
		// Back at the start nothing of the last client remains.
		again := c.get("/k/" + pubSlug + "?lang=fi")
		if strings.Contains(again.Body, "Ystävällinen") {
			t.Error("the next client sees the last client's text")
		}

		// A client who switches to Swedish: the kiosk returns to Finnish.
		sv := c.get("/k/" + pubSlug + "?lang=sv&home=fi")
		if !strings.Contains(sv.Body, `<html lang="sv">`) || !strings.Contains(sv.Body, `name="home" value="fi"`) || !strings.Contains(sv.Body, "home=fi") {
			t.Fatal("Swedish kiosk page lost the home language")
		}
		e.pubNextWindow()
		r = c.post("/k/"+pubSlug+"?lang=sv", url.Values{"face": {"2"}, "home": {"fi"}})
		if r.Location != "/k/"+pubSlug+"/kiitos?lang=sv&home=fi" {
			t.Fatalf("sv submit: %q", r.Location)
		}
		if th := c.get(r.Location); !strings.Contains(th.Body, `<html lang="sv">`) || !strings.Contains(th.Body, `href="/k/`+pubSlug+`?lang=fi" data-autoreturn`) {
			t.Error("Swedish thank-you page does not return to Finnish")
		}

		// No face, a bad face, or too long a text: 422, nothing stored.
		before = pubFeedbackCount(t, e)
		for _, f := range []url.Values{{"text": {"ilman kasvoa"}}, {"face": {"9"}}, {"face": {"3"}, "text": {strings.Repeat("x", feedback.MaxText+1)}}} {
			if r := c.post("/k/"+pubSlug, f); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "error-summary") {
				t.Errorf("kiosk %v: %d", f, r.Status)
			}
		}
		if pubFeedbackCount(t, e) != before {
			t.Error("an invalid kiosk submission was stored")
		}
		if r := c.get("/k/no-such-unit"); r.Status != http.StatusNotFound {
			t.Errorf("unknown kiosk unit: %d", r.Status)
		}
	})
}
