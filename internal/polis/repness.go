package polis

import (
	"math"
	"slices"
	"sort"
)

// Representative statements, consensus and group-aware consensus, following Polis's
// repness. All probabilities use a pseudocount of 1 (Laplace smoothing): with na agrees
// out of ns votes (passes included), P(agree) = (na + 1) / (ns + 2).

// zSig90 is the one-sided 90 % critical value of the standard normal distribution.
// Polis uses this constant directly.
const zSig90 = 1.2816

// propTest is Polis's one-proportion z-test of succ successes out of n against 1/2,
// with a pseudocount of 1 added to both counts.
func propTest(succ, n int) float64 {
	s, t := float64(succ+1), float64(n+1)
	return 2 * math.Sqrt(t) * (s/t - 0.5)
}

// twoPropTest is Polis's two-proportion z-test of the in-group rate against the rest,
// with a pseudocount of 1 added to every count. When the pooled rate is 1 the statistic
// is 0 (its limit).
func twoPropTest(succIn, succOut, nIn, nOut int) float64 {
	s1, s2 := float64(succIn+1), float64(succOut+1)
	n1, n2 := float64(nIn+1), float64(nOut+1)
	p1, p2 := s1/n1, s2/n2
	pHat := (s1 + s2) / (n1 + n2)
	if pHat == 1 {
		return 0
	}
	return (p1 - p2) / math.Sqrt(pHat*(1-pHat)*(1/n1+1/n2))
}

// laplace is the pseudocount-smoothed rate (succ + 1) / (n + 2).
func laplace(succ, n int) float64 { return float64(succ+1) / float64(n+2) }

// cmtStats are the per-group statistics of one statement.
type cmtStats struct {
	col              int
	na, nd, ns       int
	pa, pd, pat, pdt float64
	ra, rd, rat, rdt float64
}

// groupStats computes the statistics of one statement for a group against the rest of
// the clustered participants.
func groupStats(col, na, nd, ns, restA, restD, restS int) cmtStats {
	s := cmtStats{col: col, na: na, nd: nd, ns: ns}
	s.pa, s.pd = laplace(na, ns), laplace(nd, ns)
	s.pat, s.pdt = propTest(na, ns), propTest(nd, ns)
	s.ra = s.pa / laplace(restA, restS)
	s.rd = s.pd / laplace(restD, restS)
	s.rat = twoPropTest(na, restA, ns, restS)
	s.rdt = twoPropTest(nd, restD, ns, restS)
	return s
}

// RepStatement is one representative statement of a group with Polis's fields:
// n-success of n-trials group members voted the RepfulFor way ("agree" or
// "disagree"), p-success is that rate with pseudocounts and p-test its z-score;
// repness is the ratio to the rest of the clustered participants and repness-test the
// two-proportion z-score. BestAgree (with NAgree) marks the group's best-agree pick.
type RepStatement struct {
	TID         int64   `json:"tid"`
	NSuccess    int     `json:"n-success"`
	NTrials     int     `json:"n-trials"`
	PSuccess    float64 `json:"p-success"`
	PTest       float64 `json:"p-test"`
	Repness     float64 `json:"repness"`
	RepnessTest float64 `json:"repness-test"`
	RepfulFor   string  `json:"repful-for"`
	BestAgree   bool    `json:"best-agree,omitempty"`
	NAgree      *int    `json:"n-agree,omitempty"`
}

// ConsensusStatement is a statement most voters agreed (or disagreed) with:
// n-success of n-trials, the smoothed rate p-success and its z-score p-test.
type ConsensusStatement struct {
	TID      int64   `json:"tid"`
	NSuccess int     `json:"n-success"`
	NTrials  int     `json:"n-trials"`
	PSuccess float64 `json:"p-success"`
	PTest    float64 `json:"p-test"`
}

// finalize turns statistics into Polis's output form, for the direction whose
// representativeness test is stronger. (Even the best-agree pick is reported this way:
// Polis can list a best-agree statement as repful-for disagree.)
func finalize(s cmtStats, tid int64) RepStatement {
	if s.rat > s.rdt {
		return RepStatement{TID: tid, NSuccess: s.na, NTrials: s.ns, PSuccess: s.pa, PTest: s.pat,
			Repness: s.ra, RepnessTest: s.rat, RepfulFor: "agree"}
	}
	return RepStatement{TID: tid, NSuccess: s.nd, NTrials: s.ns, PSuccess: s.pd, PTest: s.pdt,
		Repness: s.rd, RepnessTest: s.rdt, RepfulFor: "disagree"}
}

// passesByTest: significant at 90 % both within the group and against the rest, for
// agree or for disagree.
func passesByTest(s cmtStats) bool {
	return (s.pat > zSig90 && s.rat > zSig90) || (s.pdt > zSig90 && s.rdt > zSig90)
}

// beatsBestByTest keeps the statement with the strongest representativeness test, the
// fallback when nothing is significant.
func beatsBestByTest(s cmtStats, best *cmtStats) bool {
	return best == nil || math.Max(s.rat, s.rdt) > math.Max(best.rat, best.rdt)
}

// beatsBestAgree picks the "best agree" statement, which Polis puts first so that each
// group shows something its members agree on, not only what sets them apart.
func beatsBestAgree(s cmtStats, best *cmtStats) bool {
	if s.na == 0 && s.nd == 0 {
		return false
	}
	if best != nil {
		if best.ra > 1 {
			return s.ra*s.rat*s.pa*s.pat > best.ra*best.rat*best.pa*best.pat
		}
		return s.pa*s.pat > best.pa*best.pat
	}
	return s.pat > zSig90 || (s.ra > 1 && s.pa > 0.5)
}

func repnessMetric(r RepStatement) float64 {
	return r.Repness * r.RepnessTest * r.PSuccess * r.PTest
}

// selectRepComments chooses at most pickMax representative statements of one group
// from the statistics of its eligible (not moderated-out) statements, in column
// order: the best-agree statement first, then the significant ones by
// repness × repness-test × p-success × p-test, agrees before disagrees; if nothing is
// significant and there is no best-agree, the statement with the strongest test.
func selectRepComments(stats []cmtStats, tids []int64, pickMax int) []RepStatement {
	var best, bestAgree *cmtStats
	// Only the pickMax+1 strongest significant statements can be shown (one more in
	// case the best agree is among them), so keep those in a small sorted buffer
	// instead of sorting them all; ties keep column order.
	type cand struct {
		r      RepStatement
		metric float64
	}
	top := make([]cand, 0, pickMax+2)
	for k := range stats {
		s := &stats[k]
		if beatsBestByTest(*s, best) {
			best = s
		}
		if beatsBestAgree(*s, bestAgree) {
			bestAgree = s
		}
		if !passesByTest(*s) {
			continue
		}
		r := finalize(*s, tids[s.col])
		c := cand{r, repnessMetric(r)}
		pos := len(top)
		for pos > 0 && top[pos-1].metric < c.metric {
			pos--
		}
		if pos <= pickMax {
			top = slices.Insert(top, pos, c)
			if len(top) > pickMax+1 {
				top = top[:pickMax+1]
			}
		}
	}
	var out []RepStatement
	if bestAgree != nil {
		r := finalize(*bestAgree, tids[bestAgree.col])
		r.BestAgree = true
		na := bestAgree.na
		r.NAgree = &na
		out = append(out, r)
	}
	for _, c := range top {
		if len(out) > 0 && out[0].BestAgree && c.r.TID == out[0].TID {
			continue
		}
		out = append(out, c.r)
	}
	if len(out) == 0 && best != nil {
		out = append(out, finalize(*best, tids[best.col]))
	}
	if len(out) > pickMax {
		out = out[:pickMax]
	}
	// Agrees before disagrees, otherwise keeping the order.
	sort.SliceStable(out, func(a, b int) bool { return out[a].RepfulFor == "agree" && out[b].RepfulFor != "agree" })
	return out
}

// Consensus lists the statements most agreed (disagreed) with across all voters.
type Consensus struct {
	Agree    []ConsensusStatement `json:"agree"`
	Disagree []ConsensusStatement `json:"disagree"`
}

// selectConsensus picks, over all participants' votes, up to pickMax statements with
// P(agree) > 1/2 and a significant one-proportion test, ordered by P × test (and the
// same for disagree). Ties keep column order.
func selectConsensus(na, nd, ns []int32, eligible []bool, tids []int64, pickMax int) Consensus {
	type cand struct {
		r      ConsensusStatement
		metric float64
	}
	pickDir := func(succ []int32) []ConsensusStatement {
		var cs []cand
		for j := range tids {
			if !eligible[j] {
				continue
			}
			p := laplace(int(succ[j]), int(ns[j]))
			z := propTest(int(succ[j]), int(ns[j]))
			if p > 0.5 && z > zSig90 {
				cs = append(cs, cand{ConsensusStatement{TID: tids[j], NSuccess: int(succ[j]), NTrials: int(ns[j]), PSuccess: p, PTest: z}, p * z})
			}
		}
		sort.SliceStable(cs, func(a, b int) bool { return cs[a].metric > cs[b].metric })
		out := []ConsensusStatement{}
		for k := 0; k < len(cs) && k < pickMax; k++ {
			out = append(out, cs[k].r)
		}
		return out
	}
	return Consensus{Agree: pickDir(na), Disagree: pickDir(nd)}
}
