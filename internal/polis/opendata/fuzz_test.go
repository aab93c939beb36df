package opendata

import (
	"bytes"
	"encoding/json"
	"testing"
	"testing/fstest"

	"kuulu/internal/polis"
)

// The CSV import must never panic: malformed input is an error.

func FuzzReadComments(f *testing.F) {
	f.Add([]byte(goodComments))
	f.Add([]byte("timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n1,d,1,1,0,0,1\n"))
	f.Add([]byte("\ufefftimestamp,comment-id\n\"unterminated"))
	f.Add([]byte("timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n1,d,99999999999999999999,1,0,0,1,x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := ReadComments(bytes.NewReader(data), "comments.csv")
		if err != nil {
			return
		}
		seen := map[int64]bool{}
		for _, c := range cs {
			if seen[c.ID] || c.Moderated < -1 || c.Moderated > 1 {
				t.Fatalf("accepted invalid comment %+v", c)
			}
			seen[c.ID] = true
		}
	})
}

func FuzzReadVotes(f *testing.F) {
	f.Add([]byte("timestamp,datetime,comment-id,voter-id,vote\n1,d,1,7,1\n2,d,2,7,-1\n"))
	f.Add([]byte("timestamp,datetime,comment-id,voter-id,vote\n1,d,1,7,+1\n2,d,2,7,-0\n3,d,3,3,\n"))
	f.Add([]byte("vote\n1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		vs, err := ReadVotes(bytes.NewReader(data), "votes.csv", nil)
		if err != nil {
			return
		}
		for _, v := range vs {
			if v.Vote < -1 || v.Vote > 1 {
				t.Fatalf("accepted vote %d", v.Vote)
			}
		}
		ParticipantsFromVotes(vs, nil)
	})
}

// FuzzAnalyzeParticipantsVotes goes from participants-votes.csv through the matrix to
// the analysis and its JSON: no panics, and the JSON always encodes (no NaN).
func FuzzAnalyzeParticipantsVotes(f *testing.F) {
	f.Add([]byte("participant,group-id,n-comments,n-votes,n-agree,n-disagree,1,2,3\n7,0,0,3,1,1,1,-1,0\n8,,0,1,0,0,,,1\n"))
	f.Add([]byte("participant,group-id,n-comments,n-votes,n-agree,n-disagree,1\n1,,0,0,0,0,\n"))
	f.Add([]byte("participant,group-id,n-comments,n-votes,n-agree,n-disagree,3,2,1\n1,1,1,1,1,1,1,1,1\n2,1,1,1,1,1,-1,-1,-1\n3,1,1,1,1,1,0,0,0\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{
			"comments.csv":           {Data: []byte(goodComments)},
			"participants-votes.csv": {Data: data},
		}
		c, err := ReadFS(fsys)
		if err != nil {
			return
		}
		m, err := c.Matrix()
		if err != nil {
			return
		}
		r := polis.Analyze(m, polis.Options{})
		if _, err := json.Marshal(r); err != nil {
			t.Fatalf("result does not encode: %v", err)
		}
	})
}
