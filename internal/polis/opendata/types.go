// Package opendata reads and writes conversations in the Polis open-data export format
// (the format of the compdemocracy/openData collection): comments.csv, votes.csv,
// participants-votes.csv and summary.csv. Vote values use the export sign: agree = +1,
// disagree = −1, pass = 0.
//
// It also implements the `kuulu conversation analyze DIR` command (RunAnalyze).
package opendata

import (
	"fmt"

	"kuulu/internal/polis"
)

// Comment is one row of comments.csv.
type Comment struct {
	Timestamp int64  // milliseconds since the Unix epoch
	Datetime  string // human-readable time, kept as written
	ID        int64
	AuthorID  int64
	Agrees    int
	Disagrees int
	Moderated int // −1 moderated out, 0 unmoderated, 1 moderated in
	Body      string
}

// VoteEvent is one row of votes.csv. A participant may have voted several times on a
// statement; the last vote (by timestamp, ties by row order) counts.
type VoteEvent struct {
	Timestamp int64
	Datetime  string
	CommentID int64
	VoterID   int64
	Vote      int8
}

// StatementVote is a participant's current vote on one statement.
type StatementVote struct {
	Statement int64
	Vote      int8
}

// Participant is one row of participants-votes.csv.
type Participant struct {
	ID        int64
	GroupID   int // −1: not clustered (blank in the file)
	NComments int
	NVotes    int
	NAgree    int
	NDisagree int
	Votes     []StatementVote // in the file's column order
}

// SummaryItem is one key,value row of summary.csv.
type SummaryItem struct {
	Key, Value string
}

// Conversation is a conversation read from (or to be written to) an export directory.
// Participants come from participants-votes.csv when present; otherwise they are
// derived from Votes (votes.csv).
type Conversation struct {
	Summary      []SummaryItem
	Comments     []Comment
	Votes        []VoteEvent   // nil when votes.csv was not read
	Participants []Participant // participant order = row order of the vote matrix
	// Columns lists the statement ids in the column order of participants-votes.csv
	// (nil when derived from votes.csv: then comment ids ascending).
	Columns []int64
}

// ParseError is a malformed-input error with its file and line (1-based).
type ParseError struct {
	File string
	Line int
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Matrix builds the vote matrix for polis.Analyze: participants in Participants order
// (Polis's cold start depends on it), statements in ascending id order (as Polis lists
// tids), moderated-out statements (moderated = −1) marked. Every comment becomes a
// statement; statements nobody voted on are ignored by the analysis.
func (c *Conversation) Matrix() (*polis.Matrix, error) {
	m := polis.NewMatrix()
	for _, p := range c.Participants {
		m.AddParticipant(p.ID)
	}
	for _, cm := range c.Comments {
		m.AddStatement(cm.ID)
		if cm.Moderated < 0 {
			m.SetModeratedOut(cm.ID, true)
		}
	}
	for _, p := range c.Participants {
		for _, v := range p.Votes {
			if err := m.Set(p.ID, v.Statement, v.Vote); err != nil {
				return nil, err
			}
		}
	}
	m.SortStatements()
	return m, nil
}

// GroupIDs returns the group-id of each participant (−1 when blank), by participant id.
func (c *Conversation) GroupIDs() map[int64]int {
	out := make(map[int64]int, len(c.Participants))
	for _, p := range c.Participants {
		out[p.ID] = p.GroupID
	}
	return out
}

// SummaryValue returns the value of a summary key, or "".
func (c *Conversation) SummaryValue(key string) string {
	for _, s := range c.Summary {
		if s.Key == key {
			return s.Value
		}
	}
	return ""
}
