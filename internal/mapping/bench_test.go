package mapping_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kuulu/internal/conversation"
	"kuulu/internal/domain"
	"kuulu/internal/i18n"
	"kuulu/internal/mapping"
	"kuulu/internal/store"
	"kuulu/internal/web"
)

// BenchmarkVotesHTTP answers statements through the real web handler on
// httptest, on SQLite (a file, synchronous=FULL, group commit), while the
// analysis service recomputes the map every second:
//
//	go test -run '^$' -bench VotesHTTP -benchtime 1x ./internal/mapping/
//
// Each iteration: benchParticipants new participants (each its own cookie)
// answer benchVotesEach statements each, 50 clients at a time, as vote.js
// does (Accept: application/json, the next statement from the reply), in a
// conversation of 200 statements. Reported: votes/s, p50 and p99 latency,
// the analyses stored meanwhile and the CPU time (client, server and
// analysis together) per vote: on 2 cores, 2,000 votes/s needs less than
// 1 ms, whatever else the machine is doing.
func BenchmarkVotesHTTP(b *testing.B) {
	const (
		statements        = 200
		clients           = 50
		benchParticipants = 1000
		benchVotesEach    = 20
	)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db, err := store.Open(ctx, store.Config{URL: filepath.Join(b.TempDir(), "bench.db")})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.Log = quiet
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	cat, err := i18n.Load()
	if err != nil {
		b.Fatal(err)
	}
	srv, err := web.New(web.Config{BaseURL: "http://kuulu.test"}, db, cat, quiet)
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	var conv conversation.Conversation
	var stmtIDs []int64
	err = db.Write(ctx, func(tx *store.Tx) error {
		conv = conversation.Conversation{Slug: "kuormitus", Topic: domain.Text{FI: "Kuormitus"}, OpensAt: db.Now().Add(-time.Hour),
			Moderation: conversation.ModeratePost, Identification: conversation.Anonymous, AllowStatements: true}
		if err := tx.SaveConversation(ctx, &conv); err != nil {
			return err
		}
		for i := 0; i < statements; i++ {
			s := conversation.Statement{ConversationID: conv.ID, Text: fmt.Sprintf("Väite %d palveluista", i), Seed: i < 10,
				Status: conversation.StatementAccepted, Lang: "fi"}
			if err := tx.AddStatement(ctx, &s); err != nil {
				return err
			}
			stmtIDs = append(stmtIDs, s.ID)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}

	svc := mapping.New(db, quiet)
	done := make(chan struct{})
	go func() { svc.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	httpc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}}
	voteURL := ts.URL + "/keskustelut/kuormitus/vote"
	cookieName := fmt.Sprintf("kuulu_p_%d", conv.ID)

	var lat []time.Duration
	var votes, failures atomic.Int64
	var elapsed time.Duration
	st0 := svc.Stats()
	startCPU := cpuTime()
	for b.Loop() {
		tokens := make(chan string, benchParticipants)
		for i := 0; i < benchParticipants; i++ {
			raw := make([]byte, 32)
			rand.Read(raw)
			tokens <- base64.RawURLEncoding.EncodeToString(raw)
		}
		close(tokens)
		var mu sync.Mutex
		var wg sync.WaitGroup
		start := time.Now()
		for w := 0; w < clients; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				mine := make([]time.Duration, 0, benchParticipants*benchVotesEach/clients)
				for token := range tokens {
					next := stmtIDs[mrand.IntN(len(stmtIDs))]
					for k := 0; k < benchVotesEach; k++ {
						form := url.Values{"statement": {fmt.Sprint(next)}, "value": {[]string{"agree", "disagree", "pass"}[mrand.IntN(3)]}}
						req, _ := http.NewRequest("POST", voteURL, strings.NewReader(form.Encode()))
						req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
						req.Header.Set("Accept", "application/json")
						req.Header.Set("Cookie", cookieName+"="+token)
						t0 := time.Now()
						res, err := httpc.Do(req)
						if err != nil {
							failures.Add(1)
							continue
						}
						var rep struct {
							Next *struct{ ID int64 } `json:"next"`
						}
						body, _ := io.ReadAll(res.Body)
						res.Body.Close()
						mine = append(mine, time.Since(t0))
						if res.StatusCode != http.StatusOK || json.Unmarshal(body, &rep) != nil {
							failures.Add(1)
							continue
						}
						votes.Add(1)
						if rep.Next == nil {
							break
						}
						next = rep.Next.ID
					}
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			}()
		}
		wg.Wait()
		elapsed += time.Since(start)
	}
	if f := failures.Load(); f > 0 {
		b.Errorf("%d failed requests", f)
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(votes.Load())/elapsed.Seconds(), "votes/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	st := svc.Stats()
	b.ReportMetric(float64(st.Analyses-st0.Analyses), "analyses")
	if n := st.Analyses - st0.Analyses; n > 0 {
		b.ReportMetric(float64((st.Compute-st0.Compute).Milliseconds())/float64(n), "analysis-ms")
		b.ReportMetric(float64((st.Pass-st0.Pass).Milliseconds())/float64(n), "pass-ms")
	}
	b.ReportMetric(float64((cpuTime()-startCPU).Microseconds())/1000/float64(max(1, votes.Load())), "cpu-ms/vote")
	b.ReportMetric(0, "ns/op")
}
