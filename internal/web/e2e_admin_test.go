package web

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"kuulu/internal/browsertest"
	"kuulu/internal/demo"
	"kuulu/internal/domain"
	"kuulu/internal/org"
	"kuulu/internal/store"
)

// The end-to-end browser tests of the foundation (issue 2): public pages and
// languages, signing in, the administrator's pages, the keyboard, the no-JS
// flow and signing out, in headless Chromium against the real server, with an
// axe-core check (WCAG 2.0/2.1 A and AA, zero violations) of every page
// visited. Helpers are in e2e_helpers_test.go.

// e2eUnitSlug is the demo unit that the tests edit.
const e2eUnitSlug = "kajaanin-terveysasema"

// TestE2EPublicPages visits the public pages (home, accessibility statement,
// a 404 page) as a visitor whose browser asks for Finnish, switches the
// language fi → sv → en → fi with the header links, and checks the skip
// link with the keyboard.
func TestE2EPublicPages(t *testing.T) {
	t.Parallel()
	w := newE2E(t, browsertest.WithAcceptLanguage(e2eFinnishUA))
	// The texts of the layout, in the page's language.
	wantLayout := func(w *e2e) {
		w.t.Helper()
		w.wantText(".user-menu", w.tr("auth.login"))
		w.wantText(".site-footer", w.tr("layout.accessibility"), w.tr("layout.footer_note"))
		if got, want := w.text("a.skip-link"), w.tr("layout.skip"); got != want {
			w.t.Errorf("skip link %q, want %q", got, want)
		}
	}
	w.steps(e2eStep{"languages", func(w *e2e) {
		w.visit("/", http.StatusOK)
		wantPage(w, "fi", w.tr("home.public_title"))
		wantLayout(w)
		w.check("home (fi)")

		// Swedish from the header; the choice is remembered on the next page.
		w.click(`.lang-switch a[hreflang="sv"]`, http.StatusOK)
		wantPage(w, "sv", w.tr("home.public_title"))
		wantLayout(w)
		if got := w.text(`.lang-switch [aria-current="true"]`); got != "På svenska" {
			w.t.Errorf("current language link %q, want På svenska", got)
		}
		w.check("home (sv)")
		w.screenshot("home (sv)")
		w.click(`.site-footer a[href="/saavutettavuusseloste"]`, http.StatusOK)
		if p := w.location(); p != "/saavutettavuusseloste" {
			w.t.Errorf("footer link led to %s", p)
		}
		wantPage(w, "sv", w.tr("a11y.title"))
		w.check("accessibility statement (sv)")

		// English, remembered on a 404 page.
		w.click(`.lang-switch a[hreflang="en"]`, http.StatusOK)
		wantPage(w, "en", w.tr("a11y.title"))
		w.check("accessibility statement (en)")
		w.screenshot("accessibility statement (en)")
		w.visit("/no/such/page", http.StatusNotFound)
		wantPage(w, "en", w.tr("status.404"))
		wantLayout(w)
		w.check("404 (en)")

		// Back to Finnish on the 404 page itself.
		w.click(`.lang-switch a[hreflang="fi"]`, http.StatusNotFound)
		if p := w.location(); p != "/no/such/page?lang=fi" {
			w.t.Errorf("language link led to %s, want the same page", p)
		}
		wantPage(w, "fi", w.tr("status.404"))
		w.check("404 (fi)")
		w.screenshot("404 (fi)")
		if c, err := w.b.Cookie(w.ctx, langCookie); err != nil || c == nil || c.Value != "fi" {
			w.t.Errorf("language cookie = %+v (%v), want fi", c, err)
		}
	}}, e2eStep{"skip link", func(w *e2e) {
		w.checkSkipLink("/")
	}})
}

// TestE2EAdminOrganisation signs in through the login form (after an empty
// and a wrong try), walks the organisation pages (unit list with a filter, a
// unit's form, a new service area, the CSV import) saving and failing
// validation on the way, finds the change in the audit log, and signs out.
func TestE2EAdminOrganisation(t *testing.T) {
	t.Parallel()
	w := newE2E(t, browsertest.WithAcceptLanguage(e2eFinnishUA))
	admin, unit := e2eFixtures(w)
	unitPath := fmt.Sprintf("/admin/units/%d", unit.ID)
	w.steps(
		e2eStep{"sign in", func(w *e2e) {
			w.visit("/", http.StatusOK)
			w.check("home")
			w.click(`.user-menu a[href="/login"]`, http.StatusOK)
			wantPage(w, "fi", w.tr("auth.login_title"))
			w.check("sign-in form")

			w.submit(`form[action="/login"]`, http.StatusUnprocessableEntity)
			w.wantErrorSummary(map[string]string{"email": w.tr("err.required"), "password": w.tr("err.required")})
			w.check("sign-in form, empty")
			w.screenshot("sign-in form, empty")
			w.followErrorLink("password")

			w.fill(w.tr("field.email"), e2eAdmin)
			w.fill(w.tr("field.password"), "not-the-password")
			w.submit(`form[action="/login"]`, http.StatusUnauthorized)
			w.wantText(`.notice-error[role="alert"]`, w.tr("err.login_failed"))
			w.waitFocus("div.notice.notice-error", "the error message of a failed sign-in")
			if v := w.value("#f-email"); v != e2eAdmin {
				w.t.Errorf("the email field lost what was typed: %q", v)
			}
			if v := w.value("#f-password"); v != "" {
				w.t.Errorf("the password field was filled in again: %q", v)
			}
			w.check("sign-in form, wrong password")
			w.screenshot("sign-in form, wrong password")

			w.login(e2eAdmin, demo.DefaultPassword)
			wantPage(w, "fi", w.tr("home.welcome", admin.Name))
			w.wantText(".user-menu", admin.Name, w.tr("auth.logout"))
			w.check("home, signed in")
		}},

		e2eStep{"organisation with a filter", func(w *e2e) {
			w.click(`.main-nav a[href="/admin/units"]`, http.StatusOK)
			wantPage(w, "fi", w.tr("org.title"))
			if got := w.text(`.main-nav [aria-current="page"]`); got != w.tr("nav.org") {
				w.t.Errorf("current navigation item %q, want %q", got, w.tr("nav.org"))
			}
			w.check("organisation")

			w.fill(w.tr("form.search"), "terveysasema")
			w.fill(w.tr("field.municipality"), "Kajaani")
			w.submit("form.filters", http.StatusOK)
			if p := w.location(); !strings.Contains(p, "q=terveysasema") || !strings.Contains(p, "municipality=Kajaani") {
				w.t.Errorf("the filter went to %s", p)
			}
			names := w.texts("ul.tree table.data tbody th")
			places := w.texts("ul.tree table.data tbody td:nth-of-type(1)")
			if len(names) == 0 || !slices.Contains(names, unit.Name.FI) {
				w.t.Errorf("filtered units %v lack %q", names, unit.Name.FI)
			}
			for i, n := range names {
				if !strings.Contains(strings.ToLower(n), "terveysasema") || places[i] != "Kajaani" {
					w.t.Errorf("the filter let through %q in %s", n, places[i])
				}
			}
			if got, want := w.text(`main p[role="status"]`), w.tr("org.unit_count", len(names)); got != want {
				w.t.Errorf("unit count %q, want %q", got, want)
			}
			w.check("organisation, filtered")
			w.screenshot("organisation, filtered")
		}},

		e2eStep{"edit a unit", func(w *e2e) {
			w.click(fmt.Sprintf(`table.data a[href=%q]`, unitPath), http.StatusOK)
			wantPage(w, "fi", w.tr("org.edit_unit"))
			if v := w.value("#f-name_fi"); v != unit.Name.FI {
				w.t.Errorf("name field %q, want %q", v, unit.Name.FI)
			}
			w.check("unit form")

			w.fill(w.tr("field.street_address"), "Kalliokatu 5 B")
			w.fill(w.tr("field.postal_code"), "871")
			w.submit(fmt.Sprintf(`form[action=%q]`, unitPath), http.StatusUnprocessableEntity)
			w.wantErrorSummary(map[string]string{"postal_code": w.tr("err.postal_code")})
			if v := w.value("#f-street_address"); v != "Kalliokatu 5 B" {
				w.t.Errorf("the form lost the typed street address: %q", v)
			}
			w.check("unit form, invalid postal code")
			w.screenshot("unit form, invalid postal code")
			w.followErrorLink("postal_code")

			w.fill(w.tr("field.postal_code"), "87100")
			w.submit(fmt.Sprintf(`form[action=%q]`, unitPath), http.StatusOK)
			if p := w.location(); p != "/admin/units?saved="+e2eUnitSlug {
				w.t.Errorf("saving led to %s", p)
			}
			w.wantText(`.notice-success[role="status"]`, w.tr("form.saved"))
			w.check("organisation, unit saved")
			w.read(func(tx *store.Tx) error {
				u, err := tx.Unit(w.t.Context(), unit.ID)
				if err == nil && (u.StreetAddress != "Kalliokatu 5 B" || u.PostalCode != "87100") {
					w.t.Errorf("stored unit: %q %q", u.StreetAddress, u.PostalCode)
				}
				return err
			})
		}},

		e2eStep{"new service area", func(w *e2e) {
			w.click(`main a[href="/admin/areas/new"]`, http.StatusOK)
			wantPage(w, "fi", w.tr("org.new_area"))
			w.check("new service area")
			w.fill(w.tr("field.slug"), "digipalvelut")
			w.submit(`form[action="/admin/areas"]`, http.StatusUnprocessableEntity)
			w.wantErrorSummary(map[string]string{"name_fi": w.tr("err.required")})
			w.check("new service area, no name")
			w.followErrorLink("name_fi")

			w.fill(w.tr("field.name_fi"), "Digipalvelut")
			w.fill(w.tr("field.name_sv"), "Digitala tjänster")
			w.fill(w.tr("field.name_en"), "Digital services")
			w.submit(`form[action="/admin/areas"]`, http.StatusOK)
			if p := w.location(); p != "/admin/units?saved=digipalvelut" {
				w.t.Errorf("saving led to %s", p)
			}
			w.wantText(`.notice-success`, w.tr("form.saved"))
			w.wantText("ul.tree", "Digipalvelut")
			w.check("organisation, service area saved")
		}},

		e2eStep{"CSV import", func(w *e2e) {
			w.click(`main a[href="/admin/units/import"]`, http.StatusOK)
			wantPage(w, "fi", w.tr("import.title"))
			w.check("CSV import")

			dir := w.t.TempDir()
			good := filepath.Join(dir, "yksikot.csv")
			writeFile(w.t, good, "service_area,slug,name_fi,name_sv,name_en,municipality,street_address,postal_code\n"+
				"digipalvelut,digituki,Digituki,Digistöd,Digital support,Kajaani,Kauppakatu 1,87100\n")
			w.upload(w.tr("import.file"), good)
			w.submit(`form[action="/admin/units/import"]`, http.StatusOK)
			w.wantText(`.notice-success[role="status"]`, w.tr("import.done", 1, 0))
			w.check("CSV import, done")

			bad := filepath.Join(dir, "virheet.csv")
			writeFile(w.t, bad, "service_area;slug;name_fi;municipality;postal_code\n"+
				"terveyspalvelut;hyva-rivi;Hyvä rivi;Kajaani;87100\n"+
				"eiole;toinen;Toinen;Kajaani;87100\n"+
				"terveyspalvelut;kolmas;;Kajaani;8710\n")
			w.upload(w.tr("import.file"), bad)
			w.submit(`form[action="/admin/units/import"]`, http.StatusUnprocessableEntity)
			w.wantText(".error-summary h2", w.tr("import.rejected", 3))
			w.waitFocus("div#error-summary.error-summary", "the list of rejected rows")
			rows := w.texts(".error-summary table.data tbody tr")
			want := []string{
				"3\tservice_area\t" + w.tr("err.csv.unknown_area", "eiole"),
				"4\tname_fi\t" + w.tr("err.required"),
				"4\tpostal_code\t" + w.tr("err.postal_code"),
			}
			if !slices.Equal(rows, want) {
				w.t.Errorf("error rows:\n%q\nwant\n%q", rows, want)
			}
			w.check("CSV import, rejected rows")
			w.screenshot("CSV import, rejected rows")
			w.read(func(tx *store.Tx) error {
				if _, err := tx.UnitBySlug(w.t.Context(), "digituki"); err != nil {
					w.t.Errorf("the good file was not imported: %v", err)
				}
				if _, err := tx.UnitBySlug(w.t.Context(), "hyva-rivi"); !domain.IsNotFound(err) {
					w.t.Errorf("a row of the rejected file was imported (%v)", err)
				}
				return nil
			})
		}},

		e2eStep{"audit log with a filter", func(w *e2e) {
			w.click(`.main-nav a[href="/admin/audit"]`, http.StatusOK)
			wantPage(w, "fi", w.tr("audit.title"))
			w.check("audit log")
			w.fill(w.tr("audit.action"), "unit.update")
			w.submit("form.filters", http.StatusOK)
			rows := w.texts("table.data tbody tr")
			if len(rows) != 1 {
				w.t.Fatalf("audit log filtered to unit.update has %d rows, want 1 (the unit saved above): %q", len(rows), rows)
			}
			for _, want := range []string{admin.Name, "unit.update", fmt.Sprintf("unit #%d", unit.ID), e2eUnitSlug} {
				if !strings.Contains(rows[0], want) {
					w.t.Errorf("audit row %q lacks %q", rows[0], want)
				}
			}
			w.check("audit log, filtered")
			w.screenshot("audit log, filtered")
		}},

		e2eSignOut,
	)
}

// TestE2EAdminPeopleAndSettings signs in and walks the people list (role
// filter, paging), a person's form, the accessibility statement editor, the
// feedback rules and the account page, with their validation errors, then
// signs out.
func TestE2EAdminPeopleAndSettings(t *testing.T) {
	t.Parallel()
	w := newE2E(t, browsertest.WithAcceptLanguage(e2eFinnishUA))
	admin, _ := e2eFixtures(w)
	w.steps(
		e2eStep{"sign in", func(w *e2e) {
			w.visit("/login", http.StatusOK)
			w.login(e2eAdmin, demo.DefaultPassword)
			w.check("home, signed in")
		}},
		e2eStep{"people with a role filter and paging", func(w *e2e) {
			var total int
			w.read(func(tx *store.Tx) error {
				var err error
				_, total, err = tx.People(w.t.Context(), store.PersonFilter{Role: domain.RoleStaff, Limit: 1})
				return err
			})
			pages := (total + pageSize - 1) / pageSize
			if pages < 2 {
				w.t.Fatalf("the demo data has %d staff, too few for paging", total)
			}

			w.click(`.main-nav a[href="/admin/people"]`, http.StatusOK)
			wantPage(w, "fi", w.tr("people.title"))
			w.check("people")

			w.fill(w.tr("field.role"), string(domain.RoleStaff))
			w.submit("form.filters", http.StatusOK)
			w.wantText(`main p[role="status"]`, w.tr("people.count", total))
			w.wantText(`.pagination [aria-current="page"]`, w.tr("layout.page_of", 1, pages))
			first := w.texts("table.data tbody th a")
			if len(first) != pageSize {
				w.t.Errorf("page 1 has %d people, want %d", len(first), pageSize)
			}
			for _, roles := range w.texts("table.data tbody td:nth-of-type(3)") {
				if !strings.Contains(roles, w.tr("role.staff")) {
					w.t.Errorf("the role filter let through a person with roles %q", roles)
				}
			}
			w.check("people, staff")

			w.click(`.pagination a[rel="next"]`, http.StatusOK)
			if p := w.location(); !strings.Contains(p, "role=staff") || !strings.Contains(p, "page=2") {
				w.t.Errorf("next page is %s", p)
			}
			w.wantText(`.pagination [aria-current="page"]`, w.tr("layout.page_of", 2, pages))
			if !w.has(`.pagination a[rel="prev"]`) {
				w.t.Error("page 2 has no link to the previous page")
			}
			if second := w.texts("table.data tbody th a"); len(second) == 0 || slices.Contains(first, second[0]) {
				w.t.Errorf("page 2 repeats page 1: %v", second)
			}
			w.check("people, staff, page 2")
			w.screenshot("people, staff, page 2")
		}},

		e2eStep{"edit a person", func(w *e2e) {
			name := w.text("table.data tbody th a")
			w.click("table.data tbody th a", http.StatusOK)
			wantPage(w, "fi", w.tr("people.edit"))
			if v := w.value("#f-name"); v != name {
				w.t.Errorf("name field %q, want %q", v, name)
			}
			w.check("person form")
			w.fill(w.tr("field.email"), "ei-sahkoposti")
			w.submit("main form.form", http.StatusUnprocessableEntity)
			w.wantErrorSummary(map[string]string{"email": w.tr("err.email")})
			w.check("person form, invalid email")
			w.followErrorLink("email")

			// An administrator cannot take away their own admin role; the
			// error is on the group of role checkboxes.
			w.visit(fmt.Sprintf("/admin/people/%d", admin.ID), http.StatusOK)
			w.check("own person form")
			if err := w.b.Click(w.ctx, `input[name="role"][value="admin"]`); err != nil {
				w.t.Fatal(err)
			}
			w.submit("main form.form", http.StatusUnprocessableEntity)
			w.wantErrorSummary(map[string]string{"role": w.tr("err.self_lockout")})
			w.check("own person form, self-lockout")
			w.screenshot("own person form, self-lockout")
			w.followErrorLink("role")
		}},

		e2eStep{"accessibility statement editor", func(w *e2e) {
			w.click(`.main-nav a[href="/admin/accessibility"]`, http.StatusOK)
			wantPage(w, "fi", w.tr("a11y.edit_title"))
			w.check("statement editor")
			// Each language has a field labelled "Title": pick by id.
			svTitle := w.value("#f-title_sv")
			w.fillCSS("#f-title_sv", "")
			w.submit(`form[action="/admin/accessibility"]`, http.StatusUnprocessableEntity)
			w.wantErrorSummary(map[string]string{"title_sv": w.tr("err.required")})
			w.check("statement editor, missing title")
			w.screenshot("statement editor, missing title")
			w.followErrorLink("title_sv")
			w.fillCSS("#f-title_sv", svTitle+" (2026)")
			w.submit(`form[action="/admin/accessibility"]`, http.StatusOK)
			w.wantText(`.notice-success[role="status"]`, w.tr("form.saved"))
			if v := w.value("#f-title_sv"); v != svTitle+" (2026)" {
				w.t.Errorf("saved Swedish title %q", v)
			}
			w.check("statement editor, saved")
		}},

		e2eStep{"feedback rules", func(w *e2e) {
			w.click(`.main-nav a[href="/admin/settings"]`, http.StatusOK)
			wantPage(w, "fi", w.tr("settings.title"))
			w.check("feedback rules")
			w.fillCSS("#f-reply_days", "0")
			w.submit(`form[action="/admin/settings"]`, http.StatusUnprocessableEntity)
			w.wantErrorSummary(map[string]string{"reply_days": w.tr("err.settings.range", 1, 90)})
			w.check("feedback rules, out of range")
			w.screenshot("feedback rules, out of range")
			w.followErrorLink("reply_days")
			w.fillCSS("#f-reply_days", "21")
			w.submit(`form[action="/admin/settings"]`, http.StatusOK)
			w.wantText(`.notice-success[role="status"]`, w.tr("form.saved"))
			if v := w.value("#f-reply_days"); v != "21" {
				w.t.Errorf("saved reply time %q", v)
			}
			if v := w.value("#f-message_retention_days"); v != "30" {
				w.t.Errorf("message retention %q, want the default 30", v)
			}
			w.check("feedback rules, saved")
		}},

		e2eStep{"account", func(w *e2e) {
			w.click(`.user-menu a[href="/account"]`, http.StatusOK)
			wantPage(w, "fi", w.tr("account.title"))
			w.wantText("dl.details", admin.Name, admin.Email)
			w.check("account")
			w.fill(w.requiredLabel("field.current"), "väärä salasana")
			w.fill(w.requiredLabel("field.new_password"), "uusi pitkä salasana 2026")
			w.fill(w.requiredLabel("field.password_again"), "uusi pitkä salasana 2026")
			w.submit(`form[action="/account/password"]`, http.StatusUnprocessableEntity)
			w.wantErrorSummary(map[string]string{"current": w.tr("err.current_password")})
			w.check("account, wrong current password")
			w.screenshot("account, wrong current password")
		}},

		e2eStep{"skip link when signed in", func(w *e2e) {
			w.checkSkipLink("/admin/people")
		}},

		e2eSignOut,
	)
}

// e2eSignOut signs out with the header's button and checks that an
// administrator page then leads to the sign-in page.
var e2eSignOut = e2eStep{"sign out", func(w *e2e) {
	w.logout()
	if p := w.location(); p != "/?signed_out=1" {
		w.t.Errorf("signing out led to %s", p)
	}
	w.wantText(`.notice-success[role="status"]`, w.tr("auth.signed_out"))
	w.check("home, signed out")
	w.visit("/admin/units", http.StatusOK)
	if p := w.location(); p != "/login?next=%2Fadmin%2Funits" {
		w.t.Errorf("/admin/units after signing out: at %s, want the sign-in page", p)
	}
	wantPage(w, "fi", w.tr("auth.login_title"))
	w.check("sign-in form after signing out")
}}

// e2eFixtures reads the demo administrator and the unit that the tests edit.
func e2eFixtures(w *e2e) (admin org.Person, unit org.Unit) {
	w.t.Helper()
	w.read(func(tx *store.Tx) error {
		var err error
		if admin, err = tx.PersonByEmail(w.t.Context(), e2eAdmin); err != nil {
			return err
		}
		unit, err = tx.UnitBySlug(w.t.Context(), e2eUnitSlug)
		return err
	})
	return admin, unit
}

// TestE2EAdminWithoutJavaScript signs in and saves a unit in a browser with
// JavaScript disabled: the foundation needs no script.
func TestE2EAdminWithoutJavaScript(t *testing.T) {
	t.Parallel()
	w := newE2E(t, browsertest.WithoutJavaScript(), browsertest.WithAcceptLanguage(e2eFinnishUA))
	if w.b.JavaScriptEnabled() {
		t.Fatal("JavaScript is enabled")
	}
	_, unit := e2eFixtures(w)
	unitPath := fmt.Sprintf("/admin/units/%d", unit.ID)

	w.visit("/login", http.StatusOK)
	w.check("sign-in form (no JS)")
	w.submit(`form[action="/login"]`, http.StatusUnprocessableEntity)
	w.wantErrorSummary(map[string]string{"email": w.tr("err.required"), "password": w.tr("err.required")})
	w.check("sign-in form, empty (no JS)")
	w.login(e2eAdmin, demo.DefaultPassword)
	w.check("home, signed in (no JS)")

	w.click(`.main-nav a[href="/admin/units"]`, http.StatusOK)
	w.check("organisation (no JS)")
	w.click(fmt.Sprintf(`table.data a[href=%q]`, unitPath), http.StatusOK)
	w.check("unit form (no JS)")
	w.fill(w.tr("field.postal_code"), "abc")
	w.submit(fmt.Sprintf(`form[action=%q]`, unitPath), http.StatusUnprocessableEntity)
	w.wantErrorSummary(map[string]string{"postal_code": w.tr("err.postal_code")})
	w.check("unit form, invalid postal code (no JS)")
	w.screenshot("unit form, invalid postal code (no JS)")
	w.followErrorLink("postal_code")
	w.fill(w.tr("field.postal_code"), "87200")
	w.fill(w.tr("field.municipality"), "Paltamo")
	w.submit(fmt.Sprintf(`form[action=%q]`, unitPath), http.StatusOK)
	w.wantText(`.notice-success[role="status"]`, w.tr("form.saved"))
	w.check("organisation, unit saved (no JS)")
	w.screenshot("organisation, unit saved (no JS)")
	w.read(func(tx *store.Tx) error {
		u, err := tx.Unit(t.Context(), unit.ID)
		if err == nil && (u.PostalCode != "87200" || u.Municipality != "Paltamo") {
			t.Errorf("stored unit: %q %q", u.PostalCode, u.Municipality)
		}
		return err
	})

	w.steps(e2eSignOut)
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
