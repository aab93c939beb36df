package conversation

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"kuulu/internal/domain"
	"kuulu/internal/privacy"
)

// NewStatementText validates a participant's statement and returns it masked
// for personal data, like feedback.
func NewStatementText(s string) (string, error) {
	s = strings.Join(strings.Fields(s), " ")
	f := domain.FieldErrors{}
	switch {
	case !utf8.ValidString(s) || strings.ContainsRune(s, 0):
		f.Add("text", "err.bad_encoding")
	case s == "":
		f.Add("text", "err.conversation.statement_empty")
	case utf8.RuneCountInString(s) > MaxStatement:
		f.Add("text", "err.conversation.statement_long", MaxStatement, utf8.RuneCountInString(s))
	}
	if err := f.Err(); err != nil {
		return "", err
	}
	return privacy.Mask(s).Text, nil
}

// words splits text into lower-case words without punctuation.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// Similarity is the Jaccard similarity of the word sets of a and b (0…1).
func Similarity(a, b string) float64 {
	wa, wb := words(a), words(b)
	if len(wa) == 0 || len(wb) == 0 {
		return 0
	}
	set := map[string]int{}
	for _, w := range wa {
		set[w] |= 1
	}
	for _, w := range wb {
		set[w] |= 2
	}
	both := 0
	for _, v := range set {
		if v == 3 {
			both++
		}
	}
	return float64(both) / float64(len(set))
}

// NearDuplicateThreshold is the similarity above which a new statement is
// pointed out as a near-duplicate of an existing one.
const NearDuplicateThreshold = 0.6

// NearDuplicates returns the statements whose text is at least as similar to
// text as the threshold, most similar first (at most max). An exact duplicate
// (same words) has similarity 1.
func NearDuplicates(text string, existing []Statement, max int) []Statement {
	type scored struct {
		s Statement
		v float64
	}
	var out []scored
	for _, s := range existing {
		if v := Similarity(text, s.Text); v >= NearDuplicateThreshold {
			out = append(out, scored{s, v})
		}
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].v > out[j-1].v; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	res := make([]Statement, 0, min(len(out), max))
	for i := 0; i < len(out) && i < max; i++ {
		res = append(res, out[i].s)
	}
	return res
}
