package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"kuulu/internal/auth"
	"kuulu/internal/domain"
	"kuulu/internal/feedback"
	"kuulu/internal/org"
	"kuulu/internal/privacy"
	"kuulu/internal/store"
	"kuulu/internal/trackcode"
)

// The tracking-code status page /t/{code}: what became of what the giver
// said. It shows the unit, the dates, the public history with each person by
// role only, the public reply and the development actions linked later; the
// giver's own text only as the masked copy. Formal objections get a plain
// account of the formal process and of the complaint to the supervisory
// authority. Lookups are rate-limited per client address, so codes cannot be
// guessed by brute force (2⁵⁰ codes; trackLookupLimit per minute).

func (s *Server) statusRoutes(r *Router) {
	r.Handle("GET /t", auth.Public, s.trackLookup)
	r.Handle("GET /t/{code}", auth.Public, s.trackStatus)
}

type trackLookupPage struct {
	Code    string
	Errs    domain.FieldErrors
	Summary []summaryItem
	Action  string
}

// trackLookup is the "type your code" form; with ?code= it sends the
// browser to the code's status page in canonical form.
func (s *Server) trackLookup(w http.ResponseWriter, r *http.Request) error {
	raw := strings.TrimSpace(r.URL.Query().Get("code"))
	d := trackLookupPage{Code: raw, Action: "/t"}
	if raw == "" {
		s.render(w, r, http.StatusOK, "public/track_lookup.html", d)
		return nil
	}
	if err := s.rateLimit(r, "track", trackLookupLimit, rateWindow); err != nil {
		return err
	}
	c, err := trackcode.Parse(raw)
	if err != nil {
		d.Errs = domain.FieldErrors{}
		d.Errs.Add("code", "public.err.code_malformed")
		d.Summary = summarise(d.Errs, []string{"code"}, nil)
		s.render(w, r, http.StatusNotFound, "public/track_lookup.html", d)
		return nil
	}
	return redirect(w, r, "/t/"+c.String()+langQuery(r))
}

// publicEvent is one line of the public history.
type publicEvent struct {
	At     time.Time
	Kind   feedback.EventKind
	Status feedback.Status
	Role   string
}

// publicAction is a development action linked to the item, as the public
// sees it.
type publicAction struct {
	Title  string
	Status string
	URL    string
}

type statusPage struct {
	Code          string // display form
	Item          feedback.Item
	Unit          org.Unit
	Events        []publicEvent
	Actions       []publicAction
	Overdue       bool
	Objection     bool
	ObjectionDays int
	StaffRecorded bool
	Score         int          // recommendation 0–10, -1 when not given
	Face          int          // kiosk face 1–5, 0 when not given
	Markers       []markerNote // the privacy markers that occur in the texts
	LookupURL     string
}

// markerNote explains one privacy marker in the reader's language.
type markerNote struct{ Marker, Key string }

// linkedActions returns the development actions linked to an item, for the
// status page. Development actions are not built yet; when they are, this is
// where their public titles and statuses come from. Until then it returns
// none and the page says so.
func (s *Server) linkedActions(ctx context.Context, tx *store.Tx, feedbackID int64) ([]publicAction, error) {
	return nil, nil
}

func (s *Server) trackStatus(w http.ResponseWriter, r *http.Request) error {
	if err := s.rateLimit(r, "track", trackLookupLimit, rateWindow); err != nil {
		return err
	}
	raw := r.PathValue("code")
	c, err := trackcode.Parse(raw)
	if err != nil {
		return s.trackNotFound(w, r, raw, "public.err.code_malformed")
	}
	if c.String() != raw {
		http.Redirect(w, r, "/t/"+c.String()+langQuery(r), http.StatusFound)
		return nil
	}
	d := statusPage{Code: c.Display(), LookupURL: "/t" + langQuery(r)}
	err = s.db.Read(r.Context(), func(tx *store.Tx) error {
		var err error
		if d.Item, err = tx.FeedbackByCode(r.Context(), c.String()); err != nil {
			return err
		}
		if d.Unit, err = tx.Unit(r.Context(), d.Item.UnitID); err != nil {
			return err
		}
		evs, err := tx.FeedbackEvents(r.Context(), d.Item.ID, true)
		if err != nil {
			return err
		}
		for _, e := range evs {
			d.Events = append(d.Events, publicEvent{At: e.At, Kind: e.Kind, Status: e.Status, Role: publicRole(e.ActorRole)})
		}
		set, err := tx.FeedbackSettings(r.Context())
		if err != nil {
			return err
		}
		d.ObjectionDays = set.ObjectionDays
		d.Actions, err = s.linkedActions(r.Context(), tx, d.Item.ID)
		return err
	})
	if domain.IsNotFound(err) {
		return s.trackNotFound(w, r, raw, "public.err.code_unknown")
	}
	if err != nil {
		return err
	}
	d.Item.Original = "" // never on this page
	d.Objection = d.Item.Objection()
	d.Overdue = d.Item.Overdue(s.db.Now())
	d.StaffRecorded = d.Item.Channel == feedback.ChannelStaff
	d.Score = -1
	if d.Item.Score != nil {
		d.Score = *d.Item.Score
	}
	if d.Item.Face != nil {
		d.Face = *d.Item.Face
	}
	for _, m := range []markerNote{{privacy.MarkerIdentityCode, "public.marker.hetu"}, {privacy.MarkerPhone, "public.marker.phone"}, {privacy.MarkerEmail, "public.marker.email"}} {
		if strings.Contains(d.Item.Masked, m.Marker) || strings.Contains(d.Item.Reply, m.Marker) {
			d.Markers = append(d.Markers, m)
		}
	}
	s.render(w, r, http.StatusOK, "public/status.html", d)
	return nil
}

// publicRole is the role shown for a history entry: one of a fixed set, so
// that nothing else stored in actor_role can reach the page.
func publicRole(role string) string {
	switch role {
	case "client", "staff", "supervisor", "coordinator", "admin", "system":
		return role
	}
	return "system"
}

// trackNotFound answers an unknown or malformed code with 404 and the lookup
// form, so the giver can check the code and try again.
func (s *Server) trackNotFound(w http.ResponseWriter, r *http.Request, raw, key string) error {
	d := trackLookupPage{Code: raw, Action: "/t", Errs: domain.FieldErrors{}}
	d.Errs.Add("code", key)
	d.Summary = summarise(d.Errs, []string{"code"}, nil)
	s.render(w, r, http.StatusNotFound, "public/track_lookup.html", d)
	return nil
}
