package privacy

import (
	"fmt"
	"strings"
	"testing"
)

// identityCode builds a valid identity code. It computes the check
// character independently of the code under test (by a different route:
// formatting and parsing the nine digits as one number).
func identityCode(t testing.TB, day, month, year, individual int) string {
	t.Helper()
	var sign byte
	switch {
	case year >= 1800 && year < 1900:
		sign = '+'
	case year >= 1900 && year < 2000:
		sign = "-YXWVU"[(day+month+individual)%6]
	case year >= 2000 && year < 2100:
		sign = "ABCDEF"[(day+month+individual)%6]
	default:
		t.Fatalf("year %d has no century sign", year)
	}
	return identityCodeWithSign(day, month, year, individual, sign)
}

func identityCodeWithSign(day, month, year, individual int, sign byte) string {
	digits := fmt.Sprintf("%02d%02d%02d%03d", day, month, year%100, individual)
	var n int
	fmt.Sscanf(digits, "%d", &n)
	return digits[:6] + string(sign) + digits[6:] + string("0123456789ABCDEFHJKLMNPRSTUVWXY"[n%31])
}

func TestValidIdentityCodeLiterals(t *testing.T) {
	// Verified by hand: DDMMYYNNN mod 31 indexed into
	// 0123456789ABCDEFHJKLMNPRSTUVWXY.
	valid := []string{
		"131052-308T", // the well-known example: 131052308 = 31·4227493 + 25 → T
		"100190-999P", // DOMAIN.md: 100190999 = 31·3231967 + 22 → P
		"100190Y999P", // same digits, new 1900s sign: a different person
		"010594Y9021", // DVV's example for the new signs: 10594902 = 31·341771 + 1
		"010101A123N", // 10101123 = 31·325842 + 21 → N
		"290200A002C", // 29 Feb 2000 (leap: divisible by 400)
		"290204+5558", // 29 Feb 1804 (leap)
		"311299-999E", // temporary individual number 999
		"280264X873B",
		"010245+202C",
		"120517B8342",
		"240399V040R",
		"071000U222R",
		"311201C399T",
		"060606D606T",
		"290212E090A",
		"010110W480H",
		"150323F456R",
	}
	for _, s := range valid {
		if !ValidIdentityCode(s) {
			t.Errorf("ValidIdentityCode(%q) = false, want true", s)
		}
	}
}

func TestValidIdentityCodeEveryCenturySign(t *testing.T) {
	for _, sign := range []byte("+-YXWVUABCDEF") {
		year := map[byte]int{'+': 1850, 'A': 2005, 'B': 2012, 'C': 2023, 'D': 2024, 'E': 2030, 'F': 2099}[sign]
		if year == 0 {
			year = 1972
		}
		for _, individual := range []int{2, 123, 899, 900, 999} {
			code := identityCodeWithSign(28, 2, year, individual, sign)
			if !ValidIdentityCode(code) {
				t.Errorf("ValidIdentityCode(%q) = false, want true", code)
			}
		}
	}
}

func TestValidIdentityCodeRejects(t *testing.T) {
	tests := []struct{ code, why string }{
		{"131052-308A", "wrong check character"},
		{"131052-308U", "wrong check character"},
		{"131052-309T", "individual number changed"},
		{"131053-308T", "date changed"},
		{"131052-000V", "individual number 000"},
		{"131052-001W", "individual number 001"},
		{"310499-123R", "31 April"},
		{"290201A123J", "29 Feb 2001"},
		{"290200-002C", "29 Feb 1900 (not a leap year)"},
		{"290200+002C", "29 Feb 1800 (not a leap year)"},
		{"000199-123A", "day 0"},
		{"011399-123M", "month 13"},
		{"131052G308T", "unknown century sign"},
		{"131052Z308T", "unknown century sign"},
		{"131052-308t", "lower case check character (strict form)"},
		{"131052a308T", "lower case century sign (strict form)"},
		{"131052–308T", "en dash (strict form)"},
		{"131052-308", "too short"},
		{"131052-308TT", "too long"},
		{"1310523-308T", "too long"},
		{"13105x-308T", "letter in date"},
		{"131052-3x8T", "letter in individual number"},
		{"", "empty"},
	}
	for _, tt := range tests {
		if ValidIdentityCode(tt.code) {
			t.Errorf("ValidIdentityCode(%q) = true, want false (%s)", tt.code, tt.why)
		}
	}
}

// TestValidIdentityCodeAllDates walks every day of 1800–2099 and compares
// the date check with an independent calendar rule.
func TestValidIdentityCodeAllDates(t *testing.T) {
	for year := 1800; year < 2100; year++ {
		leap := year%4 == 0 && (year%100 != 0 || year%400 == 0)
		for month := 1; month <= 12; month++ {
			days := []int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[month-1]
			if month == 2 && leap {
				days = 29
			}
			for day := 1; day <= 32; day++ {
				code := identityCode(t, day, month, year, 417)
				if got, want := ValidIdentityCode(code), day <= days; got != want {
					t.Fatalf("ValidIdentityCode(%q) = %v, want %v", code, got, want)
				}
			}
		}
	}
}

func TestMaskIdentityCodes(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Hetu 131052-308T.", "Hetu [HETU]."},
		{"hetu131052-308T", "hetu[HETU]"},
		{"(131052-308T)", "([HETU])"},
		{"Lapsi 010594Y9021 ja äiti 100190-999P", "Lapsi [HETU] ja äiti [HETU]"},
		{"131052-308t", "[HETU]"},                       // lower case check character
		{"010101a123n", "[HETU]"},                       // lower case century sign
		{"131052–308T", "[HETU]"},                       // en dash from a word processor
		{"131052‑308T", "[HETU]"},                       // no-break hyphen
		{"311299-999E tilapäinen", "[HETU] tilapäinen"}, // temporary number
		{"131052-308T131052-308T", "[HETU][HETU]"},
		{"131052-308A", "131052-308A"}, // wrong check character: not a code
		{"310499-123R", "310499-123R"}, // impossible date
		{"290200-002C", "290200-002C"}, // 1900 was not a leap year
		{"131052-000V", "131052-000V"}, // individual number 000
		{"131052G308T", "131052G308T"}, // no such century sign
	}
	for _, tt := range tests {
		r := Mask(tt.in)
		if r.Text != tt.want {
			t.Errorf("Mask(%q).Text = %q, want %q", tt.in, r.Text, tt.want)
		}
		for _, f := range r.Findings {
			if f.Kind != IdentityCode {
				t.Errorf("Mask(%q): finding %v, want only identity codes", tt.in, f)
			}
		}
	}
}

func TestMaskIdentityCodeFindingOffsets(t *testing.T) {
	in := "Asiakas (hetu 131052–308T) soitti."
	r := Mask(in)
	if len(r.Findings) != 1 {
		t.Fatalf("findings = %v, want one", r.Findings)
	}
	f := r.Findings[0]
	if got := in[f.Start:f.End]; got != "131052–308T" {
		t.Errorf("finding covers %q", got)
	}
	if !strings.Contains(r.Text, "(hetu [HETU])") {
		t.Errorf("text = %q", r.Text)
	}
}
