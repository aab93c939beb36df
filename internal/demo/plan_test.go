package demo

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"kuulu/internal/domain"
	"kuulu/internal/org"
)

// TestPlan checks the generated data without a database.
func TestPlan(t *testing.T) {
	p := newPlan(1)
	slugs := map[string]bool{}
	for i, u := range p.units {
		u.ServiceAreaID = 1
		if err := u.Validate(); err != nil {
			t.Errorf("unit %s: %v", u.Slug, err)
		}
		if slugs[u.Slug] {
			t.Errorf("slug %s twice", u.Slug)
		}
		slugs[u.Slug] = true
		if u.PostalCode != postalCodes[u.Municipality] || u.PostalCode == "" {
			t.Errorf("unit %s: postal code %q in %s", u.Slug, u.PostalCode, u.Municipality)
		}
		if u.Name.SV == "" || u.Name.EN == "" {
			t.Errorf("unit %s lacks a translation", u.Slug)
		}
		if !slices.ContainsFunc(areas, func(a areaSpec) bool { return a.slug == p.area[i] }) {
			t.Errorf("unit %s: unknown area %s", u.Slug, p.area[i])
		}
	}
	for _, m := range org.Municipalities {
		if !slices.ContainsFunc(p.units, func(u org.Unit) bool {
			return u.Municipality == m && strings.HasSuffix(u.Slug, "-terveysasema")
		}) {
			t.Errorf("%s has no health centre", m)
		}
	}

	emailRE := regexp.MustCompile(`^[a-z0-9-]+(\.[a-z0-9-]+[0-9]*)?@kainuu\.example$`)
	emails, names := map[string]bool{}, map[string]bool{}
	swedish := 0
	for _, pp := range p.people {
		if !emailRE.MatchString(pp.email) {
			t.Errorf("email %q", pp.email)
		}
		if emails[pp.email] || names[pp.name] {
			t.Errorf("%s / %s twice", pp.email, pp.name)
		}
		emails[pp.email], names[pp.name] = true, true
		if pp.lang == domain.Swedish {
			swedish++
		}
		if (pp.role == domain.RoleSupervisor) != (len(pp.leads) > 0) {
			t.Errorf("%s: role %s leads %v", pp.email, pp.role, pp.leads)
		}
	}
	if swedish < 3 {
		t.Errorf("%d Swedish-speaking people, want a few", swedish)
	}
	if got := asciiFold("Åberg-Pääkkönen"); got != "aberg-paakkonen" {
		t.Errorf("asciiFold = %q", got)
	}
	for _, list := range [][]string{femaleFirstNames, maleFirstNames, surnames, swedishFemaleFirstNames, swedishMaleFirstNames, swedishSurnames} {
		if len(slices.Compact(slices.Sorted(slices.Values(list)))) != len(list) {
			t.Errorf("a name list has duplicates: %v", list[:3])
		}
	}
}

func TestAccessibilityStatement(t *testing.T) {
	must := map[domain.Lang][]string{
		domain.Finnish: {"306/2019", "WCAG 2.1", "osittain", "14 päivän", "Lupa- ja valvontavirasto", "www.saavutettavuusvaatimukset.fi", "16.11.2026"},
		domain.Swedish: {"306/2019", "WCAG 2.1", "delvis", "14 dagar", "Tillstånds- och tillsynsverket", "www.tillganglighetskrav.fi", "16.11.2026"},
		domain.English: {"306/2019", "WCAG 2.1", "partially conforms", "14 days", "Finnish Supervisory Agency", "www.accessibilityrequirements.fi", "16 November 2026"},
	}
	for _, pg := range accessibilityStatement {
		for _, s := range append(must[pg.Lang], "/p/saavutettavuus", "saavutettavuus@kainuu.example", "PDF") {
			if !strings.Contains(pg.Body, s) {
				t.Errorf("%s statement lacks %q", pg.Lang, s)
			}
		}
		// The regional state administrative agencies stopped at the end
		// of 2025: their old contact details must not be offered.
		for _, s := range []string{"avi.fi", "0295 016 000"} {
			if strings.Contains(pg.Body, s) {
				t.Errorf("%s statement still offers %q", pg.Lang, s)
			}
		}
		if strings.Contains(pg.Body, "\n\n\n") || strings.Contains(pg.Body, "\t") || strings.TrimSpace(pg.Body) != pg.Body {
			t.Errorf("%s statement: stray whitespace", pg.Lang)
		}
	}
	if len(accessibilityStatement) != len(domain.Langs) {
		t.Errorf("%d statements, want one per language", len(accessibilityStatement))
	}
}
