package web

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"kuulu/internal/auth"
	"kuulu/internal/domain"
	"kuulu/internal/store"
)

// The accessibility statement (saavutettavuusseloste) that the Act on the
// Provision of Digital Services (306/2019) requires, linked from every footer
// and edited by administrators in each language.
const accessibilitySlug = "accessibility"

func (s *Server) accessibilityRoutes(r *Router) {
	r.Handle("GET /saavutettavuusseloste", auth.Public, s.accessibilityStatement)
	r.Handle("GET /admin/accessibility", auth.Admin, s.accessibilityEdit)
	r.Handle("POST /admin/accessibility", auth.Admin, s.accessibilitySave)
}

type statementPage struct {
	Page    store.Page
	Missing bool
}

func (s *Server) accessibilityStatement(w http.ResponseWriter, r *http.Request) error {
	lang := requestInfo(r).Lang
	var d statementPage
	err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		var err error
		d.Page, err = tx.Page(r.Context(), accessibilitySlug, lang)
		if domain.IsNotFound(err) && lang != domain.Finnish {
			d.Page, err = tx.Page(r.Context(), accessibilitySlug, domain.Finnish)
		}
		return err
	})
	if domain.IsNotFound(err) {
		d.Missing = true
	} else if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "accessibility.html", d)
	return nil
}

type statementForm struct {
	Pages map[domain.Lang]store.Page
	Errs  domain.FieldErrors
	Saved bool
}

func (s *Server) accessibilityEdit(w http.ResponseWriter, r *http.Request) error {
	d := statementForm{Pages: map[domain.Lang]store.Page{}, Saved: r.URL.Query().Get("saved") != ""}
	err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		for _, l := range domain.Langs {
			p, err := tx.Page(r.Context(), accessibilitySlug, l)
			if err != nil && !domain.IsNotFound(err) {
				return err
			}
			d.Pages[l] = p
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "admin/accessibility.html", d)
	return nil
}

func (s *Server) accessibilitySave(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	d := statementForm{Pages: map[domain.Lang]store.Page{}, Errs: domain.FieldErrors{}}
	for _, l := range domain.Langs {
		p := store.Page{Slug: accessibilitySlug, Lang: l, Title: strings.TrimSpace(r.PostForm.Get("title_" + string(l))), Body: strings.TrimSpace(r.PostForm.Get("body_" + string(l)))}
		if p.Title == "" {
			d.Errs.Add("title_"+string(l), "err.required")
		} else if utf8.RuneCountInString(p.Title) > 200 {
			d.Errs.Add("title_"+string(l), "err.too_long", 200)
		}
		if p.Body == "" {
			d.Errs.Add("body_"+string(l), "err.required")
		} else if utf8.RuneCountInString(p.Body) > 50000 {
			d.Errs.Add("body_"+string(l), "err.too_long", 50000)
		}
		p.UpdatedBy = requestInfo(r).Person.ID
		d.Pages[l] = p
	}
	if len(d.Errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "admin/accessibility.html", d)
		return nil
	}
	err := s.db.Write(r.Context(), func(tx *store.Tx) error {
		for _, l := range domain.Langs {
			if err := tx.SavePage(r.Context(), d.Pages[l]); err != nil {
				return err
			}
		}
		return s.audit(r, tx, "page.update", "page", accessibilitySlug, "")
	})
	if err != nil {
		return err
	}
	return redirect(w, r, "/admin/accessibility?saved=1")
}
