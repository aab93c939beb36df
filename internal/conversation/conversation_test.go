package conversation

import (
	"testing"
	"time"

	"kuulu/internal/domain"
)

func TestStateAndValidate(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	end := now.Add(24 * time.Hour)
	c := Conversation{Slug: "terveysasemat-2026", Topic: domain.Text{FI: "Terveysasemien palvelut"}, Moderation: ModeratePre,
		Identification: Anonymous, OpensAt: now.Add(-time.Hour), ClosesAt: &end}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.StateAt(now) != StateOpen || c.StateAt(now.Add(-2*time.Hour)) != StateUpcoming || c.StateAt(end) != StateClosed {
		t.Error("states")
	}
	if c.ReportVisible(now) || !c.ReportVisible(end) {
		t.Error("report visibility")
	}
	bad := Conversation{Slug: "Bad slug", Moderation: "x", Identification: "y", OpensAt: now, ClosesAt: &now}
	e := domain.AsError(bad.Validate())
	for _, f := range []string{"slug", "topic_fi", "moderation", "identification", "closes_at"} {
		if _, ok := e.Fields[f]; !ok {
			t.Errorf("no error for %s", f)
		}
	}
}

func TestStatementText(t *testing.T) {
	s, err := NewStatementText("  Soita  minulle 040 123 4567 ")
	if err != nil || s != "Soita minulle [PUH]" {
		t.Errorf("got %q %v", s, err)
	}
	if _, err := NewStatementText("   "); err == nil {
		t.Error("empty accepted")
	}
	long := make([]byte, MaxStatement+1)
	for i := range long {
		long[i] = 'a'
	}
	if _, err := NewStatementText(string(long)); err == nil {
		t.Error("too long accepted")
	}
}

func TestNearDuplicates(t *testing.T) {
	existing := []Statement{{ID: 1, Text: "Ajanvaraus puhelimella on liian hidasta."}, {ID: 2, Text: "Pysäköintipaikkoja tarvitaan lisää."}}
	got := NearDuplicates("ajanvaraus puhelimella on hidasta", existing, 3)
	if len(got) != 1 || got[0].ID != 1 {
		t.Errorf("near duplicates = %+v", got)
	}
	if got := NearDuplicates("Kirjasto on hyvä", existing, 3); len(got) != 0 {
		t.Errorf("unrelated matched: %+v", got)
	}
}

func TestPriorityAndNext(t *testing.T) {
	fresh := Statement{ID: 1}
	worn := Statement{ID: 2, Agrees: 40, Disagrees: 40, Passes: 20}
	if Priority(fresh, 0) <= Priority(worn, 0) {
		t.Error("a new statement should come before a much-voted one")
	}
	if Priority(Statement{ID: 3, Seed: true}, 0) <= Priority(fresh, 0) {
		t.Error("seed statements come early")
	}
	if Priority(Statement{Meta: true}, 0) != 7 {
		t.Error("meta priority")
	}
	cands := []Statement{fresh, worn}
	counts := map[int64]int{}
	for i := 0; i < 1000; i++ {
		s, ok := Next(cands, nil, float64(i)/1000)
		if !ok {
			t.Fatal("nothing picked")
		}
		counts[s.ID]++
	}
	if counts[1] <= counts[2] {
		t.Errorf("picks = %v", counts)
	}
	if _, ok := Next(nil, nil, 0.5); ok {
		t.Error("picked from nothing")
	}
}
