package opendata

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"kuulu/internal/polis"
)

const goodComments = "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n" +
	"1,d,1,10,0,0,1,\"first, with comma\"\n" +
	"2,d,2,11,0,0,-1,\"second\nover two lines\"\n" +
	"3,d,3,10,0,0,0,third\n"

func TestReadErrors(t *testing.T) {
	pvHeader := "participant,group-id,n-comments,n-votes,n-agree,n-disagree,1,2,3\n"
	votesHeader := "timestamp,datetime,comment-id,voter-id,vote\n"
	for _, c := range []struct {
		name  string
		files map[string]string
		want  string // substring of the error
	}{
		{"no comments", map[string]string{"votes.csv": votesHeader}, "comments.csv: missing"},
		{"missing column", map[string]string{"comments.csv": "timestamp,datetime,comment-id,author-id,agrees,disagrees,comment-body\n"}, `comments.csv:1: missing column "moderated"`},
		{"empty comments", map[string]string{"comments.csv": ""}, "comments.csv:1: empty file"},
		{"non-numeric id", map[string]string{"comments.csv": goodComments + "4,d,x4,10,0,0,1,b\n"}, `comments.csv:6: column comment-id: "x4" is not an integer`},
		{"bad moderation", map[string]string{"comments.csv": goodComments + "4,d,4,10,0,0,2,b\n"}, "comments.csv:6: column moderated: 2 is not -1, 0 or 1"},
		{"duplicate comment", map[string]string{"comments.csv": goodComments + "4,d,3,10,0,0,1,b\n"}, "comments.csv:6: duplicate comment-id 3"},
		{"bad quote", map[string]string{"comments.csv": goodComments + "4,d,4,10,0,0,1,\"b\n"}, "comments.csv:6"},
		{"no votes", map[string]string{"comments.csv": goodComments}, "votes.csv: missing"},
		{"vote out of range", map[string]string{"comments.csv": goodComments, "votes.csv": votesHeader + "5,d,1,7,1\n6,d,2,7,2\n"}, `votes.csv:3: column vote: "2" is not -1, 0 or 1`},
		{"vote on unknown statement", map[string]string{"comments.csv": goodComments, "votes.csv": votesHeader + "5,d,1,7,1\n6,d,9,7,1\n"}, "votes.csv:3: vote on unknown statement 9"},
		{"non-numeric voter", map[string]string{"comments.csv": goodComments, "votes.csv": votesHeader + "5,d,1,p7,1\n"}, `votes.csv:2: column voter-id: "p7" is not an integer`},
		{"pv header", map[string]string{"comments.csv": goodComments, "participants-votes.csv": "participant,n-comments,group-id,n-votes,n-agree,n-disagree,1\n"}, `participants-votes.csv:1: column 2 is "n-comments", want "group-id"`},
		{"pv statement id", map[string]string{"comments.csv": goodComments, "participants-votes.csv": "participant,group-id,n-comments,n-votes,n-agree,n-disagree,one\n"}, `participants-votes.csv:1: statement column "one" is not an integer id`},
		{"pv unknown statement", map[string]string{"comments.csv": goodComments, "participants-votes.csv": "participant,group-id,n-comments,n-votes,n-agree,n-disagree,1,8\n"}, "participants-votes.csv:1: column for unknown statement 8"},
		{"pv vote", map[string]string{"comments.csv": goodComments, "participants-votes.csv": pvHeader + "7,0,0,1,1,0,1,,\n8,,0,1,0,0,,0.5,\n"}, `participants-votes.csv:3: statement 2: vote "0.5" is not -1, 0 or 1`},
		{"pv group", map[string]string{"comments.csv": goodComments, "participants-votes.csv": pvHeader + "7,g,0,1,1,0,1,,\n"}, `participants-votes.csv:2: column group-id: "g" is not an integer`},
		{"pv too long", map[string]string{"comments.csv": goodComments, "participants-votes.csv": pvHeader + "7,0,0,1,1,0,1,,,1\n"}, "participants-votes.csv:2: 10 fields, header has 9"},
		{"pv duplicate", map[string]string{"comments.csv": goodComments, "participants-votes.csv": pvHeader + "7,0,0,1,1,0,1,,\n7,0,0,1,1,0,1,,\n"}, "participants-votes.csv:3: duplicate participant 7"},
	} {
		t.Run(c.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, body := range c.files {
				fsys[name] = &fstest.MapFile{Data: []byte(body)}
			}
			_, err := ReadFS(fsys)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want %q", err, c.want)
			}
		})
	}
}

func TestReadVotesLastVoteCounts(t *testing.T) {
	// Voter 8 votes first (timestamp 1) so comes first; voter 7's re-votes: the latest
	// timestamp wins (5 → +1 over 3 → −1), and for equal timestamps the later row (0).
	votes := "timestamp,datetime,comment-id,voter-id,vote\n" +
		"5,d,1,7,1\n" +
		"3,d,1,7,-1\n" +
		"1,d,3,8,-1\n" +
		"4,d,2,7,1\n" +
		"4,d,2,7,0\n"
	c, err := ReadFS(fstest.MapFS{"comments.csv": {Data: []byte(goodComments)}, "votes.csv": {Data: []byte(votes)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Participants) != 2 || c.Participants[0].ID != 8 || c.Participants[1].ID != 7 {
		t.Fatalf("participants %+v", c.Participants)
	}
	p := c.Participants[1]
	want := []StatementVote{{1, 1}, {2, 0}}
	if !slices.Equal(p.Votes, want) || p.NVotes != 2 || p.NAgree != 1 || p.NDisagree != 0 || p.NComments != 0 || p.GroupID != -1 {
		t.Errorf("participant 7: %+v", p)
	}
	if c.Participants[0].NComments != 0 {
		t.Errorf("participant 8 wrote no comment: %+v", c.Participants[0])
	}
	m, err := c.Matrix()
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := m.Get(7, 1); !ok || v != polis.Agree {
		t.Errorf("matrix (7,1) = %d, %v", v, ok)
	}
	if !m.ModeratedOut(2) || m.ModeratedOut(1) {
		t.Error("moderation state not applied")
	}
}

// The votes.csv path (last vote counts) must rebuild exactly the matrix of
// participants-votes.csv on a real conversation.
func TestVotesCSVMatchesParticipantsVotes(t *testing.T) {
	dir := openDataDir("15-per-hour-seattle")
	withPV, err := ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	noPV := fstest.MapFS{}
	for _, name := range []string{"comments.csv.gz", "votes.csv.gz"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		noPV[name] = &fstest.MapFile{Data: b}
	}
	fromVotes, err := ReadFS(noPV)
	if err != nil {
		t.Fatal(err)
	}
	if fromVotes.Votes == nil || len(fromVotes.Votes) != 2995 {
		t.Fatalf("%d vote events", len(fromVotes.Votes))
	}
	want := map[int64][]StatementVote{}
	for _, p := range withPV.Participants {
		want[p.ID] = p.Votes
	}
	if len(fromVotes.Participants) != len(withPV.Participants) {
		t.Fatalf("%d participants from votes.csv, %d from participants-votes.csv", len(fromVotes.Participants), len(withPV.Participants))
	}
	for _, p := range fromVotes.Participants {
		if !slices.Equal(p.Votes, want[p.ID]) {
			t.Errorf("participant %d: %v from votes.csv, %v from participants-votes.csv", p.ID, p.Votes, want[p.ID])
		}
	}
}

func TestRoundTrip(t *testing.T) {
	dir := openDataDir("15-per-hour-seattle")
	orig, err := ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Add the vote events so votes.csv is written too.
	noPV := fstest.MapFS{}
	for _, name := range []string{"comments.csv.gz", "votes.csv.gz"} {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		noPV[name] = &fstest.MapFile{Data: b}
	}
	events, err := ReadFS(noPV)
	if err != nil {
		t.Fatal(err)
	}
	orig.Votes = events.Votes
	out := t.TempDir()
	if err := WriteDir(out, orig); err != nil {
		t.Fatal(err)
	}
	back, err := ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.Comments, orig.Comments) || !slices.Equal(back.Summary, orig.Summary) || !slices.Equal(back.Columns, orig.Columns) {
		t.Error("comments, summary or columns changed")
	}
	if len(back.Participants) != len(orig.Participants) {
		t.Fatalf("%d participants, want %d", len(back.Participants), len(orig.Participants))
	}
	for i := range orig.Participants {
		a, b := orig.Participants[i], back.Participants[i]
		if a.ID != b.ID || a.GroupID != b.GroupID || a.NComments != b.NComments || a.NVotes != b.NVotes ||
			a.NAgree != b.NAgree || a.NDisagree != b.NDisagree || !slices.Equal(a.Votes, b.Votes) {
			t.Fatalf("participant %d: %+v, want %+v", i, b, a)
		}
	}
	f, err := os.Open(filepath.Join(out, "votes.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	votes, err := ReadVotes(f, "votes.csv", nil)
	if err != nil || !slices.Equal(votes, orig.Votes) {
		t.Errorf("votes.csv round trip: %v", err)
	}
}

// An export built from Kuulu-side data (comments and vote events) plus an analysis.
func TestExportFromEvents(t *testing.T) {
	comments := []Comment{{Timestamp: 1, ID: 1, AuthorID: 1, Moderated: 1, Body: "a"}, {Timestamp: 2, ID: 2, AuthorID: 2, Moderated: -1, Body: "b"}}
	var votes []VoteEvent
	for p := int64(1); p <= 20; p++ {
		v := int8(1)
		if p%2 == 0 {
			v = -1
		}
		votes = append(votes, VoteEvent{Timestamp: p, CommentID: 1, VoterID: p, Vote: v}, VoteEvent{Timestamp: p, CommentID: 2, VoterID: p, Vote: -v})
	}
	c := NewConversation(comments, votes)
	m, err := c.Matrix()
	if err != nil {
		t.Fatal(err)
	}
	r := polis.Analyze(m, polis.Options{})
	c.ApplyResult(r)
	dir := t.TempDir()
	if err := WriteDir(dir, c); err != nil {
		t.Fatal(err)
	}
	back, err := ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if back.SummaryValue("voters") != "20" || back.SummaryValue("groups") != fmt.Sprint(len(r.GroupClusters)) {
		t.Errorf("summary %+v", back.Summary)
	}
	if back.Participants[0].NComments != 1 || back.Participants[0].Votes[0] != (StatementVote{1, 1}) {
		t.Errorf("participant %+v", back.Participants[0])
	}
	grouped := 0
	for _, p := range back.Participants {
		if p.GroupID >= 0 {
			grouped++
		}
	}
	if grouped != len(r.InConv) {
		t.Errorf("%d participants with a group-id, %d in-conv", grouped, len(r.InConv))
	}
	var buf bytes.Buffer
	if err := WriteSummary(&buf, back.Summary); err != nil || !strings.Contains(buf.String(), "voters-in-conv,") {
		t.Errorf("summary: %q %v", buf.String(), err)
	}
}
