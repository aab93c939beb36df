package web

import (
	"net/http"
	"net/url"
	"strconv"

	"kuulu/internal/store"
)

type overduePage struct {
	Rows        []inboxRow
	Total       int
	LeastFirst  bool // sorted by days overdue, fewest first
	SortURL     string
	Page, Pages int
	PrevURL     string
	NextURL     string
}

// overdueList is GET /overdue: every open item past its due date across the
// county, with its unit, days overdue and handler; most overdue first, or
// fewest days first with ?sort=days. Coordinators and administrators act on
// the items (triage, reassign); management reads.
func (s *Server) overdueList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d := overduePage{LeastFirst: q.Get("sort") == "days"}
	d.Page, _ = strconv.Atoi(q.Get("page"))
	d.Page = max(d.Page, 1)
	err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		units, err := tx.Units(r.Context(), store.UnitFilter{})
		if err != nil {
			return err
		}
		items, total, err := tx.OverdueFeedback(r.Context(), s.clock.Now(), d.LeastFirst, pageSize, (d.Page-1)*pageSize)
		if err != nil {
			return err
		}
		d.Total = total
		d.Rows, err = s.rows(r, tx, items, unitMap(units))
		return err
	})
	if err != nil {
		return err
	}
	d.Pages = max((d.Total+pageSize-1)/pageSize, 1)
	link := func(sort string, page int) string {
		v := url.Values{}
		if sort != "" {
			v.Set("sort", sort)
		}
		if page > 1 {
			v.Set("page", strconv.Itoa(page))
		}
		if len(v) == 0 {
			return "/overdue"
		}
		return "/overdue?" + v.Encode()
	}
	cur := ""
	if d.LeastFirst {
		cur = "days"
		d.SortURL = link("", 0)
	} else {
		d.SortURL = link("days", 0)
	}
	if d.Page > 1 {
		d.PrevURL = link(cur, d.Page-1)
	}
	if d.Page < d.Pages {
		d.NextURL = link(cur, d.Page+1)
	}
	s.render(w, r, http.StatusOK, "inbox/overdue.html", d)
	return nil
}
