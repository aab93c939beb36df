package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"kuulu/internal/conversation"
	"kuulu/internal/domain"
)

const convCols = `id, slug, topic_fi, topic_sv, topic_en, description_fi, description_sv, description_en, background_fi, background_sv, background_en,
	COALESCE(unit_id, 0), COALESCE(service_area_id, 0), opens_at, closes_at, allow_statements, moderation, identification, report_open, closed,
	COALESCE(created_by, 0), created_at, updated_at`

func scanConversation(s interface{ Scan(...any) error }) (conversation.Conversation, error) {
	var c conversation.Conversation
	var closes sql.NullTime
	var mod, ident string
	err := s.Scan(&c.ID, &c.Slug, &c.Topic.FI, &c.Topic.SV, &c.Topic.EN, &c.Description.FI, &c.Description.SV, &c.Description.EN,
		&c.Background.FI, &c.Background.SV, &c.Background.EN, &c.UnitID, &c.ServiceAreaID, &c.OpensAt, &closes, &c.AllowStatements,
		&mod, &ident, &c.ReportOpen, &c.Closed, &c.CreatedBy, &c.CreatedAt, &c.UpdatedAt)
	c.ClosesAt = timePtr(closes)
	c.Moderation, c.Identification = conversation.Moderation(mod), conversation.Identification(ident)
	return c, err
}

// SaveConversation inserts (ID 0) or updates a conversation. Validate first.
func (tx *Tx) SaveConversation(ctx context.Context, c *conversation.Conversation) error {
	now := tx.Now()
	c.UpdatedAt = now
	args := []any{c.Slug, c.Topic.FI, c.Topic.SV, c.Topic.EN, c.Description.FI, c.Description.SV, c.Description.EN,
		c.Background.FI, c.Background.SV, c.Background.EN, nullID(c.UnitID), nullID(c.ServiceAreaID), c.OpensAt, tPtr(c.ClosesAt),
		c.AllowStatements, string(c.Moderation), string(c.Identification), c.ReportOpen, c.Closed}
	if c.ID == 0 {
		c.CreatedAt = now
		id, err := tx.InsertID(ctx, `INSERT INTO conversations (slug, topic_fi, topic_sv, topic_en, description_fi, description_sv, description_en,
			background_fi, background_sv, background_en, unit_id, service_area_id, opens_at, closes_at, allow_statements, moderation, identification,
			report_open, closed, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			append(args, nullID(c.CreatedBy), now, now)...)
		c.ID = id
		return slugConflict(err)
	}
	res, err := tx.Exec(ctx, `UPDATE conversations SET slug = ?, topic_fi = ?, topic_sv = ?, topic_en = ?, description_fi = ?, description_sv = ?,
		description_en = ?, background_fi = ?, background_sv = ?, background_en = ?, unit_id = ?, service_area_id = ?, opens_at = ?, closes_at = ?,
		allow_statements = ?, moderation = ?, identification = ?, report_open = ?, closed = ?, updated_at = ? WHERE id = ?`, append(args, now, c.ID)...)
	if err != nil {
		return slugConflict(err)
	}
	return mustAffect(res, "conversation", c.ID)
}

// Conversation returns one conversation.
func (tx *Tx) Conversation(ctx context.Context, id int64) (conversation.Conversation, error) {
	c, err := scanConversation(tx.QueryRow(ctx, "SELECT "+convCols+" FROM conversations WHERE id = ?", id))
	if err == sql.ErrNoRows {
		return c, domain.NotFound("conversation", id)
	}
	return c, err
}

// ConversationBySlug returns one conversation by its public slug.
func (tx *Tx) ConversationBySlug(ctx context.Context, slug string) (conversation.Conversation, error) {
	c, err := scanConversation(tx.QueryRow(ctx, "SELECT "+convCols+" FROM conversations WHERE slug = ?", slug))
	if err == sql.ErrNoRows {
		return c, domain.NotFound("conversation", slug)
	}
	return c, err
}

// Conversations lists conversations, newest first.
func (tx *Tx) Conversations(ctx context.Context) ([]conversation.Conversation, error) {
	rows, err := tx.Query(ctx, "SELECT "+convCols+" FROM conversations ORDER BY opens_at DESC, id DESC")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []conversation.Conversation
	for rows.Next() {
		c, err := scanConversation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

const stmtCols = `s.id, s.conversation_id, s.text, COALESCE(s.author_id, 0), s.seed, s.meta, s.status, s.reject_reason, s.lang, s.created_at,
	COALESCE(s.moderated_by, 0), s.moderated_at`

func scanStatement(s interface{ Scan(...any) error }, extra ...any) (conversation.Statement, error) {
	var st conversation.Statement
	var status, reason string
	var mod sql.NullTime
	dst := append([]any{&st.ID, &st.ConversationID, &st.Text, &st.AuthorID, &st.Seed, &st.Meta, &status, &reason, &st.Lang, &st.CreatedAt,
		&st.ModeratedBy, &mod}, extra...)
	err := s.Scan(dst...)
	st.Status, st.RejectReason, st.ModeratedAt = conversation.StatementStatus(status), conversation.RejectReason(reason), timePtr(mod)
	return st, err
}

// AddStatement stores a statement (already validated and masked).
func (tx *Tx) AddStatement(ctx context.Context, s *conversation.Statement) error {
	if s.CreatedAt.IsZero() {
		s.CreatedAt = tx.Now()
	}
	id, err := tx.InsertID(ctx, `INSERT INTO statements (conversation_id, text, author_id, seed, meta, status, reject_reason, lang, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.ConversationID, s.Text, nullID(s.AuthorID), s.Seed, s.Meta, string(s.Status), string(s.RejectReason), s.Lang, s.CreatedAt)
	s.ID = id
	return err
}

// StatementFilter narrows statement listings.
type StatementFilter struct {
	Statuses []conversation.StatementStatus
	IDs      []int64
}

// Statements lists a conversation's statements in creation order with their
// vote counts (the votes that count: banned participants' are left out, see
// countedVotes).
func (tx *Tx) Statements(ctx context.Context, convID int64, f StatementFilter) ([]conversation.Statement, error) {
	where := []string{"s.conversation_id = ?"}
	args := []any{convID}
	if len(f.Statuses) > 0 {
		where = append(where, "s.status IN ("+placeholders(len(f.Statuses))+")")
		for _, st := range f.Statuses {
			args = append(args, string(st))
		}
	}
	if len(f.IDs) > 0 {
		where = append(where, "s.id IN ("+placeholders(len(f.IDs))+")")
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	// p.banned is NULL where a statement has no votes; NOT NULL is not true.
	rows, err := tx.Query(ctx, "SELECT "+stmtCols+`,
		COALESCE(SUM(CASE WHEN v.value = 1 AND NOT p.banned THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN v.value = -1 AND NOT p.banned THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN v.value = 0 AND NOT p.banned THEN 1 ELSE 0 END), 0)
		FROM statements s LEFT JOIN votes v ON v.statement_id = s.id LEFT JOIN conversation_participants p ON p.id = v.participant_id
		WHERE `+strings.Join(where, " AND ")+`
		GROUP BY s.id, s.conversation_id, s.text, s.author_id, s.seed, s.meta, s.status, s.reject_reason, s.lang, s.created_at, s.moderated_by, s.moderated_at
		ORDER BY s.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []conversation.Statement
	for rows.Next() {
		var a, d, p int
		st, err := scanStatement(rows, &a, &d, &p)
		if err != nil {
			return nil, err
		}
		st.Agrees, st.Disagrees, st.Passes = a, d, p
		out = append(out, st)
	}
	return out, rows.Err()
}

// Statement returns one statement (without counts).
func (tx *Tx) Statement(ctx context.Context, id int64) (conversation.Statement, error) {
	st, err := scanStatement(tx.QueryRow(ctx, "SELECT "+stmtCols+" FROM statements s WHERE s.id = ?", id))
	if err == sql.ErrNoRows {
		return st, domain.NotFound("statement", id)
	}
	return st, err
}

// ModerateStatement sets a statement's moderation state.
func (tx *Tx) ModerateStatement(ctx context.Context, id int64, status conversation.StatementStatus, reason conversation.RejectReason, meta bool, by int64) error {
	res, err := tx.Exec(ctx, "UPDATE statements SET status = ?, reject_reason = ?, meta = ?, moderated_by = ?, moderated_at = ? WHERE id = ?",
		string(status), string(reason), meta, nullID(by), tx.Now(), id)
	if err != nil {
		return err
	}
	return mustAffect(res, "statement", id)
}

// ParticipantByToken returns the participant with a cookie token hash.
func (tx *Tx) ParticipantByToken(ctx context.Context, convID int64, tokenHash string) (conversation.Participant, error) {
	var p conversation.Participant
	var last sql.NullTime
	err := tx.QueryRow(ctx, `SELECT id, conversation_id, subject, banned, created_at, last_vote_at FROM conversation_participants
		WHERE conversation_id = ? AND token_hash = ?`, convID, tokenHash).Scan(&p.ID, &p.ConversationID, &p.Subject, &p.Banned, &p.CreatedAt, &last)
	if err == sql.ErrNoRows {
		return p, domain.NotFound("participant", "")
	}
	p.LastVoteAt = timePtr(last)
	return p, err
}

// CreateParticipant stores a new participant. A participant that another
// request created with the same token at the same moment is returned instead.
func (tx *Tx) CreateParticipant(ctx context.Context, convID int64, tokenHash, subject string) (conversation.Participant, error) {
	now := tx.Now()
	_, err := tx.Exec(ctx, `INSERT INTO conversation_participants (conversation_id, token_hash, subject, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (conversation_id, token_hash) DO NOTHING`, convID, tokenHash, subject, now)
	if err != nil {
		return conversation.Participant{}, err
	}
	return tx.ParticipantByToken(ctx, convID, tokenHash)
}

// SetParticipantBanned bans or unbans a participant. A banned participant
// can no longer answer or write, and the answers they gave before are left
// out of the analysis and of every count shown with it (see countedVotes)
// until the ban is lifted; they stay stored, and in the open-data export.
// ban_changed_at records when the state last changed (setting the same state
// again leaves it alone), so that the background analysis rebuilds the map
// (BanStates, HasModerationAfter).
func (tx *Tx) SetParticipantBanned(ctx context.Context, id int64, banned bool) error {
	res, err := tx.Exec(ctx, `UPDATE conversation_participants SET ban_changed_at = CASE WHEN banned = ? THEN ban_changed_at ELSE ? END,
		banned = ? WHERE id = ?`, banned, tx.Now(), banned, id)
	if err != nil {
		return err
	}
	return mustAffect(res, "participant", id)
}

// Vote records a participant's answer; the last answer counts.
func (tx *Tx) Vote(ctx context.Context, convID, participantID, statementID int64, value int8, at time.Time) error {
	if _, err := tx.Exec(ctx, `INSERT INTO votes (conversation_id, participant_id, statement_id, value, voted_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (participant_id, statement_id) DO UPDATE SET value = excluded.value, voted_at = excluded.voted_at`,
		convID, participantID, statementID, int(value), at); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, "UPDATE conversation_participants SET last_vote_at = ? WHERE id = ?", at, participantID)
	return err
}

// ParticipantVotes returns a participant's current answers by statement.
func (tx *Tx) ParticipantVotes(ctx context.Context, participantID int64) (map[int64]int8, error) {
	rows, err := tx.Query(ctx, "SELECT statement_id, value FROM votes WHERE participant_id = ?", participantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int8{}
	for rows.Next() {
		var s int64
		var v int
		if err := rows.Scan(&s, &v); err != nil {
			return nil, err
		}
		out[s] = int8(v)
	}
	return out, rows.Err()
}

// VoteRow is one stored vote.
type VoteRow struct {
	ParticipantID, StatementID int64
	Value                      int8
	At                         time.Time
}

// countedVotes are the votes that count, as v with their participant as p:
// those of participants who are not banned. Banned participants' votes stay
// stored (a ban can be lifted) and in the open-data export
// (ConversationVotes), but are left out of the analysis input (VotesFrom,
// VotesInRowOrder), as Polis leaves a blocked participant's votes out of
// its math, and of the counts shown with the analysis (the report, the map,
// moderation, the conversation list) or used next to it (the statements'
// counts behind the next-statement priority), so that those say the same as
// the map. Use it as "FROM "+countedVotes+" WHERE v.conversation_id = ?".
const countedVotes = "votes v JOIN conversation_participants p ON p.id = v.participant_id AND NOT p.banned"

// ConversationVotes streams every vote of a conversation in the order they
// were cast (oldest first), banned participants' too: the complete record,
// for the open-data export. The analysis reads VotesInRowOrder and
// VotesFrom, which leave banned participants out.
func (tx *Tx) ConversationVotes(ctx context.Context, convID int64, fn func(VoteRow) error) error {
	rows, err := tx.Query(ctx, "SELECT participant_id, statement_id, value, voted_at FROM votes WHERE conversation_id = ? ORDER BY voted_at, participant_id, statement_id", convID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var v VoteRow
		var val int
		if err := rows.Scan(&v.ParticipantID, &v.StatementID, &val, &v.At); err != nil {
			return err
		}
		v.Value = int8(val)
		if err := fn(v); err != nil {
			return err
		}
	}
	return rows.Err()
}

// VoteStats returns the number of votes of a conversation (banned
// participants' too) and the time of the latest. The latest is read as a plain column (not MAX) so that both drivers
// return it as a time.
func (tx *Tx) VoteStats(ctx context.Context, convID int64) (int64, *time.Time, error) {
	var n int64
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM votes WHERE conversation_id = ?", convID).Scan(&n); err != nil {
		return 0, nil, err
	}
	if n == 0 {
		return 0, nil, nil
	}
	var last time.Time
	if err := tx.QueryRow(ctx, "SELECT voted_at FROM votes WHERE conversation_id = ? ORDER BY voted_at DESC LIMIT 1", convID).Scan(&last); err != nil {
		return 0, nil, err
	}
	last = last.UTC()
	return n, &last, nil
}

// ConversationResult is the stored latest analysis.
type ConversationResult struct {
	ConversationID int64
	ComputedAt     time.Time
	VotesSeen      int64
	LastVoteAt     *time.Time
	JSON           string
}

// SaveConversationResult stores the latest analysis of a conversation.
func (tx *Tx) SaveConversationResult(ctx context.Context, r ConversationResult) error {
	_, err := tx.Exec(ctx, `INSERT INTO conversation_results (conversation_id, computed_at, votes_seen, last_vote_at, result_json) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (conversation_id) DO UPDATE SET computed_at = excluded.computed_at, votes_seen = excluded.votes_seen,
		last_vote_at = excluded.last_vote_at, result_json = excluded.result_json`,
		r.ConversationID, r.ComputedAt, r.VotesSeen, tPtr(r.LastVoteAt), r.JSON)
	return err
}

// LoadConversationResult returns the latest stored analysis, ENOTFOUND when none.
func (tx *Tx) LoadConversationResult(ctx context.Context, convID int64) (ConversationResult, error) {
	r := ConversationResult{ConversationID: convID}
	var last sql.NullTime
	err := tx.QueryRow(ctx, "SELECT computed_at, votes_seen, last_vote_at, result_json FROM conversation_results WHERE conversation_id = ?", convID).
		Scan(&r.ComputedAt, &r.VotesSeen, &last, &r.JSON)
	if err == sql.ErrNoRows {
		return r, domain.NotFound("conversation result", convID)
	}
	r.LastVoteAt = timePtr(last)
	return r, err
}
