package store

import (
	"context"
	"testing"
	"time"

	"kuulu/internal/conversation"
	"kuulu/internal/domain"
)

func TestConversationsMoreContract(t *testing.T) {
	EachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		clock := &domain.FixedClock{T: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)}
		db.Clock = clock
		now := clock.Now()
		mk := func(slug string, mod conversation.Moderation, change func(*conversation.Conversation)) conversation.Conversation {
			c := conversation.Conversation{Slug: slug, Topic: domain.Text{FI: slug}, Moderation: mod, Identification: conversation.Anonymous,
				OpensAt: now.Add(-time.Hour), AllowStatements: true}
			if change != nil {
				change(&c)
			}
			if err := db.Write(ctx, func(tx *Tx) error { return tx.SaveConversation(ctx, &c) }); err != nil {
				t.Fatal(err)
			}
			return c
		}
		post := mk("jalki", conversation.ModeratePost, nil)
		pre := mk("ennakko", conversation.ModeratePre, nil)
		closed := mk("suljettu", conversation.ModeratePost, func(c *conversation.Conversation) { c.Closed = true })
		past := mk("ohi", conversation.ModeratePost, func(c *conversation.Conversation) { end := now.Add(-time.Minute); c.ClosesAt = &end })
		upcoming := mk("tuleva", conversation.ModeratePost, func(c *conversation.Conversation) { c.OpensAt = now.Add(time.Hour) })

		type fixture struct {
			accepted, pending, rejected conversation.Statement
			p, banned                   conversation.Participant
		}
		fx := map[int64]*fixture{}
		var v0, v1 string
		err := db.Write(ctx, func(tx *Tx) error {
			for _, c := range []conversation.Conversation{post, pre, closed, past, upcoming} {
				f := &fixture{}
				for _, s := range []*conversation.Statement{&f.accepted, &f.pending, &f.rejected} {
					*s = conversation.Statement{ConversationID: c.ID, Text: "x", Status: conversation.StatementAccepted, Lang: "fi"}
				}
				f.pending.Status, f.rejected.Status = conversation.StatementPending, conversation.StatementRejected
				for _, s := range []*conversation.Statement{&f.accepted, &f.pending, &f.rejected} {
					if err := tx.AddStatement(ctx, s); err != nil {
						return err
					}
				}
				var err error
				if f.p, err = tx.CreateParticipant(ctx, c.ID, "h-"+c.Slug, ""); err != nil {
					return err
				}
				if f.banned, err = tx.CreateParticipant(ctx, c.ID, "b-"+c.Slug, ""); err != nil {
					return err
				}
				if err := tx.SetParticipantBanned(ctx, f.banned.ID, true); err != nil {
					return err
				}
				fx[c.ID] = f
			}
			var err error
			v0, err = tx.StatementsVersion(ctx, post.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}

		// VoteIfOpen, unprepared and prepared.
		for round, prepare := range []bool{false, true} {
			if prepare {
				if err := db.PrepareAnswers(ctx); err != nil {
					t.Fatal(err)
				}
			}
			cases := []struct {
				name string
				conv int64
				p, s int64
				want bool
			}{
				{"accepted", post.ID, fx[post.ID].p.ID, fx[post.ID].accepted.ID, true},
				{"pending under post-moderation", post.ID, fx[post.ID].p.ID, fx[post.ID].pending.ID, true},
				{"pending under pre-moderation", pre.ID, fx[pre.ID].p.ID, fx[pre.ID].pending.ID, false},
				{"accepted under pre-moderation", pre.ID, fx[pre.ID].p.ID, fx[pre.ID].accepted.ID, true},
				{"rejected", post.ID, fx[post.ID].p.ID, fx[post.ID].rejected.ID, false},
				{"banned", post.ID, fx[post.ID].banned.ID, fx[post.ID].accepted.ID, false},
				{"closed", closed.ID, fx[closed.ID].p.ID, fx[closed.ID].accepted.ID, false},
				{"past its closing time", past.ID, fx[past.ID].p.ID, fx[past.ID].accepted.ID, false},
				{"not open yet", upcoming.ID, fx[upcoming.ID].p.ID, fx[upcoming.ID].accepted.ID, false},
				{"statement of another conversation", post.ID, fx[post.ID].p.ID, fx[pre.ID].accepted.ID, false},
				{"participant of another conversation", post.ID, fx[pre.ID].p.ID, fx[post.ID].accepted.ID, false},
			}
			for _, tc := range cases {
				var ok bool
				err := db.WriteBatched(ctx, func(tx *Tx) error {
					var err error
					ok, err = tx.VoteIfOpen(ctx, tc.conv, tc.p, tc.s, int8(1-2*round), tx.Now())
					return err
				})
				if err != nil || ok != tc.want {
					t.Errorf("prepared=%v %s: %v %v, want %v", prepare, tc.name, ok, err, tc.want)
				}
			}
		}
		p, votes, err := db.ReadParticipantAndVotes(ctx, post.ID, "h-jalki")
		if err != nil || p.ID != fx[post.ID].p.ID || p.Banned || len(votes) != 2 || votes[fx[post.ID].accepted.ID] != -1 {
			t.Errorf("participant and votes: %+v %v %v (the second round's answer counts)", p, votes, err)
		}
		if p, votes, err := db.ReadParticipantAndVotes(ctx, post.ID, "b-jalki"); err != nil || !p.Banned || len(votes) != 0 {
			t.Errorf("banned participant: %+v %v %v", p, votes, err)
		}
		if _, _, err := db.ReadParticipantAndVotes(ctx, post.ID, "nobody"); !domain.IsNotFound(err) {
			t.Errorf("unknown participant: %v", err)
		}

		// HitRate: one window, rolled back with a failed unit of work.
		for i := 1; i <= 3; i++ {
			var n int
			db.WriteBatched(ctx, func(tx *Tx) error {
				n, _, err = tx.HitRate(ctx, "b", time.Minute)
				return err
			})
			if n != i {
				t.Errorf("hit %d counted %d", i, n)
			}
		}
		db.Write(ctx, func(tx *Tx) error {
			tx.HitRate(ctx, "b", time.Minute)
			return domain.Invalid("x")
		})
		if n, _, _ := db.Hits(ctx, "b", time.Minute); n != 3 {
			t.Errorf("after a rolled-back hit: %d", n)
		}

		// Answers, newest first; the fingerprint follows moderation.
		clock.Advance(time.Second)
		db.Write(ctx, func(tx *Tx) error {
			if err := tx.Vote(ctx, post.ID, fx[post.ID].p.ID, fx[post.ID].pending.ID, 0, tx.Now()); err != nil {
				return err
			}
			return tx.ModerateStatement(ctx, fx[post.ID].pending.ID, conversation.StatementRejected, conversation.RejectUnclear, false, 0)
		})
		db.Read(ctx, func(tx *Tx) error {
			answers, err := tx.ParticipantAnswers(ctx, fx[post.ID].p.ID)
			if err != nil || len(answers) != 2 || answers[0].StatementID != fx[post.ID].pending.ID || answers[0].Value != 0 {
				t.Errorf("answers %+v %v", answers, err)
			}
			v1, _ = tx.StatementsVersion(ctx, post.ID)
			return nil
		})
		if v0 == v1 || v0 == "" {
			t.Errorf("fingerprint unchanged by moderation: %q %q", v0, v1)
		}

		// What the analysis reads.
		db.Read(ctx, func(tx *Tx) error {
			targets, err := tx.AnalysisTargets(ctx)
			if err != nil || len(targets) != 5 || targets[0].Result != nil {
				t.Errorf("targets %+v %v", targets, err)
			}
			if ok, _ := tx.HasVotesAfter(ctx, post.ID, nil); !ok {
				t.Error("no votes found")
			}
			later := now.Add(time.Hour)
			if ok, _ := tx.HasVotesAfter(ctx, post.ID, &later); ok {
				t.Error("votes after the last")
			}
			if ok, _ := tx.HasModerationAfter(ctx, post.ID, now); !ok {
				t.Error("moderation not found")
			}
			if ok, _ := tx.HasModerationAfter(ctx, post.ID, clock.Now()); ok {
				t.Error("moderation after the last")
			}
			var rows []VoteRow
			tx.VotesFrom(ctx, post.ID, clock.Now(), func(v VoteRow) error { rows = append(rows, v); return nil })
			if len(rows) != 1 || rows[0].StatementID != fx[post.ID].pending.ID {
				t.Errorf("votes from now: %+v", rows)
			}
			rows = nil
			tx.VotesInRowOrder(ctx, post.ID, func(v VoteRow) error { rows = append(rows, v); return nil })
			if len(rows) != 2 || rows[0].StatementID > rows[1].StatementID {
				t.Errorf("votes in row order: %+v", rows)
			}
			states, _ := tx.StatementStates(ctx, post.ID, nil)
			since := clock.Now()
			recent, _ := tx.StatementStates(ctx, post.ID, &since)
			if len(states) != 3 || len(recent) != 1 || recent[0].Status != conversation.StatementRejected {
				t.Errorf("states %+v, recent %+v", states, recent)
			}
			if banned, err := tx.ParticipantBanned(ctx, fx[post.ID].banned.ID); !banned || err != nil {
				t.Errorf("banned: %v %v", banned, err)
			}
			if taken, _ := tx.SlugTaken(ctx, "jalki"); !taken {
				t.Error("slug not taken")
			}
			if taken, _ := tx.SlugTaken(ctx, "vapaa"); taken {
				t.Error("free slug taken")
			}
			return nil
		})

		// A newer snapshot is never overwritten by an older one.
		save := func(at time.Time, seen int64) bool {
			var ok bool
			db.Write(ctx, func(tx *Tx) error {
				ok, err = tx.SaveConversationResultIfNewer(ctx, ConversationResult{ConversationID: post.ID, ComputedAt: at, VotesSeen: seen, JSON: "{}"})
				return err
			})
			return ok
		}
		if !save(now, 1) || !save(now.Add(time.Second), 2) || save(now, 3) {
			t.Error("save if newer")
		}
		db.Read(ctx, func(tx *Tx) error {
			m, err := tx.ConversationResultMeta(ctx, post.ID)
			if err != nil || m.VotesSeen != 2 || !m.ComputedAt.Equal(now.Add(time.Second)) {
				t.Errorf("meta %+v %v", m, err)
			}
			if _, err := tx.ConversationResultMeta(ctx, pre.ID); !domain.IsNotFound(err) {
				t.Errorf("meta without result: %v", err)
			}
			return nil
		})

		// Import: participants keep export ids (0 included), statements too.
		imp := mk("tuotu", conversation.ModeratePost, func(c *conversation.Conversation) { c.Closed = true })
		err = db.Write(ctx, func(tx *Tx) error {
			p0, err := tx.ImportParticipant(ctx, imp.ID, 0, now)
			if err != nil {
				return err
			}
			p7, err := tx.ImportParticipant(ctx, imp.ID, 7, now)
			if err != nil {
				return err
			}
			s := conversation.Statement{ConversationID: imp.ID, Text: "tuotu", Status: conversation.StatementAccepted, CreatedAt: now}
			if err := tx.ImportStatement(ctx, &s, 0); err != nil {
				return err
			}
			if err := tx.ImportVotes(ctx, imp.ID, []VoteRow{{p0, s.ID, 1, now}, {p7, s.ID, -1, now.Add(time.Second)}}); err != nil {
				return err
			}
			parts, err := tx.ExportParticipants(ctx, imp.ID)
			if err != nil || len(parts) != 2 || !parts[0].Imported || parts[0].ExternalID != 0 || parts[1].ExternalID != 7 {
				t.Errorf("export participants %+v %v", parts, err)
			}
			ext, _ := tx.StatementExternalIDs(ctx, imp.ID)
			if e, ok := ext[s.ID]; !ok || e != 0 {
				t.Errorf("external ids %v", ext)
			}
			native, _ := tx.ExportParticipants(ctx, post.ID)
			if len(native) != 2 || native[0].Imported {
				t.Errorf("native participants %+v", native)
			}
			p, err := tx.ParticipantByToken(ctx, imp.ID, "import:7")
			if err != nil || p.LastVoteAt == nil || !p.LastVoteAt.Equal(now.Add(time.Second)) {
				t.Errorf("imported participant %+v %v", p, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
