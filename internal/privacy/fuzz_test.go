package privacy

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func FuzzMask(f *testing.F) {
	// Separators around the embedded identity code. None of them can be
	// part of a code, so no other match can swallow the code's first or
	// last character.
	separators := []string{" ", "\n", "\t", ",", ".", ";", ":", "(", ")", "\"", "/", "!", "?", "\u00a0", " – "}
	f.Add("", "", uint64(0), uint8(0))
	f.Add("Hetu", "kiitos", uint64(131052308), uint8(3))
	f.Add(benchmarkText[:200], benchmarkText[200:400], uint64(1<<40+12345), uint8(7))
	f.Add("soita 040 123 4567 tai", "matti@example.fi0401234567", uint64(99), uint8(1))
	f.Add("+358 (0)40 123", "45 67 (09) 1234 567", uint64(5), uint8(2))
	f.Add("2 050 000", "03-12-2024 00100", uint64(77), uint8(4))
	f.Add("x(at)y.fi[at]", "131052-308T0401234567", uint64(123456789), uint8(5))
	f.Add("\xff\xfe\x80", "ä\u2013ö", uint64(3), uint8(6))
	f.Fuzz(func(t *testing.T, before, after string, n uint64, sepChoice uint8) {
		checkMaskInvariants(t, before)
		checkMaskInvariants(t, before+after)

		code := fuzzIdentityCode(t, n)
		sepA := separators[int(sepChoice)%len(separators)]
		sepB := separators[int(sepChoice/16)%len(separators)]
		text := before + sepA + code + sepB + after
		r := checkMaskInvariants(t, text)
		start := len(before) + len(sepA)
		for _, fd := range r.Findings {
			if fd.Kind == IdentityCode && fd.Start == start && fd.End == start+len(code) {
				return
			}
		}
		t.Fatalf("identity code %q not masked in %q: %q %v", code, text, r.Text, r.Findings)
	})
}

// fuzzIdentityCode derives a valid identity code, sometimes in lower case,
// from n.
func fuzzIdentityCode(t *testing.T, n uint64) string {
	year := 1800 + int(n%300)
	n /= 300
	month := 1 + int(n%12)
	n /= 12
	day := 1 + int(n%28)
	n /= 28
	individual := 2 + int(n%998)
	n /= 998
	code := identityCode(t, day, month, year, individual)
	if !ValidIdentityCode(code) {
		t.Fatalf("test helper made an invalid code %q", code)
	}
	if n%4 == 1 {
		code = strings.ToLower(code)
	}
	return code
}

// TestMaskInvariantsTokenSoup glues together fragments that look like the
// data Mask looks for, with and without separators, to exercise the
// boundaries between findings far more often than random bytes would.
func TestMaskInvariantsTokenSoup(t *testing.T) {
	fragments := []string{
		"131052-308T", "131052-308t", "010594Y9021", "131052–308T", "131052-308A", "310499-123R",
		"040 123 4567", "0401234567", "+358 40 123 4567", "+358(0)40", "(09) 1234 567", "00358",
		"050", "000", "2", "12", "123", "4567", "2024", "03-12-2024", "1 200", "+",
		"matti@example.fi", "x(at)y.fi", "[at]", "@", ".", "-", "–", " ", "\u00a0", "(", ")", ",",
		"ä", "Z", "fi", "abc", "[HETU]", "[PUH]", "[EMAIL]", "]", "[", "\xff",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range 1 + rng.IntN(12) {
			b.WriteString(fragments[rng.IntN(len(fragments))])
		}
		checkMaskInvariants(t, b.String())
	}
}
