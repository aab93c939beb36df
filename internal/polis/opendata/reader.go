package opendata

import (
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// ReadDir reads a conversation from an export directory. See ReadFS.
func ReadDir(dir string) (*Conversation, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s: not a directory", dir)
	}
	c, err := ReadFS(os.DirFS(dir))
	var pe *ParseError
	if errors.As(err, &pe) {
		pe.File = filepath.Join(dir, pe.File)
	}
	return c, err
}

// ReadFS reads a conversation: comments.csv (required), participants-votes.csv when
// present (its row order is the participant order), otherwise votes.csv, and
// summary.csv if present. Each file may also be gzip-compressed as NAME.csv.gz. Votes
// on statements missing from comments.csv are errors.
func ReadFS(fsys fs.FS) (*Conversation, error) {
	c := &Conversation{}
	var err error
	if ok, err := withFile(fsys, "comments.csv", true, func(r io.Reader, name string) error {
		c.Comments, err = ReadComments(r, name)
		return err
	}); err != nil || !ok {
		return nil, err
	}
	known := make(map[int64]bool, len(c.Comments))
	for _, cm := range c.Comments {
		known[cm.ID] = true
	}
	if _, err := withFile(fsys, "summary.csv", false, func(r io.Reader, name string) error {
		c.Summary, err = ReadSummary(r, name)
		return err
	}); err != nil {
		return nil, err
	}
	ok, err := withFile(fsys, "participants-votes.csv", false, func(r io.Reader, name string) error {
		c.Participants, c.Columns, err = ReadParticipantsVotes(r, name, known)
		return err
	})
	if err != nil {
		return nil, err
	}
	if ok {
		return c, nil
	}
	ok, err = withFile(fsys, "votes.csv", false, func(r io.Reader, name string) error {
		c.Votes, err = ReadVotes(r, name, known)
		if err != nil {
			return err
		}
		c.Participants = ParticipantsFromVotes(c.Votes, c.Comments)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &ParseError{File: "votes.csv", Msg: "missing (and no participants-votes.csv)"}
	}
	return c, nil
}

// withFile opens NAME or NAME.gz from fsys and calls f. It reports false when neither
// exists (an error if required).
func withFile(fsys fs.FS, name string, required bool, f func(io.Reader, string) error) (bool, error) {
	file, err := fsys.Open(name)
	shown := name
	gz := false
	if errors.Is(err, fs.ErrNotExist) {
		file, err = fsys.Open(name + ".gz")
		shown, gz = name+".gz", true
	}
	if errors.Is(err, fs.ErrNotExist) {
		if required {
			return false, &ParseError{File: name, Msg: "missing"}
		}
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer file.Close()
	var r io.Reader = file
	if gz {
		zr, err := gzip.NewReader(file)
		if err != nil {
			return false, &ParseError{File: shown, Msg: err.Error()}
		}
		defer zr.Close()
		r = zr
	}
	return true, f(r, shown)
}

// ReadComments parses comments.csv. Comment ids must be unique.
func ReadComments(r io.Reader, name string) ([]Comment, error) {
	t, err := openTable(r, name, "timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees", "moderated", "comment-body")
	if err != nil {
		return nil, err
	}
	var out []Comment
	seen := map[int64]bool{}
	for {
		ok, err := t.next()
		if err != nil || !ok {
			return out, err
		}
		var c Comment
		if c.Timestamp, err = t.int64Field("timestamp"); err != nil {
			return nil, err
		}
		if c.ID, err = t.int64Field("comment-id"); err != nil {
			return nil, err
		}
		if c.AuthorID, err = t.int64Field("author-id"); err != nil {
			return nil, err
		}
		if c.Agrees, err = t.intField("agrees"); err != nil {
			return nil, err
		}
		if c.Disagrees, err = t.intField("disagrees"); err != nil {
			return nil, err
		}
		if c.Moderated, err = t.intField("moderated"); err != nil {
			return nil, err
		}
		if c.Moderated < -1 || c.Moderated > 1 {
			return nil, t.errorf("column moderated: %d is not -1, 0 or 1", c.Moderated)
		}
		if seen[c.ID] {
			return nil, t.errorf("duplicate comment-id %d", c.ID)
		}
		seen[c.ID] = true
		c.Datetime, c.Body = t.field("datetime"), t.field("comment-body")
		out = append(out, c)
	}
}

// ReadVotes parses votes.csv (all vote events, superseded ones included). known, if
// not nil, lists the valid statement ids.
func ReadVotes(r io.Reader, name string, known map[int64]bool) ([]VoteEvent, error) {
	t, err := openTable(r, name, "timestamp", "datetime", "comment-id", "voter-id", "vote")
	if err != nil {
		return nil, err
	}
	var out []VoteEvent
	for {
		ok, err := t.next()
		if err != nil || !ok {
			return out, err
		}
		var v VoteEvent
		if v.Timestamp, err = t.int64Field("timestamp"); err != nil {
			return nil, err
		}
		if v.CommentID, err = t.int64Field("comment-id"); err != nil {
			return nil, err
		}
		if v.VoterID, err = t.int64Field("voter-id"); err != nil {
			return nil, err
		}
		if known != nil && !known[v.CommentID] {
			return nil, t.errorf("vote on unknown statement %d", v.CommentID)
		}
		val, ok := parseVote(t.field("vote"))
		if !ok {
			return nil, t.errorf("column vote: %q is not -1, 0 or 1", t.field("vote"))
		}
		v.Vote, v.Datetime = val, t.field("datetime")
		out = append(out, v)
	}
}

// ParticipantsFromVotes derives the participants from vote events: the last vote of a
// participant on a statement counts (by timestamp, ties by row order), participants
// are in order of first vote, their votes in ascending statement order, and
// n-comments counts the comments they wrote. Group ids are unknown (−1).
func ParticipantsFromVotes(votes []VoteEvent, comments []Comment) []Participant {
	order := make([]int, len(votes))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return votes[order[a]].Timestamp < votes[order[b]].Timestamp })
	type key struct{ p, s int64 }
	last := map[key]int8{}
	index := map[int64]int{}
	var out []Participant
	for _, i := range order {
		v := votes[i]
		if _, ok := index[v.VoterID]; !ok {
			index[v.VoterID] = len(out)
			out = append(out, Participant{ID: v.VoterID, GroupID: -1})
		}
		last[key{v.VoterID, v.CommentID}] = v.Vote
	}
	for k, val := range last {
		p := &out[index[k.p]]
		p.Votes = append(p.Votes, StatementVote{Statement: k.s, Vote: val})
	}
	authored := map[int64]int{}
	for _, c := range comments {
		authored[c.AuthorID]++
	}
	for i := range out {
		p := &out[i]
		sort.Slice(p.Votes, func(a, b int) bool { return p.Votes[a].Statement < p.Votes[b].Statement })
		p.NComments = authored[p.ID]
		p.NVotes = len(p.Votes)
		for _, v := range p.Votes {
			switch v.Vote {
			case 1:
				p.NAgree++
			case -1:
				p.NDisagree++
			}
		}
	}
	return out
}

var pvFixed = []string{"participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"}

// ReadParticipantsVotes parses participants-votes.csv: six fixed columns, then one
// column per statement id (a blank cell: no vote). known, if not nil, lists the valid
// statement ids. It returns the participants in row order and the statement columns.
func ReadParticipantsVotes(r io.Reader, name string, known map[int64]bool) ([]Participant, []int64, error) {
	t, err := openTable(r, name, pvFixed...)
	if err != nil {
		return nil, nil, err
	}
	for i, c := range pvFixed {
		if t.hdr[i] != c {
			return nil, nil, &ParseError{File: name, Line: 1, Msg: fmt.Sprintf("column %d is %q, want %q", i+1, t.hdr[i], c)}
		}
	}
	cols := make([]int64, 0, len(t.hdr)-len(pvFixed))
	seenCol := map[int64]bool{}
	for _, h := range t.hdr[len(pvFixed):] {
		id, err := strconv.ParseInt(h, 10, 64)
		if err != nil {
			return nil, nil, &ParseError{File: name, Line: 1, Msg: fmt.Sprintf("statement column %q is not an integer id", h)}
		}
		if known != nil && !known[id] {
			return nil, nil, &ParseError{File: name, Line: 1, Msg: fmt.Sprintf("column for unknown statement %d", id)}
		}
		if seenCol[id] {
			return nil, nil, &ParseError{File: name, Line: 1, Msg: fmt.Sprintf("duplicate statement column %d", id)}
		}
		seenCol[id] = true
		cols = append(cols, id)
	}
	var out []Participant
	seen := map[int64]bool{}
	for {
		ok, err := t.next()
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			return out, cols, nil
		}
		if len(t.rec) > len(t.hdr) {
			return nil, nil, t.errorf("%d fields, header has %d", len(t.rec), len(t.hdr))
		}
		var p Participant
		if p.ID, err = t.int64Field("participant"); err != nil {
			return nil, nil, err
		}
		if seen[p.ID] {
			return nil, nil, t.errorf("duplicate participant %d", p.ID)
		}
		seen[p.ID] = true
		p.GroupID = -1
		if g := strings.TrimSpace(t.field("group-id")); g != "" {
			if p.GroupID, err = t.intField("group-id"); err != nil {
				return nil, nil, err
			}
		}
		for _, f := range []struct {
			col string
			dst *int
		}{{"n-comments", &p.NComments}, {"n-votes", &p.NVotes}, {"n-agree", &p.NAgree}, {"n-disagree", &p.NDisagree}} {
			if *f.dst, err = t.intField(f.col); err != nil {
				return nil, nil, err
			}
		}
		for k, id := range cols {
			i := len(pvFixed) + k
			if i >= len(t.rec) || strings.TrimSpace(t.rec[i]) == "" {
				continue
			}
			v, ok := parseVote(t.rec[i])
			if !ok {
				return nil, nil, t.errorf("statement %d: vote %q is not -1, 0 or 1", id, t.rec[i])
			}
			p.Votes = append(p.Votes, StatementVote{Statement: id, Vote: v})
		}
		out = append(out, p)
	}
}

// ReadSummary parses summary.csv (key,value rows without a header).
func ReadSummary(r io.Reader, name string) ([]SummaryItem, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	var out []SummaryItem
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &ParseError{File: name, Line: pe.Line, Msg: pe.Err.Error()}
			}
			return nil, &ParseError{File: name, Msg: err.Error()}
		}
		line, _ := cr.FieldPos(0)
		if len(rec) < 2 {
			return nil, &ParseError{File: name, Line: line, Msg: "want key,value"}
		}
		out = append(out, SummaryItem{Key: rec[0], Value: rec[1]})
	}
}
