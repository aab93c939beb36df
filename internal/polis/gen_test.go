package polis

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Generator settings: the size of the core every participant is shown, one statement in
// genShared has the same stance in every group, and the agree probability when the
// group is for a statement (1 − genContrast when against).
const (
	genCore     = 100
	genShared   = 4
	genContrast = 0.85
)

// generateConversation builds a deterministic synthetic conversation (fixed seed) with
// latent opinion groups, for benchmarks and clustering checks: each statement has a
// stance per group (one in genShared is shared by all groups, i.e. consensus); a
// participant agrees with probability genContrast when their group is for the
// statement and 1 − genContrast when against, and passes 15 % of the time.
// Participants cast 10–90 votes (exactly `votes` in all): six in ten on the core (the
// first genCore statements, which everybody is shown), the rest on the long tail,
// older statements more often. It returns the matrix and each participant's latent
// group (participant id = row index).
func generateConversation(participants, statements, votes, groups int, seed uint64) (*Matrix, []int) {
	if statements <= genCore || votes > participants*min(statements, 90) {
		panic("generateConversation: needs more than genCore statements and at most 90 votes a participant")
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	stance := make([][]bool, statements) // stance[j][g]: group g is for statement j
	for j := range stance {
		stance[j] = make([]bool, groups)
		shared := rng.IntN(genShared) == 0
		first := rng.IntN(2) == 0
		for g := range stance[j] {
			if shared {
				stance[j][g] = first
			} else {
				stance[j][g] = rng.IntN(2) == 0
			}
		}
	}
	counts := make([]int, participants)
	total := 0
	for i := range counts {
		counts[i] = 10 + rng.IntN(81)
		total += counts[i]
	}
	for i := 0; total != votes; i = (i + 1) % participants {
		switch {
		case total < votes && counts[i] < statements:
			counts[i]++
			total++
		case total > votes && counts[i] > 1:
			counts[i]--
			total--
		}
	}
	m := NewMatrix()
	for j := 0; j < statements; j++ {
		m.AddStatement(int64(j))
	}
	latent := make([]int, participants)
	cols := make([]int, 0, 128)
	for i := 0; i < participants; i++ {
		g := rng.IntN(groups)
		latent[i] = g
		m.AddParticipant(int64(i))
		cols = cols[:0]
		// Six in ten of a participant's votes go to the core (the first genCore
		// statements, the ones everybody is shown), the rest to the long tail.
		core := min(counts[i]*6/10, genCore)
		for len(cols) < core {
			if j := rng.IntN(genCore); !slices.Contains(cols, j) {
				cols = append(cols, j)
			}
		}
		for len(cols) < counts[i] {
			j := genCore + int(float64(statements-genCore)*math.Pow(rng.Float64(), 2))
			if !slices.Contains(cols, j) {
				cols = append(cols, j)
			}
		}
		slices.Sort(cols)
		for _, j := range cols {
			v := Pass
			if rng.Float64() >= 0.15 {
				p := 1 - genContrast
				if stance[j][g] {
					p = genContrast
				}
				v = Disagree
				if rng.Float64() < p {
					v = Agree
				}
			}
			m.set(i, j, v)
		}
	}
	return m, latent
}
