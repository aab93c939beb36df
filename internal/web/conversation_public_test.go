package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"kuulu/internal/conversation"
	"kuulu/internal/domain"
	"kuulu/internal/store"
)

// convFixture is a conversation made through the store for a test.
type convFixture struct {
	conv  conversation.Conversation
	stmts []conversation.Statement
}

// newConversation stores an open, anonymous, post-moderated conversation
// with n accepted statements (the first two are seeds); change adjusts the
// conversation before it is saved.
func newConversation(t *testing.T, e *testEnv, slug string, n int, change func(*conversation.Conversation)) convFixture {
	t.Helper()
	now := e.clock.Now()
	c := conversation.Conversation{Slug: slug, Topic: domain.Text{FI: "Aihe " + slug, SV: "Ämne " + slug, EN: "Topic " + slug},
		Description: domain.Text{FI: "Kuvaus.", SV: "Beskrivning.", EN: "Description."}, Background: domain.Text{FI: "Taustatieto."},
		OpensAt: now.Add(-24 * time.Hour), AllowStatements: true, Moderation: conversation.ModeratePost, Identification: conversation.Anonymous}
	if change != nil {
		change(&c)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	f := convFixture{}
	err := e.db.Write(context.Background(), func(tx *store.Tx) error {
		if err := tx.SaveConversation(context.Background(), &c); err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			s := conversation.Statement{ConversationID: c.ID, Text: fmt.Sprintf("Väite numero %d kertoo asiasta %c.", i+1, 'A'+rune(i%26)),
				Seed: i < 2, Status: conversation.StatementAccepted, Lang: "fi"}
			if err := tx.AddStatement(context.Background(), &s); err != nil {
				return err
			}
			f.stmts = append(f.stmts, s)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f.conv = c
	return f
}

func (c *client) postJSON(path string, form url.Values) resp {
	c.e.t.Helper()
	req, _ := http.NewRequest("POST", c.e.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Accept", "application/json")
	return c.do(req)
}

func vote(id int64, value string) url.Values {
	return url.Values{"statement": {fmt.Sprint(id)}, "value": {value}}
}

// votesOf counts the stored votes of a conversation and its participants.
func votesOf(t *testing.T, e *testEnv, convID int64) (votes, participants int) {
	t.Helper()
	err := e.db.Read(context.Background(), func(tx *store.Tx) error {
		if err := tx.QueryRow(context.Background(), "SELECT COUNT(*) FROM votes WHERE conversation_id = ?", convID).Scan(&votes); err != nil {
			return err
		}
		return tx.QueryRow(context.Background(), "SELECT COUNT(*) FROM conversation_participants WHERE conversation_id = ?", convID).Scan(&participants)
	})
	if err != nil {
		t.Fatal(err)
	}
	return votes, participants
}

func TestConversationList(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		newConversation(t, e, "avoin", 2, nil)
		newConversation(t, e, "tuleva", 2, func(c *conversation.Conversation) { c.OpensAt = e.clock.Now().Add(48 * time.Hour) })
		newConversation(t, e, "paattynyt", 2, func(c *conversation.Conversation) { c.Closed = true })
		r := e.client().get("/keskustelut?lang=sv")
		if r.Status != http.StatusOK {
			t.Fatalf("status %d", r.Status)
		}
		for _, want := range []string{"Ämne avoin", `href="/keskustelut/avoin?lang=sv"`, "Ämne paattynyt", `href="/keskustelut/paattynyt/raportti?lang=sv"`, "Beskrivning."} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("list lacks %q", want)
			}
		}
		if strings.Contains(r.Body, "tuleva") {
			t.Error("an upcoming conversation is listed")
		}
	})
}

func TestConversationVotingWithoutJavaScript(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := newConversation(t, e, "sote", 9, nil)
		c := e.client()
		r := c.get("/keskustelut/sote")
		if r.Status != http.StatusOK {
			t.Fatalf("page: %d", r.Status)
		}
		ck := r.Header.Get("Set-Cookie")
		if !strings.Contains(ck, fmt.Sprintf("kuulu_p_%d=", f.conv.ID)) || !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax") {
			t.Errorf("participant cookie: %q", ck)
		}
		for _, want := range []string{`<fieldset>`, `<legend id="vote-legend"`, `name="value" value="agree"`, `name="value" value="disagree"`,
			`name="value" value="pass"`, "Olet vastannut 0 väitteeseen 9:stä.", "Taustatieto.", `id="vote-status" role="status"`} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if v, p := votesOf(t, e, f.conv.ID); v != 0 || p != 0 {
			t.Errorf("looking at the page stored %d votes, %d participants", v, p)
		}
		// Answer every statement the page offers, as a browser without
		// JavaScript does: post, follow the redirect, read the next one.
		seen := map[string]bool{}
		for i := 0; i < 9; i++ {
			id := between(r.Body, `name="statement" value="`, `"`)
			if id == "" || seen[id] {
				t.Fatalf("answer %d: statement %q (seen %v)", i, id, seen)
			}
			seen[id] = true
			res := c.post("/keskustelut/sote/vote?lang=fi", url.Values{"statement": {id}, "value": {"agree"}})
			if res.Status != http.StatusSeeOther || res.Location != "/keskustelut/sote?lang=fi&vastattu=1#vote" {
				t.Fatalf("vote: %d %q\n%s", res.Status, res.Location, res.Body)
			}
			r = c.get("/keskustelut/sote?lang=fi&vastattu=1")
			if !strings.Contains(r.Body, fmt.Sprintf("Olet vastannut %d väitteeseen 9:stä.", i+1)) || !strings.Contains(r.Body, "Vastauksesi tallennettiin.") {
				t.Fatalf("progress after %d answers missing", i+1)
			}
			if ready := strings.Contains(r.Body, `href="/keskustelut/sote/kartta?lang=fi"`); ready != (i+1 >= conversation.MinVotesForMap) {
				t.Errorf("after %d answers map link shown = %v", i+1, ready)
			}
		}
		if strings.Contains(r.Body, `id="vote-form"`) || !strings.Contains(r.Body, "Olet vastannut kaikkiin väitteisiin") {
			t.Error("after every statement the form should give way to the done message")
		}
		// Change an answer: the page shows that statement with the answer now.
		first := f.stmts[0].ID
		r = c.get(fmt.Sprintf("/keskustelut/sote?lang=fi&muuta=%d", first))
		if !strings.Contains(r.Body, fmt.Sprintf(`name="statement" value="%d"`, first)) || !strings.Contains(r.Body, "Vastasit aiemmin: Samaa mieltä.") {
			t.Errorf("change page:\n%s", between(r.Body, `<section id="vote"`, `</section>`))
		}
		if res := c.post("/keskustelut/sote/vote?lang=fi", vote(first, "disagree")); res.Status != http.StatusSeeOther {
			t.Fatalf("change: %d", res.Status)
		}
		var got map[int64]int8
		e.db.Read(context.Background(), func(tx *store.Tx) error {
			var pid int64
			tx.QueryRow(context.Background(), "SELECT id FROM conversation_participants WHERE conversation_id = ?", f.conv.ID).Scan(&pid)
			got, _ = tx.ParticipantVotes(context.Background(), pid)
			return nil
		})
		if len(got) != 9 || got[first] != conversation.Disagree {
			t.Errorf("votes = %v: the last answer should count", got)
		}
		if v, p := votesOf(t, e, f.conv.ID); v != 9 || p != 1 {
			t.Errorf("%d votes, %d participants", v, p)
		}
	})
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i+len(from):]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return ""
}

func TestConversationVoteJSON(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := newConversation(t, e, "json", 3, nil)
		c := e.client()
		c.get("/keskustelut/json")
		r := c.postJSON("/keskustelut/json/vote?lang=en", vote(f.stmts[0].ID, "pass"))
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("status %d %s\n%s", r.Status, r.Header.Get("Content-Type"), r.Body)
		}
		var rep voteReply
		if err := json.Unmarshal([]byte(r.Body), &rep); err != nil {
			t.Fatal(err)
		}
		if rep.Saved.Statement != f.stmts[0].ID || rep.Saved.Answer != "pass" || rep.Saved.Label != "Skip / not sure" || rep.Answered != 1 || rep.Total != 3 ||
			rep.Progress != "You have answered 1 of 3 statements." || rep.Next == nil || rep.Next.ID == f.stmts[0].ID || rep.MapReady {
			t.Errorf("reply %+v", rep)
		}
		for _, s := range f.stmts[1:] {
			r = c.postJSON("/keskustelut/json/vote?lang=en", vote(s.ID, "agree"))
		}
		json.Unmarshal([]byte(r.Body), &rep)
		// Three statements in all: min(7, 3) answers open the map.
		if rep.Next != nil || !rep.MapReady || rep.MapURL != "/keskustelut/json/kartta?lang=en" {
			t.Errorf("last reply %+v", rep)
		}
	})
}

func TestConversationVoteRefusals(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := newConversation(t, e, "kielto", 3, nil)
		closed := newConversation(t, e, "suljettu", 1, func(c *conversation.Conversation) { c.Closed = true })
		upcoming := newConversation(t, e, "tuleva", 1, func(c *conversation.Conversation) { c.OpensAt = e.clock.Now().Add(time.Hour) })
		pre := newConversation(t, e, "esi", 1, func(c *conversation.Conversation) { c.Moderation = conversation.ModeratePre })
		ctx := context.Background()
		var pending conversation.Statement
		err := e.db.Write(ctx, func(tx *store.Tx) error {
			if err := tx.ModerateStatement(ctx, f.stmts[2].ID, conversation.StatementRejected, conversation.RejectOffensive, false, 0); err != nil {
				return err
			}
			pending = conversation.Statement{ConversationID: pre.conv.ID, Text: "Odottaa", Status: conversation.StatementPending, Lang: "fi"}
			return tx.AddStatement(ctx, &pending)
		})
		if err != nil {
			t.Fatal(err)
		}
		c := e.client()
		cases := []struct {
			name, path string
			form       url.Values
			status     int
			msg        string
		}{
			{"closed", "/keskustelut/suljettu/vote", vote(closed.stmts[0].ID, "agree"), 409, "The conversation has closed"},
			{"upcoming", "/keskustelut/tuleva/vote", vote(upcoming.stmts[0].ID, "agree"), 409, "has not started yet"},
			{"rejected", "/keskustelut/kielto/vote", vote(f.stmts[2].ID, "agree"), 409, "A moderator has removed the statement"},
			{"pending under pre-moderation", "/keskustelut/esi/vote", vote(pending.ID, "agree"), 409, "waiting for moderation"},
			{"unknown statement", "/keskustelut/kielto/vote", vote(999999, "agree"), 404, "was not found in this conversation"},
			{"statement of another conversation", "/keskustelut/kielto/vote", vote(closed.stmts[0].ID, "agree"), 404, "was not found in this conversation"},
			{"no statement", "/keskustelut/kielto/vote", url.Values{"value": {"agree"}}, 404, "was not found"},
			{"value outside the three", "/keskustelut/kielto/vote", vote(f.stmts[0].ID, "maybe"), 400, "Choose agree, disagree or skip"},
			{"numeric value", "/keskustelut/kielto/vote", vote(f.stmts[0].ID, "2"), 400, "Choose agree"},
			{"unknown conversation", "/keskustelut/ei-ole/vote", vote(f.stmts[0].ID, "agree"), 404, ""},
		}
		for _, tc := range cases {
			r := c.post(tc.path+"?lang=en", tc.form)
			if r.Status != tc.status || !strings.Contains(r.Body, tc.msg) {
				t.Errorf("%s (HTML): %d, want %d with %q\n%s", tc.name, r.Status, tc.status, tc.msg, between(r.Body, `<main`, `</main>`))
			}
			r = c.postJSON(tc.path+"?lang=en", tc.form)
			var body struct{ Error struct{ Message string } }
			json.Unmarshal([]byte(r.Body), &body)
			if r.Status != tc.status || !strings.Contains(body.Error.Message, tc.msg) {
				t.Errorf("%s (JSON): %d %s", tc.name, r.Status, r.Body)
			}
		}
		for _, conv := range []int64{f.conv.ID, closed.conv.ID, upcoming.conv.ID, pre.conv.ID} {
			if v, _ := votesOf(t, e, conv); v != 0 {
				t.Errorf("conversation %d: %d votes stored by refused requests", conv, v)
			}
		}

		// Banned: refused, nothing saved.
		if r := c.post("/keskustelut/kielto/vote", vote(f.stmts[0].ID, "agree")); r.Status != http.StatusSeeOther {
			t.Fatalf("first vote: %d", r.Status)
		}
		e.db.Write(ctx, func(tx *store.Tx) error {
			var pid int64
			tx.QueryRow(ctx, "SELECT id FROM conversation_participants WHERE conversation_id = ?", f.conv.ID).Scan(&pid)
			return tx.SetParticipantBanned(ctx, pid, true)
		})
		r := c.post("/keskustelut/kielto/vote?lang=en", vote(f.stmts[1].ID, "agree"))
		if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "a moderator has blocked you") {
			t.Errorf("banned: %d", r.Status)
		}
		if v, _ := votesOf(t, e, f.conv.ID); v != 1 {
			t.Errorf("banned participant's vote stored: %d votes", v)
		}
	})
}

func TestConversationVoteRateLimit(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := newConversation(t, e, "nopea", 2, nil)
		c := e.client()
		for i := 0; i < voteLimit; i++ {
			if r := c.postJSON("/keskustelut/nopea/vote", vote(f.stmts[i%2].ID, []string{"agree", "disagree", "pass"}[i%3])); r.Status != http.StatusOK {
				t.Fatalf("vote %d: %d %s", i+1, r.Status, r.Body)
			}
		}
		r := c.postJSON("/keskustelut/nopea/vote?lang=en", vote(f.stmts[0].ID, "agree"))
		if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" || !strings.Contains(r.Body, "faster than anyone can read") {
			t.Errorf("over the limit: %d %q %s", r.Status, r.Header.Get("Retry-After"), r.Body)
		}
		if r := c.post("/keskustelut/nopea/vote?lang=en", vote(f.stmts[0].ID, "agree")); r.Status != http.StatusTooManyRequests || !strings.Contains(r.Body, "faster than anyone can read") || !strings.Contains(r.Body, `role="alert"`) {
			t.Errorf("over the limit (HTML): %d", r.Status)
		}
		// Another participant is not affected.
		if r := e.client().postJSON("/keskustelut/nopea/vote", vote(f.stmts[0].ID, "agree")); r.Status != http.StatusOK {
			t.Errorf("another participant: %d", r.Status)
		}
		// A minute later the participant may go on.
		e.clock.T = e.clock.T.Add(time.Minute)
		if r := c.postJSON("/keskustelut/nopea/vote", vote(f.stmts[0].ID, "agree")); r.Status != http.StatusOK {
			t.Errorf("next window: %d", r.Status)
		}
	})
}

func TestConversationIdentified(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := newConversation(t, e, "tunnistettu", 2, func(c *conversation.Conversation) { c.Identification = conversation.Identified })
		anon := e.client()
		r := anon.get("/keskustelut/tunnistettu?lang=en")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "Strong identification") || strings.Contains(r.Body, `id="vote-form"`) {
			t.Errorf("anonymous page: %d", r.Status)
		}
		if strings.Contains(r.Header.Get("Set-Cookie"), "kuulu_p_") {
			t.Error("identified conversation set a participant cookie")
		}
		r = anon.post("/keskustelut/tunnistettu/vote?lang=en", vote(f.stmts[0].ID, "agree"))
		if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "requires identification, which is not available yet") {
			t.Errorf("anonymous vote: %d", r.Status)
		}
		staff := e.client()
		staff.login("hoitaja@kainuu.example")
		if r := staff.post("/keskustelut/tunnistettu/vote", vote(f.stmts[0].ID, "agree")); r.Status != http.StatusSeeOther {
			t.Errorf("signed-in vote: %d %s", r.Status, r.Body)
		}
		// The same person from another browser is the same participant.
		other := e.client()
		other.login("hoitaja@kainuu.example")
		other.post("/keskustelut/tunnistettu/vote", vote(f.stmts[0].ID, "disagree"))
		if v, p := votesOf(t, e, f.conv.ID); v != 1 || p != 1 {
			t.Errorf("%d votes, %d participants", v, p)
		}
	})
}

func TestConversationStatements(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		post := newConversation(t, e, "jalki", 2, nil)
		newConversation(t, e, "ennakko", 1, func(c *conversation.Conversation) { c.Moderation = conversation.ModeratePre })
		newConversation(t, e, "ei-vaitteita", 1, func(c *conversation.Conversation) { c.AllowStatements = false })
		newConversation(t, e, "ohi", 1, func(c *conversation.Conversation) { c.Closed = true })
		c := e.client()
		submit := func(slug string, v url.Values) resp { return c.post("/keskustelut/"+slug+"/statements?lang=en", v) }

		if r := submit("jalki", url.Values{"text": {"   "}}); r.Status != 422 || !strings.Contains(r.Body, "Write a statement.") {
			t.Errorf("empty: %d", r.Status)
		}
		long := strings.Repeat("a", conversation.MaxStatement+1)
		if r := submit("jalki", url.Values{"text": {long}}); r.Status != 422 || !strings.Contains(r.Body, "at most 500 characters") || !strings.Contains(r.Body, long) {
			t.Errorf("too long: %d", r.Status)
		}
		if r := submit("jalki", url.Values{"text": {post.stmts[0].Text}}); r.Status != 422 || !strings.Contains(r.Body, "Exactly the same statement") {
			t.Errorf("duplicate: %d", r.Status)
		}
		if r := submit("ei-vaitteita", url.Values{"text": {"Uusi asia"}}); r.Status != 409 || !strings.Contains(r.Body, "cannot add statements") {
			t.Errorf("statements not allowed: %d", r.Status)
		}
		if r := submit("ohi", url.Values{"text": {"Uusi asia"}}); r.Status != 409 || !strings.Contains(r.Body, "has closed") {
			t.Errorf("closed: %d", r.Status)
		}
		// A near-duplicate is pointed out before anything is stored.
		near := "Väite numero 1 kertoo asiasta A tänään."
		r := submit("jalki", url.Values{"text": {near}})
		if r.Status != 200 || !strings.Contains(r.Body, "Similar statements already exist") || !strings.Contains(r.Body, post.stmts[0].Text) ||
			!strings.Contains(r.Body, `name="confirm" value="1"`) || !strings.Contains(r.Body, near) {
			t.Errorf("near-duplicate: %d\n%s", r.Status, between(r.Body, `<section id="add"`, `</section>`))
		}
		if n := countStatements(t, e, post.conv.ID); n != 2 {
			t.Errorf("%d statements after the near-duplicate check", n)
		}
		r = submit("jalki", url.Values{"text": {near}, "confirm": {"1"}})
		if r.Status != http.StatusSeeOther || r.Location != "/keskustelut/jalki?lang=en&lisatty=accepted#add" {
			t.Fatalf("confirmed: %d %q", r.Status, r.Location)
		}
		if r := c.get(r.Location[:strings.Index(r.Location, "#")]); !strings.Contains(r.Body, "Others can now answer your statement") {
			t.Error("no notice after adding")
		}
		// Masked, visible at once (post-moderation), agreed by its author.
		r = submit("jalki", url.Values{"text": {"Soittakaa minulle numeroon 040 123 4567 kun aika vapautuu"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("masked: %d %s", r.Status, r.Body)
		}
		var stmts []conversation.Statement
		e.db.Read(context.Background(), func(tx *store.Tx) error {
			stmts, _ = tx.Statements(context.Background(), post.conv.ID, store.StatementFilter{})
			return nil
		})
		last := stmts[len(stmts)-1]
		if strings.Contains(last.Text, "123 4567") || last.Status != conversation.StatementAccepted || last.AuthorID == 0 || last.Agrees != 1 || last.Lang != "en" {
			t.Errorf("stored %+v", last)
		}
		// Pre-moderation: pending, with a notice, and not offered to others.
		r = submit("ennakko", url.Values{"text": {"Kirjaston aukioloaikoja pitäisi pidentää"}})
		if r.Status != http.StatusSeeOther || !strings.Contains(r.Location, "lisatty=pending") {
			t.Fatalf("pre: %d %q", r.Status, r.Location)
		}
		if r := c.get("/keskustelut/ennakko?lang=en&lisatty=pending"); !strings.Contains(r.Body, "shown to others once a moderator has accepted it") {
			t.Error("no pending notice")
		}
		if r := e.client().get("/keskustelut/ennakko"); strings.Contains(r.Body, "Kirjaston aukioloaikoja") || !strings.Contains(r.Body, "0 väitteeseen 1:stä") {
			t.Error("a pending statement is shown to others")
		}
		// Per-participant limit.
		for i := 0; ; i++ {
			r := submit("jalki", url.Values{"text": {fmt.Sprintf("Täysin oma ajatus %c%c", 'k'+rune(i), 'p'+rune(i))}, "confirm": {"1"}})
			if r.Status == http.StatusTooManyRequests {
				if i+3 != statementLimit+1 || !strings.Contains(r.Body, "many statements in a short time") {
					t.Errorf("limited after %d more (2 before): %s", i, between(r.Body, `role="alert"`, `</div>`))
				}
				break
			}
			if r.Status != http.StatusSeeOther || i > statementLimit {
				t.Fatalf("statement %d: %d", i, r.Status)
			}
		}
	})
}

func countStatements(t *testing.T, e *testEnv, convID int64) int {
	var n int
	e.db.Read(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), "SELECT COUNT(*) FROM statements WHERE conversation_id = ?", convID).Scan(&n)
	})
	return n
}

// Two tabs of one browser (one cookie) answering at the same moment never
// make two participants, nor two votes on one statement.
func TestConversationTwoTabs(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := newConversation(t, e, "valilehdet", 20, nil)
		for round := 0; round < 5; round++ {
			c := e.client()
			c.get("/keskustelut/valilehdet") // the cookie, no participant yet
			var wg sync.WaitGroup
			statuses := make(chan int, 16)
			for tab := 0; tab < 8; tab++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					// Half on the same statement, half on different ones.
					s := f.stmts[0]
					if tab%2 == 1 {
						s = f.stmts[1+tab]
					}
					req, _ := http.NewRequest("POST", e.ts.URL+"/keskustelut/valilehdet/vote", strings.NewReader(vote(s.ID, "agree").Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					req.Header.Set("Accept", "application/json")
					res, err := c.http.Do(req)
					if err != nil {
						statuses <- 0
						return
					}
					res.Body.Close()
					statuses <- res.StatusCode
				}()
			}
			wg.Wait()
			close(statuses)
			for s := range statuses {
				if s != http.StatusOK {
					t.Errorf("round %d: status %d", round, s)
				}
			}
		}
		var dupes int
		e.db.Read(context.Background(), func(tx *store.Tx) error {
			return tx.QueryRow(context.Background(), `SELECT COUNT(*) FROM (SELECT participant_id, statement_id FROM votes WHERE conversation_id = ?
				GROUP BY participant_id, statement_id HAVING COUNT(*) > 1) d`, f.conv.ID).Scan(&dupes)
		})
		if v, p := votesOf(t, e, f.conv.ID); p != 5 || v != 5*5 || dupes != 0 {
			t.Errorf("%d participants, %d votes, %d duplicates; want 5, 25, 0", p, v, dupes)
		}
	})
}
