package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"kuulu/internal/feedback"
	"kuulu/internal/store"
)

func TestPublishedList(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		c := e.client()
		publish := func(it *feedback.Item, reply string) {
			now := e.clock.T
			it.Status, it.AnsweredAt, it.Reply, it.PublishedAt, it.PublishedBy = feedback.StatusAnswered, &now, reply, &now, 0
		}
		f := pubValidForm(e)
		f.Set("text", "Julkaistava ZQX1: hetu 131052-308T, numero 040 123 4567.")
		published := pubSubmit(t, c, pubSlug, f)
		pubUpdate(t, e, published, func(it *feedback.Item) { publish(it, "Vastaus ZQX1: lisäsimme tuoleja.") })

		f.Set("text", "Julkaisematon ZQX2")
		pubSubmit(t, c, pubSlug, f)

		// An objection that is (wrongly) marked published never shows.
		f.Set("text", "Muistutus ZQX3")
		objection := pubSubmit(t, c, pubSlug, f)
		pubUpdate(t, e, objection, func(it *feedback.Item) {
			publish(it, "Vastaus ZQX3")
			it.Class = feedback.ClassObjection
		})

		// One in another service area.
		e.pubNextWindow()
		f.Set("text", "Toinen alue ZQX4")
		other := "kajaanin-suun-terveydenhuolto"
		f.Set("unit", strconv.FormatInt(pubUnitID(t, e, other), 10))
		otherCode := pubSubmit(t, c, pubSlug, f)
		pubUpdate(t, e, otherCode, func(it *feedback.Item) { publish(it, "Vastaus ZQX4") })

		r := c.get("/palaute?lang=fi")
		if r.Status != http.StatusOK {
			t.Fatalf("county list: %d", r.Status)
		}
		for _, want := range []string{"Julkaistava ZQX1: hetu [HETU], numero [PUH].", "Vastaus ZQX1: lisäsimme tuoleja.", "Kajaanin terveysasema", "ZQX4"} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("county list lacks %q", want)
			}
		}
		for _, bad := range []string{"ZQX2", "ZQX3", "131052-308T", "040 123 4567"} {
			if strings.Contains(r.Body, bad) {
				t.Errorf("county list shows %q", bad)
			}
		}
		var areaID, healthArea int64
		e.db.Read(context.Background(), func(tx *store.Tx) error {
			u, err := tx.UnitBySlug(context.Background(), pubSlug)
			healthArea = u.ServiceAreaID
			as, _ := tx.ServiceAreas(context.Background())
			for _, a := range as {
				if a.ID != healthArea {
					areaID = a.ID
					break
				}
			}
			return err
		})
		if r := c.get("/palaute?area=" + strconv.FormatInt(areaID, 10)); strings.Contains(r.Body, "ZQX1") {
			t.Error("area filter shows another area's item")
		}
		if r := c.get("/palaute?unit=" + strconv.FormatInt(pubUnitID(t, e, other), 10)); !strings.Contains(r.Body, "ZQX4") || strings.Contains(r.Body, "ZQX1") {
			t.Error("unit filter")
		}
		u := c.get("/p/" + pubSlug + "/julkaistut?lang=fi")
		if u.Status != http.StatusOK || !strings.Contains(u.Body, "ZQX1") || strings.Contains(u.Body, "ZQX4") || strings.Contains(u.Body, "ZQX3") {
			t.Errorf("unit list: %d", u.Status)
		}
		if r := c.get("/p/" + pubSlug + "/julkaistut?page=999"); r.Status != http.StatusOK || strings.Contains(r.Body, "ZQX1") {
			t.Errorf("page past the end: %d", r.Status)
		}
		if r := c.get("/p/no-such-unit/julkaistut"); r.Status != http.StatusNotFound {
			t.Errorf("unknown unit: %d", r.Status)
		}
	})
}

func TestPublishedPaging(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		c := e.client()
		var items []feedback.Item
		var total int
		e.db.Read(context.Background(), func(tx *store.Tx) error {
			var err error
			items, total, err = tx.ListPublishedFeedback(context.Background(), store.PublishedFilter{Limit: publishedPageSize})
			return err
		})
		for _, it := range items {
			if it.Objection() || it.PublishedAt == nil {
				t.Errorf("listed %+v", it)
			}
		}
		r := c.get("/palaute?lang=en")
		if !strings.Contains(r.Body, e.pubMsg("en", "public.published.count", total)) {
			t.Errorf("count %d not shown", total)
		}
		if total > publishedPageSize {
			if !strings.Contains(r.Body, `rel="next"`) {
				t.Error("no next page link")
			}
			if r2 := c.get("/palaute?lang=en&page=2"); !strings.Contains(r2.Body, `rel="prev"`) {
				t.Error("no previous page link")
			}
		} else if total == 0 && !strings.Contains(r.Body, e.pubMsg("en", "public.published.none")) {
			t.Error("empty list not explained")
		}
	})
}
