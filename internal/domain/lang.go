package domain

// Lang is a user interface language.
type Lang string

// The three languages of Kuulu. Finnish is the default.
const (
	Finnish Lang = "fi"
	Swedish Lang = "sv"
	English Lang = "en"
)

// Langs lists the supported languages in display order.
var Langs = []Lang{Finnish, Swedish, English}

// ParseLang returns the language for a code, and false for unknown codes.
func ParseLang(s string) (Lang, bool) {
	switch Lang(s) {
	case Finnish, Swedish, English:
		return Lang(s), true
	}
	return Finnish, false
}

// Text is a string in the three languages.
type Text struct {
	FI, SV, EN string
}

// In returns the text in lang, falling back to Finnish, then any non-empty.
func (t Text) In(l Lang) string {
	switch l {
	case Swedish:
		if t.SV != "" {
			return t.SV
		}
	case English:
		if t.EN != "" {
			return t.EN
		}
	}
	if t.FI != "" {
		return t.FI
	}
	if t.SV != "" {
		return t.SV
	}
	return t.EN
}
