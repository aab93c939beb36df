package opendata

import (
	"testing"

	"kuulu/internal/polis"
)

// BenchmarkAnalyzeVTaiwan: full from-scratch analysis of vtaiwan.uberx (1,921
// participants, 197 statements); reading the files is not timed.
func BenchmarkAnalyzeVTaiwan(b *testing.B) {
	c, err := ReadDir(openDataDir("vtaiwan.uberx"))
	if err != nil {
		b.Fatal(err)
	}
	m, err := c.Matrix()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var r *polis.Result
	for i := 0; i < b.N; i++ {
		r = polis.Analyze(m, polis.Options{})
	}
	b.StopTimer()
	b.ReportMetric(float64(r.Iterations.PCA), "pca-iters")
}

// BenchmarkReadVTaiwan: reading the export (gzip-compressed CSV) into a matrix.
func BenchmarkReadVTaiwan(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		c, err := ReadDir(openDataDir("vtaiwan.uberx"))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.Matrix(); err != nil {
			b.Fatal(err)
		}
	}
}
