package polis

// Result is the outcome of an analysis. It marshals to JSON in the shape of Polis's
// math output (/api/v3/math/pca2) so it can be compared with Polis's own:
//
//   - ids are the participant and statement ids of the input;
//   - pca.center and pca.comps are in Polis's internal sign (agree = −1): the centre
//     is minus the mean export-sign vote, and each component is the negated
//     export-sign eigenvector. With that choice the participant coordinates
//     (base-clusters x/y, group centres) and the comment projection are the same in
//     both sign conventions; a component's overall sign is arbitrary, as in Polis;
//   - repness, consensus and group-votes use Polis's agree/disagree wording, which
//     does not depend on the sign.
//
// Fields tagged "-" are Go-only conveniences for the web layer.
type Result struct {
	N                   int                    `json:"n"`
	NCmts               int                    `json:"n-cmts"`
	TIDs                []int64                `json:"tids"`
	InConv              []int64                `json:"in-conv"`
	ModOut              []int64                `json:"mod-out"`
	MetaTIDs            []int64                `json:"meta-tids"`
	UserVoteCounts      map[int64]int          `json:"user-vote-counts"`
	PCA                 PCA                    `json:"pca"`
	BaseClusters        BaseClusters           `json:"base-clusters"`
	GroupClusters       []GroupCluster         `json:"group-clusters"`
	Repness             map[int][]RepStatement `json:"repness"`
	Consensus           Consensus              `json:"consensus"`
	GroupAwareConsensus map[int64]float64      `json:"group-aware-consensus"`
	GroupVotes          map[int]GroupVotes     `json:"group-votes"`
	CommentPriorities   map[int64]float64      `json:"comment-priorities"`

	// Participants lists every participant with at least one vote, in row order, with
	// their map position and, when clustered, their base cluster and group.
	Participants []ParticipantPoint `json:"-"`
	// Iterations reports the work done (useful to check warm starts).
	Iterations Iterations `json:"-"`

	state *analysisState // warm-start state for the next incremental update
}

// PCA is the principal component analysis in Polis's shape. Comps has two rows of one
// value per tid; CommentProjection has two rows (x, y) of one value per tid: the
// position of a virtual participant who agreed with only that statement.
// CommentExtremity is the length of that projection.
type PCA struct {
	Center            []float64   `json:"center"`
	Comps             [][]float64 `json:"comps"`
	CommentProjection [][]float64 `json:"comment-projection"`
	CommentExtremity  []float64   `json:"comment-extremity"`
}

// BaseClusters holds the fine-grained k-means clusters of the clustered participants
// column-wise, as Polis does: cluster i has id ID[i], members Members[i] (participant
// ids), centre (X[i], Y[i]) and Count[i] members.
type BaseClusters struct {
	ID      []int     `json:"id"`
	Members [][]int64 `json:"members"`
	X       []float64 `json:"x"`
	Y       []float64 `json:"y"`
	Count   []int     `json:"count"`
}

// GroupCluster is an opinion group: a cluster of base clusters (Members are base
// cluster ids) with its centre weighted by the base clusters' sizes.
type GroupCluster struct {
	ID      int        `json:"id"`
	Members []int      `json:"members"`
	Center  [2]float64 `json:"center"`
}

// GroupVotes counts the votes of a group's members per statement.
type GroupVotes struct {
	NMembers int                `json:"n-members"`
	Votes    map[int64]ADSCount `json:"votes"`
}

// ADSCount is the number of agrees (A), disagrees (D) and votes of any kind (S, "seen").
type ADSCount struct {
	A int `json:"A"`
	D int `json:"D"`
	S int `json:"S"`
}

// ParticipantPoint is one participant's place in the result. BaseCluster and Group are
// −1 when the participant is not clustered (not in-conv).
type ParticipantPoint struct {
	ID          int64
	X, Y        float64
	Votes       int
	InConv      bool
	BaseCluster int
	Group       int
}

// Iterations reports how many iterations each stage used.
type Iterations struct {
	PCA    int
	Base   int
	Groups int
}

// GroupOf returns the group of a participant, or false when not clustered.
func (r *Result) GroupOf(participant int64) (int, bool) {
	for _, p := range r.Participants {
		if p.ID == participant {
			return p.Group, p.Group >= 0
		}
	}
	return 0, false
}
