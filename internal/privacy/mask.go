package privacy

import (
	"strings"
	"unicode/utf8"
)

// Markers that replace masked data in Result.Text. They contain no digits
// and no "@", which keeps Mask idempotent; templates may show them to
// readers together with an explanation.
const (
	MarkerIdentityCode = "[HETU]"
	MarkerPhone        = "[PUH]"
	MarkerEmail        = "[EMAIL]"
)

// Kind is the kind of personal data found in a text.
type Kind uint8

// Kinds of personal data that Mask recognises.
const (
	IdentityCode Kind = iota + 1 // Finnish personal identity code (henkilötunnus)
	Phone                        // phone number, Finnish or international
	Email                        // e-mail address
)

// String returns a stable lower-case name for the kind, suitable for logs
// and metrics ("identity_code", "phone", "email").
func (k Kind) String() string {
	switch k {
	case IdentityCode:
		return "identity_code"
	case Phone:
		return "phone"
	case Email:
		return "email"
	}
	return "unknown"
}

// Marker returns the text that replaces data of this kind.
func (k Kind) Marker() string {
	switch k {
	case IdentityCode:
		return MarkerIdentityCode
	case Phone:
		return MarkerPhone
	case Email:
		return MarkerEmail
	}
	return ""
}

// Finding locates one masked item. Start and End are byte offsets into the
// original text (half-open: text[Start:End]). A Finding deliberately holds
// no copy of the data itself.
type Finding struct {
	Kind       Kind
	Start, End int
}

// Result is the outcome of Mask.
type Result struct {
	// Text is the masked copy: every finding replaced by its kind's marker,
	// everything else byte-identical to the original.
	Text string
	// Findings are the replaced items in order of position, without
	// overlaps. Nil when nothing was found.
	Findings []Finding
}

// Count returns the number of findings of the given kind.
func (r Result) Count(k Kind) int {
	n := 0
	for _, f := range r.Findings {
		if f.Kind == k {
			n++
		}
	}
	return n
}

// span is a half-open byte range in the text a detector scans.
type span struct{ start, end int }

// Mask returns a copy of text with identity codes, e-mail addresses and
// phone numbers replaced by markers, and where they were. See the package
// documentation for what is recognised. Mask is safe for concurrent use,
// runs in time linear in len(text) and never fails; text need not be valid
// UTF-8 (invalid bytes are kept as they are).
func Mask(text string) Result {
	// Each detector runs on the text already masked by the earlier ones, so
	// it sees the markers exactly as a later Mask of the result would: that
	// is what makes Mask idempotent. The order is by confidence: identity
	// codes carry a check character, e-mail addresses an "@", phones only
	// digits.
	passes := [...]struct {
		kind Kind
		find func(string) []span
	}{
		{IdentityCode, findIdentityCodes},
		{Email, findEmails},
		{Phone, findPhones},
	}
	var found []Finding // sorted, in original coordinates
	cur := text
	for _, p := range passes {
		spans := p.find(cur)
		if len(spans) == 0 {
			continue
		}
		found = mergeFindings(found, toOriginal(found, spans, p.kind))
		cur = render(text, found)
	}
	return Result{Text: cur, Findings: found}
}

// toOriginal converts spans found in the partly masked text back to offsets
// in the original text. found lists the markers already in that text.
func toOriginal(found []Finding, spans []span, kind Kind) []Finding {
	out := make([]Finding, 0, len(spans))
	k, shift := 0, 0 // original offset = current offset + shift, after found[:k]
	for _, sp := range spans {
		for k < len(found) {
			f := found[k]
			markerEnd := f.Start - shift + len(f.Kind.Marker())
			if markerEnd > sp.start {
				break
			}
			shift += (f.End - f.Start) - len(f.Kind.Marker())
			k++
		}
		// Detectors never match marker characters; this is a safety net
		// so that a bug cannot produce overlapping findings.
		if k < len(found) && sp.end > found[k].Start-shift {
			continue
		}
		out = append(out, Finding{Kind: kind, Start: sp.start + shift, End: sp.end + shift})
	}
	return out
}

// mergeFindings merges two sorted, mutually non-overlapping lists.
func mergeFindings(a, b []Finding) []Finding {
	out := make([]Finding, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if a[i].Start < b[j].Start {
			out = append(out, a[i])
			i++
		} else {
			out = append(out, b[j])
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

// render replaces each finding in the original text by its marker.
func render(text string, found []Finding) string {
	var b strings.Builder
	b.Grow(len(text))
	last := 0
	for _, f := range found {
		b.WriteString(text[last:f.Start])
		b.WriteString(f.Kind.Marker())
		last = f.End
	}
	b.WriteString(text[last:])
	return b.String()
}

// endsWithMarker reports whether s ends with one of the markers.
func endsWithMarker(s string) bool {
	return strings.HasSuffix(s, MarkerIdentityCode) ||
		strings.HasSuffix(s, MarkerPhone) ||
		strings.HasSuffix(s, MarkerEmail)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isDash reports whether r is a dash that word processors put in place of
// a typed hyphen-minus.
func isDash(r rune) bool {
	switch r {
	case '-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212':
		return true
	}
	return false
}

// isSpaceSep reports whether r is a space that may separate digit groups.
func isSpaceSep(r rune) bool {
	switch r {
	case ' ', '\u00a0', '\u2009', '\u202f':
		return true
	}
	return false
}

// decodeRune is utf8.DecodeRuneInString with an ASCII fast path.
func decodeRune(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}
