package feedback

import (
	"strings"
	"testing"
	"time"

	"kuulu/internal/domain"
)

func ip(i int) *int { return &i }

func TestSubmissionValidate(t *testing.T) {
	long := strings.Repeat("ä", MaxText+1)
	tests := []struct {
		name   string
		s      Submission
		fields []string
	}{
		{"ok text", Submission{UnitID: 1, Kind: KindIdea, Text: " Hyvä idea "}, nil},
		{"ok score only", Submission{UnitID: 1, Kind: KindPraise, Score: ip(10)}, nil},
		{"ok face only", Submission{UnitID: 1, Kind: KindPraise, Face: ip(3)}, nil},
		{"empty", Submission{UnitID: 1, Kind: KindIdea, Text: "   "}, []string{"text"}},
		{"too long", Submission{UnitID: 1, Kind: KindIdea, Text: long}, []string{"text"}},
		{"no unit, bad kind", Submission{Kind: "spam", Text: "x"}, []string{"unit", "kind"}},
		{"bad score", Submission{UnitID: 1, Kind: KindIdea, Score: ip(11)}, []string{"score"}},
		{"bad face", Submission{UnitID: 1, Kind: KindIdea, Face: ip(0), Text: "x"}, []string{"face"}},
		{"bad email", Submission{UnitID: 1, Kind: KindIdea, Text: "x", Contact: Contact{Email: "anna@"}}, []string{"email"}},
		{"email without dot", Submission{UnitID: 1, Kind: KindIdea, Text: "x", Contact: Contact{Email: "anna@localhost"}}, []string{"email"}},
		{"bad phone", Submission{UnitID: 1, Kind: KindIdea, Text: "x", Contact: Contact{Phone: "12ab"}}, []string{"phone"}},
		{"invalid utf8", Submission{UnitID: 1, Kind: KindIdea, Text: "a\xffb"}, []string{"text"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.s.Validate()
			e := domain.AsError(err)
			if tc.fields == nil {
				if err != nil {
					t.Fatalf("unexpected %v", err)
				}
				return
			}
			if e == nil || len(e.Fields) != len(tc.fields) {
				t.Fatalf("err = %v, want fields %v", err, tc.fields)
			}
			for _, f := range tc.fields {
				if _, ok := e.Fields[f]; !ok {
					t.Errorf("no error for %s: %v", f, e.Fields)
				}
			}
		})
	}
}

func TestNormalisePhone(t *testing.T) {
	for in, want := range map[string]string{
		"040 123 4567":     "+358401234567",
		"+358 40 123 4567": "+358401234567",
		"00358-40-1234567": "+358401234567",
		"(09) 123 4567":    "+35891234567",
		"+46 70 123 45 67": "+46701234567",
		"0401234567":       "+358401234567",
		"123":              "",
		"040 123":          "",
		"+0 12345678":      "",
		"040 123 4567 ext": "",
		"1234567890":       "",
	} {
		got, ok := NormalisePhone(in)
		if got != want || ok != (want != "") {
			t.Errorf("NormalisePhone(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestNewMasksAndSetsDue(t *testing.T) {
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	set := DefaultSettings()
	it := New(Submission{UnitID: 2, Channel: ChannelWeb, Kind: KindAccessibility, Text: "Lomake ei toimi, soita 0401234567", Lang: "sv",
		Contact: Contact{Phone: "+358401234567"}}, now, set)
	if it.Masked != "Lomake ei toimi, soita [PUH]" || it.Original == it.Masked || it.MaskCount != 1 {
		t.Errorf("masking: %+v", it)
	}
	if it.Class != ClassAccessibility || !it.DueAt.Equal(now.AddDate(0, 0, 14)) || !it.WantsReply || it.Status != StatusReceived {
		t.Errorf("item = %+v", it)
	}
	if d := set.DueAt(now, KindCriticism, ClassObjection); !d.Equal(now.AddDate(0, 0, 30)) {
		t.Errorf("objection due %v", d)
	}
	if !(&Item{Status: StatusInHandling, DueAt: now}).Overdue(now.Add(time.Second)) || (&Item{Status: StatusAnswered, DueAt: now}).Overdue(now.Add(time.Hour)) {
		t.Error("Overdue")
	}
}

func TestStatusFlowAndPublication(t *testing.T) {
	ok := [][2]Status{{StatusReceived, StatusInHandling}, {StatusInHandling, StatusAnswered}, {StatusReceived, StatusAnswered},
		{StatusAnswered, StatusClosed}, {StatusReceived, StatusClosed}, {StatusAnswered, StatusInHandling}}
	for _, p := range ok {
		if !CanMoveTo(p[0], p[1]) {
			t.Errorf("%s → %s refused", p[0], p[1])
		}
	}
	bad := [][2]Status{{StatusClosed, StatusClosed}, {StatusInHandling, StatusReceived}, {StatusClosed, "bogus"}}
	for _, p := range bad {
		if CanMoveTo(p[0], p[1]) {
			t.Errorf("%s → %s allowed", p[0], p[1])
		}
	}
	if ok, _ := CanPublish(&Item{Class: ClassObjection, Reply: "x", Masked: "y"}); ok {
		t.Error("objection publishable")
	}
	if ok, _ := CanPublish(&Item{Reply: "", Masked: "y"}); ok {
		t.Error("unanswered publishable")
	}
	if ok, _ := CanPublish(&Item{Reply: "x", Masked: "y"}); !ok {
		t.Error("answered item not publishable")
	}
}
