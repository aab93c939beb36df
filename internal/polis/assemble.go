package polis

import "math"

// voteTally counts agrees, disagrees and all votes per column.
type voteTally struct{ a, d, s []int32 }

func newTally(n int) voteTally {
	return voteTally{make([]int32, n), make([]int32, n), make([]int32, n)}
}

func (t voteTally) addRow(row []cell) {
	for _, c := range row {
		switch c.val {
		case Agree:
			t.a[c.col]++
		case Disagree:
			t.d[c.col]++
		}
		t.s[c.col]++
	}
}

// assembleResult fills r from the pipeline's pieces: groups' members index base, base
// clusters' members index the in-conv rows in row order.
func assembleResult(r *Result, m *Matrix, o Options, active []bool, st pcaState, proj [][2]float64,
	inConv []bool, base, groups []kcluster, nCmts int) {
	n := len(m.statements)
	var cols []int
	for j := range active {
		if active[j] {
			cols = append(cols, j)
		}
	}
	r.NCmts = nCmts
	r.TIDs = make([]int64, 0, nCmts)
	for _, j := range cols {
		r.TIDs = append(r.TIDs, m.statements[j])
	}
	// Like Polis, mod-out and meta-tids list every known statement, voted on or not.
	r.ModOut, r.MetaTIDs = []int64{}, []int64{}
	for j, id := range m.statements {
		if m.modOut[j] || m.meta[j] {
			r.ModOut = append(r.ModOut, id)
		}
		if m.meta[j] {
			r.MetaTIDs = append(r.MetaTIDs, id)
		}
	}

	// PCA in Polis's internal sign (see Result).
	r.PCA = PCA{
		Center:            make([]float64, nCmts),
		Comps:             [][]float64{make([]float64, nCmts), make([]float64, nCmts)},
		CommentProjection: [][]float64{make([]float64, nCmts), make([]float64, nCmts)},
		CommentExtremity:  make([]float64, nCmts),
	}
	for k, j := range cols {
		r.PCA.Center[k] = -st.center[j] + 0 // + 0 turns −0 into 0
		r.PCA.Comps[0][k] = -st.comps[0][j] + 0
		r.PCA.Comps[1][k] = -st.comps[1][j] + 0
		x, y := commentProjection(st, j, nCmts)
		r.PCA.CommentProjection[0][k], r.PCA.CommentProjection[1][k] = x, y
		r.PCA.CommentExtremity[k] = math.Hypot(x, y)
	}

	// Participants, in-conv, base clusters and groups.
	icRows := make([]int, 0)
	for i, in := range inConv {
		if in {
			icRows = append(icRows, i)
		}
	}
	baseOfIC := make([]int, len(icRows))
	groupOfBase := make([]int, len(base))
	for b := range groupOfBase {
		groupOfBase[b] = -1
	}
	for _, g := range groups {
		for _, b := range g.members {
			groupOfBase[b] = g.id
		}
	}
	r.BaseClusters = BaseClusters{ID: []int{}, Members: [][]int64{}, X: []float64{}, Y: []float64{}, Count: []int{}}
	for b, c := range base {
		mem := make([]int64, len(c.members))
		for k, i := range c.members {
			mem[k] = m.participants[icRows[i]]
			baseOfIC[i] = b
		}
		r.BaseClusters.ID = append(r.BaseClusters.ID, c.id)
		r.BaseClusters.Members = append(r.BaseClusters.Members, mem)
		r.BaseClusters.X = append(r.BaseClusters.X, c.center[0])
		r.BaseClusters.Y = append(r.BaseClusters.Y, c.center[1])
		r.BaseClusters.Count = append(r.BaseClusters.Count, len(c.members))
	}
	r.GroupClusters = []GroupCluster{}
	for _, g := range groups {
		gc := GroupCluster{ID: g.id, Center: g.center, Members: make([]int, len(g.members))}
		for k, b := range g.members {
			gc.Members[k] = base[b].id
		}
		r.GroupClusters = append(r.GroupClusters, gc)
	}
	r.UserVoteCounts = map[int64]int{}
	r.InConv = make([]int64, 0, len(icRows))
	ic := 0
	for i, row := range m.rows {
		if len(row) == 0 {
			continue
		}
		id := m.participants[i]
		r.N++
		r.UserVoteCounts[id] = len(row)
		p := ParticipantPoint{ID: id, X: proj[i][0], Y: proj[i][1], Votes: len(row), BaseCluster: -1, Group: -1}
		if inConv[i] {
			r.InConv = append(r.InConv, id)
			b := base[baseOfIC[ic]]
			p.InConv, p.BaseCluster, p.Group = true, b.id, groupOfBase[baseOfIC[ic]]
			ic++
		}
		r.Participants = append(r.Participants, p)
	}

	// Vote tallies: everyone (consensus) and per group (repness, group-aware consensus).
	// Everyone's tally comes from the matrix's running column counts (no pass needed).
	all := newTally(n)
	for j := range all.a {
		all.a[j] = m.colAgree[j]
		all.d[j] = m.colAgree[j] - int32(m.colSum[j])
		all.s[j] = m.colCount[j]
	}
	groupTally := make([]voteTally, len(groups))
	groupMembers := make([]int, len(groups))
	groupIndex := make(map[int]int, len(groups))
	for g, gr := range groups {
		groupTally[g] = newTally(n)
		groupIndex[gr.id] = g
	}
	for k, i := range icRows {
		gid := groupOfBase[baseOfIC[k]]
		if gid < 0 {
			continue
		}
		g := groupIndex[gid]
		groupTally[g].addRow(m.rows[i])
		groupMembers[g]++
	}
	clustered := newTally(n)
	for _, t := range groupTally {
		for j := range clustered.a {
			clustered.a[j] += t.a[j]
			clustered.d[j] += t.d[j]
			clustered.s[j] += t.s[j]
		}
	}

	eligible := make([]bool, n)
	for j := range eligible {
		eligible[j] = active[j] && !m.modOut[j] && !m.meta[j]
	}
	r.Consensus = selectConsensus(all.a, all.d, all.s, eligible, m.statements, o.ConsensusMax)

	r.Repness = map[int][]RepStatement{}
	r.GroupVotes = map[int]GroupVotes{}
	r.GroupAwareConsensus = map[int64]float64{}
	for _, j := range cols {
		p := 1.0
		for g := range groups {
			p *= laplace(int(groupTally[g].a[j]), int(groupTally[g].s[j]))
		}
		if len(groups) > 0 {
			r.GroupAwareConsensus[m.statements[j]] = p
		}
	}
	r.CommentPriorities = make(map[int64]float64, len(cols))
	for k, j := range cols {
		r.CommentPriorities[m.statements[j]] = commentPriority(m.meta[j],
			int(clustered.a[j]), int(clustered.d[j]), int(clustered.s[j]), r.PCA.CommentExtremity[k])
	}
	stats := make([]cmtStats, 0, len(cols))
	for g, gr := range groups {
		t := groupTally[g]
		stats = stats[:0]
		gv := GroupVotes{NMembers: groupMembers[g], Votes: make(map[int64]ADSCount, len(cols))}
		for _, j := range cols {
			a, d, s := int(t.a[j]), int(t.d[j]), int(t.s[j])
			gv.Votes[m.statements[j]] = ADSCount{A: a, D: d, S: s}
			if eligible[j] {
				stats = append(stats, groupStats(j, a, d, s,
					int(clustered.a[j])-a, int(clustered.d[j])-d, int(clustered.s[j])-s))
			}
		}
		r.GroupVotes[gr.id] = gv
		r.Repness[gr.id] = selectRepComments(stats, m.statements, o.RepnessMax)
	}
}

// metaPriority is the priority Polis gives meta statements (before squaring).
const metaPriority = 7

// commentPriority is Polis's routing priority of a statement, from the clustered
// participants' votes: importance = P(agree)·(1 − P(pass))·(1 + extremity), boosted
// for new statements by 1 + 8·2^(−votes/5), then squared.
func commentPriority(meta bool, na, nd, ns int, extremity float64) float64 {
	p := float64(metaPriority)
	if !meta {
		importance := laplace(na, ns) * (1 - laplace(ns-na-nd, ns)) * (1 + extremity)
		p = importance * (1 + 8*math.Pow(2, -float64(ns)/5))
	}
	return p * p
}
