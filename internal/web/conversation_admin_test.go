package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"kuulu/internal/conversation"
	"kuulu/internal/domain"
	"kuulu/internal/mapping"
	"kuulu/internal/polis"
	"kuulu/internal/store"
)

// The tests store an analysis and read it back at once.
func init() { convResultMaxAge, convCountsMaxAge = time.Nanosecond, 0 }

// ---- helpers shared by the conversation admin, moderation, map and report tests ----

// caConv stores a conversation (open since a day, anonymous, pre-moderated
// unless mut changes it).
func caConv(t *testing.T, e *testEnv, slug string, mut func(*conversation.Conversation)) conversation.Conversation {
	t.Helper()
	now := e.clock.Now()
	c := conversation.Conversation{Slug: slug, Topic: domain.Text{FI: "Aihe " + slug, SV: "Ämne " + slug, EN: "Topic " + slug},
		Description: domain.Text{FI: "Kuvaus."}, Moderation: conversation.ModeratePre, Identification: conversation.Anonymous,
		AllowStatements: true, OpensAt: now.Add(-24 * time.Hour)}
	if mut != nil {
		mut(&c)
	}
	if err := e.db.Write(context.Background(), func(tx *store.Tx) error { return tx.SaveConversation(context.Background(), &c) }); err != nil {
		t.Fatal(err)
	}
	return c
}

// caStatement stores a statement.
func caStatement(t *testing.T, e *testEnv, s conversation.Statement) conversation.Statement {
	t.Helper()
	if s.Lang == "" {
		s.Lang = "fi"
	}
	if s.Status == "" {
		s.Status = conversation.StatementAccepted
	}
	if err := e.db.Write(context.Background(), func(tx *store.Tx) error { return tx.AddStatement(context.Background(), &s) }); err != nil {
		t.Fatal(err)
	}
	return s
}

// caToken is a participant cookie value for participant number n.
func caToken(n int) string {
	return strings.Repeat("p", 40) + strconv.Itoa(100+n)
}

// caParticipant stores a participant whose cookie holds token.
func caParticipant(t *testing.T, e *testEnv, convID int64, token string) conversation.Participant {
	t.Helper()
	var p conversation.Participant
	err := e.db.Write(context.Background(), func(tx *store.Tx) error {
		var err error
		p, err = tx.CreateParticipant(context.Background(), convID, sha256Hex(token), "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// caVote stores answers of a participant, one a minute.
func caVote(t *testing.T, e *testEnv, convID, participant int64, votes map[int64]int8) {
	t.Helper()
	at := e.clock.Now().Add(-time.Hour)
	err := e.db.Write(context.Background(), func(tx *store.Tx) error {
		for s, v := range votes {
			at = at.Add(time.Minute)
			if err := tx.Vote(context.Background(), convID, participant, s, v, at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// caAnalyze computes the analysis from the stored votes the way the
// background analysis does (participants in the order they joined,
// statements by id, rejected statements moderated out, meta statements
// meta) and stores it; it returns the result.
func caAnalyze(t *testing.T, e *testEnv, convID int64) *polis.Result {
	t.Helper()
	ctx := context.Background()
	m := polis.NewMatrix()
	var states []store.StatementState
	var votes []store.VoteRow
	err := e.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if states, err = tx.StatementStates(ctx, convID, nil); err != nil {
			return err
		}
		return tx.VotesInRowOrder(ctx, convID, func(v store.VoteRow) error { votes = append(votes, v); return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range states {
		m.AddStatement(s.ID)
		m.SetModeratedOut(s.ID, s.Status == conversation.StatementRejected)
		m.SetMeta(s.ID, s.Meta)
	}
	for _, v := range votes {
		if err := m.Set(v.ParticipantID, v.StatementID, v.Value); err != nil {
			t.Fatal(err)
		}
	}
	m.SortStatements()
	r := polis.Analyze(m, polis.Options{})
	b, err := mapping.Encode(r)
	if err != nil {
		t.Fatal(err)
	}
	last := e.clock.Now()
	err = e.db.Write(ctx, func(tx *store.Tx) error {
		return tx.SaveConversationResult(ctx, store.ConversationResult{ConversationID: convID, ComputedAt: e.clock.Now(),
			VotesSeen: int64(len(votes)), LastVoteAt: &last, JSON: string(b)})
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// caUntranslated finds an i18n key shown instead of its text.
var caUntranslated = regexp.MustCompile(`\[(conv|convadmin|convmod|convmap|convreport|err|field|form|nav|layout)\.[a-z0-9_.]+\]`)

func caCheck(t *testing.T, r resp, what string, status int, must ...string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, r.Status, status, r.Body)
	}
	if k := caUntranslated.FindString(r.Body); k != "" {
		t.Errorf("%s: caUntranslated %s", what, k)
	}
	for _, m := range must {
		if !strings.Contains(r.Body, m) {
			t.Errorf("%s: page lacks %q", what, m)
		}
	}
}

func caAudit(t *testing.T, e *testEnv, action string) []store.AuditEntry {
	t.Helper()
	var out []store.AuditEntry
	err := e.db.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		out, err = tx.AuditLog(context.Background(), store.AuditFilter{Action: action, Limit: 100})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func caLoadConv(t *testing.T, e *testEnv, id int64) conversation.Conversation {
	t.Helper()
	var c conversation.Conversation
	err := e.db.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		c, err = tx.Conversation(context.Background(), id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func caLoadStatements(t *testing.T, e *testEnv, convID int64) []conversation.Statement {
	t.Helper()
	var out []conversation.Statement
	err := e.db.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		out, err = tx.Statements(context.Background(), convID, store.StatementFilter{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// ---- the coordinator pages ----

func caForm(mut func(url.Values)) url.Values {
	f := url.Values{
		"topic_fi": {"Terveysaseman ajanvaraus"}, "topic_sv": {"Tidsbokning"}, "topic_en": {"Booking an appointment"},
		"description_fi": {"Miten ajanvarausta pitäisi kehittää?"}, "background_fi": {"Taustaa.\n\n- yksi\n- kaksi"},
		"slug": {"ajanvaraus-2026"}, "opens_at": {"2026-11-10T09:00"}, "closes_at": {"2026-12-10T16:30"},
		"allow_statements": {"on"}, "moderation": {"pre"}, "identification": {"anonymous"},
		"seeds": {"Ajan saa helposti puhelimella.\r\n\r\nSoita minulle 040 123 4567, jos aika peruuntuu.\nNettiajanvaraus on selkeä."}, "seed_lang": {"fi"},
	}
	if mut != nil {
		mut(f)
	}
	return f
}

func caIDFrom(t *testing.T, loc string) int64 {
	t.Helper()
	m := regexp.MustCompile(`^/coordinator/conversations/(\d+)\?saved=`).FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("redirect to %q", loc)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

func TestConversationCreateEditClose(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		c := e.client()
		c.login("koordinaattori@kainuu.example")
		caCheck(t, c.get("/coordinator/conversations"), "empty list", http.StatusOK, "Uusi keskustelu", "Keskusteluja ei ole vielä")
		caCheck(t, c.get("/coordinator/conversations/new"), "new form", http.StatusOK, `type="datetime-local"`, `name="seeds"`, `<fieldset`,
			`value="pre" checked`, `value="anonymous" checked`)

		// Create: times are Helsinki wall-clock times; seed lines are masked.
		area := int64(0)
		e.db.Read(context.Background(), func(tx *store.Tx) error {
			areas, err := tx.ServiceAreas(context.Background())
			if err == nil && len(areas) > 0 {
				area = areas[0].ID
			}
			return err
		})
		r := c.post("/coordinator/conversations", caForm(func(f url.Values) {
			f.Set("service_area", strconv.FormatInt(area, 10))
			f.Set("report_open", "on")
		}))
		if r.Status != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", r.Status, r.Body)
		}
		id := caIDFrom(t, r.Location)
		got := caLoadConv(t, e, id)
		if got.Slug != "ajanvaraus-2026" || got.Topic.SV != "Tidsbokning" || got.Background.FI != "Taustaa.\n\n- yksi\n- kaksi" ||
			got.Moderation != conversation.ModeratePre || !got.AllowStatements || !got.ReportOpen || got.ServiceAreaID != area {
			t.Errorf("stored %+v", got)
		}
		if want := time.Date(2026, 11, 10, 7, 0, 0, 0, time.UTC); !got.OpensAt.Equal(want) {
			t.Errorf("opens %v, want %v", got.OpensAt, want)
		}
		if want := time.Date(2026, 12, 10, 14, 30, 0, 0, time.UTC); got.ClosesAt == nil || !got.ClosesAt.Equal(want) {
			t.Errorf("closes %v, want %v", got.ClosesAt, want)
		}
		sts := caLoadStatements(t, e, id)
		if len(sts) != 3 || !sts[0].Seed || sts[0].Status != conversation.StatementAccepted || sts[1].Text != "Soita minulle [PUH], jos aika peruuntuu." {
			t.Errorf("seeds %+v", sts)
		}
		if len(caAudit(t, e, "conversation.create")) != 1 {
			t.Error("create not audited")
		}
		caCheck(t, c.get(r.Location), "edit page", http.StatusOK, "Keskustelu on luotu", `value="2026-11-10T09:00"`, `value="2026-12-10T16:30"`,
			"Terveysaseman ajanvaraus", "/keskustelut/ajanvaraus-2026", "Lisää väittämiä", "Sulje keskustelu nyt")

		// Validation: field errors with 422, the error summary, typed values kept.
		r = c.post("/coordinator/conversations", caForm(func(f url.Values) {
			f.Set("topic_fi", "")
			f.Set("slug", "Huono osoite")
			f.Del("moderation")
			f.Set("closes_at", "2026-11-01T10:00")
			f.Set("topic_sv", "Säilyy")
		}))
		caCheck(t, r, "invalid create", http.StatusUnprocessableEntity, `class="error-summary"`, `href="#f-topic_fi"`, `href="#f-slug"`,
			`href="#f-moderation"`, `href="#f-closes_at"`, `value="Säilyy"`, `aria-invalid="true"`)
		r = c.post("/coordinator/conversations", caForm(func(f url.Values) { f.Set("opens_at", "huomenna") }))
		caCheck(t, r, "bad date", http.StatusUnprocessableEntity, `href="#f-opens_at"`, "Anna päivä ja kellonaika")
		r = c.post("/coordinator/conversations", caForm(func(f url.Values) {
			f.Set("slug", "toinen")
			f.Set("seeds", "Hyvä\n"+strings.Repeat("x", conversation.MaxStatement+1))
		}))
		caCheck(t, r, "long seed", http.StatusUnprocessableEntity, `href="#f-seeds"`, "Rivi 2 on liian pitkä")
		r = c.post("/coordinator/conversations", caForm(func(f url.Values) { f.Set("slug", "kolmas"); f.Set("seeds", "Sama\nsama") }))
		caCheck(t, r, "repeated seed", http.StatusUnprocessableEntity, "Rivi 2 toistaa rivin 1")
		r = c.post("/coordinator/conversations", caForm(func(f url.Values) { f.Set("unit", "999999") }))
		caCheck(t, r, "unknown unit", http.StatusUnprocessableEntity, `href="#f-unit"`)
		// Slug conflict is a field error too.
		r = c.post("/coordinator/conversations", caForm(nil))
		caCheck(t, r, "slug taken", http.StatusUnprocessableEntity, `href="#f-slug"`)
		if n := len(caAudit(t, e, "conversation.create")); n != 1 {
			t.Errorf("%d creates audited after refusals", n)
		}

		// Edit.
		r = c.post("/coordinator/conversations/"+strconv.FormatInt(id, 10), caForm(func(f url.Values) {
			f.Set("topic_fi", "Ajanvaraus terveysasemalle")
			f.Del("report_open")
			f.Set("moderation", "post")
			f.Set("closes_at", "")
		}))
		if r.Status != http.StatusSeeOther {
			t.Fatalf("update: %d\n%s", r.Status, r.Body)
		}
		got = caLoadConv(t, e, id)
		if got.Topic.FI != "Ajanvaraus terveysasemalle" || got.ReportOpen || got.Moderation != conversation.ModeratePost || got.ClosesAt != nil {
			t.Errorf("updated %+v", got)
		}
		r = c.post("/coordinator/conversations/"+strconv.FormatInt(id, 10), caForm(func(f url.Values) { f.Set("identification", "x") }))
		caCheck(t, r, "invalid update", http.StatusUnprocessableEntity, `href="#f-identification"`)
		if len(caAudit(t, e, "conversation.update")) != 1 {
			t.Error("update not audited")
		}

		// Add statements later; a repeat of an existing one is refused.
		r = c.post("/coordinator/conversations/"+strconv.FormatInt(id, 10)+"/statements", url.Values{"seeds": {"Uusi väittämä\nToinen uusi"}, "seed_lang": {"sv"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("add: %d\n%s", r.Status, r.Body)
		}
		if sts := caLoadStatements(t, e, id); len(sts) != 5 || sts[4].Lang != "sv" || !sts[4].Seed {
			t.Errorf("after adding: %+v", sts)
		}
		r = c.post("/coordinator/conversations/"+strconv.FormatInt(id, 10)+"/statements", url.Values{"seeds": {"uusi   VÄITTÄMÄ"}})
		caCheck(t, r, "existing statement", http.StatusUnprocessableEntity, "Rivin 1 väittämä on jo keskustelussa")
		r = c.post("/coordinator/conversations/"+strconv.FormatInt(id, 10)+"/statements", url.Values{"seeds": {"  "}})
		caCheck(t, r, "no statements", http.StatusUnprocessableEntity, `href="#f-seeds"`)

		// Close now, and reopen.
		if r := c.post("/coordinator/conversations/"+strconv.FormatInt(id, 10)+"/close", url.Values{"close": {"1"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("close: %d", r.Status)
		}
		if got := caLoadConv(t, e, id); !got.Closed || got.StateAt(e.clock.Now()) != conversation.StateClosed {
			t.Error("not closed")
		}
		caCheck(t, c.get("/coordinator/conversations/"+strconv.FormatInt(id, 10)), "closed edit page", http.StatusOK, "Avaa uudelleen")
		caCheck(t, c.get("/coordinator/conversations"), "list", http.StatusOK, "Ajanvaraus terveysasemalle", "Päättynyt")
		if r := c.post("/coordinator/conversations/"+strconv.FormatInt(id, 10)+"/close", url.Values{"close": {"0"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("reopen: %d", r.Status)
		}
		if caLoadConv(t, e, id).Closed {
			t.Error("not reopened")
		}
		if len(caAudit(t, e, "conversation.close")) != 1 || len(caAudit(t, e, "conversation.reopen")) != 1 {
			t.Error("close/reopen not audited")
		}
		if r := c.post("/coordinator/conversations/"+strconv.FormatInt(id, 10)+"/close", url.Values{}); r.Status != http.StatusBadRequest {
			t.Errorf("close without value: %d", r.Status)
		}

		// Staff may not.
		s := e.client()
		s.login("hoitaja@kainuu.example")
		for _, p := range []string{"/coordinator/conversations", "/coordinator/conversations/new", "/coordinator/conversations/" + strconv.FormatInt(id, 10)} {
			if r := s.get(p); r.Status != http.StatusForbidden {
				t.Errorf("staff GET %s: %d", p, r.Status)
			}
		}
		if r := s.post("/coordinator/conversations", caForm(func(f url.Values) { f.Set("slug", "staff") })); r.Status != http.StatusForbidden {
			t.Errorf("staff create: %d", r.Status)
		}
	})
}

func TestConversationListCounts(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		cv := caConv(t, e, "laskut", nil)
		s1 := caStatement(t, e, conversation.Statement{ConversationID: cv.ID, Text: "Yksi", Seed: true})
		p := caParticipant(t, e, cv.ID, caToken(1))
		caStatement(t, e, conversation.Statement{ConversationID: cv.ID, Text: "Odottaa", AuthorID: p.ID, Status: conversation.StatementPending})
		caStatement(t, e, conversation.Statement{ConversationID: cv.ID, Text: "Odottaa myös", AuthorID: p.ID, Status: conversation.StatementPending})
		caVote(t, e, cv.ID, p.ID, map[int64]int8{s1.ID: 1})
		caConv(t, e, "tuleva", func(c *conversation.Conversation) { c.OpensAt = e.clock.Now().Add(48 * time.Hour) })
		c := e.client()
		c.login("admin@kainuu.example") // administrators pass the coordinator policy
		r := c.get("/coordinator/conversations")
		caCheck(t, r, "list", http.StatusOK, "Aihe laskut", "Avoinna", "Tulossa", `/coordinator/conversations/`+strconv.FormatInt(cv.ID, 10)+`/moderation?status=pending">2`)
		row := r.Body[strings.Index(r.Body, "Aihe laskut"):]
		row = row[:strings.Index(row, "</tr>")]
		if !strings.Contains(row, `<td class="num">1</td>
<td class="num">1</td>`) {
			t.Errorf("participant and vote counts missing in row:\n%s", row)
		}
	})
}

// TestConversationPagesInEveryLanguage renders every page of this area in
// Finnish, Swedish and English: no key without a translation, the right
// lang attribute.
func TestConversationPagesInEveryLanguage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		cv, _ := caSmall(t, e, func(c *conversation.Conversation) { c.ReportOpen = true })
		caAnalyze(t, e, cv.ID)
		empty := caConv(t, e, "tyhja", nil)
		id, eid := strconv.FormatInt(cv.ID, 10), strconv.FormatInt(empty.ID, 10)
		coord := e.client()
		coord.login("koordinaattori@kainuu.example")
		anon := e.client()
		pages := []struct {
			c    *client
			path string
		}{
			{coord, "/coordinator/conversations"}, {coord, "/coordinator/conversations/new"}, {coord, "/coordinator/conversations/" + id},
			{coord, "/coordinator/conversations/" + id + "/moderation"}, {coord, "/coordinator/conversations/" + id + "/moderation?status=rejected"},
			{coord, "/coordinator/conversations/" + id + "/map"}, {coord, "/coordinator/conversations/" + id + "/map?statements=1"},
			{coord, "/coordinator/conversations/" + id + "/report"}, {coord, "/coordinator/conversations/" + id + "/report?show=divisive&sort=agree"},
			{coord, "/coordinator/conversations/" + eid + "/report"}, {coord, "/coordinator/conversations/" + eid + "/map"},
			{coord, "/coordinator/conversations/" + eid + "/moderation"},
			{anon, "/keskustelut/" + cv.Slug + "/raportti"}, {anon, "/keskustelut/" + cv.Slug + "/kartta"},
		}
		for _, p := range pages {
			for _, l := range domain.Langs {
				sep := "?"
				if strings.Contains(p.path, "?") {
					sep = "&"
				}
				r := p.c.get(p.path + sep + "lang=" + string(l))
				caCheck(t, r, p.path+" ("+string(l)+")", http.StatusOK, `<html lang="`+string(l)+`">`, `class="skip-link"`)
			}
		}
		// The gates, too.
		for _, l := range domain.Langs {
			caCheck(t, anon.get("/keskustelut/tyhja/raportti?lang="+string(l)), "report gate", http.StatusForbidden, `<html lang="`+string(l)+`">`)
			caCheck(t, anon.get("/keskustelut/tyhja/kartta?lang="+string(l)), "map gate", http.StatusForbidden, `<html lang="`+string(l)+`">`)
		}
	})
}
