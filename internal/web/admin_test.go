package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kuulu/internal/domain"
	"kuulu/internal/store"
)

func (c *client) upload(path, field, filename, content string) resp {
	c.e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile(field, filename)
	fw.Write([]byte(content))
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.ts.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

func countUnits(t *testing.T, db *store.DB) int {
	var n int
	db.Read(t.Context(), func(tx *store.Tx) error {
		us, err := tx.Units(t.Context(), store.UnitFilter{})
		n = len(us)
		return err
	})
	return n
}

func TestUnitImport(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		c := e.client()
		c.login("admin@kainuu.example")
		before := countUnits(t, e.db)
		bad := "service_area;slug;name_fi;municipality;postal_code\n" +
			"terveyspalvelut;uusi-neuvola;Uusi neuvola;Kajaani;87100\n" +
			"eiole;toinen;Toinen;Kajaani;87100\n" +
			"terveyspalvelut;kolmas;;Kajaani;8710\n"
		r := c.upload("/admin/units/import", "file", "units.csv", bad)
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad file: %d", r.Status)
		}
		for _, want := range []string{"Palvelualuetta \u201ceiole\u201d ei ole.", "Postinumerossa on viisi numeroa.", "Täytä tämä kenttä."} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("bad file response lacks %q", want)
			}
		}
		if !strings.Contains(r.Body, `<td class="num">3</td>`) || !strings.Contains(r.Body, `<td class="num">4</td>`) {
			t.Error("line numbers 3 and 4 not reported")
		}
		if n := countUnits(t, e.db); n != before {
			t.Fatalf("a rejected file imported rows: %d → %d", before, n)
		}
		good := "service_area,slug,name_fi,name_sv,name_en,municipality,street_address,postal_code\n" +
			"terveyspalvelut,uusi-neuvola,Uusi neuvola,Ny rådgivning,New clinic,Kajaani,Kauppakatu 1,87100\n" +
			"terveyspalvelut,kajaanin-terveysasema,Kajaanin terveysasema,Kajana hälsostation,Kajaani health centre,Kajaani,Uusi osoite 5,87100\n"
		r = c.upload("/admin/units/import", "file", "units.csv", good)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "1 uutta ja 1 päivitettyä") {
			t.Fatalf("good file: %d\n%s", r.Status, r.Body)
		}
		if n := countUnits(t, e.db); n != before+1 {
			t.Fatalf("units %d → %d, want one more", before, n)
		}
		var u struct{ addr string }
		e.db.Read(t.Context(), func(tx *store.Tx) error {
			x, err := tx.UnitBySlug(t.Context(), "kajaanin-terveysasema")
			u.addr = x.StreetAddress
			return err
		})
		if u.addr != "Uusi osoite 5" {
			t.Errorf("existing unit not updated: %q", u.addr)
		}
		if r := c.upload("/admin/units/import", "other", "x.csv", good); r.Status != http.StatusBadRequest {
			t.Errorf("missing file field: %d", r.Status)
		}
		// The export is the import format, so it imports back unchanged.
		exp := c.get("/admin/units/export.csv")
		if exp.Status != http.StatusOK || !strings.HasPrefix(exp.Body, "service_area,slug,name_fi") {
			t.Fatalf("export: %d", exp.Status)
		}
		if r := c.upload("/admin/units/import", "file", "units.csv", exp.Body); r.Status != http.StatusOK || !strings.Contains(r.Body, "0 uutta") {
			t.Fatalf("re-import of export: %d", r.Status)
		}
	})
}

func TestUnitCreateEditAndErrors(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		c := e.client()
		c.login("admin@kainuu.example")
		var areaID int64
		e.db.Read(t.Context(), func(tx *store.Tx) error {
			as, err := tx.ServiceAreas(t.Context())
			areaID = as[0].ID
			return err
		})
		form := url.Values{"service_area": {itoa(int(areaID))}, "name_fi": {"Sotkamon uusi palvelupiste"}, "municipality": {"Sotkamo"}, "postal_code": {"88600"}, "active": {"on"}}
		r := c.post("/admin/units", form)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", r.Status, r.Body)
		}
		r = c.post("/admin/units", form) // the same slug again
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Tämä lyhytosoite on jo käytössä") || !strings.Contains(r.Body, `aria-invalid="true"`) {
			t.Fatalf("duplicate slug: %d", r.Status)
		}
		if !strings.Contains(r.Body, `value="Sotkamon uusi palvelupiste"`) {
			t.Error("the form lost what was typed")
		}
		r = c.post("/admin/units", url.Values{"service_area": {"999999"}, "name_fi": {"X"}, "municipality": {""}, "postal_code": {"abc"}, "slug": {"Bad Slug"}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("invalid form: %d", r.Status)
		}
		for _, want := range []string{"Postinumerossa on viisi numeroa.", "Käytä 2–60 pientä kirjainta", "error-summary"} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("invalid form response lacks %q", want)
			}
		}
		if r := c.post("/admin/units/999999", form); r.Status != http.StatusNotFound {
			t.Errorf("update of a missing unit: %d", r.Status)
		}
		var entries []store.AuditEntry
		e.db.Read(t.Context(), func(tx *store.Tx) error {
			var err error
			entries, err = tx.AuditLog(t.Context(), store.AuditFilter{Action: "unit.create"})
			return err
		})
		if len(entries) != 1 || entries[0].Detail != "sotkamon-uusi-palvelupiste" || entries[0].ActorName == "" || entries[0].IP == "" {
			t.Errorf("audit entries = %+v", entries)
		}
		if r := c.get("/admin/audit?action=unit.create"); r.Status != http.StatusOK || !strings.Contains(r.Body, "sotkamon-uusi-palvelupiste") {
			t.Errorf("audit page does not show the entry: %d", r.Status)
		}
		if r := c.get("/admin/audit?action=nothing"); !strings.Contains(r.Body, "Ei lokitietoja") {
			t.Errorf("audit filter did not filter")
		}
	})
}

func TestBadInput(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		c := e.client()
		if r := c.get("/no/such/page"); r.Status != http.StatusNotFound || !strings.Contains(r.Body, "Sivua ei löytynyt") || !strings.Contains(r.Body, `<html lang="fi">`) {
			t.Errorf("unknown route: %d", r.Status)
		}
		if r := c.get("/no/such/page?lang=sv"); r.Status != http.StatusNotFound || !strings.Contains(r.Body, "Sidan hittades inte") {
			t.Errorf("unknown route in Swedish: %d", r.Status)
		}
		req, _ := http.NewRequest("DELETE", e.ts.URL+"/login", nil)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		if r := c.do(req); r.Status != http.StatusMethodNotAllowed || r.Header.Get("Allow") != "GET, HEAD, POST" {
			t.Errorf("wrong method: %d, Allow %q", r.Status, r.Header.Get("Allow"))
		}
		req, _ = http.NewRequest("PUT", e.ts.URL+"/healthz", nil)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		if r := c.do(req); r.Status != http.StatusMethodNotAllowed || r.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("PUT on a GET page: %d, Allow %q", r.Status, r.Header.Get("Allow"))
		}
		big := strings.Repeat("a", 2<<20)
		if r := c.post("/login", url.Values{"email": {big}}); r.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("oversized body: %d", r.Status)
		}
		req, _ = http.NewRequest("POST", e.ts.URL+"/login", strings.NewReader("email=%ff%fe&password=x"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if r := c.do(req); r.Status != http.StatusBadRequest {
			t.Errorf("invalid UTF-8 in form: %d", r.Status)
		}
		if r := c.get("/login?next=%ff"); r.Status != http.StatusBadRequest {
			t.Errorf("invalid UTF-8 in query: %d", r.Status)
		}
		req, _ = http.NewRequest("POST", e.ts.URL+"/login", strings.NewReader("email=%zz"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if r := c.do(req); r.Status != http.StatusBadRequest {
			t.Errorf("malformed form encoding: %d", r.Status)
		}
		c.login("admin@kainuu.example")
		for _, p := range []string{"/admin/units/abc", "/admin/units/0", "/admin/units/99999999", "/admin/people/-1", "/admin/areas/x"} {
			if r := c.get(p); r.Status != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", p, r.Status)
			}
		}
		// An open redirect through ?next= is not possible.
		c2 := e.client()
		r := c2.post("/login", url.Values{"email": {"admin@kainuu.example"}, "password": {"kuulu-demo-2026"}, "next": {"//evil.example/x"}})
		if r.Location != "/" {
			t.Errorf("next=//evil.example redirected to %q", r.Location)
		}
	})
}

// TestEveryPageInEveryLanguage renders every GET page of the route matrix as
// an administrator in all three languages: no missing translations, the
// right lang attribute, the page frame. Examples that name an object that
// does not exist must give the translated 404 page; routes that answer
// something other than HTML (images, CSV, JSON, redirects) are skipped.
// Full-screen pages (the kiosk) carry no site frame.
func TestEveryPageInEveryLanguage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		c := e.client()
		c.login("admin@kainuu.example")
		pages := 0
		for pattern, m := range routeMatrix {
			if !strings.HasPrefix(pattern, "GET ") || strings.Contains(pattern, "/auth/") {
				continue
			}
			for _, l := range domain.Langs {
				sep := "?"
				if strings.Contains(m.path, "?") {
					sep = "&"
				}
				r := c.get(m.path + sep + "lang=" + string(l))
				if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") || r.Status == http.StatusSeeOther {
					continue
				}
				if r.Status != http.StatusOK && r.Status != http.StatusNotFound {
					t.Errorf("%s (%s): %d", m.path, l, r.Status)
					continue
				}
				pages++
				if !strings.Contains(r.Body, `<html lang="`+string(l)+`">`) {
					t.Errorf("%s (%s): wrong lang attribute", m.path, l)
				}
				if strings.Contains(r.Body, "[err.") || strings.Contains(r.Body, "[field.") || strings.Contains(r.Body, "[form.") {
					t.Errorf("%s (%s): untranslated key in page", m.path, l)
				}
				frame := []string{`class="skip-link"`, `<main id="main"`, `href="/saavutettavuusseloste"`}
				if strings.Contains(r.Body, `class="kiosk`) {
					frame = []string{`<main`}
				}
				for _, must := range frame {
					if !strings.Contains(r.Body, must) {
						t.Errorf("%s (%s): page lacks %s", m.path, l, must)
					}
				}
			}
		}
		if pages < 30 {
			t.Errorf("only %d HTML pages checked", pages)
		}
		// The language is remembered without the query parameter.
		c.get("/?lang=en")
		if r := c.get("/admin/units"); !strings.Contains(r.Body, `<html lang="en">`) {
			t.Error("language not remembered")
		}
	})
}
