package privacy

import "unicode/utf8"

// identityCheckChars maps DDMMYYNNN mod 31 to the check character
// (G, I, O, Q and Z are left out).
const identityCheckChars = "0123456789ABCDEFHJKLMNPRSTUVWXY"

// ValidIdentityCode reports whether s is a valid Finnish personal identity
// code (henkilötunnus) in its official form DDMMYYCNNNQ: a real calendar
// date in the century given by C (+ 1800s; - Y X W V U 1900s; A B C D E F
// 2000s), an individual number NNN from 002 to 999 (900–999 are temporary
// codes) and the matching check character Q. Letters must be upper case and
// the 1900s hyphen must be ASCII "-"; Mask is more lenient (see the package
// documentation). Dates in the future are not rejected.
func ValidIdentityCode(s string) bool {
	if len(s) != 11 {
		return false
	}
	for i := 0; i < 6; i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	base, ok := centuryBase(s[6])
	return ok && validIdentityCode(s[0:6], base, s[7:10], s[10])
}

// centuryBase returns the first year of the century that the century sign
// c stands for. Letters must be upper case.
func centuryBase(c byte) (int, bool) {
	switch c {
	case '+':
		return 1800, true
	case '-', 'Y', 'X', 'W', 'V', 'U':
		return 1900, true
	case 'A', 'B', 'C', 'D', 'E', 'F':
		return 2000, true
	}
	return 0, false
}

// validIdentityCode checks the date, the individual number and the check
// character. date is six ASCII digits; individual must be three digits;
// check must be upper case.
func validIdentityCode(date string, base int, individual string, check byte) bool {
	d := 0
	for i := 0; i < 6; i++ {
		d = d*10 + int(date[i]-'0')
	}
	n := 0
	for i := 0; i < 3; i++ {
		c := individual[i]
		if !isDigit(c) {
			return false
		}
		n = n*10 + int(c-'0')
	}
	if n < 2 {
		return false
	}
	day, month, year := d/10000, d/100%100, base+d%100
	if month < 1 || month > 12 || day < 1 || day > daysIn(month, year) {
		return false
	}
	return check == identityCheckChars[(d*1000+n)%31]
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// findIdentityCodes returns the identity codes in s, left to right without
// overlaps. No boundary is required around a code: a valid date, century
// sign and check character together are rare enough by chance, and glued
// text ("hetu131052-308T") is common enough.
func findIdentityCodes(s string) []span {
	var out []span
	run := 0 // digits immediately before s[j]
	for j := 0; j < len(s); j++ {
		if isDigit(s[j]) {
			run++
			continue
		}
		// The century sign is the first non-digit after at least six
		// digits, so each sign position has exactly one candidate start.
		if run >= 6 {
			if n := identityCodeAt(s, j-6); n > 0 {
				out = append(out, span{j - 6, j - 6 + n})
				j += n - 7 // continue right after the code
				run = 0
				continue
			}
		}
		run = 0
	}
	return out
}

// identityCodeAt returns the byte length of the identity code starting at
// s[i] (s[i:i+6] are known digits), or 0. It accepts lower-case letters and
// Unicode dashes for the 1900s hyphen.
func identityCodeAt(s string, i int) int {
	j := i + 6
	var base int
	var ok bool
	if c := s[j]; c < utf8.RuneSelf {
		base, ok = centuryBase(upper(c))
		j++
	} else if r, size := utf8.DecodeRuneInString(s[j:]); isDash(r) {
		base, ok = 1900, true
		j += size
	}
	if !ok || j+4 > len(s) {
		return 0
	}
	if !validIdentityCode(s[i:i+6], base, s[j:j+3], upper(s[j+3])) {
		return 0
	}
	return j + 4 - i
}

func upper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}
