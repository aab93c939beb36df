package polis

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
)

// PCA of the vote matrix, following Polis:
//
//   - missing votes are imputed with the statement's (column's) mean and the matrix is
//     centred on the column means, so the centred imputed matrix A is exactly as sparse
//     as the votes: A[i][j] = x[i][j] − mean[j] where participant i voted on j, and 0
//     elsewhere. This is why the PCA never needs the dense matrix.
//   - moderated-out (and meta) statements are zeroed, so their column mean is 0 and
//     their column of A is 0.
//   - the two leading eigenvectors of AᵀA are found by power iteration. We iterate a
//     small block (subspace iteration with a Rayleigh–Ritz step) until the Ritz
//     residuals are tiny, because Polis's published components are the converged
//     eigenvectors (it warm-starts the power iteration on every update). A previous
//     result seeds the block, so an incremental update needs only a few iterations.

// pcaBlock is the block size of the subspace iteration: the two wanted components plus
// guard vectors that speed up convergence (the rate is λ₅/λ₂ instead of λ₃/λ₂).
const pcaBlock = 4

// pcaState is the PCA result over all matrix columns, in the export sign.
type pcaState struct {
	center []float64           // column means (0 for moderated-out or unvoted columns)
	comps  [2][]float64        // unit eigenvectors, indexed by column
	block  [][pcaBlock]float64 // all Ritz vectors by column, to warm-start the next run
	iters  int                 // subspace iterations used
}

// columnMeans returns the column means used as the PCA centre (export sign).
func columnMeans(m *Matrix) []float64 {
	c := make([]float64, len(m.statements))
	for j := range c {
		if m.colCount[j] > 0 && !m.modOut[j] && !m.meta[j] {
			c[j] = float64(m.colSum[j]) / float64(m.colCount[j])
		}
	}
	return c
}

// covOperator applies C = AᵀA to a block of pcaBlock vectors stored interleaved
// (q[j*pcaBlock + t] is entry j of vector t), so that one cache line holds a column's
// entries of every vector. Rows are split into chunks processed by separate goroutines,
// each with its own accumulator, summed at the end in a fixed order, so results do not
// depend on scheduling.
type covOperator struct {
	rowPtr  []int     // row i's cells are cols/vals[rowPtr[i]:rowPtr[i+1]]
	cols    []int32   // column of each non-zero of A
	vals    []float64 // A's entry: vote − column mean (moderated-out columns left out)
	chunks  [][2]int  // row ranges per goroutine
	partial [][]float64
}

// newCovOperator lays A out as a compact CSR copy with the centred values precomputed
// (O(votes), done once per PCA), so the iterations stream through memory.
func newCovOperator(m *Matrix, center []float64, workers int) *covOperator {
	op := &covOperator{rowPtr: make([]int, len(m.rows)+1)}
	op.cols = make([]int32, 0, m.nVotes)
	op.vals = make([]float64, 0, m.nVotes)
	for i, row := range m.rows {
		for _, c := range row {
			j := int(c.col)
			if m.modOut[j] || m.meta[j] {
				continue
			}
			op.cols = append(op.cols, c.col)
			op.vals = append(op.vals, float64(c.val)-center[j])
		}
		op.rowPtr[i+1] = len(op.cols)
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	// Only split big matrices; goroutines cost more than they save on small ones.
	if len(op.cols) < 50000 {
		workers = 1
	}
	per := (len(op.cols) + workers - 1) / max(workers, 1)
	start := 0
	for i := range m.rows {
		if op.rowPtr[i+1]-op.rowPtr[start] >= per && len(op.chunks) < workers-1 {
			op.chunks = append(op.chunks, [2]int{start, i + 1})
			start = i + 1
		}
	}
	op.chunks = append(op.chunks, [2]int{start, len(m.rows)})
	op.partial = make([][]float64, len(op.chunks))
	for w := range op.partial {
		op.partial[w] = make([]float64, len(center)*pcaBlock)
	}
	return op
}

// apply computes z = AᵀA q. Each row is visited once: y = A_i·q, then z += A_iᵀ·y.
func (op *covOperator) apply(q, z []float64) {
	var wg sync.WaitGroup
	for w, ch := range op.chunks {
		acc := op.partial[w]
		work := func() {
			clear(acc)
			for i := ch[0]; i < ch[1]; i++ {
				lo, hi := op.rowPtr[i], op.rowPtr[i+1]
				cols, vals := op.cols[lo:hi], op.vals[lo:hi:hi]
				var y0, y1, y2, y3 float64
				for k, c := range cols {
					a := vals[k]
					v := q[int(c)*pcaBlock : int(c)*pcaBlock+pcaBlock : int(c)*pcaBlock+pcaBlock]
					y0 += a * v[0]
					y1 += a * v[1]
					y2 += a * v[2]
					y3 += a * v[3]
				}
				for k, c := range cols {
					a := vals[k]
					v := acc[int(c)*pcaBlock : int(c)*pcaBlock+pcaBlock : int(c)*pcaBlock+pcaBlock]
					v[0] += a * y0
					v[1] += a * y1
					v[2] += a * y2
					v[3] += a * y3
				}
			}
		}
		if len(op.chunks) == 1 {
			work()
			continue
		}
		wg.Add(1)
		go func() { defer wg.Done(); work() }()
	}
	wg.Wait()
	copy(z, op.partial[0])
	for _, p := range op.partial[1:] {
		for i, v := range p {
			z[i] += v
		}
	}
}

// pcaOptions controls the power iteration.
type pcaOptions struct {
	tol     float64 // relative Ritz residual at which to stop
	maxIter int
	workers int
	warm    [][pcaBlock]float64 // previous Ritz vectors by column (nil: cold start)
}

// computePCA returns the centre and the two leading components of the matrix.
func computePCA(m *Matrix, o pcaOptions) pcaState {
	n := len(m.statements)
	center := columnMeans(m)
	st := pcaState{center: center, comps: [2][]float64{make([]float64, n), make([]float64, n)}}
	if n == 0 {
		return st
	}
	const b = pcaBlock
	used := min(b, n) // vectors in use; the other lanes stay 0
	q := make([]float64, n*b)
	// Deterministic start: the previous components if given, then seeded pseudo-random
	// vectors (fixed seed, so results do not vary between runs).
	rng := rand.New(rand.NewPCG(0x706f6c6973, 0x6b75756c75))
	for t := 0; t < used; t++ {
		for j := 0; j < n && j < len(o.warm); j++ {
			q[j*b+t] = o.warm[j][t]
		}
		if laneNorm(q, b, t) == 0 {
			for j := 0; j < n; j++ {
				q[j*b+t] = rng.Float64() - 0.5
			}
		}
	}
	orthonormalize(q, n, used, rng)
	op := newCovOperator(m, center, o.workers)
	z := make([]float64, n*b)
	h := make([]float64, used*used)
	ritz := make([]float64, n*b)
	cRitz := make([]float64, n*b)
	tol, maxIter := o.tol, o.maxIter
	if tol <= 0 {
		tol = 1e-11
	}
	if maxIter <= 0 {
		maxIter = 2000
	}
	var lambda []float64
	for it := 1; ; it++ {
		op.apply(q, z)
		for s := 0; s < used; s++ {
			for t := s; t < used; t++ {
				v := laneDot(q, z, b, s, t)
				h[s*used+t], h[t*used+s] = v, v
			}
		}
		var u []float64
		lambda, u = symEigen(h, used)
		// Ritz vectors ritz = Q·U and their images cRitz = Z·U.
		for j := 0; j < n; j++ {
			qj, zj := q[j*b:j*b+b], z[j*b:j*b+b]
			for t := 0; t < used; t++ {
				var r, c float64
				for s := 0; s < used; s++ {
					r += qj[s] * u[s*used+t]
					c += zj[s] * u[s*used+t]
				}
				ritz[j*b+t], cRitz[j*b+t] = r, c
			}
		}
		worst := 0.0
		scale := math.Max(lambda[0], 1e-300)
		for t := 0; t < min(2, used); t++ {
			r := 0.0
			for j := 0; j < n; j++ {
				d := cRitz[j*b+t] - lambda[t]*ritz[j*b+t]
				r += d * d
			}
			worst = math.Max(worst, math.Sqrt(r)/scale)
		}
		st.iters = it
		if worst <= tol || it >= maxIter || lambda[0] <= 0 {
			break
		}
		copy(q, cRitz)
		orthonormalize(q, n, used, rng)
	}
	st.block = make([][pcaBlock]float64, n)
	for t := 0; t < used; t++ {
		v := make([]float64, n)
		if lambda[t] <= 1e-12*math.Max(lambda[0], 1) {
			// No variance left in this direction (e.g. everyone voted alike): the
			// component is undefined, report it as 0 rather than an arbitrary vector.
			if t < 2 {
				st.comps[t] = v
			}
			continue
		}
		for j := 0; j < n; j++ {
			// Columns outside A (moderated out, or without votes) are exactly 0 in every
			// eigenvector; clear the rounding noise that the random start leaves there.
			if !m.modOut[j] && !m.meta[j] && m.colCount[j] > 0 {
				v[j] = ritz[j*b+t]
			}
		}
		normalize(v)
		fixSign(v, o.warm, t)
		for j := 0; j < n; j++ {
			st.block[j][t] = v[j]
		}
		if t < 2 {
			st.comps[t] = v
		}
	}
	return st
}

// fixSign makes the sign of a component deterministic: aligned with the previous
// component when warm-starting (so maps do not flip between updates), otherwise with
// its largest entry positive. Polis's own sign is arbitrary; compare up to sign.
func fixSign(v []float64, warm [][pcaBlock]float64, t int) {
	s := 0.0
	for j := 0; j < min(len(v), len(warm)); j++ {
		s += v[j] * warm[j][t]
	}
	if s == 0 {
		big := 0.0
		for _, x := range v {
			if math.Abs(x) > math.Abs(big)+1e-12 {
				big = x
			}
		}
		s = big
	}
	if s < 0 {
		for j := range v {
			v[j] = -v[j]
		}
	}
}

// projectRows projects every participant on the components from their own votes and
// scales by sqrt(statements / votes), as Polis's sparsity-aware projection does: a
// participant who voted on few statements would otherwise sit near the centre.
// nCmts is the number of statements with votes. Polis zeroes the whole column of a
// moderated-out statement, missing entries included, so every participant counts as
// having voted (0) on each of the nZeroed moderated-out statements.
func projectRows(m *Matrix, st pcaState, nCmts, nZeroed int) [][2]float64 {
	out := make([][2]float64, len(m.rows))
	for i, row := range m.rows {
		var p [2]float64
		nv := nZeroed
		for _, c := range row {
			j := int(c.col)
			if m.modOut[j] || m.meta[j] {
				continue // counted in nZeroed
			}
			nv++
			a := float64(c.val) - st.center[j]
			p[0] += a * st.comps[0][j]
			p[1] += a * st.comps[1][j]
		}
		s := math.Sqrt(float64(nCmts) / float64(max(nv, 1)))
		out[i] = [2]float64{p[0] * s, p[1] * s}
	}
	return out
}
