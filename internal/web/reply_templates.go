package web

import (
	"net/http"
	"strconv"
	"strings"

	"kuulu/internal/auth"
	"kuulu/internal/domain"
	"kuulu/internal/org"
	"kuulu/internal/store"
)

// replyTemplateRoutes: ready-made reply texts. Supervisors keep their own
// units' templates; coordinators and administrators keep every unit's and
// the county-wide ones. Handlers pick them on the reply form.
func (s *Server) replyTemplateRoutes(r *Router) {
	r.Handle("GET /inbox/templates", auth.Supervisor, s.templatesList)
	r.Handle("POST /inbox/templates", auth.Supervisor, s.templateCreate)
	r.Handle("GET /inbox/templates/{id}", auth.Supervisor, s.templateEdit)
	r.Handle("POST /inbox/templates/{id}/edit", auth.Supervisor, s.templateUpdate)
	r.Handle("POST /inbox/templates/{id}/delete", auth.Supervisor, s.templateDelete)
}

// canManageTemplate: county-wide templates are kept by coordinators and
// administrators; a unit's templates also by the unit's supervisors.
func canManageTemplate(p *org.Person, unitID int64) bool {
	if p == nil || !p.Active {
		return false
	}
	if unitID == 0 {
		return p.Has(domain.RoleCoordinator) || p.Has(domain.RoleAdmin)
	}
	return p.CanLeadUnit(unitID)
}

type templateRow struct {
	store.ReplyTemplate
	Unit    org.Unit
	CanEdit bool
}

// Excerpt is the start of the template's text, for the list.
func (t templateRow) Excerpt() string { return excerpt(t.Body, 120) }

type templatesPage struct {
	Templates  []templateRow
	Units      []org.Unit // units the person may keep templates for
	CountyWide bool       // may keep county-wide templates
	Form       store.ReplyTemplate
	Errs       domain.FieldErrors
	Notice     string
}

// loadTemplatesPage reads the templates the person sees and the units they
// may write for.
func (s *Server) loadTemplatesPage(r *http.Request, tx *store.Tx, p *org.Person) (*templatesPage, error) {
	ctx := r.Context()
	d := &templatesPage{CountyWide: canManageTemplate(p, 0)}
	all, err := tx.Units(ctx, store.UnitFilter{})
	if err != nil {
		return nil, err
	}
	units := unitMap(all)
	var ids []int64 // nil: every unit
	if !d.CountyWide {
		ids = p.SupervisedUnits()
		if ids == nil {
			ids = []int64{}
		}
	}
	for _, u := range all {
		if canManageTemplate(p, u.ID) {
			d.Units = append(d.Units, u)
		}
	}
	ts, err := tx.ReplyTemplates(ctx, ids, true)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		d.Templates = append(d.Templates, templateRow{ReplyTemplate: t, Unit: units[t.UnitID], CanEdit: canManageTemplate(p, t.UnitID)})
	}
	return d, nil
}

var templateNotices = map[string]string{"created": "inbox.templates.created", "saved": "form.saved", "deleted": "inbox.templates.deleted"}

func (s *Server) templatesList(w http.ResponseWriter, r *http.Request) error {
	return s.renderTemplates(w, r, http.StatusOK, store.ReplyTemplate{Lang: string(requestInfo(r).Lang)}, nil)
}

func (s *Server) renderTemplates(w http.ResponseWriter, r *http.Request, status int, form store.ReplyTemplate, errs domain.FieldErrors) error {
	p := requestInfo(r).Person
	var d *templatesPage
	if err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		var err error
		d, err = s.loadTemplatesPage(r, tx, p)
		return err
	}); err != nil {
		return err
	}
	if form.ID == 0 && form.UnitID == 0 && !d.CountyWide && len(d.Units) > 0 {
		form.UnitID = d.Units[0].ID
	}
	d.Form, d.Errs = form, errs
	d.Notice = templateNotices[r.URL.Query().Get("done")]
	s.render(w, r, status, "inbox/templates.html", d)
	return nil
}

func templateFromForm(r *http.Request) store.ReplyTemplate {
	f := r.PostForm
	t := store.ReplyTemplate{Title: f.Get("title"), Body: strings.ReplaceAll(f.Get("body"), "\r\n", "\n"), Lang: f.Get("lang")}
	t.UnitID, _ = strconv.ParseInt(f.Get("unit"), 10, 64)
	return t
}

// saveTemplate validates and stores a template in one transaction with its
// audit entry; the unit must be one the person may keep templates for.
func (s *Server) saveTemplate(r *http.Request, t *store.ReplyTemplate) error {
	p := requestInfo(r).Person
	return s.db.Write(r.Context(), func(tx *store.Tx) error {
		ctx := r.Context()
		action := "reply_template.create"
		if t.ID != 0 {
			old, err := tx.ReplyTemplateByID(ctx, t.ID)
			if err != nil {
				return err
			}
			if !canManageTemplate(p, old.UnitID) {
				return domain.Forbidden("reply template")
			}
			action = "reply_template.update"
		}
		errs := domain.FieldErrors{}
		if err := t.Validate(); err != nil {
			errs = domain.AsError(err).Fields
		}
		if t.UnitID != 0 {
			if _, err := tx.Unit(ctx, t.UnitID); domain.IsNotFound(err) {
				errs.Add("unit", "err.inbox.template_unit")
			} else if err != nil {
				return err
			}
		}
		if !canManageTemplate(p, t.UnitID) {
			errs.Add("unit", "err.inbox.template_unit")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if err := tx.SaveReplyTemplate(ctx, t); err != nil {
			return err
		}
		return s.audit(r, tx, action, "reply_template", t.ID, t.Title)
	})
}

func (s *Server) templateCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	t := templateFromForm(r)
	err := s.saveTemplate(r, &t)
	if e := domain.AsError(err); e != nil && len(e.Fields) > 0 {
		return s.renderTemplates(w, r, http.StatusUnprocessableEntity, t, e.Fields)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/inbox/templates?done=created")
}

type templateEditPage struct {
	Form       store.ReplyTemplate
	Units      []org.Unit
	CountyWide bool
	Errs       domain.FieldErrors
}

func (s *Server) renderTemplateEdit(w http.ResponseWriter, r *http.Request, status int, id int64, form *store.ReplyTemplate, errs domain.FieldErrors) error {
	p := requestInfo(r).Person
	d := templateEditPage{CountyWide: canManageTemplate(p, 0), Errs: errs}
	err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		t, err := tx.ReplyTemplateByID(r.Context(), id)
		if err != nil {
			return err
		}
		if !canManageTemplate(p, t.UnitID) {
			return domain.Forbidden("reply template")
		}
		if form != nil {
			t.Title, t.Body, t.Lang, t.UnitID = form.Title, form.Body, form.Lang, form.UnitID
		}
		d.Form = t
		units, err := tx.Units(r.Context(), store.UnitFilter{})
		for _, u := range units {
			if canManageTemplate(p, u.ID) {
				d.Units = append(d.Units, u)
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	s.render(w, r, status, "inbox/template_edit.html", d)
	return nil
}

func (s *Server) templateEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderTemplateEdit(w, r, http.StatusOK, id, nil, nil)
}

func (s *Server) templateUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	t := templateFromForm(r)
	t.ID = id
	err = s.saveTemplate(r, &t)
	if e := domain.AsError(err); e != nil && len(e.Fields) > 0 {
		return s.renderTemplateEdit(w, r, http.StatusUnprocessableEntity, id, &t, e.Fields)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/inbox/templates?done=saved")
}

func (s *Server) templateDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	p := requestInfo(r).Person
	err = s.db.Write(r.Context(), func(tx *store.Tx) error {
		t, err := tx.ReplyTemplateByID(r.Context(), id)
		if err != nil {
			return err
		}
		if !canManageTemplate(p, t.UnitID) {
			return domain.Forbidden("reply template")
		}
		if err := tx.DeleteReplyTemplate(r.Context(), id); err != nil {
			return err
		}
		return s.audit(r, tx, "reply_template.delete", "reply_template", id, t.Title)
	})
	if err != nil {
		return err
	}
	return redirect(w, r, "/inbox/templates?done=deleted")
}
