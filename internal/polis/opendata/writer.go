package opendata

import (
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"kuulu/internal/polis"
)

// NewConversation builds a conversation for export from comments and vote events (all
// of them, superseded votes included): the participants, their current votes and
// counts are derived as ParticipantsFromVotes does.
func NewConversation(comments []Comment, votes []VoteEvent) *Conversation {
	return &Conversation{Comments: comments, Votes: votes, Participants: ParticipantsFromVotes(votes, comments)}
}

// ApplyResult records an analysis in the export: each participant's group-id (blank
// when not clustered) and the summary's voters, voters-in-conv, comments and groups
// (other summary keys are kept).
func (c *Conversation) ApplyResult(r *polis.Result) {
	group := map[int64]int{}
	for _, p := range r.Participants {
		if p.InConv {
			group[p.ID] = p.Group
		}
	}
	voters := 0
	for i := range c.Participants {
		p := &c.Participants[i]
		p.GroupID = -1
		if g, ok := group[p.ID]; ok {
			p.GroupID = g
		}
		if len(p.Votes) > 0 {
			voters++
		}
	}
	set := func(key, value string) {
		for i := range c.Summary {
			if c.Summary[i].Key == key {
				c.Summary[i].Value = value
				return
			}
		}
		c.Summary = append(c.Summary, SummaryItem{Key: key, Value: value})
	}
	set("voters", strconv.Itoa(voters))
	set("voters-in-conv", strconv.Itoa(len(r.InConv)))
	set("comments", strconv.Itoa(len(c.Comments)))
	set("groups", strconv.Itoa(len(r.GroupClusters)))
}

// WriteDir writes comments.csv, participants-votes.csv, summary.csv and, when the
// conversation has vote events, votes.csv into dir (created if missing).
func WriteDir(dir string, c *Conversation) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	write := func(name string, f func(io.Writer) error) error {
		file, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		if err := f(file); err != nil {
			file.Close()
			return err
		}
		return file.Close()
	}
	err := errors.Join(
		write("comments.csv", func(w io.Writer) error { return WriteComments(w, c.Comments) }),
		write("participants-votes.csv", func(w io.Writer) error {
			return WriteParticipantsVotes(w, c.Participants, c.columns())
		}),
		write("summary.csv", func(w io.Writer) error { return WriteSummary(w, c.Summary) }),
	)
	if err == nil && c.Votes != nil {
		err = write("votes.csv", func(w io.Writer) error { return WriteVotes(w, c.Votes) })
	}
	return err
}

// columns returns the statement columns of participants-votes.csv: those read from the
// file, or every comment id in ascending order.
func (c *Conversation) columns() []int64 {
	if c.Columns != nil {
		return c.Columns
	}
	ids := make([]int64, len(c.Comments))
	for i, cm := range c.Comments {
		ids[i] = cm.ID
	}
	slices.Sort(ids)
	return ids
}

func writeAll(w io.Writer, header []string, n int, row func(i int, rec []string) []string) error {
	cw := csv.NewWriter(w)
	if header != nil {
		if err := cw.Write(header); err != nil {
			return err
		}
	}
	var rec []string
	for i := 0; i < n; i++ {
		rec = row(i, rec[:0])
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// WriteComments writes comments.csv.
func WriteComments(w io.Writer, comments []Comment) error {
	hdr := []string{"timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees", "moderated", "comment-body"}
	return writeAll(w, hdr, len(comments), func(i int, rec []string) []string {
		c := comments[i]
		return append(rec, itoa(c.Timestamp), c.Datetime, itoa(c.ID), itoa(c.AuthorID),
			strconv.Itoa(c.Agrees), strconv.Itoa(c.Disagrees), strconv.Itoa(c.Moderated), c.Body)
	})
}

// WriteVotes writes votes.csv.
func WriteVotes(w io.Writer, votes []VoteEvent) error {
	hdr := []string{"timestamp", "datetime", "comment-id", "voter-id", "vote"}
	return writeAll(w, hdr, len(votes), func(i int, rec []string) []string {
		v := votes[i]
		return append(rec, itoa(v.Timestamp), v.Datetime, itoa(v.CommentID), itoa(v.VoterID), strconv.Itoa(int(v.Vote)))
	})
}

// WriteParticipantsVotes writes participants-votes.csv with one column per statement in
// columns (a blank cell: no vote; a blank group-id: not clustered).
func WriteParticipantsVotes(w io.Writer, participants []Participant, columns []int64) error {
	hdr := slices.Clone(pvFixed)
	pos := make(map[int64]int, len(columns))
	for k, id := range columns {
		hdr = append(hdr, itoa(id))
		pos[id] = k
	}
	cells := make([]string, len(columns))
	return writeAll(w, hdr, len(participants), func(i int, rec []string) []string {
		p := participants[i]
		group := ""
		if p.GroupID >= 0 {
			group = strconv.Itoa(p.GroupID)
		}
		rec = append(rec, itoa(p.ID), group, strconv.Itoa(p.NComments), strconv.Itoa(p.NVotes),
			strconv.Itoa(p.NAgree), strconv.Itoa(p.NDisagree))
		clear(cells)
		for _, v := range p.Votes {
			if k, ok := pos[v.Statement]; ok {
				cells[k] = strconv.Itoa(int(v.Vote))
			}
		}
		return append(rec, cells...)
	})
}

// WriteSummary writes summary.csv (key,value rows, no header).
func WriteSummary(w io.Writer, items []SummaryItem) error {
	return writeAll(w, nil, len(items), func(i int, rec []string) []string {
		return append(rec, items[i].Key, items[i].Value)
	})
}
