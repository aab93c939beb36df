package demo

import "kuulu/internal/domain"

// countyName is the demo county, modelled on Kainuu.
var countyName = domain.Text{
	FI: "Kainuun hyvinvointialue",
	SV: "Kajanalands välfärdsområde",
	EN: "Kainuu Wellbeing Services County",
}

// postalCodes gives each municipality's main postal code.
var postalCodes = map[string]string{
	"Kajaani":     "87100",
	"Sotkamo":     "88600",
	"Kuhmo":       "88900",
	"Suomussalmi": "89600",
	"Paltamo":     "88300",
	"Puolanka":    "89200",
	"Ristijärvi":  "88400",
	"Hyrynsalmi":  "89400",
}

// Service area slugs.
const (
	areaOlder  = "ikaantyneiden-palvelut"
	areaFamily = "perhe-ja-sosiaalipalvelut"
	areaHealth = "terveyspalvelut"
	areaMental = "mielenterveys-ja-paihdepalvelut"
	areaRescue = "pelastuspalvelut"
)

type areaSpec struct {
	slug string
	name domain.Text
}

// areas are the five service areas in display order.
var areas = []areaSpec{
	{areaOlder, domain.Text{FI: "Ikääntyneiden palvelut", SV: "Tjänster för äldre", EN: "Services for older people"}},
	{areaFamily, domain.Text{FI: "Perhe- ja sosiaalipalvelut", SV: "Familje- och socialtjänster", EN: "Family and social services"}},
	{areaHealth, domain.Text{FI: "Terveyspalvelut", SV: "Hälsovårdstjänster", EN: "Health services"}},
	{areaMental, domain.Text{FI: "Mielenterveys- ja päihdepalvelut", SV: "Mentalvårds- och missbrukartjänster", EN: "Mental health and substance abuse services"}},
	{areaRescue, domain.Text{FI: "Pelastuspalvelut", SV: "Räddningstjänster", EN: "Rescue services"}},
}

// kind is a type of unit: who works there and what its supervisor is called.
type kind struct {
	supervisorTitle string
	// titles of staff members; a title listed twice is drawn twice as often.
	titles []string
	// female is the share of women among the unit's staff: care work in
	// Finland is mostly done by women, fire stations are mostly staffed by men.
	female float64
}

var (
	healthCentre = &kind{"osastonhoitaja", []string{
		"sairaanhoitaja", "sairaanhoitaja", "sairaanhoitaja", "sairaanhoitaja", "terveydenhoitaja", "terveydenhoitaja",
		"lähihoitaja", "lähihoitaja", "lääkäri", "lääkäri", "fysioterapeutti", "osastonsihteeri"}, 0.85}
	emergency = &kind{"osastonhoitaja", []string{
		"sairaanhoitaja", "sairaanhoitaja", "sairaanhoitaja", "sairaanhoitaja", "sairaanhoitaja",
		"ensihoitaja", "ensihoitaja", "lääkäri", "lääkäri", "lähihoitaja", "osastonsihteeri"}, 0.75}
	dental = &kind{"vastaava hammaslääkäri", []string{
		"hammaslääkäri", "hammaslääkäri", "hammashoitaja", "hammashoitaja", "suuhygienisti"}, 0.8}
	homeCare = &kind{"palveluesihenkilö", []string{
		"lähihoitaja", "lähihoitaja", "lähihoitaja", "lähihoitaja", "lähihoitaja",
		"sairaanhoitaja", "sairaanhoitaja", "fysioterapeutti"}, 0.88}
	serviceHousing = &kind{"palveluesihenkilö", []string{
		"lähihoitaja", "lähihoitaja", "lähihoitaja", "lähihoitaja", "sairaanhoitaja", "hoiva-avustaja"}, 0.88}
	childClinic = &kind{"osastonhoitaja", []string{
		"terveydenhoitaja", "terveydenhoitaja", "terveydenhoitaja", "lääkäri", "psykologi"}, 0.92}
	familyCentre = &kind{"palveluesihenkilö", []string{
		"sosiaaliohjaaja", "sosiaaliohjaaja", "perhetyöntekijä", "perhetyöntekijä", "psykologi", "terveydenhoitaja"}, 0.85}
	adultSocial = &kind{"johtava sosiaalityöntekijä", []string{
		"sosiaalityöntekijä", "sosiaalityöntekijä", "sosiaalityöntekijä", "sosiaaliohjaaja", "sosiaaliohjaaja", "etuuskäsittelijä"}, 0.8}
	childWelfare = &kind{"johtava sosiaalityöntekijä", []string{
		"sosiaalityöntekijä", "sosiaalityöntekijä", "sosiaalityöntekijä", "sosiaaliohjaaja", "sosiaaliohjaaja", "perhetyöntekijä"}, 0.8}
	mentalHealth = &kind{"osastonhoitaja", []string{
		"psykiatrinen sairaanhoitaja", "psykiatrinen sairaanhoitaja", "psykiatrinen sairaanhoitaja",
		"psykologi", "lääkäri", "sosiaalityöntekijä"}, 0.75}
	substanceAbuse = &kind{"osastonhoitaja", []string{
		"sairaanhoitaja", "sairaanhoitaja", "päihdetyöntekijä", "päihdetyöntekijä", "sosiaaliohjaaja", "lääkäri"}, 0.6}
	fireStation = &kind{"palomestari", []string{
		"palomies", "palomies", "palomies", "palomies", "ylipalomies", "ylipalomies", "ensihoitaja", "ensihoitaja"}, 0.1}
)

// unitSpec describes one demo unit. Its slug is org.Slugify(name.FI) and its
// postal code comes from postalCodes.
type unitSpec struct {
	area         string
	kind         *kind
	name         domain.Text
	municipality string
	street       string
	staff        int // generated staff members, not counting supervisors
	// lead groups units under one supervisor: units with the same non-empty
	// lead share a supervisor; an empty lead gives the unit its own.
	lead string
	// extraLeads is the number of supervisors beyond the first (a deputy).
	extraLeads int
}

// leadDemo is the lead of the units that the fixed esihenkilo@ login supervises.
const leadDemo = "demo"

// kajaaniHealthCentre is the slug of the unit of the fixed supervisor and nurse logins.
const kajaaniHealthCentre = "kajaanin-terveysasema"

// units are the demo county's units, by service area.
var units = []unitSpec{
	// Health services: a health centre in every municipality.
	{areaHealth, healthCentre, domain.Text{FI: "Kajaanin terveysasema", SV: "Hälsostationen i Kajana", EN: "Kajaani health centre"}, "Kajaani", "Kalliokatu 4", 12, leadDemo, 0},
	{areaHealth, emergency, domain.Text{FI: "Kainuun keskussairaalan päivystys", SV: "Jourmottagningen vid Kajanalands centralsjukhus", EN: "Kainuu Central Hospital emergency department"}, "Kajaani", "Sotkamontie 13", 12, "", 1},
	{areaHealth, dental, domain.Text{FI: "Kajaanin suun terveydenhuolto", SV: "Munhälsovården i Kajana", EN: "Kajaani dental care"}, "Kajaani", "Lönnrotinkatu 8", 7, "", 0},
	{areaHealth, healthCentre, domain.Text{FI: "Sotkamon terveysasema", SV: "Hälsostationen i Sotkamo", EN: "Sotkamo health centre"}, "Sotkamo", "Kainuuntie 18", 7, "", 0},
	{areaHealth, healthCentre, domain.Text{FI: "Kuhmon terveysasema", SV: "Hälsostationen i Kuhmo", EN: "Kuhmo health centre"}, "Kuhmo", "Koulukatu 5", 6, "", 0},
	{areaHealth, healthCentre, domain.Text{FI: "Suomussalmen terveysasema", SV: "Hälsostationen i Suomussalmi", EN: "Suomussalmi health centre"}, "Suomussalmi", "Kiannantie 50", 5, "", 0},
	{areaHealth, healthCentre, domain.Text{FI: "Paltamon terveysasema", SV: "Hälsostationen i Paldamo", EN: "Paltamo health centre"}, "Paltamo", "Keskustie 10", 4, leadDemo, 0},
	{areaHealth, healthCentre, domain.Text{FI: "Puolangan terveysasema", SV: "Hälsostationen i Puolanka", EN: "Puolanka health centre"}, "Puolanka", "Kauppatie 11", 4, "", 0},
	{areaHealth, healthCentre, domain.Text{FI: "Ristijärven terveysasema", SV: "Hälsostationen i Ristijärvi", EN: "Ristijärvi health centre"}, "Ristijärvi", "Keskustie 15", 3, "north", 0},
	{areaHealth, healthCentre, domain.Text{FI: "Hyrynsalmen terveysasema", SV: "Hälsostationen i Hyrynsalmi", EN: "Hyrynsalmi health centre"}, "Hyrynsalmi", "Hallituskatu 4", 3, "north", 0},

	// Services for older people: home care and service housing.
	{areaOlder, homeCare, domain.Text{FI: "Kajaanin keskustan kotihoito", SV: "Hemvården i Kajana centrum", EN: "Home care, Kajaani centre"}, "Kajaani", "Pohjolankatu 18", 8, "", 0},
	{areaOlder, homeCare, domain.Text{FI: "Lehtikankaan kotihoito", SV: "Hemvården i Lehtikangas", EN: "Home care, Lehtikangas"}, "Kajaani", "Lehtikankaantie 3", 7, "", 0},
	{areaOlder, serviceHousing, domain.Text{FI: "Palvelutalo Vimpelinrinne", SV: "Servicehuset Vimpelinrinne", EN: "Vimpelinrinne service housing"}, "Kajaani", "Vimpelinrinne 2", 7, "", 0},
	{areaOlder, homeCare, domain.Text{FI: "Sotkamon kotihoito", SV: "Hemvården i Sotkamo", EN: "Home care, Sotkamo"}, "Sotkamo", "Markkinatie 10", 6, "", 0},
	{areaOlder, homeCare, domain.Text{FI: "Kuhmon kotihoito", SV: "Hemvården i Kuhmo", EN: "Home care, Kuhmo"}, "Kuhmo", "Kirkkokatu 11", 5, "", 0},
	{areaOlder, homeCare, domain.Text{FI: "Suomussalmen kotihoito", SV: "Hemvården i Suomussalmi", EN: "Home care, Suomussalmi"}, "Suomussalmi", "Ketolantie 3", 5, "", 0},
	{areaOlder, serviceHousing, domain.Text{FI: "Palvelutalo Kiehimänranta", SV: "Servicehuset Kiehimänranta", EN: "Kiehimänranta service housing"}, "Paltamo", "Kiehimäntie 4", 4, "", 0},
	{areaOlder, serviceHousing, domain.Text{FI: "Hyrynsalmen palvelutalo", SV: "Servicehuset i Hyrynsalmi", EN: "Hyrynsalmi service housing"}, "Hyrynsalmi", "Hallituskatu 8", 4, "", 0},

	// Family and social services.
	{areaFamily, childClinic, domain.Text{FI: "Kajaanin neuvola", SV: "Rådgivningen i Kajana", EN: "Kajaani child health clinic"}, "Kajaani", "Kauppakatu 26", 5, "", 0},
	{areaFamily, familyCentre, domain.Text{FI: "Kajaanin perhekeskus", SV: "Familjecentret i Kajana", EN: "Kajaani family centre"}, "Kajaani", "Brahenkatu 7", 6, "", 0},
	{areaFamily, adultSocial, domain.Text{FI: "Kajaanin aikuissosiaalityö", SV: "Socialarbete för vuxna i Kajana", EN: "Kajaani adult social work"}, "Kajaani", "Linnankatu 14", 5, "", 0},
	{areaFamily, childWelfare, domain.Text{FI: "Kajaanin lastensuojelu", SV: "Barnskyddet i Kajana", EN: "Kajaani child welfare"}, "Kajaani", "Satamakatu 6", 6, "", 0},
	{areaFamily, familyCentre, domain.Text{FI: "Sotkamon perhekeskus", SV: "Familjecentret i Sotkamo", EN: "Sotkamo family centre"}, "Sotkamo", "Kainuuntie 20", 4, "", 0},
	{areaFamily, adultSocial, domain.Text{FI: "Suomussalmen aikuissosiaalityö", SV: "Socialarbete för vuxna i Suomussalmi", EN: "Suomussalmi adult social work"}, "Suomussalmi", "Kiannantie 45", 3, "", 0},

	// Mental health and substance abuse services.
	{areaMental, mentalHealth, domain.Text{FI: "Kajaanin mielenterveysasema", SV: "Mentalvårdsbyrån i Kajana", EN: "Kajaani mental health outpatient clinic"}, "Kajaani", "Kalliokatu 9", 6, "kajaani-mental", 0},
	{areaMental, substanceAbuse, domain.Text{FI: "Kajaanin A-klinikka", SV: "Missbrukarvården i Kajana (A-kliniken)", EN: "Kajaani A-Clinic (substance abuse services)"}, "Kajaani", "Kalliokatu 11", 4, "kajaani-mental", 0},
	{areaMental, mentalHealth, domain.Text{FI: "Suomussalmen mielenterveys- ja päihdepalvelut", SV: "Mentalvårds- och missbrukartjänster i Suomussalmi", EN: "Suomussalmi mental health and substance abuse services"}, "Suomussalmi", "Kiannantie 48", 3, "", 0},

	// Rescue services: fire stations.
	{areaRescue, fireStation, domain.Text{FI: "Kajaanin paloasema", SV: "Brandstationen i Kajana", EN: "Kajaani fire station"}, "Kajaani", "Paloasemantie 2", 7, "", 0},
	{areaRescue, fireStation, domain.Text{FI: "Sotkamon paloasema", SV: "Brandstationen i Sotkamo", EN: "Sotkamo fire station"}, "Sotkamo", "Kuhmontie 3", 4, "east", 0},
	{areaRescue, fireStation, domain.Text{FI: "Kuhmon paloasema", SV: "Brandstationen i Kuhmo", EN: "Kuhmo fire station"}, "Kuhmo", "Pajakkakatu 4", 4, "east", 0},
	{areaRescue, fireStation, domain.Text{FI: "Suomussalmen paloasema", SV: "Brandstationen i Suomussalmi", EN: "Suomussalmi fire station"}, "Suomussalmi", "Alakyläntie 12", 4, "", 0},
}
