package polis

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

func labelsOf(r *Result) map[int64]int {
	out := map[int64]int{}
	for _, p := range r.Participants {
		if p.InConv {
			out[p.ID] = p.Group
		}
	}
	return out
}

func TestGeneratedRecoversLatentGroups(t *testing.T) {
	m, latent := generateConversation(3000, 1000, 150000, 3, 42)
	r := Analyze(m, Options{})
	var a, b []int
	for i, p := range r.Participants {
		if p.InConv {
			a = append(a, p.Group)
			b = append(b, latent[i])
		}
	}
	ari := AdjustedRandIndex(a, b)
	t.Logf("groups %d, ARI with the latent groups %.3f", len(r.GroupClusters), ari)
	if len(r.GroupClusters) != 3 || ari < 0.75 {
		t.Errorf("found %d groups with ARI %.3f; want the 3 latent groups (ARI ≥ 0.75)", len(r.GroupClusters), ari)
	}
}

func TestEngineIncremental(t *testing.T) {
	m, _ := generateConversation(2000, 300, 60000, 3, 7)
	e := NewEngineFrom(m, Options{})
	cold := e.Update()
	if again := e.Update(); again != cold {
		t.Error("Update without changes recomputed")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 3; round++ {
		votes := make([]Vote, 100)
		for k := range votes {
			votes[k] = Vote{Participant: int64(rng.IntN(2100)), Statement: int64(rng.IntN(300)), Value: int8(rng.IntN(3) - 1)}
		}
		prev := e.Result()
		if err := e.AddVotes(votes); err != nil {
			t.Fatal(err)
		}
		inc := e.Update()
		scratch := Analyze(e.Snapshot(), Options{})
		// Warm starts must save work.
		if inc.Iterations.PCA >= scratch.Iterations.PCA {
			t.Errorf("round %d: incremental PCA took %d iterations, from scratch %d", round, inc.Iterations.PCA, scratch.Iterations.PCA)
		}
		// The same components (up to sign, within the incremental tolerance), and the
		// sign kept from the previous update so the map does not flip.
		for k := 0; k < 2; k++ {
			same, flip, cont := 0.0, 0.0, 0.0
			for i := range inc.PCA.Comps[k] {
				same = math.Max(same, math.Abs(inc.PCA.Comps[k][i]-scratch.PCA.Comps[k][i]))
				flip = math.Max(flip, math.Abs(inc.PCA.Comps[k][i]+scratch.PCA.Comps[k][i]))
			}
			for i, tid := range inc.TIDs {
				for pi, ptid := range prev.TIDs {
					if ptid == tid {
						cont += inc.PCA.Comps[k][i] * prev.PCA.Comps[k][pi]
					}
				}
			}
			if math.Min(same, flip) > 1e-5 {
				t.Errorf("round %d: component %d differs from scratch by %.3g", round, k, math.Min(same, flip))
			}
			if cont <= 0 {
				t.Errorf("round %d: component %d flipped sign between updates", round, k)
			}
		}
		// Warm-started k-means may settle in a slightly different optimum than a cold
		// start, but the groups must essentially agree.
		li, ls := labelsOf(inc), labelsOf(scratch)
		var a, b []int
		for id, g := range li {
			if h, ok := ls[id]; ok {
				a, b = append(a, g), append(b, h)
			}
		}
		if len(li) != len(ls) || AdjustedRandIndex(a, b) < 0.9 {
			t.Errorf("round %d: %d vs %d clustered, ARI %.3f between incremental and scratch groups", round, len(li), len(ls), AdjustedRandIndex(a, b))
		}
		t.Logf("round %d: PCA iterations %d (scratch %d), base k-means %d (scratch %d), ARI %.3f",
			round, inc.Iterations.PCA, scratch.Iterations.PCA, inc.Iterations.Base, scratch.Iterations.Base, AdjustedRandIndex(a, b))
	}
}

func TestEngineModeration(t *testing.T) {
	e := NewEngineFrom(handMatrix(t), Options{})
	r := e.Update()
	if len(r.ModOut) != 0 {
		t.Fatalf("mod-out %v", r.ModOut)
	}
	e.SetModeratedOut(10, true)
	r2 := e.Update()
	if r2 == r || len(r2.ModOut) != 1 || r2.ModOut[0] != 10 {
		t.Fatalf("after moderating 10 out: mod-out %v", r2.ModOut)
	}
	if r2.PCA.Center[0] != 0 || r2.PCA.Comps[0][0] != 0 || r2.PCA.Comps[1][0] != 0 {
		t.Errorf("moderated-out statement still in the PCA: center %g comps %g %g", r2.PCA.Center[0], r2.PCA.Comps[0][0], r2.PCA.Comps[1][0])
	}
	for g, reps := range r2.Repness {
		for _, s := range reps {
			if s.TID == 10 {
				t.Errorf("group %d: moderated-out statement is representative", g)
			}
		}
	}
	e.SetModeratedOut(10, true)
	if e.Update() != r2 {
		t.Error("setting the same moderation state recomputed")
	}
	if err := e.Vote(1, 10, 2); err == nil {
		t.Error("vote 2 accepted")
	}
}

func TestStickyInConv(t *testing.T) {
	m := handMatrix(t)
	// 20 more participants with 3 votes each: the threshold is min(7, 3) = 3, so the
	// greedy top-15 rule is not needed, and p6 (2 votes) is left out...
	for p := int64(100); p < 120; p++ {
		for _, s := range []int64{10, 20, 30} {
			must(t, m.Set(p, s, int8(p%3)-1))
		}
	}
	r := Analyze(m, Options{})
	if _, in := labelsOf(r)[6]; in {
		t.Fatal("p6 with 2 votes is in-conv")
	}
	// ... unless a previous result had them in: in-conv is sticky.
	r2 := Analyze(m, Options{InConv: []int64{6}})
	if _, in := labelsOf(r2)[6]; !in {
		t.Error("seeded in-conv participant dropped")
	}
}

func TestKSmoother(t *testing.T) {
	s := kSmoother{}.update(3, 4, false)
	if s.smoothedK != 3 {
		t.Fatalf("cold start k = %d", s.smoothedK)
	}
	// k = 2 must win 4 updates in a row before it is shown; an interruption restarts
	// the count.
	for i, c := range []struct{ best, want int }{{2, 3}, {2, 3}, {4, 3}, {2, 3}, {2, 3}, {2, 3}, {2, 2}, {3, 2}} {
		s = s.update(c.best, 4, true)
		if s.smoothedK != c.want {
			t.Errorf("update %d (best %d): k = %d, want %d", i, c.best, s.smoothedK, c.want)
		}
	}
}

func TestDegenerateInputs(t *testing.T) {
	one := NewMatrix()
	must(t, one.Set(1, 1, Agree))
	same := NewMatrix()
	for p := int64(0); p < 30; p++ {
		for s := int64(0); s < 5; s++ {
			must(t, same.Set(p, s, Agree))
		}
	}
	moderated := handMatrix(t)
	for _, s := range []int64{10, 20, 30} {
		moderated.SetModeratedOut(s, true)
	}
	for name, m := range map[string]*Matrix{"empty": NewMatrix(), "one vote": one, "all agree": same, "all moderated": moderated} {
		r := Analyze(m, Options{})
		b, err := json.Marshal(r)
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		var back map[string]any
		if err := json.Unmarshal(b, &back); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		t.Logf("%s: n=%d groups=%d", name, r.N, len(r.GroupClusters))
		if name == "all agree" {
			// No variance: the components are undefined and reported as 0.
			for k := 0; k < 2; k++ {
				for _, v := range r.PCA.Comps[k] {
					if v != 0 {
						t.Errorf("all agree: component %d = %v", k, r.PCA.Comps[k])
						break
					}
				}
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	m, _ := generateConversation(1000, 200, 40000, 3, 3)
	a, _ := json.Marshal(Analyze(m, Options{Workers: 1}))
	b, _ := json.Marshal(Analyze(m, Options{Workers: 2}))
	c, _ := json.Marshal(Analyze(m.Clone(), Options{}))
	if string(a) != string(c) {
		t.Error("two runs differ")
	}
	if len(a) != len(b) {
		t.Log("1 and 2 workers give different JSON lengths (float summation order)")
	}
}

func TestEngineConcurrentUse(t *testing.T) {
	m, _ := generateConversation(1000, 200, 30000, 3, 5)
	e := NewEngineFrom(m, Options{})
	done := make(chan bool)
	for w := 0; w < 3; w++ {
		go func(w int) {
			for k := 0; k < 200; k++ {
				if err := e.Vote(int64(1000+w), int64(k%200), int8(k%3-1)); err != nil {
					t.Error(err)
				}
				if k%50 == 0 {
					e.SetModeratedOut(int64(k), k%100 == 0)
				}
			}
			done <- true
		}(w)
	}
	for u := 0; u < 5; u++ {
		if r := e.Update(); r == nil || r.N == 0 {
			t.Fatal("no result")
		}
	}
	for w := 0; w < 3; w++ {
		<-done
	}
	if r := e.Update(); r.UserVoteCounts[1000] != 200 {
		t.Errorf("participant 1000 has %d votes, want 200", r.UserVoteCounts[1000])
	}
}
