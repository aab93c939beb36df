package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"kuulu/internal/auth"
	"kuulu/internal/feedback"
	"kuulu/internal/org"
	"kuulu/internal/store"
)

// "You said, we did": the feedback that handlers chose to publish with their
// reply, county-wide at /palaute (filters by service area and unit) and per
// unit at /p/{slug}/julkaistut. Only the masked text and the (masked) reply
// are shown; formal objections never appear (store.ListPublishedFeedback).

// publishedPageSize is how many items one page of the list shows.
const publishedPageSize = 20

func (s *Server) publishedRoutes(r *Router) {
	r.Handle("GET /palaute", auth.Public, s.publishedCounty)
	r.Handle("GET /p/{slug}/julkaistut", auth.Public, s.publishedUnit)
}

type publishedItem struct {
	Item        feedback.Item
	Unit        org.Unit
	PublishedAt time.Time
}

type publishedPage struct {
	Unit    *org.Unit // the unit page; nil for the county-wide list
	Areas   []org.ServiceArea
	AreaID  int64
	UnitID  int64
	Items   []publishedItem
	Total   int
	Page    int
	Pages   int
	PrevURL string
	NextURL string
	FormURL string
	Lang    string
}

// pageNumber reads ?page= (1-based); anything else is page 1.
func pageNumber(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 || n > 100000 {
		return 1
	}
	return n
}

// listPublished fills the items of one page for the given units (nil: all).
func (s *Server) listPublished(r *http.Request, tx *store.Tx, d *publishedPage, unitIDs []int64) error {
	items, total, err := tx.ListPublishedFeedback(r.Context(), store.PublishedFilter{UnitIDs: unitIDs,
		Limit: publishedPageSize, Offset: (d.Page - 1) * publishedPageSize})
	if err != nil {
		return err
	}
	units, err := tx.Units(r.Context(), store.UnitFilter{})
	if err != nil {
		return err
	}
	byID := map[int64]org.Unit{}
	for _, u := range units {
		byID[u.ID] = u
	}
	for _, it := range items {
		if it.Objection() { // never; the store already leaves them out
			continue
		}
		it.Original = ""
		pi := publishedItem{Item: it, Unit: byID[it.UnitID]}
		if it.PublishedAt != nil {
			pi.PublishedAt = *it.PublishedAt
		}
		d.Items = append(d.Items, pi)
	}
	d.Total = total
	d.Pages = max(1, (total+publishedPageSize-1)/publishedPageSize)
	return nil
}

// pageLinks sets the previous and next page links on base with its query.
func (d *publishedPage) pageLinks(path string, q url.Values) {
	link := func(p int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(p))
		return path + "?" + v.Encode()
	}
	if d.Page > 1 {
		d.PrevURL = link(d.Page - 1)
	}
	if d.Page < d.Pages {
		d.NextURL = link(d.Page + 1)
	}
}

func (s *Server) publishedCounty(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d := publishedPage{Page: pageNumber(r), Lang: string(requestInfo(r).Lang)}
	d.AreaID, _ = strconv.ParseInt(q.Get("area"), 10, 64)
	d.UnitID, _ = strconv.ParseInt(q.Get("unit"), 10, 64)
	err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		var err error
		if d.Areas, err = activeUnitsByArea(r.Context(), tx); err != nil {
			return err
		}
		var ids []int64
		switch {
		case d.UnitID > 0:
			ids = []int64{d.UnitID}
		case d.AreaID > 0:
			ids = []int64{}
			units, err := tx.Units(r.Context(), store.UnitFilter{ServiceAreaID: d.AreaID})
			if err != nil {
				return err
			}
			for _, u := range units {
				ids = append(ids, u.ID)
			}
		}
		return s.listPublished(r, tx, &d, ids)
	})
	if err != nil {
		return err
	}
	keep := url.Values{"lang": {d.Lang}}
	if d.AreaID > 0 {
		keep.Set("area", strconv.FormatInt(d.AreaID, 10))
	}
	if d.UnitID > 0 {
		keep.Set("unit", strconv.FormatInt(d.UnitID, 10))
	}
	d.pageLinks("/palaute", keep)
	s.render(w, r, http.StatusOK, "public/published.html", d)
	return nil
}

func (s *Server) publishedUnit(w http.ResponseWriter, r *http.Request) error {
	d := publishedPage{Page: pageNumber(r), Lang: string(requestInfo(r).Lang)}
	err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		u, err := activeUnitBySlug(r.Context(), tx, r.PathValue("slug"))
		if err != nil {
			return err
		}
		d.Unit, d.UnitID = &u, u.ID
		return s.listPublished(r, tx, &d, []int64{u.ID})
	})
	if err != nil {
		return err
	}
	d.FormURL = "/p/" + d.Unit.Slug + langQuery(r)
	d.pageLinks("/p/"+d.Unit.Slug+"/julkaistut", url.Values{"lang": {d.Lang}})
	s.render(w, r, http.StatusOK, "public/published.html", d)
	return nil
}
