package mapping_test

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"kuulu/internal/conversation"
	"kuulu/internal/domain"
	"kuulu/internal/mapping"
	"kuulu/internal/polis"
	"kuulu/internal/store"
)

// TestServiceLeavesBannedParticipantsOut: a brigade of participants who
// disagree with everything shapes the map until a coordinator bans them;
// then the service rebuilds the analysis without their votes (and keeps
// adding other people's votes incrementally), and an unban brings them back.
func TestServiceLeavesBannedParticipantsOut(t *testing.T) {
	store.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tc, fixed := newBanConv(t, db)
		ordinary, brigade := tc.parts[:30], tc.parts[30:]
		isBrigade := func(id int64) bool { return slices.Contains(brigade, id) }

		svc := mapping.New(db, quiet)
		svc.Interval = time.Nanosecond
		pass := func(stage string, want int) *polis.Result {
			t.Helper()
			fixed.Advance(time.Second)
			time.Sleep(2 * time.Millisecond)
			if n, err := svc.RunOnce(ctx); err != nil || n != want {
				t.Fatalf("%s: %d analyses, want %d; %v", stage, n, want, err)
			}
			res, _, err := svc.Latest(ctx, tc.id)
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		ban := func(b bool) {
			t.Helper()
			fixed.Advance(time.Second)
			err := db.Write(ctx, func(tx *store.Tx) error {
				for _, p := range brigade {
					if err := tx.SetParticipantBanned(ctx, p, b); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}

		res := pass("first", 1)
		checkAgainstScratch(t, "before the ban", db, tc.id, res, func(int64) bool { return true })
		if res.N != 40 || !hasAny(res, brigade) {
			t.Fatalf("before the ban: n %d", res.N)
		}
		// The first statement splits the ordinary participants 15/15; the
		// brigade's 10 disagrees are in its figures.
		s0 := tc.stmts[0]
		if a, d := groupTotals(res, s0); a != 15 || d != 25 {
			t.Errorf("before the ban: statement agrees %d, disagrees %d; want 15, 25", a, d)
		}

		// Banned: rebuilt without the brigade.
		ban(true)
		before := svc.Stats()
		res = pass("after the ban", 1)
		if st := svc.Stats(); st.Rebuilds != before.Rebuilds+1 || st.Builds != before.Builds+1 {
			t.Errorf("after the ban: builds %d → %d, rebuilds %d → %d", before.Builds, st.Builds, before.Rebuilds, st.Rebuilds)
		}
		if res.N != 30 || hasAny(res, brigade) {
			t.Errorf("after the ban: n %d, brigade in the result %v", res.N, hasAny(res, brigade))
		}
		if a, d := groupTotals(res, s0); a != 15 || d != 15 {
			t.Errorf("after the ban: statement agrees %d, disagrees %d; want 15, 15", a, d)
		}
		checkAgainstScratch(t, "after the ban", db, tc.id, res, func(id int64) bool { return !isBrigade(id) })
		// What every instance reads: the stored result.
		if other, _, err := mapping.NewReader(db).Latest(ctx, tc.id); err != nil || other.N != 30 || hasAny(other, brigade) {
			t.Errorf("stored result after the ban: %v", err)
		}
		// Nothing more to do.
		if res := pass("settled", 0); res.N != 30 {
			t.Errorf("settled: n %d", res.N)
		}

		// Others keep answering: incremental, no rebuild. A vote of a
		// banned participant that reaches the table anyway (one that
		// raced the ban) is not fed.
		before = svc.Stats()
		var newcomer int64
		err := db.Write(ctx, func(tx *store.Tx) error {
			p, err := tx.CreateParticipant(ctx, tc.id, "newcomer", "")
			if err != nil {
				return err
			}
			newcomer = p.ID
			for j := 10; j < 20; j++ {
				fixed.Advance(time.Millisecond)
				if err := tx.Vote(ctx, tc.id, p.ID, tc.stmts[j], conversation.Agree, fixed.Now()); err != nil {
					return err
				}
			}
			fixed.Advance(time.Millisecond)
			if err := tx.Vote(ctx, tc.id, ordinary[0], tc.stmts[19], conversation.Disagree, fixed.Now()); err != nil {
				return err
			}
			return tx.Vote(ctx, tc.id, brigade[0], tc.stmts[0], conversation.Agree, fixed.Now())
		})
		if err != nil {
			t.Fatal(err)
		}
		res = pass("new votes after the ban", 1)
		if st := svc.Stats(); st.Builds != before.Builds || st.Rebuilds != before.Rebuilds {
			t.Errorf("new votes rebuilt the engine: builds %d → %d", before.Builds, st.Builds)
		}
		if res.N != 31 || res.UserVoteCounts[newcomer] != 10 || hasAny(res, brigade) {
			t.Errorf("new votes: n %d, newcomer's votes %d, brigade %v", res.N, res.UserVoteCounts[newcomer], hasAny(res, brigade))
		}
		checkAgainstScratch(t, "new votes after the ban", db, tc.id, res, func(id int64) bool { return !isBrigade(id) })
		var seen int64
		db.Read(ctx, func(tx *store.Tx) error {
			m, err := tx.ConversationResultMeta(ctx, tc.id)
			seen = m.VotesSeen
			return err
		})
		if seen != 30*20+10 {
			t.Errorf("votes seen %d, want %d", seen, 30*20+10)
		}
		// Only a banned participant's vote changed: nothing to analyse.
		fixed.Advance(time.Second)
		db.Write(ctx, func(tx *store.Tx) error {
			return tx.Vote(ctx, tc.id, brigade[1], tc.stmts[1], conversation.Agree, fixed.Now())
		})
		pass("a banned participant's vote", 0)

		// Unbanned: rebuilt with the brigade again, its later votes too.
		ban(false)
		before = svc.Stats()
		res = pass("after the unban", 1)
		if st := svc.Stats(); st.Rebuilds != before.Rebuilds+1 {
			t.Errorf("the unban did not rebuild: %d → %d", before.Rebuilds, st.Rebuilds)
		}
		if res.N != 41 || !hasAll(res, brigade) {
			t.Errorf("after the unban: n %d", res.N)
		}
		// s0: ordinary 15/15, 9 brigade disagrees and brigade[0]'s agree.
		if a, d := groupTotals(res, s0); a != 16 || d != 24 {
			t.Errorf("after the unban: statement agrees %d, disagrees %d; want 16, 24", a, d)
		}
		checkAgainstScratch(t, "after the unban", db, tc.id, res, func(int64) bool { return true })

		// An instance without a warm engine finds a ban by the database
		// alone and builds without the banned votes.
		ban(true)
		fresh := mapping.New(db, quiet)
		fresh.Interval = time.Nanosecond
		fixed.Advance(time.Second)
		if n, err := fresh.RunOnce(ctx); err != nil || n != 1 || fresh.Stats().Builds != 1 {
			t.Fatalf("fresh instance after a ban: %d analyses, %d builds, %v", n, fresh.Stats().Builds, err)
		}
		got, _, _ := fresh.Latest(ctx, tc.id)
		if got.N != 31 || hasAny(got, brigade) {
			t.Errorf("fresh instance after a ban: n %d", got.N)
		}
		checkAgainstScratch(t, "fresh instance", db, tc.id, got, func(id int64) bool { return !isBrigade(id) })
		// The warm instance notices it too.
		if res := pass("warm instance after the second ban", 1); res.N != 31 || hasAny(res, brigade) {
			t.Errorf("warm instance after the second ban: n %d", res.N)
		}
	})
}

// newBanConv stores 20 statements and 40 participants who answer all of
// them: 30 ordinary ones in two camps on the first ten statements (evens
// agree, odds disagree) and at random on the rest, and a brigade of 10 who
// disagree with everything.
func newBanConv(t *testing.T, db *store.DB) (*testConv, *domain.FixedClock) {
	t.Helper()
	fixed := &domain.FixedClock{T: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	db.Clock = fixed
	tc := newTestConv(t, db, fixed, 20, 40)
	rng := rand.New(rand.NewPCG(7, 8))
	ctx := context.Background()
	err := db.Write(ctx, func(tx *store.Tx) error {
		for i, p := range tc.parts {
			for j, s := range tc.stmts {
				v := int8(rng.IntN(3) - 1)
				switch {
				case i >= 30:
					v = conversation.Disagree
				case j < 10 && i%2 == 0:
					v = conversation.Agree
				case j < 10:
					v = conversation.Disagree
				}
				fixed.Advance(time.Millisecond)
				if err := tx.Vote(ctx, tc.id, p, s, v, fixed.Now()); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return tc, fixed
}

// checkAgainstScratch compares a result with a from-scratch analysis of the
// votes in the database read directly (not through the store's analysis
// reads) and filtered by include: the same participants, the same vote
// counts and the same PCA centre (the mean vote on each statement).
func checkAgainstScratch(t *testing.T, stage string, db *store.DB, convID int64, got *polis.Result, include func(int64) bool) {
	t.Helper()
	ctx := context.Background()
	m := polis.NewMatrix()
	err := db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, "SELECT participant_id, statement_id, value FROM votes WHERE conversation_id = ? ORDER BY participant_id, statement_id", convID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p, s int64
			var v int
			if err := rows.Scan(&p, &s, &v); err != nil {
				return err
			}
			if include(p) {
				if err := m.Set(p, s, int8(v)); err != nil {
					return err
				}
			}
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	m.SortStatements()
	want := polis.Analyze(m, polis.Options{})
	if got.N != want.N || len(got.UserVoteCounts) != len(want.UserVoteCounts) {
		t.Errorf("%s: n %d, %d voters; from scratch %d, %d", stage, got.N, len(got.UserVoteCounts), want.N, len(want.UserVoteCounts))
	}
	for p, n := range want.UserVoteCounts {
		if got.UserVoteCounts[p] != n {
			t.Errorf("%s: participant %d has %d votes, from scratch %d", stage, p, got.UserVoteCounts[p], n)
		}
	}
	center := map[int64]float64{}
	for k, tid := range want.TIDs {
		center[tid] = want.PCA.Center[k]
	}
	for k, tid := range got.TIDs {
		if c, ok := center[tid]; !ok || math.Abs(c-got.PCA.Center[k]) > 1e-9 {
			t.Errorf("%s: statement %d centre %v, from scratch %v", stage, tid, got.PCA.Center[k], c)
		}
	}
}

// groupTotals sums the groups' agrees and disagrees on a statement (every
// participant here is clustered, so these are everyone's answers in the
// analysis).
func groupTotals(r *polis.Result, tid int64) (a, d int) {
	for _, gv := range r.GroupVotes {
		a += gv.Votes[tid].A
		d += gv.Votes[tid].D
	}
	return a, d
}

// hasAny reports whether any of ids is anywhere in the result: its vote
// counts, in-conv, base clusters or map positions.
func hasAny(r *polis.Result, ids []int64) bool {
	for _, id := range ids {
		if inResult(r, id) {
			return true
		}
	}
	return false
}

func hasAll(r *polis.Result, ids []int64) bool {
	for _, id := range ids {
		if !inResult(r, id) {
			return false
		}
	}
	return true
}

func inResult(r *polis.Result, id int64) bool {
	if _, ok := r.UserVoteCounts[id]; ok || slices.Contains(r.InConv, id) {
		return true
	}
	for _, ms := range r.BaseClusters.Members {
		if slices.Contains(ms, id) {
			return true
		}
	}
	return slices.ContainsFunc(r.Participants, func(p polis.ParticipantPoint) bool { return p.ID == id })
}
