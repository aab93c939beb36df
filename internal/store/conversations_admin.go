package store

import (
	"context"
	"database/sql"
	"time"

	"kuulu/internal/conversation"
	"kuulu/internal/domain"
)

// Storage for the coordinators' side of conversations (web/conversation_admin.go,
// conversation_moderation.go, conversation_report.go): the overview with counts,
// moderation counts and authors, and votes over time for the report. The
// counts of participants and answers leave banned participants out, as the
// analysis does (countedVotes).

// ConversationOverview is a conversation with the counts its list row shows.
type ConversationOverview struct {
	conversation.Conversation
	Participants int64 // people who joined, banned ones left out
	Votes        int64 // current answers that count (countedVotes)
	Statements   int64 // every statement, any status
	Pending      int64 // statements waiting for moderation
}

// scanExtra scans a conversation row followed by extra columns.
type scanExtra struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (s scanExtra) Scan(dst ...any) error { return s.row.Scan(append(dst, s.extra...)...) }

// ConversationOverviews lists every conversation with its counts, newest first.
func (tx *Tx) ConversationOverviews(ctx context.Context) ([]ConversationOverview, error) {
	rows, err := tx.Query(ctx, "SELECT "+convCols+`,
		(SELECT COUNT(*) FROM conversation_participants p WHERE p.conversation_id = conversations.id AND NOT p.banned),
		(SELECT COUNT(*) FROM `+countedVotes+` WHERE v.conversation_id = conversations.id),
		(SELECT COUNT(*) FROM statements s WHERE s.conversation_id = conversations.id),
		(SELECT COUNT(*) FROM statements s WHERE s.conversation_id = conversations.id AND s.status = 'pending')
		FROM conversations ORDER BY opens_at DESC, id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ConversationOverview
	for rows.Next() {
		var o ConversationOverview
		c, err := scanConversation(scanExtra{rows, []any{&o.Participants, &o.Votes, &o.Statements, &o.Pending}})
		if err != nil {
			return nil, err
		}
		o.Conversation = c
		out = append(out, o)
	}
	return out, rows.Err()
}

// StatementCounts counts a conversation's statements by moderation state.
// Meta statements are counted in Meta and also in their status.
type StatementCounts struct {
	Pending, Accepted, Rejected, Meta, Total int
}

// ConversationStatementCounts counts a conversation's statements by status.
func (tx *Tx) ConversationStatementCounts(ctx context.Context, convID int64) (StatementCounts, error) {
	var c StatementCounts
	err := tx.QueryRow(ctx, `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status = 'accepted' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status = 'rejected' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN meta THEN 1 ELSE 0 END), 0)
		FROM statements WHERE conversation_id = ?`, convID).Scan(&c.Total, &c.Pending, &c.Accepted, &c.Rejected, &c.Meta)
	return c, err
}

// ConversationStatements lists a conversation's statements in creation
// order without vote counts (cheaper than Statements on a large conversation).
func (tx *Tx) ConversationStatements(ctx context.Context, convID int64) ([]conversation.Statement, error) {
	rows, err := tx.Query(ctx, "SELECT "+stmtCols+" FROM statements s WHERE s.conversation_id = ? ORDER BY s.id", convID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []conversation.Statement
	for rows.Next() {
		st, err := scanStatement(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// ConversationParticipant returns one participant by id with their number of
// current answers.
func (tx *Tx) ConversationParticipant(ctx context.Context, id int64) (conversation.Participant, error) {
	var p conversation.Participant
	var last sql.NullTime
	err := tx.QueryRow(ctx, `SELECT id, conversation_id, subject, banned, created_at, last_vote_at,
		(SELECT COUNT(*) FROM votes v WHERE v.participant_id = conversation_participants.id)
		FROM conversation_participants WHERE id = ?`, id).Scan(&p.ID, &p.ConversationID, &p.Subject, &p.Banned, &p.CreatedAt, &last, &p.Votes)
	if err == sql.ErrNoRows {
		return p, domain.NotFound("participant", id)
	}
	p.LastVoteAt = timePtr(last)
	return p, err
}

// StatementAuthor is what moderation shows about a participant who wrote
// statements: whether they are banned and how many of their statements were
// written and rejected.
type StatementAuthor struct {
	ParticipantID int64
	Banned        bool
	Written       int
	Rejected      int
}

// StatementAuthors returns the authors of a conversation's statements by
// participant id.
func (tx *Tx) StatementAuthors(ctx context.Context, convID int64) (map[int64]StatementAuthor, error) {
	rows, err := tx.Query(ctx, `SELECT p.id, p.banned, COUNT(s.id), COALESCE(SUM(CASE WHEN s.status = 'rejected' THEN 1 ELSE 0 END), 0)
		FROM conversation_participants p JOIN statements s ON s.author_id = p.id
		WHERE p.conversation_id = ? GROUP BY p.id, p.banned`, convID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]StatementAuthor{}
	for rows.Next() {
		var a StatementAuthor
		if err := rows.Scan(&a.ParticipantID, &a.Banned, &a.Written, &a.Rejected); err != nil {
			return nil, err
		}
		out[a.ParticipantID] = a
	}
	return out, rows.Err()
}

// HourCount is the number of current answers last given in one UTC hour.
type HourCount struct {
	Hour  time.Time // the start of the hour, UTC
	Votes int
}

// VotesPerHour counts a conversation's current answers that count
// (countedVotes: not banned participants') by the UTC hour in which they
// were given (an answer changed later counts at its last time).
// Hours are whole in every time zone Kuulu serves, so callers can sum them
// into local days. Hours without answers are left out.
func (tx *Tx) VotesPerHour(ctx context.Context, convID int64) ([]HourCount, error) {
	hour := "substr(v.voted_at, 1, 13)" // SQLite keeps fixed-width UTC text: 2006-01-02T15
	if tx.d.name() == "postgres" {
		hour = `to_char(v.voted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24')`
	}
	rows, err := tx.Query(ctx, "SELECT "+hour+" AS h, COUNT(*) FROM "+countedVotes+" WHERE v.conversation_id = ? GROUP BY h ORDER BY h", convID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []HourCount
	for rows.Next() {
		var h string
		var n int
		if err := rows.Scan(&h, &n); err != nil {
			return nil, err
		}
		t, err := time.Parse("2006-01-02T15", h)
		if err != nil {
			return nil, err
		}
		out = append(out, HourCount{Hour: t, Votes: n})
	}
	return out, rows.Err()
}

// Tally is the number of current agree, disagree and pass answers to a statement.
type Tally struct{ Agrees, Disagrees, Passes int }

// StatementTallies counts the current answers that count (countedVotes: not
// banned participants') to each statement of a conversation that has any
// (one pass over the conversation's votes, cheaper than Statements' join on
// a large conversation).
func (tx *Tx) StatementTallies(ctx context.Context, convID int64) (map[int64]Tally, error) {
	rows, err := tx.Query(ctx, `SELECT v.statement_id, COALESCE(SUM(CASE WHEN v.value = 1 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN v.value = -1 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN v.value = 0 THEN 1 ELSE 0 END), 0)
		FROM `+countedVotes+` WHERE v.conversation_id = ? GROUP BY v.statement_id`, convID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]Tally{}
	for rows.Next() {
		var id int64
		var t Tally
		if err := rows.Scan(&id, &t.Agrees, &t.Disagrees, &t.Passes); err != nil {
			return nil, err
		}
		out[id] = t
	}
	return out, rows.Err()
}

// ConversationStatementsCounted lists a conversation's statements in
// creation order with their vote counts, like Statements without a filter.
func (tx *Tx) ConversationStatementsCounted(ctx context.Context, convID int64) ([]conversation.Statement, error) {
	sts, err := tx.ConversationStatements(ctx, convID)
	if err != nil {
		return nil, err
	}
	tallies, err := tx.StatementTallies(ctx, convID)
	if err != nil {
		return nil, err
	}
	for i := range sts {
		t := tallies[sts[i].ID]
		sts[i].Agrees, sts[i].Disagrees, sts[i].Passes = t.Agrees, t.Disagrees, t.Passes
	}
	return sts, nil
}

// VoterCount is the number of participants, banned ones left out, with at
// least one current answer: the participants of the analysis.
func (tx *Tx) VoterCount(ctx context.Context, convID int64) (int, error) {
	var n int
	err := tx.QueryRow(ctx, "SELECT COUNT(DISTINCT v.participant_id) FROM "+countedVotes+" WHERE v.conversation_id = ?", convID).Scan(&n)
	return n, err
}

// BannedVoterCount is the number of banned participants with at least one
// current answer: those whose answers VoterCount and the analysis leave out.
func (tx *Tx) BannedVoterCount(ctx context.Context, convID int64) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM conversation_participants p WHERE p.conversation_id = ? AND p.banned
		AND EXISTS (SELECT 1 FROM votes v WHERE v.participant_id = p.id)`, convID).Scan(&n)
	return n, err
}
