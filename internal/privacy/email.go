package privacy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// findEmails returns the e-mail addresses in s, left to right without
// overlaps.
func findEmails(s string) []span {
	var out []span
	floor := 0 // the local part may not reach back into the previous address
	for i := 0; i < len(s); i++ {
		k := strings.IndexAny(s[i:], "@([")
		if k < 0 {
			break
		}
		i += k
		n := atSignAt(s, i)
		if n == 0 {
			continue
		}
		start := localPartStart(s, i, floor)
		if start == i {
			continue
		}
		if end := domainEnd(s, i+n); end > 0 {
			out = append(out, span{start, end})
			floor = end
			i = end - 1
		}
	}
	return out
}

// atSignAt returns the length of "@", "(at)" or "[at]" (any case) at s[i],
// or 0. The bracketed forms are how Finnish public bodies usually publish
// addresses (etunimi.sukunimi(at)hyvinvointialue.fi).
func atSignAt(s string, i int) int {
	switch s[i] {
	case '@':
		return 1
	case '(', '[':
		if i+4 <= len(s) && (s[i+3] == ')' || s[i+3] == ']') &&
			(s[i] == '(') == (s[i+3] == ')') && strings.EqualFold(s[i+1:i+3], "at") {
			return 4
		}
	}
	return 0
}

// localPartStart returns where the local part ending at s[at] starts, not
// before floor. It equals at when there is no local part.
func localPartStart(s string, at, floor int) int {
	p := at
	for p > floor {
		r, n := utf8.DecodeLastRuneInString(s[floor:p])
		if !isLocalRune(r) {
			break
		}
		p -= n
	}
	for p < at && s[p] == '.' { // "...matti@": dots cannot start a local part
		p++
	}
	return p
}

func isLocalRune(r rune) bool {
	if r < utf8.RuneSelf {
		c := byte(r)
		return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || isDigit(c) ||
			c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func isDomainRune(r rune) bool {
	if r < utf8.RuneSelf {
		c := byte(r)
		return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || isDigit(c) || c == '-'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// domainEnd returns the end of the domain that starts at s[p], or 0 when
// there is none. The domain is the longest run of dot-separated labels
// whose last label starts with at least two letters; the address ends after
// those letters, so "matti@example.fi0401234567" yields "example.fi".
func domainEnd(s string, p int) int {
	end, labels := 0, 0
	q := p
	for {
		start := q
		for q < len(s) {
			r, n := decodeRune(s, q)
			if !isDomainRune(r) {
				break
			}
			q += n
		}
		if q == start {
			break
		}
		labels++
		if labels >= 2 {
			if e, letters := letterPrefix(s, start, q); letters >= 2 {
				end = e
			}
		}
		if q+1 < len(s) && s[q] == '.' {
			if r, _ := decodeRune(s, q+1); isDomainRune(r) {
				q++
				continue
			}
		}
		break
	}
	return end
}

// letterPrefix returns the end of the run of letters at the start of
// s[start:end] and how many letters it has.
func letterPrefix(s string, start, end int) (int, int) {
	q, letters := start, 0
	for q < end {
		r, n := decodeRune(s, q)
		if !unicode.IsLetter(r) {
			break
		}
		q += n
		letters++
	}
	return q, letters
}
