package web

import (
	"fmt"
	"net/http"
	"strconv"

	"kuulu/internal/auth"
	"kuulu/internal/domain"
	"kuulu/internal/feedback"
	"kuulu/internal/org"
	"kuulu/internal/store"
	"kuulu/internal/trackcode"
)

// Staff quick entry, "here and now" (seed 004, kehittäjäkumppanuus): a
// signed-in staff member writes down what a client just said, on the
// client's behalf, in three fields (unit, kind, text), and then hands the
// client the tracking code: on screen, on a printed slip, or by SMS or email
// if the client wants. The record's channel is "staff" with RecordedBy set,
// and its first history entry says a staff member recorded it; the entry and
// every hand-over are audited.
//
// Only the person who recorded an item (or one who leads its unit) may open
// its hand-over page; anyone else gets 404, so ids reveal nothing.

func (s *Server) staffEntryRoutes(r *Router) {
	r.Handle("GET /staff/feedback/new", auth.Staff, s.staffEntryForm)
	r.Handle("POST /staff/feedback/new", auth.Staff, s.staffEntrySubmit)
	r.Handle("GET /staff/feedback/{id}/handover", auth.Staff, s.staffHandover)
	r.Handle("POST /staff/feedback/{id}/handover", auth.Staff, s.staffHandoverSend)
	r.Handle("GET /staff/feedback/{id}/slip", auth.Staff, s.staffSlip)
}

type staffValues struct {
	UnitID int64
	Kind   string
	Text   string
}

type staffEntryPage struct {
	Areas   []org.ServiceArea
	Values  staffValues
	Kinds   []feedback.Kind
	Errs    domain.FieldErrors
	Summary []summaryItem
	MaxText int
}

func (s *Server) renderStaffEntry(w http.ResponseWriter, r *http.Request, status int, d staffEntryPage) error {
	d.Kinds, d.MaxText = feedback.Kinds, feedback.MaxText
	d.Summary = summarise(d.Errs, []string{"unit", "kind", "text"}, map[string]string{"kind": "f-kind-" + string(feedback.Kinds[0])})
	if err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		var err error
		d.Areas, err = activeUnitsByArea(r.Context(), tx)
		return err
	}); err != nil {
		return err
	}
	s.render(w, r, status, "staff/entry.html", d)
	return nil
}

func (s *Server) staffEntryForm(w http.ResponseWriter, r *http.Request) error {
	p := requestInfo(r).Person
	return s.renderStaffEntry(w, r, http.StatusOK, staffEntryPage{Values: staffValues{UnitID: p.UnitID}})
}

func (s *Server) staffEntrySubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	p := requestInfo(r).Person
	f := r.PostForm
	v := staffValues{Kind: f.Get("kind"), Text: f.Get("text")}
	v.UnitID, _ = strconv.ParseInt(f.Get("unit"), 10, 64)
	sub := feedback.Submission{UnitID: v.UnitID, Channel: feedback.ChannelStaff, Kind: feedback.Kind(v.Kind), Text: v.Text,
		Lang: string(requestInfo(r).Lang), RecordedBy: p.ID}
	if sub.Kind == feedback.KindAccessibility { // not offered on this form
		sub.Kind = ""
	}
	var it feedback.Item
	err := sub.Validate()
	if err == nil {
		// Like intake.Submit, but with the audit entry in the same
		// transaction, and without contact details (they come at hand-over).
		err = s.db.Write(r.Context(), func(tx *store.Tx) error {
			u, err := tx.Unit(r.Context(), sub.UnitID)
			if domain.IsNotFound(err) || (err == nil && !u.Active) {
				f := domain.FieldErrors{}
				f.Add("unit", "err.feedback.unit")
				return f.Err()
			}
			if err != nil {
				return err
			}
			set, err := tx.FeedbackSettings(r.Context())
			if err != nil {
				return err
			}
			it = feedback.New(sub, tx.Now(), set)
			if err := tx.InsertFeedback(r.Context(), &it, feedback.Contact{}, newTrackCode); err != nil {
				return err
			}
			return s.audit(r, tx, "feedback.staff_entry", "feedback", it.ID, "unit="+u.Slug+" kind="+string(it.Kind))
		})
	}
	if e := domain.AsError(err); e != nil && len(e.Fields) > 0 {
		if fe, ok := e.Fields["text"]; ok && fe.Key == "err.feedback.text_required" {
			e.Fields["text"] = domain.FieldError{Key: "public.err.staff_text_required"}
		}
		return s.renderStaffEntry(w, r, http.StatusUnprocessableEntity, staffEntryPage{Values: v, Errs: e.Fields})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/staff/feedback/%d/handover", it.ID))
}

func newTrackCode() (string, error) {
	c, err := trackcode.New()
	return c.String(), err
}

type handoverValues struct {
	Channel string // "email" or "sms"
	Email   string
	Phone   string
	Lang    string
}

type handoverPage struct {
	Item      feedback.Item
	Unit      org.Unit
	Code      string // display form
	StatusURL string // full address for the client
	Values    handoverValues
	Errs      domain.FieldErrors
	Summary   []summaryItem
	Sent      string // channel just queued, from ?sent=
	Already   string // channel already used, from ?already=
	Langs     []domain.Lang
}

// handoverItem loads a staff-recorded item that the signed-in person may
// hand over: the one who recorded it, or one who leads its unit.
func (s *Server) handoverItem(r *http.Request, tx *store.Tx) (feedback.Item, org.Unit, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return feedback.Item{}, org.Unit{}, err
	}
	it, err := tx.Feedback(r.Context(), id)
	if err != nil {
		return it, org.Unit{}, err
	}
	p := requestInfo(r).Person
	if it.Channel != feedback.ChannelStaff || (it.RecordedBy != p.ID && !p.CanLeadUnit(it.UnitID)) {
		return it, org.Unit{}, domain.NotFound("feedback", id)
	}
	u, err := tx.Unit(r.Context(), it.UnitID)
	return it, u, err
}

func (s *Server) renderHandover(w http.ResponseWriter, r *http.Request, status int, page string, d handoverPage) error {
	err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		var err error
		d.Item, d.Unit, err = s.handoverItem(r, tx)
		return err
	})
	if err != nil {
		return err
	}
	c, err := trackcode.Parse(d.Item.Code)
	if err != nil {
		return err
	}
	d.Code = c.Display()
	d.StatusURL = s.cfg.BaseURL + "/t/" + c.String()
	d.Langs = domain.Langs
	if d.Values.Lang == "" {
		d.Values.Lang = d.Item.Lang
	}
	if d.Values.Channel == "" {
		d.Values.Channel = "sms"
	}
	q := r.URL.Query()
	if ch := q.Get("sent"); ch == "email" || ch == "sms" {
		d.Sent = ch
	}
	if ch := q.Get("already"); ch == "email" || ch == "sms" {
		d.Already = ch
	}
	d.Summary = summarise(d.Errs, []string{"channel", "phone", "email"}, map[string]string{"channel": "f-channel-sms"})
	s.render(w, r, status, page, d)
	return nil
}

func (s *Server) staffHandover(w http.ResponseWriter, r *http.Request) error {
	return s.renderHandover(w, r, http.StatusOK, "staff/handover.html", handoverPage{})
}

// staffSlip is the printable slip: the code, the status page address and
// the promise that feedback never affects the service, on a page of its own
// so that it prints without the hand-over form.
func (s *Server) staffSlip(w http.ResponseWriter, r *http.Request) error {
	return s.renderHandover(w, r, http.StatusOK, "staff/slip.html", handoverPage{})
}

// validateContact checks an email address or phone number with the same
// rules as the public form (feedback.Submission.Validate) and returns the
// normalised contact.
func validateContact(c feedback.Contact) (feedback.Contact, domain.FieldErrors) {
	sub := feedback.Submission{UnitID: 1, Kind: feedback.KindPraise, Text: "-", Contact: c}
	errs := domain.FieldErrors{}
	if e := domain.AsError(sub.Validate()); e != nil {
		for _, f := range []string{"email", "phone"} {
			if fe, ok := e.Fields[f]; ok {
				errs[f] = fe
			}
		}
	}
	return sub.Contact, errs
}

// staffHandoverSend queues the tracking code to the contact the client gave,
// by SMS or email, in the client's language. The contact is stored with the
// item (apart from the text, deleted on schedule) so that the answer reaches
// the client too. One message per item and channel (event key
// handover:{id}:{channel}); a second request for the same channel queues
// nothing and says so.
func (s *Server) staffHandoverSend(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	v := handoverValues{Channel: f.Get("channel"), Email: f.Get("email"), Phone: f.Get("phone"), Lang: f.Get("lang")}
	lang, ok := domain.ParseLang(v.Lang)
	if !ok {
		lang = requestInfo(r).Lang
		v.Lang = string(lang)
	}
	errs := domain.FieldErrors{}
	var c feedback.Contact
	switch v.Channel {
	case "sms":
		if v.Phone == "" {
			errs.Add("phone", "public.err.phone_required")
		}
		c.Phone = v.Phone
	case "email":
		if v.Email == "" {
			errs.Add("email", "public.err.email_required")
		}
		c.Email = v.Email
	default:
		errs.Add("channel", "public.err.channel")
	}
	if len(errs) == 0 {
		c, errs = validateContact(c)
	}
	if len(errs) > 0 {
		return s.renderHandover(w, r, http.StatusUnprocessableEntity, "staff/handover.html", handoverPage{Values: v, Errs: errs})
	}
	var it feedback.Item
	var queued bool
	err := s.db.Write(r.Context(), func(tx *store.Tx) error {
		var err error
		if it, _, err = s.handoverItem(r, tx); err != nil {
			return err
		}
		code, err := trackcode.Parse(it.Code)
		if err != nil {
			return err
		}
		link := s.cfg.BaseURL + "/t/" + code.String()
		m := &store.Message{EventKey: fmt.Sprintf("handover:%d:%s", it.ID, v.Channel), Channel: v.Channel, FeedbackID: it.ID}
		if v.Channel == "sms" {
			m.Recipient, m.Body = c.Phone, s.cat.T(lang, "notify.receipt.sms", code.Display(), link)
		} else {
			m.Recipient = c.Email
			m.Subject = s.cat.T(lang, "notify.receipt.subject", code.Display())
			m.Body = s.cat.T(lang, "notify.receipt.body", code.Display(), link)
		}
		if queued, err = tx.EnqueueMessage(r.Context(), m); err != nil {
			return err
		}
		detail := "channel=" + v.Channel
		if !queued { // sent before: change nothing
			return s.audit(r, tx, "feedback.handover", "feedback", it.ID, detail+" (already queued; nothing sent)")
		}
		if err := tx.SaveFeedbackContact(r.Context(), it.ID, c); err != nil {
			return err
		}
		return s.audit(r, tx, "feedback.handover", "feedback", it.ID, detail)
	})
	if err != nil {
		return err
	}
	flag := "sent"
	if !queued {
		flag = "already"
	}
	return redirect(w, r, fmt.Sprintf("/staff/feedback/%d/handover?%s=%s", it.ID, flag, v.Channel))
}
