package polis

import (
	"math"
	"math/rand/v2"
	"sort"
)

func dot(a, b []float64) float64 {
	s := 0.0
	for i, x := range a {
		s += x * b[i]
	}
	return s
}

func norm(v []float64) float64 { return math.Sqrt(dot(v, v)) }

func normalize(v []float64) {
	if n := norm(v); n > 0 {
		for i := range v {
			v[i] /= n
		}
	}
}

// laneDot is the dot product of lane s of x and lane t of y, for vectors stored
// interleaved with stride b.
func laneDot(x, y []float64, b, s, t int) float64 {
	sum := 0.0
	for j := 0; j*b < len(x); j++ {
		sum += x[j*b+s] * y[j*b+t]
	}
	return sum
}

func laneNorm(x []float64, b, t int) float64 { return math.Sqrt(laneDot(x, x, b, t, t)) }

// orthonormalize makes the first `used` of the interleaved vectors in q (stride
// pcaBlock, n entries each) orthonormal with modified Gram–Schmidt, run twice for
// numerical safety. A vector that vanishes (rank deficiency) is replaced by a
// pseudo-random one from rng.
func orthonormalize(q []float64, n, used int, rng *rand.Rand) {
	const b = pcaBlock
	for t := 0; t < used; t++ {
		for attempt := 0; ; attempt++ {
			before := laneNorm(q, b, t)
			for pass := 0; pass < 2; pass++ {
				for s := 0; s < t; s++ {
					d := laneDot(q, q, b, s, t)
					for j := 0; j < n; j++ {
						q[j*b+t] -= d * q[j*b+s]
					}
				}
			}
			after := laneNorm(q, b, t)
			if after > 1e-10*before && after > 0 || attempt >= 3 {
				if after > 0 {
					for j := 0; j < n; j++ {
						q[j*b+t] /= after
					}
				}
				break
			}
			for j := 0; j < n; j++ {
				q[j*b+t] = rng.Float64() - 0.5
			}
		}
	}
}

// symEigen returns the eigenvalues (descending) and eigenvectors of the symmetric b×b
// matrix h (row-major) by cyclic Jacobi rotations. Eigenvector t is column t of u:
// u[s*b+t].
func symEigen(h []float64, b int) ([]float64, []float64) {
	a := append([]float64(nil), h...)
	v := make([]float64, b*b)
	for i := 0; i < b; i++ {
		v[i*b+i] = 1
	}
	for sweep := 0; sweep < 100; sweep++ {
		off := 0.0
		for p := 0; p < b; p++ {
			for q := p + 1; q < b; q++ {
				off += a[p*b+q] * a[p*b+q]
			}
		}
		if off < 1e-300 {
			break
		}
		for p := 0; p < b; p++ {
			for q := p + 1; q < b; q++ {
				apq := a[p*b+q]
				if apq == 0 {
					continue
				}
				theta := (a[q*b+q] - a[p*b+p]) / (2 * apq)
				t := math.Copysign(1, theta) / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				for k := 0; k < b; k++ {
					akp, akq := a[k*b+p], a[k*b+q]
					a[k*b+p] = c*akp - s*akq
					a[k*b+q] = s*akp + c*akq
				}
				for k := 0; k < b; k++ {
					apk, aqk := a[p*b+k], a[q*b+k]
					a[p*b+k] = c*apk - s*aqk
					a[q*b+k] = s*apk + c*aqk
				}
				for k := 0; k < b; k++ {
					vkp, vkq := v[k*b+p], v[k*b+q]
					v[k*b+p] = c*vkp - s*vkq
					v[k*b+q] = s*vkp + c*vkq
				}
			}
		}
	}
	order := make([]int, b)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(x, y int) bool { return a[order[x]*b+order[x]] > a[order[y]*b+order[y]] })
	vals := make([]float64, b)
	vecs := make([]float64, b*b)
	for t, o := range order {
		vals[t] = a[o*b+o]
		for s := 0; s < b; s++ {
			vecs[s*b+t] = v[s*b+o]
		}
	}
	return vals, vecs
}
