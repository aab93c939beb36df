package privacy

import (
	"strings"
	"unicode/utf8"
)

// Digit counts of a phone number. Domestic numbers include the trunk 0
// (7–10 digits after it: 09 123 456 … 050 1234 5678); international ones
// count the country code and everything after the + or 00, up to the
// E.164 maximum of 15.
const (
	domesticMinDigits = 8
	domesticMaxDigits = 11
	intlMinDigits     = 8
	intlMaxDigits     = 15
)

// findPhones returns the phone numbers in s, left to right without
// overlaps.
func findPhones(s string) []span {
	var out []span
	for i := 0; i < len(s); i++ {
		k := strings.IndexAny(s[i:], "0+(")
		if k < 0 {
			break
		}
		i += k
		// A number that starts inside a longer digit string is something
		// else (an account or order number).
		if s[i] == '0' && i > 0 && isDigit(s[i-1]) {
			continue
		}
		if end := phoneAt(s, i); end > 0 {
			out = append(out, span{i, end})
			i = end - 1
		}
	}
	return out
}

// phoneAt returns the end of the phone number starting at s[i], or 0.
// s[i] is '0', '+' or '('.
func phoneAt(s string, i int) int {
	p := i
	intl, paren := false, false
	switch s[p] {
	case '+':
		p++
		if p >= len(s) || !isDigit19(s[p]) {
			return 0
		}
		intl = true
	case '(': // (09) 123 4567
		p++
		if p+1 >= len(s) || s[p] != '0' || !isDigit19(s[p+1]) {
			return 0
		}
		paren = true
	default:
		if p+2 >= len(s) {
			return 0
		}
		if s[p+1] == '0' { // 00358 …
			if !isDigit19(s[p+2]) {
				return 0
			}
			intl = true
			p += 2
		} else if !isDigit19(s[p+1]) {
			return 0
		}
	}
	minDigits, maxDigits := domesticMinDigits, domesticMaxDigits
	if intl {
		minDigits, maxDigits = intlMinDigits, intlMaxDigits
	}

	var shape numberShape
	best, digits := 0, 0
	for {
		start := p
		for p < len(s) && isDigit(s[p]) {
			p++
		}
		groupLen := p - start
		digits += groupLen
		if digits > maxDigits {
			break
		}
		shape.add(s[start:p])
		if paren {
			if p >= len(s) || s[p] != ')' {
				return 0
			}
			p++
		}
		// The longest acceptable prefix wins; a lone trailing digit is
		// rather the start of the next number ("040 123 4567 2 kertaa").
		if digits >= minDigits && groupLen >= 2 && (intl || !shape.ordinary(s, i)) {
			best = p
		}

		// Where does the next group start?
		if intl && shape.groups == 1 {
			if n := trunkZero(s, p); n > 0 { // +358 (0)40 …
				p += n
				continue
			}
		}
		if paren && p < len(s) && isDigit(s[p]) { // (09)1234567
			paren = false
			continue
		}
		paren = false
		r, n := separatorAt(s, p)
		if n == 0 || p+n >= len(s) || !isDigit(s[p+n]) {
			break
		}
		if !isSpaceSep(r) {
			shape.hyphenated = true
		}
		p += n
	}
	return best
}

// numberShape collects what is needed to tell an ordinary number that
// happens to start with 0 from a domestic phone number.
type numberShape struct {
	groups     int
	first      [3]string // the first three digit groups
	allThree   bool      // every group has exactly three digits
	hyphenated bool      // some separator is a dash rather than a space
}

func (sh *numberShape) add(group string) {
	if sh.groups < len(sh.first) {
		sh.first[sh.groups] = group
	}
	if sh.groups == 0 {
		sh.allThree = true
	}
	if len(group) != 3 {
		sh.allThree = false
	}
	sh.groups++
}

// ordinary reports whether the domestic candidate that starts at s[i] and
// has the groups seen so far is rather a date (03-12-2024) or the tail of
// a number grouped in thousands (2 050 000 000).
func (sh *numberShape) ordinary(s string, i int) bool {
	if sh.groups == 3 && len(sh.first[0]) == 2 && len(sh.first[1]) <= 2 && len(sh.first[2]) == 4 {
		day, month, year := atoi(sh.first[0]), atoi(sh.first[1]), atoi(sh.first[2])
		if month >= 1 && month <= 12 && day >= 1 && day <= daysIn(month, year) && year >= 1900 && year < 2100 {
			return true
		}
	}
	if sh.allThree && !sh.hyphenated {
		// Preceded by a digit group and a space. A marker counts as a
		// digit group because it may have replaced one (a phone or an
		// identity code), so the result stays the same when masked again.
		r, n := utf8.DecodeLastRuneInString(s[:i])
		if isSpaceSep(r) {
			before := s[:i-n]
			if before != "" && (isDigit(before[len(before)-1]) || endsWithMarker(before)) {
				return true
			}
		}
	}
	return false
}

// trunkZero returns the length of an optional space, "(0)" and optional
// space at s[p] when a digit follows, or 0.
func trunkZero(s string, p int) int {
	q := p
	if q < len(s) && s[q] == ' ' {
		q++
	}
	if q+3 > len(s) || s[q:q+3] != "(0)" {
		return 0
	}
	q += 3
	if q < len(s) && s[q] == ' ' {
		q++
	}
	if q >= len(s) || !isDigit(s[q]) {
		return 0
	}
	return q - p
}

// separatorAt returns the separator rune at s[p] and its length, or 0 when
// there is none. A separator is one space (also no-break or thin) or one
// hyphen or dash.
func separatorAt(s string, p int) (rune, int) {
	if p >= len(s) {
		return 0, 0
	}
	r, n := decodeRune(s, p)
	if isSpaceSep(r) || isDash(r) {
		return r, n
	}
	return 0, 0
}

func isDigit19(c byte) bool { return '1' <= c && c <= '9' }

// atoi converts a short string of ASCII digits.
func atoi(digits string) int {
	n := 0
	for i := 0; i < len(digits); i++ {
		n = n*10 + int(digits[i]-'0')
	}
	return n
}
