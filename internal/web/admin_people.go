package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kuulu/internal/auth"
	"kuulu/internal/domain"
	"kuulu/internal/org"
	"kuulu/internal/store"
)

// peopleRoutes: administrators manage people and their roles.
func (s *Server) peopleRoutes(r *Router) {
	r.Handle("GET /admin/people", auth.Admin, s.peopleList)
	r.Handle("GET /admin/people/new", auth.Admin, s.personNew)
	r.Handle("POST /admin/people", auth.Admin, s.personCreate)
	r.Handle("GET /admin/people/{id}", auth.Admin, s.personEdit)
	r.Handle("POST /admin/people/{id}", auth.Admin, s.personUpdate)
}

const pageSize = 50

type peoplePage struct {
	People      []org.Person
	Total       int
	Filter      store.PersonFilter
	Units       map[int64]org.Unit
	UnitList    []org.Unit
	Roles       []domain.Role
	Page, Pages int
	PrevURL     string
	NextURL     string
	Saved       bool
}

func (s *Server) peopleList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d := peoplePage{Roles: domain.Roles, Units: map[int64]org.Unit{}, Saved: q.Get("saved") != ""}
	d.Filter.Query = strings.TrimSpace(q.Get("q"))
	if role := domain.Role(q.Get("role")); role.Valid() {
		d.Filter.Role = role
	}
	d.Filter.UnitID, _ = strconv.ParseInt(q.Get("unit"), 10, 64)
	d.Page, _ = strconv.Atoi(q.Get("page"))
	if d.Page < 1 {
		d.Page = 1
	}
	d.Filter.Limit, d.Filter.Offset = pageSize, (d.Page-1)*pageSize
	err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		var err error
		if d.People, d.Total, err = tx.People(r.Context(), d.Filter); err != nil {
			return err
		}
		if d.UnitList, err = tx.Units(r.Context(), store.UnitFilter{}); err != nil {
			return err
		}
		for _, u := range d.UnitList {
			d.Units[u.ID] = u
		}
		return nil
	})
	if err != nil {
		return err
	}
	d.Pages = (d.Total + pageSize - 1) / pageSize
	page := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(n))
		return "/admin/people?" + v.Encode()
	}
	if d.Page > 1 {
		d.PrevURL = page(d.Page - 1)
	}
	if d.Page < d.Pages {
		d.NextURL = page(d.Page + 1)
	}
	s.render(w, r, http.StatusOK, "admin/people.html", d)
	return nil
}

type personForm struct {
	Person     org.Person
	Units      []org.Unit
	Roles      []domain.Role
	Supervised map[int64]bool
	Errs       domain.FieldErrors
}

func (s *Server) renderPersonForm(w http.ResponseWriter, r *http.Request, status int, p org.Person, errs domain.FieldErrors) error {
	d := personForm{Person: p, Roles: domain.Roles, Supervised: map[int64]bool{}, Errs: errs}
	for _, id := range p.SupervisedUnits() {
		d.Supervised[id] = true
	}
	if err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		var err error
		d.Units, err = tx.Units(r.Context(), store.UnitFilter{})
		return err
	}); err != nil {
		return err
	}
	s.render(w, r, status, "admin/person_form.html", d)
	return nil
}

func (s *Server) personNew(w http.ResponseWriter, r *http.Request) error {
	return s.renderPersonForm(w, r, http.StatusOK, org.Person{Active: true, Lang: domain.Finnish}, nil)
}

func (s *Server) personEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var p org.Person
	if err := s.db.Read(r.Context(), func(tx *store.Tx) error { p, err = tx.Person(r.Context(), id); return err }); err != nil {
		return err
	}
	return s.renderPersonForm(w, r, http.StatusOK, p, nil)
}

func (s *Server) personCreate(w http.ResponseWriter, r *http.Request) error {
	return s.savePerson(w, r, 0)
}

func (s *Server) personUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.savePerson(w, r, id)
}

// savePerson validates the form, stores the person and their grants, and
// audits what changed. Deactivating a person ends their sessions at once.
func (s *Server) savePerson(w http.ResponseWriter, r *http.Request, id int64) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	p := org.Person{ID: id, Email: f.Get("email"), Name: f.Get("name"), Title: strings.TrimSpace(f.Get("title")),
		Lang: domain.Lang(f.Get("lang")), Active: f.Get("active") == "on"}
	p.UnitID, _ = strconv.ParseInt(f.Get("unit"), 10, 64)
	for _, role := range f["role"] {
		if rl := domain.Role(role); rl.Valid() && rl != domain.RoleSupervisor {
			p.Grants = append(p.Grants, org.Grant{Role: rl})
		}
	}
	for _, u := range f["supervises"] {
		if uid, err := strconv.ParseInt(u, 10, 64); err == nil && uid > 0 {
			p.Grants = append(p.Grants, org.Grant{Role: domain.RoleSupervisor, UnitID: uid})
		}
	}
	errs := domain.FieldErrors{}
	if err := p.Validate(); err != nil {
		if e := domain.AsError(err); e != nil {
			errs = e.Fields
		}
	}
	if pw := f.Get("password"); pw != "" {
		if err := auth.ValidatePassword(pw); err != nil {
			for k, v := range domain.AsError(err).Fields {
				errs[k] = v
			}
		} else if len(errs) == 0 {
			h, err := auth.HashPassword(pw, s.cfg.Argon2)
			if err != nil {
				return err
			}
			p.PasswordHash = h
		}
	}
	me := requestInfo(r).Person
	if id == me.ID && (!p.Active || !p.Has(domain.RoleAdmin)) {
		errs.Add("role", "err.self_lockout")
	}
	if len(errs) > 0 {
		return s.renderPersonForm(w, r, http.StatusUnprocessableEntity, p, errs)
	}
	err := s.db.Write(r.Context(), func(tx *store.Tx) error {
		if p.UnitID != 0 {
			if _, err := tx.Unit(r.Context(), p.UnitID); err != nil {
				return err
			}
		}
		var before org.Person
		if id != 0 {
			var err error
			if before, err = tx.Person(r.Context(), id); err != nil {
				return err
			}
		}
		if err := tx.SavePerson(r.Context(), &p); err != nil {
			return err
		}
		if id != 0 && before.Active && !p.Active {
			if err := tx.DeletePersonSessions(r.Context(), id); err != nil {
				return err
			}
		}
		action := "person.update"
		if id == 0 {
			action = "person.create"
		}
		detail := "roles: " + grantsString(p.Grants)
		if p.PasswordHash != "" {
			detail += "; password set"
		}
		if !p.Active {
			detail += "; inactive"
		}
		return s.audit(r, tx, action, "person", p.ID, detail)
	})
	if e := domain.AsError(err); e != nil && len(e.Fields) > 0 {
		return s.renderPersonForm(w, r, http.StatusUnprocessableEntity, p, e.Fields)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/admin/people?saved=1&q="+url.QueryEscape(p.Email))
}

func grantsString(gs []org.Grant) string {
	var parts []string
	for _, g := range gs {
		if g.UnitID != 0 {
			parts = append(parts, string(g.Role)+"@"+strconv.FormatInt(g.UnitID, 10))
		} else {
			parts = append(parts, string(g.Role))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ",")
}
