package privacy

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMaskPhones(t *testing.T) {
	tests := []struct{ in, want string }{
		{"+358 40 123 4567", "[PUH]"},
		{"+358401234567", "[PUH]"},
		{"040 123 4567", "[PUH]"},
		{"040-1234567", "[PUH]"},
		{"0401234567", "[PUH]"},
		{"050 123 4567", "[PUH]"},
		{"09 123 4567", "[PUH]"},
		{"(09) 1234 567", "[PUH]"},
		{"(09)1234567", "[PUH]"},
		{"045 1234567", "[PUH]"},
		{"044-123 45 67", "[PUH]"},
		{"+46 70 123 45 67", "[PUH]"},
		{"00358 40 1234567", "[PUH]"},
		{"+358 (0)40 123 4567", "[PUH]"},
		{"+358(0)401234567", "[PUH]"},
		{"05 123 4567", "[PUH]"}, // area code 05 (Kaakkois-Suomi), not mobile 050
		{"050 12345", "[PUH]"},   // old short mobile number: 7 digits after 0
		{"050 1234", "050 1234"}, // too short
		{"014 123 456", "[PUH]"},
		{"020 634 0000", "[PUH]"},
		{"040\u00a0123\u00a04567", "[PUH]"},   // no-break spaces
		{"040–123 4567", "[PUH]"},             // en dash
		{"Soita 0401234567!", "Soita [PUH]!"}, //
		{"puh. 040 123 4567.", "puh. [PUH]."}, // sentence end
		{"puh:040-1234567, kiitos", "puh:[PUH], kiitos"},
		{"numeroon0401234567", "numeroon[PUH]"}, // glued to a word
		{"(040 1234567)", "([PUH])"},            // in parentheses
		{"040 123 4567 tai 050 765 4321", "[PUH] tai [PUH]"},
		{"040 123 4567 050 765 4321", "[PUH] [PUH]"},
		{"0401234567,0501234567", "[PUH],[PUH]"},
		{"0401234567 2024", "[PUH] 2024"},           // longest allowed prefix
		{"040 123 4567 2 kertaa", "[PUH] 2 kertaa"}, // not a lone digit
		{"09 123 4567 12", "[PUH]"},                 // 11 digits: all of it
		{"klo 12 soitin 09 123 4567", "klo 12 soitin [PUH]"},
		{"+358 40 123 4567 131052-308T", "[PUH] [HETU]"},
	}
	for _, tt := range tests {
		r := Mask(tt.in)
		if r.Text != tt.want {
			t.Errorf("Mask(%q).Text = %q, want %q", tt.in, r.Text, tt.want)
		}
	}
}

func TestMaskEmails(t *testing.T) {
	tests := []struct{ in, want string }{
		{"matti.meikalainen@example.fi", "[EMAIL]"},
		{"Lähetä osoitteeseen matti.meikäläinen@hyvinvointialue.fi.", "Lähetä osoitteeseen [EMAIL]."},
		{"<maija+palaute@posti.example.com>", "<[EMAIL]>"},
		{"etunimi.sukunimi(at)kainuu.fi", "[EMAIL]"},
		{"kirjaamo[AT]pirha.fi", "[EMAIL]"},
		{"a_b-c%d@sub-domain.example.co.uk, kiitos", "[EMAIL], kiitos"},
		{"åsa.öberg@exempel.ax", "[EMAIL]"},
		{"0401234567@sms.example.fi", "[EMAIL]"},
		{"x@example.fi0401234567", "[EMAIL][PUH]"},
		{"a@b.fi@c.fi", "[EMAIL]@c.fi"},
		{"ks.matti@example.fi", "[EMAIL]"},     // over-masks the abbreviation
		{"...matti@example.fi", "...[EMAIL]"},  // leading dots are not part of it
		{"matti@localhost", "matti@localhost"}, // no dot in the domain
		{"matti@example.f", "matti@example.f"}, // one-letter top-level domain
		{"@example.fi", "@example.fi"},         // no local part
		{"klo 14 @ aula", "klo 14 @ aula"},
		{"matti (at) example.fi", "matti (at) example.fi"}, // known limitation
	}
	for _, tt := range tests {
		r := Mask(tt.in)
		if r.Text != tt.want {
			t.Errorf("Mask(%q).Text = %q, want %q", tt.in, r.Text, tt.want)
		}
	}
}

// TestMaskKeepsOrdinaryNumbers lists numbers that feedback is full of and
// that must stay readable.
func TestMaskKeepsOrdinaryNumbers(t *testing.T) {
	keep := []string{
		"Kävin 12.3.2024 ja uudestaan 2024-03-12, seuraava aika 12.03. klo 14.30.",
		"Aika 03-12-2024 peruttiin.",
		"Lasku oli 120,50 € ja toinen 1 200 euroa, yhteensä 1 320,50 €.",
		"Hanke maksoi 2 050 000 000 euroa ja toinen 10 000 000 €.",
		"Huone 214, B-siipi 3. krs, ovi 0214.",
		"Osoite Kauppakatu 1 A 3, 87100 Kajaani. Myös 00100 Helsinki.",
		"Vuonna 1995 ja 2023, 85-vuotias äiti, 15 % alennus.",
		"Verenpaine 140/90, pulssi 72, lämpö 38,5.",
		"Tilausnumero 123456789, asiakasnumero 1234567, viite 12345 67890.",
		"IBAN FI21 1234 5600 0007 85.",
		"Lääke 5 x 0,5 mg, 0–10 asteikolla 8.",
		"Aukioloaika 08–16, puhelinaika 8-16, jono 45 min.",
		"ajalla 01.01.–31.03.2024 ja 1.4.-30.6.",
		"Henkilötunnus 131052-308A on väärin kirjoitettu.",
		"Odotin 0 minuuttia, 00 sekuntia, numero 050 123.",
		"Sain ajan 9.00, 09:30 ja 09.45.",
		"Kello 0800 - 1600 välillä.",
		"+5 astetta ulkona ja +12 000 askelta.",
	}
	for _, in := range keep {
		r := Mask(in)
		if r.Text != in || r.Findings != nil {
			t.Errorf("Mask(%q) = %q, %v; want the text unchanged", in, r.Text, r.Findings)
		}
	}
}

func TestMaskMixedText(t *testing.T) {
	in := "Olen Matti (hetu 131052-308T). Soittakaa 040 123 4567 tai matti@example.fi, kiitos!"
	want := "Olen Matti (hetu [HETU]). Soittakaa [PUH] tai [EMAIL], kiitos!"
	r := Mask(in)
	if r.Text != want {
		t.Fatalf("Text = %q, want %q", r.Text, want)
	}
	wantFindings := []struct {
		kind Kind
		text string
	}{
		{IdentityCode, "131052-308T"},
		{Phone, "040 123 4567"},
		{Email, "matti@example.fi"},
	}
	if len(r.Findings) != len(wantFindings) {
		t.Fatalf("Findings = %v", r.Findings)
	}
	for i, w := range wantFindings {
		f := r.Findings[i]
		if f.Kind != w.kind || in[f.Start:f.End] != w.text {
			t.Errorf("finding %d = %v %q, want %v %q", i, f.Kind, in[f.Start:f.End], w.kind, w.text)
		}
	}
	if r.Count(Phone) != 1 || r.Count(IdentityCode) != 1 || r.Count(Email) != 1 {
		t.Errorf("Count = %d %d %d", r.Count(IdentityCode), r.Count(Phone), r.Count(Email))
	}
}

func TestMaskEmptyAndPlain(t *testing.T) {
	for _, in := range []string{"", "Kiitos hyvästä hoidosta!", "[HETU] [PUH] [EMAIL]"} {
		r := Mask(in)
		if r.Text != in || r.Findings != nil {
			t.Errorf("Mask(%q) = %+v", in, r)
		}
	}
}

func TestKindNamesAndMarkers(t *testing.T) {
	for _, k := range []Kind{IdentityCode, Phone, Email} {
		if k.String() == "unknown" || k.Marker() == "" {
			t.Errorf("kind %d has no name or marker", k)
		}
		if strings.ContainsAny(k.Marker(), "0123456789@") {
			t.Errorf("marker %q must contain no digits and no @", k.Marker())
		}
	}
	if Kind(0).String() != "unknown" || Kind(0).Marker() != "" {
		t.Error("zero Kind")
	}
}

// checkMaskInvariants verifies the properties every Mask result must have:
// findings in order and inside the text, the text outside them kept byte
// for byte, valid UTF-8 kept valid, and idempotence.
func checkMaskInvariants(t *testing.T, in string) Result {
	t.Helper()
	r := Mask(in)
	var b strings.Builder
	last := 0
	for _, f := range r.Findings {
		if f.Start < last || f.End <= f.Start || f.End > len(in) || f.Kind.Marker() == "" {
			t.Fatalf("Mask(%q): bad finding %+v after offset %d", in, f, last)
		}
		b.WriteString(in[last:f.Start])
		b.WriteString(f.Kind.Marker())
		last = f.End
	}
	b.WriteString(in[last:])
	if b.String() != r.Text {
		t.Fatalf("Mask(%q): text %q does not match findings (%q)", in, r.Text, b.String())
	}
	if utf8.ValidString(in) && !utf8.ValidString(r.Text) {
		t.Fatalf("Mask(%q) = %q: invalid UTF-8", in, r.Text)
	}
	again := Mask(r.Text)
	if again.Text != r.Text || again.Findings != nil {
		t.Fatalf("Mask not idempotent:\n in:     %q\n once:   %q\n twice:  %q", in, r.Text, again.Text)
	}
	return r
}

func TestMaskInvariantsOnExamples(t *testing.T) {
	inputs := []string{
		benchmarkText,
		"131052-308T0401234567",
		"0401234567131052-308T",
		"040 131052-308T",
		"+46 70 12345 131052-308T",
		"2 040 123 456 050 000 000",
		"131052-308T matti@example.fi0401234567 +358 (0)40 123 4567",
		"x@a.0401234567.fi x@123.0401234567",
		"(at)(at)@@..@a.b.c.d.ee",
		"\xff\xfe131052-308T\xff",
	}
	for _, in := range inputs {
		checkMaskInvariants(t, in)
	}
}
