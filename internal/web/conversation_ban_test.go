package web

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"kuulu/internal/conversation"
	"kuulu/internal/mapping"
	"kuulu/internal/polis/opendata"
)

// Banning a participant in moderation takes their earlier answers out of
// the map and the report (the background analysis rebuilds the map) and
// says so; the open-data export keeps them; lifting the ban brings them back.
func TestBanLeavesAnswersOutOfMapAndReport(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		ctx := context.Background()
		cv, f := caSmall(t, e, func(c *conversation.Conversation) { c.ReportOpen = true })
		svc := mapping.New(e.db, slog.New(slog.NewTextHandler(io.Discard, nil)))
		svc.Interval = time.Nanosecond
		analyse := func(stage string) {
			t.Helper()
			time.Sleep(2 * time.Millisecond)
			if n, err := svc.RunOnce(ctx); err != nil || n != 1 {
				t.Fatalf("%s: %d analyses, %v", stage, n, err)
			}
		}
		analyse("first")
		c := e.client()
		c.login("koordinaattori@kainuu.example")
		anon := e.client()
		base := "/coordinator/conversations/" + strconv.FormatInt(cv.ID, 10)
		pub := "/keskustelut/" + cv.Slug
		stats := func(participants, answers int) []string {
			return []string{`<span class="stat-value">` + strconv.Itoa(participants) + `</span> <span class="stat-label">osallistujaa</span>`,
				`<span class="stat-value">` + strconv.Itoa(answers) + `</span> <span class="stat-label">vastausta</span>`}
		}
		// s1's row in the statement table: answers, agrees, disagrees.
		s1Row := func(stage string) []string {
			t.Helper()
			r := c.get(base + "/report.csv")
			recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\ufeff"))).ReadAll()
			if err != nil {
				t.Fatalf("%s: csv %v", stage, err)
			}
			for _, rec := range recs[1:] {
				if rec[1] == f.S[0].Text {
					return rec[3:6]
				}
			}
			t.Fatalf("%s: no s1 in %q", stage, recs)
			return nil
		}
		const bannedNote, zipNote = "Estettyjä osallistujia: 1.", "myös niiden osallistujien, jotka moderaattori on estänyt"

		r := c.get(base + "/report")
		caCheck(t, r, "report before the ban", http.StatusOK, stats(8, 56)...)
		if strings.Contains(r.Body, "Estettyjä osallistujia") || strings.Contains(r.Body, zipNote) {
			t.Error("a note on banned participants without any")
		}
		caCheck(t, c.get(base+"/map"), "map before the ban", http.StatusOK, "8 ihmistä on vastannut.")
		if got := s1Row("before the ban"); strings.Join(got, " ") != "8 3 4" {
			t.Errorf("s1 before the ban: %q", got)
		}

		// The moderation page tells what a ban does to earlier answers.
		caCheck(t, c.get(base+"/moderation?status=all"), "moderation", http.StatusOK,
			"Myös hänen aiemmat vastauksensa poistuvat mielipidekartasta ja vastausmääristä", "jos poistat eston, ne lasketaan taas mukaan")

		// Ban p5 (in the second camp; disagreed with s1).
		pid := strconv.FormatInt(f.P[4].ID, 10)
		r = c.post(base+"/participants/"+pid+"/ban", url.Values{"ban": {"1"}, "status": {"all"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("ban: %d", r.Status)
		}
		caCheck(t, c.get(r.Location), "after the ban", http.StatusOK, "Osallistuja on estetty. Hänen vastauksensa poistuvat mielipidekartasta muutamassa sekunnissa.")
		analyse("after the ban")
		r = c.get(base + "/report")
		caCheck(t, r, "report after the ban", http.StatusOK, append(stats(7, 49), bannedNote, zipNote)...)
		caCheck(t, c.get(base+"/map"), "map after the ban", http.StatusOK, "7 ihmistä on vastannut.")
		if got := s1Row("after the ban"); strings.Join(got, " ") != "7 3 3" {
			t.Errorf("s1 after the ban: %q", got)
		}
		// The public report counts the same and mentions the export, not the number.
		r = anon.get(pub + "/raportti")
		caCheck(t, r, "public report after the ban", http.StatusOK, append(stats(7, 49), zipNote)...)
		if strings.Contains(r.Body, "Estettyjä osallistujia") {
			t.Error("the public report shows the coordinators' note")
		}
		caCheck(t, anon.get(pub+"/kartta"), "public map after the ban", http.StatusOK, "7 ihmistä on vastannut.")

		// The export keeps every answer; its analysis is the map's.
		r = anon.get(pub + "/export.zip")
		zr, err := zip.NewReader(bytes.NewReader([]byte(r.Body)), int64(len(r.Body)))
		if err != nil {
			t.Fatal(err)
		}
		od, err := opendata.ReadFS(zr)
		if err != nil {
			t.Fatal(err)
		}
		votes, err := readZipCSV(zr, "votes.csv", func(rd *bytes.Reader) (int, error) {
			v, err := opendata.ReadVotes(rd, "votes.csv", nil)
			return len(v), err
		})
		if err != nil || votes != 56 {
			t.Errorf("votes.csv after the ban: %d %v", votes, err)
		}
		for _, p := range od.Participants {
			if p.ID == f.P[4].ID && (p.NVotes != 7 || p.GroupID != -1) {
				t.Errorf("banned participant in the export: %+v", p)
			}
			if p.ID != f.P[4].ID && p.GroupID < 0 {
				t.Errorf("participant without a group in the export: %+v", p)
			}
		}
		for _, cm := range od.Comments {
			if cm.ID == f.S[0].ID && (cm.Agrees != 3 || cm.Disagrees != 4) {
				t.Errorf("s1 in the export: %+v", cm)
			}
		}
		if od.SummaryValue("voters") != "8" || od.SummaryValue("voters-in-conv") != "7" {
			t.Errorf("summary after the ban: %+v", od.Summary)
		}

		// Lifted: counted again.
		r = c.post(base+"/participants/"+pid+"/ban", url.Values{"ban": {"0"}, "status": {"all"}})
		caCheck(t, c.get(r.Location), "after the unban", http.StatusOK, "Hänen vastauksensa lasketaan taas mukaan mielipidekarttaan")
		analyse("after the unban")
		r = c.get(base + "/report")
		caCheck(t, r, "report after the unban", http.StatusOK, stats(8, 56)...)
		if strings.Contains(r.Body, "Estettyjä osallistujia") {
			t.Error("the note on banned participants after the unban")
		}
		caCheck(t, c.get(base+"/map"), "map after the unban", http.StatusOK, "8 ihmistä on vastannut.")
		if got := s1Row("after the unban"); strings.Join(got, " ") != "8 3 4" {
			t.Errorf("s1 after the unban: %q", got)
		}
		// In Swedish and English too (the language sticks: these come last).
		caCheck(t, c.get(base+"/moderation?status=all&lang=sv"), "moderation (sv)", http.StatusOK, "Också hens tidigare svar tas bort från opinionskartan")
		caCheck(t, c.get(base+"/moderation?status=all&lang=en"), "moderation (en)", http.StatusOK, "Their earlier answers are also taken out of the opinion map")
	})
}
