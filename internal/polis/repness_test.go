package polis

import (
	"math"
	"slices"
	"testing"
)

func approx(a, b float64) bool { return math.Abs(a-b) <= 1e-6 }

func TestZTests(t *testing.T) {
	for _, c := range []struct {
		name string
		got  float64
		want float64
	}{
		// 2·√(n+1)·((s+1)/(n+1) − ½)
		{"prop 6/6", propTest(6, 6), math.Sqrt(7)}, // 2·√7·(7/7 − ½) = √7
		{"prop 0/0", propTest(0, 0), 1},            // 2·1·(1 − ½)
		{"prop 3/9", propTest(3, 9), -0.6324555},   // 2·√10·(4/10 − ½) = −0.2·√10
		{"prop 9/10", propTest(9, 10), 2.7136021},  // 2·√11·(10/11 − ½) = 9/√11
		{"two 3,1 of 3,5", twoPropTest(3, 1, 3, 5), 2.1081851},
		// p1 = 4/4, p2 = 2/6, p̂ = 6/10, z = (2/3)/√(0.24·(1/4 + 1/6)) = (2/3)/√0.1
		{"two 3,0 of 3,3", twoPropTest(3, 0, 3, 3), 2.1908902},
		// p1 = 1, p2 = 1/4, p̂ = 5/8, z = 0.75/√(0.625·0.375·0.5)
		{"two pooled rate 1", twoPropTest(2, 3, 2, 3), 0}, // p̂ = 7/7: the limit 0
	} {
		if !approx(c.got, c.want) {
			t.Errorf("%s = %.7f, want %.7f", c.name, c.got, c.want)
		}
	}
}

// handMatrix: participants 1–3 (group A) and 4–6 (group B), statements 10, 20, 30.
//
//	      10   20   30
//	p1    +1   +1    0
//	p2    +1   +1    0
//	p3    +1   +1   +1
//	p4    −1   +1   −1
//	p5    −1   +1    0
//	p6    −1    0    ·
func handMatrix(t *testing.T) *Matrix {
	m := NewMatrix()
	rows := map[int64][3]int8{1: {1, 1, 0}, 2: {1, 1, 0}, 3: {1, 1, 1}, 4: {-1, 1, -1}, 5: {-1, 1, 0}, 6: {-1, 0, 9}}
	for p := int64(1); p <= 6; p++ {
		for k, s := range []int64{10, 20, 30} {
			if v := rows[p][k]; v != 9 {
				if err := m.Set(p, s, v); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return m
}

func TestRepnessHandMatrix(t *testing.T) {
	r := Analyze(handMatrix(t), Options{
		BaseK:         2,
		BaseClusters:  []ClusterSeed{{ID: 0, Members: []int64{1, 2, 3}}, {ID: 1, Members: []int64{4, 5, 6}}},
		GroupClusters: []GroupSeed{{ID: 0, Members: []int{0}}, {ID: 1, Members: []int{1}}},
	})
	if len(r.InConv) != 6 {
		t.Fatalf("in-conv %v: the greedy rule should take all 6", r.InConv)
	}
	three := 3
	want := map[int][]RepStatement{
		// Group A on 10: na=3 of ns=3, rest 0 of 3.
		//   p = (3+1)/(3+2) = 0.8, p-test = 2·√4·(4/4 − ½) = 2,
		//   repness = 0.8 / ((0+1)/(3+2)) = 4, repness-test = 2.1908902 (see TestZTests).
		// It is also the best agree: the first statement with a significant p-test; 20
		// (ra = 0.8/0.6, rat = 1.069) has a smaller ra·rat·pa·pat, 30 has pat = 0.
		0: {{TID: 10, NSuccess: 3, NTrials: 3, PSuccess: 0.8, PTest: 2, Repness: 4, RepnessTest: 2.1908902, RepfulFor: "agree", BestAgree: true, NAgree: &three}},
		// Group B on 10: nd=3 of 3, rest 0 of 3 → the same numbers for disagree. There is
		// no best agree: 10 has pat = −1 and ra = 0.25, 20 has pat = 2·2·(3/4 − ½) = 1
		// and ra = 0.6/0.8, 30 has pat < 0.
		1: {{TID: 10, NSuccess: 3, NTrials: 3, PSuccess: 0.8, PTest: 2, Repness: 4, RepnessTest: 2.1908902, RepfulFor: "disagree"}},
	}
	for g, w := range want {
		got := r.Repness[g]
		if len(got) != len(w) {
			t.Fatalf("group %d: %+v, want %+v", g, got, w)
		}
		for i := range w {
			a, b := got[i], w[i]
			if a.TID != b.TID || a.NSuccess != b.NSuccess || a.NTrials != b.NTrials || a.RepfulFor != b.RepfulFor || a.BestAgree != b.BestAgree ||
				!approx(a.PSuccess, b.PSuccess) || !approx(a.PTest, b.PTest) || !approx(a.Repness, b.Repness) || !approx(a.RepnessTest, b.RepnessTest) ||
				(a.NAgree == nil) != (b.NAgree == nil) || (a.NAgree != nil && *a.NAgree != *b.NAgree) {
				t.Errorf("group %d [%d] = %+v, want %+v", g, i, a, b)
			}
		}
	}
	// Group-aware consensus: product over groups of (agrees + 1) / (votes + 2).
	for tid, want := range map[int64]float64{
		10: 0.8 * 0.2,  // A 3/3 → 4/5, B 0/3 → 1/5
		20: 0.8 * 0.6,  // A 3/3 → 4/5, B 2/3 → 3/5
		30: 0.4 * 0.25, // A 1/3 → 2/5, B 0/2 → 1/4
	} {
		if got := r.GroupAwareConsensus[tid]; !approx(got, want) {
			t.Errorf("group-aware-consensus[%d] = %g, want %g", tid, got, want)
		}
	}
	if gv := r.GroupVotes[1].Votes[30]; gv != (ADSCount{A: 0, D: 1, S: 2}) {
		t.Errorf("group-votes[1][30] = %+v", gv)
	}
}

func TestSelectRepCommentsFallback(t *testing.T) {
	// Nobody in the group voted, so nothing is significant and nothing can be the best
	// agree (na = nd = 0). The fallback is the strongest repness test:
	//   X (rest: 5 agrees of 5): rat: p̂ = 7/7 → 0; rdt = (1 − 1/6)/√(2/7·5/7·(1 + 1/6)) = 1.7078
	//   Y (rest: 10 disagrees of 10): rat = (1 − 1/11)/√(1/6·5/6·(1 + 1/11)) = 2.3355, rdt = 0
	// Y wins and is reported for agree: p = 1/2, p-test = 1, repness = (1/2)/(1/12) = 6.
	stats := []cmtStats{groupStats(0, 0, 0, 0, 5, 0, 5), groupStats(1, 0, 0, 0, 0, 10, 10)}
	got := selectRepComments(stats, []int64{100, 200}, 5)
	if len(got) != 1 || got[0].TID != 200 || got[0].RepfulFor != "agree" || got[0].BestAgree ||
		!approx(got[0].PSuccess, 0.5) || !approx(got[0].PTest, 1) || !approx(got[0].Repness, 6) || !approx(got[0].RepnessTest, 2.3354968) {
		t.Errorf("fallback = %+v", got)
	}
}

func TestSelectRepCommentsOrderAndCap(t *testing.T) {
	// Eight significant statements against a rest of 20 that never agrees or disagrees
	// (all passes). For agree statements with na = ns = n, every factor of
	// repness·repness-test·p-success·p-test grows with n, so the metric orders them by n;
	// likewise for disagree. Expected: best agree first (the largest agree metric, n=9),
	// then the rest by metric, capped at 5, agrees before disagrees.
	tids := []int64{1, 2, 3, 4, 5, 6, 7, 8}
	stats := []cmtStats{
		groupStats(0, 4, 0, 4, 0, 0, 20), // agree n=4
		groupStats(1, 0, 8, 8, 0, 0, 20), // disagree n=8
		groupStats(2, 9, 0, 9, 0, 0, 20), // agree n=9: best agree
		groupStats(3, 6, 0, 6, 0, 0, 20), // agree n=6
		groupStats(4, 0, 7, 7, 0, 0, 20), // disagree n=7
		groupStats(5, 3, 0, 3, 0, 0, 20), // agree n=3
		groupStats(6, 0, 9, 9, 0, 0, 20), // disagree n=9
		groupStats(7, 5, 0, 5, 0, 0, 20), // agree n=5
	}
	// Agree and disagree with the same n have the same metric; the sorted candidates are
	// 3(a9) 7(d9) 2(d8) 5(d7) 4(a6) 8(a5) 1(a4) 6(a3) (stable: column order on ties).
	// Best agree 3 first, then 7, 2, 5, 4 → cap 5 → agrees first: 3, 4, 7, 2, 5.
	got := selectRepComments(stats, tids, 5)
	var ids []int64
	for _, r := range got {
		ids = append(ids, r.TID)
	}
	if want := []int64{3, 4, 7, 2, 5}; !slices.Equal(ids, want) {
		t.Fatalf("order %v, want %v", ids, want)
	}
	if !got[0].BestAgree || got[0].NAgree == nil || *got[0].NAgree != 9 || got[2].RepfulFor != "disagree" {
		t.Errorf("flags: %+v", got)
	}
}

func TestConsensusHand(t *testing.T) {
	// Ten participants; statement 5 is moderated out.
	//   1: 9 agree, 1 disagree  → p = 10/12, z = 2·√11·(10/11 − ½) = 2.7136 → agree list
	//   2: 5 agree, 5 pass      → p = 6/12 is not above ½ → neither list
	//   3: 4 agree (4 votes)    → p = 5/6,  z = 2·√5·(5/5 − ½) = √5 = 2.2361 → agree list
	//   4: 8 disagree (8 votes) → p = 9/10, z = 2·√9·(9/9 − ½) = 3 → disagree list
	//   5: 10 agree, moderated out → excluded
	// Agree order by p·z: 1 (0.8333·2.7136 = 2.261) before 3 (0.8333·2.2361 = 1.863).
	m := NewMatrix()
	for p := int64(0); p < 10; p++ {
		v1 := Agree
		if p == 9 {
			v1 = Disagree
		}
		must(t, m.Set(p, 1, v1))
		v2 := Pass
		if p < 5 {
			v2 = Agree
		}
		must(t, m.Set(p, 2, v2))
		if p < 4 {
			must(t, m.Set(p, 3, Agree))
		}
		if p < 8 {
			must(t, m.Set(p, 4, Disagree))
		}
		must(t, m.Set(p, 5, Agree))
	}
	m.SetModeratedOut(5, true)
	r := Analyze(m, Options{})
	check := func(what string, got []ConsensusStatement, want []ConsensusStatement) {
		if len(got) != len(want) {
			t.Fatalf("%s: %+v, want %+v", what, got, want)
		}
		for i := range want {
			a, b := got[i], want[i]
			if a.TID != b.TID || a.NSuccess != b.NSuccess || a.NTrials != b.NTrials || !approx(a.PSuccess, b.PSuccess) || !approx(a.PTest, b.PTest) {
				t.Errorf("%s[%d] = %+v, want %+v", what, i, a, b)
			}
		}
	}
	check("agree", r.Consensus.Agree, []ConsensusStatement{
		{TID: 1, NSuccess: 9, NTrials: 10, PSuccess: 10.0 / 12, PTest: 2.7136021},
		{TID: 3, NSuccess: 4, NTrials: 4, PSuccess: 5.0 / 6, PTest: math.Sqrt(5)},
	})
	check("disagree", r.Consensus.Disagree, []ConsensusStatement{{TID: 4, NSuccess: 8, NTrials: 8, PSuccess: 0.9, PTest: 3}})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestRepnessSignificanceThreshold(t *testing.T) {
	// The rest of the clustered participants (20) never agree or disagree.
	//   C: 10 agrees of 10: p-test = √11 = 3.317, clearly significant; the best agree.
	//   A: 3 agrees of 4:   p-test = 2·√5·(4/5 − ½) = 1.3416 > 1.2816, repness-test
	//      (4/5 − 1/21)/√(5/26·21/26·(1/5 + 1/21)) = 3.836 → representative.
	//   B: 6 disagrees of 9: p-test = 2·√10·(7/10 − ½) = 1.2649 < 1.2816 → not.
	// So the 90 % critical value must lie between 1.2649 and 1.3416.
	stats := []cmtStats{
		groupStats(0, 10, 0, 10, 0, 0, 20),
		groupStats(1, 3, 0, 4, 0, 0, 20),
		groupStats(2, 0, 6, 9, 0, 0, 20),
	}
	if !approx(stats[1].pat, 1.3416408) || !approx(stats[1].rat, 3.8364052) || !approx(stats[2].pdt, 1.2649111) {
		t.Fatalf("hand values: %.7f %.7f %.7f", stats[1].pat, stats[1].rat, stats[2].pdt)
	}
	got := selectRepComments(stats, []int64{30, 10, 20}, 5)
	if len(got) != 2 || got[0].TID != 30 || !got[0].BestAgree || got[1].TID != 10 || got[1].RepfulFor != "agree" {
		t.Errorf("got %+v, want 30 (best agree) then 10", got)
	}
}
