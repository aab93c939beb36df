package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"kuulu/internal/domain"
	"kuulu/internal/feedback"
	"kuulu/internal/org"
	"kuulu/internal/privacy"
	"kuulu/internal/store"
	"kuulu/internal/trackcode"
)

// Every action on an item is one write transaction: the item is loaded and
// locked (404), the person's access checked (403), the form validated (422,
// the page re-rendered with the error summary), the item's state checked
// (409, translated), then the change, its history events and its audit
// entry are written together. Success redirects to the item with a notice.

// MaxNote is the longest internal note (transfer reason).
const MaxNote = 2000

// itemWrite runs fn on one item in one write transaction after the checks
// above; allowed picks the access the action needs.
func (s *Server) itemWrite(r *http.Request, id int64, allowed func(itemAccess) bool,
	fn func(ctx context.Context, tx *store.Tx, p *org.Person, it *feedback.Item) error) error {
	p := requestInfo(r).Person
	return s.db.Write(r.Context(), func(tx *store.Tx) error {
		it, err := tx.FeedbackForUpdate(r.Context(), id)
		if err != nil {
			return err
		}
		if !allowed(canHandle(p, &it)) {
			return domain.Forbidden("feedback action")
		}
		return fn(r.Context(), tx, p, &it)
	})
}

// finishItemAction re-renders the page with 422 on field errors, returns
// other errors to the adapter, and redirects on success.
func (s *Server) finishItemAction(w http.ResponseWriter, r *http.Request, id int64, err error, form itemForm, done string) error {
	if e := domain.AsError(err); e != nil && len(e.Fields) > 0 {
		form.Errs = e.Fields
		return s.renderItemForm(w, r, http.StatusUnprocessableEntity, id, form)
	}
	if err != nil {
		return err
	}
	if done == "transfer-away" {
		// Moved out of the person's sight: back to their inbox.
		return redirect(w, r, "/inbox?done=transfer")
	}
	return redirect(w, r, "/inbox/"+strconv.FormatInt(id, 10)+"?done="+done+"#notice")
}

// renderItemForm shows the item page with one form's state (typed values,
// errors) kept.
func (s *Server) renderItemForm(w http.ResponseWriter, r *http.Request, status int, id int64, form itemForm) error {
	p := requestInfo(r).Person
	var d *itemPage
	if err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		var err error
		d, err = s.loadItemPage(r.Context(), tx, p, id)
		return err
	}); err != nil {
		return err
	}
	if form.Name == "triage" && form.Class == "" && len(form.Errs) == 0 {
		form.Class = d.Form.Class
	}
	d.Form = form
	s.renderItem(w, r, status, d)
	return nil
}

func (s *Server) conflictStatus(r *http.Request, key string, st feedback.Status) error {
	lang := requestInfo(r).Lang
	return &domain.Error{Code: domain.ECONFLICT, Key: key, Args: []any{s.cat.T(lang, "inbox.status."+string(st))}, Message: key}
}

func containsPerson(ps []org.Person, id int64) (org.Person, bool) {
	for _, p := range ps {
		if p.ID == id {
			return p, true
		}
	}
	return org.Person{}, false
}

// inboxTriage is POST /inbox/{id}/triage. Two forms post here: classify
// and name the responsible person (class, handler), or move the item to
// another unit (op=transfer, unit, note).
func (s *Server) inboxTriage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	form := itemForm{Name: "triage", Class: f.Get("class"), Note: strings.TrimSpace(f.Get("note"))}
	form.HandlerID, _ = strconv.ParseInt(f.Get("handler"), 10, 64)
	form.UnitID, _ = strconv.ParseInt(f.Get("unit"), 10, 64)
	transfer := f.Get("op") == "transfer"
	if transfer {
		form.Name = "transfer"
	}
	stillSees := true
	err = s.itemWrite(r, id, func(a itemAccess) bool { return a.Triage }, func(ctx context.Context, tx *store.Tx, p *org.Person, it *feedback.Item) error {
		if it.Status == feedback.StatusClosed {
			return s.conflictStatus(r, "err.inbox.closed", it.Status)
		}
		if transfer {
			if err := s.transfer(r, tx, p, it, form); err != nil {
				return err
			}
			stillSees = canHandle(p, it).See
			return nil
		}
		errs := domain.FieldErrors{}
		class := feedback.Class(form.Class)
		if class == feedback.ClassNone || !class.Valid() {
			errs.Add("class", "err.inbox.class")
		}
		handlers, err := tx.UnitHandlers(ctx, it.UnitID)
		if err != nil {
			return err
		}
		handler, ok := containsPerson(handlers, form.HandlerID)
		// The person already named may stay even if they no longer belong
		// to the unit (keeping them is not a new assignment).
		if f.Get("handler") != "" && !ok && form.HandlerID != it.HandlerID {
			errs.Add("handler", "err.inbox.handler")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		set, err := tx.FeedbackSettings(ctx)
		if err != nil {
			return err
		}
		role := actorRole(p, it.UnitID)
		var events []feedback.Event
		var detail []string
		if class != it.Class {
			before, after := set.DueAt(it.ReceivedAt, it.Kind, it.Class), set.DueAt(it.ReceivedAt, it.Kind, class)
			events = append(events, feedback.Event{Kind: feedback.EventClass, Note: string(class)})
			detail = append(detail, fmt.Sprintf("class %s → %s", orDash(string(it.Class)), class))
			it.Class = class
			// The due date follows the class when the class has a rule of
			// its own (objection, accessibility), both into and out of it.
			if !after.Equal(before) && !after.Equal(it.DueAt) {
				it.DueAt = after
				events = append(events, feedback.Event{Kind: feedback.EventDueDate, Note: after.In(helsinki).Format("2006-01-02")})
				detail = append(detail, "due "+after.In(helsinki).Format("2006-01-02"))
			}
			// A formal objection is never public: classifying a published
			// item as one withdraws it.
			if it.Objection() && it.Published() {
				it.PublishedAt, it.PublishedBy = nil, 0
				events = append(events, feedback.Event{Kind: feedback.EventUnpublish, Public: true})
				detail = append(detail, "unpublished (objection)")
			}
		}
		if form.HandlerID != it.HandlerID {
			it.HandlerID = form.HandlerID
			events = append(events, feedback.Event{Kind: feedback.EventAssigned, Note: handler.Name})
			detail = append(detail, fmt.Sprintf("handler %d", form.HandlerID))
		}
		if len(events) == 0 {
			return nil
		}
		if err := tx.UpdateFeedback(ctx, it); err != nil {
			return err
		}
		for _, e := range events {
			e.FeedbackID, e.Status, e.ActorID, e.ActorRole = it.ID, it.Status, p.ID, role
			if err := tx.AddFeedbackEvent(ctx, &e); err != nil {
				return err
			}
		}
		return s.audit(r, tx, "feedback.triage", "feedback", it.ID, strings.Join(detail, "; "))
	})
	done := "triage"
	switch {
	case transfer && !stillSees:
		done = "transfer-away"
	case transfer:
		done = "transfer"
	}
	return s.finishItemAction(w, r, id, err, form, done)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// transfer moves an item to another unit with a required note: the new
// unit's supervisors now see it; the named person stays only if they can
// handle the new unit. Audited, with an internal history event.
func (s *Server) transfer(r *http.Request, tx *store.Tx, p *org.Person, it *feedback.Item, form itemForm) error {
	ctx := r.Context()
	errs := domain.FieldErrors{}
	var to org.Unit
	switch {
	case form.UnitID == 0:
		errs.Add("unit", "err.inbox.unit")
	case form.UnitID == it.UnitID:
		errs.Add("unit", "err.inbox.same_unit")
	default:
		u, err := tx.Unit(ctx, form.UnitID)
		if domain.IsNotFound(err) || (err == nil && !u.Active) {
			errs.Add("unit", "err.inbox.unit")
		} else if err != nil {
			return err
		}
		to = u
	}
	if form.Note == "" {
		errs.Add("note", "err.inbox.note")
	} else if n := utf8.RuneCountInString(form.Note); n > MaxNote {
		errs.Add("note", "err.too_long", MaxNote)
	}
	if err := errs.Err(); err != nil {
		return err
	}
	role := actorRole(p, it.UnitID)
	from := it.UnitID
	it.UnitID = to.ID
	if it.HandlerID != 0 {
		handlers, err := tx.UnitHandlers(ctx, to.ID)
		if err != nil {
			return err
		}
		if _, ok := containsPerson(handlers, it.HandlerID); !ok {
			it.HandlerID = 0
		}
	}
	if err := tx.UpdateFeedback(ctx, it); err != nil {
		return err
	}
	e := feedback.Event{FeedbackID: it.ID, Kind: feedback.EventTransfer, Status: it.Status, ActorID: p.ID, ActorRole: role, Note: form.Note}
	if err := tx.AddFeedbackEvent(ctx, &e); err != nil {
		return err
	}
	return s.audit(r, tx, "feedback.transfer", "feedback", it.ID, fmt.Sprintf("unit %d → %d: %s", from, to.ID, form.Note))
}

// inboxStatus is POST /inbox/{id}/status: one step of the status flow, as
// a public history event that shows the person's role.
func (s *Server) inboxStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	to := feedback.Status(r.PostForm.Get("status"))
	form := itemForm{Name: "status"}
	err = s.itemWrite(r, id, func(a itemAccess) bool { return a.Handle }, func(ctx context.Context, tx *store.Tx, p *org.Person, it *feedback.Item) error {
		if !to.Valid() {
			errs := domain.FieldErrors{}
			errs.Add("status", "err.inbox.status")
			return errs.Err()
		}
		from := it.Status
		if !feedback.CanMoveTo(from, to) {
			return s.conflictStatus(r, "err.inbox.status_conflict", from)
		}
		now := tx.Now()
		it.Status = to
		switch to {
		case feedback.StatusAnswered:
			it.AnsweredAt = &now
		case feedback.StatusClosed:
			it.ClosedAt = &now
		}
		if err := tx.UpdateFeedback(ctx, it); err != nil {
			return err
		}
		e := feedback.Event{FeedbackID: it.ID, At: now, Kind: feedback.EventStatus, Status: to, ActorID: p.ID, ActorRole: actorRole(p, it.UnitID), Public: true}
		if err := tx.AddFeedbackEvent(ctx, &e); err != nil {
			return err
		}
		return s.audit(r, tx, "feedback.status", "feedback", it.ID, string(from)+" → "+string(to))
	})
	return s.finishItemAction(w, r, id, err, form, "status")
}

// inboxReply is POST /inbox/{id}/reply. With use_template it only fills
// the form with a template's text (no JavaScript needed) and changes
// nothing. Otherwise the reply is masked (it is public), stored, the item
// becomes answered with a public event, and a message is queued to each
// contact the giver left, in the giver's language, in the same transaction.
func (s *Server) inboxReply(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	form := itemForm{Name: "reply", Reply: strings.TrimSpace(f.Get("reply"))}
	form.TemplateID, _ = strconv.ParseInt(f.Get("template"), 10, 64)
	if f.Get("use_template") != "" {
		return s.useTemplate(w, r, id, form)
	}
	err = s.itemWrite(r, id, func(a itemAccess) bool { return a.Handle }, func(ctx context.Context, tx *store.Tx, p *org.Person, it *feedback.Item) error {
		errs := domain.FieldErrors{}
		if form.Reply == "" {
			errs.Add("reply", "err.required")
		} else if n := utf8.RuneCountInString(form.Reply); n > feedback.MaxReply {
			errs.Add("reply", "err.inbox.reply_long", feedback.MaxReply, n)
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if !feedback.CanMoveTo(it.Status, feedback.StatusAnswered) {
			return s.conflictStatus(r, "err.inbox.cannot_reply", it.Status)
		}
		now := tx.Now()
		it.Reply = privacy.Mask(form.Reply).Text
		it.Status, it.AnsweredAt, it.RepliedBy = feedback.StatusAnswered, &now, p.ID
		if err := tx.UpdateFeedback(ctx, it); err != nil {
			return err
		}
		e := feedback.Event{FeedbackID: it.ID, At: now, Kind: feedback.EventReply, Status: it.Status, ActorID: p.ID, ActorRole: actorRole(p, it.UnitID), Public: true}
		if err := tx.AddFeedbackEvent(ctx, &e); err != nil {
			return err
		}
		sent, err := s.queueReply(ctx, tx, it, e.ID)
		if err != nil {
			return err
		}
		return s.audit(r, tx, "feedback.reply", "feedback", it.ID, "notified: "+orDash(strings.Join(sent, ", ")))
	})
	return s.finishItemAction(w, r, id, err, form, "reply")
}

// queueReply queues the reply to the giver's email and phone, if they left
// any; it returns the channels queued. One event never makes two messages
// (the event key is unique).
func (s *Server) queueReply(ctx context.Context, tx *store.Tx, it *feedback.Item, eventID int64) ([]string, error) {
	c, err := tx.FeedbackContact(ctx, it.ID)
	if err != nil || c.Empty() {
		return nil, err
	}
	lang, _ := domain.ParseLang(it.Lang)
	code := it.Code
	if tc, err := trackcode.Parse(it.Code); err == nil {
		code = tc.Display()
	}
	link := s.cfg.BaseURL + "/t/" + it.Code
	key := fmt.Sprintf("reply:%d:%d:", it.ID, eventID)
	var sent []string
	if c.Email != "" {
		m := &store.Message{EventKey: key + "email", Channel: "email", Recipient: c.Email, FeedbackID: it.ID,
			Subject: s.cat.T(lang, "inbox.notify.reply_subject", code), Body: s.cat.T(lang, "inbox.notify.reply_body", it.Reply, link)}
		if _, err := tx.EnqueueMessage(ctx, m); err != nil {
			return nil, err
		}
		sent = append(sent, "email")
	}
	if c.Phone != "" {
		m := &store.Message{EventKey: key + "sms", Channel: "sms", Recipient: c.Phone, FeedbackID: it.ID,
			Body: s.cat.T(lang, "inbox.notify.reply_sms", code, excerpt(it.Reply, 300), link)}
		if _, err := tx.EnqueueMessage(ctx, m); err != nil {
			return nil, err
		}
		sent = append(sent, "sms")
	}
	return sent, nil
}

// useTemplate re-renders the reply form with a template's text. It reads
// only; the template must belong to the item's unit or the whole county.
func (s *Server) useTemplate(w http.ResponseWriter, r *http.Request, id int64, form itemForm) error {
	p := requestInfo(r).Person
	var d *itemPage
	err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		var err error
		if d, err = s.loadItemPage(r.Context(), tx, p, id); err != nil {
			return err
		}
		if !d.Access.Handle {
			return domain.Forbidden("reply")
		}
		if !d.CanReply {
			return s.conflictStatus(r, "err.inbox.cannot_reply", d.Item.Status)
		}
		for _, t := range d.Templates {
			if t.ID == form.TemplateID {
				form.Reply, form.Inserted = t.Body, true
				return nil
			}
		}
		form.Errs = domain.FieldErrors{}
		form.Errs.Add("template", "err.inbox.template")
		return nil
	})
	if err != nil {
		return err
	}
	d.Form = form
	status := http.StatusOK
	if len(form.Errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.renderItem(w, r, status, d)
	return nil
}

// inboxPublish is POST /inbox/{id}/publish: a handler's decision to put
// the item with its reply on the public "you said, we did" lists (masked
// text only). A formal objection is refused.
func (s *Server) inboxPublish(w http.ResponseWriter, r *http.Request) error {
	return s.setPublished(w, r, true)
}

// inboxUnpublish is POST /inbox/{id}/unpublish: withdraw a publication.
func (s *Server) inboxUnpublish(w http.ResponseWriter, r *http.Request) error {
	return s.setPublished(w, r, false)
}

func (s *Server) setPublished(w http.ResponseWriter, r *http.Request, publish bool) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	err = s.itemWrite(r, id, func(a itemAccess) bool { return a.Handle }, func(ctx context.Context, tx *store.Tx, p *org.Person, it *feedback.Item) error {
		kind, action := feedback.EventPublish, "feedback.publish"
		if publish {
			if it.Published() {
				return domain.Conflict("err.inbox.already_published", "already published")
			}
			if ok, why := feedback.CanPublish(it); !ok {
				return domain.Conflict(why, why)
			}
			now := tx.Now()
			it.PublishedAt, it.PublishedBy = &now, p.ID
		} else {
			if !it.Published() {
				return domain.Conflict("err.inbox.not_published", "not published")
			}
			it.PublishedAt, it.PublishedBy = nil, 0
			kind, action = feedback.EventUnpublish, "feedback.unpublish"
		}
		if err := tx.UpdateFeedback(ctx, it); err != nil {
			return err
		}
		e := feedback.Event{FeedbackID: it.ID, Kind: kind, Status: it.Status, ActorID: p.ID, ActorRole: actorRole(p, it.UnitID), Public: true}
		if err := tx.AddFeedbackEvent(ctx, &e); err != nil {
			return err
		}
		return s.audit(r, tx, action, "feedback", it.ID, "")
	})
	done := "unpublish"
	if publish {
		done = "publish"
	}
	return s.finishItemAction(w, r, id, err, itemForm{}, done)
}
