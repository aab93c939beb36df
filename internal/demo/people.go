package demo

import (
	"math/rand/v2"
	"strconv"
	"strings"

	"kuulu/internal/domain"
	"kuulu/internal/org"
)

// emailDomain is the demo county's mail domain (.example is reserved, RFC 2606).
const emailDomain = "kainuu.example"

// Login is one of the fixed demo sign-ins.
type Login struct {
	Email string
	Role  domain.Role
	// Description says in English who the person is, for start-up output and the README.
	Description string
}

// fixedPerson is a demo login together with the person behind it.
type fixedPerson struct {
	Login
	name, title string
	home        string // slug of the home unit; "" for none
	lead        string // unitSpec.lead of the units a supervisor leads
}

// fixed are the memorable demo logins. They exist only in demo data.
var fixed = []fixedPerson{
	{Login{"admin@" + emailDomain, domain.RoleAdmin, "administrator"}, "Antti Pääkkönen", "järjestelmäpääkäyttäjä", "", ""},
	{Login{"koordinaattori@" + emailDomain, domain.RoleCoordinator, "participation coordinator (county-wide)"}, "Satu Kemppainen", "osallisuuskoordinaattori", "", ""},
	{Login{"johto@" + emailDomain, domain.RoleManagement, "management (county director, reads dashboards and reports)"}, "Marja Heikkinen", "hyvinvointialuejohtaja", "", ""},
	{Login{"esihenkilo@" + emailDomain, domain.RoleSupervisor, "supervisor of Kajaani health centre and Paltamo health centre"}, "Tiina Karjalainen", "osastonhoitaja", kajaaniHealthCentre, leadDemo},
	{Login{"hoitaja@" + emailDomain, domain.RoleStaff, "nurse (staff) at Kajaani health centre"}, "Jenni Tervo", "sairaanhoitaja", kajaaniHealthCentre, ""},
}

// DemoLogins are the fixed demo sign-ins; every demo person, these and the
// generated ones, has the password DefaultPassword unless Options.Password
// says otherwise.
var DemoLogins = logins()

func logins() []Login {
	out := make([]Login, len(fixed))
	for i, f := range fixed {
		out[i] = f.Login
	}
	return out
}

// County-wide people generated besides the fixed logins (the brief: two
// coordinators and three management people in all).
var (
	extraManagement  = []string{"palvelualuejohtaja, terveyspalvelut", "palvelualuejohtaja, ikääntyneiden palvelut"}
	extraCoordinator = []string{"osallisuuskoordinaattori"}
)

// plannedPerson is a person before it is written: units are indexes into the
// plan's units, resolved to ids when written.
type plannedPerson struct {
	email, name, title string
	lang               domain.Lang
	role               domain.Role
	home               int   // index of the home unit, -1 for none
	leads              []int // indexes of supervised units
}

// plan is the whole demo data set, computed without I/O from a seed.
type plan struct {
	units  []org.Unit // ServiceAreaID still unset
	area   []string   // service area slug of each unit
	people []plannedPerson
}

// newPlan builds the demo data for a seed. The same seed always gives the same plan.
func newPlan(seed int64) *plan {
	p := &plan{}
	bySlug := map[string]int{}
	for i, s := range units {
		u := org.Unit{
			Slug:          org.Slugify(s.name.FI),
			Name:          s.name,
			Municipality:  s.municipality,
			StreetAddress: s.street,
			PostalCode:    postalCodes[s.municipality],
			Active:        true,
		}
		bySlug[u.Slug] = i
		p.units = append(p.units, u)
		p.area = append(p.area, s.area)
	}

	// The second PCG word is a constant so that the seed alone decides the stream.
	g := &namer{rng: rand.New(rand.NewPCG(uint64(seed), 0x6b75756c75)), names: map[string]bool{}, emails: map[string]bool{}}
	leaders := map[string]int{} // unitSpec.lead -> index in p.people
	for _, f := range fixed {
		g.names[f.name] = true
		g.emails[f.Email] = true
		home := -1
		if f.home != "" {
			home = bySlug[f.home]
		}
		if f.lead != "" {
			leaders[f.lead] = len(p.people)
		}
		p.people = append(p.people, plannedPerson{email: f.Email, name: f.name, title: f.title, lang: domain.Finnish, role: f.Role, home: home})
	}
	for _, t := range extraManagement {
		p.people = append(p.people, g.person(domain.RoleManagement, t, -1, 0.6))
	}
	for _, t := range extraCoordinator {
		p.people = append(p.people, g.person(domain.RoleCoordinator, t, -1, 0.8))
	}

	for i, s := range units {
		if at, ok := leaders[s.lead]; ok {
			p.people[at].leads = append(p.people[at].leads, i)
		} else {
			sup := g.person(domain.RoleSupervisor, s.kind.supervisorTitle, i, s.kind.female)
			sup.leads = []int{i}
			if s.lead != "" {
				leaders[s.lead] = len(p.people)
			}
			p.people = append(p.people, sup)
		}
		for range s.extraLeads {
			dep := g.person(domain.RoleSupervisor, deputyTitle(s.kind.supervisorTitle), i, s.kind.female)
			dep.leads = []int{i}
			p.people = append(p.people, dep)
		}
		for range s.staff {
			title := s.kind.titles[g.rng.IntN(len(s.kind.titles))]
			p.people = append(p.people, g.person(domain.RoleStaff, title, i, s.kind.female))
		}
	}
	return p
}

// deputyTitle names a supervisor's deputy.
func deputyTitle(title string) string {
	if title == "osastonhoitaja" {
		return "apulaisosastonhoitaja"
	}
	return title
}

// namer draws unique names and email addresses.
type namer struct {
	rng    *rand.Rand
	names  map[string]bool
	emails map[string]bool
	n      int
}

// person draws a person of the given role; female is the chance of a woman.
func (g *namer) person(role domain.Role, title string, home int, female float64) plannedPerson {
	g.n++
	// About one in 37 generated people speaks Swedish: a few, whatever the seed.
	swedish := g.n%37 == 20
	woman := g.rng.Float64() < female
	firsts, lasts := maleFirstNames, surnames
	switch {
	case swedish && woman:
		firsts, lasts = swedishFemaleFirstNames, swedishSurnames
	case swedish:
		firsts, lasts = swedishMaleFirstNames, swedishSurnames
	case woman:
		firsts = femaleFirstNames
	}
	var first, last string
	// Draw again on a name already in use: two Matti Virtanens are realistic
	// but confusing in a demo. The lists are large enough that this ends quickly.
	for {
		first, last = firsts[g.rng.IntN(len(firsts))], lasts[g.rng.IntN(len(lasts))]
		if !g.names[first+" "+last] {
			break
		}
	}
	name := first + " " + last
	g.names[name] = true

	base := asciiFold(first) + "." + asciiFold(last)
	email := base + "@" + emailDomain
	for i := 2; g.emails[email]; i++ {
		email = base + strconv.Itoa(i) + "@" + emailDomain
	}
	g.emails[email] = true

	lang := domain.Finnish
	if swedish {
		lang = domain.Swedish
	}
	return plannedPerson{email: email, name: name, title: title, lang: lang, role: role, home: home}
}

var folder = strings.NewReplacer("ä", "a", "ö", "o", "å", "a", "é", "e", "ü", "u")

// asciiFold lower-cases a name and folds it to the letters a–z, digits and
// hyphens, for the local part of an email address: "Pääkkönen" → "paakkonen".
func asciiFold(s string) string {
	s = folder.Replace(strings.ToLower(s))
	var b strings.Builder
	for _, c := range s {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' {
			b.WriteRune(c)
		}
	}
	return b.String()
}
