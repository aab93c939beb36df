package web

import (
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"

	"kuulu/internal/conversation"
	"kuulu/internal/domain"
	"kuulu/internal/store"
)

// Answering a statement (POST /keskustelut/{slug}/vote) and adding one
// (POST /keskustelut/{slug}/statements). Without JavaScript a form posts
// and is redirected back to the page (post/redirect/get); vote.js posts the
// same form with Accept: application/json and gets the next statement as
// JSON (voteReply). Refusals are 4xx with a translated message, as the
// page (browser) or as {"error": …} (JSON), and nothing of a refused
// request is stored: each is one transaction.

// voteReply is the JSON answer to a vote.
type voteReply struct {
	Saved    voteSaved      `json:"saved"`
	Message  string         `json:"message"`
	Next     *nextStatement `json:"next"`
	Answered int            `json:"answered"`
	Total    int            `json:"total"`
	Progress string         `json:"progress"`
	MapReady bool           `json:"map_ready"`
	MapURL   string         `json:"map_url,omitempty"`
	MapHint  string         `json:"map_hint"`
}

type voteSaved struct {
	Statement int64  `json:"statement"`
	Text      string `json:"text"`
	Lang      string `json:"lang"`
	Answer    string `json:"answer"` // agree, disagree, pass
	Label     string `json:"label"`
	ChangeURL string `json:"change_url"`
}

type nextStatement struct {
	ID   int64  `json:"id"`
	Text string `json:"text"`
	Lang string `json:"lang"`
}

func (h *convPages) vote(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	c, err := h.cachedConversation(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	key, _, err := h.participant(w, r, c, true)
	if err != nil {
		return h.refuse(w, r, c, key, convPage{}, err)
	}
	value, valid := parseAnswer(r.PostFormValue("value"))
	stmtID, _ := strconv.ParseInt(r.PostFormValue("statement"), 10, 64)
	if err := openForAnswers(c, h.s.clock.Now()); err != nil {
		return h.refuse(w, r, c, key, convPage{}, err)
	}
	if !valid {
		return h.refuse(w, r, c, key, convPage{}, domain.Invalid("err.conversation.vote_value"))
	}
	// Read first (in parallel with other requests) what the refusals and
	// the reply need; the write then re-checks everything in one statement.
	st, err := h.statementToAnswer(ctx, c, stmtID)
	if err != nil {
		return h.refuse(w, r, c, key, convPage{}, err)
	}
	if err := h.s.db.PrepareAnswers(ctx); err != nil {
		return err
	}
	p, mine, err := h.s.db.ReadParticipantAndVotes(ctx, c.ID, key.hash)
	if domain.IsNotFound(err) {
		p, err = conversation.Participant{}, nil
	}
	if err == nil && p.Banned {
		err = errBanned
	}
	if err != nil {
		return h.refuse(w, r, c, key, convPage{}, err)
	}
	err = h.s.db.WriteBatched(ctx, func(tx *store.Tx) error {
		if p.ID == 0 {
			var err error
			if p, err = participantIn(ctx, tx, c.ID, key); err != nil {
				return err
			}
		}
		n, until, err := tx.HitRate(ctx, "conv-vote:"+strconv.FormatInt(p.ID, 10), voteWindow)
		if err != nil {
			return err
		}
		if n > voteLimit {
			return &domain.Error{Code: domain.ETOOMANY, Key: "err.conversation.vote_rate", Message: "vote rate limit",
				RetryAfter: int(until.Sub(tx.Now()).Seconds()) + 1}
		}
		ok, err := tx.VoteIfOpen(ctx, c.ID, p.ID, st.ID, value, tx.Now())
		if err != nil || ok {
			return err
		}
		return whyNotVote(ctx, tx, c.ID, p.ID, st.ID)
	})
	if err != nil {
		return h.refuse(w, r, c, key, convPage{}, err)
	}
	if wantsJSON(r) {
		if mine == nil {
			mine = map[int64]int8{}
		}
		mine[st.ID] = value
		return h.voteJSON(w, r, c, mine, st, value)
	}
	return redirect(w, r, convPath(c)+langQuery(r)+"&vastattu=1#vote")
}

var errBanned = &domain.Error{Code: domain.EFORBIDDEN, Key: "err.conversation.banned", Message: "participant banned"}

// whyNotVote explains a refused VoteIfOpen: something changed after the
// request's first reads (the conversation closed, the statement was
// rejected, the participant banned).
func whyNotVote(ctx context.Context, tx *store.Tx, convID, participantID, stmtID int64) error {
	c, err := tx.Conversation(ctx, convID)
	if err != nil {
		return err
	}
	if err := openForAnswers(c, tx.Now()); err != nil {
		return err
	}
	if _, err := statementToAnswer(ctx, tx, c, stmtID); err != nil {
		return err
	}
	if banned, err := tx.ParticipantBanned(ctx, participantID); err != nil || banned {
		if err != nil {
			return err
		}
		return errBanned
	}
	return domain.Conflict("err.conversation.statement_unknown", "vote refused")
}

// statementToAnswer returns the statement if participants may answer it,
// from the cached statements (the write checks again). A statement that is
// not there (added within the last second) or not answerable there
// (perhaps accepted again meanwhile) is looked up in the database.
func (h *convPages) statementToAnswer(ctx context.Context, c conversation.Conversation, id int64) (conversation.Statement, error) {
	all, err := h.cachedStatements(ctx, c.ID)
	if err != nil {
		return conversation.Statement{}, err
	}
	if i, found := slices.BinarySearchFunc(all, id, func(s conversation.Statement, id int64) int { return cmp.Compare(s.ID, id) }); found {
		if st := all[i]; answerable(st, c.Moderation) == nil {
			return st, nil
		}
	}
	var st conversation.Statement
	err = h.s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		st, err = statementToAnswer(ctx, tx, c, id)
		return err
	})
	return st, err
}

// statementToAnswer returns the statement if participants may answer it now.
func statementToAnswer(ctx context.Context, tx *store.Tx, c conversation.Conversation, id int64) (conversation.Statement, error) {
	unknown := &domain.Error{Code: domain.ENOTFOUND, Key: "err.conversation.statement_unknown", Message: "no such statement in conversation"}
	if id <= 0 {
		return conversation.Statement{}, unknown
	}
	st, err := tx.Statement(ctx, id)
	if domain.IsNotFound(err) || (err == nil && st.ConversationID != c.ID) {
		return st, unknown
	}
	if err != nil {
		return st, err
	}
	return st, answerable(st, c.Moderation)
}

// answerable refuses a statement that participants do not see: waiting for
// moderation (under pre-moderation) or moderated out.
func answerable(st conversation.Statement, m conversation.Moderation) error {
	switch {
	case st.Visible(m):
		return nil
	case st.Status == conversation.StatementPending:
		return domain.Conflict("err.conversation.statement_pending", "statement awaits moderation")
	}
	return domain.Conflict("err.conversation.statement_removed", "statement moderated out")
}

// voteJSON answers vote.js: what was saved and the next statement. mine
// holds the participant's answers, this one included. The statements and
// the map's extremities come from caches at most a second old.
func (h *convPages) voteJSON(w http.ResponseWriter, r *http.Request, c conversation.Conversation, mine map[int64]int8, st conversation.Statement, value int8) error {
	ctx := r.Context()
	lang := requestInfo(r).Lang
	visible, err := h.cachedVisible(ctx, c.ID, c.Moderation)
	if err != nil {
		return err
	}
	// mine may hold answers to statements removed since: count the visible.
	answered := 0
	for _, s := range visible {
		if _, ok := mine[s.ID]; ok {
			answered++
		}
	}
	next, err := h.next(ctx, c.ID, visible, mine)
	if err != nil {
		return err
	}
	lq := langQuery(r)
	rep := voteReply{
		Saved: voteSaved{Statement: st.ID, Text: st.Text, Lang: st.Lang, Answer: answerNames[value],
			Label:     h.s.cat.T(lang, "conv.answer."+answerNames[value]),
			ChangeURL: convPath(c) + lq + "&muuta=" + strconv.FormatInt(st.ID, 10) + "#vote"},
		Message:  h.s.cat.T(lang, "conv.vote.saved_as", h.s.cat.T(lang, "conv.answer."+answerNames[value])),
		Answered: answered,
		Total:    len(visible),
	}
	var toMap int
	rep.MapReady, toMap = mapReady(rep.Answered, rep.Total)
	rep.Progress = h.s.cat.T(lang, "conv.progress", rep.Answered, rep.Total)
	if rep.MapReady {
		rep.MapURL = convPath(c) + "/kartta" + lq
		rep.MapHint = h.s.cat.T(lang, "conv.map.ready")
	} else {
		rep.MapHint = h.s.cat.T(lang, "conv.map.after", toMap)
	}
	if next != nil {
		rep.Next = &nextStatement{ID: next.ID, Text: next.Text, Lang: next.Lang}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(rep)
}

// submitStatement adds a participant's statement. Near-duplicates of visible
// statements are pointed out first; confirm=1 sends it anyway.
func (h *convPages) submitStatement(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	c, err := h.conversationBySlug(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	raw := r.PostFormValue("text")
	d := convPage{Text: raw}
	key, _, err := h.participant(w, r, c, true)
	if err != nil {
		return h.refuse(w, r, c, key, d, err)
	}
	if err := submittable(c, h.s.clock.Now()); err != nil {
		return h.refuse(w, r, c, key, d, err)
	}
	text, err := conversation.NewStatementText(raw)
	if err != nil {
		if e := domain.AsError(err); e != nil && e.Fields != nil {
			d.Errs = e.Fields
			return h.renderPage(w, r, http.StatusUnprocessableEntity, c, key, d)
		}
		return err
	}
	var all []conversation.Statement
	if err := h.s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		all, err = tx.Statements(ctx, c.ID, store.StatementFilter{})
		return err
	}); err != nil {
		return err
	}
	for _, s := range all {
		if s.Status != conversation.StatementRejected && conversation.Similarity(text, s.Text) == 1 {
			d.Errs = domain.FieldErrors{}
			d.Errs.Add("text", "err.conversation.statement_duplicate")
			return h.renderPage(w, r, http.StatusUnprocessableEntity, c, key, d)
		}
	}
	if r.PostFormValue("confirm") != "1" {
		if d.Similar = conversation.NearDuplicates(text, visibleStatements(all, c.Moderation), maxSimilar); len(d.Similar) > 0 {
			return h.renderPage(w, r, http.StatusOK, c, key, d)
		}
	}
	if err := h.s.rateLimit(r, "conv-statement", statementIPLimit, statementWindow); err != nil {
		return h.refuse(w, r, c, key, d, err)
	}
	st := conversation.Statement{ConversationID: c.ID, Text: text, Status: conversation.StatementAccepted, Lang: string(requestInfo(r).Lang)}
	if c.Moderation == conversation.ModeratePre {
		st.Status = conversation.StatementPending
	}
	err = h.s.db.Write(ctx, func(tx *store.Tx) error {
		cur, err := tx.Conversation(ctx, c.ID)
		if err != nil {
			return err
		}
		if err := submittable(cur, tx.Now()); err != nil {
			return err
		}
		p, err := participantIn(ctx, tx, c.ID, key)
		if err != nil {
			return err
		}
		if p.Banned {
			return errBanned
		}
		n, until, err := tx.HitRate(ctx, "conv-statement:"+strconv.FormatInt(p.ID, 10), statementWindow)
		if err != nil {
			return err
		}
		if n > statementLimit {
			return &domain.Error{Code: domain.ETOOMANY, Key: "err.conversation.statement_rate", Message: "statement rate limit",
				RetryAfter: int(until.Sub(tx.Now()).Seconds()) + 1}
		}
		st.AuthorID = p.ID
		if err := tx.AddStatement(ctx, &st); err != nil {
			return err
		}
		// As in Polis, the author agrees with their own statement, so it is
		// never offered back to them.
		return tx.Vote(ctx, c.ID, p.ID, st.ID, conversation.Agree, tx.Now())
	})
	if err != nil {
		return h.refuse(w, r, c, key, d, err)
	}
	h.forget(c.ID)
	return redirect(w, r, convPath(c)+langQuery(r)+"&lisatty="+string(st.Status)+"#add")
}

// submittable refuses statements when the conversation is not open or does
// not take them.
func submittable(c conversation.Conversation, now time.Time) error {
	if err := openForAnswers(c, now); err != nil {
		return err
	}
	if !c.AllowStatements {
		return domain.Conflict("err.conversation.statements_closed", "conversation takes no statements")
	}
	return nil
}
