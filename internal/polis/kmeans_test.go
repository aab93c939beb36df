package polis

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// naiveLloyd is the textbook algorithm the optimised kmeansIter must reproduce exactly:
// full scans, ties to the lower index, empty clusters dropped.
func naiveLloyd(pts [][2]float64, w []float64, centers [][2]float64, iters int) [][]int {
	assign := make([]int, len(pts))
	for it := 0; it < iters; it++ {
		changed := false
		for i, p := range pts {
			best, bd := 0, math.Inf(1)
			for c, ctr := range centers {
				if d := sqDist(p, ctr); d < bd {
					best, bd = c, d
				}
			}
			if best != assign[i] || it == 0 {
				changed = true
			}
			assign[i] = best
		}
		var next [][2]float64
		remap := make([]int, len(centers))
		for c := range centers {
			var sx, sy, sw float64
			for i, a := range assign {
				if a == c {
					wi := 1.0
					if w != nil {
						wi = w[i]
					}
					sx, sy, sw = sx+wi*pts[i][0], sy+wi*pts[i][1], sw+wi
				}
			}
			remap[c] = -1
			if sw > 0 {
				remap[c] = len(next)
				next = append(next, [2]float64{sx / sw, sy / sw})
			}
		}
		for i := range assign {
			assign[i] = remap[assign[i]]
		}
		centers = next
		if !changed {
			break
		}
	}
	members := make([][]int, len(centers))
	for i, a := range assign {
		members[a] = append(members[a], i)
	}
	return members
}

func TestKMeansMatchesNaiveLloyd(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for trial := 0; trial < 30; trial++ {
		n := 50 + rng.IntN(3000)
		if trial == 0 {
			n = 25000 // exercises the parallel assignment
		}
		pts := make([][2]float64, n)
		for i := range pts {
			// Blobs on a coarse grid, so duplicate points and exact ties occur.
			pts[i] = [2]float64{math.Round(rng.NormFloat64()*4) / 2, math.Round(rng.NormFloat64()*4) / 2}
			if i%3 == 0 {
				pts[i][0] += 5
			}
		}
		var w []float64
		if trial%2 == 1 {
			w = make([]float64, n)
			for i := range w {
				w[i] = float64(1 + rng.IntN(5))
			}
		}
		k := 2 + rng.IntN(60)
		init := firstDistinct(pts, k)
		var cl []kcluster
		for c, p := range init {
			cl = append(cl, kcluster{id: c, center: p})
		}
		iters := 0
		got := kmeansIter(pts, w, cl, 100, 2, &iters)
		want := naiveLloyd(pts, w, init, 100)
		if len(got) != len(want) {
			t.Fatalf("trial %d: %d clusters, want %d", trial, len(got), len(want))
		}
		for c := range want {
			if !slices.Equal(got[c].members, want[c]) {
				t.Fatalf("trial %d: cluster %d differs", trial, c)
			}
		}
	}
}

func TestSilhouetteHand(t *testing.T) {
	// Points 0, 1 in one cluster and 10 in another (one dimension):
	//   s(0): a = 1, b = 10 → 0.9;  s(1): a = 1, b = 9 → 8/9;  s(10): alone → 0.
	// Mean (0.9 + 0.8889 + 0) / 3 = 0.5963.
	pts := [][2]float64{{0, 0}, {1, 0}, {10, 0}}
	cl := []kcluster{{members: []int{0, 1}}, {members: []int{2}}}
	if got, want := silhouette(pts, cl), (0.9+8.0/9)/3; math.Abs(got-want) > 1e-12 {
		t.Errorf("silhouette %g, want %g", got, want)
	}
}

func TestFirstDistinct(t *testing.T) {
	pts := [][2]float64{{1, 1}, {1, 1}, {2, 2}, {1, 1}, {3, 3}, {4, 4}}
	if got := firstDistinct(pts, 3); !slices.Equal(got, [][2]float64{{1, 1}, {2, 2}, {3, 3}}) {
		t.Errorf("firstDistinct = %v", got)
	}
}
