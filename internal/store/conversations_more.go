package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"kuulu/internal/conversation"
	"kuulu/internal/domain"
)

// More storage for conversations: what the participant pages, the background
// analysis (internal/mapping) and the open-data import and export need on
// top of conversations.go.

// HitRate counts one event in a fixed window for bucket inside the caller's
// transaction and returns the count including this one and the window's end.
// It is DB.Hit for a unit of work that must stand or fall with the event: a
// vote and its rate counter commit together (in one group commit on SQLite),
// and a refused vote rolls its count back with it.
func (tx *Tx) HitRate(ctx context.Context, bucket string, window time.Duration) (int, time.Time, error) {
	start := tx.Now().Truncate(window)
	var n int
	err := tx.QueryRow(ctx, hitSQL, bucket, start).Scan(&n)
	return n, start.Add(window), err
}

// StatementsVersion is a cheap fingerprint of a conversation's statements:
// their number and a checksum over id, status and meta flag. A cache of the
// statements is still valid while the fingerprint is unchanged (vote counts
// aside, which a cache may let age).
func (tx *Tx) StatementsVersion(ctx context.Context, convID int64) (string, error) {
	var n, sum, maxID int64
	err := tx.QueryRow(ctx, `SELECT COUNT(*), COALESCE(MAX(id), 0), COALESCE(SUM(id * (CASE status WHEN 'accepted' THEN 3 WHEN 'pending' THEN 5 ELSE 7 END)
		+ (CASE WHEN meta THEN 11 ELSE 0 END)), 0) FROM statements WHERE conversation_id = ?`, convID).Scan(&n, &maxID, &sum)
	return strconv.FormatInt(n, 10) + ":" + strconv.FormatInt(maxID, 10) + ":" + strconv.FormatInt(sum, 10), err
}

// Answer is one of a participant's current answers.
type Answer struct {
	StatementID int64
	Value       int8
	At          time.Time
}

// ParticipantAnswers returns a participant's current answers, newest first.
func (tx *Tx) ParticipantAnswers(ctx context.Context, participantID int64) ([]Answer, error) {
	rows, err := tx.Query(ctx, "SELECT statement_id, value, voted_at FROM votes WHERE participant_id = ? ORDER BY voted_at DESC, statement_id DESC", participantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Answer
	for rows.Next() {
		var a Answer
		var v int
		if err := rows.Scan(&a.StatementID, &v, &a.At); err != nil {
			return nil, err
		}
		a.Value = int8(v)
		out = append(out, a)
	}
	return out, rows.Err()
}

// ResultMeta describes a stored analysis without its (possibly large) JSON.
type ResultMeta struct {
	ComputedAt time.Time
	VotesSeen  int64
	LastVoteAt *time.Time
}

// ConversationResultMeta returns what the stored analysis of a conversation is
// based on, ENOTFOUND when there is none.
func (tx *Tx) ConversationResultMeta(ctx context.Context, convID int64) (ResultMeta, error) {
	var m ResultMeta
	var last sql.NullTime
	err := tx.QueryRow(ctx, "SELECT computed_at, votes_seen, last_vote_at FROM conversation_results WHERE conversation_id = ?", convID).
		Scan(&m.ComputedAt, &m.VotesSeen, &last)
	if err == sql.ErrNoRows {
		return m, domain.NotFound("conversation result", convID)
	}
	m.ComputedAt, m.LastVoteAt = m.ComputedAt.UTC(), timePtr(last)
	return m, err
}

// AnalysisTarget is a conversation and what its stored analysis (if any) is
// based on.
type AnalysisTarget struct {
	ConversationID int64
	Result         *ResultMeta // nil: never analysed
}

// AnalysisTargets lists every conversation with the state of its stored
// analysis, for the background analysis to find its work.
func (tx *Tx) AnalysisTargets(ctx context.Context) ([]AnalysisTarget, error) {
	rows, err := tx.Query(ctx, `SELECT c.id, r.computed_at, r.votes_seen, r.last_vote_at
		FROM conversations c LEFT JOIN conversation_results r ON r.conversation_id = c.id ORDER BY c.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AnalysisTarget
	for rows.Next() {
		var t AnalysisTarget
		var computed, last sql.NullTime
		var seen sql.NullInt64
		if err := rows.Scan(&t.ConversationID, &computed, &seen, &last); err != nil {
			return nil, err
		}
		if computed.Valid {
			t.Result = &ResultMeta{ComputedAt: computed.Time.UTC(), VotesSeen: seen.Int64, LastVoteAt: timePtr(last)}
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// HasVotesAfter reports whether a conversation has a vote that counts
// (countedVotes: not a banned participant's) cast or changed after the given
// time; with after nil, whether it has any. The index on (conversation_id,
// voted_at) makes this one probe, and a look-up of the voter.
func (tx *Tx) HasVotesAfter(ctx context.Context, convID int64, after *time.Time) (bool, error) {
	q, args := "SELECT 1 FROM "+countedVotes+" WHERE v.conversation_id = ?", []any{convID}
	if after != nil {
		q, args = q+" AND v.voted_at > ?", append(args, *after)
	}
	var one int
	err := tx.QueryRow(ctx, q+" LIMIT 1", args...).Scan(&one)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return err == nil, err
}

// HasModerationAfter reports whether a statement of the conversation was
// moderated (accepted, rejected, marked meta) or a participant banned or
// unbanned after the given time: both change what the analysis counts.
func (tx *Tx) HasModerationAfter(ctx context.Context, convID int64, after time.Time) (bool, error) {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM statements WHERE conversation_id = ? AND moderated_at > ?
		UNION ALL SELECT 1 FROM conversation_participants WHERE conversation_id = ? AND ban_changed_at > ? LIMIT 1`,
		convID, after, convID, after).Scan(&one)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return err == nil, err
}

// VotesFrom streams the conversation's current votes that count
// (countedVotes: not banned participants') cast or changed at or after from,
// oldest first. It is what the analysis adds to a warm engine.
func (tx *Tx) VotesFrom(ctx context.Context, convID int64, from time.Time, fn func(VoteRow) error) error {
	return tx.streamVotes(ctx, fn, `SELECT v.participant_id, v.statement_id, v.value, v.voted_at FROM `+countedVotes+`
		WHERE v.conversation_id = ? AND v.voted_at >= ? ORDER BY v.voted_at, v.participant_id, v.statement_id`, convID, from)
}

// VotesInRowOrder streams every current vote that counts (countedVotes: not
// banned participants') of a conversation by participant id and statement
// id: participants in the order they joined, which is the row order of the
// vote matrix (Polis's cold start depends on it). It is the analysis input
// of a whole conversation.
func (tx *Tx) VotesInRowOrder(ctx context.Context, convID int64, fn func(VoteRow) error) error {
	return tx.streamVotes(ctx, fn, `SELECT v.participant_id, v.statement_id, v.value, v.voted_at FROM `+countedVotes+`
		WHERE v.conversation_id = ? ORDER BY v.participant_id, v.statement_id`, convID)
}

// BanState is whether a participant is banned, for the analysis.
type BanState struct {
	ParticipantID int64
	Banned        bool
}

// BanStates returns the ban state of the conversation's participants whose
// ban was set or lifted at or after from; with from nil, of every
// participant whose ban was ever set (the others are not banned). The
// analysis compares them with the states its warm engine was built with:
// a difference means the engine holds the wrong participants' votes and is
// rebuilt.
func (tx *Tx) BanStates(ctx context.Context, convID int64, from *time.Time) ([]BanState, error) {
	q, args := "SELECT id, banned FROM conversation_participants WHERE conversation_id = ? AND ban_changed_at IS NOT NULL", []any{convID}
	if from != nil {
		q, args = q+" AND ban_changed_at >= ?", append(args, *from)
	}
	rows, err := tx.Query(ctx, q+" ORDER BY id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []BanState
	for rows.Next() {
		var b BanState
		if err := rows.Scan(&b.ParticipantID, &b.Banned); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

func (tx *Tx) streamVotes(ctx context.Context, fn func(VoteRow) error, q string, args ...any) error {
	rows, err := tx.Query(ctx, q, args...)
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
		v.Value, v.At = int8(val), v.At.UTC()
		if err := fn(v); err != nil {
			return err
		}
	}
	return rows.Err()
}

// StatementState is a statement's moderation state, for the analysis.
type StatementState struct {
	ID          int64
	Status      conversation.StatementStatus
	Meta        bool
	ModeratedAt *time.Time
}

// StatementStates returns the moderation state of a conversation's
// statements: all of them (from nil), or those moderated at or after from.
func (tx *Tx) StatementStates(ctx context.Context, convID int64, from *time.Time) ([]StatementState, error) {
	q, args := "SELECT id, status, meta, moderated_at FROM statements WHERE conversation_id = ?", []any{convID}
	if from != nil {
		q, args = q+" AND moderated_at >= ?", append(args, *from)
	}
	rows, err := tx.Query(ctx, q+" ORDER BY id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StatementState
	for rows.Next() {
		var s StatementState
		var status string
		var mod sql.NullTime
		if err := rows.Scan(&s.ID, &status, &s.Meta, &mod); err != nil {
			return nil, err
		}
		s.Status, s.ModeratedAt = conversation.StatementStatus(status), timePtr(mod)
		out = append(out, s)
	}
	return out, rows.Err()
}

// SaveConversationResultIfNewer stores an analysis unless the stored one is
// based on a later snapshot of the database (a larger computed_at, which is
// the time the analysed state was read). Several instances may analyse the
// same conversation at once; this keeps a slow, older computation from
// overwriting a newer one. It reports whether the result was stored.
func (tx *Tx) SaveConversationResultIfNewer(ctx context.Context, r ConversationResult) (bool, error) {
	var stored time.Time
	err := tx.QueryRow(ctx, "SELECT computed_at FROM conversation_results WHERE conversation_id = ?", r.ConversationID).Scan(&stored)
	switch {
	case err == sql.ErrNoRows:
	case err != nil:
		return false, err
	case stored.After(r.ComputedAt):
		return false, nil
	}
	return true, tx.SaveConversationResult(ctx, r)
}

// importTokenPrefix marks participants loaded from an open-data export: they
// have no cookie, and the token column holds "import:" and their id in the
// export (external_id alone cannot tell, as 0 is both a Polis id and "native").
const importTokenPrefix = "import:"

// ImportStatement stores a statement loaded from an open-data export with
// its id there. The text is stored as given (the caller masks it).
func (tx *Tx) ImportStatement(ctx context.Context, s *conversation.Statement, externalID int64) error {
	id, err := tx.InsertID(ctx, `INSERT INTO statements (conversation_id, text, author_id, seed, meta, status, reject_reason, lang, created_at, external_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.ConversationID, s.Text, nullID(s.AuthorID), s.Seed, s.Meta, string(s.Status),
		string(s.RejectReason), s.Lang, s.CreatedAt, externalID)
	s.ID = id
	return err
}

// ImportParticipant stores a participant loaded from an open-data export
// with its id there.
func (tx *Tx) ImportParticipant(ctx context.Context, convID, externalID int64, at time.Time) (int64, error) {
	return tx.InsertID(ctx, `INSERT INTO conversation_participants (conversation_id, token_hash, subject, created_at, external_id)
		VALUES (?, ?, '', ?, ?)`, convID, importTokenPrefix+strconv.FormatInt(externalID, 10), at, externalID)
}

// ImportVotes stores votes loaded from an open-data export (at most one per
// participant and statement) and sets each participant's last vote time.
func (tx *Tx) ImportVotes(ctx context.Context, convID int64, votes []VoteRow) error {
	const chunk = 200
	for len(votes) > 0 {
		n := min(chunk, len(votes))
		args := make([]any, 0, 5*n)
		for _, v := range votes[:n] {
			args = append(args, convID, v.ParticipantID, v.StatementID, int(v.Value), v.At)
		}
		q := "INSERT INTO votes (conversation_id, participant_id, statement_id, value, voted_at) VALUES " +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?),", n), ",")
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return err
		}
		votes = votes[n:]
	}
	_, err := tx.Exec(ctx, `UPDATE conversation_participants SET last_vote_at =
		(SELECT MAX(v.voted_at) FROM votes v WHERE v.participant_id = conversation_participants.id) WHERE conversation_id = ?`, convID)
	return err
}

// ExportParticipant is a participant as the open-data export needs it.
type ExportParticipant struct {
	ID         int64
	ExternalID int64 // the id in the export it was imported from
	Imported   bool
}

// ExportParticipants lists a conversation's participants in the order they
// joined (imported ones in the row order of their export).
func (tx *Tx) ExportParticipants(ctx context.Context, convID int64) ([]ExportParticipant, error) {
	rows, err := tx.Query(ctx, "SELECT id, external_id, token_hash FROM conversation_participants WHERE conversation_id = ? ORDER BY id", convID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ExportParticipant
	for rows.Next() {
		var p ExportParticipant
		var token string
		if err := rows.Scan(&p.ID, &p.ExternalID, &token); err != nil {
			return nil, err
		}
		p.Imported = strings.HasPrefix(token, importTokenPrefix)
		out = append(out, p)
	}
	return out, rows.Err()
}

// StatementExternalIDs maps a conversation's statement ids to their ids in
// the export they were imported from (0 for native statements, but also for
// an imported statement whose id there was 0: see ExportParticipants for how
// the export tells them apart).
func (tx *Tx) StatementExternalIDs(ctx context.Context, convID int64) (map[int64]int64, error) {
	rows, err := tx.Query(ctx, "SELECT id, external_id FROM statements WHERE conversation_id = ?", convID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var id, ext int64
		if err := rows.Scan(&id, &ext); err != nil {
			return nil, err
		}
		out[id] = ext
	}
	return out, rows.Err()
}

// SlugTaken reports whether a conversation already has the slug.
func (tx *Tx) SlugTaken(ctx context.Context, slug string) (bool, error) {
	var one int
	err := tx.QueryRow(ctx, "SELECT 1 FROM conversations WHERE slug = ?", slug).Scan(&one)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return err == nil, err
}

// voteIfOpenSQL records an answer only while it is allowed (see
// VoteIfOpen). WHERE is required before ON CONFLICT in SQLite's
// INSERT … SELECT.
const voteIfOpenSQL = `INSERT INTO votes (conversation_id, participant_id, statement_id, value, voted_at)
	SELECT c.id, p.id, s.id, ?, ? FROM conversations c
	JOIN statements s ON s.conversation_id = c.id
	JOIN conversation_participants p ON p.conversation_id = c.id
	WHERE c.id = ? AND s.id = ? AND p.id = ? AND NOT c.closed AND c.opens_at <= ? AND (c.closes_at IS NULL OR c.closes_at > ?)
		AND NOT p.banned AND (s.status = 'accepted' OR (s.status = 'pending' AND c.moderation = 'post'))
	ON CONFLICT (participant_id, statement_id) DO UPDATE SET value = excluded.value, voted_at = excluded.voted_at`

const lastVoteSQL = "UPDATE conversation_participants SET last_vote_at = ? WHERE id = ?"

const hitSQL = `INSERT INTO rate_counters (bucket, window_start, hits) VALUES (?, ?, 1)
	ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_counters.hits + 1
	RETURNING hits`

const participantVotesSQL = `SELECT p.id, p.banned, v.statement_id, v.value FROM conversation_participants p
	LEFT JOIN votes v ON v.participant_id = p.id WHERE p.conversation_id = ? AND p.token_hash = ?`

// VoteIfOpen records a participant's answer like Vote, but only while the
// answer is allowed: the conversation is open at at (not closed, opened,
// not past its closing time), the statement belongs to it and participants
// see it (accepted, or pending under post-moderation: Statement.Visible),
// and the participant belongs to it and is not banned. The checks and the
// write are one statement, so nothing can change in between; it reports
// whether the answer was stored (false: ask why with the ordinary reads).
// Call it in a write transaction (DB.Write or DB.WriteBatched).
func (tx *Tx) VoteIfOpen(ctx context.Context, convID, participantID, statementID int64, value int8, at time.Time) (bool, error) {
	res, err := tx.Exec(ctx, voteIfOpenSQL, int(value), at, convID, statementID, participantID, at, at)
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	_, err = tx.Exec(ctx, lastVoteSQL, at, participantID)
	return true, err
}

// The answer path runs a handful of statements for every answer. SQLite
// (modernc) spends most of such a statement's time parsing it, so these are
// prepared once per connection pool (PrepareAnswers) and reused: database/sql
// keeps a prepared statement per connection and hands a transaction the one
// of its connection. The cache lives on the DB (DB.hot), so databases (and
// parallel tests) never share statements; Close closes them.

type hotKey struct {
	pool  *sql.DB
	query string
}

// PrepareAnswers prepares the answer path's statements (VoteIfOpen, HitRate
// in write transactions, ReadParticipantAndVotes) once per database. Call it
// outside any transaction: on SQLite preparing needs the one write
// connection. Without it those methods work the same, only slower.
func (db *DB) PrepareAnswers(ctx context.Context) error {
	if err := db.prepareHot(ctx, db.write, voteIfOpenSQL, lastVoteSQL, hitSQL); err != nil {
		return err
	}
	return db.prepareHot(ctx, db.read, participantVotesSQL)
}

// prepareHot prepares queries on pool once per database (see DB.hot).
func (db *DB) prepareHot(ctx context.Context, pool *sql.DB, queries ...string) error {
	for _, q := range queries {
		k := hotKey{pool, db.dialect.rebind(q)}
		if _, ok := db.hot.Load(k); ok {
			continue
		}
		st, err := pool.PrepareContext(ctx, k.query)
		if err != nil {
			return err
		}
		if _, loaded := db.hot.LoadOrStore(k, st); loaded {
			st.Close()
		}
	}
	return nil
}

// ParticipantBanned reports whether a participant is banned.
func (tx *Tx) ParticipantBanned(ctx context.Context, id int64) (bool, error) {
	var banned bool
	err := tx.QueryRow(ctx, "SELECT banned FROM conversation_participants WHERE id = ?", id).Scan(&banned)
	if err == sql.ErrNoRows {
		return false, domain.NotFound("participant", id)
	}
	return banned, err
}

// ReadParticipantAndVotes returns the participant with a cookie token hash
// and their current answers by statement, in one query outside any
// transaction (one statement reads one consistent snapshot); the answer
// path reads this for every answer. ENOTFOUND when there is no such
// participant.
func (db *DB) ReadParticipantAndVotes(ctx context.Context, convID int64, tokenHash string) (conversation.Participant, map[int64]int8, error) {
	p := conversation.Participant{ConversationID: convID}
	q := db.dialect.rebind(participantVotesSQL)
	var rows *sql.Rows
	var err error
	if v, ok := db.hot.Load(hotKey{db.read, q}); ok {
		rows, err = v.(*sql.Stmt).QueryContext(ctx, convID, tokenHash)
	} else {
		rows, err = db.read.QueryContext(ctx, q, convID, tokenHash)
	}
	if err != nil {
		return p, nil, db.wrap(err)
	}
	defer rows.Close()
	votes := map[int64]int8{}
	for rows.Next() {
		var s, v sql.NullInt64
		if err := rows.Scan(&p.ID, &p.Banned, &s, &v); err != nil {
			return p, nil, err
		}
		if s.Valid {
			votes[s.Int64] = int8(v.Int64)
		}
	}
	if err := rows.Err(); err != nil {
		return p, nil, db.wrap(err)
	}
	if p.ID == 0 {
		return p, nil, domain.NotFound("participant", "")
	}
	return p, votes, nil
}
