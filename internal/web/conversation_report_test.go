package web

import (
	"archive/zip"
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"kuulu/internal/conversation"
	"kuulu/internal/polis"
	"kuulu/internal/polis/opendata"
	"kuulu/internal/store"
)

// caFixture is the hand-made conversation of the map and report tests.
type caFixture struct {
	S []conversation.Statement   // s1…s7; s7 is rejected
	P []conversation.Participant // p1…p8; p1…p4 and p5…p8 answer alike
}

// caSmall stores a conversation with a hand-made vote matrix (1 agree,
// −1 disagree, 0 pass) that splits into two groups of four:
//
//	      s1 s2 s3 s4 s5 s6 s7
//	p1     1  1 -1  1 -1  1  1
//	p2     1  1 -1  1 -1  1  1
//	p3     1  1 -1  1 -1 -1  1
//	p4     0  1 -1  1 -1  0  1
//	p5    -1 -1  1  1 -1  1  1
//	p6    -1 -1  1  1 -1 -1  1
//	p7    -1 -1  1  1 -1  0  1
//	p8    -1 -1  1  1 -1  0  1
//
// Everyone agrees with s4 and disagrees with s5 (consensus); s7 is
// rejected, so it is 0 in the analysis and not in the report.
func caSmall(t *testing.T, e *testEnv, mut func(*conversation.Conversation)) (conversation.Conversation, caFixture) {
	t.Helper()
	cv := caConv(t, e, "pieni", mut)
	var f caFixture
	texts := []string{"Ajanvaraus toimii hyvin.", "Jonot ovat lyhyet.", "Palvelu on liian kaukana.", "Henkilökunta on ystävällistä.",
		"Kaikki on täydellistä.", "Etäpalvelu riittää.", "Hylättävä väittämä."}
	for i, tx := range texts {
		f.S = append(f.S, caStatement(t, e, conversation.Statement{ConversationID: cv.ID, Text: tx, Seed: i < 6}))
	}
	matrix := [][]int8{
		{1, 1, -1, 1, -1, 1, 1}, {1, 1, -1, 1, -1, 1, 1}, {1, 1, -1, 1, -1, -1, 1}, {0, 1, -1, 1, -1, 0, 1},
		{-1, -1, 1, 1, -1, 1, 1}, {-1, -1, 1, 1, -1, -1, 1}, {-1, -1, 1, 1, -1, 0, 1}, {-1, -1, 1, 1, -1, 0, 1},
	}
	for i, row := range matrix {
		p := caParticipant(t, e, cv.ID, caToken(i+1))
		f.P = append(f.P, p)
		votes := map[int64]int8{}
		for j, v := range row {
			votes[f.S[j].ID] = v
		}
		caVote(t, e, cv.ID, p.ID, votes)
	}
	err := e.db.Write(context.Background(), func(tx *store.Tx) error {
		return tx.ModerateStatement(context.Background(), f.S[6].ID, conversation.StatementRejected, conversation.RejectOffTopic, false, 0)
	})
	if err != nil {
		t.Fatal(err)
	}
	return cv, f
}

// caGroupOf returns the letter of a participant's group in the result
// (groups lettered by id).
func caGroupOf(t *testing.T, r *polis.Result, pid int64) (string, int) {
	t.Helper()
	g, ok := r.GroupOf(pid)
	if !ok {
		t.Fatalf("participant %d not in a group", pid)
	}
	ids := []int{}
	for _, gc := range r.GroupClusters {
		ids = append(ids, gc.ID)
	}
	slices.Sort(ids)
	return groupLetter(slices.Index(ids, g)), g
}

// caNB puts the no-break space that Finnish and Swedish texts have before "%".
func caNB(s string) string { return strings.ReplaceAll(s, " %", "\u00a0%") }

func section(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `<section id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no section %s", id)
	}
	s := body[i:]
	return s[:strings.Index(s, "</section>")]
}

func TestReportGroupsConsensusDivisive(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		cv, f := caSmall(t, e, nil)
		c := e.client()
		c.login("koordinaattori@kainuu.example")
		base := "/coordinator/conversations/" + strconv.FormatInt(cv.ID, 10)

		// Before any analysis the report and the map say so.
		caCheck(t, c.get(base+"/report"), "report without result", http.StatusOK, "Tuloksia ei ole vielä", "Ajanvaraus toimii hyvin.",
			`<span class="stat-value">8</span> <span class="stat-label">osallistujaa</span>`, `<span class="stat-value">56</span> <span class="stat-label">vastausta</span>`,
			"Ryhmiä ei ole vielä muodostunut.")
		caCheck(t, c.get(base+"/map"), "map without result", http.StatusOK, "Karttaa ei ole vielä")

		res := caAnalyze(t, e, cv.ID)
		if len(res.GroupClusters) != 2 {
			t.Fatalf("groups = %d", len(res.GroupClusters))
		}
		la, ga := caGroupOf(t, res, f.P[0].ID)
		lb, _ := caGroupOf(t, res, f.P[4].ID)
		if la == lb {
			t.Fatal("p1 and p5 in one group")
		}
		r := c.get(base + "/report")
		caCheck(t, r, "report", http.StatusOK, "Ryhmä "+la+": 4 henkilöä", "Ryhmä "+lb+": 4 henkilöä", caNB(`<svg class="bar" aria-hidden="true" focusable="false"><rect width="75%"></rect></svg> 75 %`))
		if strings.Contains(r.Body, "Hylättävä väittämä.") {
			t.Error("rejected statement in the report")
		}
		// p1's group on s1: 3 agree, 0 disagree, 1 pass of 4. Its table has
		// the row with those shares (s1 is representative of both groups).
		groups := section(t, r.Body, "groups")
		ga0 := groups[strings.Index(groups, `id="group-`+la+`"`):]
		if i := strings.Index(ga0[1:], `<h3 id="group-`); i >= 0 {
			ga0 = ga0[:i]
		}
		row := ga0[strings.Index(ga0, "Ajanvaraus toimii hyvin."):]
		row = row[:strings.Index(row, "</tr>")]
		for _, want := range []string{"samaa mieltä (75 %)", `width="75%"></rect></svg> 75 %`, `width="0%"></rect></svg> 0 %`, `width="25%"></rect></svg> 25 %`, `<td class="num">4</td>`} {
			if want = caNB(want); !strings.Contains(row, want) {
				t.Errorf("group %s row for s1 lacks %q:\n%s", la, want, row)
			}
		}
		for _, rep := range res.Repness[ga] {
			if rep.TID == f.S[6].ID {
				continue
			}
			i := slices.IndexFunc(f.S, func(s conversation.Statement) bool { return s.ID == rep.TID })
			if !strings.Contains(ga0, f.S[i].Text) {
				t.Errorf("group %s lacks its representative statement %q", la, f.S[i].Text)
			}
		}
		// Consensus: everyone agreed with s4, disagreed with s5 (8 of 8).
		cons := section(t, r.Body, "consensus")
		agree := cons[:strings.Index(cons, "Useimmat olivat eri mieltä")]
		if !strings.Contains(agree, "Henkilökunta on ystävällistä.") || strings.Contains(agree, "Kaikki on täydellistä.") ||
			!strings.Contains(agree, caNB(`width="100%"></rect></svg> 100 %`)) {
			t.Errorf("consensus agree:\n%s", agree)
		}
		if dis := cons[strings.Index(cons, "Useimmat olivat eri mieltä"):]; !strings.Contains(dis, "Kaikki on täydellistä.") {
			t.Errorf("consensus disagree:\n%s", dis)
		}
		// Divisive: s2 and s3 (100 points), s1 (75), s6 (50 − 25 = 25); not s4, s5.
		div := section(t, r.Body, "divisive")
		order := []string{"Jonot ovat lyhyet.", "Palvelu on liian kaukana.", "Ajanvaraus toimii hyvin.", "Etäpalvelu riittää."}
		last := -1
		for _, s := range order {
			i := strings.Index(div, s)
			if i < 0 || i < last {
				t.Errorf("divisive order: %q at %d (after %d)\n%s", s, i, last, div)
			}
			last = i
		}
		if strings.Contains(div, "Henkilökunta") || !strings.Contains(div, caNB("100 %-yks.")) || !strings.Contains(div, caNB("25 %-yks.")) {
			t.Errorf("divisive:\n%s", div)
		}
		// The statement table: s1 is 3 agree, 4 disagree, 1 pass of 8.
		tbl := section(t, r.Body, "statements")
		s1 := tbl[strings.Index(tbl, "Ajanvaraus toimii hyvin."):]
		s1 = s1[:strings.Index(s1, "</tr>")]
		for _, want := range []string{`<td class="num">8</td>`, `<td class="num">38 %</td>`, `<td class="num">50 %</td>`, `<td class="num">13 %</td>`, "Jakaa ryhmiä"} {
			if want = caNB(want); !strings.Contains(s1, want) {
				t.Errorf("table row s1 lacks %q:\n%s", want, s1)
			}
		}
		// Filters and sorting.
		r = c.get(base + "/report?show=consensus")
		tbl = section(t, r.Body, "statements")
		if !strings.Contains(tbl, "2 väittämää.") || !strings.Contains(tbl, "Henkilökunta") || strings.Contains(tbl, "Jonot ovat lyhyet.") {
			t.Errorf("consensus filter:\n%s", tbl)
		}
		r = c.get(base + "/report?show=" + la)
		if tbl = section(t, r.Body, "statements"); strings.Contains(tbl, "Henkilökunta") || !strings.Contains(tbl, "Ajanvaraus toimii hyvin.") {
			t.Errorf("group filter:\n%s", tbl)
		}
		r = c.get(base + "/report?sort=agree")
		tbl = section(t, r.Body, "statements")
		if strings.Index(tbl, "Henkilökunta") > strings.Index(tbl, "Kaikki on täydellistä.") || !strings.Contains(tbl, `aria-sort="descending"`) {
			t.Error("sort by agree")
		}
		r = c.get(base + "/report?sort=agree&order=asc")
		if tbl = section(t, r.Body, "statements"); strings.Index(tbl, "Henkilökunta") < strings.Index(tbl, "Kaikki on täydellistä.") {
			t.Error("sort by agree ascending")
		}
		// Participation over time: 56 answers, all on 2 Nov 2026 (Helsinki).
		tm := section(t, r.Body, "time")
		if !strings.Contains(tm, `<th scope="row">2.11.2026</th><td class="num">56</td>`) || !strings.Contains(tm, `<svg class="chart"`) {
			t.Errorf("time:\n%s", tm)
		}
		caCheck(t, r, "report notes", http.StatusOK, "Kehittämistoimenpiteitä ei vielä ole Kuulussa")
	})
}

func TestReportCSVAndExports(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		cv, f := caSmall(t, e, nil)
		res := caAnalyze(t, e, cv.ID)
		c := e.client()
		c.login("koordinaattori@kainuu.example")
		base := "/coordinator/conversations/" + strconv.FormatInt(cv.ID, 10)

		// The statement table as CSV.
		r := c.get(base + "/report.csv?lang=en")
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv: %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 7 || recs[0][0] != "id" || recs[0][7] != "agree %" {
			t.Fatalf("csv = %q", recs)
		}
		byText := map[string][]string{}
		for _, rec := range recs[1:] {
			byText[rec[1]] = rec
		}
		if s1 := byText["Ajanvaraus toimii hyvin."]; s1 == nil || s1[3] != "8" || s1[4] != "3" || s1[5] != "4" || s1[6] != "1" || s1[7] != "38" || s1[8] != "50" || s1[9] != "13" {
			t.Errorf("s1 = %q", s1)
		}
		if s4 := byText["Henkilökunta on ystävällistä."]; s4 == nil || s4[7] != "100" || !slices.Contains(s4, "agree") {
			t.Errorf("s4 = %q", s4)
		}

		// The open-data export: unzip, read back with the open-data reader,
		// and analyse again: the same groups.
		r = c.get(base + "/export.zip")
		if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/zip" {
			t.Fatalf("zip: %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		zr, err := zip.NewReader(bytes.NewReader([]byte(r.Body)), int64(len(r.Body)))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, zf := range zr.File {
			names = append(names, zf.Name)
		}
		slices.Sort(names)
		if !slices.Equal(names, []string{"comments.csv", "participants-votes.csv", "summary.csv", "votes.csv"}) {
			t.Errorf("zip files %v", names)
		}
		od, err := opendata.ReadFS(zr)
		if err != nil {
			t.Fatal(err)
		}
		if len(od.Comments) != 7 || len(od.Participants) != 8 {
			t.Fatalf("export: %d comments, %d participants", len(od.Comments), len(od.Participants))
		}
		for _, cm := range od.Comments {
			want := 1
			if cm.ID == f.S[6].ID {
				want = -1
				if cm.Body != "Hylättävä väittämä." {
					t.Errorf("coordinator export lacks the rejected text: %q", cm.Body)
				}
			}
			if cm.Moderated != want || cm.AuthorID != -1 {
				t.Errorf("comment %+v", cm)
			}
			if cm.ID == f.S[0].ID && (cm.Agrees != 3 || cm.Disagrees != 4) {
				t.Errorf("s1 counts %+v", cm)
			}
		}
		votes, err := readZipCSV(zr, "votes.csv", func(rd *bytes.Reader) (int, error) {
			v, err := opendata.ReadVotes(rd, "votes.csv", nil)
			return len(v), err
		})
		if err != nil || votes != 56 {
			t.Errorf("votes.csv: %d %v", votes, err)
		}
		if od.SummaryValue("voters") != "8" || od.SummaryValue("groups") != "2" || od.SummaryValue("voters-in-conv") != "8" ||
			od.SummaryValue("topic") != cv.Topic.FI {
			t.Errorf("summary %+v", od.Summary)
		}
		// Participants in the order they joined, with Kuulu's ids.
		for i, p := range od.Participants {
			if p.ID != f.P[i].ID || p.NVotes != 7 {
				t.Errorf("participant %d: %+v", i, p)
			}
		}
		m, err := od.Matrix()
		if err != nil {
			t.Fatal(err)
		}
		again := polis.Analyze(m, polis.Options{})
		for i, p := range od.Participants {
			g1, _ := res.GroupOf(f.P[i].ID)
			g2, _ := again.GroupOf(p.ID)
			want, _ := res.GroupOf(f.P[0].ID)
			want2, _ := again.GroupOf(od.Participants[0].ID)
			if (g1 == want) != (g2 == want2) || (g1 == want) != (p.GroupID == od.Participants[0].GroupID) {
				t.Errorf("participant %d: group %d in Kuulu, %d exported, %d re-analysed", i, g1, p.GroupID, g2)
			}
		}
		if len(again.Consensus.Agree) != 1 || again.Consensus.Agree[0].TID != f.S[3].ID {
			t.Errorf("re-analysed consensus %+v", again.Consensus)
		}
		if len(caAudit(t, e, "conversation.export")) != 1 {
			t.Error("export not audited")
		}

		// A group's and the consensus statements as a summary.
		la, ga := caGroupOf(t, res, f.P[0].ID)
		r = c.get(base + "/summary?of=" + la + "&format=txt&lang=fi")
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
			t.Fatalf("summary: %d", r.Status)
		}
		if !strings.Contains(r.Body, "Ryhmä "+la+": 4 henkilöä") || !strings.Contains(r.Body, "Kehittämistoimenpiteitä ei vielä ole") {
			t.Errorf("summary:\n%s", r.Body)
		}
		for _, rep := range res.Repness[ga] {
			i := slices.IndexFunc(f.S, func(s conversation.Statement) bool { return s.ID == rep.TID })
			if !strings.Contains(r.Body, f.S[i].Text) {
				t.Errorf("summary lacks %q", f.S[i].Text)
			}
		}
		if !strings.Contains(r.Body, caNB("- Ajanvaraus toimii hyvin.\n  samaa mieltä 75 %, eri mieltä 0 %, ohitti 25 % (4 vastausta)")) {
			t.Errorf("summary shares:\n%s", r.Body)
		}
		r = c.get(base + "/summary?of=consensus&format=csv&lang=en")
		recs, err = csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\ufeff"))).ReadAll()
		if err != nil || len(recs) != 3 || recs[1][1] != "Henkilökunta on ystävällistä." || recs[1][2] != "agree" || recs[2][2] != "disagree" || recs[1][4] != "100" {
			t.Errorf("consensus csv %q %v", recs, err)
		}
		if r := c.get(base + "/summary?of=Q"); r.Status != http.StatusNotFound {
			t.Errorf("unknown group: %d", r.Status)
		}
	})
}

func TestVotesOverTime(t *testing.T) {
	h := func(s string, n int) store.HourCount {
		tm, err := time.Parse("2006-01-02T15", s)
		if err != nil {
			t.Fatal(err)
		}
		return store.HourCount{Hour: tm, Votes: n}
	}
	// 21:00 UTC on 1 June is midnight in Helsinki (summer time): the next day.
	days, weekly := votesOverTime([]store.HourCount{h("2026-06-01T20", 2), h("2026-06-01T21", 3), h("2026-06-04T09", 1)})
	if weekly || len(days) != 4 || days[0].Votes != 2 || days[1].Votes != 3 || days[2].Votes != 0 || days[3].Votes != 1 ||
		days[1].Day.Format("2006-01-02") != "2026-06-02" {
		t.Errorf("days %+v", days)
	}
	// Longer than maxDailyBars days: weeks from Monday.
	weeks, weekly := votesOverTime([]store.HourCount{h("2026-01-07T10", 1), h("2026-01-08T10", 1), h("2026-06-01T10", 5)})
	if !weekly || weeks[0].Day.Weekday() != time.Monday || weeks[0].Votes != 2 || weeks[len(weeks)-1].Votes != 5 || weeks[len(weeks)-1].Day.Format("2006-01-02") != "2026-06-01" {
		t.Errorf("weeks %+v", weeks)
	}
	if d, _ := votesOverTime(nil); d != nil {
		t.Error("days without answers")
	}
	if votesChartSVG(nil, "x") != "" || !strings.Contains(string(votesChartSVG(days, "<t>")), "&lt;t&gt;") {
		t.Error("chart")
	}
}

func readZipCSV(zr *zip.Reader, name string, fn func(*bytes.Reader) (int, error)) (int, error) {
	for _, zf := range zr.File {
		if zf.Name != name {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return 0, err
		}
		var buf bytes.Buffer
		buf.ReadFrom(rc)
		rc.Close()
		return fn(bytes.NewReader(buf.Bytes()))
	}
	return 0, nil
}

func TestReportVisibility(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		end := e.clock.Now().Add(7 * 24 * time.Hour)
		cv, f := caSmall(t, e, func(c *conversation.Conversation) { c.ClosesAt = &end })
		caAnalyze(t, e, cv.ID)
		pub := "/keskustelut/" + cv.Slug
		anon := e.client()
		staff := e.client()
		staff.login("hoitaja@kainuu.example")
		coord := e.client()
		coord.login("koordinaattori@kainuu.example")
		// Open and not opened: hidden from the public, with the date.
		for _, c := range []*client{anon, staff} {
			caCheck(t, c.get(pub+"/raportti"), "hidden report", http.StatusForbidden, "Raportti julkaistaan, kun keskustelu päättyy 9.11.2026")
			if r := c.get(pub + "/report.csv"); r.Status != http.StatusForbidden {
				t.Errorf("hidden csv: %d", r.Status)
			}
			if r := c.get(pub + "/export.zip"); r.Status != http.StatusForbidden {
				t.Errorf("hidden zip: %d", r.Status)
			}
		}
		// Coordinators always: at their own address and the public one.
		base := "/coordinator/conversations/" + strconv.FormatInt(cv.ID, 10)
		caCheck(t, coord.get(base+"/report"), "coordinator report", http.StatusOK, "Raportti ei ole vielä julkinen")
		caCheck(t, coord.get(pub+"/raportti"), "coordinator at public report", http.StatusOK)
		// Staff may not use the coordinator pages.
		for _, p := range []string{"/report", "/map", "/report.csv", "/export.zip", "/summary?of=consensus", "/moderation"} {
			if r := staff.get(base + p); r.Status != http.StatusForbidden {
				t.Errorf("staff %s: %d", p, r.Status)
			}
		}
		// Opened by the coordinator: public, and the public export leaves out
		// the text of rejected statements.
		if err := e.db.Write(context.Background(), func(tx *store.Tx) error {
			cv.ReportOpen = true
			return tx.SaveConversation(context.Background(), &cv)
		}); err != nil {
			t.Fatal(err)
		}
		caCheck(t, anon.get(pub+"/raportti"), "opened report", http.StatusOK, "Ryhmä A", "Keskustelu on vielä käynnissä")
		if r := anon.get(pub + "/report.csv"); r.Status != http.StatusOK {
			t.Errorf("opened csv: %d", r.Status)
		}
		r := anon.get(pub + "/export.zip")
		zr, err := zip.NewReader(bytes.NewReader([]byte(r.Body)), int64(len(r.Body)))
		if err != nil {
			t.Fatal(err)
		}
		od, err := opendata.ReadFS(zr)
		if err != nil {
			t.Fatal(err)
		}
		for _, cm := range od.Comments {
			if cm.ID == f.S[6].ID && (cm.Body != "" || cm.Moderated != -1) {
				t.Errorf("public export shows the rejected statement: %+v", cm)
			}
		}
		if strings.Contains(r.Body, "Hylättävä") {
			t.Error("rejected text in the public zip")
		}
		// After closing, public without opening.
		if err := e.db.Write(context.Background(), func(tx *store.Tx) error {
			cv.ReportOpen = false
			return tx.SaveConversation(context.Background(), &cv)
		}); err != nil {
			t.Fatal(err)
		}
		caCheck(t, anon.get(pub+"/raportti"), "hidden again", http.StatusForbidden)
		e.clock.Advance(8 * 24 * time.Hour)
		caCheck(t, anon.get(pub+"/raportti"), "closed report", http.StatusOK, "Keskustelu on päättynyt")
		if r := anon.get("/keskustelut/ei-ole/raportti"); r.Status != http.StatusNotFound {
			t.Errorf("unknown slug: %d", r.Status)
		}
	})
}

// reportRowIDs are the statement ids of the statement table's rows, in order.
var reportRowID = regexp.MustCompile(`<tr>\n<td class="num">(\d+)</td>`)

func reportRowIDs(t *testing.T, body string) []int64 {
	t.Helper()
	var ids []int64
	for _, m := range reportRowID.FindAllStringSubmatch(section(t, body, "statements"), -1) {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		ids = append(ids, id)
	}
	return ids
}

func TestReportTablePaging(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		const n = reportTablePageSize + 30
		cv := caConv(t, e, "suuri", func(c *conversation.Conversation) { c.ReportOpen = true })
		ctx := context.Background()
		var sts []conversation.Statement
		err := e.db.Write(ctx, func(tx *store.Tx) error {
			for i := range n {
				s := conversation.Statement{ConversationID: cv.ID, Text: "Väittämä " + strconv.Itoa(i+1) + ".", Lang: "fi", Status: conversation.StatementAccepted}
				if err := tx.AddStatement(ctx, &s); err != nil {
					return err
				}
				sts = append(sts, s)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// Three participants answer every 2nd, 3rd and 5th statement: from
		// 0 to 3 answers a statement, so that sorting by answers reorders.
		answers := map[int64]int{}
		for p, every := range []int{2, 3, 5} {
			pt := caParticipant(t, e, cv.ID, caToken(p+1))
			votes := map[int64]int8{}
			for i, s := range sts {
				if i%every == 0 {
					votes[s.ID] = 1
					answers[s.ID]++
				}
			}
			caVote(t, e, cv.ID, pt.ID, votes)
		}
		var want []int64
		for _, s := range sts {
			want = append(want, s.ID)
		}
		slices.SortStableFunc(want, func(x, y int64) int { return cmp.Compare(answers[y], answers[x]) })

		c := e.client()
		c.login("koordinaattori@kainuu.example")
		base := "/coordinator/conversations/" + strconv.FormatInt(cv.ID, 10) + "/report"
		r := c.get(base + "?show=all&sort=votes")
		caCheck(t, r, "page 1", http.StatusOK, "130 väittämää. Näytetään rivit 1–100.", `aria-label="Väittämätaulukon sivut"`,
			`<span aria-current="page">Sivu 1 / 2</span>`, `<a href="`+base+`?page=2&amp;sort=votes#statements" rel="next">`)
		tbl := section(t, r.Body, "statements")
		if strings.Contains(tbl, `rel="prev"`) {
			t.Error("page 1 links to a previous page")
		}
		page1 := reportRowIDs(t, r.Body)
		if len(page1) != reportTablePageSize {
			t.Fatalf("page 1 has %d rows", len(page1))
		}

		r = c.get(base + "?page=2&sort=votes")
		caCheck(t, r, "page 2", http.StatusOK, "130 väittämää. Näytetään rivit 101–130.", `<span aria-current="page">Sivu 2 / 2</span>`,
			`<a href="`+base+`?sort=votes#statements" rel="prev">`)
		tbl = section(t, r.Body, "statements")
		if strings.Contains(tbl, `rel="next"`) {
			t.Error("the last page links to a next page")
		}
		// The filter and sort links start from the first page again.
		for _, l := range regexp.MustCompile(`<a href="([^"]*)"`).FindAllStringSubmatch(tbl, -1) {
			if strings.Contains(l[1], "page=") && !strings.Contains(l[0], "rel=") {
				t.Errorf("filter or sort link keeps the page: %s", l[1])
			}
		}
		page2 := reportRowIDs(t, r.Body)
		if len(page2) != n-reportTablePageSize {
			t.Fatalf("page 2 has %d rows", len(page2))
		}
		// Sorted across the pages: page 2 goes on where page 1 ended.
		if got := append(slices.Clone(page1), page2...); !slices.Equal(got, want) {
			t.Errorf("rows by answers\n got %v\nwant %v", got, want)
		}

		// A page past the end shows the last page; a malformed one is a bad request.
		r = c.get(base + "?page=99&sort=votes")
		caCheck(t, r, "page past the end", http.StatusOK, `<span aria-current="page">Sivu 2 / 2</span>`)
		if got := reportRowIDs(t, r.Body); !slices.Equal(got, page2) {
			t.Errorf("page past the end shows %v", got)
		}
		for _, p := range []string{"x", "0", "-1", "1.5", "99999999999999999999999"} {
			caCheck(t, c.get(base+"?page="+url.QueryEscape(p)), "page="+p, http.StatusBadRequest, "Sivunumeroa ei voitu lukea.")
		}
		caCheck(t, c.get(base+"?page=x&lang=en"), "page=x in English", http.StatusBadRequest, "The page number could not be read.")

		// The public report pages alike.
		anon := e.client()
		pub := "/keskustelut/" + cv.Slug + "/raportti"
		r = anon.get(pub + "?page=2&sort=votes&lang=sv")
		caCheck(t, r, "public page 2", http.StatusOK, "Rader 101–130 visas.", `<span aria-current="page">Sida 2 av 2</span>`,
			`<a href="`+pub+`?lang=sv&amp;sort=votes#statements" rel="prev">`)
		if got := reportRowIDs(t, r.Body); !slices.Equal(got, page2) {
			t.Errorf("public page 2 shows %v", got)
		}
		caCheck(t, anon.get(pub+"?page=kaksi&lang=fi"), "public malformed page", http.StatusBadRequest, "Sivunumeroa ei voitu lukea.")

		// The downloads are not paged.
		for _, p := range []string{base + ".csv?page=2", "/keskustelut/" + cv.Slug + "/report.csv"} {
			r := c.get(p)
			recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\ufeff"))).ReadAll()
			if err != nil || len(recs) != n+1 {
				t.Errorf("%s: %d records, %v", p, len(recs), err)
			}
		}
		r = c.get("/coordinator/conversations/" + strconv.FormatInt(cv.ID, 10) + "/export.zip")
		zr, err := zip.NewReader(bytes.NewReader([]byte(r.Body)), int64(len(r.Body)))
		if err != nil {
			t.Fatal(err)
		}
		if od, err := opendata.ReadFS(zr); err != nil || len(od.Comments) != n {
			t.Errorf("export: %v", err)
		}
	})
}

// TestReportTablePageLinks: the page links keep a filter, the sorting and
// the language; the filter and sort links go back to the first page.
func TestReportTablePageLinks(t *testing.T) {
	var rows []reportRow
	for i := range 150 {
		cons := "agree"
		if i%3 == 0 {
			cons = ""
		}
		rows = append(rows, reportRow{Statement: conversation.Statement{ID: int64(i + 1)}, Consensus: cons})
	}
	d := &reportPage{SelfURL: "/r"}
	q := url.Values{"show": {"consensus"}, "sort": {"agree"}, "order": {"asc"}, "lang": {"sv"}}
	d.Table = filterSortRows(q, rows, &convAnalysis{}, d)
	d.pageTable(1)
	if d.TableTotal != 100 || d.Pages != 1 || d.NextURL != "" {
		t.Errorf("100 consensus rows: total %d, %d pages, next %q", d.TableTotal, d.Pages, d.NextURL)
	}
	for i := range rows {
		rows[i].Consensus = "agree"
	}
	d = &reportPage{SelfURL: "/r"}
	d.Table = filterSortRows(q, rows, &convAnalysis{}, d)
	d.pageTable(1)
	if want := "/r?lang=sv&order=asc&page=2&show=consensus&sort=agree#statements"; d.NextURL != want || d.PrevURL != "" || len(d.Table) != 100 {
		t.Errorf("page 1: next %q, prev %q, %d rows", d.NextURL, d.PrevURL, len(d.Table))
	}
	for _, l := range d.ShowLinks {
		if strings.Contains(l.URL, "page=") {
			t.Errorf("filter link %s keeps the page", l.URL)
		}
	}
	for _, l := range d.SortLinks {
		if strings.Contains(l.URL, "page=") {
			t.Errorf("sort link %s keeps the page", l.URL)
		}
	}
	d = &reportPage{SelfURL: "/r"}
	d.Table = filterSortRows(q, rows, &convAnalysis{}, d)
	d.pageTable(7)
	if want := "/r?lang=sv&order=asc&show=consensus&sort=agree#statements"; d.Page != 2 || d.PrevURL != want || d.NextURL != "" ||
		len(d.Table) != 50 || d.TableFrom != 101 || d.TableTo != 150 {
		t.Errorf("past the end: page %d, prev %q, next %q, rows %d (%d–%d)", d.Page, d.PrevURL, d.NextURL, len(d.Table), d.TableFrom, d.TableTo)
	}
	for _, bad := range []string{"x", "0", "-2", " 1"} {
		if _, err := reportTablePage(url.Values{"page": {bad}}); err == nil {
			t.Errorf("page %q accepted", bad)
		}
	}
	if p, err := reportTablePage(url.Values{}); p != 1 || err != nil {
		t.Errorf("no page: %d %v", p, err)
	}
}
