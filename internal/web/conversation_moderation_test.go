package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"kuulu/internal/conversation"
	"kuulu/internal/store"
)

func TestModeration(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		cv := caConv(t, e, "moderoi", nil)
		seed := caStatement(t, e, conversation.Statement{ConversationID: cv.ID, Text: "Aloitus", Seed: true})
		p := caParticipant(t, e, cv.ID, caToken(1))
		q := caParticipant(t, e, cv.ID, caToken(2))
		var st []conversation.Statement
		for i, tx := range []string{"Ensimmäinen", "Toinen", "Kolmas", "Neljäs", "Viides"} {
			author := p.ID
			if i == 4 {
				author = q.ID
			}
			st = append(st, caStatement(t, e, conversation.Statement{ConversationID: cv.ID, Text: tx, AuthorID: author, Status: conversation.StatementPending}))
		}
		caVote(t, e, cv.ID, q.ID, map[int64]int8{seed.ID: 1})
		other := caConv(t, e, "muu", nil)
		foreign := caStatement(t, e, conversation.Statement{ConversationID: other.ID, Text: "Vieras", Status: conversation.StatementPending})

		c := e.client()
		c.login("koordinaattori@kainuu.example")
		base := "/coordinator/conversations/" + strconv.FormatInt(cv.ID, 10)
		r := c.get(base + "/moderation")
		caCheck(t, r, "queue", http.StatusOK, `<span class="stat-value">5</span> <span class="stat-label">Odottaa</span>`,
			`<span class="stat-value">6</span> <span class="stat-label">Kaikki</span>`, "Osallistuja "+strconv.FormatInt(p.ID, 10),
			"4 väittämää, 0 hylätty", `name="bulk_action"`, `<caption id="mod-caption">`, `th scope="col"`)
		// Waiting statements first, oldest first; the accepted seed after them.
		if i, j, k := strings.Index(r.Body, "Ensimmäinen"), strings.Index(r.Body, "Viides"), strings.Index(r.Body, "Aloitus</span>"); !(i < j && j < k) {
			t.Errorf("order: %d %d %d", i, j, k)
		}
		status := func(id int64) conversation.Statement {
			for _, s := range caLoadStatements(t, e, cv.ID) {
				if s.ID == id {
					return s
				}
			}
			t.Fatalf("no statement %d", id)
			return conversation.Statement{}
		}
		id := func(s conversation.Statement) string { return strconv.FormatInt(s.ID, 10) }

		// One at a time.
		r = c.post(base+"/moderation", url.Values{"row": {"accept:" + id(st[0])}, "status": {"pending"}})
		if r.Status != http.StatusSeeOther || !strings.Contains(r.Location, "done=accept&n=1") {
			t.Fatalf("accept: %d %s", r.Status, r.Location)
		}
		if s := status(st[0].ID); s.Status != conversation.StatementAccepted || s.ModeratedAt == nil || s.ModeratedBy == 0 {
			t.Errorf("accepted %+v", s)
		}
		caCheck(t, c.get(r.Location), "after accept", http.StatusOK, "Hyväksytty: 1 väittämää.")
		r = c.post(base+"/moderation", url.Values{"row": {"reject:" + id(st[1])}})
		caCheck(t, r, "reject without reason", http.StatusUnprocessableEntity, "Valitse hylkäämisen syy.")
		if status(st[1].ID).Status != conversation.StatementPending {
			t.Error("rejected without a reason")
		}
		r = c.post(base+"/moderation", url.Values{"row": {"reject:" + id(st[1])}, "reason-" + id(st[1]): {"offensive"}})
		if s := status(st[1].ID); r.Status != http.StatusSeeOther || s.Status != conversation.StatementRejected || s.RejectReason != conversation.RejectOffensive {
			t.Errorf("reject: %d %+v", r.Status, s)
		}
		r = c.post(base+"/moderation", url.Values{"row": {"meta:" + id(st[2])}})
		if s := status(st[2].ID); r.Status != http.StatusSeeOther || !s.Meta || s.Status != conversation.StatementAccepted {
			t.Errorf("meta: %d %+v", r.Status, s)
		}
		caCheck(t, c.get(base+"/moderation?status=meta"), "meta filter", http.StatusOK, "Kolmas", "Poista metamerkintä")
		r = c.post(base+"/moderation", url.Values{"row": {"unmeta:" + id(st[2])}})
		if s := status(st[2].ID); r.Status != http.StatusSeeOther || s.Meta {
			t.Errorf("unmeta: %+v", s)
		}

		// Bulk: the selected ones with one action.
		r = c.post(base+"/moderation", url.Values{"bulk": {"1"}, "bulk_action": {"reject"}, "bulk_reason": {"duplicate"}})
		caCheck(t, r, "bulk without selection", http.StatusUnprocessableEntity, "Valitse vähintään yksi väittämä.")
		r = c.post(base+"/moderation", url.Values{"bulk": {"1"}, "id": {id(st[3]), id(st[4])}, "bulk_action": {"reject"}})
		caCheck(t, r, "bulk reject without reason", http.StatusUnprocessableEntity, "Valitse hylkäämisen syy.", `value="`+id(st[3])+`" id="sel-`+id(st[3])+`" checked`)
		r = c.post(base+"/moderation", url.Values{"bulk": {"1"}, "id": {id(st[3]), id(st[4])}, "bulk_action": {"reject"}, "bulk_reason": {"duplicate"}, "status": {"all"}})
		if r.Status != http.StatusSeeOther || !strings.Contains(r.Location, "done=reject&n=2") {
			t.Fatalf("bulk: %d %s", r.Status, r.Location)
		}
		for _, s := range st[3:] {
			if got := status(s.ID); got.Status != conversation.StatementRejected || got.RejectReason != conversation.RejectDuplicate {
				t.Errorf("bulk rejected %+v", got)
			}
		}
		r = c.post(base+"/moderation", url.Values{"bulk": {"1"}, "id": {id(st[3]), id(st[4])}, "bulk_action": {"accept"}})
		if r.Status != http.StatusSeeOther || status(st[3].ID).Status != conversation.StatementAccepted || status(st[3].ID).RejectReason != "" {
			t.Errorf("bulk accept: %d", r.Status)
		}
		caCheck(t, c.get(base+"/moderation?status=rejected"), "rejected filter", http.StatusOK, "Toinen", "Loukkaava tai vihamielinen")
		if n := len(caAudit(t, e, "statement.")); n != 8 {
			t.Errorf("%d moderation audit entries, want 8", n)
		}
		// Another conversation's statement, an unknown action.
		if r := c.post(base+"/moderation", url.Values{"row": {"accept:" + strconv.FormatInt(foreign.ID, 10)}}); r.Status != http.StatusNotFound {
			t.Errorf("foreign statement: %d", r.Status)
		}
		if r := c.post(base+"/moderation", url.Values{"row": {"delete:" + id(st[0])}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("unknown action: %d", r.Status)
		}

		// Ban and unban the writer.
		pid := strconv.FormatInt(p.ID, 10)
		r = c.post(base+"/participants/"+pid+"/ban", url.Values{"ban": {"1"}, "status": {"all"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("ban: %d", r.Status)
		}
		banned := func() bool {
			var got conversation.Participant
			e.db.Read(context.Background(), func(tx *store.Tx) error {
				var err error
				got, err = tx.ConversationParticipant(context.Background(), p.ID)
				return err
			})
			return got.Banned
		}
		if !banned() {
			t.Error("not banned")
		}
		caCheck(t, c.get(r.Location), "after ban", http.StatusOK, "Osallistuja on estetty.", `<span class="badge badge-danger">Estetty</span>`, "Poista esto")
		if r := c.post(base+"/participants/"+pid+"/ban", url.Values{"ban": {"0"}}); r.Status != http.StatusSeeOther || banned() {
			t.Errorf("unban: %d %v", r.Status, banned())
		}
		if len(caAudit(t, e, "participant.ban")) != 1 || len(caAudit(t, e, "participant.unban")) != 1 {
			t.Error("ban not audited")
		}
		if r := c.post("/coordinator/conversations/"+strconv.FormatInt(other.ID, 10)+"/participants/"+pid+"/ban", url.Values{"ban": {"1"}}); r.Status != http.StatusNotFound {
			t.Errorf("participant of another conversation: %d", r.Status)
		}
		if r := c.post(base+"/participants/"+pid+"/ban", url.Values{"ban": {"x"}}); r.Status != http.StatusBadRequest {
			t.Errorf("bad ban value: %d", r.Status)
		}

		// Long queues come in pages of modPageSize.
		err := e.db.Write(context.Background(), func(tx *store.Tx) error {
			for i := 0; i < modPageSize; i++ {
				st := conversation.Statement{ConversationID: cv.ID, Text: "Jonossa " + strconv.Itoa(i), AuthorID: q.ID, Status: conversation.StatementPending, Lang: "fi"}
				if err := tx.AddStatement(context.Background(), &st); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		r = c.get(base + "/moderation?status=all")
		caCheck(t, r, "first page", http.StatusOK, "Sivu 1 / 2", "Jonossa 0<", `?status=all&amp;page=2`)
		if strings.Contains(r.Body, "Aloitus</span>") {
			t.Error("the accepted seed is on the first page before 100 waiting ones")
		}
		caCheck(t, c.get(base+"/moderation?status=all&page=2"), "second page", http.StatusOK, "Sivu 2 / 2", "Aloitus</span>")

		// Staff may not moderate.
		s := e.client()
		s.login("hoitaja@kainuu.example")
		if r := s.post(base+"/moderation", url.Values{"row": {"reject:" + id(st[0])}, "reason-" + id(st[0]): {"offensive"}}); r.Status != http.StatusForbidden {
			t.Errorf("staff moderates: %d", r.Status)
		}
		if r := s.post(base+"/participants/"+pid+"/ban", url.Values{"ban": {"1"}}); r.Status != http.StatusForbidden || banned() {
			t.Errorf("staff bans: %d", r.Status)
		}
	})
}
