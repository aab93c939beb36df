package polis

import (
	"math"
	"runtime"
	"sort"
	"sync"
)

// kcluster is one cluster of a k-means run: an id that survives warm starts, the
// indices of its member points and its (weighted) centre.
type kcluster struct {
	id      int
	members []int
	center  [2]float64
}

// firstDistinct returns up to k distinct points in input order. Polis's cold start
// seeds k-means with the first k distinct points, which makes it deterministic but
// dependent on the point order.
func firstDistinct(pts [][2]float64, k int) [][2]float64 {
	var out [][2]float64
	seen := make(map[[2]float64]bool, k)
	for _, p := range pts {
		if len(out) >= k {
			break
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

func sqDist(a, b [2]float64) float64 {
	dx, dy := a[0]-b[0], a[1]-b[1]
	return dx*dx + dy*dy
}

// kmeansIter runs Lloyd's algorithm from the given clusters' centres (their members
// are ignored) on the points with optional weights (nil: all 1). Each point goes to the
// nearest centre (ties: the earlier cluster), centres become the weighted means of
// their members, and clusters left empty are dropped, as in Polis. It stops when the
// assignment no longer changes or after iters steps, storing the steps taken in n.
//
// The assignments are exactly Lloyd's; Hamerly's bounds only skip distance
// computations that cannot change them: a point keeps its centre while an upper bound
// on the distance to it stays strictly below a lower bound on the distance to any
// other centre. Warm-started runs, where centres move little, skip most points.
func kmeansIter(pts [][2]float64, w []float64, init []kcluster, iters, workers int, n *int) []kcluster {
	if len(init) == 0 || len(pts) == 0 {
		return nil
	}
	clusters := make([]kcluster, len(init))
	for c := range init {
		clusters[c] = kcluster{id: init[c].id, center: init[c].center}
	}
	st := &lloydState{
		pts:    pts,
		assign: make([]int32, len(pts)),
		upper:  make([]float64, len(pts)),
		lower:  make([]float64, len(pts)),
	}
	for it := 0; it < max(iters, 1); it++ {
		*n = it + 1
		changed := st.assignAll(clusters, it == 0, workers)
		old := centersOf(clusters)
		var oldIndex []int
		clusters, oldIndex = recomputeCenters(pts, w, clusters, st.assign)
		if !changed {
			break
		}
		// Move the bounds by how far the centres moved.
		moved := make([]float64, len(clusters))
		maxMoved := 0.0
		for c := range clusters {
			moved[c] = math.Sqrt(sqDist(old[oldIndex[c]], clusters[c].center))
			maxMoved = math.Max(maxMoved, moved[c])
		}
		for i, a := range st.assign {
			st.upper[i] += moved[a]
			st.lower[i] -= maxMoved
		}
	}
	return clusters
}

// lloydState holds the assignment and Hamerly's bounds of one k-means run.
type lloydState struct {
	pts          [][2]float64
	assign       []int32
	upper, lower []float64 // bounds on the distance to the own / any other centre
}

// assignAll assigns every point to its nearest centre and reports whether any
// assignment changed. Large inputs are split over goroutines; the result does not
// depend on the split.
func (st *lloydState) assignAll(clusters []kcluster, first bool, workers int) bool {
	order := make([]int32, len(clusters))
	for c := range order {
		order[c] = int32(c)
	}
	sort.Slice(order, func(a, b int) bool {
		ca, cb := clusters[order[a]].center[0], clusters[order[b]].center[0]
		return ca < cb || ca == cb && order[a] < order[b]
	})
	xs := make([]float64, len(order))
	for k, c := range order {
		xs[k] = clusters[c].center[0]
	}
	// half[c]: half the distance from centre c to the nearest other centre; a point
	// closer than that to c cannot be closer to another centre.
	half := make([]float64, len(clusters))
	for c := range clusters {
		h := math.Inf(1)
		for d := range clusters {
			if d != c {
				h = math.Min(h, sqDist(clusters[c].center, clusters[d].center))
			}
		}
		half[c] = math.Sqrt(h) / 2
	}
	work := func(lo, hi int) bool {
		changed := false
		for i := lo; i < hi; i++ {
			p := st.pts[i]
			if !first {
				a := st.assign[i]
				bound := math.Max(half[a], st.lower[i])
				// The margin keeps rounding in the bounds from ever skipping a tie.
				if st.upper[i]*(1+1e-9)+1e-12 < bound {
					continue
				}
				st.upper[i] = math.Sqrt(sqDist(p, clusters[a].center))
				if st.upper[i]*(1+1e-9)+1e-12 < bound {
					continue
				}
			}
			best, d1, d2 := nearestTwo(p, clusters, order, xs)
			st.upper[i], st.lower[i] = math.Sqrt(d1), math.Sqrt(d2)
			if st.assign[i] != best || first {
				changed = changed || st.assign[i] != best || first
				st.assign[i] = best
			}
		}
		return changed
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if len(st.pts) < 20000 || workers == 1 {
		return work(0, len(st.pts))
	}
	res := make([]bool, workers)
	var wg sync.WaitGroup
	per := (len(st.pts) + workers - 1) / workers
	for g := 0; g < workers; g++ {
		lo, hi := g*per, min((g+1)*per, len(st.pts))
		if lo >= hi {
			continue
		}
		wg.Add(1)
		go func() { defer wg.Done(); res[g] = work(lo, hi) }()
	}
	wg.Wait()
	for _, r := range res {
		if r {
			return true
		}
	}
	return false
}

// nearestTwo returns the nearest centre to p (ties: the lower index) with the squared
// distances to it and to the second nearest. The centres are searched outwards in x
// order (order/xs: centre indices and x sorted by x), stopping on each side once the
// x distance alone exceeds the second-best distance.
func nearestTwo(p [2]float64, clusters []kcluster, order []int32, xs []float64) (int32, float64, float64) {
	best, d1, d2 := int32(-1), math.Inf(1), math.Inf(1)
	try := func(k int) bool {
		dx := xs[k] - p[0]
		if dx*dx > d2 {
			return false
		}
		c := order[k]
		d := sqDist(p, clusters[c].center)
		switch {
		case d < d1 || d == d1 && c < best:
			d2 = d1
			best, d1 = c, d
		case d < d2:
			d2 = d
		}
		return true
	}
	mid := sort.SearchFloat64s(xs, p[0])
	for l, r := mid-1, mid; l >= 0 || r < len(xs); {
		if r < len(xs) {
			if try(r) {
				r++
			} else {
				r = len(xs)
			}
		}
		if l >= 0 {
			if try(l) {
				l--
			} else {
				l = -1
			}
		}
	}
	return best, d1, d2
}

// recomputeCenters rebuilds the clusters from an assignment, dropping empty ones and
// renumbering assign to the surviving cluster indices. oldIndex maps each surviving
// cluster to its index before.
func recomputeCenters(pts [][2]float64, w []float64, clusters []kcluster, assign []int32) ([]kcluster, []int) {
	sums := make([][3]float64, len(clusters))
	counts := make([]int, len(clusters))
	for i, a := range assign {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		sums[a][0] += wi * pts[i][0]
		sums[a][1] += wi * pts[i][1]
		sums[a][2] += wi
		counts[a]++
	}
	remap := make([]int32, len(clusters))
	out := make([]kcluster, 0, len(clusters))
	var oldIndex []int
	for c := range clusters {
		if counts[c] == 0 {
			remap[c] = -1
			continue
		}
		remap[c] = int32(len(out))
		oldIndex = append(oldIndex, c)
		center := clusters[c].center
		if sums[c][2] > 0 {
			center = [2]float64{sums[c][0] / sums[c][2], sums[c][1] / sums[c][2]}
		}
		out = append(out, kcluster{id: clusters[c].id, center: center, members: make([]int, 0, counts[c])})
	}
	for i, a := range assign {
		na := remap[a]
		assign[i] = na
		out[na].members = append(out[na].members, i)
	}
	return out, oldIndex
}

// silhouette is the mean silhouette coefficient of a clustering of points (here: base
// cluster centres, unweighted, as Polis computes it on the base-cluster distance
// matrix). A point alone in its cluster scores 0.
func silhouette(pts [][2]float64, clusters []kcluster) float64 {
	if len(clusters) < 2 {
		return -1
	}
	label := make([]int, len(pts))
	for c, cl := range clusters {
		for _, i := range cl.members {
			label[i] = c
		}
	}
	total, n := 0.0, 0
	sum := make([]float64, len(clusters))
	for i := range pts {
		clear(sum)
		for j := range pts {
			if j != i {
				sum[label[j]] += math.Sqrt(sqDist(pts[i], pts[j]))
			}
		}
		own := label[i]
		n++
		if len(clusters[own].members) <= 1 {
			continue
		}
		a := sum[own] / float64(len(clusters[own].members)-1)
		b := math.Inf(1)
		for c := range clusters {
			if c != own {
				b = math.Min(b, sum[c]/float64(len(clusters[c].members)))
			}
		}
		if m := math.Max(a, b); m > 0 {
			total += (b - a) / m
		}
	}
	return total / float64(n)
}
