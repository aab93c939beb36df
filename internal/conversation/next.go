package conversation

import "math"

// Priority is Polis's idea of which statement to show next: statements that
// few have voted on and that divide opinion come first. With A agrees, P
// passes and S votes in all, and E the statement's extremity on the opinion
// map:
//
//	importance = (1 − (P+1)/(S+2)) · (E+1) · (A+1)/(S+2)
//	priority   = (importance · (1 + 8·2^(−S/5)))²
//
// The second factor lets new statements bubble up. Seed statements get their
// priority doubled so a participant meets them early; meta statements (about
// the conversation itself) get Polis's fixed priority 7.
func Priority(s Statement, extremity float64) float64 {
	if s.Meta {
		return 7
	}
	A, P := float64(s.Agrees), float64(s.Passes)
	S := float64(s.Agrees + s.Disagrees + s.Passes)
	importance := (1 - (P+1)/(S+2)) * (extremity + 1) * (A + 1) / (S + 2)
	p := importance * (1 + 8*math.Pow(2, -S/5))
	p *= p
	if s.Seed {
		p *= 2
	}
	return p
}

// Next picks the statement to show next from those the participant has not
// answered, with probability proportional to priority. r is a uniform random
// number in [0, 1) (injected so tests are deterministic). It returns false
// when nothing is left.
func Next(candidates []Statement, extremity map[int64]float64, r float64) (Statement, bool) {
	if len(candidates) == 0 {
		return Statement{}, false
	}
	weights := make([]float64, len(candidates))
	total := 0.0
	for i, s := range candidates {
		w := Priority(s, extremity[s.ID])
		if !(w > 0) || math.IsInf(w, 0) {
			w = 1e-9
		}
		weights[i] = w
		total += w
	}
	target := r * total
	for i, w := range weights {
		if target < w {
			return candidates[i], true
		}
		target -= w
	}
	return candidates[len(candidates)-1], true
}
