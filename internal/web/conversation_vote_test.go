package web

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp/kb"

	"kuulu/internal/browsertest"
	"kuulu/internal/conversation"
	"kuulu/internal/store"
)

// TestConversationVotingInBrowser answers statements in headless Chromium
// with JavaScript (vote.js: no reload, focus on the next statement, the
// live region, by keyboard) and without it (one form post per answer), adds
// a statement through the near-duplicate check, and checks every page with
// axe-core (WCAG 2.1 A and AA). It skips without Chromium or axe-core.
func TestConversationVotingInBrowser(t *testing.T) {
	for _, noJS := range []bool{false, true} {
		name := "js"
		var opts []browsertest.Option
		if noJS {
			name, opts = "nojs", []browsertest.Option{browsertest.WithoutJavaScript()}
		}
		t.Run(name, func(t *testing.T) {
			w := newE2E(t, opts...)
			f := newConversation(t, w.testEnv, "selain", 9, nil)
			newConversation(t, w.testEnv, "paattynyt", 2, func(c *conversation.Conversation) { c.Closed = true })
			w.steps(
				e2eStep{"list", func(w *e2e) {
					w.visit("/keskustelut?lang=fi", 200)
					w.check("conversation list")
					w.click(`a[href="/keskustelut/selain?lang=fi"]`, 200)
				}},
				e2eStep{"voting page", func(w *e2e) {
					w.wantText("#vote-progress", "Olet vastannut 0 väitteeseen 9:stä.")
					w.check("voting page")
					w.screenshot("conversation-" + name)
				}},
				e2eStep{"answer", func(w *e2e) {
					for i := 1; i <= conversation.MinVotesForMap; i++ {
						value := []string{"agree", "disagree", "pass"}[i%3]
						if noJS {
							w.click(`#vote-form button[value="`+value+`"]`, 200)
						} else if i%2 == 0 {
							// By keyboard: the focus is on the statement, the
							// first Tab reaches "agree".
							w.waitFocus("legend#vote-legend", "the statement")
							w.press(kb.Tab)
							w.press(kb.Enter)
						} else if err := w.b.Click(w.ctx, `#vote-form button[value="`+value+`"]`); err != nil {
							w.t.Fatal(err)
						}
						w.waitText("#vote-progress", fmt.Sprintf("Olet vastannut %d väitteeseen 9:stä.", i))
						if !noJS {
							w.waitFocus("legend#vote-legend", "the next statement")
							w.wantText("#vote-status", "Vastauksesi tallennettiin")
							if !strings.HasSuffix(w.location(), "/keskustelut/selain?lang=fi") {
								w.t.Errorf("the page was reloaded: %s", w.location())
							}
						}
					}
					w.wantText("#answers", "Väite numero")
					if !w.has(`#map-hint a[href="/keskustelut/selain/kartta?lang=fi"]`) {
						w.t.Errorf("no map link after %d answers: %s", conversation.MinVotesForMap, w.text("#map-hint"))
					}
					w.check("voting page after answers")
					w.screenshot("conversation-answered-" + name)
				}},
				e2eStep{"change an answer", func(w *e2e) {
					w.click(`#answers a`, 200)
					w.wantText("#vote-current", "Vastasit aiemmin")
					w.check("changing an answer")
					if noJS {
						w.click(`#vote-form button[value="pass"]`, 200)
					} else if err := w.b.Click(w.ctx, `#vote-form button[value="pass"]`); err != nil {
						w.t.Fatal(err)
					}
					w.waitText("#vote-progress", fmt.Sprintf("Olet vastannut %d väitteeseen 9:stä.", conversation.MinVotesForMap))
				}},
				e2eStep{"add a statement", func(w *e2e) {
					w.visit("/keskustelut/selain?lang=fi", 200)
					w.fill(w.tr("conv.add.label"), f.stmts[0].Text+" tänään")
					w.submit(`#add form`, 200)
					w.wantText("#similar", w.tr("conv.add.similar_heading"), f.stmts[0].Text)
					if !noJS {
						w.waitFocus("div#similar.notice.notice-warning", "the similar statements")
					}
					w.check("similar statements")
					w.screenshot("conversation-similar-" + name)
					w.click(`#add button[name="confirm"]`, 200)
					w.wantText("#add", w.tr("conv.add.accepted"))
					w.check("statement added")
				}},
				e2eStep{"refused", func(w *e2e) {
					w.visit("/keskustelut/selain?lang=fi", 200)
					c := f.conv
					c.Closed = true
					if err := w.db.Write(w.t.Context(), func(tx *store.Tx) error { return tx.SaveConversation(w.t.Context(), &c) }); err != nil {
						w.t.Fatal(err)
					}
					if noJS {
						w.click(`#vote-form button[value="agree"]`, 409)
						w.wantText("#error-summary", w.tr("err.conversation.closed"))
					} else {
						if err := w.b.Click(w.ctx, `#vote-form button[value="agree"]`); err != nil {
							w.t.Fatal(err)
						}
						w.waitText("#vote-error", w.tr("err.conversation.closed"))
					}
					w.check("answer refused")
				}},
				e2eStep{"closed", func(w *e2e) {
					w.visit("/keskustelut/paattynyt?lang=fi", 200)
					w.wantText("main", w.tr("conv.state.closed"))
					w.check("closed conversation")
				}},
			)
		})
	}
}

// waitText waits until the text of selector contains want (vote.js updates
// the page after its request returns).
func (w *e2e) waitText(selector, want string) {
	w.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := w.text(selector)
		if strings.Contains(got, want) {
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("text of %q lacks %q; it is %q\n%s", selector, want, got, w.mainText())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
