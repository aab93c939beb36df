package web

import (
	"context"
	"net/http"
	"strconv"

	"kuulu/internal/domain"
	"kuulu/internal/feedback"
	"kuulu/internal/org"
	"kuulu/internal/store"
)

// eventRow is one history entry with the name of the person behind it
// (staff see names; the public status page shows the role only).
type eventRow struct {
	feedback.Event
	Actor   string
	NoteKey string // i18n key when the note is a code (a classification)
}

// itemForm is what a re-rendered form carries: which form, its field
// errors, and what was typed.
type itemForm struct {
	Name       string // "triage", "transfer", "status", "reply"
	Errs       domain.FieldErrors
	Class      string
	HandlerID  int64
	UnitID     int64
	Note       string
	Reply      string
	TemplateID int64
	Inserted   bool // a template was inserted into the reply
}

type itemPage struct {
	Item         feedback.Item
	Unit         org.Unit
	Access       itemAccess
	Flags        itemFlags
	Score, Face  int // recommendation 0–10 and kiosk face 1–5, when HasScore / HasFace
	HasScore     bool
	HasFace      bool
	DaysOverdue  int
	Handler      string
	RecordedBy   string
	RepliedBy    string
	PublishedBy  string
	Events       []eventRow
	Handlers     []org.Person          // who may be named responsible (triage)
	Units        []org.Unit            // where the item may be moved (triage)
	Templates    []store.ReplyTemplate // reply templates for the unit and the county
	NextStatuses []feedback.Status
	Classes      []feedback.Class
	CanReply     bool
	CanPublish   bool
	PublishWhy   string // i18n key: why it cannot be published
	ShowOriginal bool
	Original     string
	Contact      feedback.Contact
	Notice       string // i18n key of a success notice
	Form         itemForm
}

// loadItemPage reads everything the detail page shows, in tx, and checks
// that p may see the item (404 before 403).
func (s *Server) loadItemPage(ctx context.Context, tx *store.Tx, p *org.Person, id int64) (*itemPage, error) {
	it, err := tx.Feedback(ctx, id)
	if err != nil {
		return nil, err
	}
	a := canHandle(p, &it)
	if !a.See {
		return nil, domain.Forbidden("feedback item")
	}
	now := s.clock.Now()
	d := &itemPage{Item: it, Access: a, Flags: flagsOf(&it, now), DaysOverdue: daysOverdue(it.DueAt, now), Classes: feedback.Classes}
	if it.Score != nil {
		d.Score, d.HasScore = *it.Score, true
	}
	if it.Face != nil {
		d.Face, d.HasFace = *it.Face, true
	}
	if d.Unit, err = tx.Unit(ctx, it.UnitID); err != nil {
		return nil, err
	}
	events, err := tx.FeedbackEvents(ctx, id, false)
	if err != nil {
		return nil, err
	}
	ids := []int64{it.HandlerID, it.RecordedBy, it.RepliedBy, it.PublishedBy}
	for _, e := range events {
		ids = append(ids, e.ActorID)
	}
	names, err := tx.PeopleNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	d.Handler, d.RecordedBy, d.RepliedBy, d.PublishedBy = names[it.HandlerID], names[it.RecordedBy], names[it.RepliedBy], names[it.PublishedBy]
	for _, e := range events {
		row := eventRow{Event: e, Actor: names[e.ActorID]}
		if e.Kind == feedback.EventClass && feedback.Class(e.Note).Valid() && e.Note != "" {
			row.NoteKey = "inbox.class." + e.Note
		}
		d.Events = append(d.Events, row)
	}
	if a.Triage && it.Status != feedback.StatusClosed {
		if d.Handlers, err = tx.UnitHandlers(ctx, it.UnitID); err != nil {
			return nil, err
		}
		if _, ok := containsPerson(d.Handlers, it.HandlerID); !ok && it.HandlerID != 0 {
			d.Handlers = append(d.Handlers, org.Person{ID: it.HandlerID, Name: d.Handler})
		}
		units, err := tx.Units(ctx, store.UnitFilter{ActiveOnly: true})
		if err != nil {
			return nil, err
		}
		for _, u := range units {
			if u.ID != it.UnitID {
				d.Units = append(d.Units, u)
			}
		}
	}
	if a.Handle {
		for _, st := range feedback.Statuses {
			if feedback.CanMoveTo(it.Status, st) {
				d.NextStatuses = append(d.NextStatuses, st)
			}
		}
		d.CanReply = feedback.CanMoveTo(it.Status, feedback.StatusAnswered)
		if d.CanReply {
			if d.Templates, err = tx.ReplyTemplates(ctx, []int64{it.UnitID}, true); err != nil {
				return nil, err
			}
		}
		ok, why := feedback.CanPublish(&it)
		d.CanPublish, d.PublishWhy = ok, why
	}
	d.Form.Class, d.Form.HandlerID = string(it.Class), it.HandlerID
	return d, nil
}

// renderItem shows the detail page. Whatever URL answered (a POST that
// re-renders a form, the audited read), the page's own address is
// /inbox/{id}, so the language links and the navigation point there.
func (s *Server) renderItem(w http.ResponseWriter, r *http.Request, status int, d *itemPage) {
	r2 := r.Clone(r.Context())
	r2.URL.Path = "/inbox/" + strconv.FormatInt(d.Item.ID, 10)
	r2.URL.RawQuery = ""
	s.render(w, r2, status, "inbox/item.html", d)
}

// inboxNotices are the success notices a redirect may name (?done=…).
var inboxNotices = map[string]string{
	"triage": "inbox.done.triage", "transfer": "inbox.done.transfer", "status": "inbox.done.status",
	"reply": "inbox.done.reply", "publish": "inbox.done.publish", "unpublish": "inbox.done.unpublish",
}

// inboxItem is GET /inbox/{id}: the masked text, details, history and the
// forms the person may use.
func (s *Server) inboxItem(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p := requestInfo(r).Person
	var d *itemPage
	if err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		d, err = s.loadItemPage(r.Context(), tx, p, id)
		return err
	}); err != nil {
		return err
	}
	d.Notice = inboxNotices[r.URL.Query().Get("done")]
	s.render(w, r, http.StatusOK, "inbox/item.html", d)
	return nil
}

// inboxOriginal is POST /inbox/{id}/original: the unit's handlers read the
// original text and the contact details. The read and its audit entries
// are one transaction: no read without its log line.
func (s *Server) inboxOriginal(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	p := requestInfo(r).Person
	var d *itemPage
	err = s.db.Write(r.Context(), func(tx *store.Tx) error {
		ctx := r.Context()
		if d, err = s.loadItemPage(ctx, tx, p, id); err != nil {
			return err
		}
		if !d.Access.Original {
			return domain.Forbidden("original text")
		}
		if d.Original, err = tx.FeedbackOriginal(ctx, id); err != nil {
			return err
		}
		if err := s.audit(r, tx, "feedback.read_original", "feedback", id, ""); err != nil {
			return err
		}
		if d.Contact, err = tx.FeedbackContact(ctx, id); err != nil {
			return err
		}
		if !d.Contact.Empty() {
			if err := s.audit(r, tx, "feedback.read_contact", "feedback", id, ""); err != nil {
				return err
			}
		}
		d.ShowOriginal = true
		return nil
	})
	if err != nil {
		return err
	}
	s.renderItem(w, r, http.StatusOK, d)
	return nil
}
