package web

import (
	"net/http"
	"net/url"
	"strconv"

	"kuulu/internal/auth"
	"kuulu/internal/domain"
	"kuulu/internal/feedback"
	"kuulu/internal/org"
	"kuulu/internal/store"
)

// Kiosk mode: a tablet at a reception desk shows /k/{slug}. A client taps
// one of five faces (each with a text label) and may first write a few
// words; the tap sends. A thank-you screen then returns to the start after
// kioskReturnSeconds through a small script (kuulu.js, data-autoreturn); a
// meta refresh would do it without JavaScript but fails WCAG 2.2.1 (timing),
// so without JavaScript the screen shows a big "start" button instead.
//
// The screen is shared, so nothing of one client stays for the next: pages
// are not cached (Cache-Control: no-store, set for every page), the form has
// autocomplete off and is empty on every load, and no tracking code is shown
// (a code on a shared screen could be read by the next person; a client who
// wants to follow up uses the public form on their own phone). The language
// a client picks lasts for their turn only: the start page's language is
// carried as ?home= and the thank-you page returns to it.
//
// The kiosk asks no kind of feedback; it is derived from the face (kioskKind)
// and the unit's handlers set the real classification at triage.

// kioskReturnSeconds is how long the thank-you screen stays.
const kioskReturnSeconds = 5

func (s *Server) kioskRoutes(r *Router) {
	r.Handle("GET /k/{slug}", auth.Public, s.kioskStart)
	r.Handle("POST /k/{slug}", auth.Public, s.kioskSubmit)
	r.Handle("GET /k/{slug}/kiitos", auth.Public, s.kioskThanks)
}

// kioskFace is one of the five faces: its value, and the mouth of its
// drawing (an SVG path in a 24×24 box). The faces are drawn in inline SVG
// rather than emoji so that they look the same on every tablet, whatever
// its fonts; the text label (public.kiosk.face.{n}) says what each means.
type kioskFace struct {
	Value int
	Mouth string
}

// kioskFaces are the five faces, worst first.
var kioskFaces = []kioskFace{
	{1, "M7 17.5Q12 12 17 17.5"},
	{2, "M8 16.5Q12 14 16 16.5"},
	{3, "M8 15.5H16"},
	{4, "M8 14.5Q12 17.5 16 14.5"},
	{5, "M7 14Q12 20 17 14"},
}

// kioskKind derives the kind from the face: 4–5 praise, 3 an idea (it went
// fine, something could be better), 1–2 criticism.
func kioskKind(face int) feedback.Kind {
	switch {
	case face >= 4:
		return feedback.KindPraise
	case face == 3:
		return feedback.KindIdea
	}
	return feedback.KindCriticism
}

type langLink struct {
	Lang    domain.Lang
	URL     string
	Current bool
}

type kioskPage struct {
	Unit      org.Unit
	Home      domain.Lang // the kiosk's own language, restored after each client
	LangLinks []langLink
	Faces     []kioskFace
	Action    string
	Text      string
	Errs      domain.FieldErrors
	Summary   []summaryItem
	// thank-you page
	ReturnURL     string
	ReturnSeconds int
}

// kioskHome is the kiosk's own language: ?home= (or the form's home field)
// when valid, else the language of this request.
func kioskHome(r *http.Request, v string) domain.Lang {
	if l, ok := domain.ParseLang(v); ok {
		return l
	}
	return requestInfo(r).Lang
}

func (s *Server) kioskUnit(r *http.Request) (org.Unit, error) {
	var u org.Unit
	err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		var err error
		u, err = activeUnitBySlug(r.Context(), tx, r.PathValue("slug"))
		return err
	})
	return u, err
}

func (s *Server) renderKiosk(w http.ResponseWriter, r *http.Request, status int, page string, d kioskPage) {
	cur := requestInfo(r).Lang
	base := "/k/" + d.Unit.Slug
	for _, l := range domain.Langs {
		d.LangLinks = append(d.LangLinks, langLink{Lang: l, URL: base + "?lang=" + string(l) + "&home=" + string(d.Home), Current: l == cur})
	}
	d.Faces = kioskFaces
	d.Action = base + "?lang=" + string(cur)
	d.Summary = summarise(d.Errs, []string{"face", "text"}, map[string]string{"face": "f-face-1"})
	s.render(w, r, status, page, d)
}

func (s *Server) kioskStart(w http.ResponseWriter, r *http.Request) error {
	u, err := s.kioskUnit(r)
	if err != nil {
		return err
	}
	s.renderKiosk(w, r, http.StatusOK, "public/kiosk.html", kioskPage{Unit: u, Home: kioskHome(r, r.URL.Query().Get("home"))})
	return nil
}

func (s *Server) kioskSubmit(w http.ResponseWriter, r *http.Request) error {
	u, err := s.kioskUnit(r)
	if err != nil {
		return err
	}
	if err := s.rateLimit(r, "kiosk", kioskSubmitLimit, rateWindow); err != nil {
		return err
	}
	if err := readPublicPost(w, r); err != nil {
		return err
	}
	home := kioskHome(r, r.PostForm.Get("home"))
	thanks := "/k/" + u.Slug + "/kiitos" + langQuery(r) + "&home=" + string(home)
	if r.PostForm.Get(honeypotField) != "" {
		s.log.Info("honeypot filled; kiosk submission discarded", "request_id", requestInfo(r).ID)
		return redirect(w, r, thanks)
	}
	d := kioskPage{Unit: u, Home: home, Text: r.PostForm.Get("text"), Errs: domain.FieldErrors{}}
	face, err := strconv.Atoi(r.PostForm.Get("face"))
	if err != nil || face < 1 || face > 5 {
		d.Errs.Add("face", "err.feedback.face")
		s.renderKiosk(w, r, http.StatusUnprocessableEntity, "public/kiosk.html", d)
		return nil
	}
	sub := feedback.Submission{UnitID: u.ID, Channel: feedback.ChannelKiosk, Kind: kioskKind(face), Face: &face,
		Text: d.Text, Lang: string(requestInfo(r).Lang)}
	_, err = s.intake.Submit(r.Context(), sub)
	if e := domain.AsError(err); e != nil && len(e.Fields) > 0 {
		d.Errs = e.Fields
		s.renderKiosk(w, r, http.StatusUnprocessableEntity, "public/kiosk.html", d)
		return nil
	}
	if err != nil {
		return err
	}
	return redirect(w, r, thanks)
}

func (s *Server) kioskThanks(w http.ResponseWriter, r *http.Request) error {
	u, err := s.kioskUnit(r)
	if err != nil {
		return err
	}
	home := kioskHome(r, r.URL.Query().Get("home"))
	d := kioskPage{Unit: u, Home: home, ReturnSeconds: kioskReturnSeconds,
		ReturnURL: "/k/" + url.PathEscape(u.Slug) + "?lang=" + string(home)}
	s.renderKiosk(w, r, http.StatusOK, "public/kiosk_thanks.html", d)
	return nil
}
