package web

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"kuulu/internal/browsertest"
	"kuulu/internal/demo"
	"kuulu/internal/domain"
	"kuulu/internal/feedback"
	"kuulu/internal/trackcode"
)

// typedCode is a tracking code as a person reads it out and types it: lower
// case, grouped with a space and a dash, O for 0 and l for 1.
func typedCode(code string) string {
	s := strings.ToLower(code[:4] + " " + code[4:8] + "-" + code[8:])
	return strings.NewReplacer("0", "O", "1", "l").Replace(s)
}

func inboxSearch(term string) string { return "/inbox?" + url.Values{"q": {term}}.Encode() }

// TestInboxSearchByCode: a tracking code in the search box opens the item
// when the person may see it, and otherwise says only that there is no such
// item in their units, whether the code exists elsewhere or not at all.
func TestInboxSearchByCode(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := ibFixture(t, e)
		own := ibSubmit(t, e, feedback.Submission{UnitID: f.kajaani.ID, Text: "Soitin ja luin koodin puhelimessa"})
		other := ibSubmit(t, e, feedback.Submission{UnitID: f.sotkamo.ID, Text: "Toisen yksikön palaute"})
		unused, err := trackcode.New()
		if err != nil {
			t.Fatal(err)
		}
		audits := func() int { return ibCount(t, e, "SELECT COUNT(*) FROM audit_log WHERE object_type = 'feedback'") }
		before := audits()

		sup := ibLogin(e, f.sup.Email)
		for _, typed := range []string{own.Code, typedCode(own.Code), "  " + typedCode(own.Code) + " "} {
			r := sup.get(inboxSearch(typed))
			ibWant(t, "own code "+typed, r, http.StatusSeeOther)
			if r.Location != ibPath(own.ID, "") {
				t.Errorf("own code %q: redirect to %q, want %q", typed, r.Location, ibPath(own.ID, ""))
			}
		}
		if r := sup.get(ibPath(own.ID, "")); r.Status != http.StatusOK || !strings.Contains(r.Body, own.Code) {
			t.Errorf("following the redirect: %d", r.Status)
		}

		// Another unit's code and a code never issued give the same answer.
		noCode := func(code trackcode.Code) string {
			return ibTr(e, domain.Finnish, "inbox.search.no_code", code.Display())
		}
		otherCode, _ := trackcode.Parse(other.Code)
		r := sup.get(inboxSearch(typedCode(other.Code)))
		ibWant(t, "another unit's code", r, http.StatusOK)
		if !strings.Contains(r.Body, noCode(otherCode)) {
			t.Error("another unit's code: no message")
		}
		if strings.Contains(r.Body, ibPath(other.ID, "")) || strings.Contains(r.Body, "Toisen yksikön") {
			t.Error("another unit's code: the item leaks")
		}
		r2 := sup.get(inboxSearch(typedCode(unused.String())))
		ibWant(t, "unused code", r2, http.StatusOK)
		if !strings.Contains(r2.Body, noCode(unused)) {
			t.Error("unused code: no message")
		}
		// Apart from the code itself (in the message, the search box and
		// the language links), the two pages are the same.
		strip := func(body string, code trackcode.Code, typed string) string {
			inURL := strings.ReplaceAll(url.QueryEscape(typed), "+", "&#43;")
			return strings.NewReplacer(code.Display(), "CODE", html.EscapeString(typed), "TYPED", inURL, "TYPED").Replace(body)
		}
		if a, b := strip(r.Body, otherCode, typedCode(other.Code)), strip(r2.Body, unused, typedCode(unused.String())); a != b {
			t.Errorf("the answers for another unit's code and for an unused code differ:\n%s\n----\n%s", a, b)
		}
		if !strings.Contains(r.Body, `value="`+html.EscapeString(typedCode(other.Code))+`"`) {
			t.Error("the typed code is not kept in the search box")
		}

		// The same scope as the item page: Sotkamo's supervisor and a
		// coordinator open the other item, a staff member not.
		for _, email := range []string{f.otherSup.Email, f.coord.Email} {
			if r := ibLogin(e, email).get(inboxSearch(other.Code)); r.Status != http.StatusSeeOther || r.Location != ibPath(other.ID, "") {
				t.Errorf("%s: %d %q", email, r.Status, r.Location)
			}
		}
		if r := ibLogin(e, f.staff.Email).get(inboxSearch(own.Code)); r.Status != http.StatusOK || !strings.Contains(r.Body, noCode(mustCode(t, own.Code))) {
			t.Errorf("staff, not assigned: %d", r.Status)
		}
		ibAssign(t, e, own.ID, f.staff.ID)
		if r := ibLogin(e, f.staff.Email).get(inboxSearch(own.Code)); r.Status != http.StatusSeeOther {
			t.Errorf("staff, assigned: %d", r.Status)
		}
		if n := audits(); n != before {
			t.Errorf("searching wrote %d audit entries", n-before)
		}

		// A code with a typo (one wrong symbol fails the check) is not a
		// code: it is searched as text and finds nothing.
		typo := []byte(own.Code)
		typo[3] = map[bool]byte{true: 'A', false: 'B'}[typo[3] != 'A']
		r = sup.get(inboxSearch(string(typo)))
		ibWant(t, "mistyped code", r, http.StatusOK)
		if strings.Contains(r.Body, "search-notice") || !strings.Contains(r.Body, ibTr(e, domain.Finnish, "inbox.search.none")) {
			t.Error("mistyped code: want a text search with no results")
		}
	})
}

func mustCode(t *testing.T, s string) trackcode.Code {
	t.Helper()
	c, err := trackcode.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var nextLink = regexp.MustCompile(`<a href="([^"]+)" rel="next">`)

// TestInboxSearchText: other input searches the masked text of the items in
// the person's inbox, any case, with the other filters and paging; never the
// original text.
func TestInboxSearchText(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := ibFixture(t, e)
		u, usup, _ := ibUnit(t, e, f, "haku")
		hetu := ibSubmit(t, e, feedback.Submission{UnitID: u.ID, Text: "Hetuni on 131052-308T ja jono oli pitkä"})
		percent := ibSubmit(t, e, feedback.Submission{UnitID: u.ID, Text: "Olen 100% tyytyväinen", Kind: feedback.KindPraise})
		hundred := ibSubmit(t, e, feedback.Submission{UnitID: u.ID, Text: "Odotin 100 minuuttia"})
		elsewhere := ibSubmit(t, e, feedback.Submission{UnitID: f.sotkamo.ID, Text: "Jono oli pitkä Sotkamossa"})
		if !strings.Contains(hetu.Masked, "[HETU]") {
			t.Fatalf("masking: %q", hetu.Masked)
		}
		c := ibLogin(e, usup.Email)
		for _, tc := range []struct {
			term      string
			want, not []feedback.Item
		}{
			{"JONO OLI PITKÄ", []feedback.Item{hetu}, []feedback.Item{percent, hundred, elsewhere}},
			{"100%", []feedback.Item{percent}, []feedback.Item{hundred, hetu}},
			{"100", []feedback.Item{percent, hundred}, []feedback.Item{hetu}},
			{"[hetu]", []feedback.Item{hetu}, nil},
			// Only the original has the identity code.
			{"131052-308T", nil, []feedback.Item{hetu}},
			{"131052", nil, []feedback.Item{hetu}},
		} {
			r := c.get(inboxSearch(tc.term))
			ibWant(t, tc.term, r, http.StatusOK)
			for _, it := range tc.want {
				if !strings.Contains(r.Body, it.Code) {
					t.Errorf("%q: %q not found", tc.term, it.Masked)
				}
			}
			for _, it := range tc.not {
				if strings.Contains(r.Body, it.Code) {
					t.Errorf("%q: %q found", tc.term, it.Masked)
				}
			}
			if !strings.Contains(r.Body, ibTr(e, domain.Finnish, "inbox.count", len(tc.want))) {
				t.Errorf("%q: count is not %d", tc.term, len(tc.want))
			}
			if !strings.Contains(r.Body, `value="`+html.EscapeString(tc.term)+`"`) {
				t.Errorf("%q: the term is not kept in the search box", tc.term)
			}
		}
		// With another filter.
		if r := c.get("/inbox?" + url.Values{"q": {"100"}, "kind": {"praise"}}.Encode()); !strings.Contains(r.Body, percent.Code) || strings.Contains(r.Body, hundred.Code) {
			t.Error("search with the kind filter")
		}

		// Paging keeps the term.
		for i := range pageSize + 1 {
			ibSubmit(t, e, feedback.Submission{UnitID: u.ID, Text: fmt.Sprintf("Sivutettava hakutulos %d", i)})
			e.clock.Advance(time.Second)
		}
		r := c.get(inboxSearch("SIVUTETTAVA"))
		if n := strings.Count(r.Body, `<th scope="row"><a href="/inbox/`); n != pageSize {
			t.Fatalf("first page: %d rows", n)
		}
		m := nextLink.FindStringSubmatch(r.Body)
		if m == nil {
			t.Fatal("no next page link")
		}
		next, err := url.Parse(html.UnescapeString(m[1]))
		if err != nil || next.Query().Get("q") != "SIVUTETTAVA" {
			t.Fatalf("next page link %q loses the term", m[1])
		}
		r = c.get(next.String())
		if n := strings.Count(r.Body, `<th scope="row"><a href="/inbox/`); n != 1 || strings.Contains(r.Body, hetu.Code) {
			t.Errorf("second page: %d rows", n)
		}
	})
}

// TestInboxSearchLimits: an over-long term is a clear 422 with the form,
// never a 500; odd input is searched as text.
func TestInboxSearchLimits(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		f := ibFixture(t, e)
		c := ibLogin(e, f.sup.Email)
		long := strings.Repeat("ä", MaxSearch+1)
		r := c.get(inboxSearch(long))
		ibWant(t, "over-long term", r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, ibTr(e, domain.Finnish, "err.inbox.search_long", MaxSearch, MaxSearch+1)) || !strings.Contains(r.Body, `aria-invalid="true"`) {
			t.Error("over-long term: no field error")
		}
		if strings.Contains(r.Body, "<table") {
			t.Error("over-long term: a list is shown")
		}
		ibWant(t, "term at the limit", c.get(inboxSearch(strings.Repeat("ä", MaxSearch))), http.StatusOK)
		ibWant(t, "very long term", c.get(inboxSearch(strings.Repeat("x", 20000))), http.StatusUnprocessableEntity)
		for _, term := range []string{"%", "_", `\`, "'", `"; DROP TABLE feedback; --`, "?", "$1", "\u00a0"} {
			if r := c.get(inboxSearch(term)); r.Status != http.StatusOK {
				t.Errorf("%q: %d", term, r.Status)
			}
		}
		if r := c.get("/inbox?q=%ff"); r.Status >= 500 {
			t.Errorf("invalid UTF-8: %d", r.Status)
		}
		for _, lang := range []domain.Lang{domain.Swedish, domain.English, domain.Finnish} {
			r := c.get(inboxSearch("jono") + "&lang=" + string(lang))
			if !strings.Contains(r.Body, `<label for="f-q">`+ibTr(e, lang, "inbox.field.q")+`</label>`) {
				t.Errorf("%s: the search box has no label", lang)
			}
		}
	})
}

// TestInboxSearchInBrowser: the search box works without JavaScript, and
// the inbox stays accessible (axe-core) with results, with the "no such
// code" notice and with the error of an over-long term.
func TestInboxSearchInBrowser(t *testing.T) {
	if _, err := browsertest.AxePath(); err != nil {
		if browsertest.RequireBrowser() {
			t.Fatalf("%v; %s=1 is set, so this fails instead of skipping", err, browsertest.EnvRequireBrowser)
		}
		t.Skip(err.Error())
	}
	b := browsertest.New(t)
	e := newEnv(t, filepath.Join(t.TempDir(), "kuulu.db"))
	f := ibFixture(t, e)
	own := ibSubmit(t, e, feedback.Submission{UnitID: f.kajaani.ID, Text: "Jono oli pitkä ja hetuni 131052-308T"})
	other := ibSubmit(t, e, feedback.Submission{UnitID: f.sotkamo.ID, Text: "Toisen yksikön palaute"})
	ctx := b.Context()
	if err := b.SetJavaScriptEnabled(ctx, false); err != nil {
		t.Fatal(err)
	}
	fi := domain.Finnish
	tr := func(key string, args ...any) string { return e.srv.cat.T(fi, key, args...) }
	if err := b.Navigate(ctx, e.ts.URL+"/login?lang=fi"); err != nil {
		t.Fatal(err)
	}
	if err := b.FillLabel(ctx, tr("field.email"), f.sup.Email); err != nil {
		t.Fatal(err)
	}
	if err := b.FillLabel(ctx, tr("field.password"), demo.DefaultPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Submit(ctx, "form"); err != nil {
		t.Fatal(err)
	}
	search := func(term string, status int, page string) string {
		t.Helper()
		if err := b.Navigate(ctx, e.ts.URL+"/inbox"); err != nil {
			t.Fatal(err)
		}
		if err := b.FillLabel(ctx, tr("inbox.field.q"), term); err != nil {
			t.Fatal(err)
		}
		resp, err := b.Submit(ctx, "#f-q")
		if err != nil || resp.Status != int64(status) {
			t.Fatalf("%s: %v %v", page, resp, err)
		}
		b.AssertAccessible(t, ctx, page)
		return resp.URL
	}
	if u := search(typedCode(own.Code), http.StatusOK, "item found by its code"); !strings.HasSuffix(u, ibPath(own.ID, "")) {
		t.Errorf("the code led to %s", u)
	}
	search("JONO OLI", http.StatusOK, "inbox, text search")
	if got, _ := b.Value(ctx, "#f-q"); got != "JONO OLI" {
		t.Errorf("search box after the search: %q", got)
	}
	search(other.Code, http.StatusOK, "inbox, no such code")
	if got, _ := b.Text(ctx, "#search-notice"); got != tr("inbox.search.no_code", mustCode(t, other.Code).Display()) {
		t.Errorf("notice %q", got)
	}
	resp, err := b.NavigateResponse(ctx, e.ts.URL+inboxSearch(strings.Repeat("a", MaxSearch+1)))
	if err != nil || resp.Status != http.StatusUnprocessableEntity {
		t.Fatalf("over-long term: %v %v", resp, err)
	}
	b.AssertAccessible(t, ctx, "inbox, over-long term")
}
