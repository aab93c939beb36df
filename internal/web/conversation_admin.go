package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"kuulu/internal/auth"
	"kuulu/internal/conversation"
	"kuulu/internal/domain"
	"kuulu/internal/mapping"
	"kuulu/internal/org"
	"kuulu/internal/store"
)

// The coordinators' side of opinion-mapping conversations: the list with
// counts, creating and editing a conversation with its seed statements,
// adding statements later, and closing. Moderation is in
// conversation_moderation.go, the opinion map in opinion_map.go and the
// report with its exports in conversation_report.go; all of them share
// convAdmin and are registered by conversationAdminRoutes.

// convAdmin holds the coordinator pages' and the map and report pages'
// dependencies: the server and a reader of the latest stored analysis (the
// background analysis in internal/mapping writes it; the pages never wait
// for the math).
type convAdmin struct {
	s       *Server
	results *mapping.Reader

	mu     sync.Mutex
	counts map[int64]*convCounts // see convAdmin.voteCounts
}

// convAdminBase is where the coordinator pages live.
const convAdminBase = "/coordinator/conversations"

// convResultMaxAge is how long a stored analysis is served from memory
// before the database is asked for a newer one, and convCountsMaxAge how
// long the report's vote counts are (tests shorten both).
var (
	convResultMaxAge = time.Second
	convCountsMaxAge = 3 * time.Second
)

func (s *Server) conversationAdminRoutes(r *Router) {
	h := &convAdmin{s: s, results: mapping.NewReader(s.db), counts: map[int64]*convCounts{}}
	h.results.MaxAge = convResultMaxAge
	b := convAdminBase
	r.Handle("GET "+b, auth.Coordinator, h.list)
	r.Handle("GET "+b+"/new", auth.Coordinator, h.newForm)
	r.Handle("POST "+b, auth.Coordinator, h.create)
	r.Handle("GET "+b+"/{id}", auth.Coordinator, h.edit)
	r.Handle("POST "+b+"/{id}", auth.Coordinator, h.update)
	r.Handle("POST "+b+"/{id}/statements", auth.Coordinator, h.addStatements)
	r.Handle("POST "+b+"/{id}/close", auth.Coordinator, h.closeConv)
	// Moderation (conversation_moderation.go).
	r.Handle("GET "+b+"/{id}/moderation", auth.Coordinator, h.moderation)
	r.Handle("POST "+b+"/{id}/moderation", auth.Coordinator, h.moderate)
	r.Handle("POST "+b+"/{id}/participants/{pid}/ban", auth.Coordinator, h.ban)
	// The opinion map and the report (opinion_map.go, conversation_report.go):
	// coordinators always, the public under the rules of each page.
	r.Handle("GET "+b+"/{id}/map", auth.Coordinator, h.adminMap)
	r.Handle("GET "+b+"/{id}/report", auth.Coordinator, h.adminReport)
	r.Handle("GET "+b+"/{id}/report.csv", auth.Coordinator, h.adminReportCSV)
	r.Handle("GET "+b+"/{id}/export.zip", auth.Coordinator, h.adminExport)
	r.Handle("GET "+b+"/{id}/summary", auth.Coordinator, h.summary)
	r.Handle("GET /keskustelut/{slug}/kartta", auth.Public, h.publicMap)
	r.Handle("GET /keskustelut/{slug}/raportti", auth.Public, h.publicReport)
	r.Handle("GET /keskustelut/{slug}/report.csv", auth.Public, h.publicReportCSV)
	r.Handle("GET /keskustelut/{slug}/export.zip", auth.Public, h.publicExport)
}

func convAdminPath(id int64) string { return convAdminBase + "/" + strconv.FormatInt(id, 10) }

// conv loads the conversation of the {id} path value.
func (h *convAdmin) conv(r *http.Request) (conversation.Conversation, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return conversation.Conversation{}, err
	}
	var c conversation.Conversation
	err = h.s.db.Read(r.Context(), func(tx *store.Tx) error {
		c, err = tx.Conversation(r.Context(), id)
		return err
	})
	return c, err
}

// ---- the list ----

type convAdminList struct {
	Rows []convAdminRow
}

type convAdminRow struct {
	store.ConversationOverview
	State conversation.State
}

func (h *convAdmin) list(w http.ResponseWriter, r *http.Request) error {
	var d convAdminList
	err := h.s.db.Read(r.Context(), func(tx *store.Tx) error {
		all, err := tx.ConversationOverviews(r.Context())
		for _, o := range all {
			d.Rows = append(d.Rows, convAdminRow{ConversationOverview: o, State: o.StateAt(h.s.clock.Now())})
		}
		return err
	})
	if err != nil {
		return err
	}
	h.s.render(w, r, http.StatusOK, "conversation_admin/list.html", d)
	return nil
}

// ---- the form ----

// datetimeLocal is the value format of <input type="datetime-local">; the
// times are Helsinki wall-clock times.
const datetimeLocal = "2006-01-02T15:04"

func toLocalInput(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.In(helsinki).Format(datetimeLocal)
}

// parseLocalInput reads a datetime-local value (seconds optional) as a
// Helsinki time. Empty is nil.
func parseLocalInput(s string) (*time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, true
	}
	for _, layout := range []string{datetimeLocal, datetimeLocal + ":05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, helsinki); err == nil {
			u := t.UTC()
			return &u, true
		}
	}
	return nil, false
}

type convAdminForm struct {
	Conv     conversation.Conversation
	State    conversation.State
	OpensAt  string
	ClosesAt string
	Seeds    string
	SeedLang string
	Units    []org.Unit
	Areas    []org.ServiceArea
	Errs     domain.FieldErrors
	Counts   store.StatementCounts
	Saved    string
	// Add-statements form on the edit page.
	AddSeeds  string
	AddLang   string
	AddErrs   domain.FieldErrors
	PublicURL string
	Langs     []domain.Lang
}

func (h *convAdmin) renderForm(w http.ResponseWriter, r *http.Request, status int, d convAdminForm) error {
	d.Langs = domain.Langs
	if d.SeedLang == "" {
		d.SeedLang = string(requestInfo(r).Lang)
	}
	if d.AddLang == "" {
		d.AddLang = d.SeedLang
	}
	d.State = d.Conv.StateAt(h.s.clock.Now())
	err := h.s.db.Read(r.Context(), func(tx *store.Tx) error {
		var err error
		// Active units, and the chosen one even if it has since closed.
		if d.Units, err = tx.Units(r.Context(), store.UnitFilter{ActiveOnly: true}); err != nil {
			return err
		}
		if id := d.Conv.UnitID; id != 0 && !slices.ContainsFunc(d.Units, func(u org.Unit) bool { return u.ID == id }) {
			if u, err := tx.Unit(r.Context(), id); err == nil {
				d.Units = append(d.Units, u)
			}
		}
		if d.Areas, err = tx.ServiceAreas(r.Context()); err != nil {
			return err
		}
		if d.Conv.ID != 0 {
			d.Counts, err = tx.ConversationStatementCounts(r.Context(), d.Conv.ID)
		}
		return err
	})
	if err != nil {
		return err
	}
	if d.Conv.ID != 0 && d.Conv.Slug != "" {
		d.PublicURL = "/keskustelut/" + url.PathEscape(d.Conv.Slug)
	}
	h.s.render(w, r, status, "conversation_admin/form.html", d)
	return nil
}

func (h *convAdmin) newForm(w http.ResponseWriter, r *http.Request) error {
	now := h.s.clock.Now().Truncate(time.Minute)
	c := conversation.Conversation{Moderation: conversation.ModeratePre, Identification: conversation.Anonymous,
		AllowStatements: true, OpensAt: now}
	return h.renderForm(w, r, http.StatusOK, convAdminForm{Conv: c, OpensAt: toLocalInput(&now)})
}

func (h *convAdmin) edit(w http.ResponseWriter, r *http.Request) error {
	c, err := h.conv(r)
	if err != nil {
		return err
	}
	return h.renderForm(w, r, http.StatusOK, convAdminForm{Conv: c, OpensAt: toLocalInput(&c.OpensAt), ClosesAt: toLocalInput(c.ClosesAt),
		Saved: r.URL.Query().Get("saved")})
}

// fromForm applies the form to c (keeping what the form does not hold) and
// returns the form's own field errors (dates that cannot be read).
func convFromForm(r *http.Request, c *conversation.Conversation) (opens, closes string, f domain.FieldErrors) {
	v := r.PostForm
	f = domain.FieldErrors{}
	trim := strings.TrimSpace
	c.Topic = domain.Text{FI: trim(v.Get("topic_fi")), SV: trim(v.Get("topic_sv")), EN: trim(v.Get("topic_en"))}
	c.Description = domain.Text{FI: trim(v.Get("description_fi")), SV: trim(v.Get("description_sv")), EN: trim(v.Get("description_en"))}
	c.Background = domain.Text{FI: trim(v.Get("background_fi")), SV: trim(v.Get("background_sv")), EN: trim(v.Get("background_en"))}
	c.Slug = strings.ToLower(trim(v.Get("slug")))
	if c.Slug == "" && c.Topic.FI != "" {
		c.Slug = org.Slugify(c.Topic.FI)
	}
	c.AllowStatements = v.Get("allow_statements") == "on"
	c.ReportOpen = v.Get("report_open") == "on"
	c.Moderation = conversation.Moderation(v.Get("moderation"))
	c.Identification = conversation.Identification(v.Get("identification"))
	c.UnitID, _ = strconv.ParseInt(v.Get("unit"), 10, 64)
	c.ServiceAreaID, _ = strconv.ParseInt(v.Get("service_area"), 10, 64)
	opens, closes = v.Get("opens_at"), v.Get("closes_at")
	if t, ok := parseLocalInput(opens); !ok {
		f.Add("opens_at", "err.convadmin.datetime")
	} else if t == nil {
		c.OpensAt = time.Time{}
	} else {
		c.OpensAt = *t
	}
	if t, ok := parseLocalInput(closes); !ok {
		f.Add("closes_at", "err.convadmin.datetime")
	} else {
		c.ClosesAt = t
	}
	return opens, closes, f
}

// maxSeedLines caps the statements added in one go.
const maxSeedLines = 200

// parseSeeds reads statements one per line: blank lines are skipped, each is
// checked and masked like a participant's statement, and repeats (of a line
// above or of an existing statement) are refused.
func parseSeeds(text string, existing []conversation.Statement) ([]string, *domain.FieldError) {
	seen := map[string]int{}
	for _, s := range existing {
		seen[strings.ToLower(strings.Join(strings.Fields(s.Text), " "))] = -1
	}
	var out []string
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i, ln := range lines {
		if strings.TrimSpace(ln) == "" {
			continue
		}
		no := i + 1
		if len(out) == maxSeedLines {
			return nil, &domain.FieldError{Key: "err.convadmin.seed_many", Args: []any{maxSeedLines}}
		}
		masked, err := conversation.NewStatementText(ln)
		if err != nil {
			return nil, &domain.FieldError{Key: "err.convadmin.seed_long", Args: []any{no, conversation.MaxStatement}}
		}
		key := strings.ToLower(strings.Join(strings.Fields(ln), " "))
		if prev, dup := seen[key]; dup {
			if prev < 0 {
				return nil, &domain.FieldError{Key: "err.convadmin.seed_exists", Args: []any{no}}
			}
			return nil, &domain.FieldError{Key: "err.convadmin.seed_repeat", Args: []any{no, prev}}
		}
		seen[key] = no
		out = append(out, masked)
	}
	return out, nil
}

func validSeedLang(l string) string {
	if lang, ok := domain.ParseLang(l); ok {
		return string(lang)
	}
	return string(domain.Finnish)
}

// checkServes verifies that the chosen unit and service area exist.
func checkServes(ctx context.Context, tx *store.Tx, c conversation.Conversation, f domain.FieldErrors) error {
	if c.UnitID != 0 {
		if _, err := tx.Unit(ctx, c.UnitID); domain.IsNotFound(err) {
			f.Add("unit", "err.convadmin.unknown_choice")
		} else if err != nil {
			return err
		}
	}
	if c.ServiceAreaID != 0 {
		if _, err := tx.ServiceArea(ctx, c.ServiceAreaID); domain.IsNotFound(err) {
			f.Add("service_area", "err.convadmin.unknown_choice")
		} else if err != nil {
			return err
		}
	}
	return nil
}

// mergeFieldErrors adds the field errors of err (if any) to f and returns
// err when it is not a field error.
func mergeFieldErrors(f domain.FieldErrors, err error) error {
	if err == nil {
		return nil
	}
	e := domain.AsError(err)
	if e == nil || len(e.Fields) == 0 {
		return err
	}
	for k, v := range e.Fields {
		f.Add(k, v.Key, v.Args...)
	}
	return nil
}

func (h *convAdmin) create(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	c := conversation.Conversation{}
	opens, closes, f := convFromForm(r, &c)
	if p := requestInfo(r).Person; p != nil {
		c.CreatedBy = p.ID
	}
	seedText, lang := r.PostForm.Get("seeds"), validSeedLang(r.PostForm.Get("seed_lang"))
	seeds, serr := parseSeeds(seedText, nil)
	if serr != nil {
		f.Add("seeds", serr.Key, serr.Args...)
	}
	if err := mergeFieldErrors(f, c.Validate()); err != nil {
		return err
	}
	var err error
	if len(f) == 0 {
		err = h.s.db.Write(r.Context(), func(tx *store.Tx) error {
			if err := checkServes(r.Context(), tx, c, f); err != nil || len(f) > 0 {
				if err == nil {
					err = f.Err()
				}
				return err
			}
			if err := tx.SaveConversation(r.Context(), &c); err != nil {
				return err
			}
			for _, text := range seeds {
				st := conversation.Statement{ConversationID: c.ID, Text: text, Seed: true, Status: conversation.StatementAccepted, Lang: lang}
				if err := tx.AddStatement(r.Context(), &st); err != nil {
					return err
				}
			}
			return h.s.audit(r, tx, "conversation.create", "conversation", c.ID, c.Slug+" ("+strconv.Itoa(len(seeds))+" seed statements)")
		})
		if err = mergeFieldErrors(f, err); err != nil {
			return err
		}
	}
	if len(f) > 0 {
		c.ID = 0
		return h.renderForm(w, r, http.StatusUnprocessableEntity, convAdminForm{Conv: c, OpensAt: opens, ClosesAt: closes,
			Seeds: seedText, SeedLang: lang, Errs: f})
	}
	return redirect(w, r, convAdminPath(c.ID)+"?saved=created")
}

func (h *convAdmin) update(w http.ResponseWriter, r *http.Request) error {
	c, err := h.conv(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	opens, closes, f := convFromForm(r, &c)
	if err := mergeFieldErrors(f, c.Validate()); err != nil {
		return err
	}
	if len(f) == 0 {
		err = h.s.db.Write(r.Context(), func(tx *store.Tx) error {
			if err := checkServes(r.Context(), tx, c, f); err != nil || len(f) > 0 {
				if err == nil {
					err = f.Err()
				}
				return err
			}
			if err := tx.SaveConversation(r.Context(), &c); err != nil {
				return err
			}
			return h.s.audit(r, tx, "conversation.update", "conversation", c.ID, c.Slug)
		})
		if err = mergeFieldErrors(f, err); err != nil {
			return err
		}
	}
	if len(f) > 0 {
		return h.renderForm(w, r, http.StatusUnprocessableEntity, convAdminForm{Conv: c, OpensAt: opens, ClosesAt: closes, Errs: f})
	}
	return redirect(w, r, convAdminPath(c.ID)+"?saved=updated")
}

// addStatements adds seed statements to an existing conversation, accepted
// at once (a coordinator wrote them).
func (h *convAdmin) addStatements(w http.ResponseWriter, r *http.Request) error {
	c, err := h.conv(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	text, lang := r.PostForm.Get("seeds"), validSeedLang(r.PostForm.Get("seed_lang"))
	f := domain.FieldErrors{}
	var added int
	err = h.s.db.Write(r.Context(), func(tx *store.Tx) error {
		existing, err := tx.ConversationStatements(r.Context(), c.ID)
		if err != nil {
			return err
		}
		seeds, serr := parseSeeds(text, existing)
		if serr == nil && len(seeds) == 0 {
			serr = &domain.FieldError{Key: "err.required"}
		}
		if serr != nil {
			f.Add("seeds", serr.Key, serr.Args...)
			return f.Err()
		}
		for _, s := range seeds {
			st := conversation.Statement{ConversationID: c.ID, Text: s, Seed: true, Status: conversation.StatementAccepted, Lang: lang}
			if err := tx.AddStatement(r.Context(), &st); err != nil {
				return err
			}
		}
		added = len(seeds)
		return h.s.audit(r, tx, "conversation.statements_add", "conversation", c.ID, strconv.Itoa(added)+" statements")
	})
	if err = mergeFieldErrors(f, err); err != nil {
		return err
	}
	if len(f) > 0 {
		return h.renderForm(w, r, http.StatusUnprocessableEntity, convAdminForm{Conv: c, OpensAt: toLocalInput(&c.OpensAt),
			ClosesAt: toLocalInput(c.ClosesAt), AddSeeds: text, AddLang: lang, AddErrs: f})
	}
	return redirect(w, r, convAdminPath(c.ID)+"?saved=statements#add-statements")
}

// closeConv closes a conversation now (close=1) or reopens one closed by
// hand (close=0; a closing time in the past must be changed in the form).
func (h *convAdmin) closeConv(w http.ResponseWriter, r *http.Request) error {
	c, err := h.conv(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	var action string
	switch r.PostForm.Get("close") {
	case "1":
		c.Closed, action = true, "conversation.close"
	case "0":
		c.Closed, action = false, "conversation.reopen"
	default:
		return domain.Invalid("err.bad_form")
	}
	err = h.s.db.Write(r.Context(), func(tx *store.Tx) error {
		if err := tx.SaveConversation(r.Context(), &c); err != nil {
			return err
		}
		return h.s.audit(r, tx, action, "conversation", c.ID, c.Slug)
	})
	if err != nil {
		return err
	}
	saved := "closed"
	if !c.Closed {
		saved = "reopened"
	}
	return redirect(w, r, convAdminPath(c.ID)+"?saved="+saved)
}
