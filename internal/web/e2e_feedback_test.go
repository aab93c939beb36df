package web

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"testing"

	"kuulu/internal/browsertest"
	"kuulu/internal/demo"
	"kuulu/internal/feedback"
	"kuulu/internal/org"
	"kuulu/internal/store"
	"kuulu/internal/trackcode"
)

// The whole feedback loop of issue 3 in headless Chromium: a client gives
// feedback on the public form and gets a tracking code, follows it on the
// status page, taps a face on the kiosk; the unit's supervisor signs in,
// finds the item in the inbox, triages, replies and publishes it; the
// client's status page shows the reply and the public history (roles, not
// names); the county-wide public list shows the masked text only; the reply
// is queued to the client's email. Every page on the way is checked with
// axe-core (WCAG 2.0/2.1 A and AA, zero violations).

const (
	// e2eSupervisor supervises e2eUnitSlug (Kajaani health centre).
	e2eSupervisor = "esihenkilo@kainuu.example"
	// e2eHETU is a fake personal identity code (checksum valid) and
	// e2ePhone a Finnish mobile number: the masking must catch both.
	e2eHETU  = "131052-308T"
	e2ePhone = "040 123 4567"
	// e2eClientEmail is the contact the client leaves for the reply.
	e2eClientEmail = "asiakas@example.fi"
)

// TestE2EFeedbackLoop runs the loop on SQLite and, when
// KUULU_TEST_POSTGRES_URL is set, on PostgreSQL too, each with a browser of
// its own.
func TestE2EFeedbackLoop(t *testing.T) {
	t.Parallel()
	if _, err := browsertest.AxePath(); err != nil {
		if browsertest.RequireBrowser() {
			t.Fatalf("%v; %s=1 is set, so this fails instead of skipping", err, browsertest.EnvRequireBrowser)
		}
		t.Skip(err.Error())
	}
	for name, dbURL := range store.TestDatabases(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e2eFeedbackLoop(newE2EOn(t, dbURL, browsertest.WithAcceptLanguage(e2eFinnishUA)))
		})
	}
}

// newE2EOn is newE2E on the database at dbURL (newE2E always takes a
// fresh SQLite file).
func newE2EOn(t *testing.T, dbURL string, opts ...browsertest.Option) *e2e {
	t.Helper()
	if os.Getenv(browsertest.EnvTimeout) == "" {
		opts = append([]browsertest.Option{browsertest.WithTimeout(e2eTimeout)}, opts...)
	}
	b := browsertest.New(t, opts...)
	w := &e2e{testEnv: newEnv(t, dbURL), t: t, b: b, ctx: b.Context()}
	t.Cleanup(func() {
		if !t.Failed() {
			t.Logf("e2e: %d pages checked with axe-core", w.checked)
		}
	})
	return w
}

func e2eFeedbackLoop(w *e2e) {
	var sup org.Person
	w.read(func(tx *store.Tx) error {
		var err error
		sup, err = tx.PersonByEmail(w.t.Context(), e2eSupervisor)
		return err
	})
	text := "Aulaan tarvitaan lisää tuoleja. Henkilötunnukseni on " + e2eHETU + ", soittakaa numeroon " + e2ePhone + "."
	reply := "Kiitos palautteesta! Aulaan on tilattu kuusi uutta tuolia, ja ne tulevat ensi viikolla."
	var (
		code      trackcode.Code // the tracking code from the receipt
		statusURL string         // the status page, as the receipt links it
		item      feedback.Item  // the stored item
		itemPath  string         // /inbox/{id}
	)
	// wantMasked fails unless the text of main shows the masked text
	// without the identity code or the phone number.
	wantMasked := func(w *e2e, page string) {
		w.t.Helper()
		main := w.text("main")
		for _, secret := range []string{e2eHETU, e2ePhone, "040 123", "1234567"} {
			if strings.Contains(main, secret) {
				w.t.Errorf("%s shows %q from the original text:\n%s", page, secret, main)
			}
		}
		for _, want := range []string{"[HETU]", "Aulaan tarvitaan lisää tuoleja."} {
			if !strings.Contains(main, want) {
				w.t.Errorf("%s lacks %q of the masked text:\n%s", page, want, main)
			}
		}
	}

	w.steps(
		e2eStep{"client submits the public form", func(w *e2e) {
			w.visit("/p/"+e2eUnitSlug, http.StatusOK)
			wantPage(w, "fi", w.tr("public.form.heading"))
			w.check("public form")

			// Empty: the form comes back with the error summary, focused.
			w.submit("form.form", http.StatusUnprocessableEntity)
			if !w.has("#error-summary") {
				w.t.Fatalf("empty submit: no error summary:\n%s", w.mainText())
			}
			w.waitFocus("div#error-summary.error-summary", "the error summary")
			w.check("public form with errors")
			w.screenshot("public form with errors")

			if err := w.b.Click(w.ctx, "#f-kind-idea"); err != nil {
				w.t.Fatal(err)
			}
			if err := w.b.Click(w.ctx, "#f-score-8"); err != nil {
				w.t.Fatal(err)
			}
			w.fill(w.tr("public.field.text"), text)
			w.fillCSS("#f-email", e2eClientEmail)
			w.submit("form.form", http.StatusOK)
			p := w.location()
			if !strings.HasPrefix(p, "/p/"+e2eUnitSlug+"/kiitos/") {
				w.t.Fatalf("submit led to %s, want the receipt:\n%s", p, w.mainText())
			}
			wantPage(w, "fi", w.tr("public.receipt.title"))
			u, _ := url.Parse(p)
			var err error
			if code, err = trackcode.Parse(path.Base(u.Path)); err != nil {
				w.t.Fatalf("receipt URL %s: %v", p, err)
			}
			if got := w.text(".tracking-code"); got != code.Display() {
				w.t.Errorf("receipt shows the code %q, want %q", got, code.Display())
			}
			w.check("receipt")
			w.screenshot("receipt")

			w.read(func(tx *store.Tx) error {
				item, err = tx.FeedbackByCode(w.t.Context(), code.String())
				return err
			})
			if item.Kind != feedback.KindIdea || item.Score == nil || *item.Score != 8 || item.Channel != feedback.ChannelWeb {
				w.t.Errorf("stored item: kind %s, score %v, channel %s", item.Kind, item.Score, item.Channel)
			}
			if strings.Contains(item.Masked, e2eHETU) || strings.Contains(item.Masked, e2ePhone) {
				w.t.Errorf("stored masked text keeps the identity code or phone: %q", item.Masked)
			}
			itemPath = "/inbox/" + strconv.FormatInt(item.ID, 10)
		}},

		e2eStep{"client opens the status page", func(w *e2e) {
			w.click(`main a[href^="/t/"]`, http.StatusOK)
			statusURL = w.location()
			if !strings.HasPrefix(statusURL, "/t/"+code.String()) {
				w.t.Errorf("status link led to %s", statusURL)
			}
			wantPage(w, "fi", w.tr("public.track.title"))
			w.wantText("main", code.Display(), w.tr("public.status.received"), w.tr("public.track.no_reply"))
			wantMasked(w, "status page")
			w.check("status page")
		}},

		e2eStep{"kiosk", func(w *e2e) {
			w.visit("/k/"+e2eUnitSlug, http.StatusOK)
			w.check("kiosk")
			w.click("#f-face-5", http.StatusOK)
			if p := w.location(); !strings.HasPrefix(p, "/k/"+e2eUnitSlug+"/kiitos") {
				w.t.Fatalf("kiosk tap led to %s", p)
			}
			w.check("kiosk thank-you")
			w.screenshot("kiosk thank-you")
		}},

		e2eStep{"supervisor finds the item in the inbox", func(w *e2e) {
			w.login(e2eSupervisor, demo.DefaultPassword)
			w.visit("/inbox", http.StatusOK)
			wantPage(w, "fi", w.tr("inbox.title"))
			w.check("inbox")
			w.screenshot("inbox")
			// Newest first: the client's item (and the kiosk tap) head the list.
			link := fmt.Sprintf(`table.data a[href=%q]`, itemPath)
			if !w.has(link) {
				w.t.Fatalf("the inbox does not list %s (%s):\n%s", code, itemPath, w.mainText())
			}
			rows := w.texts("table.data tbody th .mono")
			if len(rows) < 2 || !strings.Contains(strings.Join(rows[:2], " "), item.Code) {
				w.t.Errorf("the new item %s is not among the first rows: %v", item.Code, rows)
			}
			w.click(link, http.StatusOK)
			if p := w.location(); p != itemPath {
				w.t.Errorf("the inbox link led to %s, want %s", p, itemPath)
			}
			wantPage(w, "fi", w.tr("inbox.item.title", item.Code))
			wantMasked(w, "inbox item")
			w.check("inbox item")
		}},

		e2eStep{"supervisor triages", func(w *e2e) {
			if err := w.b.Click(w.ctx, `input[name="class"][value="idea"]`); err != nil {
				w.t.Fatal(err)
			}
			w.fillCSS("#f-handler", strconv.FormatInt(sup.ID, 10))
			w.submit(`form[action="`+itemPath+`/triage"]:not(:has(input[name="op"]))`, http.StatusOK)
			w.wantText("#notice", w.tr("inbox.done.triage"))
			w.wantText("dl.details", w.tr("inbox.class.idea"), sup.Name)
			w.check("inbox item, triaged")
		}},

		e2eStep{"supervisor replies", func(w *e2e) {
			w.fillCSS("#f-reply", reply)
			w.submit(`form[action="`+itemPath+`/reply"]`, http.StatusOK)
			w.wantText("#notice", w.tr("inbox.done.reply"))
			w.wantText("dl.details", w.tr("inbox.status.answered"))
			w.wantText("section[aria-labelledby=reply-h]", reply)
			w.check("inbox item, answered")
			w.screenshot("inbox item, answered")
		}},

		e2eStep{"supervisor publishes", func(w *e2e) {
			w.submit(`form[action="`+itemPath+`/publish"]`, http.StatusOK)
			w.wantText("#notice", w.tr("inbox.done.publish"))
			if !w.has(`form[action="` + itemPath + `/unpublish"]`) {
				w.t.Errorf("no withdraw button after publishing:\n%s", w.mainText())
			}
			w.check("inbox item, published")
			w.read(func(tx *store.Tx) error {
				it, err := tx.Feedback(w.t.Context(), item.ID)
				if err == nil && (it.Status != feedback.StatusAnswered || !it.Published() || it.HandlerID != sup.ID || it.Class != feedback.ClassIdea) {
					w.t.Errorf("stored item after handling: status %s, published %v, handler %d (want %d), class %s",
						it.Status, it.Published(), it.HandlerID, sup.ID, it.Class)
				}
				return err
			})
			w.logout()
		}},

		e2eStep{"client sees the reply", func(w *e2e) {
			w.pubNextWindow() // a fresh rate-limit window for the lookups
			w.visit(statusURL, http.StatusOK)
			w.wantText("main", reply, w.tr("public.status.answered"),
				w.tr("public.event.replied"), w.tr("public.event.published"), w.tr("public.role.supervisor"))
			if main := w.text("main"); strings.Contains(main, sup.Name) {
				w.t.Errorf("the public status page names the supervisor %q:\n%s", sup.Name, main)
			}
			wantMasked(w, "status page with the reply")
			w.check("status page with the reply")
			w.screenshot("status page with the reply")
		}},

		e2eStep{"public list shows the masked text", func(w *e2e) {
			w.visit("/palaute", http.StatusOK)
			wantPage(w, "fi", w.tr("public.published.title"))
			sec := fmt.Sprintf("section[aria-labelledby=item-%d]", item.ID)
			if !w.has(sec) {
				w.t.Fatalf("the public list lacks the item:\n%s", w.mainText())
			}
			w.wantText(sec, reply)
			wantMasked(w, "public list")
			w.check("public list")
		}},

		e2eStep{"reply queued to the email", func(w *e2e) {
			w.read(func(tx *store.Tx) error {
				msgs, _, err := tx.ListMessages(w.t.Context(), store.MessageFilter{FeedbackID: item.ID})
				if err != nil {
					return err
				}
				// The receipt (sent at intake) and the reply, one each.
				var replies, receipts []store.Message
				for _, m := range msgs {
					switch {
					case strings.HasPrefix(m.EventKey, "reply:"):
						replies = append(replies, m)
					case strings.HasPrefix(m.EventKey, "receipt:"):
						receipts = append(receipts, m)
					default:
						w.t.Errorf("unexpected message %s to %s", m.EventKey, m.Recipient)
					}
				}
				if len(receipts) != 1 {
					w.t.Errorf("%d receipt messages for the item, want 1", len(receipts))
				}
				if len(replies) != 1 {
					w.t.Fatalf("%d reply messages for the item, want 1: %+v", len(replies), msgs)
				}
				m := replies[0]
				if m.Channel != store.ChannelEmail || m.Recipient != e2eClientEmail || m.Status == store.MessageFailed {
					w.t.Errorf("message: channel %s to %s, status %s", m.Channel, m.Recipient, m.Status)
				}
				if !strings.Contains(m.Body, reply) || !strings.Contains(m.Body, code.String()) && !strings.Contains(m.Body, code.Display()) {
					w.t.Errorf("message body lacks the reply or the code:\n%s", m.Body)
				}
				if strings.Contains(m.Subject+m.Body, e2eHETU) {
					w.t.Errorf("message carries the identity code:\n%s", m.Body)
				}
				return nil
			})
		}},
	)
}
