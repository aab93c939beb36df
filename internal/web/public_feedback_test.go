package web

import (
	"context"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"kuulu/internal/domain"
	"kuulu/internal/feedback"
	"kuulu/internal/store"
	"kuulu/internal/trackcode"
)

const pubSlug = "kajaanin-terveysasema"

// postRaw sends a same-origin POST with any content type and body.
func (c *client) pubPostRaw(path, contentType, body string) resp {
	c.e.t.Helper()
	req, _ := http.NewRequest("POST", c.e.ts.URL+path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

// noCookies is a client that refuses every cookie, like a browser with
// cookies disabled.
func (e *testEnv) pubNoCookies() *client {
	return &client{e: e, http: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// nextWindow moves the clock past the rate-limit window, so that a test may
// send more than one window's worth of requests.
func (e *testEnv) pubNextWindow() { e.clock.Advance(rateWindow) }

func pubFeedbackCount(t *testing.T, e *testEnv) int {
	t.Helper()
	var n int
	if err := e.db.Read(context.Background(), func(tx *store.Tx) error {
		_, total, err := tx.ListFeedback(context.Background(), store.FeedbackFilter{Limit: 1})
		n = total
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

func pubUnitID(t *testing.T, e *testEnv, slug string) int64 {
	t.Helper()
	var id int64
	if err := e.db.Read(context.Background(), func(tx *store.Tx) error {
		u, err := tx.UnitBySlug(context.Background(), slug)
		id = u.ID
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return id
}

func pubItemByCode(t *testing.T, e *testEnv, code string) feedback.Item {
	t.Helper()
	var it feedback.Item
	if err := e.db.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		it, err = tx.FeedbackByCode(context.Background(), code)
		return err
	}); err != nil {
		t.Fatalf("feedback %s: %v", code, err)
	}
	return it
}

// pubMsg is a catalogue message as a page shows it (escaped by html/template).
func (e *testEnv) pubMsg(l domain.Lang, key string, args ...any) string {
	var b strings.Builder
	template.Must(template.New("").Parse("{{.}}")).Execute(&b, e.srv.cat.T(l, key, args...))
	return b.String()
}

var pubReceiptRE = regexp.MustCompile(`^/p/([a-z0-9-]+)/kiitos/([0-9A-Z]{11})\?lang=([a-z]{2})$`)

// submit posts the public form and returns the canonical tracking code from
// the redirect to the thank-you page.
func pubSubmit(t *testing.T, c *client, slug string, form url.Values) string {
	t.Helper()
	r := c.post("/p/"+slug+"?lang=fi", form)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("submit: status %d\n%s", r.Status, r.Body)
	}
	m := pubReceiptRE.FindStringSubmatch(r.Location)
	if m == nil {
		t.Fatalf("submit: redirect to %q", r.Location)
	}
	return m[2]
}

func pubValidForm(e *testEnv) url.Values {
	return url.Values{"unit": {strconv.FormatInt(pubUnitID(e.t, e, pubSlug), 10)}, "kind": {"idea"}, "score": {"7"},
		"text": {"Odotin aulassa pitkään. Tuoleja voisi olla enemmän."}, "reply_lang": {"fi"}}
}

func TestPublicFormSubmitReceiptStatus(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		c := e.client()
		r := c.get("/p/" + pubSlug + "?lang=fi")
		if r.Status != http.StatusOK {
			t.Fatalf("form: %d", r.Status)
		}
		for _, want := range []string{"Kajaanin terveysasema", "Kuinka todennäköisesti suosittelisit saamaasi palvelua läheisellesi tai ystävällesi?",
			`class="scale"`, `class="choices"`, `name="website"`, `tabindex="-1"`, `aria-hidden="true"`, `action="/p/` + pubSlug + `?lang=fi"`,
			e.pubMsg(domain.Finnish, "public.form.no_effect"), e.pubMsg(domain.Finnish, "public.form.who_reads"),
			e.pubMsg(domain.Finnish, "public.form.when_answer", 14), e.pubMsg(domain.Finnish, "public.form.masking"), "<optgroup"} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("form lacks %q", want)
			}
		}
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control %q", r.Header.Get("Cache-Control"))
		}

		form := pubValidForm(e)
		form.Set("text", "Hetuni on 131052-308T ja numeroni 040 123 4567. Soittakaa.")
		form.Set("email", "onni@example.fi")
		code := pubSubmit(t, c, pubSlug, form)

		rc := c.get("/p/" + pubSlug + "/kiitos/" + code + "?lang=fi")
		cc, err := trackcode.Parse(code)
		if err != nil || cc.String() != code {
			t.Fatalf("code %q: %v", code, err)
		}
		if rc.Status != http.StatusOK || !strings.Contains(rc.Body, `<p class="tracking-code">`+cc.Display()+`</p>`) ||
			!strings.Contains(rc.Body, `href="/t/`+code+`?lang=fi"`) || !strings.Contains(rc.Body, e.pubMsg(domain.Finnish, "public.receipt.write_down")) {
			t.Fatalf("receipt: %d\n%s", rc.Status, rc.Body)
		}

		it := pubItemByCode(t, e, code)
		if it.Channel != feedback.ChannelWeb || it.Kind != feedback.KindIdea || it.Score == nil || *it.Score != 7 || !it.WantsReply || it.Lang != "fi" {
			t.Errorf("stored item %+v", it)
		}

		st := c.get("/t/" + code + "?lang=fi")
		if st.Status != http.StatusOK {
			t.Fatalf("status page: %d", st.Status)
		}
		for _, bad := range []string{"131052-308T", "040 123 4567", "onni@example.fi"} {
			if strings.Contains(st.Body, bad) {
				t.Errorf("status page shows %q", bad)
			}
		}
		for _, want := range []string{"[HETU]", "[PUH]", "Kajaanin terveysasema", e.pubMsg(domain.Finnish, "public.event.received"),
			e.pubMsg(domain.Finnish, "public.role.client"), e.pubMsg(domain.Finnish, "public.status.received"), e.pubMsg(domain.Finnish, "public.track.no_reply"),
			e.pubMsg(domain.Finnish, "public.track.no_actions"), cc.Display()} {
			if !strings.Contains(st.Body, want) {
				t.Errorf("status page lacks %q", want)
			}
		}
		if strings.Contains(st.Body, e.pubMsg(domain.Finnish, "public.objection.heading")) {
			t.Error("objection guidance on an ordinary item")
		}
	})
}

func TestPublicFormChangedUnitAndNoCookies(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		c := e.pubNoCookies()
		r := c.get("/p/" + pubSlug + "?lang=sv")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, `<html lang="sv">`) || !strings.Contains(r.Body, `action="/p/`+pubSlug+`?lang=sv"`) {
			t.Fatalf("sv form: %d", r.Status)
		}
		other := "sotkamon-terveysasema"
		form := pubValidForm(e)
		form.Set("unit", strconv.FormatInt(pubUnitID(t, e, other), 10))
		res := c.post("/p/"+pubSlug+"?lang=sv", form)
		m := pubReceiptRE.FindStringSubmatch(res.Location)
		if res.Status != http.StatusSeeOther || m == nil || m[1] != other || m[3] != "sv" {
			t.Fatalf("redirect %d %q", res.Status, res.Location)
		}
		rc := c.get(res.Location)
		if rc.Status != http.StatusOK || !strings.Contains(rc.Body, `<html lang="sv">`) || !strings.Contains(rc.Body, "Sotkamo") {
			t.Fatalf("sv receipt without cookies: %d", rc.Status)
		}
		if it := pubItemByCode(t, e, m[2]); it.UnitID != pubUnitID(t, e, other) {
			t.Errorf("stored for unit %d", it.UnitID)
		}
		// Accept-Language alone picks the language too.
		req, _ := http.NewRequest("GET", e.ts.URL+"/p/"+pubSlug, nil)
		req.Header.Set("Accept-Language", "en-GB,en;q=0.9,fi;q=0.5")
		if r := c.do(req); !strings.Contains(r.Body, `<html lang="en">`) || !strings.Contains(r.Body, `?lang=en"`) {
			t.Error("Accept-Language en not honoured")
		}
	})
}

func TestPublicFormValidation(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		c := e.client()
		fi := domain.Finnish
		long := strings.Repeat("a", feedback.MaxText+1)
		cases := []struct {
			name   string
			edit   func(url.Values)
			status int
			want   []string // translated messages and kept values
		}{
			{"empty", func(f url.Values) { f.Del("score"); f.Set("text", "  ") }, 422, []string{e.pubMsg(fi, "err.feedback.text_required")}},
			{"too long", func(f url.Values) { f.Set("text", long) }, 422, []string{e.pubMsg(fi, "err.feedback.text_long", feedback.MaxText, feedback.MaxText+1)}},
			{"bad email", func(f url.Values) { f.Set("email", "onni@") }, 422, []string{e.pubMsg(fi, "err.email"), `value="onni@"`, "Tuoleja voisi olla enemmän."}},
			{"bad phone", func(f url.Values) { f.Set("phone", "12345") }, 422, []string{e.pubMsg(fi, "err.feedback.phone"), `value="12345"`}},
			{"bad score", func(f url.Values) { f.Set("score", "11") }, 422, []string{e.pubMsg(fi, "err.feedback.score")}},
			{"score not a number", func(f url.Values) { f.Set("score", "seven") }, 422, []string{e.pubMsg(fi, "err.feedback.score")}},
			{"no kind", func(f url.Values) { f.Del("kind") }, 422, []string{e.pubMsg(fi, "err.feedback.kind"), `href="#f-kind-praise"`}},
			{"unknown unit", func(f url.Values) { f.Set("unit", "999999") }, 422, []string{e.pubMsg(fi, "err.feedback.unit")}},
			{"invalid UTF-8", func(f url.Values) { f.Set("text", "hyv\xe4 palvelu") }, 400, []string{e.pubMsg(fi, "err.bad_encoding")}},
		}
		for _, tc := range cases {
			e.pubNextWindow()
			before := pubFeedbackCount(t, e)
			f := pubValidForm(e)
			tc.edit(f)
			r := c.post("/p/"+pubSlug+"?lang=fi", f)
			if r.Status != tc.status {
				t.Errorf("%s: status %d, want %d", tc.name, r.Status, tc.status)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.Body, w) {
					t.Errorf("%s: body lacks %q", tc.name, w)
				}
			}
			if tc.status == 422 && (!strings.Contains(r.Body, `class="error-summary"`) || !strings.Contains(r.Body, `class="field-error"`)) {
				t.Errorf("%s: no error summary or field message", tc.name)
			}
			if pubFeedbackCount(t, e) != before {
				t.Errorf("%s: something was stored", tc.name)
			}
		}
		// The typed values survive a failed submission.
		e.pubNextWindow()
		f := pubValidForm(e)
		f.Set("email", "bad@")
		f.Set("phone", "040 765 4321")
		r := c.post("/p/"+pubSlug+"?lang=fi", f)
		for _, w := range []string{`value="idea" checked`, `value="7" id="f-score-7" checked`, `value="040 765 4321"`, "Odotin aulassa pitkään."} {
			if !strings.Contains(r.Body, w) {
				t.Errorf("kept values: lacks %q", w)
			}
		}

		// Transport-level problems: unknown unit, content type, body size.
		e.pubNextWindow()
		before := pubFeedbackCount(t, e)
		if r := c.post("/p/no-such-unit?lang=fi", pubValidForm(e)); r.Status != http.StatusNotFound || !strings.Contains(r.Body, e.pubMsg(fi, "err.not_found")) {
			t.Errorf("unknown slug: %d", r.Status)
		}
		if r := c.get("/p/no-such-unit"); r.Status != http.StatusNotFound {
			t.Errorf("unknown slug GET: %d", r.Status)
		}
		for _, ct := range []string{"application/json", "text/plain", ""} {
			r := c.pubPostRaw("/p/"+pubSlug+"?lang=fi", ct, `{"text":"hei"}`)
			if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, e.pubMsg(fi, "public.err.content_type")) {
				t.Errorf("content type %q: %d", ct, r.Status)
			}
		}
		e.pubNextWindow()
		big := pubValidForm(e)
		big.Set("text", strings.Repeat("ä", 40000)) // 80 KB of UTF-8, 480 KB encoded
		r = c.post("/p/"+pubSlug+"?lang=fi", big)
		if r.Status != http.StatusRequestEntityTooLarge || !strings.Contains(r.Body, e.pubMsg(fi, "err.too_large")) {
			t.Errorf("oversized body: %d", r.Status)
		}
		// Without Content-Length the body cap still holds.
		req, _ := http.NewRequest("POST", e.ts.URL+"/p/"+pubSlug, io.MultiReader(strings.NewReader("kind=idea&text="), strings.NewReader(strings.Repeat("a", publicMaxBody+10))))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.ContentLength = -1
		if r := c.do(req); r.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("chunked oversized body: %d", r.Status)
		}
		if pubFeedbackCount(t, e) != before {
			t.Error("a refused request stored something")
		}
	})
}

func TestHoneypotStoresNothing(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		c := e.client()
		before := pubFeedbackCount(t, e)
		f := pubValidForm(e)
		f.Set("website", "http://spam.example")
		code := pubSubmit(t, c, pubSlug, f)
		if r := c.get("/p/" + pubSlug + "/kiitos/" + code + "?lang=fi"); r.Status != http.StatusOK || !strings.Contains(r.Body, "tracking-code") {
			t.Errorf("honeypot thank-you page: %d", r.Status)
		}
		if pubFeedbackCount(t, e) != before {
			t.Error("honeypot submission was stored")
		}
		if r := c.get("/t/" + code); r.Status != http.StatusNotFound {
			t.Errorf("honeypot code works: %d", r.Status)
		}
		// The kiosk and the accessibility form have the trap too.
		if r := c.post("/k/"+pubSlug, url.Values{"face": {"5"}, "website": {"x"}}); r.Status != http.StatusSeeOther {
			t.Errorf("kiosk honeypot: %d", r.Status)
		}
		if r := c.post("/p/saavutettavuus", url.Values{"text": {"spam"}, "website": {"x"}}); r.Status != http.StatusSeeOther {
			t.Errorf("accessibility honeypot: %d", r.Status)
		}
		if pubFeedbackCount(t, e) != before {
			t.Error("honeypot submission was stored")
		}
	})
}

func TestPublicRateLimits(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		c := e.client()
		empty := url.Values{"kind": {"praise"}}
		check := func(name, path string, limit int) {
			t.Helper()
			for i := 0; i < limit; i++ {
				if r := c.post(path, empty); r.Status == http.StatusTooManyRequests {
					t.Fatalf("%s: limited after %d", name, i)
				}
			}
			r := c.post(path, empty)
			ra, _ := strconv.Atoi(r.Header.Get("Retry-After"))
			if r.Status != http.StatusTooManyRequests || ra < 1 || ra > int(rateWindow.Seconds())+1 || !strings.Contains(r.Body, e.pubMsg(domain.Finnish, "err.rate_limited")) {
				t.Errorf("%s: request %d got %d, Retry-After %q", name, limit+1, r.Status, r.Header.Get("Retry-After"))
			}
		}
		check("form", "/p/"+pubSlug+"?lang=fi", publicSubmitLimit)
		// The accessibility form shares the budget.
		if r := c.post("/p/saavutettavuus?lang=fi", empty); r.Status != http.StatusTooManyRequests {
			t.Errorf("accessibility form after the limit: %d", r.Status)
		}
		check("kiosk", "/k/"+pubSlug+"?lang=fi", kioskSubmitLimit)
		for i := 0; i < trackLookupLimit; i++ {
			if r := c.get("/t/K7QM4XZ29P6"); r.Status != http.StatusNotFound {
				t.Fatalf("lookup %d: %d", i, r.Status)
			}
		}
		r := c.get("/t?code=K7QM4XZ29P6")
		if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
			t.Errorf("lookup over the limit: %d", r.Status)
		}
		// A new window opens the door again.
		e.pubNextWindow()
		if r := c.get("/t/K7QM4XZ29P6"); r.Status != http.StatusNotFound {
			t.Errorf("next window: %d", r.Status)
		}
	})
}

func TestAccessibilityFeedback(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		c := e.client()
		if r := c.get("/saavutettavuusseloste?lang=fi"); !strings.Contains(r.Body, "/p/saavutettavuus") {
			t.Log("the accessibility statement does not link the form (demo text)")
		}
		r := c.get("/p/saavutettavuus?lang=fi")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, e.pubMsg(domain.Finnish, "public.a11y.title")) || strings.Contains(r.Body, `name="unit"`) {
			t.Fatalf("accessibility form: %d", r.Status)
		}
		if r := c.post("/p/saavutettavuus?lang=fi", url.Values{"text": {""}}); r.Status != 422 || !strings.Contains(r.Body, e.pubMsg(domain.Finnish, "public.err.text_required")) {
			t.Errorf("empty accessibility feedback: %d", r.Status)
		}
		send := func() feedback.Item {
			t.Helper()
			e.pubNextWindow()
			r := c.post("/p/saavutettavuus?lang=fi", url.Values{"text": {"Lomakkeen painike ei näy suurennettuna."}})
			m := pubReceiptRE.FindStringSubmatch(r.Location)
			if r.Status != http.StatusSeeOther || m == nil || m[1] != "saavutettavuus" {
				t.Fatalf("accessibility submit: %d %q", r.Status, r.Location)
			}
			if rc := c.get(r.Location); rc.Status != http.StatusOK || !strings.Contains(rc.Body, "tracking-code") {
				t.Fatalf("accessibility receipt: %d", rc.Status)
			}
			return pubItemByCode(t, e, m[2])
		}
		it := send()
		if it.Kind != feedback.KindAccessibility || it.Class != feedback.ClassAccessibility || !it.DueAt.Equal(it.ReceivedAt.AddDate(0, 0, 14)) {
			t.Errorf("accessibility item %+v", it)
		}
		var first int64
		e.db.Read(context.Background(), func(tx *store.Tx) error {
			us, err := tx.Units(context.Background(), store.UnitFilter{ActiveOnly: true})
			first = us[0].ID
			return err
		})
		if it.UnitID != first {
			t.Errorf("without the setting: unit %d, want the first active unit %d", it.UnitID, first)
		}
		if err := e.db.Write(context.Background(), func(tx *store.Tx) error {
			return tx.SetSetting(context.Background(), accessibilityUnitSetting, "sotkamon-terveysasema")
		}); err != nil {
			t.Fatal(err)
		}
		if it := send(); it.UnitID != pubUnitID(t, e, "sotkamon-terveysasema") {
			t.Errorf("with the setting: unit %d", it.UnitID)
		}
	})
}

func TestStatusLookup(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		c := e.client()
		code := pubSubmit(t, c, pubSlug, pubValidForm(e))
		cc, _ := trackcode.Parse(code)
		if r := c.get("/t?lang=fi"); r.Status != http.StatusOK || !strings.Contains(r.Body, `name="code"`) {
			t.Fatalf("lookup form: %d", r.Status)
		}
		messy := strings.ToLower(cc.Display()[:4]) + " " + strings.ToLower(cc.Display()[5:])
		r := c.get("/t?lang=fi&code=" + url.QueryEscape(messy))
		if r.Status != http.StatusSeeOther || r.Location != "/t/"+code+"?lang=fi" {
			t.Errorf("lookup %q: %d %q", messy, r.Status, r.Location)
		}
		if r := c.get("/t/" + strings.ToLower(code)); r.Status != http.StatusFound || !strings.HasPrefix(r.Location, "/t/"+code) {
			t.Errorf("lower-case path: %d %q", r.Status, r.Location)
		}
		r = c.get("/t?lang=fi&code=ABC")
		if r.Status != http.StatusNotFound || !strings.Contains(r.Body, e.pubMsg(domain.Finnish, "public.err.code_malformed")) || !strings.Contains(r.Body, `value="ABC"`) {
			t.Errorf("malformed: %d", r.Status)
		}
		// A well-formed code with a wrong check symbol, and an unknown valid one.
		bad := code[:10] + map[bool]string{true: "0", false: "1"}[code[10] != '0']
		if r := c.get("/t/" + bad + "?lang=fi"); r.Status != http.StatusNotFound || !strings.Contains(r.Body, e.pubMsg(domain.Finnish, "public.err.code_malformed")) {
			t.Errorf("bad check symbol: %d", r.Status)
		}
		if r := c.get("/t/K7QM4XZ29P6?lang=en"); r.Status != http.StatusNotFound || !strings.Contains(r.Body, e.pubMsg(domain.English, "public.err.code_unknown")) {
			t.Errorf("unknown code: %d", r.Status)
		}
	})
}

// TestPublicFormTransferSize measures what a phone downloads to show the
// public form: the HTML (the server does not compress pages) and every
// stylesheet and script it loads, gzipped where the server gzips, with the
// response headers. It must stay under 60 KB.
func TestPublicFormTransferSize(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		hc := &http.Client{Transport: &http.Transport{DisableCompression: true}}
		fetch := func(path string) (int, string) {
			req, _ := http.NewRequest("GET", e.ts.URL+path, nil)
			req.Header.Set("Accept-Encoding", "gzip")
			res, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", path, res.StatusCode)
			}
			hdr := 0
			for k, vs := range res.Header {
				for _, v := range vs {
					hdr += len(k) + len(v) + 4
				}
			}
			return len(b) + hdr, string(b)
		}
		total, page := fetch("/p/" + pubSlug + "?lang=fi")
		parts := []string{"html " + strconv.Itoa(total)}
		for _, m := range regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`).FindAllStringSubmatch(page, -1) {
			n, _ := fetch(m[1])
			total += n
			parts = append(parts, m[1]+" "+strconv.Itoa(n))
		}
		if strings.Contains(page, "<img") {
			t.Error("the public form loads an image")
		}
		t.Logf("public form transfer: %d bytes (%s)", total, strings.Join(parts, ", "))
		if total > 60*1024 {
			t.Errorf("public form transfers %d bytes, over 60 KB", total)
		}
	})
}

// TestPublicPagesEveryLanguage renders every public page and the staff pages
// in Finnish, Swedish and English and checks for missing keys and format errors.
func TestPublicPagesEveryLanguage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		anon := e.client()
		code := pubSubmit(t, anon, pubSlug, pubValidForm(e))
		staff := e.client()
		staff.login("hoitaja@kainuu.example")
		r := staff.post("/staff/feedback/new", url.Values{"unit": {strconv.FormatInt(pubUnitID(t, e, pubSlug), 10)}, "kind": {"praise"}, "text": {"Kiitos hyvästä hoidosta."}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("staff entry: %d", r.Status)
		}
		handover := r.Location
		slip := strings.Replace(handover, "/handover", "/slip", 1)
		pages := []struct {
			c    *client
			path string
		}{
			{anon, "/p/" + pubSlug}, {anon, "/p/saavutettavuus"}, {anon, "/p/" + pubSlug + "/kiitos/" + code},
			{anon, "/p/saavutettavuus/kiitos/" + code}, {anon, "/t"}, {anon, "/t/" + code}, {anon, "/palaute"},
			{anon, "/p/" + pubSlug + "/julkaistut"}, {anon, "/p/" + pubSlug + "/juliste"}, {anon, "/k/" + pubSlug},
			{anon, "/k/" + pubSlug + "/kiitos"}, {staff, "/staff/feedback/new"}, {staff, handover}, {staff, slip},
		}
		for _, l := range domain.Langs {
			for _, p := range pages {
				sep := "?"
				if strings.Contains(p.path, "?") {
					sep = "&"
				}
				e.pubNextWindow()
				r := p.c.get(p.path + sep + "lang=" + string(l))
				if r.Status != http.StatusOK {
					t.Errorf("%s in %s: %d", p.path, l, r.Status)
					continue
				}
				if !strings.Contains(r.Body, `<html lang="`+string(l)+`">`) {
					t.Errorf("%s in %s: wrong lang attribute", p.path, l)
				}
				if i := strings.Index(r.Body, "[public."); i >= 0 {
					t.Errorf("%s in %s: missing key %s", p.path, l, r.Body[i:min(len(r.Body), i+40)])
				}
				if strings.Contains(r.Body, "%!") {
					t.Errorf("%s in %s: format error", p.path, l)
				}
				if strings.Contains(r.Body, ` style="`) || strings.Contains(r.Body, "<script>") {
					t.Errorf("%s in %s: inline style or script (CSP)", p.path, l)
				}
			}
		}
	})
}

func TestReceiptNeedsAWellFormedCode(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		c := e.client()
		for _, p := range []string{"/p/" + pubSlug + "/kiitos", "/p/" + pubSlug + "/kiitos/nope", "/p/no-such-unit/kiitos/K7QM4XZ29P6"} {
			if r := c.get(p); r.Status != http.StatusNotFound {
				t.Errorf("%s: %d", p, r.Status)
			}
		}
	})
}
