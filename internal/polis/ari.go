package polis

// AdjustedRandIndex is the adjusted Rand index of two labelings of the same
// items (Hubert & Arabie 1985), used to compare groupings with Polis's:
// 1 for identical partitions (up to renaming), about 0 for chance agreement.
func AdjustedRandIndex(a, b []int) float64 {
	type pair struct{ x, y int }
	n := len(a)
	joint := map[pair]int{}
	ca, cb := map[int]int{}, map[int]int{}
	for i := range a {
		joint[pair{a[i], b[i]}]++
		ca[a[i]]++
		cb[b[i]]++
	}
	c2 := func(k int) float64 { return float64(k) * float64(k-1) / 2 }
	var sumJ, sumA, sumB float64
	for _, v := range joint {
		sumJ += c2(v)
	}
	for _, v := range ca {
		sumA += c2(v)
	}
	for _, v := range cb {
		sumB += c2(v)
	}
	expected := sumA * sumB / c2(n)
	maxIdx := (sumA + sumB) / 2
	if maxIdx == expected {
		return 1
	}
	return (sumJ - expected) / (maxIdx - expected)
}
