package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"kuulu/internal/auth"
	"kuulu/internal/store"
)

func (s *Server) auditRoutes(r *Router) {
	r.Handle("GET /admin/audit", auth.Admin, s.auditLog)
}

type auditPage struct {
	Entries  []store.AuditEntry
	Filter   store.AuditFilter
	From, To string
	NextURL  string
	Errs     map[string]string
}

// auditLog shows the audit log newest first, filtered by actor, action,
// object and dates, 100 entries a page with keyset pagination.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d := auditPage{From: q.Get("from"), To: q.Get("to")}
	d.Filter.Actor = strings.TrimSpace(q.Get("actor"))
	d.Filter.Action = strings.TrimSpace(q.Get("action"))
	d.Filter.ObjectType = strings.TrimSpace(q.Get("object_type"))
	d.Filter.ObjectID = strings.TrimSpace(q.Get("object_id"))
	d.Filter.BeforeID, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	d.Filter.Limit = 100
	if t, err := time.ParseInLocation("2006-01-02", d.From, helsinki); err == nil {
		d.Filter.From = t.UTC()
	}
	if t, err := time.ParseInLocation("2006-01-02", d.To, helsinki); err == nil {
		d.Filter.To = t.AddDate(0, 0, 1).UTC()
	}
	err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		var err error
		d.Entries, err = tx.AuditLog(r.Context(), d.Filter)
		return err
	})
	if err != nil {
		return err
	}
	if len(d.Entries) == d.Filter.Limit {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("before", strconv.FormatInt(d.Entries[len(d.Entries)-1].ID, 10))
		d.NextURL = "/admin/audit?" + v.Encode()
	}
	s.render(w, r, http.StatusOK, "admin/audit.html", d)
	return nil
}
