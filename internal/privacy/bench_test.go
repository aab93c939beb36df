package privacy

import (
	"strings"
	"testing"
)

// benchmarkText is realistic feedback of about 1,000 characters: health
// details, dates, times, prices and a few items to mask.
const benchmarkText = `Hei! Kävin äitini kanssa terveysasemalla 12.3.2024 klo 14.30, ja haluan antaa palautetta. ` +
	`Äiti on 87-vuotias ja hänellä on sydämen vajaatoiminta, verenpaine oli 160/95 ja lääkitystä muutettiin ` +
	`(bisoprololi 2,5 mg → 5 mg). Jonotimme aulassa 45 minuuttia, vaikka aika oli varattu jo kaksi viikkoa ` +
	`aiemmin. Huone 214 oli B-siivessä 3. kerroksessa, eikä opasteita ollut. Hoitaja oli kuitenkin todella ` +
	`ystävällinen ja selitti kaiken selkeästi. Lasku 41,80 € tuli kotiin, vaikka maksukatto (762 euroa) on ` +
	`jo täynnä. Äidin henkilötunnus on 131052-308T, jos tarvitsette sitä asian selvittämiseen. Minut ` +
	`tavoittaa numerosta 040 123 4567 arkisin klo 8–16 tai sähköpostilla maija.meikalainen@example.fi. ` +
	`Äidin oma numero on (09) 1234 567, mutta hän ei aina kuule puhelinta. Postinumero 87100 Kajaani. ` +
	`Toivoisin, että jatkossa soittoaika annettaisiin etukäteen ja että tekstiviesti tulisi päivää ennen ` +
	`käyntiä. Kokonaisuutena hoito oli hyvää, annan arvosanaksi 8/10. Kiitos!`

func BenchmarkMask(b *testing.B) {
	b.SetBytes(int64(len(benchmarkText)))
	b.ReportAllocs()
	for b.Loop() {
		Mask(benchmarkText)
	}
}

// BenchmarkMaskNothingFound measures the common case: no personal data.
func BenchmarkMaskNothingFound(b *testing.B) {
	text := benchmarkText[:strings.Index(benchmarkText, "Äidin henkilötunnus")]
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Mask(text)
	}
}

// BenchmarkMaskLong measures a 5,000-character text, the form's limit.
func BenchmarkMaskLong(b *testing.B) {
	text := benchmarkText + benchmarkText + benchmarkText + benchmarkText + benchmarkText
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Mask(text)
	}
}
