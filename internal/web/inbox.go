package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kuulu/internal/auth"
	"kuulu/internal/domain"
	"kuulu/internal/feedback"
	"kuulu/internal/org"
	"kuulu/internal/store"
	"kuulu/internal/trackcode"
)

// inboxRoutes: the handling side of client feedback. Route policies are the
// coarse gate; who may do what with one item is decided by canHandle and
// canSeeUnitInbox below, checked inside every handler against the item.
//
//	GET  /inbox                      SignedIn   the person's inbox (units they lead, items assigned to or recorded by them; county-wide readers: every unit); ?q= a tracking code opens the item, other text searches the masked text
//	GET  /inbox/{id}                 SignedIn   one item, masked text (403 unless canHandle(...).See)
//	POST /inbox/{id}/original        Staff      show the original text and contact details; the read is audited (403 unless .Original)
//	POST /inbox/{id}/triage          Supervisor classify, name the responsible person, move to another unit (403 unless .Triage)
//	POST /inbox/{id}/status          Staff      received → in handling → answered → closed (403 unless .Handle)
//	POST /inbox/{id}/reply           Staff      public reply, queued to the giver's contacts (403 unless .Handle)
//	POST /inbox/{id}/publish         Staff      "you said, we did" (403 unless .Handle; never an objection)
//	POST /inbox/{id}/unpublish       Staff      withdraw a publication (403 unless .Handle)
//	GET|POST /inbox/templates…       Supervisor reply templates (reply_templates.go)
//	GET  /overdue                    Reader     county-wide overdue list (overdue.go)
//
// The original text is shown only after a POST: an audited read is a
// deliberate act, so it must not happen through a link, a prefetch or a
// cross-site image, and POSTs are guarded by the cross-origin protection.
func (s *Server) inboxRoutes(r *Router) {
	r.Handle("GET /inbox", auth.SignedIn, s.inboxList)
	r.Handle("GET /inbox/{id}", auth.SignedIn, s.inboxItem)
	r.Handle("POST /inbox/{id}/original", auth.Staff, s.inboxOriginal)
	r.Handle("POST /inbox/{id}/triage", auth.Supervisor, s.inboxTriage)
	r.Handle("POST /inbox/{id}/status", auth.Staff, s.inboxStatus)
	r.Handle("POST /inbox/{id}/reply", auth.Staff, s.inboxReply)
	r.Handle("POST /inbox/{id}/publish", auth.Staff, s.inboxPublish)
	r.Handle("POST /inbox/{id}/unpublish", auth.Staff, s.inboxUnpublish)
	s.replyTemplateRoutes(r)
	r.Handle("GET /overdue", auth.Reader, s.overdueList)
}

// itemAccess is what one person may do with one feedback item.
type itemAccess struct {
	See      bool // the masked text, details and history (read-only)
	Original bool // the original text and the contact details; every read is audited
	Triage   bool // classify, name the responsible person, move to another unit
	Handle   bool // change the status, reply, publish and withdraw
}

// supervises reports whether p holds a supervisor grant for the unit (not
// merely a county-wide role).
func supervises(p *org.Person, unitID int64) bool {
	return p != nil && slices.Contains(p.SupervisedUnits(), unitID)
}

// canSeeUnitInbox reports whether p may open a unit's whole inbox: the
// unit's supervisors, and county-wide people (coordinators, management,
// administrators; they see masked text only).
func canSeeUnitInbox(p *org.Person, unitID int64) bool {
	if p == nil || !p.Active {
		return false
	}
	return p.CountyWide() || supervises(p, unitID)
}

// canHandle decides what p may do with it. The unit's handlers are its
// supervisors and the named responsible person: they read the original and
// the contact details, change the status, reply and publish. Coordinators and
// administrators triage any unit's items (classify, assign, move) on the
// masked text. Management reads county-wide. A staff member sees the items
// assigned to them and the items they recorded (the latter masked only).
func canHandle(p *org.Person, it *feedback.Item) itemAccess {
	if p == nil || !p.Active {
		return itemAccess{}
	}
	handler := supervises(p, it.UnitID) || (it.HandlerID != 0 && it.HandlerID == p.ID)
	a := itemAccess{Original: handler, Handle: handler, Triage: p.CanLeadUnit(it.UnitID)}
	a.See = handler || a.Triage || canSeeUnitInbox(p, it.UnitID) || (it.RecordedBy != 0 && it.RecordedBy == p.ID)
	return a
}

// actorRole is how a person appears in an item's public history: by role
// for the item's unit, never by name.
func actorRole(p *org.Person, unitID int64) string {
	switch {
	case supervises(p, unitID):
		return "supervisor"
	case p.Has(domain.RoleCoordinator):
		return "coordinator"
	}
	return "staff"
}

// inboxScope is whose items a person's inbox holds.
func inboxScope(p *org.Person) (store.InboxScope, bool) {
	if p.CountyWide() {
		return store.InboxScope{All: true}, true
	}
	return store.InboxScope{UnitIDs: p.SupervisedUnits(), PersonID: p.ID}, false
}

// itemFlags are what makes an item stand out in a list or on its page;
// templates show each in words, never by colour alone.
type itemFlags struct {
	Objection bool // formal objection (muistutus): legal due date, never published
	Safety    bool // patient or client safety concern
	Overdue   bool
	Staff     bool // recorded by staff on the client's behalf
	Published bool
}

func flagsOf(it *feedback.Item, now time.Time) itemFlags {
	return itemFlags{Objection: it.Objection(), Safety: it.Class == feedback.ClassSafety, Overdue: it.Overdue(now),
		Staff: it.Channel == feedback.ChannelStaff, Published: it.Published()}
}

// inboxRow is one line of an inbox or the overdue list.
type inboxRow struct {
	feedback.Item
	Unit        org.Unit
	Handler     string
	Flags       itemFlags
	DaysOverdue int
	Excerpt     string
}

func excerpt(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// daysOverdue counts started days past the due date.
func daysOverdue(due, now time.Time) int {
	if !now.After(due) {
		return 0
	}
	return int((now.Sub(due) + 24*time.Hour - 1) / (24 * time.Hour))
}

// rows decorates items with their unit, handler name and overdue state.
func (s *Server) rows(r *http.Request, tx *store.Tx, items []feedback.Item, units map[int64]org.Unit) ([]inboxRow, error) {
	ids := make([]int64, 0, len(items))
	for _, it := range items {
		ids = append(ids, it.HandlerID)
	}
	names, err := tx.PeopleNames(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	out := make([]inboxRow, len(items))
	for i, it := range items {
		out[i] = inboxRow{Item: it, Unit: units[it.UnitID], Handler: names[it.HandlerID], Flags: flagsOf(&it, now),
			DaysOverdue: daysOverdue(it.DueAt, now), Excerpt: excerpt(it.Masked, 140)}
	}
	return out, nil
}

func unitMap(units []org.Unit) map[int64]org.Unit {
	m := make(map[int64]org.Unit, len(units))
	for _, u := range units {
		m[u.ID] = u
	}
	return m
}

type statusCount struct {
	Status feedback.Status
	N      int
	URL    string
}

type inboxPage struct {
	Rows        []inboxRow
	Total       int
	Units       []org.Unit // the units the person may choose from
	UnitID      int64      // the chosen unit, 0 for all of theirs
	CountyWide  bool
	ReadOnly    bool // management: reads, does not handle
	Counts      []statusCount
	Overdue     int
	OverdueURL  string
	Kind        string
	Class       string
	Status      string
	Channel     string
	From, To    string
	OnlyOverdue bool
	Mine        bool
	Kinds       []feedback.Kind
	Classes     []feedback.Class
	Statuses    []feedback.Status
	Channels    []feedback.Channel
	Page, Pages int
	PrevURL     string
	NextURL     string
	Notice      string // i18n key of a success notice
	Query       string // the search box: a tracking code or words of the masked text
	QueryMax    int    // MaxSearch
	NoCode      string // a tracking code (display form) with no item the person may see
	Errs        domain.FieldErrors
}

// MaxSearch is the longest search term, in characters: enough for a
// sentence, short enough to keep a substring scan cheap.
const MaxSearch = 100

// inboxList is GET /inbox: newest first, filtered, 50 a page, with counts
// per status for the chosen scope.
func (s *Server) inboxList(w http.ResponseWriter, r *http.Request) error {
	p := requestInfo(r).Person
	q := r.URL.Query()
	scope, countyWide := inboxScope(p)
	d := inboxPage{CountyWide: countyWide, ReadOnly: !auth.Staff.Allows(p),
		Kinds: append(slices.Clone(feedback.Kinds), feedback.KindAccessibility), Classes: feedback.Classes,
		Statuses: feedback.Statuses, Channels: feedback.Channels, Notice: inboxNotices[q.Get("done")], QueryMax: MaxSearch}
	var f store.FeedbackFilter
	if v := q.Get("unit"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return domain.NotFound("unit", v)
		}
		d.UnitID = id
		f.UnitIDs = []int64{id}
	}
	if k := feedback.Kind(q.Get("kind")); k.Valid() {
		d.Kind, f.Kind = string(k), k
	}
	if c := feedback.Class(q.Get("class")); c != "" && c.Valid() {
		d.Class, f.Class = string(c), c
	}
	if st := feedback.Status(q.Get("status")); st.Valid() {
		d.Status, f.Statuses = string(st), []feedback.Status{st}
	}
	if ch := feedback.Channel(q.Get("channel")); slices.Contains(feedback.Channels, ch) {
		d.Channel, f.Channel = string(ch), ch
	}
	if t, err := time.ParseInLocation("2006-01-02", q.Get("from"), helsinki); err == nil {
		d.From, f.From = q.Get("from"), t.UTC()
	}
	if t, err := time.ParseInLocation("2006-01-02", q.Get("to"), helsinki); err == nil {
		d.To, f.To = q.Get("to"), t.AddDate(0, 0, 1).UTC()
	}
	now := s.clock.Now()
	if q.Get("overdue") != "" {
		d.OnlyOverdue, f.Overdue, f.Now = true, true, now
	}
	if q.Get("mine") != "" {
		d.Mine, f.HandlerID = true, p.ID
	}
	d.Page, _ = strconv.Atoi(q.Get("page"))
	d.Page = max(d.Page, 1)
	f.Limit, f.Offset = pageSize, (d.Page-1)*pageSize
	status, list := http.StatusOK, true
	if d.Query = strings.TrimSpace(q.Get("q")); d.Query != "" {
		if n := utf8.RuneCountInString(d.Query); n > MaxSearch {
			d.Errs = domain.FieldErrors{}
			d.Errs.Add("q", "err.inbox.search_long", MaxSearch, n)
			status, list = http.StatusUnprocessableEntity, false
		} else if code, err := trackcode.Parse(d.Query); err == nil {
			id, err := s.itemByCode(r, p, code)
			if err != nil {
				return err
			}
			if id != 0 {
				return redirect(w, r, "/inbox/"+strconv.FormatInt(id, 10))
			}
			d.NoCode, list = code.Display(), false
		} else {
			f.Text = d.Query
		}
	}
	err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		ctx := r.Context()
		all, err := tx.Units(ctx, store.UnitFilter{})
		if err != nil {
			return err
		}
		units := unitMap(all)
		if d.UnitID != 0 {
			if _, ok := units[d.UnitID]; !ok {
				return domain.NotFound("unit", d.UnitID)
			}
			if !canSeeUnitInbox(p, d.UnitID) {
				return domain.Forbidden("unit inbox")
			}
		}
		if countyWide {
			d.Units = all
		} else {
			for _, u := range all {
				if supervises(p, u.ID) {
					d.Units = append(d.Units, u)
				}
			}
		}
		if list {
			items, total, err := tx.InboxList(ctx, scope, f)
			if err != nil {
				return err
			}
			d.Total = total
			if d.Rows, err = s.rows(r, tx, items, units); err != nil {
				return err
			}
		}
		counts, overdue, err := tx.InboxCounts(ctx, scope, f.UnitIDs, now)
		if err != nil {
			return err
		}
		for _, st := range feedback.Statuses {
			d.Counts = append(d.Counts, statusCount{Status: st, N: counts[st], URL: inboxURL(d.UnitID, url.Values{"status": {string(st)}})})
		}
		d.Overdue, d.OverdueURL = overdue, inboxURL(d.UnitID, url.Values{"overdue": {"1"}})
		return nil
	})
	if err != nil {
		return err
	}
	d.Pages = max((d.Total+pageSize-1)/pageSize, 1)
	page := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Del("lang")
		v.Del("done")
		v.Set("page", strconv.Itoa(n))
		return "/inbox?" + v.Encode()
	}
	if d.Page > 1 {
		d.PrevURL = page(d.Page - 1)
	}
	if d.Page < d.Pages {
		d.NextURL = page(d.Page + 1)
	}
	s.render(w, r, status, "inbox/list.html", d)
	return nil
}

// itemByCode finds the item a tracking code names, for the search box. It
// returns 0 both when there is no such item and when p may not see it (the
// detail page's check, canHandle(...).See), so that the answer does not
// tell whether the code exists in someone else's unit. Opening the item is
// then the detail page's ordinary GET: nothing is read here that needs an
// audit entry.
func (s *Server) itemByCode(r *http.Request, p *org.Person, code trackcode.Code) (int64, error) {
	var id int64
	err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		it, err := tx.FeedbackByCode(r.Context(), code.String())
		if domain.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if canHandle(p, &it).See {
			id = it.ID
		}
		return nil
	})
	return id, err
}

func inboxURL(unitID int64, v url.Values) string {
	if unitID != 0 {
		v.Set("unit", strconv.FormatInt(unitID, 10))
	}
	return "/inbox?" + v.Encode()
}
