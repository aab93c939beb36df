package polis

import (
	"math/rand/v2"
	"runtime"
	"testing"
)

// reportMem reports the heap allocated per operation in MB (b.ReportAllocs gives bytes;
// this is easier to read against the 1 GB budget).
func reportMem(b *testing.B, before runtime.MemStats) {
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/1e6, "MB-alloc/op")
}

// BenchmarkAnalyzeGenerated: from-scratch analysis of a generated conversation with
// 20,000 participants, 8,000 statements and 1,000,000 votes.
func BenchmarkAnalyzeGenerated(b *testing.B) {
	m, _ := generateConversation(20000, 8000, 1000000, 3, 42)
	b.ReportAllocs()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ResetTimer()
	var r *Result
	for i := 0; i < b.N; i++ {
		r = Analyze(m, Options{})
	}
	b.StopTimer()
	reportMem(b, ms)
	b.ReportMetric(float64(r.Iterations.PCA), "pca-iters")
	b.ReportMetric(float64(r.Iterations.Base), "base-iters")
	b.ReportMetric(float64(len(r.GroupClusters)), "groups")
}

// BenchmarkIncremental100Votes: an incremental update after 100 new votes on the
// generated conversation (the cold start is done before timing).
func BenchmarkIncremental100Votes(b *testing.B) {
	m, _ := generateConversation(20000, 8000, 1000000, 3, 42)
	e := NewEngineFrom(m, Options{})
	e.Update()
	rng := rand.New(rand.NewPCG(7, 7))
	votes := make([]Vote, 100)
	b.ReportAllocs()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ResetTimer()
	var r *Result
	for i := 0; i < b.N; i++ {
		for k := range votes {
			votes[k] = Vote{Participant: int64(rng.IntN(20000)), Statement: int64(rng.IntN(8000)), Value: int8(rng.IntN(3) - 1)}
		}
		if err := e.AddVotes(votes); err != nil {
			b.Fatal(err)
		}
		r = e.Update()
	}
	b.StopTimer()
	reportMem(b, ms)
	b.ReportMetric(float64(r.Iterations.PCA), "pca-iters")
	b.ReportMetric(float64(r.Iterations.Base), "base-iters")
}
