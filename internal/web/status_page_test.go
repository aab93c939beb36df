package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"kuulu/internal/domain"
	"kuulu/internal/feedback"
	"kuulu/internal/store"
)

// pubUpdate changes a stored item through the store, as the unit's
// handlers would.
func pubUpdate(t *testing.T, e *testEnv, code string, fn func(*feedback.Item), events ...feedback.Event) {
	t.Helper()
	if err := e.db.Write(context.Background(), func(tx *store.Tx) error {
		it, err := tx.FeedbackByCode(context.Background(), code)
		if err != nil {
			return err
		}
		fn(&it)
		if err := tx.UpdateFeedback(context.Background(), &it); err != nil {
			return err
		}
		for _, ev := range events {
			ev.FeedbackID = it.ID
			if err := tx.AddFeedbackEvent(context.Background(), &ev); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func TestStatusPageObjectionHistoryAndReply(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		c := e.client()
		code := pubSubmit(t, c, pubSlug, pubValidForm(e))
		var supervisor int64
		e.db.Read(context.Background(), func(tx *store.Tx) error {
			p, err := tx.PersonByEmail(context.Background(), "esihenkilo@kainuu.example")
			supervisor = p.ID
			return err
		})
		pubUpdate(t, e, code, func(it *feedback.Item) {
			it.Class = feedback.ClassObjection
			it.Status = feedback.StatusInHandling
			it.DueAt = it.ReceivedAt.AddDate(0, 0, 30)
		},
			feedback.Event{Kind: feedback.EventClass, Status: feedback.StatusInHandling, ActorID: supervisor, ActorRole: "supervisor", Public: true},
			feedback.Event{Kind: feedback.EventStatus, Status: feedback.StatusInHandling, ActorID: supervisor, ActorRole: "supervisor", Public: true},
			feedback.Event{Kind: feedback.EventNote, Status: feedback.StatusInHandling, ActorID: supervisor, ActorRole: "supervisor", Public: false, Note: "SISÄINEN MUISTIINPANO"},
		)
		for _, l := range domain.Langs {
			r := c.get("/t/" + code + "?lang=" + string(l))
			if r.Status != http.StatusOK {
				t.Fatalf("%s: %d", l, r.Status)
			}
			for _, key := range []string{"public.objection.heading", "public.objection.no_appeal", "public.objection.kantelu", "public.objection.kantelu_where",
				"public.track.due_objection", "public.role.supervisor", "public.event.classified"} {
				if !strings.Contains(r.Body, e.pubMsg(l, key)) {
					t.Errorf("%s: lacks %s", l, key)
				}
			}
			if !strings.Contains(r.Body, e.pubMsg(l, "public.objection.written", 30)) {
				t.Errorf("%s: lacks the written answer and its days", l)
			}
			if strings.Contains(r.Body, "SISÄINEN") || strings.Contains(r.Body, "Esihenkilö Demo") {
				t.Errorf("%s: internal note or a name on the status page", l)
			}
		}
		var name string
		e.db.Read(context.Background(), func(tx *store.Tx) error {
			p, err := tx.Person(context.Background(), supervisor)
			name = p.Name
			return err
		})
		if r := c.get("/t/" + code); strings.Contains(r.Body, name) {
			t.Errorf("the handler's name %q is shown", name)
		}

		// The reply (masked when stored) and the answered status.
		pubUpdate(t, e, code, func(it *feedback.Item) {
			now := e.clock.T
			it.Status, it.AnsweredAt, it.Reply, it.RepliedBy = feedback.StatusAnswered, &now, "Kiitos. Lisäämme aulaan tuoleja.", supervisor
		}, feedback.Event{Kind: feedback.EventReply, Status: feedback.StatusAnswered, ActorID: supervisor, ActorRole: "supervisor", Public: true})
		r := c.get("/t/" + code + "?lang=fi")
		if r.Status != http.StatusOK {
			t.Fatalf("answered: %d\n%s", r.Status, r.Body)
		}
		for _, want := range []string{"Lisäämme aulaan tuoleja.", e.pubMsg("fi", "public.status.answered"), e.pubMsg("fi", "public.event.replied")} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("answered status page lacks %q", want)
			}
		}
		if strings.Contains(r.Body, e.pubMsg("fi", "public.track.no_reply")) {
			t.Error("says no reply yet")
		}
	})
}

func TestStatusPageOverdue(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		c := e.client()
		code := pubSubmit(t, c, pubSlug, pubValidForm(e))
		e.clock.Advance(15 * 24 * 60 * 60 * 1e9)
		if r := c.get("/t/" + code + "?lang=fi"); !strings.Contains(r.Body, e.pubMsg("fi", "public.track.overdue")) {
			t.Error("an overdue item is not marked late")
		}
	})
}
