package polis

import (
	"math"
	"sort"
)

// Analyze computes the opinion map of a vote matrix: PCA, clustering into base
// clusters and opinion groups, representative statements, consensus and group-aware
// consensus. With zero Options it is a from-scratch (cold-start) analysis; the seed
// fields of Options, or Options.Previous, give it Polis's starting conditions. The
// matrix is not modified. The result is deterministic for a given matrix and options.
func Analyze(m *Matrix, opts Options) *Result {
	o := opts.withDefaults()
	prev := stateFrom(o.Previous)

	// Statements without any vote are not part of Polis's matrix.
	n := len(m.statements)
	active := make([]bool, n)
	nCmts, nZeroed := 0, 0
	for j := range active {
		if m.colCount[j] > 0 {
			active[j] = true
			nCmts++
			if m.modOut[j] || m.meta[j] {
				nZeroed++
			}
		}
	}

	var warm [][pcaBlock]float64
	if prev != nil && len(prev.comps) > 0 {
		warm = make([][pcaBlock]float64, n)
		for j, id := range m.statements {
			warm[j] = prev.comps[id]
		}
	}
	st := computePCA(m, pcaOptions{tol: o.PCATolerance, maxIter: o.PCAMaxIters, workers: o.Workers, warm: warm})
	proj := projectRows(m, st, nCmts, nZeroed)

	inConv := selectInConv(m, o, prev, nCmts)

	// Base clusters over the in-conv participants, in row order.
	var icRows []int
	for i, in := range inConv {
		if in {
			icRows = append(icRows, i)
		}
	}
	pts := make([][2]float64, len(icRows))
	ids := make([]int64, len(icRows))
	for k, i := range icRows {
		pts[k], ids[k] = proj[i], m.participants[i]
	}
	baseSeeds := o.BaseClusters
	if baseSeeds == nil && prev != nil {
		baseSeeds = prev.base
	}
	base, baseIters := baseClustering(pts, ids, baseSeeds, o.BaseCenters, o.BaseK, o.KMeansIters, o.Workers)

	// Group clusters over the base-cluster centres.
	groupSeeds := map[int][]GroupSeed{}
	if prev != nil {
		for k, g := range prev.groupsByK {
			groupSeeds[k] = g
		}
	}
	groupCenters := map[int][][2]float64{}
	seedK := 0
	if len(o.GroupClusters) > 0 {
		seedK = len(o.GroupClusters)
		groupSeeds[seedK] = o.GroupClusters
	} else if len(o.GroupCenters) > 0 {
		seedK = len(o.GroupCenters)
		groupCenters[seedK] = o.GroupCenters
		delete(groupSeeds, seedK)
	}
	var extra []int
	for _, k := range []int{seedK, o.GroupK} {
		if k > 0 {
			extra = append(extra, k)
		}
	}
	if prev != nil && prev.smoother.smoothedK > 0 {
		extra = append(extra, prev.smoother.smoothedK)
	}
	cands, groupIters := groupClusterings(base, groupKs(base, o.MaxGroups, extra), groupSeeds, groupCenters, o.KMeansIters)
	chosen, smoother := chooseK(cands, o, prev, seedK)

	r := &Result{Iterations: Iterations{PCA: st.iters, Base: baseIters, Groups: groupIters}}
	var groups []kcluster
	for _, c := range cands {
		if c.k == chosen {
			groups = c.clusters
		}
	}
	assembleResult(r, m, o, active, st, proj, inConv, base, groups, nCmts)

	r.state = nextState(m, active, st, ids, base, cands, smoother)
	return r
}

// nextState records what the next incremental update starts from.
func nextState(m *Matrix, active []bool, st pcaState, ids []int64, base []kcluster, cands []groupCandidate, smoother kSmoother) *analysisState {
	next := &analysisState{
		comps:     make(map[int64][pcaBlock]float64, len(active)),
		inConv:    make(map[int64]bool, len(ids)),
		groupsByK: map[int][]GroupSeed{},
		smoother:  smoother,
	}
	for j, id := range m.statements {
		if active[j] {
			next.comps[id] = st.block[j]
		}
	}
	for _, id := range ids {
		next.inConv[id] = true
	}
	for _, b := range base {
		s := ClusterSeed{ID: b.id, Members: make([]int64, len(b.members))}
		for k, i := range b.members {
			s.Members[k] = ids[i]
		}
		next.base = append(next.base, s)
	}
	for _, c := range cands {
		next.groupsByK[c.k] = groupSeedsOf(c.clusters, base)
	}
	return next
}

// selectInConv marks the clustered participants: those with at least
// min(MinVotes, statements) votes, those kept from before (in-conv is sticky in Polis),
// and, while fewer than MinInConv, the most active remaining voters (ties: row order).
func selectInConv(m *Matrix, o Options, prev *analysisState, nCmts int) []bool {
	sticky := map[int64]bool{}
	for _, id := range o.InConv {
		sticky[id] = true
	}
	if prev != nil {
		for id := range prev.inConv {
			sticky[id] = true
		}
	}
	thr := min(o.MinVotes, nCmts)
	in := make([]bool, len(m.rows))
	count := 0
	var rest []int
	for i, row := range m.rows {
		if len(row) == 0 {
			continue
		}
		if len(row) >= thr || sticky[m.participants[i]] {
			in[i] = true
			count++
		} else {
			rest = append(rest, i)
		}
	}
	if count < o.MinInConv {
		sort.SliceStable(rest, func(a, b int) bool { return len(m.rows[rest[a]]) > len(m.rows[rest[b]]) })
		for _, i := range rest[:min(len(rest), o.MinInConv-count)] {
			in[i] = true
		}
	}
	return in
}

// chooseK picks the number of groups: forced (GroupK), kept from explicit group seeds,
// smoothed over updates from a previous result, or the best silhouette on a cold start.
func chooseK(cands []groupCandidate, o Options, prev *analysisState, seedK int) (int, kSmoother) {
	if len(cands) == 0 {
		return 0, kSmoother{}
	}
	bestK := bestBySilhouette(cands)
	var sm kSmoother
	switch {
	case o.GroupK > 0:
		sm = kSmoother{lastK: bestK, lastKCount: 1, smoothedK: o.GroupK}
	case seedK > 0:
		sm = kSmoother{lastK: bestK, lastKCount: 1, smoothedK: seedK}
	case prev != nil && prev.smoother.smoothedK > 0:
		sm = prev.smoother.update(bestK, o.GroupKBuffer, true)
	default:
		sm = kSmoother{lastK: bestK, lastKCount: 1, smoothedK: bestK}
	}
	for _, c := range cands {
		if c.k == sm.smoothedK {
			return c.k, sm
		}
	}
	sm.smoothedK = bestK // the kept k is no longer possible (too few base clusters)
	return bestK, sm
}

// groupSeedsOf converts a group clustering (members index base) to seeds by base id.
func groupSeedsOf(groups []kcluster, base []kcluster) []GroupSeed {
	out := make([]GroupSeed, len(groups))
	for g, c := range groups {
		out[g] = GroupSeed{ID: c.id, Members: make([]int, len(c.members))}
		for k, b := range c.members {
			out[g].Members[k] = base[b].id
		}
	}
	return out
}

// stateFrom extracts warm-start state from a previous result. A result decoded from
// JSON (ours or Polis's) has no private state; it is rebuilt from the JSON fields.
func stateFrom(r *Result) *analysisState {
	if r == nil {
		return nil
	}
	if r.state != nil {
		return r.state
	}
	s := &analysisState{comps: map[int64][pcaBlock]float64{}, inConv: map[int64]bool{}, groupsByK: map[int][]GroupSeed{}}
	if len(r.PCA.Comps) >= 2 {
		for k, id := range r.TIDs {
			if k < len(r.PCA.Comps[0]) && k < len(r.PCA.Comps[1]) {
				// JSON components are in Polis's internal sign: negate back.
				s.comps[id] = [pcaBlock]float64{-r.PCA.Comps[0][k], -r.PCA.Comps[1][k]}
			}
		}
	}
	for _, id := range r.InConv {
		s.inConv[id] = true
	}
	for b, id := range r.BaseClusters.ID {
		if b < len(r.BaseClusters.Members) {
			s.base = append(s.base, ClusterSeed{ID: id, Members: r.BaseClusters.Members[b]})
		}
	}
	if k := len(r.GroupClusters); k > 0 {
		g := make([]GroupSeed, k)
		for i, c := range r.GroupClusters {
			g[i] = GroupSeed{ID: c.ID, Members: c.Members}
		}
		s.groupsByK[k] = g
		s.smoother = kSmoother{lastK: k, lastKCount: 1, smoothedK: k}
	}
	return s
}

// commentProjection places each statement where a participant who agreed with only
// that statement would be, as Polis does; its length is the statement's extremity.
func commentProjection(st pcaState, j, nCmts int) (float64, float64) {
	a := float64(Agree) - st.center[j]
	s := math.Sqrt(float64(nCmts))
	return a * st.comps[0][j] * s, a * st.comps[1][j] * s
}
