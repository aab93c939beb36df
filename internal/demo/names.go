package demo

// Name lists for generated people. They are ordinary, common names in
// Finland, with a Kainuu flavour in the surnames (Pääkkönen, Kemppainen,
// Komulainen, Kyllönen ...), and a few Swedish-speaking names. The order of
// every list is part of the generator's output: appending is fine, reordering
// changes what a seed produces.

var femaleFirstNames = []string{
	"Anna", "Maria", "Aino", "Helena", "Johanna", "Katariina", "Elina", "Hanna",
	"Laura", "Sanna", "Minna", "Tiina", "Jenni", "Katja", "Heidi", "Satu",
	"Paula", "Riikka", "Piia", "Marjo", "Anne", "Päivi", "Tuula", "Sari",
	"Pirjo", "Merja", "Leena", "Kaisa", "Outi", "Eeva", "Marika", "Susanna",
	"Niina", "Emmi", "Emilia", "Sofia", "Venla", "Iida", "Noora", "Henna",
	"Anu", "Jaana", "Mervi", "Raija", "Ulla", "Kirsi", "Terhi", "Tanja",
	"Anna-Liisa", "Eija", "Saara", "Milla", "Krista", "Essi", "Tuija", "Hilkka",
	"Maarit", "Elisa", "Veera", "Oona", "Sirpa", "Marjut", "Kaija", "Inkeri",
}

var maleFirstNames = []string{
	"Matti", "Juha", "Mikko", "Timo", "Jari", "Antti", "Jukka", "Kari",
	"Pekka", "Markku", "Mika", "Janne", "Petri", "Ville", "Tuomas", "Sami",
	"Heikki", "Tapio", "Ari", "Jussi", "Marko", "Hannu", "Lauri", "Eero",
	"Olli", "Teemu", "Joni", "Aleksi", "Eetu", "Niko", "Jani", "Tommi",
	"Arto", "Kalle", "Otto", "Jouni", "Veli-Matti", "Pasi", "Esa", "Risto",
	"Raimo", "Toni", "Ilkka", "Joonas", "Samuli", "Henri", "Riku", "Juho",
	"Topi", "Elias", "Väinö", "Seppo",
}

var surnames = []string{
	"Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen",
	"Koskinen", "Järvinen", "Lehtonen", "Lehtinen", "Saarinen", "Salminen", "Heinonen", "Niemi",
	"Heikkilä", "Kinnunen", "Salonen", "Turunen", "Salo", "Laitinen", "Tuominen", "Rantanen",
	"Karjalainen", "Jokinen", "Mattila", "Savolainen", "Lahtinen", "Ahonen", "Hiltunen", "Kemppainen",
	"Pääkkönen", "Komulainen", "Keränen", "Huttunen", "Moilanen", "Kyllönen", "Tervo", "Leinonen",
	"Pulkkinen", "Kilpeläinen", "Seppänen", "Mikkonen", "Leskinen", "Pesonen", "Kärkkäinen", "Väisänen",
	"Kauppinen", "Oikarinen", "Juntunen", "Kananen", "Pikkarainen", "Hyvönen", "Kähkönen", "Piirainen",
	"Tolonen", "Härkönen", "Ronkainen", "Sirviö", "Partanen", "Malinen", "Ylönen", "Karppinen",
	"Schroderus", "Hakkarainen", "Paananen", "Ruuskanen", "Räsänen", "Miettinen", "Pyykkönen", "Heikura",
	"Määttä", "Tervonen", "Kovalainen", "Vänttinen", "Tikkanen", "Manninen", "Jääskeläinen", "Sivonen",
}

// Swedish-speaking names; their holders get Swedish as their interface language.
var (
	swedishFemaleFirstNames = []string{"Linnea", "Ebba", "Camilla", "Ingrid", "Ulrika", "Anna-Karin", "Stina", "Malin"}
	swedishMaleFirstNames   = []string{"Erik", "Johan", "Mikael", "Anders", "Fredrik", "Henrik", "Mats", "Patrik"}
	swedishSurnames         = []string{
		"Lindqvist", "Holmström", "Nyman", "Sjöberg", "Lindholm", "Wikström", "Björklund", "Forsman",
		"Granqvist", "Öhman", "Åberg", "Ekström", "Sundqvist", "Grönroos", "Westerlund",
	}
)
