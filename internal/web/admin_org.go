package web

import (
	"bytes"
	"encoding/csv"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"kuulu/internal/auth"
	"kuulu/internal/domain"
	"kuulu/internal/org"
	"kuulu/internal/store"
)

// orgRoutes: the administrator manages the county, service areas and units.
func (s *Server) orgRoutes(r *Router) {
	r.Handle("GET /admin/units", auth.Admin, s.unitsList)
	r.Handle("GET /admin/units/new", auth.Admin, s.unitNew)
	r.Handle("POST /admin/units", auth.Admin, s.unitCreate)
	r.Handle("GET /admin/units/{id}", auth.Admin, s.unitEdit)
	r.Handle("POST /admin/units/{id}", auth.Admin, s.unitUpdate)
	r.Handle("GET /admin/units/import", auth.Admin, s.unitImportPage)
	r.Handle("POST /admin/units/import", auth.Admin, s.unitImport)
	r.Handle("GET /admin/units/export.csv", auth.Admin, s.unitExport)
	r.Handle("GET /admin/areas/new", auth.Admin, s.areaNew)
	r.Handle("POST /admin/areas", auth.Admin, s.areaCreate)
	r.Handle("GET /admin/areas/{id}", auth.Admin, s.areaEdit)
	r.Handle("POST /admin/areas/{id}", auth.Admin, s.areaUpdate)
	r.Handle("POST /admin/county", auth.Admin, s.countyUpdate)
}

type unitsPage struct {
	County         org.County
	Areas          []org.ServiceArea
	Filter         store.UnitFilter
	Municipalities []string
	Count          int
	Saved          string
}

func (s *Server) unitsList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d := unitsPage{Municipalities: org.Municipalities, Saved: q.Get("saved")}
	d.Filter.Query = strings.TrimSpace(q.Get("q"))
	d.Filter.Municipality = q.Get("municipality")
	d.Filter.ServiceAreaID, _ = strconv.ParseInt(q.Get("area"), 10, 64)
	err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		areas, err := tx.ServiceAreas(r.Context())
		if err != nil {
			return err
		}
		units, err := tx.Units(r.Context(), d.Filter)
		if err != nil {
			return err
		}
		for i := range areas {
			for _, u := range units {
				if u.ServiceAreaID == areas[i].ID {
					areas[i].Units = append(areas[i].Units, u)
				}
			}
		}
		d.Areas, d.Count = areas, len(units)
		return nil
	})
	if err != nil {
		return err
	}
	if c, err := s.db.County(r.Context()); err == nil {
		d.County = c
	}
	s.render(w, r, http.StatusOK, "admin/units.html", d)
	return nil
}

type unitForm struct {
	Unit           org.Unit
	Areas          []org.ServiceArea
	Municipalities []string
	Errs           domain.FieldErrors
}

func (s *Server) renderUnitForm(w http.ResponseWriter, r *http.Request, status int, u org.Unit, errs domain.FieldErrors) error {
	d := unitForm{Unit: u, Municipalities: org.Municipalities, Errs: errs}
	if err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		var err error
		d.Areas, err = tx.ServiceAreas(r.Context())
		return err
	}); err != nil {
		return err
	}
	s.render(w, r, status, "admin/unit_form.html", d)
	return nil
}

func (s *Server) unitNew(w http.ResponseWriter, r *http.Request) error {
	area, _ := strconv.ParseInt(r.URL.Query().Get("area"), 10, 64)
	return s.renderUnitForm(w, r, http.StatusOK, org.Unit{Active: true, ServiceAreaID: area}, nil)
}

func (s *Server) unitEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var u org.Unit
	if err := s.db.Read(r.Context(), func(tx *store.Tx) error { u, err = tx.Unit(r.Context(), id); return err }); err != nil {
		return err
	}
	return s.renderUnitForm(w, r, http.StatusOK, u, nil)
}

func unitFromForm(r *http.Request) org.Unit {
	f := r.PostForm
	area, _ := strconv.ParseInt(f.Get("service_area"), 10, 64)
	return org.Unit{
		ServiceAreaID: area,
		Slug:          strings.ToLower(strings.TrimSpace(f.Get("slug"))),
		Name:          domain.Text{FI: strings.TrimSpace(f.Get("name_fi")), SV: strings.TrimSpace(f.Get("name_sv")), EN: strings.TrimSpace(f.Get("name_en"))},
		Municipality:  f.Get("municipality"),
		StreetAddress: strings.TrimSpace(f.Get("street_address")),
		PostalCode:    f.Get("postal_code"),
		Active:        f.Get("active") == "on",
	}
}

// saveUnit validates and stores a unit; field errors re-render the form with 422.
func (s *Server) saveUnit(w http.ResponseWriter, r *http.Request, u org.Unit) error {
	if u.Slug == "" && u.Name.FI != "" {
		u.Slug = org.Slugify(u.Name.FI)
	}
	err := u.Validate()
	if err == nil {
		err = s.db.Write(r.Context(), func(tx *store.Tx) error {
			if _, err := tx.ServiceArea(r.Context(), u.ServiceAreaID); err != nil {
				if domain.IsNotFound(err) {
					f := domain.FieldErrors{}
					f.Add("service_area", "err.required")
					return f.Err()
				}
				return err
			}
			action := "unit.update"
			if u.ID == 0 {
				action = "unit.create"
			}
			if err := tx.SaveUnit(r.Context(), &u); err != nil {
				return err
			}
			return s.audit(r, tx, action, "unit", u.ID, u.Slug)
		})
	}
	if e := domain.AsError(err); e != nil && len(e.Fields) > 0 {
		return s.renderUnitForm(w, r, http.StatusUnprocessableEntity, u, e.Fields)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/admin/units?saved="+u.Slug)
}

func (s *Server) unitCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	return s.saveUnit(w, r, unitFromForm(r))
}

func (s *Server) unitUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	u := unitFromForm(r)
	u.ID = id
	return s.saveUnit(w, r, u)
}

type areaForm struct {
	Area org.ServiceArea
	Errs domain.FieldErrors
}

func (s *Server) areaNew(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "admin/area_form.html", areaForm{})
	return nil
}

func (s *Server) areaEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var a org.ServiceArea
	if err := s.db.Read(r.Context(), func(tx *store.Tx) error { a, err = tx.ServiceArea(r.Context(), id); return err }); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "admin/area_form.html", areaForm{Area: a})
	return nil
}

func (s *Server) saveArea(w http.ResponseWriter, r *http.Request, id int64) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	a := org.ServiceArea{ID: id, Slug: strings.ToLower(strings.TrimSpace(f.Get("slug"))),
		Name: domain.Text{FI: strings.TrimSpace(f.Get("name_fi")), SV: strings.TrimSpace(f.Get("name_sv")), EN: strings.TrimSpace(f.Get("name_en"))}}
	a.SortOrder, _ = strconv.Atoi(f.Get("sort_order"))
	if a.Slug == "" {
		a.Slug = org.Slugify(a.Name.FI)
	}
	err := a.Validate()
	if err == nil {
		err = s.db.Write(r.Context(), func(tx *store.Tx) error {
			action := "area.update"
			if a.ID == 0 {
				action = "area.create"
			}
			if err := tx.SaveServiceArea(r.Context(), &a); err != nil {
				return err
			}
			return s.audit(r, tx, action, "service_area", a.ID, a.Slug)
		})
	}
	if e := domain.AsError(err); e != nil && len(e.Fields) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "admin/area_form.html", areaForm{Area: a, Errs: e.Fields})
		return nil
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/admin/units?saved="+a.Slug)
}

func (s *Server) areaCreate(w http.ResponseWriter, r *http.Request) error { return s.saveArea(w, r, 0) }

func (s *Server) areaUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.saveArea(w, r, id)
}

func (s *Server) countyUpdate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	name := domain.Text{FI: strings.TrimSpace(f.Get("county_fi")), SV: strings.TrimSpace(f.Get("county_sv")), EN: strings.TrimSpace(f.Get("county_en"))}
	if name.FI == "" || len(name.FI) > 200 || len(name.SV) > 200 || len(name.EN) > 200 {
		return domain.Invalid("err.county_name")
	}
	if err := s.db.Write(r.Context(), func(tx *store.Tx) error {
		if err := tx.SetCounty(r.Context(), name); err != nil {
			return err
		}
		return s.audit(r, tx, "county.update", "county", 1, name.FI)
	}); err != nil {
		return err
	}
	s.county.Store(cachedCounty{})
	return redirect(w, r, "/admin/units?saved=county")
}

type importPage struct {
	Rows             []org.RowError
	Created, Updated int
	Done             bool
	Columns          []string
	Message          string
}

func (s *Server) unitImportPage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "admin/unit_import.html", importPage{Columns: org.UnitCSVColumns})
	return nil
}

// unitImport reads an uploaded CSV; every bad row is reported with its line
// and reason and nothing is imported unless every row is valid.
func (s *Server) unitImport(w http.ResponseWriter, r *http.Request) error {
	d := importPage{Columns: org.UnitCSVColumns}
	if err := r.ParseMultipartForm(6 << 20); err != nil {
		if e := normalise(err); e.Code == domain.ETOOLARGE {
			return e
		}
		d.Message = s.cat.T(requestInfo(r).Lang, "import.no_file")
		s.render(w, r, http.StatusBadRequest, "admin/unit_import.html", d)
		return nil
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		d.Message = s.cat.T(requestInfo(r).Lang, "import.no_file")
		s.render(w, r, http.StatusBadRequest, "admin/unit_import.html", d)
		return nil
	}
	defer file.Close()
	err = s.db.Write(r.Context(), func(tx *store.Tx) error {
		areas, err := tx.ServiceAreas(r.Context())
		if err != nil {
			return err
		}
		ids := map[string]int64{}
		for _, a := range areas {
			ids[a.Slug] = a.ID
		}
		units, err := org.ParseUnitsCSV(file, ids)
		if err != nil {
			return err
		}
		if d.Created, d.Updated, err = tx.ImportUnits(r.Context(), units); err != nil {
			return err
		}
		return s.audit(r, tx, "unit.import", "unit", "", strconv.Itoa(d.Created)+" created, "+strconv.Itoa(d.Updated)+" updated")
	})
	var ie *org.ImportError
	if errors.As(err, &ie) {
		d.Rows = ie.Rows
		s.render(w, r, http.StatusUnprocessableEntity, "admin/unit_import.html", d)
		return nil
	}
	if err != nil {
		return err
	}
	d.Done = true
	s.render(w, r, http.StatusOK, "admin/unit_import.html", d)
	return nil
}

// unitExport writes the unit list in the import format, so an administrator
// can edit it in a spreadsheet and import it back.
func (s *Server) unitExport(w http.ResponseWriter, r *http.Request) error {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.Write(org.UnitCSVColumns)
	err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		areas, err := tx.ServiceAreas(r.Context())
		if err != nil {
			return err
		}
		slugs := map[int64]string{}
		for _, a := range areas {
			slugs[a.ID] = a.Slug
		}
		units, err := tx.Units(r.Context(), store.UnitFilter{})
		if err != nil {
			return err
		}
		for _, u := range units {
			cw.Write([]string{slugs[u.ServiceAreaID], u.Slug, u.Name.FI, u.Name.SV, u.Name.EN, u.Municipality, u.StreetAddress, u.PostalCode})
		}
		return nil
	})
	if err != nil {
		return err
	}
	cw.Flush()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="units.csv"`)
	w.Write(buf.Bytes())
	return nil
}
