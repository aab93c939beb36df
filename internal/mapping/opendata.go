package mapping

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kuulu/internal/conversation"
	"kuulu/internal/domain"
	"kuulu/internal/polis"
	"kuulu/internal/polis/opendata"
	"kuulu/internal/privacy"
	"kuulu/internal/store"
)

// Open-data import and export: a conversation in Polis's open-data format
// (internal/polis/opendata) loaded into Kuulu as a closed conversation, and a
// Kuulu conversation written back in that format, so that results can be
// checked with Polis's own tools. `kuulu conversation import|export` use
// these.

// ReadOpenData reads an export directory like opendata.ReadDir, and also
// votes.csv when participants-votes.csv was used, for the vote times.
func ReadOpenData(dir string) (*opendata.Conversation, error) {
	c, err := opendata.ReadDir(dir)
	if err != nil || c.Votes != nil {
		return c, err
	}
	known := make(map[int64]bool, len(c.Comments))
	for _, cm := range c.Comments {
		known[cm.ID] = true
	}
	for _, name := range []string{"votes.csv", "votes.csv.gz"} {
		f, err := os.Open(filepath.Join(dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		defer f.Close()
		var r io.Reader = f
		if strings.HasSuffix(name, ".gz") {
			zr, err := gzip.NewReader(f)
			if err != nil {
				return nil, &opendata.ParseError{File: filepath.Join(dir, name), Msg: err.Error()}
			}
			defer zr.Close()
			r = zr
		}
		c.Votes, err = opendata.ReadVotes(r, filepath.Join(dir, name), known)
		return c, err
	}
	return c, nil
}

// Imported describes a finished import.
type Imported struct {
	Conversation conversation.Conversation
	Statements   int
	Participants int
	Votes        int
}

var slugJunk = regexp.MustCompile(`[^a-z0-9]+`)

// slugFrom makes a slug of a topic: lower-case ASCII letters and digits
// (Finnish and Swedish letters folded), words joined by hyphens.
func slugFrom(topic string) string {
	s := strings.NewReplacer("ä", "a", "ö", "o", "å", "a", "Ä", "a", "Ö", "o", "Å", "a", "é", "e", "ü", "u").Replace(strings.ToLower(topic))
	s = strings.Trim(slugJunk.ReplaceAllString(s, "-"), "-")
	if len(s) > 50 {
		s = strings.TrimRight(s[:50], "-")
	}
	if len(s) < 2 {
		s = "polis"
	}
	return s
}

// Import loads an open-data conversation into Kuulu in one transaction, as
// a closed conversation: statements with their export ids and moderation
// (−1 → rejected, otherwise accepted; texts masked for personal data like
// any statement), participants with their export ids in the export's row
// order, their current votes (timed by votes.csv when present, otherwise at
// the first comment) and the topic and description from summary.csv. The
// analysis of the imported votes is stored with it (the same cold start as
// `kuulu conversation analyze`), so the map is there at once. slug may be
// empty: one is made from the topic.
func Import(ctx context.Context, db *store.DB, c *opendata.Conversation, slug string) (Imported, error) {
	var out Imported
	topic := strings.TrimSpace(c.SummaryValue("topic"))
	if topic == "" {
		topic = "Polis"
	}
	if utf8.RuneCountInString(topic) > 300 {
		topic = string([]rune(topic)[:300])
	}
	desc := strings.TrimSpace(c.SummaryValue("conversation-description"))
	if utf8.RuneCountInString(desc) > 10000 {
		desc = string([]rune(desc)[:10000])
	}
	comments := append([]opendata.Comment(nil), c.Comments...)
	sort.Slice(comments, func(a, b int) bool { return comments[a].ID < comments[b].ID })
	var first time.Time
	for _, cm := range comments {
		if t := time.UnixMilli(cm.Timestamp).UTC(); cm.Timestamp > 0 && (first.IsZero() || t.Before(first)) {
			first = t
		}
	}
	// The time of each current vote: its last event in votes.csv.
	type key struct{ p, s int64 }
	voteAt := map[key]time.Time{}
	var lastEvent time.Time
	for _, v := range c.Votes {
		t := time.UnixMilli(v.Timestamp).UTC().Truncate(time.Microsecond)
		if old, ok := voteAt[key{v.VoterID, v.CommentID}]; !ok || !t.Before(old) {
			voteAt[key{v.VoterID, v.CommentID}] = t
		}
		if t.After(lastEvent) {
			lastEvent = t
		}
		if v.Timestamp > 0 && (first.IsZero() || t.Before(first)) {
			first = t
		}
	}
	err := db.Write(ctx, func(tx *store.Tx) error {
		now := tx.Now()
		if first.IsZero() {
			first = now
		}
		conv := conversation.Conversation{Slug: slug, Topic: domain.Text{FI: topic}, Description: domain.Text{FI: desc},
			OpensAt: first, Moderation: conversation.ModeratePost, Identification: conversation.Anonymous, Closed: true}
		if conv.Slug == "" {
			base := slugFrom(topic)
			for i := 1; ; i++ {
				conv.Slug = base
				if i > 1 {
					conv.Slug = base + "-" + strconv.Itoa(i)
				}
				taken, err := tx.SlugTaken(ctx, conv.Slug)
				if err != nil {
					return err
				}
				if !taken {
					break
				}
			}
		}
		if err := conv.Validate(); err != nil {
			return err
		}
		if err := tx.SaveConversation(ctx, &conv); err != nil {
			return err
		}
		// Participants in the export's row order: their Kuulu ids ascend
		// in that order, which is the row order of the analysis.
		pid := make(map[int64]int64, len(c.Participants))
		m := polis.NewMatrix()
		for _, p := range c.Participants {
			var at time.Time
			for _, v := range p.Votes {
				if t, ok := voteAt[key{p.ID, v.Statement}]; ok && (at.IsZero() || t.Before(at)) {
					at = t
				}
			}
			if at.IsZero() {
				at = first
			}
			id, err := tx.ImportParticipant(ctx, conv.ID, p.ID, at)
			if err != nil {
				return err
			}
			pid[p.ID] = id
			m.AddParticipant(id)
		}
		// Statements in ascending export id, so Kuulu ids keep their order.
		sid := make(map[int64]int64, len(comments))
		for _, cm := range comments {
			st := conversation.Statement{ConversationID: conv.ID, Text: privacy.Mask(cm.Body).Text, AuthorID: pid[cm.AuthorID],
				Status: conversation.StatementAccepted, CreatedAt: first}
			if cm.Timestamp > 0 {
				st.CreatedAt = time.UnixMilli(cm.Timestamp).UTC()
			}
			if cm.Moderated < 0 {
				st.Status = conversation.StatementRejected
			}
			if err := tx.ImportStatement(ctx, &st, cm.ID); err != nil {
				return err
			}
			sid[cm.ID] = st.ID
			m.AddStatement(st.ID)
			m.SetModeratedOut(st.ID, st.Status == conversation.StatementRejected)
		}
		var rows []store.VoteRow
		for _, p := range c.Participants {
			for _, v := range p.Votes {
				s, ok := sid[v.Statement]
				if !ok {
					return fmt.Errorf("participant %d: vote on unknown statement %d", p.ID, v.Statement)
				}
				at, ok := voteAt[key{p.ID, v.Statement}]
				if !ok {
					at = first
				}
				rows = append(rows, store.VoteRow{ParticipantID: pid[p.ID], StatementID: s, Value: v.Vote, At: at})
				if err := m.Set(pid[p.ID], s, v.Vote); err != nil {
					return err
				}
			}
		}
		if err := tx.ImportVotes(ctx, conv.ID, rows); err != nil {
			return err
		}
		m.SortStatements()
		res := polis.Analyze(m, polis.Options{})
		b, err := Encode(res)
		if err != nil {
			return err
		}
		var last *time.Time
		for _, r := range rows {
			if last == nil || r.At.After(*last) {
				at := r.At
				last = &at
			}
		}
		if err := tx.SaveConversationResult(ctx, store.ConversationResult{ConversationID: conv.ID, ComputedAt: now,
			VotesSeen: int64(len(rows)), LastVoteAt: last, JSON: string(b)}); err != nil {
			return err
		}
		out = Imported{Conversation: conv, Statements: len(comments), Participants: len(c.Participants), Votes: len(rows)}
		return nil
	})
	return out, err
}

// Export builds a conversation in the open-data format: comments.csv with
// Kuulu's statement ids, participants-votes.csv and votes.csv with Kuulu's
// participant ids, in the order participants joined, and each participant's
// current answers (Kuulu keeps only the last answer, so votes.csv has one
// event per answer). An imported conversation (every participant imported)
// is written with the ids of the export it came from instead, so that an
// import followed by an export gives back the same conversation. Rejected
// and meta statements are moderated −1 (both count as 0 in the analysis),
// accepted ones 1, pending ones 0. Group ids and the summary's counts come
// from the latest stored analysis, when there is one.
//
// The export is the complete record: banned participants are in it with
// every vote they gave (votes.csv, participants-votes.csv, and the
// comments' agree and disagree counts, which are counted from the exported
// votes), as Polis's export keeps all votes. The analysis in it is the
// map's, which leaves banned participants out: their group-id is blank
// (like a participant not clustered), voters-in-conv and groups are the
// map's; "voters" counts the participants in the file who voted. Analysing
// the files again from scratch therefore counts the banned participants
// and may differ from the map.
func Export(ctx context.Context, db *store.DB, convID int64) (*opendata.Conversation, error) {
	var conv conversation.Conversation
	var stmts []conversation.Statement
	var parts []store.ExportParticipant
	var ext map[int64]int64
	var votes []store.VoteRow
	var stored string
	err := db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if conv, err = tx.Conversation(ctx, convID); err != nil {
			return err
		}
		if stmts, err = tx.ConversationStatements(ctx, convID); err != nil {
			return err
		}
		if parts, err = tx.ExportParticipants(ctx, convID); err != nil {
			return err
		}
		if ext, err = tx.StatementExternalIDs(ctx, convID); err != nil {
			return err
		}
		if r, err := tx.LoadConversationResult(ctx, convID); err == nil {
			stored = r.JSON
		} else if !domain.IsNotFound(err) {
			return err
		}
		return tx.ConversationVotes(ctx, convID, func(v store.VoteRow) error { votes = append(votes, v); return nil })
	})
	if err != nil {
		return nil, err
	}
	imported := len(parts) > 0
	for _, p := range parts {
		imported = imported && p.Imported
	}
	pid := func(id int64) int64 { return id }
	tid := func(id int64) int64 { return id }
	if imported {
		byKuulu := make(map[int64]int64, len(parts))
		for _, p := range parts {
			byKuulu[p.ID] = p.ExternalID
		}
		pid = func(id int64) int64 { return byKuulu[id] }
		tid = func(id int64) int64 { return ext[id] }
	}
	stamp := func(t time.Time) (int64, string) {
		return t.UnixMilli(), t.UTC().Format("Mon Jan 02 2006 15:04:05 GMT+0000 (Coordinated Universal Time)")
	}
	out := &opendata.Conversation{Votes: []opendata.VoteEvent{}}
	written := map[int64]int{}
	// Statements' own counts leave banned participants out; the export
	// counts every vote it holds.
	agrees, disagrees := map[int64]int{}, map[int64]int{}
	for _, v := range votes {
		switch v.Value {
		case polis.Agree:
			agrees[v.StatementID]++
		case polis.Disagree:
			disagrees[v.StatementID]++
		}
	}
	for _, s := range stmts {
		cm := opendata.Comment{ID: tid(s.ID), AuthorID: -1, Agrees: agrees[s.ID], Disagrees: disagrees[s.ID], Body: s.Text}
		cm.Timestamp, cm.Datetime = stamp(s.CreatedAt)
		if s.AuthorID != 0 {
			cm.AuthorID = s.AuthorID
			written[s.AuthorID]++
		}
		switch {
		case s.Status == conversation.StatementRejected || s.Meta:
			cm.Moderated = -1
		case s.Status == conversation.StatementAccepted:
			cm.Moderated = 1
		}
		out.Comments = append(out.Comments, cm)
	}
	byPart := map[int64][]opendata.StatementVote{}
	for _, v := range votes {
		byPart[v.ParticipantID] = append(byPart[v.ParticipantID], opendata.StatementVote{Statement: tid(v.StatementID), Vote: v.Value})
		ev := opendata.VoteEvent{CommentID: tid(v.StatementID), VoterID: v.ParticipantID, Vote: v.Value}
		ev.Timestamp, ev.Datetime = stamp(v.At)
		out.Votes = append(out.Votes, ev)
	}
	for _, p := range parts {
		vs := byPart[p.ID]
		sort.Slice(vs, func(a, b int) bool { return vs[a].Statement < vs[b].Statement })
		op := opendata.Participant{ID: p.ID, GroupID: -1, NComments: written[p.ID], NVotes: len(vs), Votes: vs}
		for _, v := range vs {
			switch v.Vote {
			case polis.Agree:
				op.NAgree++
			case polis.Disagree:
				op.NDisagree++
			}
		}
		out.Participants = append(out.Participants, op)
	}
	out.Summary = []opendata.SummaryItem{{Key: "topic", Value: conv.Topic.FI}, {Key: "conversation-description", Value: conv.Description.FI}}
	if stored != "" {
		if res, err := Decode([]byte(stored)); err == nil {
			out.ApplyResult(res) // by Kuulu id, before the ids are mapped
		}
	}
	for i := range out.Participants {
		out.Participants[i].ID = pid(out.Participants[i].ID)
	}
	for i := range out.Votes {
		out.Votes[i].VoterID = pid(out.Votes[i].VoterID)
	}
	for i := range out.Comments {
		if a := out.Comments[i].AuthorID; a >= 0 {
			out.Comments[i].AuthorID = pid(a)
		}
	}
	return out, nil
}
