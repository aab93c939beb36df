package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"kuulu/internal/feedback"
)

// Texts of the demo feedback. Each unit group has its recurring topics (the
// themes counties report: phone service, queues, booking, information flow,
// the encounter, staff changes, hurry ...); a topic has sentences for each
// tone in Finnish and Swedish, and what the unit did about it, for replies
// ("you said, we did"). Texts are composed from an opening, one or more
// topic sentences and a closing, so that they vary. The order of every list
// is part of the generator's output: appending is fine, reordering changes
// what a seed produces.

// tone is what a piece of feedback says.
type tone int

const (
	tonePraise tone = iota
	toneCriticism
	toneIdea
	toneQuestion
)

// phrases are alternatives in Finnish and Swedish.
type phrases struct{ fi, sv []string }

// topic is one recurring subject of feedback.
type topic struct {
	name string
	say  [4]phrases // by tone
	did  phrases    // what the unit did, for replies to criticism and ideas
}

// compose writes a text: a one-liner, a few sentences, or a long one where
// a complaint comes with a suggestion and a second topic follows.
func (g *feedbackGen) compose(gr *group, tp *topic, t tone, sv, staff bool) string {
	var parts []string
	add := func(s string) {
		if !slices.Contains(parts, s) {
			parts = append(parts, s)
		}
	}
	size := g.weighted([]float64{30, 50, 20})
	switch {
	case staff:
		add(g.pick(staffPrefixes, sv))
	case size > 0 && g.chance(0.6):
		add(g.pick(openings[t], sv))
	}
	add(g.pick(tp.say[t], sv))
	if size > 0 && g.chance(0.5) {
		add(g.pick(tp.say[t], sv))
	}
	if size == 2 {
		if t == toneCriticism {
			add(g.pick(tp.say[toneIdea], sv))
		}
		other := gr.topics[g.weighted(gr.weights)]
		mid, s := g.pick(middles, sv), g.pick(other.say[[]tone{t, tonePraise, toneCriticism, toneIdea}[g.rng.IntN(4)]], sv)
		if !strings.HasSuffix(mid, ":") {
			s = lowerFirst(s)
		}
		if other != tp {
			add(mid + " " + s)
		}
		add(g.pick(tp.say[t], sv))
	}
	if size > 0 && g.chance(0.5) {
		add(g.pick(closings[t], sv))
	}
	return strings.Join(parts, " ")
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// personalData adds, now and then, what givers really type: an identity
// code, a phone number or an e-mail address.
func (g *feedbackGen) personalData(text string, t tone, sv bool) string {
	r := g.rng.Float64()
	if t == tonePraise {
		r *= 2 // people leave their details less often with praise
	}
	switch {
	case r < 0.05:
		return text + " " + fmt.Sprintf(g.pick(idSentences, sv), fakeIdentityCode(g.rng))
	case r < 0.12:
		return text + " " + fmt.Sprintf(g.pick(phoneSentences, sv), fakePhone(g.rng))
	case r < 0.15:
		return text + " " + fmt.Sprintf(g.pick(emailSentences, sv), g.email())
	}
	return text
}

// fakeIdentityCode draws a valid Finnish personal identity code (DDMMYYCNNNQ,
// check character = DDMMYYNNN mod 31) of someone born 1935–2015.
func fakeIdentityCode(rng *rand.Rand) string {
	year := 1935 + rng.IntN(81)
	month := 1 + rng.IntN(12)
	day := 1 + rng.IntN(time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day())
	sign := byte('-')
	switch {
	case year >= 2000 && rng.IntN(5) == 0:
		sign = "BCDEF"[rng.IntN(5)]
	case year >= 2000:
		sign = 'A'
	case rng.IntN(8) == 0:
		sign = "YXWVU"[rng.IntN(5)]
	}
	n := 2 + rng.IntN(898)
	num := (day*10000+month*100+year%100)*1000 + n
	return fmt.Sprintf("%02d%02d%02d%c%03d%c", day, month, year%100, sign, n, "0123456789ABCDEFHJKLMNPRSTUVWXY"[num%31])
}

// fakePhone draws a Finnish mobile number in one of the ways people write them.
func fakePhone(rng *rand.Rand) string {
	pre := []string{"40", "50", "44", "45", "41", "46"}[rng.IntN(6)]
	a, b := 100+rng.IntN(900), 1000+rng.IntN(9000)
	switch rng.IntN(4) {
	case 0:
		return fmt.Sprintf("0%s%d%d", pre, a, b)
	case 1:
		return fmt.Sprintf("0%s-%d%d", pre, a, b)
	case 2:
		return fmt.Sprintf("+358 %s %d %d", pre, a, b)
	}
	return fmt.Sprintf("0%s %d %d", pre, a, b)
}

func (g *feedbackGen) email() string {
	first := femaleFirstNames[g.rng.IntN(len(femaleFirstNames))]
	if g.chance(0.4) {
		first = maleFirstNames[g.rng.IntN(len(maleFirstNames))]
	}
	last := surnames[g.rng.IntN(len(surnames))]
	return asciiFold(first) + "." + asciiFold(last) + "@" + []string{"example.com", "example.net", "example.org"}[g.rng.IntN(3)]
}

// contact draws the contact details of a giver who wants a reply.
func (g *feedbackGen) contact(k feedback.Kind, special feedback.Class, ch feedback.Channel) feedback.Contact {
	p := map[feedback.Kind]float64{feedback.KindPraise: 0.06, feedback.KindIdea: 0.25, feedback.KindCriticism: 0.4, feedback.KindQuestion: 0.6, feedback.KindAccessibility: 0.5}[k]
	if ch == feedback.ChannelStaff {
		p /= 3
	}
	if special == "" && !g.chance(p) {
		return feedback.Contact{}
	}
	var c feedback.Contact
	switch r := g.rng.Float64(); {
	case r < 0.6:
		c.Email = g.email()
	case r < 0.9:
		c.Phone = fakePhone(g.rng)
	default:
		c.Email, c.Phone = g.email(), fakePhone(g.rng)
	}
	if g.chance(0.5) {
		c.Name = femaleFirstNames[g.rng.IntN(len(femaleFirstNames))] + " " + surnames[g.rng.IntN(len(surnames))]
	}
	return c
}

// reply writes the handler's public reply: thanks, then what was done about
// it ("you said, we did") or the answer, and a closing.
func (g *feedbackGen) reply(it *feedback.Item, tp *topic, t tone, special feedback.Class) string {
	sv := it.Lang == "sv"
	var parts []string
	switch {
	case special == feedback.ClassObjection:
		parts = []string{g.pick(replyObjection, sv)}
	case special == feedback.ClassSafety:
		parts = []string{g.pick(replySafety, sv)}
	case it.Kind == feedback.KindAccessibility:
		parts = []string{g.pick(replyAccessibility, sv)}
	case t == tonePraise:
		parts = []string{g.pick(replyThanks[t], sv), g.pick(replyPraise, sv)}
	case t == toneQuestion && g.chance(0.5):
		parts = []string{g.pick(replyThanks[t], sv), g.pick(replyAnswer, sv)}
	default:
		parts = []string{g.pick(replyThanks[t], sv), g.pick(tp.did, sv)}
	}
	return strings.Join(append(parts, g.pick(replyClosing, sv)), " ")
}

var tPhone = &topic{"puhelinpalvelu", [4]phrases{
	{[]string{"Puhelimeen vastattiin nopeasti ja asia hoitui saman puhelun aikana.", "Takaisinsoitto tuli luvatussa ajassa, kiitos siitä.", "Puhelinpalvelun hoitaja kuunteli ja ohjasi minut oikeaan paikkaan."},
		[]string{"De svarade snabbt i telefon och ärendet sköttes under samma samtal.", "Återuppringningen kom inom utlovad tid, tack för det."}},
	{[]string{"Puhelinpalveluun on mahdoton päästä läpi aamuisin, jono on täynnä jo kahdeksalta.", "Jätin takaisinsoittopyynnön, mutta kukaan ei soittanut takaisin koko päivänä.", "Soitin kolmena päivänä peräkkäin ennen kuin sain yhteyden.", "Puhelu katkesi jonossa kahdesti, ja jouduin aloittamaan alusta."},
		[]string{"Det är omöjligt att komma fram per telefon på morgonen.", "Jag begärde återuppringning, men ingen ringde under hela dagen."}},
	{[]string{"Takaisinsoittopyynnön voisi jättää myös iltapäivällä eikä vain aamulla.", "Puhelinjonossa voisi kertoa, monesko soittaja olen."},
		[]string{"Det borde gå att begära återuppringning också på eftermiddagen."}},
	{[]string{"Mihin aikaan puhelinpalveluun kannattaa soittaa, jotta pääsee läpi?", "Miksi takaisinsoittoa ei voi pyytää tiettyyn kellonaikaan?"},
		[]string{"När lönar det sig att ringa för att komma fram?"}},
}, phrases{
	[]string{"Olemme lisänneet aamun puhelinvuoroon yhden hoitajan, ja takaisinsoittopyynnön voi nyt jättää koko päivän ajan. Jonotusajat ovat lyhentyneet selvästi.",
		"Otimme käyttöön jonotiedotteen, joka kertoo soittajalle arvioidun odotusajan, ja takaisinsoitot hoidetaan nyt saman päivän aikana."},
	[]string{"Vi har lagt till en sjukskötare i telefontjänsten på morgnarna, och man kan nu begära återuppringning under hela dagen."}}}

var tBooking = &topic{"ajanvaraus", [4]phrases{
	{[]string{"Sain ajan jo samalle päivälle.", "Ajanvaraus verkossa oli helppoa, ja sain sopivan ajan.", "Aika järjestyi nopeasti, vaikka soitin vasta iltapäivällä."},
		[]string{"Jag fick en tid redan samma dag.", "Det var lätt att boka tid på nätet."}},
	{[]string{"Lääkärin vastaanotolle ei saa aikaa kuukauteen.", "Sähköinen ajanvaraus näyttää aina, ettei vapaita aikoja ole.", "Aikani peruttiin tekstiviestillä edellisenä iltana, eikä uutta aikaa tarjottu.", "Kiireettömään hoitoon joutuu odottamaan aivan liian kauan."},
		[]string{"Det går inte att få en läkartid på en månad.", "Min tid avbokades kvällen innan och ingen ny tid erbjöds."}},
	{[]string{"Olisi hyvä, jos peruutusajat voisi varata suoraan verkosta.", "Muistutusviestin voisi lähettää pari päivää ennen käyntiä."},
		[]string{"Det vore bra om avbokade tider kunde bokas direkt på nätet."}},
	{[]string{"Voiko kiireettömän ajan varata sähköisesti?", "Miten toimin, jos en pääse varaamalleni ajalle?"},
		[]string{"Kan man boka en tid elektroniskt?"}},
}, phrases{
	[]string{"Olemme avanneet sähköisen ajanvarauksen myös hoitajan vastaanotolle, ja peruutusajat tulevat nyt näkyviin verkkoon heti.",
		"Jätämme nyt joka päivälle aikoja saman päivän tarpeisiin ja lähetämme muistutusviestin kaksi päivää ennen käyntiä."},
	[]string{"Vi har öppnat elektronisk tidsbokning också till sjukskötarmottagningen, och avbokade tider syns nu genast på nätet."}}}

var tQueue = &topic{"jonot", [4]phrases{
	{[]string{"Pääsin vastaanotolle melkein heti.", "Odotusaika oli lyhyt, ja siitä kerrottiin etukäteen.", "Vaikka aulassa oli paljon väkeä, jono eteni sujuvasti."},
		[]string{"Jag kom in nästan genast.", "Väntetiden var kort och man berättade om den i förväg."}},
	{[]string{"Odotin aulassa yli tunnin varatun aikani jälkeen, eikä kukaan kertonut syytä.", "Jono oli niin pitkä, että osa odottajista joutui seisomaan.", "Hoitoon pääsyä joutuu odottamaan viikkokausia.", "Istuimme lapsen kanssa odottamassa viisi tuntia ilman tietoa siitä, milloin on vuoromme."},
		[]string{"Jag väntade över en timme efter min bokade tid.", "Vi fick vänta i fem timmar utan att veta när det var vår tur."}},
	{[]string{"Aulan näytöllä voisi näkyä arvioitu odotusaika.", "Odottajille voisi kertoa, jos vastaanotto on myöhässä."},
		[]string{"Skärmen i väntrummet kunde visa den beräknade väntetiden."}},
	{[]string{"Miksi varatulle ajalle joutuu odottamaan näin kauan?", "Kuinka pitkä hoitojono on tällä hetkellä?"},
		[]string{"Varför måste man vänta så länge på en bokad tid?"}},
}, phrases{
	[]string{"Jätämme nyt jokaisen päivän aikatauluun väljyyttä kiireellisille käynneille, ja aulan näytöllä kerrotaan arvioitu odotusaika.",
		"Lisäsimme iltapäiviin yhden vastaanottovuoron, ja odotusajat ovat lyhentyneet keskimäärin vartilla."},
	[]string{"Vi har lagt till en mottagningstid på eftermiddagarna och visar nu den beräknade väntetiden på skärmen i väntrummet."}}}

var tDoctor = &topic{"lääkärin kohtaaminen", [4]phrases{
	{[]string{"Lääkäri kuunteli rauhassa ja selitti asiat ymmärrettävästi.", "Lääkäri otti huoleni vakavasti ja teki selvän jatkosuunnitelman.", "Vihdoin lääkäri, joka katsoi kokonaisuutta eikä vain yhtä vaivaa."},
		[]string{"Läkaren lyssnade i lugn och ro och förklarade allt begripligt."}},
	{[]string{"Lääkäri katsoi koko ajan tietokonetta eikä kysynyt minulta juuri mitään.", "Vastaanotto kesti viisi minuuttia, enkä saanut vastausta kysymyksiini.", "Minulle ei kerrottu, miksi lähete evättiin."},
		[]string{"Läkaren tittade hela tiden på datorn och frågade nästan ingenting."}},
	{[]string{"Vastaanoton lopuksi olisi hyvä kerrata, mitä seuraavaksi tapahtuu.", "Olisi hyvä päästä saman lääkärin vastaanotolle myös seuraavalla kerralla."},
		[]string{"Det vore bra att få träffa samma läkare nästa gång."}},
	{[]string{"Voinko pyytää samaa lääkäriä seuraavalle käynnille?", "Milloin saan laboratoriotulokset, ja kuka käy ne kanssani läpi?"},
		[]string{"Kan jag be om samma läkare nästa gång?"}},
}, phrases{
	[]string{"Kävimme palautteenne läpi lääkärien kanssa nimettömänä. Olemme sopineet, että jokaisen vastaanoton lopuksi kerrataan jatkosuunnitelma ja se annetaan myös kirjallisena.",
		"Olemme ottaneet käyttöön omalääkärimallin, jotta pitkäaikaissairaat pääsevät saman lääkärin vastaanotolle."},
	[]string{"Vi har gått igenom responsen med läkarna. Vid varje besök går vi nu igenom den fortsatta planen och ger den också skriftligt."}}}

var tNurse = &topic{"hoitajan kohtaaminen", [4]phrases{
	{[]string{"Hoitaja oli ystävällinen ja rauhallinen, vaikka oli selvästi kiire.", "Sairaanhoitaja otti lapseni pelon huomioon, ja kaikki sujui hyvin.", "Henkilökunta oli ammattitaitoista ja lämmintä."},
		[]string{"Sjukskötaren var vänlig och lugn fast det var bråttom.", "Personalen var kunnig och varm."}},
	{[]string{"Hoitaja puhui minusta kolmannessa persoonassa, vaikka olin itse paikalla.", "Ilmoittautumisessa minua ohjeistettiin tylysti."},
		[]string{"Jag blev otrevligt bemött i anmälan."}},
	{[]string{"Odotustilassa voisi olla selkokielinen ohje siitä, miten käynti etenee.", "Hoitajan vastaanotolle voisi tulla ilman ajanvarausta tiettyinä aamuina."},
		[]string{"I väntrummet kunde det finnas en lättläst anvisning om hur besöket går till."}},
	{[]string{"Voiko hoitajan vastaanotolle tulla ilman ajanvarausta?", "Voiko rokotukseen tulla ilman aikaa?"},
		[]string{"Kan man komma till sjukskötarmottagningen utan tidsbokning?"}},
}, phrases{
	[]string{"Kävimme palautteen läpi koko tiimin kanssa, ja olemme sopineet yhteisistä tavoista kohdata asiakas kiireessäkin.",
		"Aloitimme hoitajan avovastaanoton ilman ajanvarausta tiistai- ja torstaiaamuisin, ja odotustilaan on tehty selkokielinen ohje."},
	[]string{"Vi har gått igenom responsen i teamet och kommit överens om hur vi bemöter klienter också när det är bråttom."}}}

var tInfo = &topic{"tiedonkulku", [4]phrases{
	{[]string{"Sain selkeät kirjalliset ohjeet mukaan.", "Minulle kerrottiin koko ajan, mitä seuraavaksi tapahtuu.", "Tulokset tulivat nopeasti, ja ne selitettiin ymmärrettävästi."},
		[]string{"Jag fick tydliga skriftliga anvisningar med mig."}},
	{[]string{"Tieto ei kulje: jouduin kertomaan saman asian neljälle eri ihmiselle.", "Kukaan ei kertonut, että tulokset olivat tulleet jo viikko sitten.", "Lähete oli kadonnut, eikä siitä ilmoitettu minulle.", "Ohjeet olivat niin vaikeaselkoisia, etten ymmärtänyt niitä."},
		[]string{"Jag fick berätta samma sak för fyra olika personer.", "Ingen berättade att provsvaren hade kommit redan för en vecka sedan."}},
	{[]string{"Tuloksista voisi ilmoittaa tekstiviestillä, kun ne ovat valmiit.", "Ohjeet voisi antaa myös selkokielellä ja ruotsiksi."},
		[]string{"Det vore bra att få ett textmeddelande när provsvaren är klara."}},
	{[]string{"Mistä näen, onko lähetteeni käsitelty?", "Kuka kertoo minulle tutkimusten tulokset?"},
		[]string{"Var ser jag om min remiss har behandlats?"}},
}, phrases{
	[]string{"Olemme sopineet, että tuloksista ilmoitetaan tekstiviestillä, kun ne ovat valmiit, ja jatkosuunnitelma kirjataan Omakantaan.",
		"Laadimme selkokieliset ohjeet yleisimpiin tutkimuksiin ja käynteihin. Ne saa vastaanotolta ja verkkosivuilta suomeksi ja ruotsiksi."},
	[]string{"Vi meddelar nu provsvaren med textmeddelande när de är klara, och anvisningarna finns också på lättläst svenska."}}}

var tPremises = &topic{"tilat", [4]phrases{
	{[]string{"Tilat olivat siistit ja opasteet selkeät.", "Odotustila on viihtyisä ja lapsille on leikkinurkkaus."},
		[]string{"Lokalerna var snygga och skyltningen tydlig."}},
	{[]string{"Odotustila oli kylmä ja vetoinen.", "Pysäköintipaikkoja ei ollut, ja jouduin kiertämään pitkään.", "Esteetöntä sisäänkäyntiä oli vaikea löytää rollaattorin kanssa."},
		[]string{"Det var svårt att hitta den tillgängliga ingången med rollator."}},
	{[]string{"Esteettömän sisäänkäynnin opasteet voisivat olla selvemmät.", "Aulaan voisi tuoda muutaman käsinojallisen tuolin ikäihmisille."},
		[]string{"Skyltarna till den tillgängliga ingången kunde vara tydligare."}},
	{[]string{"Missä on lähin esteetön pysäköintipaikka?"},
		[]string{"Var finns närmaste parkeringsplats för rörelsehindrade?"}},
}, phrases{
	[]string{"Lisäsimme opasteita esteettömälle sisäänkäynnille ja pyysimme kiinteistöhuoltoa korjaamaan odotustilan lämmityksen.",
		"Aulaan on hankittu käsinojallisia tuoleja, ja esteettömät pysäköintipaikat on merkitty selvemmin."},
	[]string{"Vi har satt upp fler skyltar till den tillgängliga ingången och bett fastighetsskötseln reparera värmen i väntrummet."}}}

var tDental = &topic{"hammashoito", [4]phrases{
	{[]string{"Hammaslääkäri kertoi jokaisen vaiheen etukäteen, eikä hoito sattunut lainkaan.", "Hammashoitaja huomioi hammashoitopelkoni todella hienosti.", "Suuhygienisti antoi hyviä ja käytännöllisiä neuvoja."},
		[]string{"Tandläkaren förklarade varje steg i förväg och det gjorde inte alls ont."}},
	{[]string{"Paikka irtosi viikon päästä, ja uutta aikaa saa odottaa kuukausia.", "Puudutus ei tehonnut, eikä minua kuunneltu.", "Lasku tuli, vaikka käynti peruttiin teidän puoleltanne."},
		[]string{"Lagningen lossnade efter en vecka och man får vänta månader på en ny tid."}},
	{[]string{"Hammashoitoa pelkääville voisi varata pidemmän ajan.", "Kouluikäisten tarkastukset voisi tehdä koululla."},
		[]string{"Patienter som är rädda för tandvård kunde få en längre tid."}},
	{[]string{"Kuuluuko tarkastus minulle tänä vuonna, ja miten sen varaan?", "Saako särkyyn päivystysajan samalle päivälle?"},
		[]string{"Ingår en kontroll för mig i år, och hur bokar jag den?"}},
}, phrases{
	[]string{"Olemme sopineet, että hammashoitoa pelkääville varataan pidempi aika ja hoidon vaiheet käydään läpi ennen aloittamista.",
		"Särkypotilaille on nyt varattu joka aamu päivystysaikoja, jotka annetaan saman päivän aikana."},
	[]string{"Patienter som är rädda för tandvård får nu en längre tid, och vi går igenom behandlingen innan vi börjar."}}}

var tStaffChange = &topic{"hoitajat vaihtuvat", [4]phrases{
	{[]string{"On ollut ilo, että samat tutut hoitajat käyvät melkein joka päivä.", "Omahoitaja tuntee äidin tavat ja toiveet, ja se näkyy."},
		[]string{"Det är fint att samma bekanta vårdare kommer nästan varje dag."}},
	{[]string{"Äidilläni käy viikon aikana kymmenen eri hoitajaa, eikä kukaan tunne häntä.", "Joka käynnillä on uusi hoitaja, ja joudun neuvomaan samat asiat uudestaan.", "Muistisairas isäni hämmentyy, kun ovella on aina vieras ihminen."},
		[]string{"Min mamma får besök av tio olika vårdare i veckan och ingen känner henne."}},
	{[]string{"Jokaisella asiakkaalla voisi olla oma nimetty hoitaja, johon omaiset voivat olla yhteydessä.", "Samat hoitajat voisivat käydä samoilla asiakkailla koko viikon."},
		[]string{"Varje klient kunde ha en egen namngiven vårdare som anhöriga kan kontakta."}},
	{[]string{"Voisiko isäni luona käydä pääosin samat hoitajat?", "Kuka on äitini omahoitaja?"},
		[]string{"Kunde samma vårdare besöka min pappa för det mesta?"}},
}, phrases{
	[]string{"Olemme jakaneet kotihoidon alueen pienempiin tiimeihin, jotta samat hoitajat käyvät samojen asiakkaiden luona. Jokaiselle asiakkaalle on nyt nimetty omahoitaja.",
		"Suunnittelemme käynnit nyt viikoksi kerrallaan niin, että asiakkaan luona käy korkeintaan kolme tuttua hoitajaa."},
	[]string{"Vi har delat upp hemvården i mindre team så att samma vårdare besöker samma klienter. Varje klient har nu en egen vårdare."}}}

var tRush = &topic{"kiire", [4]phrases{
	{[]string{"Vaikka hoitajilla on kiire, he ehtivät aina vaihtaa muutaman sanan isäni kanssa.", "Käynnit ovat tulleet sovittuun aikaan koko kevään."},
		[]string{"Fast vårdarna har bråttom hinner de alltid prata en stund med pappa."}},
	{[]string{"Käynnit ovat niin kiireisiä, että hoitaja on ovella lähdössä ennen kuin takki on riisuttu.", "Aamukäynti tulee milloin kello seitsemän, milloin vasta puolenpäivän jälkeen.", "Hoitajat eivät ehdi auttaa suihkussa, vaikka se on hoitosuunnitelmassa."},
		[]string{"Besöken är så brådskande att vårdaren är på väg ut innan rocken är av.", "Morgonbesöket kommer ibland klockan sju, ibland först efter tolv."}},
	{[]string{"Käyntiajan voisi ilmoittaa edellisenä päivänä, niin ei tarvitse odottaa koko aamua.", "Suihkupäiville voisi varata pidemmän käynnin."},
		[]string{"Besökstiden kunde meddelas dagen innan så att man inte behöver vänta hela förmiddagen."}},
	{[]string{"Miksi käyntiaika vaihtelee niin paljon päivästä toiseen?"},
		[]string{"Varför varierar besökstiden så mycket från dag till dag?"}},
}, phrases{
	[]string{"Olemme suunnitelleet käyntireitit uudelleen ja pidentäneet aamukäyntejä. Asiakkaat saavat nyt tiedon arvioidusta käyntiajasta edellisenä päivänä.",
		"Suihkupäivinä käynnille varataan nyt puoli tuntia lisää aikaa, ja tämä on kirjattu jokaisen asiakkaan hoitosuunnitelmaan."},
	[]string{"Vi har planerat om besöksrutterna och förlängt morgonbesöken. Klienterna får nu veta den beräknade besökstiden dagen innan."}}}

var tKindness = &topic{"ystävällisyys", [4]phrases{
	{[]string{"Hoitajat ovat aina iloisia ja ystävällisiä, äiti odottaa heidän käyntejään.", "Kiitos hoitajille, jotka jaksavat kuunnella ja laulaa äidin kanssa.", "Henkilökunta kohtelee asukkaita arvostavasti ja lämmöllä.", "Isä sanoi, että täällä häntä kohdellaan kuin ihmistä eikä potilasta."},
		[]string{"Vårdarna är alltid glada och vänliga, mamma ser fram emot deras besök.", "Personalen bemöter de boende med respekt och värme."}},
	{[]string{"Yksi hoitajista puhuu isälleni tylysti ja hoputtaa häntä.", "Äitiä ei puhuteltu lainkaan, asiat kysyttiin minulta hänen ohitseen."},
		[]string{"En av vårdarna talar ovänligt till min pappa och skyndar på honom."}},
	{[]string{"Hoitajille voisi järjestää koulutusta muistisairaan kohtaamisesta.", "Asukkaiden kanssa voisi suunnitella yhdessä, mitä päivän aikana tehdään."},
		[]string{"Personalen kunde få utbildning i att bemöta personer med minnessjukdom."}},
	{[]string{"Kenelle voin antaa palautetta yksittäisen hoitajan käytöksestä?"},
		[]string{"Till vem kan jag ge respons om en enskild vårdares beteende?"}},
}, phrases{
	[]string{"Kävimme palautteen läpi tiimin kanssa ja järjestimme koko henkilökunnalle koulutuksen muistisairaan asiakkaan kohtaamisesta.",
		"Olemme ottaneet käyttöön asukaskokoukset, joissa asukkaat ja omaiset suunnittelevat arkea yhdessä henkilökunnan kanssa."},
	[]string{"Vi har gått igenom responsen i teamet och ordnat utbildning för hela personalen i att bemöta personer med minnessjukdom."}}}

var tLiving = &topic{"ruoka ja ulkoilu", [4]phrases{
	{[]string{"Ruoka on hyvää ja kotoisaa.", "Ulkoiluhetket pihalla ovat isälle viikon kohokohta.", "Yhteislaulutuokiot ja bingo tuovat iloa arkeen."},
		[]string{"Maten är god och hemlagad.", "Utevistelsen på gården är veckans höjdpunkt för pappa."}},
	{[]string{"Ulos pääsee liian harvoin, isä ei ole ollut ulkona kuukauteen.", "Ruoka on usein haaleaa, ja annokset ovat pieniä."},
		[]string{"De boende kommer ut alltför sällan."}},
	{[]string{"Vapaaehtoiset voisivat auttaa ulkoilussa, kysykää vaikka paikallisilta järjestöiltä.", "Asukkaat voisivat itse toivoa ruokia ruokalistalle."},
		[]string{"Frivilliga kunde hjälpa till med utevistelsen, fråga till exempel lokala föreningar."}},
	{[]string{"Kuinka usein asukkaat pääsevät ulkoilemaan?", "Voiko omainen tulla syömään yhdessä asukkaan kanssa?"},
		[]string{"Hur ofta kommer de boende ut?"}},
}, phrases{
	[]string{"Olemme sopineet paikallisen eläkeläisjärjestön kanssa ulkoiluystävätoiminnasta, ja jokainen asukas pääsee nyt ulos vähintään kahdesti viikossa.",
		"Asukkaat ja omaiset voivat nyt toivoa ruokia ruokalistalle asukaskokouksessa kerran kuukaudessa."},
	[]string{"Vi har kommit överens med en lokal pensionärsförening om utevistelse, och varje boende kommer nu ut minst två gånger i veckan."}}}

var tRelatives = &topic{"tiedonkulku omaisille", [4]phrases{
	{[]string{"Omaisena saan aina tiedon, jos äidin voinnissa tapahtuu muutoksia.", "Omahoitaja soittaa säännöllisesti ja kertoo kuulumiset."},
		[]string{"Som anhörig får jag alltid veta om mammas tillstånd förändras."}},
	{[]string{"Kuulin isäni kaatumisesta vasta viikon päästä.", "Omaisille ei kerrota mitään, ellei itse soita ja kysy."},
		[]string{"Jag fick höra om pappas fall först en vecka senare."}},
	{[]string{"Omaisille voisi lähettää kerran kuukaudessa lyhyen viestin kuulumisista."},
		[]string{"Anhöriga kunde få ett kort meddelande en gång i månaden om hur det går."}},
	{[]string{"Kenelle soitan omaisena, jos haluan kysyä äidin voinnista?"},
		[]string{"Vem ska jag ringa som anhörig om jag vill fråga hur mamma mår?"}},
}, phrases{
	[]string{"Jokaiselle asukkaalle on nimetty omahoitaja, joka soittaa omaisille kerran kuukaudessa ja aina, jos voinnissa tapahtuu muutoksia."},
	[]string{"Varje boende har nu en egen vårdare som ringer de anhöriga en gång i månaden och alltid när tillståndet förändras."}}}

var tClinic = &topic{"neuvola ja perhekeskus", [4]phrases{
	{[]string{"Terveydenhoitaja kuuntelee ja antaa hyviä neuvoja.", "Perhevalmennus oli hyödyllinen, ja saimme vertaistukea muilta vanhemmilta.", "Vauvaperheen kotikäynti oli juuri sitä tukea, mitä tarvitsimme."},
		[]string{"Hälsovårdaren lyssnar och ger bra råd.", "Familjeförberedelsen var nyttig och vi fick kamratstöd."}},
	{[]string{"Neuvolakäynnit peruttiin kahdesti, ja rokotus myöhästyi.", "Minusta tuntui, että väsymystäni vähäteltiin.", "Isää ei huomioitu käynnillä lainkaan."},
		[]string{"Rådgivningsbesöken ställdes in två gånger och vaccinationen blev försenad."}},
	{[]string{"Perhevalmennusta voisi olla myös iltaisin, jotta molemmat vanhemmat pääsevät.", "Vertaisryhmiä voisi olla myös isille."},
		[]string{"Familjeförberedelsen kunde ordnas också på kvällar så att båda föräldrarna kan delta."}},
	{[]string{"Voiko neuvola-ajan siirtää verkossa?", "Mistä löydän vauvaperheiden vertaisryhmät?"},
		[]string{"Kan man flytta en rådgivningstid på nätet?"}},
}, phrases{
	[]string{"Aloitimme iltaisin pidettävät perhevalmennukset, ja neuvolakäynneillä kysytään nyt molempien vanhempien vointia.",
		"Perhekeskuksessa on nyt joka kuukausi isien vertaisryhmä, ja neuvola-ajan voi siirtää verkossa."},
	[]string{"Vi har börjat ordna familjeförberedelse på kvällarna, och på rådgivningen frågar vi nu hur båda föräldrarna mår."}}}

var tReach = &topic{"tavoitettavuus", [4]phrases{
	{[]string{"Sosiaalityöntekijä soitti takaisin samana päivänä ja auttoi hakemuksen kanssa.", "Työntekijä oli helppo tavoittaa ja vastasi viesteihin nopeasti."},
		[]string{"Socialarbetaren ringde tillbaka samma dag och hjälpte mig med ansökan."}},
	{[]string{"Sosiaalityöntekijää ei tavoita, puhelinaika on vain tunnin päivässä.", "Olen lähettänyt kolme viestiä, eikä kukaan ole vastannut."},
		[]string{"Det går inte att nå socialarbetaren, telefontiden är bara en timme om dagen."}},
	{[]string{"Yhteydenottopyynnön voisi jättää sähköisesti.", "Puhelinaikaa voisi olla myös iltapäivällä."},
		[]string{"Man kunde lämna en kontaktbegäran elektroniskt."}},
	{[]string{"Kuka on nykyinen sosiaalityöntekijäni, ja miten tavoitan hänet?"},
		[]string{"Vem är min socialarbetare nu och hur når jag hen?"}},
}, phrases{
	[]string{"Olemme pidentäneet puhelinaikaa ja avanneet sähköisen yhteydenottolomakkeen. Yhteydenottoihin vastataan kolmen arkipäivän kuluessa."},
	[]string{"Vi har förlängt telefontiden och öppnat en elektronisk kontaktblankett. Vi svarar inom tre vardagar."}}}

var tDecision = &topic{"päätösten käsittely", [4]phrases{
	{[]string{"Päätös tuli nopeasti, ja se oli selkeästi perusteltu."},
		[]string{"Beslutet kom snabbt och var tydligt motiverat."}},
	{[]string{"Hakemukseni käsittely on kestänyt yli kuukauden.", "Päätöksessä ei perusteltu, miksi hakemus hylättiin.", "Päätös oli kirjoitettu niin vaikeasti, etten ymmärtänyt sitä."},
		[]string{"Behandlingen av min ansökan har tagit över en månad."}},
	{[]string{"Hakemuksen käsittelyvaiheen voisi nähdä verkossa.", "Päätökseen voisi liittää selkokielisen tiivistelmän."},
		[]string{"Man kunde se på nätet hur långt ansökan har kommit."}},
	{[]string{"Kauanko hakemuksen käsittely kestää tällä hetkellä?"},
		[]string{"Hur länge tar behandlingen av en ansökan just nu?"}},
}, phrases{
	[]string{"Olemme lisänneet käsittelijöitä ruuhkahuippuihin, ja päätöksiin kirjoitetaan nyt selkokielinen tiivistelmä perusteluista."},
	[]string{"Vi har fler handläggare under rusningstider, och besluten får nu en lättläst sammanfattning av motiveringen."}}}

var tTrust = &topic{"kohtaaminen ja osallisuus", [4]phrases{
	{[]string{"Tunsin, että minua kuunneltiin ja päätökset tehtiin yhdessä.", "Työntekijä kohtasi lapsemme kunnioittavasti ja kysyi hänen omaa mielipidettään."},
		[]string{"Jag kände att man lyssnade på mig och att besluten fattades tillsammans."}},
	{[]string{"Koin, että minusta oli tehty johtopäätökset jo ennen tapaamista.", "Lapsen asioista päätettiin kysymättä häneltä itseltään."},
		[]string{"Jag upplevde att man hade dragit sina slutsatser om mig redan före mötet."}},
	{[]string{"Tapaamisessa voisi olla kokemusasiantuntija tukena.", "Asiakassuunnitelman voisi tehdä yhdessä asiakkaan kanssa eikä vain lukea ääneen."},
		[]string{"En erfarenhetsexpert kunde vara med som stöd på mötet."}},
	{[]string{"Voinko tuoda tapaamiseen tukihenkilön?"},
		[]string{"Får jag ta med en stödperson till mötet?"}},
}, phrases{
	[]string{"Olemme ottaneet kokemusasiantuntijat mukaan perhetapaamisiin, ja jokaisessa tapaamisessa sovitaan yhdessä, mitä seuraavaksi tehdään."},
	[]string{"Erfarenhetsexperter deltar nu i familjemötena, och på varje möte kommer vi tillsammans överens om vad som görs härnäst."}}}

var tAccess = &topic{"hoitoon pääsy", [4]phrases{
	{[]string{"Pääsin ensikäynnille viikon sisällä, ja se oli iso helpotus.", "Avovastaanotolle pääsi ilman ajanvarausta, ja sain apua heti."},
		[]string{"Jag fick ett första besök inom en vecka, och det var en stor lättnad."}},
	{[]string{"Hoitoon pääsyä joutuu odottamaan kuukausia, vaikka vointi on huono.", "Minut ohjattiin paikasta toiseen, eikä kukaan ottanut vastuuta."},
		[]string{"Man får vänta månader på vård fast man mår dåligt."}},
	{[]string{"Jonotusaikana voisi olla tarjolla ryhmä tai chat-tukea.", "Nuorille voisi olla oma matalan kynnyksen vastaanotto."},
		[]string{"Under väntetiden kunde man erbjuda en grupp eller chattstöd."}},
	{[]string{"Mihin voin olla yhteydessä, jos vointi heikkenee jonotusaikana?"},
		[]string{"Vart kan jag vända mig om jag mår sämre medan jag väntar?"}},
}, phrases{
	[]string{"Olemme avanneet matalan kynnyksen vastaanoton ilman ajanvarausta tiistaisin ja torstaisin, ja jonotusajaksi tarjoamme ryhmätukea."},
	[]string{"Vi har öppnat en lågtröskelmottagning utan tidsbokning på tisdagar och torsdagar och erbjuder gruppstöd under väntetiden."}}}

var tTherapist = &topic{"työntekijä vaihtuu", [4]phrases{
	{[]string{"Omahoitajani on auttanut minua todella paljon.", "Ryhmä on ollut minulle tärkeä, ja olen saanut siitä voimaa."},
		[]string{"Min kontaktperson har hjälpt mig väldigt mycket."}},
	{[]string{"Työntekijäni on vaihtunut vuoden aikana kolme kertaa.", "Joka kerta joudun kertomaan tarinani alusta uudelle ihmiselle."},
		[]string{"Min kontaktperson har bytts tre gånger under året."}},
	{[]string{"Työntekijän vaihtuessa voisi järjestää yhteisen tapaamisen.", "Ryhmiä voisi olla myös iltaisin työssäkäyville."},
		[]string{"När kontaktpersonen byts kunde man ordna ett gemensamt möte."}},
	{[]string{"Voinko vaihtaa työntekijää, jos yhteistyö ei toimi?"},
		[]string{"Kan jag byta kontaktperson om samarbetet inte fungerar?"}},
}, phrases{
	[]string{"Kun työntekijä vaihtuu, järjestämme nyt aina yhteisen siirtotapaamisen, jotta asiakkaan ei tarvitse aloittaa alusta."},
	[]string{"När kontaktpersonen byts ordnar vi nu alltid ett gemensamt möte, så att klienten inte behöver börja om från början."}}}

var tInspection = &topic{"palotarkastus ja neuvonta", [4]phrases{
	{[]string{"Palotarkastaja neuvoi kärsivällisesti ja kävi läpi palovaroittimet.", "Kotikäynnillä saimme hyviä neuvoja isän turvallisuuteen.", "Turvallisuuskoulutus työpaikallamme oli käytännönläheinen ja hyvä."},
		[]string{"Brandinspektören gav tålmodigt råd och gick igenom brandvarnarna."}},
	{[]string{"Palotarkastuksen ajasta ilmoitettiin vasta edellisenä päivänä.", "Tarkastuksen tulos oli vaikea ymmärtää, eikä kukaan selittänyt sitä."},
		[]string{"Tiden för brandsynen meddelades först dagen innan."}},
	{[]string{"Palovaroittimen paristojen vaihdossa voisi auttaa ikäihmisiä.", "Kerrostaloille voisi järjestää yhteisen turvallisuusillan."},
		[]string{"Man kunde hjälpa äldre att byta batterier i brandvarnarna."}},
	{[]string{"Kuinka usein palovaroitin pitää testata?", "Tarvitseeko mökille oman palovaroittimen?"},
		[]string{"Hur ofta ska brandvarnaren testas?"}},
}, phrases{
	[]string{"Ilmoitamme nyt tarkastusajat kaksi viikkoa etukäteen, ja kotikäynneillä vaihdamme tarvittaessa palovaroittimen pariston."},
	[]string{"Vi meddelar nu tiden för brandsyn två veckor i förväg och byter vid behov batteri i brandvarnaren vid hembesöken."}}}

var tRescue = &topic{"pelastus ja ensihoito", [4]phrases{
	{[]string{"Apu tuli nopeasti, ja ensihoitajat olivat rauhallisia ja ammattitaitoisia.", "Kiitos palokunnalle nopeasta avusta vesivahingossa.", "Avoimien ovien päivä oli lapsille elämys."},
		[]string{"Hjälpen kom snabbt och ambulanspersonalen var lugn och kunnig."}},
	{[]string{"Hälytysajoneuvo ajoi pihallemme, eikä kukaan kertonut naapureille, mitä tapahtuu.", "Sammutusharjoituksen savusta ei tiedotettu etukäteen."},
		[]string{"Ingen informerade i förväg om röken från släckningsövningen."}},
	{[]string{"Avoimien ovien päiviä voisi olla useammin.", "Koululaisille voisi järjestää tutustumiskäyntejä paloasemalle."},
		[]string{"Skolelever kunde få besöka brandstationen."}},
	{[]string{"Voiko paloasemalle tulla tutustumaan koululuokan kanssa?"},
		[]string{"Kan man besöka brandstationen med en skolklass?"}},
}, phrases{
	[]string{"Järjestämme nyt avoimet ovet kahdesti vuodessa, ja koululuokat voivat varata tutustumiskäynnin paloasemalle.",
		"Tiedotamme harjoituksista nyt etukäteen lähialueen asukkaille ja verkkosivuilla."},
	[]string{"Vi ordnar nu öppet hus två gånger om året, och skolklasser kan boka ett besök på brandstationen."}}}

// Openings and closings by tone.
var (
	openings = [4]phrases{
		{[]string{"Kiitos hyvästä palvelusta!", "Lämmin kiitos koko henkilökunnalle.", "Haluan antaa positiivista palautetta.", "Kävin tänään teillä.", "Asioin viime viikolla teillä."},
			[]string{"Tack för god service!", "Ett varmt tack till hela personalen."}},
		{[]string{"Valitettavasti joudun antamaan negatiivista palautetta.", "Olen pettynyt.", "Tämä ei ole ensimmäinen kerta.", "Haluan kertoa huonosta kokemuksesta."},
			[]string{"Tyvärr måste jag ge negativ respons.", "Jag är besviken."}},
		{[]string{"Minulla on kehitysehdotus.", "Pieni idea:", "Ajattelin ehdottaa yhtä asiaa."},
			[]string{"Jag har ett förslag.", "En liten idé:"}},
		{[]string{"Hei, minulla on kysymys.", "Kysyisin yhtä asiaa."},
			[]string{"Hej, jag har en fråga."}},
	}
	closings = [4]phrases{
		{[]string{"Jatkakaa samaan malliin!", "Kiitos vielä kerran.", "Tällaista palvelua toivoisi kaikkialta."},
			[]string{"Fortsätt så!", "Tack än en gång."}},
		{[]string{"Toivon, että asiaan puututaan.", "Toivottavasti tilanne paranee.", "Odotan vastaustanne."},
			[]string{"Jag hoppas att ni tar tag i saken.", "Jag väntar på ert svar."}},
		{[]string{"Kiitos, jos otatte tämän huomioon.", "Tämä helpottaisi monen arkea."},
			[]string{"Tack om ni beaktar detta."}},
		{[]string{"Kiitos vastauksesta etukäteen.", "Kiitos jo etukäteen."},
			[]string{"Tack på förhand för svaret."}},
	}
	// staffPrefixes open what a staff member recorded on a client's behalf.
	staffPrefixes = phrases{[]string{"Asiakas pyysi kirjaamaan:", "Asiakkaan palaute vastaanotolla:", "Omainen kertoi käynnillä:", "Kirjaan asiakkaan toiveesta:"},
		[]string{"Klienten bad mig anteckna:", "Respons från en klient vid besöket:"}}
	// middles join a second thought to the first in long texts.
	middles = phrases{[]string{"Lisäksi", "Toinen asia:", "Samalla haluan sanoa, että", "Ja vielä:"},
		[]string{"En annan sak:", "Och en sak till:"}}
)

// kioskTexts are the short texts typed on a kiosk, by face: 1–2, 3, 4–5.
var kioskTexts = [3]phrases{
	{[]string{"Liian pitkä odotus", "Jono ei liikkunut", "Kukaan ei kertonut mitään", "Huono opastus", "Kylmä odotustila", "Tylyä palvelua"},
		[]string{"För lång väntan", "Ingen informerade"}},
	{[]string{"Ihan ok", "Odotus vähän pitkä", "Muuten hyvä mutta jonotus", "Kohtalainen"},
		[]string{"Helt ok", "Lite lång väntan"}},
	{[]string{"Kiitos!", "Hyvä palvelu", "Ystävällinen vastaanotto", "Pääsin nopeasti", "Kaikki sujui hyvin", "Mukava hoitaja", "Kiitos ihanalle hoitajalle", "Nopeaa ja asiallista"},
		[]string{"Tack!", "Bra service", "Vänligt bemötande"}},
}

// objectionTexts are formal objections (muistutus) in a client's words.
var objectionTexts = phrases{
	[]string{"Teen potilaslain mukaisen muistutuksen hoidosta, jota sain vastaanotollanne. Vaivani todettiin vasta kolmannella käynnillä, vaikka kerroin oireista joka kerta.",
		"Jätän muistutuksen äitini kotihoidosta. Hänelle on useita kertoja jätetty iltalääkkeet antamatta, ja asiasta on puhuttu jo aiemmin ilman muutosta.",
		"Tämä on muistutus. Minua kohdeltiin vastaanotolla epäasiallisesti, eikä minulle kerrottu, miksi hoitoa ei aloitettu. Pyydän kirjallista vastausta.",
		"Teen muistutuksen sosiaalihuollon asiakaslain perusteella. Päätöstä tehtäessä minua ei kuultu, eikä päätöstä perusteltu.",
		"Muistutus: isäni kotiutettiin illalla ilman, että kotihoitoon tai omaisiin oltiin yhteydessä. Hän oli yön yksin ilman lääkkeitä."},
	[]string{"Jag gör en anmärkning enligt patientlagen om vården jag fick. Mitt besvär upptäcktes först vid det tredje besöket.",
		"Detta är en anmärkning. Jag blev osakligt bemött och ingen förklarade varför vården inte inleddes. Jag ber om ett skriftligt svar."},
}

// safetyTexts tell of patient or client safety concerns.
var safetyTexts = phrases{
	[]string{"Äidin dosettiin oli jaettu väärät lääkkeet kahtena päivänä peräkkäin. Huomasin sen itse.",
		"Isäni kaatui yöllä, eikä turvapuhelimeen vastattu puoleen tuntiin.",
		"Minulle annettiin vastaanotolla toisen potilaan paperit.",
		"Käytävällä oli märkä lattia ilman varoituskylttiä, ja vanhus liukastui melkein.",
		"Rokotuksen jälkeen kukaan ei kysynyt allergioista, vaikka ne on kirjattu."},
	[]string{"Mammas dosett hade fel mediciner två dagar i rad.", "Jag fick en annan patients papper på mottagningen."},
}

// accessibilityTexts are about the feedback service's own accessibility.
var accessibilityTexts = phrases{
	[]string{"Palautelomakkeen asteikon numerot ovat puhelimella niin pieniä, että niihin on vaikea osua.",
		"Ruudunlukija ei kerro, mikä asteikon vaihtoehto on valittuna.",
		"Lomakkeen harmaa teksti valkoisella taustalla on heikkonäköiselle vaikea lukea.",
		"Näppäimistöllä liikkuessa ei näe, missä kohdassa lomaketta on.",
		"Seurantakoodin sivulla ei ole selkokielistä ohjetta."},
	[]string{"Skärmläsaren säger inte vilket alternativ på skalan som är valt."},
}

// Reply parts. A reply thanks, says what was done ("you said, we did") or
// answers the question, and closes.
var (
	replyThanks = [4]phrases{
		{[]string{"Lämmin kiitos palautteestanne!", "Kiitos kauniista sanoista!", "Kiitos, että kerroitte hyvästä kokemuksesta."},
			[]string{"Varmt tack för er respons!", "Tack för de vänliga orden!"}},
		{[]string{"Kiitos palautteestanne ja siitä, että kerroitte kokemuksestanne.", "Kiitos palautteesta, ja pahoittelemme tapahtunutta."},
			[]string{"Tack för er respons och för att ni berättade om er upplevelse.", "Tack för responsen, vi beklagar det som hände."}},
		{[]string{"Kiitos kehitysideasta!", "Kiitos hyvästä ehdotuksesta."},
			[]string{"Tack för utvecklingsidén!"}},
		{[]string{"Kiitos kysymyksestänne.", "Kiitos, kun kysyitte."},
			[]string{"Tack för er fråga."}},
	}
	replyPraise = phrases{
		[]string{"Välitimme palautteen koko tiimille, ja se ilahdutti kovasti.", "Palaute luettiin ääneen viikkopalaverissa, ja se lämmitti kaikkia.", "Tällainen palaute kertoo, että teemme oikeita asioita."},
		[]string{"Vi har förmedlat responsen till hela teamet och den gladde oss mycket."},
	}
	replyAnswer = phrases{
		[]string{"Lisätietoa saatte yksikön puhelinajalla arkisin, ja ajankohtaiset ohjeet löytyvät hyvinvointialueen verkkosivuilta.", "Vastasimme kysymykseen myös suoraan, ja ohje on nyt lisätty verkkosivuillemme kaikkien luettavaksi."},
		[]string{"Mer information får ni under enhetens telefontid på vardagar och på välfärdsområdets webbplats."},
	}
	replyClosing = phrases{[]string{"Ystävällisin terveisin, yksikön henkilökunta", "Terveisin, yksikön esihenkilö", "Toivotamme hyvää jatkoa!"},
		[]string{"Med vänliga hälsningar, enhetens personal", "Vi önskar er allt gott!"}}
	replyObjection = phrases{
		[]string{"Muistutukseenne on annettu kirjallinen, perusteltu vastaus, joka on lähetetty teille. Asia on käsitelty yksikössä, ja toimintatapoja on muutettu. Jos ette ole tyytyväinen vastaukseen, voitte tehdä kantelun valvovalle viranomaiselle (vuoden 2026 alusta Lupa- ja valvontavirasto). Potilas- ja sosiaaliasiavastaava auttaa tarvittaessa."},
		[]string{"Ni har fått ett skriftligt, motiverat svar på er anmärkning. Ärendet har behandlats i enheten och rutinerna har ändrats. Om ni inte är nöjd med svaret kan ni klaga hos tillsynsmyndigheten (från början av 2026 Tillstånds- och tillsynsverket)."},
	}
	replySafety = phrases{
		[]string{"Kiitos, että ilmoititte. Olemme tehneet tapahtumasta vaaratapahtumailmoituksen ja käyneet sen läpi tiimissä. Työtapoja on tarkennettu, jotta sama ei toistu."},
		[]string{"Tack för att ni meddelade oss. Vi har gjort en avvikelseanmälan och gått igenom händelsen i teamet."},
	}
	replyAccessibility = phrases{
		[]string{"Kiitos saavutettavuuspalautteesta. Korjasimme lomakkeen niin, että asteikon vaihtoehdot ovat isompia ja ruudunlukija kertoo valinnan."},
		[]string{"Tack för responsen om tillgänglighet. Vi har rättat blanketten så att alternativen är större och skärmläsaren meddelar valet."},
	}
)

// Sentences that carry personal data the giver typed in. %s is a fake
// identity code, phone number or e-mail address; masking must catch each.
var (
	idSentences    = phrases{[]string{"Henkilötunnukseni on %s, jos tarvitsette sitä.", "Asia koskee äitiäni (hetu %s).", "Potilaan henkilötunnus: %s."}, []string{"Min personbeteckning är %s."}}
	phoneSentences = phrases{[]string{"Voitte soittaa minulle numeroon %s.", "Tavoitatte minut numerosta %s arkisin.", "Soittakaa %s, niin kerron lisää."}, []string{"Ni når mig på %s."}}
	emailSentences = phrases{[]string{"Vastauksen voi lähettää osoitteeseen %s.", "Sähköpostini on %s."}, []string{"Svaret kan skickas till %s."}}
)
