package polis

import "sort"

// analysisState is what an incremental update carries over from the previous result.
type analysisState struct {
	comps     map[int64][pcaBlock]float64 // export-sign Ritz vectors (components first) by statement id
	inConv    map[int64]bool
	base      []ClusterSeed
	groupsByK map[int][]GroupSeed // the last clustering for every k tried
	smoother  kSmoother
}

// kSmoother is Polis's group-k smoother: the number of groups shown changes only after
// another k has been the best by silhouette in buffer consecutive updates.
type kSmoother struct {
	lastK, lastKCount, smoothedK int
}

func (s kSmoother) update(bestK, buffer int, hasPrev bool) kSmoother {
	if !hasPrev || s.smoothedK == 0 {
		return kSmoother{lastK: bestK, lastKCount: 1, smoothedK: bestK}
	}
	n := s
	if bestK == s.lastK {
		n.lastKCount++
	} else {
		n.lastK, n.lastKCount = bestK, 1
	}
	if n.lastKCount >= buffer {
		n.smoothedK = bestK
	}
	return n
}

// baseClustering runs the base k-means on the in-conv points (row order). The start is,
// in order of preference: seed clusters (centres from their members' positions, then
// topped up with new clusters at the first distinct points that are not centres yet,
// up to k — which is how small conversations keep one cluster per distinct point),
// explicit centres, or the first k distinct points.
func baseClustering(pts [][2]float64, ids []int64, seeds []ClusterSeed, centers [][2]float64, k, iters, workers int) ([]kcluster, int) {
	var init []kcluster
	switch {
	case len(seeds) > 0:
		pos := make(map[int64]int, len(ids))
		for i, id := range ids {
			pos[id] = i
		}
		nextID := 0
		for _, s := range seeds {
			nextID = max(nextID, s.ID+1)
			var c [2]float64
			n := 0
			for _, m := range s.Members {
				if i, ok := pos[m]; ok {
					c[0] += pts[i][0]
					c[1] += pts[i][1]
					n++
				}
			}
			if n > 0 {
				init = append(init, kcluster{id: s.ID, center: [2]float64{c[0] / float64(n), c[1] / float64(n)}})
			}
		}
		if len(init) < k {
			taken := make(map[[2]float64]bool, len(init))
			for _, c := range init {
				taken[c.center] = true
			}
			for _, p := range firstDistinct(pts, len(pts)) {
				if len(init) >= k {
					break
				}
				if !taken[p] {
					taken[p] = true
					init = append(init, kcluster{id: nextID, center: p})
					nextID++
				}
			}
		}
	case len(centers) > 0:
		for c, p := range centers {
			init = append(init, kcluster{id: c, center: p})
		}
	default:
		for c, p := range firstDistinct(pts, k) {
			init = append(init, kcluster{id: c, center: p})
		}
	}
	return kmeansCounted(pts, nil, init, iters, workers)
}

// kmeansCounted runs kmeansIter and reports the iterations used.
func kmeansCounted(pts [][2]float64, w []float64, init []kcluster, iters, workers int) ([]kcluster, int) {
	n := 0
	cl := kmeansIter(pts, w, init, iters, workers, &n)
	return cl, n
}

// groupCandidate is the group clustering for one k.
type groupCandidate struct {
	k          int
	clusters   []kcluster // members index base clusters
	silhouette float64
}

// groupClusterings clusters the base-cluster centres (weighted by their sizes) for
// every k to try, each started from its seed if there is one, otherwise from the first
// k distinct centres.
func groupClusterings(base []kcluster, ks []int, seeds map[int][]GroupSeed, centers map[int][][2]float64, iters int) ([]groupCandidate, int) {
	pts := make([][2]float64, len(base))
	w := make([]float64, len(base))
	pos := make(map[int]int, len(base))
	for b, c := range base {
		pts[b] = c.center
		w[b] = float64(len(c.members))
		pos[c.id] = b
	}
	var out []groupCandidate
	total := 0
	for _, k := range ks {
		var init []kcluster
		if s, ok := seeds[k]; ok {
			for _, g := range s {
				var c [2]float64
				sw := 0.0
				for _, bid := range g.Members {
					if b, ok := pos[bid]; ok {
						c[0] += w[b] * pts[b][0]
						c[1] += w[b] * pts[b][1]
						sw += w[b]
					}
				}
				if sw > 0 {
					init = append(init, kcluster{id: g.ID, center: [2]float64{c[0] / sw, c[1] / sw}})
				}
			}
		} else if cs, ok := centers[k]; ok {
			for c, p := range cs {
				init = append(init, kcluster{id: c, center: p})
			}
		} else {
			for c, p := range firstDistinct(pts, k) {
				init = append(init, kcluster{id: c, center: p})
			}
		}
		n := 0
		cl := kmeansIter(pts, w, init, iters, 1, &n)
		total += n
		out = append(out, groupCandidate{k: k, clusters: cl, silhouette: silhouette(pts, cl)})
	}
	return out, total
}

// groupKs lists the numbers of groups to try: 2 … min(maxGroups, 2 + bases/12), at
// most the number of distinct base centres, plus any seeded k.
func groupKs(base []kcluster, maxGroups int, extra []int) []int {
	distinct := len(firstDistinct(centersOf(base), len(base)))
	maxK := min(maxGroups, 2+len(base)/12, distinct)
	set := map[int]bool{}
	for k := 2; k <= maxK; k++ {
		set[k] = true
	}
	for _, k := range extra {
		if k >= 1 && k <= distinct {
			set[k] = true
		}
	}
	if len(set) == 0 && len(base) > 0 {
		set[1] = true // a single distinct position: one group
	}
	ks := make([]int, 0, len(set))
	for k := range set {
		ks = append(ks, k)
	}
	sort.Ints(ks)
	return ks
}

func centersOf(cl []kcluster) [][2]float64 {
	out := make([][2]float64, len(cl))
	for i, c := range cl {
		out[i] = c.center
	}
	return out
}

// bestBySilhouette returns the k with the highest silhouette (ties: the smaller k).
func bestBySilhouette(cands []groupCandidate) int {
	best, bestS := 0, 0.0
	for _, c := range cands {
		if best == 0 || c.silhouette > bestS {
			best, bestS = c.k, c.silhouette
		}
	}
	return best
}
