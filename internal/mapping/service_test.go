package mapping_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"kuulu/internal/conversation"
	"kuulu/internal/domain"
	"kuulu/internal/mapping"
	"kuulu/internal/store"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// testConv is a conversation with statements, stored for a test.
type testConv struct {
	db    *store.DB
	clock *domain.FixedClock
	id    int64
	stmts []int64
	parts []int64
}

func newTestConv(t testing.TB, db *store.DB, clock *domain.FixedClock, statements, participants int) *testConv {
	t.Helper()
	ctx := context.Background()
	tc := &testConv{db: db, clock: clock}
	err := db.Write(ctx, func(tx *store.Tx) error {
		c := conversation.Conversation{Slug: fmt.Sprintf("k-%d", rand.Int64N(1e9)), Topic: domain.Text{FI: "Testi"}, OpensAt: clock.Now().Add(-time.Hour),
			Moderation: conversation.ModeratePost, Identification: conversation.Anonymous, AllowStatements: true}
		if err := tx.SaveConversation(ctx, &c); err != nil {
			return err
		}
		tc.id = c.ID
		for i := 0; i < statements; i++ {
			s := conversation.Statement{ConversationID: c.ID, Text: fmt.Sprintf("Väite %d", i), Status: conversation.StatementAccepted, Lang: "fi"}
			if err := tx.AddStatement(ctx, &s); err != nil {
				return err
			}
			tc.stmts = append(tc.stmts, s.ID)
		}
		for i := 0; i < participants; i++ {
			p, err := tx.CreateParticipant(ctx, c.ID, fmt.Sprintf("hash-%d", i), "")
			if err != nil {
				return err
			}
			tc.parts = append(tc.parts, p.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return tc
}

// vote stores votes, one millisecond apart on the test clock: two camps
// that answer the first half of the statements in opposite ways.
func (tc *testConv) vote(t testing.TB, rng *rand.Rand, n int) {
	t.Helper()
	ctx := context.Background()
	err := tc.db.Write(ctx, func(tx *store.Tx) error {
		for k := 0; k < n; k++ {
			pi := rng.IntN(len(tc.parts))
			si := rng.IntN(len(tc.stmts))
			v := int8(rng.IntN(3) - 1)
			if si < len(tc.stmts)/2 {
				v = 1
				if pi%2 == 1 {
					v = -1
				}
			}
			tc.clock.Advance(time.Millisecond)
			if err := tx.Vote(ctx, tc.id, tc.parts[pi], tc.stmts[si], v, tc.clock.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func testDB(t *testing.T, u string) (*store.DB, *domain.FixedClock) {
	db := store.OpenTest(t, u)
	clock := &domain.FixedClock{T: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	db.Clock = clock
	return db, clock
}

func TestServiceAnalysesAndFollowsChanges(t *testing.T) {
	store.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := &domain.FixedClock{T: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
		db.Clock = clock
		rng := rand.New(rand.NewPCG(1, 2))
		tc := newTestConv(t, db, clock, 30, 60)
		idle := newTestConv(t, db, clock, 3, 2) // no votes: nothing to analyse

		svc := mapping.New(db, quiet)
		svc.Interval = time.Nanosecond // every pass looks at every conversation
		if n, err := svc.RunOnce(ctx); err != nil || n != 0 {
			t.Fatalf("before votes: %d analyses, %v", n, err)
		}
		if _, _, err := svc.Latest(ctx, tc.id); !domain.IsNotFound(err) {
			t.Fatalf("result before votes: %v", err)
		}

		tc.vote(t, rng, 900)
		lastVote := clock.Now()
		clock.Advance(time.Second)
		if n, err := svc.RunOnce(ctx); err != nil || n != 1 {
			t.Fatalf("after votes: %d analyses, %v", n, err)
		}
		res, at, err := svc.Latest(ctx, tc.id)
		if err != nil {
			t.Fatal(err)
		}
		if res.N != 60 || len(res.GroupClusters) < 2 || len(res.Participants) != 60 || at.IsZero() {
			t.Errorf("result: n %d, groups %d, points %d, at %v", res.N, len(res.GroupClusters), len(res.Participants), at)
		}
		// The two camps are two groups.
		groupOf := map[int64]int{}
		for _, p := range res.Participants {
			groupOf[p.ID] = p.Group
		}
		for i, p := range tc.parts {
			if q := tc.parts[i%2]; groupOf[p] >= 0 && groupOf[p] != groupOf[q] {
				t.Errorf("participant %d in group %d, its camp in %d", p, groupOf[p], groupOf[q])
				break
			}
		}
		// Another instance (a fresh Reader) serves the same stored result.
		other, _, err := mapping.NewReader(db).Latest(ctx, tc.id)
		if err != nil || other.N != res.N || len(other.Participants) != len(res.Participants) || !slices.Equal(other.InConv, res.InConv) {
			t.Errorf("reader: %v %+v", err, other)
		}
		ext, _ := mapping.NewReader(db).Extremity(ctx, tc.id)
		if len(ext) != 30 {
			t.Errorf("extremities: %d", len(ext))
		}
		if ext, err := mapping.NewReader(db).Extremity(ctx, idle.id); err != nil || len(ext) != 0 {
			t.Errorf("extremities without a result: %v %v", ext, err)
		}

		// No change, no work.
		time.Sleep(2 * time.Millisecond)
		if n, _ := svc.RunOnce(ctx); n != 0 {
			t.Errorf("without changes: %d analyses", n)
		}

		// Moderation: a rejected statement counts as 0 (mod-out), meta too.
		rejected, meta := tc.stmts[0], tc.stmts[1]
		clock.Advance(time.Second)
		db.Write(ctx, func(tx *store.Tx) error {
			if err := tx.ModerateStatement(ctx, rejected, conversation.StatementRejected, conversation.RejectOffTopic, false, 0); err != nil {
				return err
			}
			return tx.ModerateStatement(ctx, meta, conversation.StatementAccepted, "", true, 0)
		})
		clock.Advance(time.Second)
		if n, err := svc.RunOnce(ctx); err != nil || n != 1 {
			t.Fatalf("after moderation: %d analyses, %v", n, err)
		}
		res, _, _ = svc.Latest(ctx, tc.id)
		if !slices.Contains(res.ModOut, rejected) || !slices.Contains(res.ModOut, meta) || !slices.Contains(res.MetaTIDs, meta) {
			t.Errorf("mod-out %v, meta %v", res.ModOut, res.MetaTIDs)
		}
		// And back in.
		clock.Advance(time.Second)
		db.Write(ctx, func(tx *store.Tx) error {
			return tx.ModerateStatement(ctx, rejected, conversation.StatementAccepted, "", false, 0)
		})
		clock.Advance(time.Second)
		svc.RunOnce(ctx)
		res, _, _ = svc.Latest(ctx, tc.id)
		if slices.Contains(res.ModOut, rejected) {
			t.Errorf("accepted again but still mod-out: %v", res.ModOut)
		}

		// A vote whose timestamp is behind the watermark (committed late)
		// is still fed, within the slack.
		before := svc.Stats()
		db.Write(ctx, func(tx *store.Tx) error {
			return tx.Vote(ctx, tc.id, tc.parts[0], tc.stmts[29], conversation.Disagree, lastVote.Add(-2*time.Second))
		})
		var votesSeen int64
		meta0 := func() store.ResultMeta {
			var m store.ResultMeta
			db.Read(ctx, func(tx *store.Tx) error { m, _ = tx.ConversationResultMeta(ctx, tc.id); return nil })
			return m
		}
		votesSeen = meta0().VotesSeen
		time.Sleep(2 * time.Millisecond)
		if n, _ := svc.RunOnce(ctx); n != 1 {
			t.Errorf("late vote not picked up")
		}
		var total int64
		db.Read(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, "SELECT COUNT(*) FROM votes WHERE conversation_id = ?", tc.id).Scan(&total)
		})
		if m := meta0(); m.VotesSeen != total || svc.Stats().Builds != before.Builds {
			t.Errorf("votes seen %d (before %d), in the database %d; builds %d → %d", m.VotesSeen, votesSeen, total, before.Builds, svc.Stats().Builds)
		}

		// A fresh instance with nothing new does nothing; with a new vote it
		// builds its engine from the database, seeded with the stored result.
		fresh := mapping.New(db, quiet)
		fresh.Interval = time.Nanosecond
		if n, _ := fresh.RunOnce(ctx); n != 0 || fresh.Stats().Builds != 0 {
			t.Errorf("fresh instance without changes: %d analyses, %d builds", n, fresh.Stats().Builds)
		}
		prev, _, _ := svc.Latest(ctx, tc.id)
		clock.Advance(time.Second)
		tc.vote(t, rng, 5)
		clock.Advance(time.Second)
		if n, _ := fresh.RunOnce(ctx); n != 1 || fresh.Stats().Builds != 1 {
			t.Errorf("fresh instance after a vote: %d analyses, %d builds", n, fresh.Stats().Builds)
		}
		got, _, _ := fresh.Latest(ctx, tc.id)
		if len(got.GroupClusters) != len(prev.GroupClusters) {
			t.Errorf("seeded rebuild changed the number of groups: %d → %d", len(prev.GroupClusters), len(got.GroupClusters))
		}
		// The first instance, still warm, sees that vote too; an older
		// snapshot never overwrites a newer one.
		if n, _ := svc.RunOnce(ctx); n != 1 {
			t.Errorf("warm instance after the other stored: %d", n)
		}
	})
}

func TestServiceInterval(t *testing.T) {
	db, clock := testDB(t, store.TestDatabases(t)["sqlite"])
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	tc := newTestConv(t, db, clock, 10, 20)
	tc.vote(t, rng, 100)
	svc := mapping.New(db, quiet)
	svc.Interval = time.Hour
	if n, _ := svc.RunOnce(ctx); n != 1 {
		t.Fatal("no first analysis")
	}
	tc.vote(t, rng, 10)
	if n, _ := svc.RunOnce(ctx); n != 0 {
		t.Error("analysed twice within the interval")
	}
}

func TestServiceRunStopsWithContext(t *testing.T) {
	db, clock := testDB(t, store.TestDatabases(t)["sqlite"])
	tc := newTestConv(t, db, clock, 10, 20)
	tc.vote(t, rand.New(rand.NewPCG(5, 6)), 100)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := mapping.Start(ctx, db, quiet)
	rd := mapping.NewReader(db)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, _, err := rd.Latest(context.Background(), tc.id); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no result from the running service")
		}
		time.Sleep(20 * time.Millisecond)
	}
	done := make(chan struct{})
	go func() { stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("service did not stop")
	}
}
