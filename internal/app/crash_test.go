package app

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kuulu/internal/org"
	"kuulu/internal/store"
)

// TestCrashKill9 runs the real binary under concurrent public-form
// submissions, kills it with SIGKILL while requests are in flight, restarts
// it, and checks that every submission that was acknowledged (the 303 to its
// receipt, with its tracking code) is stored. It runs on a SQLite file and,
// when KUULU_TEST_POSTGRES_URL is set, on a PostgreSQL schema of its own.
//
// Only what the server promised is asserted: every acknowledged code
// survives, and some were acknowledged. Requests cut off by the kill may or
// may not have been stored; the giver never saw a code for them.
func TestCrashKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin := buildKuulu(t, t.TempDir())
	for name, u := range store.TestDatabases(t) {
		t.Run(name, func(t *testing.T) { crashKill9(t, bin, u) })
	}
}

const (
	crashClients = 20
	// crashAfter is how many acknowledged submissions to wait for before the
	// kill: enough that the server is in full flow, few enough to be quick.
	crashAfter = 150
)

func crashKill9(t *testing.T, bin, dbURL string) {
	ctx := context.Background()
	// KUULU_TRUST_PROXY: each request carries its own X-Forwarded-For
	// address, so the per-address limit (10 a minute) refuses none.
	cmd, addr, _ := startKuulu(t, bin, dbURL, "KUULU_TRUST_PROXY=1", "KUULU_DEMO=on")
	killed := false
	t.Cleanup(func() {
		if !killed {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	units := crashUnits(t, dbURL)

	var (
		mu       sync.Mutex
		acked    []string // tracking codes from the receipt redirects
		stop     atomic.Bool
		seq      atomic.Uint32
		failed   atomic.Int64 // transport errors: in flight at the kill
		refused  atomic.Int64 // answered, but not with a receipt
		firstBad atomic.Value
		reached  = make(chan struct{})
		once     sync.Once
	)
	client := &http.Client{
		Transport:     &http.Transport{MaxIdleConnsPerHost: crashClients},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       20 * time.Second,
	}
	defer client.CloseIdleConnections()
	var wg sync.WaitGroup
	for i := range crashClients {
		wg.Go(func() {
			for n := 0; !stop.Load(); n++ {
				u := units[(i*7+n)%len(units)]
				k := seq.Add(1)
				form := url.Values{"unit": {strconv.FormatInt(u.ID, 10)}, "kind": {"idea"}, "score": {strconv.Itoa(int(k % 11))},
					"text":       {fmt.Sprintf("Kaatumistesti %d: ilmoittautuminen sujui, mutta odotusaika oli pitkä. Soittakaa 040 123 %04d.", k, k%10000)},
					"reply_lang": {"fi"}}
				req, _ := http.NewRequest("POST", "http://"+addr+"/p/"+u.Slug+"?lang=fi", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Sec-Fetch-Site", "same-origin")
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", k>>16&255, k>>8&255, k&255))
				res, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				loc := res.Header.Get("Location")
				_, rest, ok := strings.Cut(loc, "/kiitos/")
				if res.StatusCode != http.StatusSeeOther || !ok {
					refused.Add(1)
					firstBad.CompareAndSwap(nil, fmt.Sprintf("status %d, location %q", res.StatusCode, loc))
					continue
				}
				code, _, _ := strings.Cut(rest, "?")
				mu.Lock()
				acked = append(acked, code)
				if len(acked) >= crashAfter {
					once.Do(func() { close(reached) })
				}
				mu.Unlock()
			}
		})
	}
	select {
	case <-reached:
	case <-time.After(60 * time.Second):
		t.Log("the acknowledgement target was not reached in 60 s; killing anyway")
	}
	// Stop starting new requests and kill at once: the requests in flight
	// now are cut off mid-way.
	stop.Store(true)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	killed = true
	wg.Wait()
	mu.Lock()
	codes := append([]string(nil), acked...)
	mu.Unlock()
	t.Logf("%d submissions acknowledged before SIGKILL, %d requests in flight failed, %d answered without a receipt",
		len(codes), failed.Load(), refused.Load())
	if v := firstBad.Load(); v != nil {
		t.Logf("first answer without a receipt: %s", v)
	}
	if len(codes) == 0 {
		t.Fatal("no submission was acknowledged")
	}

	// Restart the binary on the same database: it starts, and every
	// acknowledged code is stored and has a status page.
	cmd2, addr2, _ := startKuulu(t, bin, dbURL, "KUULU_TRUST_PROXY=1")
	defer func() {
		cmd2.Process.Kill()
		cmd2.Wait()
	}()
	db, err := store.Open(ctx, store.Config{URL: dbURL, MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	missing := 0
	err = db.Read(ctx, func(tx *store.Tx) error {
		for _, c := range codes {
			if _, err := tx.FeedbackByCode(ctx, c); err != nil {
				missing++
				if missing <= 5 {
					t.Errorf("acknowledged submission %s is lost: %v", c, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if missing > 0 {
		t.Fatalf("%d of %d acknowledged submissions lost", missing, len(codes))
	}
	for i, c := range []string{codes[0], codes[len(codes)-1]} {
		req, _ := http.NewRequest("GET", "http://"+addr2+"/t/"+c+"?lang=fi", nil)
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.255.255.%d", i+1))
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("status page of %s after restart: %d", c, res.StatusCode)
		}
	}
}

// crashUnits reads the active units (but the accessibility form's slug)
// from the child's database.
func crashUnits(t *testing.T, dbURL string) []org.Unit {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Config{URL: dbURL, MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var units []org.Unit
	err = db.Read(ctx, func(tx *store.Tx) error {
		all, err := tx.Units(ctx, store.UnitFilter{ActiveOnly: true})
		for _, u := range all {
			if u.Slug != "saavutettavuus" {
				units = append(units, u)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(units) == 0 {
		t.Fatal("no active units in the demo data")
	}
	return units
}
