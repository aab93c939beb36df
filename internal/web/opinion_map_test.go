package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"kuulu/internal/browsertest"
	"kuulu/internal/conversation"
	"kuulu/internal/demo"
)

func TestConvexHull(t *testing.T) {
	pts := []mapXY{{0, 0}, {2, 0}, {1, 1}, {2, 2}, {0, 2}, {1, 0}, {0, 0}}
	h := convexHull(pts)
	if len(h) != 4 {
		t.Fatalf("hull = %v", h)
	}
	for _, want := range []mapXY{{0, 0}, {2, 0}, {2, 2}, {0, 2}} {
		found := false
		for _, p := range h {
			found = found || p == want
		}
		if !found {
			t.Errorf("hull %v lacks %v", h, want)
		}
	}
	if h := convexHull([]mapXY{{1, 1}, {1, 1}}); len(h) != 1 {
		t.Errorf("one point: %v", h)
	}
	if h := convexHull([]mapXY{{0, 0}, {1, 1}, {2, 2}}); len(h) != 2 {
		t.Errorf("collinear: %v", h)
	}
}

func TestOpinionMap(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		cv, f := caSmall(t, e, nil)
		res := caAnalyze(t, e, cv.ID)
		la, _ := caGroupOf(t, res, f.P[0].ID)
		lb, _ := caGroupOf(t, res, f.P[4].ID)
		coord := e.client()
		coord.login("koordinaattori@kainuu.example")
		r := coord.get("/coordinator/conversations/" + strconv.FormatInt(cv.ID, 10) + "/map")
		caCheck(t, r, "coordinator map", http.StatusOK, `role="img"`, `aria-labelledby="map-title map-desc"`, `<title id="map-title">Mielipidekartta: Aihe pieni</title>`,
			`<desc id="map-desc">8 osallistujaa pisteinä. 2 ryhmää: A (4 henkilöä), B (4 henkilöä).`, `data-group="A"`, `data-group="B"`,
			`fill="url(#om-pat-0)"`, `fill="url(#om-pat-1)"`, `stroke-dasharray="8 4"`, "Kartta sanoin",
			"Ryhmä "+la+", 4 henkilöä", "Ryhmä "+lb+", 4 henkilöä", "8 ihmistä on vastannut.", "He jakautuvat 2 ryhmään.")
		// The map in words follows the SVG and names each group's representative statements.
		words := r.Body[strings.Index(r.Body, "</svg>"):]
		ga := words[strings.Index(words, "Ryhmä "+la+", 4 henkilöä"):]
		if i := strings.Index(ga, "<h3>Ryhmä "+lb); i > 0 {
			ga = ga[:i]
		}
		if !strings.Contains(ga, "Tämä ryhmä oli muita useammin samaa mieltä näistä:") || !strings.Contains(ga, caNB("“Ajanvaraus toimii hyvin.”</span> – 75 % ryhmästä oli samaa mieltä")) {
			t.Errorf("group %s in words:\n%s", la, ga)
		}
		if !strings.Contains(ga, "eri mieltä näistä:") || !strings.Contains(ga, caNB("“Palvelu on liian kaukana.”</span> – 100 % ryhmästä oli eri mieltä")) {
			t.Errorf("group %s disagreements in words:\n%s", la, ga)
		}
		if strings.Contains(r.Body, `class="you"`) {
			t.Error("coordinator highlighted as a participant")
		}
		// Statements as numbered markers, with their list.
		r = coord.get("/coordinator/conversations/" + strconv.FormatInt(cv.ID, 10) + "/map?statements=1")
		caCheck(t, r, "map with statements", http.StatusOK, `<g class="statement"><title>1: Ajanvaraus toimii hyvin.</title>`, "Väittämät kartalla", "Piilota väittämät kartalta")
		if strings.Contains(r.Body, "Hylättävä") {
			t.Error("rejected statement on the map")
		}

		// A participant who answered enough sees the map with their own place.
		p1 := e.client()
		u, _ := url.Parse(e.ts.URL + "/keskustelut/")
		p1.http.Jar.SetCookies(u, []*http.Cookie{{Name: "kuulu_p_" + strconv.FormatInt(cv.ID, 10), Value: caToken(1), Path: "/keskustelut"}})
		r = p1.get("/keskustelut/" + cv.Slug + "/kartta")
		caCheck(t, r, "participant map", http.StatusOK, `<g class="you">`, ">Sinä</text>", "Sinä olet ryhmässä "+la+".", "Sinun kohtasi on merkitty renkaalla.")

		// One who answered fewer than needed (6 statements are shown: all 6) is told how many more.
		p9 := caParticipant(t, e, cv.ID, caToken(9))
		caVote(t, e, cv.ID, p9.ID, map[int64]int8{f.S[0].ID: 1, f.S[1].ID: -1, f.S[6].ID: 1})
		c9 := e.client()
		c9.http.Jar.SetCookies(u, []*http.Cookie{{Name: "kuulu_p_" + strconv.FormatInt(cv.ID, 10), Value: caToken(9), Path: "/keskustelut"}})
		caCheck(t, c9.get("/keskustelut/"+cv.Slug+"/kartta"), "too few answers", http.StatusForbidden, "Näet kartan, kun olet vastannut vielä 4 väittämään.")
		caVote(t, e, cv.ID, p9.ID, map[int64]int8{f.S[2].ID: 1, f.S[3].ID: 1, f.S[4].ID: 1, f.S[5].ID: 0})
		r = c9.get("/keskustelut/" + cv.Slug + "/kartta")
		// Answered enough, but not in the stored analysis yet: no ring, said plainly.
		caCheck(t, r, "enough answers", http.StatusOK, `data-group="A"`)
		if strings.Contains(r.Body, `class="you"`) {
			t.Error("p9 highlighted before the analysis has them")
		}
		// Without any answers: the gate; anonymous too.
		caCheck(t, e.client().get("/keskustelut/"+cv.Slug+"/kartta"), "anonymous", http.StatusForbidden, "vielä 6 väittämään")

		// Once the report is public the map is public too.
		e.clock.Advance(0)
		cv2 := caConv(t, e, "suljettu", func(c *conversation.Conversation) { c.Closed = true })
		caCheck(t, e.client().get("/keskustelut/"+cv2.Slug+"/kartta"), "closed conversation map", http.StatusOK, "Karttaa ei ole vielä")

		// Identified conversation: the signed-in person is the participant.
		cv3 := caConv(t, e, "tunnistettu", func(c *conversation.Conversation) { c.Identification = conversation.Identified })
		caCheck(t, e.client().get("/keskustelut/"+cv3.Slug+"/kartta"), "identified, anonymous", http.StatusForbidden, "Kirjaudu")
		if r := e.client().get("/keskustelut/ei-ole/kartta"); r.Status != http.StatusNotFound {
			t.Errorf("unknown slug: %d", r.Status)
		}
	})
}

// TestE2EConversationPagesAccessible walks the coordinator's conversation
// pages, the map and the report in headless Chromium and checks each with
// axe-core (zero WCAG 2.1 A/AA violations), including a form with errors.
func TestE2EConversationPagesAccessible(t *testing.T) {
	w := newE2E(t, browsertest.WithAcceptLanguage(e2eFinnishUA))
	cv, _ := caSmall(t, w.testEnv, func(c *conversation.Conversation) { c.ReportOpen = true })
	caAnalyze(t, w.testEnv, cv.ID)
	id := strconv.FormatInt(cv.ID, 10)
	w.login("koordinaattori@kainuu.example", demo.DefaultPassword)
	w.visit("/coordinator/conversations", http.StatusOK)
	w.check("conversation list")
	w.visit("/coordinator/conversations/new", http.StatusOK)
	w.check("new conversation form")
	w.submit("form.form", http.StatusUnprocessableEntity)
	w.wantErrorSummary(map[string]string{"topic_fi": w.tr("err.required"), "slug": w.tr("err.slug")})
	w.check("new conversation form with errors")
	w.fillCSS("#f-topic_fi", "Kirjaston aukioloajat")
	w.fillCSS("#f-seeds", "Kirjasto saisi olla auki iltaisin.\nLauantaisin tarvitaan aukiolo.")
	w.submit("form.form", http.StatusOK)
	if !strings.HasPrefix(w.location(), "/coordinator/conversations/") {
		w.t.Fatalf("after create on %s", w.location())
	}
	w.check("conversation edit page")
	for _, p := range []string{"/moderation", "/moderation?status=rejected", "/map", "/map?statements=1", "/report", "/report?show=divisive&sort=agree"} {
		w.visit("/coordinator/conversations/"+id+p, http.StatusOK)
		w.check("coordinator " + p)
		if p == "/map?statements=1" || p == "/moderation" {
			w.screenshot("coordinator " + p)
		}
	}
	w.logout()
	w.visit("/keskustelut/"+cv.Slug+"/kartta", http.StatusOK)
	w.check("public map")
	w.visit("/keskustelut/"+cv.Slug+"/raportti", http.StatusOK)
	w.check("public report")
	w.screenshot("report")
	w.visit("/keskustelut/"+cv.Slug+"/raportti?lang=sv", http.StatusOK)
	w.check("public report in Swedish")
	// A statement table of more than one page, with its page links.
	big := caConv(t, w.testEnv, "monta-sivua", func(c *conversation.Conversation) { c.ReportOpen = true })
	for i := range reportTablePageSize + 1 {
		caStatement(t, w.testEnv, conversation.Statement{ConversationID: big.ID, Text: "Väittämä " + strconv.Itoa(i+1) + "."})
	}
	w.visit("/keskustelut/"+big.Slug+"/raportti?lang=fi", http.StatusOK)
	w.check("public report, page 1 of the statements")
	w.visit("/keskustelut/"+big.Slug+"/raportti?page=2&sort=votes", http.StatusOK)
	w.check("public report, page 2 of the statements")
}
