package demo

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"kuulu/internal/domain"
	"kuulu/internal/feedback"
	"kuulu/internal/privacy"
	"kuulu/internal/store"
	"kuulu/internal/trackcode"
)

// DefaultFeedbackItems is how many feedback items the demo has, spread over
// the two years before the database clock's now.
const DefaultFeedbackItems = 5000

// channels are the channels in the order of group.channels.
var channels = [4]feedback.Channel{feedback.ChannelWeb, feedback.ChannelKiosk, feedback.ChannelStaff, feedback.ChannelOpen311}

// group is a kind of unit as its feedback goes: what its clients talk about,
// and through which channels (weights in the order of channels).
type group struct {
	topics   []*topic
	weights  []float64 // of the topics
	channels [4]float64
	volume   float64 // feedback per staff member, relative
	care     bool    // formal objections and safety concerns occur
}

var (
	gHealth    = &group{[]*topic{tPhone, tBooking, tQueue, tDoctor, tNurse, tInfo, tPremises}, []float64{3, 3, 2, 2, 2, 2, 1}, [4]float64{40, 35, 15, 10}, 1.0, true}
	gEmergency = &group{[]*topic{tQueue, tNurse, tDoctor, tInfo, tPremises}, []float64{4, 2, 2, 2, 1}, [4]float64{45, 35, 10, 10}, 1.3, true}
	gDental    = &group{[]*topic{tBooking, tPhone, tDental, tQueue}, []float64{3, 2, 3, 1}, [4]float64{45, 35, 10, 10}, 1.0, true}
	gHomeCare  = &group{[]*topic{tStaffChange, tRush, tKindness, tRelatives, tInfo}, []float64{3, 3, 3, 2, 1}, [4]float64{50, 0, 40, 10}, 0.7, true}
	gHousing   = &group{[]*topic{tKindness, tLiving, tRelatives, tRush}, []float64{3, 3, 2, 2}, [4]float64{35, 20, 40, 5}, 0.7, true}
	gFamily    = &group{[]*topic{tClinic, tBooking, tPhone, tInfo, tTrust}, []float64{3, 2, 1, 1, 1}, [4]float64{55, 15, 25, 5}, 0.9, true}
	gSocial    = &group{[]*topic{tReach, tDecision, tTrust, tInfo}, []float64{3, 3, 3, 1}, [4]float64{60, 0, 30, 10}, 0.6, true}
	gMental    = &group{[]*topic{tAccess, tTherapist, tTrust, tPhone, tInfo}, []float64{3, 2, 2, 1, 1}, [4]float64{60, 0, 35, 5}, 0.6, true}
	gRescue    = &group{[]*topic{tInspection, tRescue}, []float64{1, 1}, [4]float64{70, 0, 20, 10}, 0.35, false}
)

// groupOf maps a unit kind to its feedback group.
func groupOf(k *kind) *group {
	switch k {
	case emergency:
		return gEmergency
	case dental:
		return gDental
	case homeCare:
		return gHomeCare
	case serviceHousing:
		return gHousing
	case childClinic, familyCentre:
		return gFamily
	case adultSocial, childWelfare:
		return gSocial
	case mentalHealth, substanceAbuse:
		return gMental
	case fireStation:
		return gRescue
	}
	return gHealth
}

// fbUnit is a unit with the people who handle its feedback.
type fbUnit struct {
	id          int64
	slug        string
	group       *group
	weight      float64
	supervisors []int64 // at least one
	staff       []int64
}

// genItem is one generated item with its contact details and history.
type genItem struct {
	item    feedback.Item
	contact feedback.Contact
	events  []feedback.Event
}

// feedbackGen draws the demo feedback. Everything comes from rng (and the
// tracking codes from codes), in a fixed order, so that the same seed, clock
// and units always give the same items.
type feedbackGen struct {
	rng      *rand.Rand
	codes    io.Reader
	used     map[string]bool
	now      time.Time
	set      feedback.Settings
	units    []fbUnit
	unitW    []float64
	dayW     []float64
	firstDay time.Time
}

// generateFeedback makes n items for units over the two years before now,
// ordered by the time they were received. It does no I/O.
func generateFeedback(seed int64, n int, now time.Time, set feedback.Settings, units []fbUnit) ([]genItem, error) {
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], uint64(seed))
	copy(key[8:], "kuulu demo tracking codes")
	g := &feedbackGen{rng: rand.New(rand.NewPCG(uint64(seed), 0x6b75756c752d6662)), codes: rand.NewChaCha8(key),
		used: map[string]bool{}, now: now, set: set, units: units}
	for _, u := range units {
		g.unitW = append(g.unitW, u.weight)
	}
	// Daily volume: weekdays busier than weekends, less in the July holidays
	// and at Christmas, more in the flu season, and growing as the county
	// puts QR posters and kiosks in more units.
	weekday := [7]float64{0.35, 1.3, 1.2, 1.15, 1.1, 0.95, 0.4} // Sunday first
	month := [12]float64{1.15, 1.1, 1.05, 1.0, 0.95, 0.8, 0.55, 0.9, 1.1, 1.1, 1.05, 0.8}
	g.firstDay = now.Truncate(24*time.Hour).AddDate(0, 0, -730)
	for d := range 731 {
		date := g.firstDay.AddDate(0, 0, d)
		g.dayW = append(g.dayW, weekday[date.Weekday()]*month[date.Month()-1]*(0.7+0.6*float64(d)/730))
	}
	out := make([]genItem, 0, n)
	for range n {
		x, err := g.item()
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	slices.SortStableFunc(out, func(a, b genItem) int { return a.item.ReceivedAt.Compare(b.item.ReceivedAt) })
	return out, nil
}

func (g *feedbackGen) weighted(w []float64) int {
	total := 0.0
	for _, x := range w {
		total += x
	}
	r := g.rng.Float64() * total
	for i, x := range w {
		if r < x {
			return i
		}
		r -= x
	}
	return len(w) - 1
}

func (g *feedbackGen) pick(p phrases, sv bool) string {
	if sv && len(p.sv) > 0 {
		return p.sv[g.rng.IntN(len(p.sv))]
	}
	return p.fi[g.rng.IntN(len(p.fi))]
}

func (g *feedbackGen) chance(p float64) bool { return g.rng.Float64() < p }

// between returns a duration in [lo, hi) rounded to seconds.
func (g *feedbackGen) between(lo, hi time.Duration) time.Duration {
	return (lo + time.Duration(g.rng.Int64N(int64(hi-lo)))).Truncate(time.Second)
}

// receivedAt draws when an item came in: the day by the daily volume, the
// hour of Finnish time (UTC+2; summer time ignored) by channel: kiosks and
// staff in office hours, the web form in the evening too.
func (g *feedbackGen) receivedAt(ch feedback.Channel) time.Time {
	hours := []float64{1, 0.5, 0.3, 0.3, 0.5, 1, 3, 6, 9, 10, 9, 8, 8, 8, 7, 6, 5, 5, 6, 7, 7, 6, 4, 2}
	if ch == feedback.ChannelKiosk || ch == feedback.ChannelStaff {
		hours = []float64{0, 0, 0, 0, 0, 0, 0, 1, 6, 8, 8, 7, 6, 7, 6, 4, 1, 0, 0, 0, 0, 0, 0, 0}
	}
	for {
		t := g.firstDay.AddDate(0, 0, g.weighted(g.dayW)).Add(time.Duration(g.weighted(hours)-2)*time.Hour + g.between(0, time.Hour))
		if t.Before(g.now) && t.After(g.now.AddDate(-2, 0, 0)) {
			return t
		}
	}
}

// scoreDist is the recommendation score (0–10) as counties report it:
// mostly 9–10, about 12 % detractors, NPS around +60.
var scoreDist = []float64{2, 0.7, 0.8, 1, 1.5, 3, 3, 6, 10, 20, 52}

// faceDist is the kiosk face (1–5).
var faceDist = []float64{6, 6, 11, 22, 55}

// item draws one item.
func (g *feedbackGen) item() (genItem, error) {
	u := &g.units[g.weighted(g.unitW)]
	ch := channels[g.weighted(u.group.channels[:])]
	sv := g.chance(0.08)
	sub := feedback.Submission{UnitID: u.id, Channel: ch, Lang: "fi"}
	if sv {
		sub.Lang = "sv"
	}
	tp := u.group.topics[g.weighted(u.group.weights)]
	var special feedback.Class
	switch ch {
	case feedback.ChannelKiosk:
		face := 1 + g.weighted(faceDist)
		sub.Face = &face
		sub.Kind = []feedback.Kind{feedback.KindCriticism, feedback.KindCriticism, feedback.KindIdea, feedback.KindPraise, feedback.KindPraise}[face-1]
		if g.chance(0.4) {
			sub.Text = g.pick(kioskTexts[[]int{0, 0, 1, 2, 2}[face-1]], sv)
		}
		tp = tQueue // what kiosk texts are about, for the reply
	case feedback.ChannelWeb:
		sub.Kind = feedback.KindPraise
		switch {
		case g.chance(0.004):
			sub.Kind, sub.Text = feedback.KindAccessibility, g.pick(accessibilityTexts, sv)
		case g.chance(0.87):
			s := g.weighted(scoreDist)
			sub.Score = &s
			sub.Kind = g.kindFor(s)
		default:
			sub.Kind = g.kindFor(-1)
		}
	case feedback.ChannelStaff:
		sub.Kind = []feedback.Kind{feedback.KindIdea, feedback.KindPraise, feedback.KindCriticism, feedback.KindQuestion}[g.weighted([]float64{45, 30, 15, 10})]
		sub.RecordedBy = g.person(u.staff, u.supervisors)
	case feedback.ChannelOpen311:
		sub.Kind = []feedback.Kind{feedback.KindCriticism, feedback.KindIdea, feedback.KindQuestion, feedback.KindPraise}[g.weighted([]float64{40, 30, 20, 10})]
		sub.ServiceCode = string(sub.Kind) // Open311 service codes are the kinds (docs/open311.md)
	}
	t := map[feedback.Kind]tone{feedback.KindPraise: tonePraise, feedback.KindCriticism: toneCriticism, feedback.KindIdea: toneIdea, feedback.KindQuestion: toneQuestion}[sub.Kind]
	if sub.Kind == feedback.KindCriticism && u.group.care && ch != feedback.ChannelKiosk {
		switch r := g.rng.Float64(); {
		case r < 0.04:
			special, sub.Text = feedback.ClassObjection, g.pick(objectionTexts, sv)
		case r < 0.07:
			special, sub.Text = feedback.ClassSafety, g.pick(safetyTexts, sv)
		}
	}
	if sub.Text == "" && ch != feedback.ChannelKiosk {
		sub.Text = g.compose(u.group, tp, t, sv, ch == feedback.ChannelStaff)
	}
	if ch != feedback.ChannelKiosk {
		sub.Text = g.personalData(sub.Text, t, sv)
		sub.Contact = g.contact(sub.Kind, special, ch)
	}
	if err := sub.Validate(); err != nil {
		return genItem{}, fmt.Errorf("demo feedback %q: %w", sub.Text, err)
	}
	x := genItem{item: feedback.New(sub, g.receivedAt(ch), g.set), contact: sub.Contact}
	for {
		c, err := trackcode.NewFrom(g.codes)
		if err != nil {
			return x, err
		}
		if !g.used[c.String()] {
			g.used[c.String()] = true
			x.item.Code = c.String()
			break
		}
	}
	g.handle(&x, u, tp, t, special)
	return x, nil
}

// kindFor draws a kind that fits a score (-1: no score given).
func (g *feedbackGen) kindFor(score int) feedback.Kind {
	kinds := []feedback.Kind{feedback.KindPraise, feedback.KindIdea, feedback.KindQuestion, feedback.KindCriticism}
	switch {
	case score < 0:
		return kinds[g.weighted([]float64{55, 20, 10, 15})]
	case score >= 9:
		return kinds[g.weighted([]float64{85, 10, 5, 0})]
	case score >= 7:
		return kinds[g.weighted([]float64{25, 40, 20, 15})]
	}
	return kinds[g.weighted([]float64{0, 5, 10, 85})]
}

func (g *feedbackGen) person(first, second []int64) int64 {
	if len(first) > 0 {
		return first[g.rng.IntN(len(first))]
	}
	return second[g.rng.IntN(len(second))]
}

// FeedbackCounts tells what the demo feedback generator wrote.
type FeedbackCounts struct {
	Items                                            int
	Received, InHandling, Answered, Closed           int
	Web, Kiosk, Staff, Open311                       int
	Praise, Idea, Criticism, Question, Accessibility int
	// Objections are formal objections (muistutus), Safety patient or
	// client safety concerns (both by the handler's classification).
	Objections, Safety int
	Replied, Published int
	Overdue            int // open and past due at the database clock's now
	Swedish            int
	Contacts, Events   int
	Scores             int // items with a recommendation score
	NPS                int // net promoter score of those, −100…100
}

// String describes the counts in one line.
func (c FeedbackCounts) String() string {
	return fmt.Sprintf("%d feedback items (received %d, in handling %d, answered %d, closed %d; web %d, kiosk %d, staff %d, open311 %d; "+
		"praise %d, idea %d, criticism %d, question %d, accessibility %d; %d objections, %d safety concerns, %d replied, %d published, "+
		"%d overdue, %d in Swedish, %d contacts, %d events; NPS %+d from %d scores)",
		c.Items, c.Received, c.InHandling, c.Answered, c.Closed, c.Web, c.Kiosk, c.Staff, c.Open311,
		c.Praise, c.Idea, c.Criticism, c.Question, c.Accessibility, c.Objections, c.Safety, c.Replied, c.Published,
		c.Overdue, c.Swedish, c.Contacts, c.Events, c.NPS, c.Scores)
}

// countFeedback counts generated items; contacts are those stored.
func countFeedback(items []genItem, now time.Time, contacts int) FeedbackCounts {
	c := FeedbackCounts{Items: len(items), Contacts: contacts}
	promoters, detractors := 0, 0
	for i := range items {
		it := &items[i].item
		c.Events += len(items[i].events)
		*map[feedback.Status]*int{feedback.StatusReceived: &c.Received, feedback.StatusInHandling: &c.InHandling,
			feedback.StatusAnswered: &c.Answered, feedback.StatusClosed: &c.Closed}[it.Status]++
		*map[feedback.Channel]*int{feedback.ChannelWeb: &c.Web, feedback.ChannelKiosk: &c.Kiosk, feedback.ChannelStaff: &c.Staff,
			feedback.ChannelOpen311: &c.Open311}[it.Channel]++
		*map[feedback.Kind]*int{feedback.KindPraise: &c.Praise, feedback.KindIdea: &c.Idea, feedback.KindCriticism: &c.Criticism,
			feedback.KindQuestion: &c.Question, feedback.KindAccessibility: &c.Accessibility}[it.Kind]++
		switch it.Class {
		case feedback.ClassObjection:
			c.Objections++
		case feedback.ClassSafety:
			c.Safety++
		}
		if it.Reply != "" {
			c.Replied++
		}
		if it.Published() {
			c.Published++
		}
		if it.Overdue(now) {
			c.Overdue++
		}
		if it.Lang == "sv" {
			c.Swedish++
		}
		if it.Score != nil {
			c.Scores++
			if *it.Score >= 9 {
				promoters++
			} else if *it.Score <= 6 {
				detractors++
			}
		}
	}
	if c.Scores > 0 {
		c.NPS = int(math.Round(100 * float64(promoters-detractors) / float64(c.Scores)))
	}
	return c
}

const day = 24 * time.Hour

// handle moves an item through its handling up to now, with a history event
// for each step: triage by a supervisor of the unit, a named handler (the
// supervisor or a staff member), a reply, closing, sometimes publication.
// Kiosk faces and some praise are closed straight away. Some items stall,
// mostly recent ones, and so are overdue, as in real inboxes.
func (g *feedbackGen) handle(x *genItem, u *fbUnit, tp *topic, t tone, special feedback.Class) {
	it := &x.item
	add := func(at time.Time, k feedback.EventKind, st feedback.Status, actor int64, role string, public bool, note string) {
		x.events = append(x.events, feedback.Event{At: at, Kind: k, Status: st, ActorID: actor, ActorRole: role, Public: public, Note: note})
	}
	role := "client"
	if it.Channel == feedback.ChannelStaff {
		role = "staff"
	}
	add(it.ReceivedAt, feedback.EventReceived, feedback.StatusReceived, it.RecordedBy, role, true, "")
	defer func() {
		slices.SortStableFunc(x.events, func(a, b feedback.Event) int { return a.At.Compare(b.At) })
		it.UpdatedAt = x.events[len(x.events)-1].At
	}()

	sup := u.supervisors[g.rng.IntN(len(u.supervisors))]
	class := special
	if class == feedback.ClassNone {
		class = feedback.Class(it.Kind) // the giver's kinds are classes too
	}
	stall := g.chance(0.004)
	if g.now.Sub(it.ReceivedAt) < 90*day {
		stall = g.chance(0.10)
	}
	p := map[feedback.Kind]float64{feedback.KindPraise: 0.3, feedback.KindIdea: 0.8, feedback.KindCriticism: 0.85, feedback.KindQuestion: 0.9, feedback.KindAccessibility: 1}[it.Kind]
	if it.Channel == feedback.ChannelKiosk {
		p /= 3
	}
	needsReply := g.chance(p) || it.WantsReply || special != feedback.ClassNone
	closeItem := func(at time.Time, actor int64, role string) {
		if !at.After(g.now) {
			it.Status, it.ClosedAt = feedback.StatusClosed, &at
			add(at, feedback.EventStatus, feedback.StatusClosed, actor, role, true, "")
		}
	}

	if it.Masked == "" || (!needsReply && g.chance(0.5)) {
		at := it.ReceivedAt.Add(g.between(time.Hour, 7*day))
		if !stall && !at.After(g.now) {
			it.Class = class
			add(at, feedback.EventClass, feedback.StatusReceived, sup, "supervisor", false, "")
			closeItem(at, sup, "supervisor")
		}
		return
	}
	triaged := it.ReceivedAt.Add(g.between(time.Hour, 3*day))
	if triaged.After(g.now) || (stall && g.chance(0.4)) {
		return
	}
	handler, hrole := sup, "supervisor"
	if len(u.staff) > 0 && g.chance(0.4) {
		handler, hrole = u.staff[g.rng.IntN(len(u.staff))], "staff"
	}
	it.Class, it.HandlerID, it.Status = class, handler, feedback.StatusInHandling
	add(triaged, feedback.EventClass, feedback.StatusReceived, sup, "supervisor", false, "")
	if class == feedback.ClassObjection {
		it.DueAt = g.set.DueAt(it.ReceivedAt, it.Kind, class)
		add(triaged, feedback.EventDueDate, feedback.StatusReceived, sup, "supervisor", false,
			fmt.Sprintf("Muistutus: kirjallinen vastaus %d päivän kuluessa.", g.set.ObjectionDays))
	}
	add(triaged, feedback.EventAssigned, feedback.StatusReceived, sup, "supervisor", false, "")
	add(triaged, feedback.EventStatus, feedback.StatusInHandling, sup, "supervisor", true, "")
	if stall {
		return
	}
	if !needsReply {
		closeItem(triaged.Add(g.between(time.Hour, 5*day)), handler, hrole)
		return
	}

	// Most replies come well before the due date, some late.
	left := it.DueAt.Sub(triaged)
	delay := min(time.Duration(g.rng.ExpFloat64()*float64(4*day)).Truncate(time.Second)+time.Hour, left-time.Hour)
	if g.chance(0.1) {
		delay = left + g.between(time.Hour, 20*day)
	}
	replied := triaged.Add(max(delay, time.Hour))
	if replied.After(g.now) {
		return
	}
	it.Reply = privacy.Mask(g.reply(it, tp, t, special)).Text
	it.RepliedBy, it.AnsweredAt, it.Status = handler, &replied, feedback.StatusAnswered
	add(replied, feedback.EventReply, feedback.StatusAnswered, handler, hrole, true, "")

	closeAt := replied.Add(g.between(time.Hour, 14*day))
	closing := g.chance(0.93)
	pub := map[feedback.Kind]float64{feedback.KindPraise: 0.06, feedback.KindIdea: 0.3, feedback.KindCriticism: 0.25, feedback.KindQuestion: 0.1}[it.Kind]
	if ok, _ := feedback.CanPublish(it); ok && special == feedback.ClassNone && g.chance(pub) {
		at := replied.Add(g.between(time.Hour, 7*day))
		if !at.After(g.now) {
			st := feedback.StatusAnswered
			if closing && !closeAt.After(at) {
				st = feedback.StatusClosed
			}
			it.PublishedAt, it.PublishedBy = &at, sup
			add(at, feedback.EventPublish, st, sup, "supervisor", true, "")
		}
	}
	if closing {
		closeItem(closeAt, handler, hrole)
	}
}

// writeFeedback generates the demo feedback for the units and people that
// Load has just written in tx and stores it, returning the counts.
func writeFeedback(ctx context.Context, tx *store.Tx, seed int64, n int, p *plan) (FeedbackCounts, error) {
	us, err := feedbackUnits(ctx, tx, p)
	if err != nil {
		return FeedbackCounts{}, err
	}
	set, err := tx.FeedbackSettings(ctx)
	if err != nil {
		return FeedbackCounts{}, err
	}
	now := tx.Now()
	items, err := generateFeedback(seed, n, now, set, us)
	if err != nil {
		return FeedbackCounts{}, err
	}
	contacts, err := insertFeedback(ctx, tx, items, now.Add(-set.ContactRetention))
	return countFeedback(items, now, contacts), err
}

// feedbackUnits reads the ids of the plan's units and of their supervisors
// and staff.
func feedbackUnits(ctx context.Context, tx *store.Tx, p *plan) ([]fbUnit, error) {
	ids := map[string]int64{}
	sup, staff := map[int64][]int64{}, map[int64][]int64{}
	err := query(ctx, tx, "SELECT id, slug FROM units", func(s scanner) error {
		var id int64
		var slug string
		err := s.Scan(&id, &slug)
		ids[slug] = id
		return err
	})
	if err != nil {
		return nil, err
	}
	err = query(ctx, tx, `SELECT g.person_id, g.role, COALESCE(g.unit_id, 0), COALESCE(p.unit_id, 0)
		FROM role_grants g JOIN people p ON p.id = g.person_id WHERE p.active = TRUE ORDER BY g.person_id, g.id`, func(s scanner) error {
		var person, unit, home int64
		var role string
		if err := s.Scan(&person, &role, &unit, &home); err != nil {
			return err
		}
		switch {
		case role == string(domain.RoleSupervisor) && unit != 0:
			sup[unit] = append(sup[unit], person)
		case role == string(domain.RoleStaff) && home != 0:
			staff[home] = append(staff[home], person)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]fbUnit, len(p.units))
	for i, u := range p.units {
		id, gr := ids[u.Slug], groupOf(units[i].kind)
		if id == 0 || len(sup[id]) == 0 {
			return nil, fmt.Errorf("demo feedback: unit %s missing or without a supervisor", u.Slug)
		}
		out[i] = fbUnit{id: id, slug: u.Slug, group: gr, weight: float64(units[i].staff) * gr.volume, supervisors: sup[id], staff: staff[id]}
	}
	return out, nil
}

type scanner interface{ Scan(...any) error }

func query(ctx context.Context, tx *store.Tx, q string, row func(scanner) error, args ...any) error {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// maxParams bounds the bind parameters of one statement: SQLite allows
// 32,766 and PostgreSQL 65,535.
const maxParams = 25000

// insertFeedback stores the items with multi-row INSERTs: about fifteen
// statements for some 30,000 rows, which keeps the demo load fast on both
// databases (each statement is parsed, and on PostgreSQL sent, once).
// Contact details are stored as the retention job would have left
// them: none for items closed before contactCutoff. It returns how many
// contacts it stored.
func insertFeedback(ctx context.Context, tx *store.Tx, items []genItem, contactCutoff time.Time) (int, error) {
	const cols = `code, unit_id, channel, kind, class, status, score, face, body_masked, body_original, mask_count, lang, wants_reply,
		recorded_by, handler_id, received_at, due_at, answered_at, closed_at, reply, replied_by, published_at, published_by, updated_at, service_code`
	ids := make(map[string]int64, len(items))
	for start, n := 0, maxParams/25; start < len(items); start += n {
		chunk := items[start:min(start+n, len(items))]
		args := make([]any, 0, 25*len(chunk))
		for i := range chunk {
			it := &chunk[i].item
			args = append(args, it.Code, it.UnitID, string(it.Channel), string(it.Kind), string(it.Class), string(it.Status), intOrNil(it.Score),
				intOrNil(it.Face), it.Masked, it.Original, it.MaskCount, it.Lang, it.WantsReply, idOrNil(it.RecordedBy), idOrNil(it.HandlerID),
				it.ReceivedAt, it.DueAt, timeOrNil(it.AnsweredAt), timeOrNil(it.ClosedAt), it.Reply, idOrNil(it.RepliedBy),
				timeOrNil(it.PublishedAt), idOrNil(it.PublishedBy), it.UpdatedAt, it.ServiceCode)
		}
		err := query(ctx, tx, "INSERT INTO feedback ("+cols+") VALUES "+valueRows(25, len(chunk))+" RETURNING id, code", func(s scanner) error {
			var id int64
			var code string
			err := s.Scan(&id, &code)
			ids[code] = id
			return err
		}, args...)
		if err != nil {
			return 0, err
		}
	}
	var events, contacts []any
	for i := range items {
		x := &items[i]
		x.item.ID = ids[x.item.Code]
		for j := range x.events {
			e := &x.events[j]
			e.FeedbackID = x.item.ID
			events = append(events, e.FeedbackID, e.At, string(e.Kind), string(e.Status), idOrNil(e.ActorID), e.ActorRole, e.Public, e.Note)
		}
		if c := x.contact; !c.Empty() && (x.item.ClosedAt == nil || !x.item.ClosedAt.Before(contactCutoff)) {
			contacts = append(contacts, x.item.ID, c.Email, c.Phone, c.Name, x.item.ReceivedAt)
		}
	}
	if err := insertRows(ctx, tx, "feedback_events (feedback_id, at, kind, status, actor_id, actor_role, public, note)", 8, events); err != nil {
		return 0, err
	}
	return len(contacts) / 5, insertRows(ctx, tx, "feedback_contacts (feedback_id, email, phone, name, created_at)", 5, contacts)
}

// insertRows inserts args, cols values a row, in as few statements as
// maxParams allows.
func insertRows(ctx context.Context, tx *store.Tx, table string, cols int, args []any) error {
	for start, n := 0, maxParams/cols*cols; start < len(args); start += n {
		chunk := args[start:min(start+n, len(args))]
		if _, err := tx.Exec(ctx, "INSERT INTO "+table+" VALUES "+valueRows(cols, len(chunk)/cols), chunk...); err != nil {
			return err
		}
	}
	return nil
}

// valueRows is "(?, ?), (?, ?)" for rows rows of cols columns.
func valueRows(cols, rows int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", rows), ", ")
}

func intOrNil(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func idOrNil(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func timeOrNil(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}
