package trackcode

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
)

// Known answers. By hand: α⁵ = α²+1, so α¹⁰ = α⁴+1 = 17 = 'H', and a 1 in
// the first position has weight α = 2. The others were checked with an
// independent log-table implementation of GF(32).
func TestKnownCheckSymbols(t *testing.T) {
	for _, s := range []string{"00000000000", "0000000001H", "10000000002", "ZZZZZZZZZZ4", "K7QM4XZ29P6"} {
		if _, err := Parse(s); err != nil {
			t.Errorf("Parse(%q) = %v, want a code", s, err)
		}
	}
}

func TestNewFromDeterministic(t *testing.T) {
	tests := []struct {
		random []byte
		want   string
	}{
		{[]byte{0, 0, 0, 0, 0, 0, 0, 0}, "00000000000"},
		{[]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, "ZZZZZZZZZZ4"},
		{[]byte{0xff, 0xfc, 0, 0, 0, 0, 0, 1}, "0000000001H"}, // only the low 50 bits count
	}
	for _, tt := range tests {
		c, err := NewFrom(bytes.NewReader(tt.random))
		if err != nil {
			t.Fatal(err)
		}
		if c.String() != tt.want {
			t.Errorf("NewFrom(%x) = %s, want %s", tt.random, c, tt.want)
		}
	}
}

func TestNewFromShortReader(t *testing.T) {
	if _, err := NewFrom(bytes.NewReader([]byte{1, 2, 3})); err == nil {
		t.Fatal("NewFrom with 3 bytes succeeded")
	}
}

var displayForm = regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{3}$`)

func TestNewRoundTrip(t *testing.T) {
	seen := make(map[Code]bool)
	var symbols [dataLen]map[byte]bool
	for i := range symbols {
		symbols[i] = make(map[byte]bool)
	}
	for range 5000 {
		c, err := New()
		if err != nil {
			t.Fatal(err)
		}
		if seen[c] {
			t.Fatalf("duplicate code %s", c)
		}
		seen[c] = true
		if len(c.String()) != Len || !displayForm.MatchString(c.Display()) {
			t.Fatalf("bad forms %q %q", c.String(), c.Display())
		}
		for _, s := range []string{c.String(), c.Display(), strings.ToLower(c.Display()), " " + c.Display() + " "} {
			got, err := Parse(s)
			if err != nil || got != c {
				t.Fatalf("Parse(%q) = %v, %v; want %v", s, got, err, c)
			}
		}
		for i := range dataLen {
			symbols[i][c.String()[i]] = true
		}
	}
	// With 5,000 codes every symbol should have appeared in every data
	// position (a missing one would point at lost random bits).
	for i, m := range symbols {
		if len(m) != 32 {
			t.Errorf("position %d saw %d of 32 symbols", i, len(m))
		}
	}
}

func TestParseAliasesAndSeparators(t *testing.T) {
	c, err := Parse("10000000002")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		"1000-0000-002",
		"1OOO-oooo-oo2", // O and o for 0
		"iOOO 0000 002", // I for 1
		"lOOO 0000 002", // l for 1
		"L000–0000–002", // en dashes
		"1 0 0 0 0 0 0 0 0 0 2",
		"\t1000\u00a00000\u00a0002 ",
	} {
		got, err := Parse(s)
		if err != nil || got != c {
			t.Errorf("Parse(%q) = %v, %v; want %v", s, got, err, c)
		}
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"", ErrLength},
		{"----", ErrLength},
		{"1000000000", ErrLength},             // check symbol missing
		{"100000000020", ErrLength},           // one too many
		{strings.Repeat(" ", 100), ErrLength}, // too long to look at
		{"1000000000U", ErrCharacter},         // U is not a symbol
		{"100000000*2", ErrCharacter},         // nor are Crockford's mod-37 check symbols
		{"1000_0000_002", ErrCharacter},
		{"1000.0000.002", ErrCharacter},
		{"1000-0000-00ä", ErrCharacter},
		{"10000000003", ErrChecksum},
		{"20000000002", ErrChecksum},
	}
	for _, tt := range tests {
		c, err := Parse(tt.in)
		if !errors.Is(err, tt.want) || !c.IsZero() {
			t.Errorf("Parse(%q) = %v, %v; want %v", tt.in, c, err, tt.want)
		}
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q) error %T is not *ParseError", tt.in, err)
		}
	}
	_, err := Parse("1000-0000-0U2")
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Offset != 11 || pe.Char != 'U' || !strings.Contains(err.Error(), `'U'`) {
		t.Errorf("error = %#v", err)
	}
}

// TestCheckSymbolCatchesTypos tries every single wrong symbol and every
// swap of two different symbols on a sample of codes.
func TestCheckSymbolCatchesTypos(t *testing.T) {
	for seed := range 200 {
		c, err := NewFrom(bytes.NewReader([]byte{byte(seed), 0x5a, byte(seed * 7), 0x13, byte(seed * 31), 0xc4, byte(seed * 101), 0x7e}))
		if err != nil {
			t.Fatal(err)
		}
		s := c.String()
		for i := range Len {
			for j := range len(alphabet) {
				if alphabet[j] == s[i] {
					continue
				}
				typo := s[:i] + alphabet[j:j+1] + s[i+1:]
				if _, err := Parse(typo); !errors.Is(err, ErrChecksum) {
					t.Fatalf("substitution %s → %s not caught: %v", s, typo, err)
				}
			}
			for k := i + 1; k < Len; k++ {
				if s[i] == s[k] {
					continue
				}
				b := []byte(s)
				b[i], b[k] = b[k], b[i]
				if _, err := Parse(string(b)); !errors.Is(err, ErrChecksum) {
					t.Fatalf("swap %s → %s not caught: %v", s, b, err)
				}
			}
		}
	}
}

func TestZeroCode(t *testing.T) {
	var c Code
	if !c.IsZero() || c.String() != "" || c.Display() != "" {
		t.Errorf("zero code: %q %q", c.String(), c.Display())
	}
	if _, err := c.MarshalText(); err == nil {
		t.Error("MarshalText of the zero code succeeded")
	}
}

func TestJSON(t *testing.T) {
	c, err := Parse("1000-0000-002")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(struct{ Code Code }{c})
	if err != nil || string(b) != `{"Code":"10000000002"}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var v struct{ Code Code }
	if err := json.Unmarshal([]byte(`{"Code":"1000-0000-002"}`), &v); err != nil || v.Code != c {
		t.Fatalf("Unmarshal = %v, %v", v.Code, err)
	}
	if err := json.Unmarshal([]byte(`{"Code":"1000-0000-003"}`), &v); !errors.Is(err, ErrChecksum) {
		t.Fatalf("Unmarshal of a typo = %v", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "10000000002", "1000-0000-002", "looo oooo oo2", "K7QM-4XZ2-9P6", "ZZZZZZZZZZ4", "1000000000U", "\xff\xfe", "ä-ö"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse(s)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || !c.IsZero() {
				t.Fatalf("Parse(%q) = %v, %#v", s, c, err)
			}
			if !errors.Is(err, ErrLength) && !errors.Is(err, ErrCharacter) && !errors.Is(err, ErrChecksum) {
				t.Fatalf("Parse(%q): unknown error %v", s, err)
			}
			return
		}
		if len(c.String()) != Len || !displayForm.MatchString(c.Display()) {
			t.Fatalf("Parse(%q) = %q / %q", s, c.String(), c.Display())
		}
		for _, form := range []string{c.String(), c.Display(), strings.ToLower(c.String())} {
			if again, err := Parse(form); err != nil || again != c {
				t.Fatalf("Parse(%q) = %v, %v; want %v", form, again, err, c)
			}
		}
	})
}
