package web

import (
	"strings"
	"testing"
)

func TestParagraphsAndLinkify(t *testing.T) {
	got := paragraphs("## Otsikko\n\nEka rivi\njatkuu.\n\n- yksi\n- kaksi\nPerään teksti")
	if len(got) != 4 || got[0].Heading != "Otsikko" || got[1].Text != "Eka rivi jatkuu." || len(got[2].Items) != 2 || got[3].Text != "Perään teksti" {
		t.Fatalf("paragraphs = %+v", got)
	}
	h := string(linkify(`Katso www.example.fi, /p/saavutettavuus tai a@b.fi. <script> "x"`))
	for _, want := range []string{`<a href="https://www.example.fi">www.example.fi</a>,`, `<a href="/p/saavutettavuus">/p/saavutettavuus</a>`,
		`<a href="mailto:a@b.fi">a@b.fi</a>.`, `&lt;script&gt;`, `&#34;x&#34;`} {
		if !strings.Contains(h, want) {
			t.Errorf("linkify output lacks %s:\n%s", want, h)
		}
	}
	if strings.Contains(string(linkify("javascript:alert(1)")), "<a") {
		t.Error("javascript: linked")
	}
}
