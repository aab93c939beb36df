package polis

import (
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// Fixtures: five live pol.is conversations with Polis's own math output, from the test
// fixtures of polis-community/red-dwarf (MPL-2.0); see testdata/README.md.

var fixtureNames = []string{
	"below-100-ptpts",
	"25ptpt-3gp-no-strict-with-meta",
	"50ptpt-3gp-strict-no-meta",
	"above-100-ptpts",
	"150ptpt-3gp-no-strict-no-meta",
}

// fixtureVote accepts both key spellings used by the fixtures.
type fixtureVote struct {
	PID      *int64 `json:"pid"`
	TID      *int64 `json:"tid"`
	PID2     *int64 `json:"participant_id"`
	TID2     *int64 `json:"statement_id"`
	Vote     int8   `json:"vote"`
	Modified any    `json:"modified"`
}

type fixtureComment struct {
	TID    *int64 `json:"tid"`
	TID2   *int64 `json:"statement_id"`
	Mod    *int   `json:"mod"`
	Mod2   *int   `json:"moderated"`
	IsMeta bool   `json:"is_meta"`
}

type fixtureRepness struct {
	TID         int64   `json:"tid"`
	NSuccess    int     `json:"n-success"`
	NTrials     int     `json:"n-trials"`
	PSuccess    float64 `json:"p-success"`
	PTest       float64 `json:"p-test"`
	Repness     float64 `json:"repness"`
	RepnessTest float64 `json:"repness-test"`
	RepfulFor   string  `json:"repful-for"`
	BestAgree   bool    `json:"best-agree"`
	NAgree      *int    `json:"n-agree"`
}

type fixtureMath struct {
	N        int     `json:"n"`
	NCmts    int     `json:"n-cmts"`
	TIDs     []int64 `json:"tids"`
	InConv   []int64 `json:"in-conv"`
	ModOut   []int64 `json:"mod-out"`
	MetaTIDs []int64 `json:"meta-tids"`
	UVC      map[string]int
	PCA      struct {
		Center     []float64   `json:"center"`
		Comps      [][]float64 `json:"comps"`
		CmtProj    [][]float64 `json:"comment-projection"`
		CmtExtreme []float64   `json:"comment-extremity"`
	} `json:"pca"`
	BaseClusters struct {
		ID      []int     `json:"id"`
		Members [][]int64 `json:"members"`
		X       []float64 `json:"x"`
		Y       []float64 `json:"y"`
		Count   []int     `json:"count"`
	} `json:"base-clusters"`
	GroupClusters []struct {
		ID      int        `json:"id"`
		Members []int      `json:"members"`
		Center  [2]float64 `json:"center"`
	} `json:"group-clusters"`
	Repness   map[string][]fixtureRepness `json:"repness"`
	Consensus struct {
		Agree    []fixtureRepness `json:"agree"`
		Disagree []fixtureRepness `json:"disagree"`
	} `json:"consensus"`
	GAC        map[string]float64 `json:"group-aware-consensus"`
	GroupVotes map[string]struct {
		NMembers int                       `json:"n-members"`
		Votes    map[string]map[string]int `json:"votes"`
	} `json:"group-votes"`
	UserVoteCounts    map[string]int     `json:"user-vote-counts"`
	CommentPriorities map[string]float64 `json:"comment-priorities"`
}

type fixture struct {
	name     string
	matrix   *Matrix
	math     fixtureMath
	votes    []Vote
	comments []fixtureComment
}

func readGzipJSON(t testing.TB, path string, v any) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.NewDecoder(zr).Decode(v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func pick(a, b *int64) int64 {
	if a != nil {
		return *a
	}
	return *b
}

// loadFixture builds the vote matrix of a fixture: participants in ascending pid
// order, statements in ascending tid order, moderated-out (mod = -1) and meta
// statements marked, votes converted to nothing (the fixture votes are already in the
// export sign, agree = +1).
func loadFixture(t testing.TB, name string) *fixture {
	t.Helper()
	dir := filepath.Join("testdata", "fixtures", name)
	fx := &fixture{name: name}
	var votes []fixtureVote
	readGzipJSON(t, filepath.Join(dir, "votes.json.gz"), &votes)
	readGzipJSON(t, filepath.Join(dir, "comments.json.gz"), &fx.comments)
	readGzipJSON(t, filepath.Join(dir, "math-pca2.json.gz"), &fx.math)
	for _, v := range votes {
		fx.votes = append(fx.votes, Vote{Participant: pick(v.PID, v.PID2), Statement: pick(v.TID, v.TID2), Value: v.Vote})
	}
	sort.SliceStable(fx.votes, func(i, j int) bool {
		if fx.votes[i].Participant != fx.votes[j].Participant {
			return fx.votes[i].Participant < fx.votes[j].Participant
		}
		return fx.votes[i].Statement < fx.votes[j].Statement
	})
	m := NewMatrix()
	for _, v := range fx.votes {
		if err := m.Set(v.Participant, v.Statement, v.Value); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range fx.comments {
		tid := pick(c.TID, c.TID2)
		mod := 0
		if c.Mod != nil {
			mod = *c.Mod
		} else if c.Mod2 != nil {
			mod = *c.Mod2
		}
		m.AddStatement(tid) // statements without votes are ignored by the analysis
		if mod < 0 {
			m.SetModeratedOut(tid, true)
		}
		if c.IsMeta {
			m.SetMeta(tid, true)
		}
	}
	m.SortStatements()
	fx.matrix = m
	return fx
}
