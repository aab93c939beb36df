package demo

import (
	"kuulu/internal/domain"
	"kuulu/internal/store"
)

// AccessibilitySlug is the slug of the accessibility statement page.
const AccessibilitySlug = "accessibility"

// accessibilityStatement is the statement (saavutettavuusseloste) that the
// Act on the Provision of Digital Services (306/2019) requires, in plain
// language: whose service it is, the conformance status, what is not
// accessible and why, alternatives, the feedback channel with its 14-day
// answer, the supervisory authority and the date. Bodies are plain text: a
// blank line between paragraphs, "## " before a heading, "- " before list items. Administrators edit
// the pages afterwards; the county's real findings replace these examples.
var accessibilityStatement = []store.Page{
	{Slug: AccessibilitySlug, Lang: domain.Finnish, Title: "Saavutettavuusseloste", Body: `Tämä seloste kertoo, kuinka saavutettava Kuulu-palvelu on. Kuulu on Kainuun hyvinvointialueen palvelu. Siinä voit antaa palautetta, kertoa kokemuksistasi ja osallistua palvelujen kehittämiseen. Palvelusta vastaa Kainuun hyvinvointialue.

Laki digitaalisten palvelujen tarjoamisesta (306/2019) vaatii, että julkiset verkkopalvelut ovat saavutettavia. Saavutettavaa palvelua voivat käyttää kaikki, esimerkiksi ruudunlukijan, suurennuksen tai pelkän näppäimistön avulla.

## Kuinka saavutettava palvelu on

Kuulu täyttää osittain WCAG 2.1 -ohjeiden AA-tason vaatimukset. Palvelu toimii myös ilman JavaScriptiä ja hitaalla yhteydellä. Alla kerromme, mikä ei vielä ole saavutettavaa ja miksi.

## Mikä ei ole saavutettavaa

- Vuosien 2023–2025 osallisuuden vuosikertomukset ovat PDF-tiedostoja, jotka eivät ole kaikilta osin saavutettavia. Taulukoista puuttuu otsikoita, ja ruudunlukija voi lukea tekstin väärässä järjestyksessä (WCAG 1.3.1 ja 1.3.2). Tiedostot tehtiin ennen kuin Kuulu otettiin käyttöön. Vuoden 2026 vuosikertomus tehdään saavutettavaksi. Voit pyytää vuosikertomuksen toisessa muodossa, esimerkiksi tekstinä.
- Mielipidekartta on kuva, jota ruudunlukija ei voi lukea (WCAG 1.1.1). Kartan sisältö on kerrottu myös tekstinä kartan alla: mitä ryhmiä keskustelussa syntyi, kuinka suuria ne ovat ja mistä väitteistä ryhmät ovat samaa tai eri mieltä.
- Osasta koulutusten tallenteista puuttuu tekstitys (WCAG 1.2.2). Tekstitämme tallenteet 31.3.2027 mennessä. Siihen asti voit pyytää tallenteesta kirjallisen yhteenvedon.
- Järjestöt ja muut kumppanit lähettävät tapahtumiin omia liitteitä, kuten esitteitä ja ohjelmia. Ne eivät aina ole saavutettavia. Vaatimukset eivät koske sisältöä, jonka kumppanit tekevät itse ja jota hyvinvointialue ei rahoita eikä ohjaa, mutta pyydämme sen aina saavutettavassa muodossa.

## Jos et voi käyttää jotain palvelun osaa

- Henkilökunta voi kirjata palautteesi puolestasi, kun asioit toimipisteessä tai soitat.
- Voit pyytää mitä tahansa aineistoa toisessa muodossa sähköpostilla: saavutettavuus@kainuu.example.

## Anna palautetta saavutettavuudesta

Huomasitko, että jokin ei toimi? Kerro siitä meille. Voit myös pyytää sisältöä, joka ei ole saavutettavaa.

- Palautelomake: /p/saavutettavuus
- Sähköposti: saavutettavuus@kainuu.example

Vastaamme 14 päivän kuluessa.

## Valvontaviranomainen

Jos huomaat ongelmia, kerro niistä ensin meille. Jos et ole tyytyväinen vastaukseemme tai et saa vastausta 14 päivässä, voit tehdä ilmoituksen Lupa- ja valvontavirastoon. Se valvoo saavutettavuutta vuoden 2026 alusta; aiemmin valvoja oli Etelä-Suomen aluehallintovirasto. Valvojan sivuilla kerrotaan, miten ilmoituksen voi tehdä ja miten asia käsitellään.

- Lupa- ja valvontavirasto, saavutettavuuden valvonta
- www.saavutettavuusvaatimukset.fi

Tämä seloste on laadittu 16.11.2026. Se perustuu omaan arvioomme ja automaattisiin testeihin. Tarkistamme selosteen vähintään kerran vuodessa.`},

	{Slug: AccessibilitySlug, Lang: domain.Swedish, Title: "Tillgänglighetsutlåtande", Body: `Det här utlåtandet berättar hur tillgänglig tjänsten Kuulu är. Kuulu är en tjänst som tillhör Kajanalands välfärdsområde. Där kan du ge respons, berätta om dina erfarenheter och vara med och utveckla tjänsterna. Kajanalands välfärdsområde ansvarar för tjänsten.

Lagen om tillhandahållande av digitala tjänster (306/2019) kräver att offentliga webbtjänster är tillgängliga. En tillgänglig tjänst kan användas av alla, till exempel med skärmläsare, förstoring eller bara tangentbord.

## Hur tillgänglig tjänsten är

Kuulu uppfyller delvis kraven på nivå AA i WCAG 2.1. Tjänsten fungerar också utan JavaScript och med en långsam förbindelse. Här nedan berättar vi vad som ännu inte är tillgängligt och varför.

## Innehåll som inte är tillgängligt

- Delaktighetens årsberättelser för åren 2023–2025 är PDF-filer som inte är tillgängliga i alla delar. Tabellerna saknar rubriker och en skärmläsare kan läsa texten i fel ordning (WCAG 1.3.1 och 1.3.2). Filerna gjordes innan Kuulu togs i bruk. Årsberättelsen för 2026 görs tillgänglig. Du kan be att få en årsberättelse i ett annat format, till exempel som text.
- Åsiktskartan är en bild som en skärmläsare inte kan läsa (WCAG 1.1.1). Kartans innehåll finns också som text under kartan: vilka grupper som uppstod i diskussionen, hur stora de är och vilka påståenden grupperna är eniga eller oeniga om.
- En del av inspelningarna från utbildningar saknar textning (WCAG 1.2.2). Vi textar inspelningarna senast 31.3.2027. Fram till dess kan du be om en skriftlig sammanfattning av en inspelning.
- Organisationer och andra partner skickar egna bilagor till evenemang, till exempel broschyrer och program. De är inte alltid tillgängliga. Kraven gäller inte innehåll som partnerna gör själva och som välfärdsområdet varken finansierar eller styr, men vi ber alltid om det i tillgänglig form.

## Om du inte kan använda någon del av tjänsten

- Personalen kan skriva ner din respons åt dig när du besöker ett verksamhetsställe eller ringer.
- Du kan be att få vilket material som helst i ett annat format per e-post: saavutettavuus@kainuu.example.

## Ge respons om tillgängligheten

Märkte du att något inte fungerar? Berätta det för oss. Du kan också be om innehåll som inte är tillgängligt.

- Responsformulär: /p/saavutettavuus
- E-post: saavutettavuus@kainuu.example

Vi svarar inom 14 dagar.

## Tillsynsmyndighet

Om du märker problem, berätta först för oss. Om du inte är nöjd med vårt svar eller inte får något svar inom 14 dagar, kan du göra en anmälan till Tillstånds- och tillsynsverket. Det övervakar tillgängligheten från början av 2026; tidigare var det Regionförvaltningsverket i Södra Finland. På tillsynsmyndighetens webbplats står det hur du gör en anmälan och hur ärendet behandlas.

- Tillstånds- och tillsynsverket, tillgänglighetstillsynen
- www.tillganglighetskrav.fi

Utlåtandet har utarbetats 16.11.2026. Det bygger på vår egen bedömning och på automatiska tester. Vi går igenom utlåtandet minst en gång per år.`},

	{Slug: AccessibilitySlug, Lang: domain.English, Title: "Accessibility statement", Body: `This statement tells how accessible the Kuulu service is. Kuulu is a service of Kainuu Wellbeing Services County. In Kuulu you can give feedback, tell about your experiences and take part in developing services. Kainuu Wellbeing Services County is responsible for the service.

The Act on the Provision of Digital Services (306/2019) requires public online services to be accessible. Everyone can use an accessible service, for example with a screen reader, with magnification or with a keyboard only.

## How accessible the service is

Kuulu partially conforms to level AA of WCAG 2.1. The service also works without JavaScript and on a slow connection. Below we tell what is not yet accessible and why.

## Content that is not accessible

- The participation annual reports for 2023–2025 are PDF files that are not fully accessible. Tables lack headers, and a screen reader may read the text in the wrong order (WCAG 1.3.1 and 1.3.2). The files were made before Kuulu was taken into use. The annual report for 2026 will be accessible. You can ask for an annual report in another format, for example as text.
- The opinion map is a picture that a screen reader cannot read (WCAG 1.1.1). Its content is also given as text below the map: which groups formed in the conversation, how large they are, and which statements the groups agree or disagree on.
- Some recordings of trainings have no captions (WCAG 1.2.2). We will caption them by 31 March 2027. Until then you can ask for a written summary of a recording.
- Organisations and other partners send their own attachments for events, such as leaflets and programmes. They are not always accessible. The requirements do not cover content that partners make themselves and that the county neither funds nor controls, but we always ask for it in an accessible format.

## If you cannot use some part of the service

- Staff can write down your feedback for you when you visit a unit or call.
- You can ask for any material in another format by email: saavutettavuus@kainuu.example.

## Give feedback on accessibility

Did you notice that something does not work? Tell us. You can also ask for content that is not accessible.

- Feedback form: /p/saavutettavuus
- Email: saavutettavuus@kainuu.example

We answer within 14 days.

## Supervisory authority

If you notice problems, tell us first. If you are not satisfied with our answer, or you get no answer within 14 days, you can report the matter to the Finnish Supervisory Agency (Lupa- ja valvontavirasto). It has supervised accessibility since the start of 2026; before that the supervisor was the Regional State Administrative Agency for Southern Finland. The supervisor's website tells how to make a report and how the matter is handled.

- Finnish Supervisory Agency, accessibility supervision
- www.accessibilityrequirements.fi

This statement was drawn up on 16 November 2026. It is based on our own assessment and on automated tests. We review the statement at least once a year.`},
}
