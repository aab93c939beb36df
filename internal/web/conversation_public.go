package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"math"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"kuulu/internal/auth"
	"kuulu/internal/conversation"
	"kuulu/internal/domain"
	"kuulu/internal/mapping"
	"kuulu/internal/store"
)

// The participant pages of opinion-mapping conversations: the list of
// conversations, one conversation with one statement at a time to answer,
// and adding a statement. No account is needed.
//
// Participants. In an anonymous conversation a participant is a random
// token in the cookie kuulu_p_{conversation id} (HttpOnly, SameSite=Lax,
// Secure on https); the database keeps only its SHA-256 (token_hash), so a
// stolen database cannot be used to vote as anyone. The cookie is set when
// the page is first shown and the participant row is created with the first
// answer or statement, so that two tabs opened on the page share one
// participant and looking at a page writes nothing. Conversations that
// require identification ("oidc") are open only to people signed in to
// Kuulu, identified by their person id (token_hash = SHA-256 of
// "person:{id}"): identification of residents (e.g. Suomi.fi) is not yet
// available, and the page says so instead of offering the buttons.
//
// Load. The answer path is the hot one: one batched write (group commit on
// SQLite) that re-checks the conversation, the statement, the participant
// and the rate limit and stores the answer; the statements with their vote
// counts are cached per conversation (checked against a cheap fingerprint
// on every request, so moderation shows at once; the counts may lag a
// second), and the map's statement extremities come from the latest stored
// analysis through a mapping.Reader. The web never waits for the math.

const (
	participantCookiePrefix = "kuulu_p_"
	participantTokenLen     = 43 // 32 random bytes, base64url without padding
	// voteLimit answers per voteWindow is faster than anyone reads; more is
	// a script. Counted per participant in the database (all instances).
	voteLimit  = 60
	voteWindow = time.Minute
	// statementLimit statements per statementWindow per participant, and
	// statementIPLimit per client address (against fresh cookies).
	statementLimit   = 5
	statementWindow  = 10 * time.Minute
	statementIPLimit = 30
	// countsMaxAge is how long cached vote counts may age.
	countsMaxAge = time.Second
	// maxSimilar is how many near-duplicates are pointed out.
	maxSimilar = 3
)

// convPages holds the participant pages' dependencies and caches. It is
// created with the routes, so that each Server has its own.
type convPages struct {
	s       *Server
	results *mapping.Reader

	mu    sync.Mutex
	cache map[int64]*stmtCache
	convs map[string]cachedConv
}

type cachedConv struct {
	c  conversation.Conversation
	at time.Time
}

func (s *Server) conversationRoutes(r *Router) {
	h := &convPages{s: s, results: mapping.NewReader(s.db), cache: map[int64]*stmtCache{}, convs: map[string]cachedConv{}}
	r.Handle("GET /keskustelut", auth.Public, h.list)
	r.Handle("GET /keskustelut/{slug}", auth.Public, h.page)
	r.Handle("POST /keskustelut/{slug}/vote", auth.Public, h.vote)
	r.Handle("POST /keskustelut/{slug}/statements", auth.Public, h.submitStatement)
}

// convPath is the conversation page's path.
func convPath(c conversation.Conversation) string { return "/keskustelut/" + url.PathEscape(c.Slug) }

// ---- the list ----

type convListPage struct {
	Open, Closed []convListItem
}

type convListItem struct {
	Conv      conversation.Conversation
	Summary   string // the description's first paragraph, shortened
	URL       string
	ReportURL string
}

func (h *convPages) list(w http.ResponseWriter, r *http.Request) error {
	var all []conversation.Conversation
	if err := h.s.db.Read(r.Context(), func(tx *store.Tx) error {
		var err error
		all, err = tx.Conversations(r.Context())
		return err
	}); err != nil {
		return err
	}
	now := h.s.clock.Now()
	lang, lq := requestInfo(r).Lang, langQuery(r)
	var d convListPage
	for _, c := range all {
		it := convListItem{Conv: c, URL: convPath(c) + lq, ReportURL: convPath(c) + "/raportti" + lq}
		if b := paragraphs(c.Description.In(lang)); len(b) > 0 {
			it.Summary = shorten(b[0].Text, 300)
		}
		switch c.StateAt(now) {
		case conversation.StateOpen:
			d.Open = append(d.Open, it)
		case conversation.StateClosed:
			if c.ReportVisible(now) {
				d.Closed = append(d.Closed, it)
			}
		}
	}
	h.s.render(w, r, http.StatusOK, "conversation/list.html", d)
	return nil
}

// shorten cuts s to at most n characters at a word boundary, with an ellipsis.
func shorten(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	cut := n
	for cut > n/2 && rs[cut] != ' ' {
		cut--
	}
	return strings.TrimRight(string(rs[:cut]), " ,.;:") + "…"
}

// ---- participants ----

// participantKey identifies the participant of a request: the token hash
// (and subject) under which the participant is stored.
type participantKey struct {
	hash, subject string
}

func hashToken(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func validToken(t string) bool {
	if len(t) != participantTokenLen {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(t)
	return err == nil
}

var errIdentificationUnavailable = &domain.Error{Code: domain.EFORBIDDEN, Key: "err.conversation.identification_unavailable",
	Message: "conversation requires identification"}

// participant returns the request's participant key. issue sets a new
// participant cookie when there is none (ok is then always true). An
// identified conversation needs a signed-in person.
func (h *convPages) participant(w http.ResponseWriter, r *http.Request, c conversation.Conversation, issue bool) (participantKey, bool, error) {
	if c.Identification == conversation.Identified {
		p := requestInfo(r).Person
		if p == nil {
			return participantKey{}, false, errIdentificationUnavailable
		}
		subject := "person:" + strconv.FormatInt(p.ID, 10)
		return participantKey{hash: hashToken(subject), subject: subject}, true, nil
	}
	name := participantCookiePrefix + strconv.FormatInt(c.ID, 10)
	if ck, err := r.Cookie(name); err == nil && validToken(ck.Value) {
		return participantKey{hash: hashToken(ck.Value)}, true, nil
	}
	if !issue {
		return participantKey{}, false, nil
	}
	b := make([]byte, 32)
	rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: name, Value: token, Path: "/keskustelut", MaxAge: 400 * 24 * 3600,
		HttpOnly: true, Secure: h.s.cfg.Secure, SameSite: http.SameSiteLaxMode})
	return participantKey{hash: hashToken(token)}, true, nil
}

// participantIn returns the stored participant for key, creating it (two
// concurrent requests with one key get the same row: CreateParticipant's
// ON CONFLICT).
func participantIn(ctx context.Context, tx *store.Tx, convID int64, key participantKey) (conversation.Participant, error) {
	p, err := tx.ParticipantByToken(ctx, convID, key.hash)
	if domain.IsNotFound(err) {
		return tx.CreateParticipant(ctx, convID, key.hash, key.subject)
	}
	return p, err
}

// ---- statements cache ----

// stmtCache is one conversation's statements with their vote counts.
type stmtCache struct {
	mu         sync.Mutex
	version    string
	loaded     time.Time
	list       []conversation.Statement
	visible    map[conversation.Moderation][]conversation.Statement // by moderation mode, made on demand
	refreshing bool
}

// visibleIn returns the visible statements of list (which the entry
// served) under moderation m, made once per loaded list.
func (e *stmtCache) visibleIn(list []conversation.Statement, m conversation.Moderation) []conversation.Statement {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(list) == 0 || len(e.list) == 0 || &list[0] != &e.list[0] {
		return visibleStatements(list, m) // the entry has moved on
	}
	if e.visible == nil {
		e.visible = map[conversation.Moderation][]conversation.Statement{}
	}
	v, ok := e.visible[m]
	if !ok {
		v = visibleStatements(list, m)
		e.visible[m] = v
	}
	return v
}

// statements returns every statement of a conversation (any status) with
// vote counts, checked against the statements' fingerprint, so that
// moderation shows at once (the counts may be a second old). The list is
// shared: do not modify it.
func (h *convPages) statements(ctx context.Context, convID int64) ([]conversation.Statement, error) {
	var version string
	if err := h.s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		version, err = tx.StatementsVersion(ctx, convID)
		return err
	}); err != nil {
		return nil, err
	}
	return h.loadStatements(ctx, convID, version)
}

// cachedStatements is statements without the fingerprint check, for the
// answer path: at most countsMaxAge old. An answer to a statement removed
// meanwhile is refused by the write's own check.
func (h *convPages) cachedStatements(ctx context.Context, convID int64) ([]conversation.Statement, error) {
	return h.loadStatements(ctx, convID, "")
}

// loadStatements serves the cache while it is younger than countsMaxAge
// (and, when version is given, of that version). While one request
// reloads, others are served the cached list.
func (h *convPages) loadStatements(ctx context.Context, convID int64, version string) ([]conversation.Statement, error) {
	list, _, err := h.loadStatementsEntry(ctx, convID, version)
	return list, err
}

func (h *convPages) loadStatementsEntry(ctx context.Context, convID int64, version string) ([]conversation.Statement, *stmtCache, error) {
	h.mu.Lock()
	e := h.cache[convID]
	if e == nil {
		e = &stmtCache{}
		h.cache[convID] = e
	}
	h.mu.Unlock()
	e.mu.Lock()
	if !e.loaded.IsZero() && (version == "" || e.version == version) && (time.Since(e.loaded) < countsMaxAge || e.refreshing) {
		list := e.list
		e.mu.Unlock()
		return list, e, nil
	}
	e.refreshing = true
	e.mu.Unlock()
	var list []conversation.Statement
	err := h.s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if version == "" {
			if version, err = tx.StatementsVersion(ctx, convID); err != nil {
				return err
			}
		}
		list, err = tx.Statements(ctx, convID, store.StatementFilter{})
		return err
	})
	e.mu.Lock()
	defer e.mu.Unlock()
	e.refreshing = false
	if err != nil {
		return nil, nil, err
	}
	e.version, e.list, e.loaded = version, list, time.Now()
	e.visible = nil
	return list, e, nil
}

// cachedVisible is cachedStatements' visible statements under moderation
// m (shared: do not modify).
func (h *convPages) cachedVisible(ctx context.Context, convID int64, m conversation.Moderation) ([]conversation.Statement, error) {
	all, e, err := h.loadStatementsEntry(ctx, convID, "")
	if err != nil {
		return nil, err
	}
	return e.visibleIn(all, m), nil
}

// cachedConversation returns a conversation by slug, at most countsMaxAge
// old, for the answer path (whose write checks the conversation again).
func (h *convPages) cachedConversation(ctx context.Context, slug string) (conversation.Conversation, error) {
	h.mu.Lock()
	cc, ok := h.convs[slug]
	h.mu.Unlock()
	if ok && time.Since(cc.at) < countsMaxAge {
		return cc.c, nil
	}
	c, err := h.conversationBySlug(ctx, slug)
	if err != nil {
		return c, err
	}
	h.mu.Lock()
	if len(h.convs) > 1000 {
		clear(h.convs)
	}
	h.convs[slug] = cachedConv{c: c, at: time.Now()}
	h.mu.Unlock()
	return c, nil
}

// forget drops a conversation's cached statements (after adding one).
func (h *convPages) forget(convID int64) {
	h.mu.Lock()
	delete(h.cache, convID)
	h.mu.Unlock()
}

func visibleStatements(all []conversation.Statement, m conversation.Moderation) []conversation.Statement {
	out := make([]conversation.Statement, 0, len(all))
	for _, s := range all {
		if s.Visible(m) {
			out = append(out, s)
		}
	}
	return out
}

// ---- the conversation page ----

// answerNames are the form values of the three answers.
var answerNames = map[int8]string{conversation.Agree: "agree", conversation.Disagree: "disagree", conversation.Pass: "pass"}

func parseAnswer(s string) (int8, bool) {
	switch s {
	case "agree":
		return conversation.Agree, true
	case "disagree":
		return conversation.Disagree, true
	case "pass":
		return conversation.Pass, true
	}
	return 0, false
}

type answerRow struct {
	ID        int64
	Text      string
	Lang      string
	Answer    string // agree, disagree, pass
	ChangeURL string
}

type convPage struct {
	Conv          conversation.Conversation
	State         conversation.State
	NeedsIdentity bool // identification required and nobody signed in
	CanVote       bool
	Current       *conversation.Statement // the statement to answer
	CurrentAnswer string                  // when changing an answer: the answer now
	Changing      bool
	Answered      int
	Total         int
	Answers       []answerRow
	MapReady      bool // answered enough to see the map
	ToMap         int  // answers still needed for the map
	ReportVisible bool
	MapURL        string
	ReportURL     string
	PageURL       string
	VoteAction    string
	// Statement form.
	CanSubmit       bool
	StatementAction string
	PreModeration   bool
	MaxStatement    int
	Text            string
	Errs            domain.FieldErrors
	Similar         []conversation.Statement
	// Messages: Saved after an answer (no JavaScript), Added after a
	// statement ("pending" or "accepted"), Error when a request was refused.
	Saved bool
	Added string
	Error string
}

// loadPage fills the page for the request's participant. key may be empty
// (no cookie yet: nothing answered).
func (h *convPages) loadPage(r *http.Request, c conversation.Conversation, key participantKey, d *convPage) error {
	ctx := r.Context()
	now := h.s.clock.Now()
	lq := langQuery(r)
	d.Conv, d.State = c, c.StateAt(now)
	d.PageURL = convPath(c) + lq
	d.MapURL, d.ReportURL = convPath(c)+"/kartta"+lq, convPath(c)+"/raportti"+lq
	d.VoteAction, d.StatementAction = convPath(c)+"/vote"+lq, convPath(c)+"/statements"+lq
	d.ReportVisible = c.ReportVisible(now)
	d.MaxStatement, d.PreModeration = conversation.MaxStatement, c.Moderation == conversation.ModeratePre
	if d.NeedsIdentity {
		return nil
	}
	all, err := h.statements(ctx, c.ID)
	if err != nil {
		return err
	}
	visible := visibleStatements(all, c.Moderation)
	var answers []store.Answer
	if key.hash != "" {
		err := h.s.db.Read(ctx, func(tx *store.Tx) error {
			p, err := tx.ParticipantByToken(ctx, c.ID, key.hash)
			if domain.IsNotFound(err) {
				return nil
			}
			if err != nil {
				return err
			}
			answers, err = tx.ParticipantAnswers(ctx, p.ID)
			return err
		})
		if err != nil {
			return err
		}
	}
	byID := make(map[int64]*conversation.Statement, len(visible))
	for i := range visible {
		byID[visible[i].ID] = &visible[i]
	}
	answered := make(map[int64]int8, len(answers))
	for _, a := range answers {
		s, ok := byID[a.StatementID]
		if !ok {
			continue // answered before it was removed: not shown, not counted
		}
		answered[a.StatementID] = a.Value
		d.Answers = append(d.Answers, answerRow{ID: s.ID, Text: s.Text, Lang: s.Lang, Answer: answerNames[a.Value],
			ChangeURL: convPath(c) + lq + "&muuta=" + strconv.FormatInt(s.ID, 10) + "#vote"})
	}
	d.Answered, d.Total = len(answered), len(visible)
	d.MapReady, d.ToMap = mapReady(d.Answered, d.Total)
	d.CanVote = d.State == conversation.StateOpen
	d.CanSubmit = d.CanVote && c.AllowStatements
	if !d.CanVote {
		return nil
	}
	if id, err := strconv.ParseInt(r.URL.Query().Get("muuta"), 10, 64); err == nil {
		if s, ok := byID[id]; ok {
			d.Current, d.Changing = s, true
			if v, ok := answered[id]; ok {
				d.CurrentAnswer = answerNames[v]
			}
			return nil
		}
	}
	next, err := h.next(ctx, c.ID, visible, answered)
	if err != nil {
		return err
	}
	d.Current = next
	return nil
}

// next picks the statement to answer next among those not answered, by
// Polis's priority with the extremities of the latest analysis (0 before
// there is one); nil when everything is answered.
func (h *convPages) next(ctx context.Context, convID int64, visible []conversation.Statement, answered map[int64]int8) (*conversation.Statement, error) {
	// The candidates are a scratch copy (answering asks for one each time).
	buf := candidatePool.Get().(*[]conversation.Statement)
	defer candidatePool.Put(buf)
	cands := (*buf)[:0]
	for _, s := range visible {
		if _, done := answered[s.ID]; !done {
			cands = append(cands, s)
		}
	}
	*buf = cands
	if len(cands) == 0 {
		return nil, nil
	}
	ext, err := h.results.Extremity(ctx, convID)
	if err != nil {
		// The map is a nicety here: choose without it rather than fail.
		h.s.log.Warn("conversation result unreadable", "conversation", convID, "err", err)
		ext = nil
	}
	s, ok := conversation.Next(cands, ext, math.Min(mrand.Float64(), math.Nextafter(1, 0)))
	clear(cands) // drop the texts' references before the buffer goes back
	if !ok {
		return nil, nil
	}
	return &s, nil
}

var candidatePool = sync.Pool{New: func() any { return new([]conversation.Statement) }}

func (h *convPages) conversationBySlug(ctx context.Context, slug string) (conversation.Conversation, error) {
	var c conversation.Conversation
	err := h.s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		c, err = tx.ConversationBySlug(ctx, slug)
		return err
	})
	return c, err
}

func (h *convPages) page(w http.ResponseWriter, r *http.Request) error {
	c, err := h.conversationBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	var d convPage
	q := r.URL.Query()
	d.Saved, d.Added = q.Get("vastattu") == "1", q.Get("lisatty")
	if d.Added != "pending" && d.Added != "accepted" {
		d.Added = ""
	}
	open := c.StateAt(h.s.clock.Now()) == conversation.StateOpen
	key, _, err := h.participant(w, r, c, open)
	if err == errIdentificationUnavailable {
		d.NeedsIdentity = true
	} else if err != nil {
		return err
	}
	return h.renderPage(w, r, http.StatusOK, c, key, d)
}

func (h *convPages) renderPage(w http.ResponseWriter, r *http.Request, status int, c conversation.Conversation, key participantKey, d convPage) error {
	if err := h.loadPage(r, c, key, &d); err != nil {
		return err
	}
	h.s.render(w, r, status, "conversation/page.html", d)
	return nil
}

// refuse answers a refused request: JSON clients and errors that are not
// the participant's (5xx) go to the error adapter; a browser gets the
// conversation page back with the message and the error's status.
func (h *convPages) refuse(w http.ResponseWriter, r *http.Request, c conversation.Conversation, key participantKey, d convPage, err error) error {
	e := domain.AsError(err)
	if e == nil || wantsJSON(r) || statusOf(e.Code) >= 500 || (e.Code == domain.ENOTFOUND && e.Key == "err.not_found") {
		return err
	}
	if e.Code == domain.ETOOMANY && e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	d.Error = h.s.cat.T(requestInfo(r).Lang, e.Key, e.Args...)
	if err == errIdentificationUnavailable {
		d.NeedsIdentity = true
	}
	return h.renderPage(w, r, statusOf(e.Code), c, key, d)
}

// mapReady reports whether a participant with answered answers out of total
// statements may see the opinion map (Polis clusters a participant after
// min(7, statements) votes), and how many answers are still needed.
func mapReady(answered, total int) (bool, int) {
	need := min(conversation.MinVotesForMap, total)
	return answered > 0 && answered >= need, max(0, need-answered)
}

// openForAnswers refuses a conversation that is not open at now.
func openForAnswers(c conversation.Conversation, now time.Time) error {
	switch c.StateAt(now) {
	case conversation.StateClosed:
		return domain.Conflict("err.conversation.closed", "conversation closed")
	case conversation.StateUpcoming:
		return domain.Conflict("err.conversation.upcoming", "conversation not open yet")
	}
	return nil
}
