package demo

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"math/rand/v2"

	"kuulu/internal/domain"
	"kuulu/internal/feedback"
	"kuulu/internal/privacy"
	"kuulu/internal/store"
)

var feedbackNow = time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)

// fakeUnits are the plan's units with made-up person ids, for tests of the
// generator without a database.
func fakeUnits() []fbUnit {
	p := newPlan(1)
	out := make([]fbUnit, len(p.units))
	for i, u := range p.units {
		gr := groupOf(units[i].kind)
		out[i] = fbUnit{id: int64(i + 1), slug: u.Slug, group: gr, weight: float64(units[i].staff) * gr.volume, supervisors: []int64{int64(100 + i)}}
		for j := range units[i].staff {
			out[i].staff = append(out[i].staff, int64(1000+100*i+j))
		}
	}
	return out
}

// phoneLike is a phone number as people write them; masked text must hold none.
var phoneLike = regexp.MustCompile(`(\+\d{3}|\b0\d{1,2})[ -]?\d{3}[ -]?\d{3,4}\b`)

// checkFeedback checks the invariants of generated (or stored) items and
// returns their counts.
func checkFeedback(t *testing.T, items []genItem, now time.Time, us []fbUnit) FeedbackCounts {
	t.Helper()
	byID := map[int64]*fbUnit{}
	for i := range us {
		byID[us[i].id] = &us[i]
	}
	errs := 0
	fail := func(it *feedback.Item, format string, args ...any) {
		if errs++; errs <= 20 {
			t.Errorf("item %s (%s %s %s): %s", it.Code, it.Channel, it.Kind, it.Status, fmt.Sprintf(format, args...))
		}
	}
	withIDs, withPhones, weekday, weekend := 0, 0, 0, 0
	for i := range items {
		it, events := &items[i].item, items[i].events
		u := byID[it.UnitID]
		if u == nil {
			fail(it, "unknown unit %d", it.UnitID)
			continue
		}
		if !it.ReceivedAt.Before(now) || it.ReceivedAt.Before(now.AddDate(-2, 0, 0)) {
			fail(it, "received %v, not in the two years before %v", it.ReceivedAt, now)
		}
		if wd := it.ReceivedAt.Weekday(); wd == time.Saturday || wd == time.Sunday {
			weekend++
		} else {
			weekday++
		}
		// Masking: no identity code anywhere in the masked text (every
		// 11-character window, so every token too), no phone, no e-mail.
		for j := 0; j+11 <= len(it.Masked); j++ {
			if privacy.ValidIdentityCode(it.Masked[j : j+11]) {
				fail(it, "identity code %q in masked text", it.Masked[j:j+11])
			}
		}
		if m := phoneLike.FindString(it.Masked); m != "" || strings.Contains(it.Masked, "@") || len(privacy.Mask(it.Masked).Findings) > 0 {
			fail(it, "personal data left in masked text %q", it.Masked)
		}
		if it.Original != "" {
			r := privacy.Mask(it.Original)
			withIDs += min(r.Count(privacy.IdentityCode), 1)
			withPhones += min(r.Count(privacy.Phone), 1)
			if r.Text != it.Masked || it.MaskCount != len(r.Findings) {
				fail(it, "masked text or count does not match the original")
			}
		}
		if (it.Face != nil) != (it.Channel == feedback.ChannelKiosk) || (it.Face != nil && (*it.Face < 1 || *it.Face > 5)) {
			fail(it, "face %v on channel %s", it.Face, it.Channel)
		}
		if it.Score != nil && (*it.Score < 0 || *it.Score > 10 || it.Channel != feedback.ChannelWeb) {
			fail(it, "score %d on channel %s", *it.Score, it.Channel)
		}
		// State.
		handler := it.HandlerID == 0 || slices.Contains(u.supervisors, it.HandlerID) || slices.Contains(u.staff, it.HandlerID)
		switch it.Status {
		case feedback.StatusReceived:
			if it.HandlerID != 0 || it.Reply != "" || it.ClosedAt != nil {
				fail(it, "received item with a handler, reply or closing")
			}
		case feedback.StatusInHandling:
			if it.HandlerID == 0 || it.Reply != "" {
				fail(it, "in handling without a handler or with a reply")
			}
		case feedback.StatusAnswered:
			if it.Reply == "" || it.AnsweredAt == nil || it.ClosedAt != nil {
				fail(it, "answered without reply or time")
			}
		case feedback.StatusClosed:
			if it.ClosedAt == nil || it.ClosedAt.After(now) {
				fail(it, "closed at %v", it.ClosedAt)
			}
		}
		if !handler {
			fail(it, "handler %d is not a person of unit %s", it.HandlerID, u.slug)
		}
		if it.Published() && (it.Reply == "" || it.Objection() || it.Class == feedback.ClassSafety || it.Status.Open() || it.PublishedAt.After(now)) {
			fail(it, "published without a reply, while open, or as an objection or safety concern")
		}
		if it.Objection() && !it.DueAt.Equal(it.ReceivedAt.AddDate(0, 0, 30)) {
			fail(it, "objection due %v, received %v", it.DueAt, it.ReceivedAt)
		}
		// History.
		if len(events) == 0 || events[0].Kind != feedback.EventReceived || !events[0].At.Equal(it.ReceivedAt) {
			fail(it, "history does not start with its receipt")
			continue
		}
		kinds := map[feedback.EventKind]int{}
		for j, e := range events {
			kinds[e.Kind]++
			if (j > 0 && e.At.Before(events[j-1].At)) || e.At.After(now) {
				fail(it, "event %s at %v out of order or in the future", e.Kind, e.At)
			}
			if !slices.Contains([]string{"client", "staff", "supervisor"}, e.ActorRole) || (e.ActorRole != "client" && e.ActorID == 0) {
				fail(it, "event %s by %q %d", e.Kind, e.ActorRole, e.ActorID)
			}
		}
		last := events[len(events)-1]
		if last.Status != it.Status || !it.UpdatedAt.Equal(last.At) {
			fail(it, "last event %s says %s at %v, item %s updated %v", last.Kind, last.Status, last.At, it.Status, it.UpdatedAt)
		}
		if (it.Reply != "") != (kinds[feedback.EventReply] == 1) || it.Published() != (kinds[feedback.EventPublish] == 1) ||
			(it.Status == feedback.StatusClosed) != (kinds[feedback.EventStatus] > 0 && slices.ContainsFunc(events, func(e feedback.Event) bool {
				return e.Kind == feedback.EventStatus && e.Status == feedback.StatusClosed
			})) {
			fail(it, "events %v do not match the state", kinds)
		}
		if it.Channel == feedback.ChannelStaff && (events[0].ActorRole != "staff" || events[0].ActorID != it.RecordedBy) {
			fail(it, "staff entry received by %q", events[0].ActorRole)
		}
	}
	c := countFeedback(items, now, 0)
	if withIDs < 50 || withPhones < 50 {
		t.Errorf("%d originals with identity codes and %d with phones; want some of each for masking to catch", withIDs, withPhones)
	}
	if perDay := float64(weekday) / 5 / (float64(weekend) / 2); perDay < 2 {
		t.Errorf("weekdays only %.1f× as busy as weekend days", perDay)
	}
	return c
}

// checkCounts checks the shape of the whole data set.
func checkCounts(t *testing.T, c FeedbackCounts) {
	t.Helper()
	t.Log(c)
	in := func(name string, v, lo, hi int) {
		if v < lo || v > hi {
			t.Errorf("%s = %d, want %d–%d", name, v, lo, hi)
		}
	}
	in("items", c.Items, 4900, 5100)
	in("received", c.Received, 20, 300)
	in("in handling", c.InHandling, 20, 300)
	in("answered", c.Answered, 50, 800)
	in("closed", c.Closed, 3500, 4900)
	in("web", c.Web, 1500, 3000)
	in("kiosk", c.Kiosk, 700, 2000)
	in("staff", c.Staff, 500, 1500)
	in("open311", c.Open311, 150, 700)
	in("praise", c.Praise, 2000, 3500)
	in("idea", c.Idea, 400, 1200)
	in("criticism", c.Criticism, 500, 1300)
	in("question", c.Question, 150, 600)
	in("accessibility", c.Accessibility, 2, 30)
	in("objections", c.Objections, 5, 80)
	in("safety concerns", c.Safety, 5, 80)
	in("published", c.Published, 100, 800)
	in("overdue", c.Overdue, 10, 250)
	in("replied", c.Replied, 1000, 3500)
	in("NPS", c.NPS, 50, 80)
	in("Swedish ‰", c.Swedish*1000/c.Items, 50, 110)
}

func TestGenerateFeedback(t *testing.T) {
	set := feedback.DefaultSettings()
	us := fakeUnits()
	a, err := generateFeedback(1, DefaultFeedbackItems, feedbackNow, set, us)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := generateFeedback(1, DefaultFeedbackItems, feedbackNow, set, us)
	if !reflect.DeepEqual(a, b) {
		t.Error("the same seed gave different feedback")
	}
	if c, _ := generateFeedback(2, DefaultFeedbackItems, feedbackNow, set, us); reflect.DeepEqual(a, c) {
		t.Error("seeds 1 and 2 gave the same feedback")
	}
	c := checkFeedback(t, a, feedbackNow, us)
	checkCounts(t, c)
	scores, detractors := 0, 0
	for _, x := range a {
		if x.item.Score != nil {
			scores++
			if *x.item.Score <= 6 {
				detractors++
			}
		}
	}
	if share := float64(detractors) / float64(scores); share < 0.08 || share > 0.16 {
		t.Errorf("%.1f %% of scores are 0–6, want about 12 %%", 100*share)
	}
	for _, i := range []int{0, len(a) / 2, len(a) - 1} {
		t.Logf("%s %s %s %s: %q → %q", a[i].item.ReceivedAt.Format(time.DateOnly), a[i].item.Channel, a[i].item.Kind, a[i].item.Status, a[i].item.Masked, a[i].item.Reply)
	}
}

// TestFakeIdentityCodes: the generator makes codes that pass the checksum,
// in every century.
func TestFakeIdentityCodes(t *testing.T) {
	g := &feedbackGen{rng: newTestRand()}
	signs := map[byte]bool{}
	for range 2000 {
		c := fakeIdentityCode(g.rng)
		if !privacy.ValidIdentityCode(c) {
			t.Fatalf("%s is not a valid identity code", c)
		}
		signs[c[6]] = true
		if p := fakePhone(g.rng); privacy.Mask(p).Count(privacy.Phone) != 1 {
			t.Fatalf("phone %q not recognised by masking", p)
		}
	}
	if !signs['-'] || !signs['A'] || len(signs) < 6 {
		t.Errorf("century signs %v", signs)
	}
}

// readFeedback reads every stored item with its history.
func readFeedback(t *testing.T, db *store.DB) []genItem {
	t.Helper()
	ctx := context.Background()
	var items []genItem
	err := db.Read(ctx, func(tx *store.Tx) error {
		pos := map[int64]int{}
		for off := 0; ; off += 1000 {
			page, total, err := tx.ListFeedback(ctx, store.FeedbackFilter{Limit: 1000, Offset: off, OldestFirst: true})
			if err != nil {
				return err
			}
			for _, it := range page {
				pos[it.ID] = len(items)
				items = append(items, genItem{item: it})
			}
			if off+1000 >= total {
				break
			}
		}
		err := query(ctx, tx, "SELECT id, body_original FROM feedback", func(s scanner) error {
			var id int64
			var original string
			err := s.Scan(&id, &original)
			items[pos[id]].item.Original = original
			return err
		})
		if err != nil {
			return err
		}
		return query(ctx, tx, "SELECT feedback_id, at, kind, status, COALESCE(actor_id, 0), actor_role, public, note FROM feedback_events ORDER BY feedback_id, at, id", func(s scanner) error {
			var e feedback.Event
			if err := s.Scan(&e.FeedbackID, &e.At, &e.Kind, &e.Status, &e.ActorID, &e.ActorRole, &e.Public, &e.Note); err != nil {
				return err
			}
			e.At = e.At.UTC()
			x := &items[pos[e.FeedbackID]]
			x.events = append(x.events, e)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return items
}

// TestLoadFeedback loads the demo into both databases and checks what was
// stored: the same invariants, the summary, and the same items for the
// same seed.
func TestLoadFeedback(t *testing.T) {
	first, second := store.TestDatabases(t), store.TestDatabases(t)
	for name := range first {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			open := func(u string) (*store.DB, Summary, time.Duration) {
				db := store.OpenTest(t, u)
				db.Clock = &domain.FixedClock{T: feedbackNow}
				start := time.Now()
				sum := load(t, db, Options{})
				return db, sum, time.Since(start)
			}
			db, sum, took := open(first[name])
			t.Logf("Load with feedback on %s took %v", name, took)
			items := readFeedback(t, db)
			var us []fbUnit
			if err := db.Read(ctx, func(tx *store.Tx) (err error) { us, err = feedbackUnits(ctx, tx, newPlan(1)); return err }); err != nil {
				t.Fatal(err)
			}
			c := checkFeedback(t, items, feedbackNow, us)
			c.Contacts = sum.Feedback.Contacts
			if c != sum.Feedback {
				t.Errorf("stored %v\nsummary %v", c, sum.Feedback)
			}
			checkCounts(t, c)

			var contacts, stale, unreplied, overdue int
			err := db.Read(ctx, func(tx *store.Tx) error {
				_, n, err := tx.ListFeedback(ctx, store.FeedbackFilter{Overdue: true, Now: feedbackNow, Limit: 1})
				overdue = n
				if err != nil {
					return err
				}
				return tx.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM feedback_contacts),
					(SELECT COUNT(*) FROM feedback_contacts c JOIN feedback f ON f.id = c.feedback_id WHERE f.closed_at < ?),
					(SELECT COUNT(*) FROM feedback f WHERE reply <> '' AND NOT EXISTS (SELECT 1 FROM feedback_events e WHERE e.feedback_id = f.id AND e.kind = 'replied'))`,
					feedbackNow.Add(-feedback.DefaultSettings().ContactRetention)).Scan(&contacts, &stale, &unreplied)
			})
			if err != nil {
				t.Fatal(err)
			}
			if contacts != sum.Feedback.Contacts || contacts < 50 || stale != 0 || unreplied != 0 || overdue != c.Overdue {
				t.Errorf("%d contacts (summary %d, %d past retention), %d replies without an event, %d overdue (counted %d)",
					contacts, sum.Feedback.Contacts, stale, unreplied, overdue, c.Overdue)
			}

			other, _, _ := open(second[name])
			again := readFeedback(t, other)
			if !reflect.DeepEqual(items, again) {
				for i := range min(len(items), len(again)) {
					if !reflect.DeepEqual(items[i], again[i]) {
						t.Fatalf("same seed, different items:\n%+v\n%+v", items[i].item, again[i].item)
					}
				}
				t.Fatalf("same seed: %d and %d items", len(items), len(again))
			}
		})
	}
}

// TestLoadWithoutFeedback: a negative FeedbackItems loads no feedback.
func TestLoadWithoutFeedback(t *testing.T) {
	store.EachDB(t, func(t *testing.T, db *store.DB) {
		if sum := load(t, db, Options{FeedbackItems: -1}); sum.Feedback != (FeedbackCounts{}) || sum.People == 0 {
			t.Errorf("summary %v", sum)
		}
		if n := len(readFeedback(t, db)); n != 0 {
			t.Errorf("%d items stored", n)
		}
	})
}

func newTestRand() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }
