package web

import (
	"context"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"kuulu/internal/auth"
	"kuulu/internal/domain"
	"kuulu/internal/feedback"
	"kuulu/internal/org"
	"kuulu/internal/store"
	"kuulu/internal/trackcode"
)

// The public feedback form: one short screen per unit at /p/{slug}, reached
// by a short link or the QR code on the unit's poster. No sign-in and no
// cookies are needed: the language travels in ?lang= on every link and form
// action, and nothing is kept between requests but the stored feedback.
//
// Spam and load: submissions are rate-limited per client address
// (publicSubmitLimit per rateWindow, counted in the database so the limit
// holds across instances), bodies are capped at publicMaxBody, and a
// honeypot field catches simple bots. A submission that fills the honeypot
// is answered exactly like a real one (303 to the thank-you page with a
// tracking code) but nothing is stored: the code on that page is freshly
// drawn and never saved, so its status page answers 404 like any unknown
// code. The bot learns nothing; a person who somehow filled the invisible
// field sees a code that does not work.

// Limits of the public endpoints. Rate limits count requests per client
// address in a fixed window shared by every instance.
const (
	rateWindow = time.Minute
	// publicSubmitLimit is how many submissions one address may send per
	// window on the public and accessibility forms together.
	publicSubmitLimit = 10
	// kioskSubmitLimit is per kiosk address: one tablet serves many clients
	// in turn, so it gets more room than a phone.
	kioskSubmitLimit = 20
	// trackLookupLimit is how many tracking-code lookups (status pages and
	// the lookup form) one address may make per window.
	trackLookupLimit = 30
	// publicMaxBody caps a public form body: 5,000 characters of text in the
	// worst UTF-8 encoding, percent-encoded, is about 60 KB.
	publicMaxBody = 64 << 10
	// honeypotField is the name of the hidden field that only bots fill.
	honeypotField = "website"
	// accessibilityPath is the accessibility feedback form (linked from the
	// accessibility statement). It shadows a unit with the slug
	// "saavutettavuus", which therefore cannot have a public form.
	accessibilityPath = "saavutettavuus"
	// accessibilityUnitSetting names the unit (by slug) that handles
	// feedback about Kuulu's own accessibility.
	accessibilityUnitSetting = "feedback.accessibility_unit"
)

func (s *Server) publicFeedbackRoutes(r *Router) {
	r.Handle("GET /p/"+accessibilityPath, auth.Public, s.accessibilityFeedbackForm)
	r.Handle("POST /p/"+accessibilityPath, auth.Public, s.accessibilityFeedbackSubmit)
	r.Handle("GET /p/{slug}", auth.Public, s.publicForm)
	r.Handle("POST /p/{slug}", auth.Public, s.publicSubmit)
	r.Handle("GET /p/{slug}/kiitos/{code}", auth.Public, s.publicReceipt)
}

// publicValues are what the giver typed, kept when the form comes back with errors.
type publicValues struct {
	UnitID    int64
	Kind      string
	Score     string
	Text      string
	Email     string
	Phone     string
	ReplyLang string
}

// summaryItem is one line of the error summary, in form order.
type summaryItem struct {
	Anchor string // id of the control to jump to
	Field  string // for the label key public.field.{Field}
	Err    domain.FieldError
}

type publicFormPage struct {
	Unit          org.Unit
	Areas         []org.ServiceArea // active units by service area, for the unit select
	Values        publicValues
	Errs          domain.FieldErrors
	Summary       []summaryItem
	Kinds         []feedback.Kind
	Scores        []int
	MaxText       int
	ReplyDays     int
	Action        string // form action with ?lang=, so no cookie is needed
	Langs         []domain.Lang
	Accessibility bool // the accessibility feedback form
	PublishedURL  string
}

// langQuery is "?lang=xx" for the request's language: public links and form
// actions carry it so that the language holds without cookies.
func langQuery(r *http.Request) string { return "?lang=" + string(requestInfo(r).Lang) }

// activeUnitsByArea returns the service areas that have active units, each
// with its active units, in display order.
func activeUnitsByArea(ctx context.Context, tx *store.Tx) ([]org.ServiceArea, error) {
	areas, err := tx.ServiceAreas(ctx)
	if err != nil {
		return nil, err
	}
	units, err := tx.Units(ctx, store.UnitFilter{ActiveOnly: true})
	if err != nil {
		return nil, err
	}
	var out []org.ServiceArea
	for _, a := range areas {
		for _, u := range units {
			if u.ServiceAreaID == a.ID {
				a.Units = append(a.Units, u)
			}
		}
		if len(a.Units) > 0 {
			out = append(out, a)
		}
	}
	return out, nil
}

// activeUnitBySlug returns an active unit; an unknown or inactive one is not found.
func activeUnitBySlug(ctx context.Context, tx *store.Tx, slug string) (org.Unit, error) {
	u, err := tx.UnitBySlug(ctx, slug)
	if err == nil && !u.Active {
		err = domain.NotFound("unit", slug)
	}
	return u, err
}

// pathUnit returns the active unit named by the request's {slug}. Every
// public page and submission asks, so the answer is kept for a moment
// (store.DB.LookUnitBySlug).
func (s *Server) pathUnit(r *http.Request) (org.Unit, error) {
	slug := r.PathValue("slug")
	u, err := s.db.LookUnitBySlug(r.Context(), slug)
	if err == nil && !u.Active {
		err = domain.NotFound("unit", slug)
	}
	return u, err
}

// loadPublicForm fills what every rendering of the form needs.
func (s *Server) loadPublicForm(r *http.Request, d *publicFormPage) error {
	return s.db.Read(r.Context(), func(tx *store.Tx) error {
		var err error
		if !d.Accessibility {
			if d.Areas, err = activeUnitsByArea(r.Context(), tx); err != nil {
				return err
			}
		}
		set, err := tx.FeedbackSettings(r.Context())
		if err != nil {
			return err
		}
		d.ReplyDays = set.ReplyDays
		if d.Accessibility {
			d.ReplyDays = set.AccessibilityDays
		}
		return nil
	})
}

func (s *Server) renderPublicForm(w http.ResponseWriter, r *http.Request, status int, d publicFormPage) error {
	d.Kinds, d.MaxText, d.Langs = feedback.Kinds, feedback.MaxText, domain.Langs
	d.Scores = []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	if d.Values.ReplyLang == "" {
		d.Values.ReplyLang = string(requestInfo(r).Lang)
	}
	if d.Accessibility {
		d.Action = "/p/" + accessibilityPath + langQuery(r)
	} else {
		d.Action = "/p/" + d.Unit.Slug + langQuery(r)
		d.PublishedURL = "/p/" + d.Unit.Slug + "/julkaistut" + langQuery(r)
		if d.Values.UnitID == 0 {
			d.Values.UnitID = d.Unit.ID
		}
	}
	d.Summary = summarise(d.Errs, []string{"unit", "kind", "score", "text", "email", "phone"},
		map[string]string{"kind": "f-kind-" + string(feedback.Kinds[0]), "score": "f-score-none"})
	if err := s.loadPublicForm(r, &d); err != nil {
		return err
	}
	page := "public/form.html"
	if d.Accessibility {
		page = "public/accessibility_form.html"
	}
	s.render(w, r, status, page, d)
	return nil
}

// summarise orders field errors as the fields appear on the form; anchors
// maps a field to the id of its first control when that is not f-{field}.
// Errors on fields not in order come last.
func summarise(errs domain.FieldErrors, order []string, anchors map[string]string) []summaryItem {
	var out []summaryItem
	seen := map[string]bool{}
	add := func(f string) {
		e, ok := errs[f]
		if !ok || seen[f] {
			return
		}
		seen[f] = true
		a := anchors[f]
		if a == "" {
			a = "f-" + f
		}
		out = append(out, summaryItem{Anchor: a, Field: f, Err: e})
	}
	for _, f := range order {
		add(f)
	}
	for f := range errs {
		add(f)
	}
	return out
}

// publicForm shows a unit's empty form. It is the same for every visitor in
// a language, so it is served from the page cache (see pagecache.go).
func (s *Server) publicForm(w http.ResponseWriter, r *http.Request) error {
	key := "form|" + r.PathValue("slug") + "|" + string(requestInfo(r).Lang) + "|" + r.URL.RawQuery
	return s.pages.serve(w, r, key, func(w http.ResponseWriter, r *http.Request) error {
		u, err := s.pathUnit(r)
		if err != nil {
			return err
		}
		return s.renderPublicForm(w, r, http.StatusOK, publicFormPage{Unit: u})
	})
}

// readPublicPost checks what every public POST must be before its fields
// are looked at: a form body (400 otherwise) of at most publicMaxBody bytes
// (413), readable as UTF-8 (400).
func readPublicPost(w http.ResponseWriter, r *http.Request) error {
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (ct != "application/x-www-form-urlencoded" && ct != "multipart/form-data") {
		return &domain.Error{Code: domain.EINVALID, Key: "public.err.content_type", Message: "content type " + r.Header.Get("Content-Type")}
	}
	if r.ContentLength > publicMaxBody {
		return errTooLarge
	}
	r.Body = http.MaxBytesReader(w, r.Body, publicMaxBody)
	return parseForm(r)
}

// publicSubmission reads the public form's fields into a submission. A
// score that is not a number is a field error of its own; the rest is
// checked by Submission.Validate (and again by intake).
func publicSubmission(r *http.Request) (feedback.Submission, publicValues, domain.FieldErrors) {
	f := r.PostForm
	v := publicValues{Kind: f.Get("kind"), Score: strings.TrimSpace(f.Get("score")), Text: f.Get("text"),
		Email: f.Get("email"), Phone: f.Get("phone"), ReplyLang: f.Get("reply_lang")}
	v.UnitID, _ = strconv.ParseInt(f.Get("unit"), 10, 64)
	errs := domain.FieldErrors{}
	sub := feedback.Submission{UnitID: v.UnitID, Channel: feedback.ChannelWeb, Kind: feedback.Kind(v.Kind), Text: v.Text,
		Contact: feedback.Contact{Email: v.Email, Phone: v.Phone}, Lang: v.ReplyLang}
	if v.Score != "" {
		n, err := strconv.Atoi(v.Score)
		if err != nil {
			errs.Add("score", "err.feedback.score")
		} else {
			sub.Score = &n
		}
	}
	if _, ok := domain.ParseLang(sub.Lang); !ok {
		sub.Lang = string(requestInfo(r).Lang)
		v.ReplyLang = sub.Lang
	}
	if err := sub.Validate(); err != nil {
		if e := domain.AsError(err); e != nil {
			for k, fe := range e.Fields {
				errs.Add(k, fe.Key, fe.Args...)
			}
		}
	}
	return sub, v, errs
}

// honeypot answers a submission that filled the hidden field: the normal
// redirect to the thank-you page with a code that is never stored.
func (s *Server) honeypot(w http.ResponseWriter, r *http.Request, slug string) error {
	s.log.Info("honeypot filled; submission discarded", "request_id", requestInfo(r).ID, "path", r.URL.Path)
	c, err := trackcode.New()
	if err != nil {
		return err
	}
	return redirect(w, r, receiptURL(r, slug, c))
}

func receiptURL(r *http.Request, slug string, c trackcode.Code) string {
	return "/p/" + slug + "/kiitos/" + c.String() + langQuery(r)
}

func (s *Server) publicSubmit(w http.ResponseWriter, r *http.Request) error {
	u, err := s.pathUnit(r)
	if err != nil {
		return err
	}
	if err := s.rateLimit(r, "submit", publicSubmitLimit, rateWindow); err != nil {
		return err
	}
	if err := readPublicPost(w, r); err != nil {
		return err
	}
	if r.PostForm.Get(honeypotField) != "" {
		return s.honeypot(w, r, u.Slug)
	}
	sub, v, errs := publicSubmission(r)
	d := publicFormPage{Unit: u, Values: v, Errs: errs}
	if len(errs) > 0 {
		return s.renderPublicForm(w, r, http.StatusUnprocessableEntity, d)
	}
	it, err := s.intake.SubmitFor(r.Context(), sub, u)
	if e := domain.AsError(err); e != nil && len(e.Fields) > 0 {
		d.Errs = e.Fields
		return s.renderPublicForm(w, r, http.StatusUnprocessableEntity, d)
	}
	if err != nil {
		return err
	}
	slug := u.Slug
	if it.UnitID != u.ID { // the giver chose another unit
		if err := s.db.Read(r.Context(), func(tx *store.Tx) error {
			cu, err := tx.Unit(r.Context(), it.UnitID)
			slug = cu.Slug
			return err
		}); err != nil {
			return err
		}
	}
	code, err := trackcode.Parse(it.Code)
	if err != nil {
		return err
	}
	return redirect(w, r, receiptURL(r, slug, code))
}

type receiptPage struct {
	Unit          org.Unit
	Accessibility bool
	Code          string // display form
	StatusURL     string
	FormURL       string
	ReplyDays     int
}

// publicReceipt is the thank-you page after a submission (post/redirect/get):
// the tracking code in large type and the link to its status page. It shows
// whatever well-formed code is in the URL without looking it up, so that the
// honeypot's answer looks the same as a real one; the status page is where a
// code is checked.
func (s *Server) publicReceipt(w http.ResponseWriter, r *http.Request) error {
	code, err := trackcode.Parse(r.PathValue("code"))
	if err != nil {
		return domain.NotFound("tracking code", "receipt")
	}
	slug := r.PathValue("slug")
	d := receiptPage{Code: code.Display(), StatusURL: "/t/" + code.String() + langQuery(r), FormURL: "/p/" + slug + langQuery(r)}
	err = s.db.Read(r.Context(), func(tx *store.Tx) error {
		set, err := tx.FeedbackSettings(r.Context())
		if err != nil {
			return err
		}
		d.ReplyDays = set.ReplyDays
		if slug == accessibilityPath {
			d.Accessibility, d.ReplyDays = true, set.AccessibilityDays
			return nil
		}
		d.Unit, err = activeUnitBySlug(r.Context(), tx, slug)
		return err
	})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "public/receipt.html", d)
	return nil
}

// Accessibility feedback is about Kuulu itself, not about a unit, but every
// item belongs to a unit's inbox. It goes to the unit named by the setting
// feedback.accessibility_unit (a slug): the county sets it to the unit that
// answers for its digital services. While the setting is missing or names
// no active unit, it goes to the first active unit in alphabetical order of
// the Finnish name, so that nothing is lost, and a warning is logged on each
// submission until an administrator sets it. The form does not name the
// unit to the giver: it says the county's staff responsible for the
// service's accessibility read it, which is what the setting should make true.
func (s *Server) accessibilityUnit(ctx context.Context, tx *store.Tx) (org.Unit, bool, error) {
	slug, err := tx.Setting(ctx, accessibilityUnitSetting, "")
	if err != nil {
		return org.Unit{}, false, err
	}
	if slug != "" {
		u, err := activeUnitBySlug(ctx, tx, slug)
		if err == nil {
			return u, true, nil
		}
		if !domain.IsNotFound(err) {
			return u, false, err
		}
	}
	units, err := tx.Units(ctx, store.UnitFilter{ActiveOnly: true})
	if err != nil {
		return org.Unit{}, false, err
	}
	if len(units) == 0 {
		return org.Unit{}, false, domain.NotFound("unit", "accessibility")
	}
	return units[0], false, nil
}

func (s *Server) accessibilityFeedbackForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderPublicForm(w, r, http.StatusOK, publicFormPage{Accessibility: true})
}

func (s *Server) accessibilityFeedbackSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := s.rateLimit(r, "submit", publicSubmitLimit, rateWindow); err != nil {
		return err
	}
	if err := readPublicPost(w, r); err != nil {
		return err
	}
	if r.PostForm.Get(honeypotField) != "" {
		return s.honeypot(w, r, accessibilityPath)
	}
	var u org.Unit
	err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		var configured bool
		var err error
		u, configured, err = s.accessibilityUnit(r.Context(), tx)
		if err == nil && !configured {
			s.log.Warn("accessibility feedback: setting "+accessibilityUnitSetting+" names no active unit; using the first active unit",
				"unit", u.Slug, "request_id", requestInfo(r).ID)
		}
		return err
	})
	if err != nil {
		return err
	}
	r.PostForm.Set("unit", strconv.FormatInt(u.ID, 10))
	r.PostForm.Set("kind", string(feedback.KindAccessibility))
	r.PostForm.Del("score")
	sub, v, errs := publicSubmission(r)
	d := publicFormPage{Accessibility: true, Values: v, Errs: errs}
	if fe, ok := errs["text"]; ok && fe.Key == "err.feedback.text_required" { // no score on this form
		errs["text"] = domain.FieldError{Key: "public.err.text_required"}
	}
	if len(errs) > 0 {
		return s.renderPublicForm(w, r, http.StatusUnprocessableEntity, d)
	}
	it, err := s.intake.Submit(r.Context(), sub)
	if e := domain.AsError(err); e != nil && len(e.Fields) > 0 {
		d.Errs = e.Fields
		return s.renderPublicForm(w, r, http.StatusUnprocessableEntity, d)
	}
	if err != nil {
		return err
	}
	code, err := trackcode.Parse(it.Code)
	if err != nil {
		return err
	}
	return redirect(w, r, receiptURL(r, accessibilityPath, code))
}
