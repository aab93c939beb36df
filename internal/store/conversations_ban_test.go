package store

import (
	"context"
	"testing"
	"time"

	"kuulu/internal/conversation"
	"kuulu/internal/domain"
)

// A banned participant's votes stay stored and in ConversationVotes (the
// export), but are left out of what the analysis reads and of every count
// shown with it, until the ban is lifted; a ban or an unban is a change the
// analysis finds.
func TestBannedParticipantsVotesLeftOut(t *testing.T) {
	EachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		clock := &domain.FixedClock{T: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)}
		db.Clock = clock
		var conv conversation.Conversation
		var s1, s2 conversation.Statement
		var ok, banned conversation.Participant
		t0 := clock.Now()
		err := db.Write(ctx, func(tx *Tx) error {
			conv = conversation.Conversation{Slug: "esto", Topic: domain.Text{FI: "Esto"}, Moderation: conversation.ModeratePost,
				Identification: conversation.Anonymous, OpensAt: t0.Add(-time.Hour), AllowStatements: true}
			if err := tx.SaveConversation(ctx, &conv); err != nil {
				return err
			}
			for _, s := range []*conversation.Statement{&s1, &s2} {
				*s = conversation.Statement{ConversationID: conv.ID, Text: "x", Status: conversation.StatementAccepted, Lang: "fi"}
				if err := tx.AddStatement(ctx, s); err != nil {
					return err
				}
			}
			var err error
			if ok, err = tx.CreateParticipant(ctx, conv.ID, "ok", ""); err != nil {
				return err
			}
			if banned, err = tx.CreateParticipant(ctx, conv.ID, "banned", ""); err != nil {
				return err
			}
			// ok answers at t0; the participant to be banned a second later.
			if err := tx.Vote(ctx, conv.ID, ok.ID, s1.ID, conversation.Agree, t0); err != nil {
				return err
			}
			if err := tx.Vote(ctx, conv.ID, ok.ID, s2.ID, conversation.Disagree, t0); err != nil {
				return err
			}
			for _, s := range []int64{s1.ID, s2.ID} {
				if err := tx.Vote(ctx, conv.ID, banned.ID, s, conversation.Disagree, t0.Add(time.Second)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		setBanned := func(b bool) time.Time {
			t.Helper()
			clock.Advance(time.Minute)
			at := clock.Now()
			if err := db.Write(ctx, func(tx *Tx) error { return tx.SetParticipantBanned(ctx, banned.ID, b) }); err != nil {
				t.Fatal(err)
			}
			clock.Advance(time.Minute)
			return at
		}

		// check reads everything that counts votes; withBanned says whether
		// the second participant's two disagrees count.
		check := func(stage string, withBanned bool) {
			t.Helper()
			voters, votes, s1Disagrees := 1, 2, 0
			if withBanned {
				voters, votes, s1Disagrees = 2, 4, 1
			}
			err := db.Read(ctx, func(tx *Tx) error {
				var rows []VoteRow
				if err := tx.VotesInRowOrder(ctx, conv.ID, func(v VoteRow) error { rows = append(rows, v); return nil }); err != nil {
					return err
				}
				if len(rows) != votes || rows[0].ParticipantID != ok.ID {
					t.Errorf("%s: votes in row order %+v", stage, rows)
				}
				rows = nil
				if err := tx.VotesFrom(ctx, conv.ID, t0, func(v VoteRow) error { rows = append(rows, v); return nil }); err != nil {
					return err
				}
				if len(rows) != votes {
					t.Errorf("%s: votes from %v: %+v", stage, t0, rows)
				}
				for _, v := range rows {
					if v.ParticipantID == banned.ID && !withBanned {
						t.Errorf("%s: a banned participant's vote in the analysis input: %+v", stage, v)
					}
				}
				// The banned participant's votes are the only ones after t0.
				if after, err := tx.HasVotesAfter(ctx, conv.ID, &t0); err != nil || after != withBanned {
					t.Errorf("%s: votes after t0: %v %v", stage, after, err)
				}
				if any, err := tx.HasVotesAfter(ctx, conv.ID, nil); err != nil || !any {
					t.Errorf("%s: any votes: %v %v", stage, any, err)
				}
				// The complete record keeps them.
				rows = nil
				if err := tx.ConversationVotes(ctx, conv.ID, func(v VoteRow) error { rows = append(rows, v); return nil }); err != nil {
					return err
				}
				if n, _, _ := tx.VoteStats(ctx, conv.ID); len(rows) != 4 || n != 4 {
					t.Errorf("%s: the export's votes %d, vote stats %d, want 4", stage, len(rows), n)
				}
				// The counts shown with the analysis.
				tallies, err := tx.StatementTallies(ctx, conv.ID)
				if err != nil {
					return err
				}
				if got := tallies[s1.ID]; got != (Tally{Agrees: 1, Disagrees: s1Disagrees}) {
					t.Errorf("%s: s1 tally %+v", stage, got)
				}
				stmts, err := tx.Statements(ctx, conv.ID, StatementFilter{})
				if err != nil {
					return err
				}
				if len(stmts) != 2 || stmts[0].Agrees != 1 || stmts[0].Disagrees != s1Disagrees || stmts[1].Disagrees != voters {
					t.Errorf("%s: statements %+v", stage, stmts)
				}
				counted, err := tx.ConversationStatementsCounted(ctx, conv.ID)
				if err != nil {
					return err
				}
				if counted[0].Disagrees != s1Disagrees {
					t.Errorf("%s: counted statements %+v", stage, counted)
				}
				if n, err := tx.VoterCount(ctx, conv.ID); err != nil || n != voters {
					t.Errorf("%s: voters %d %v", stage, n, err)
				}
				wantBanned := 1
				if withBanned {
					wantBanned = 0
				}
				if n, err := tx.BannedVoterCount(ctx, conv.ID); err != nil || n != wantBanned {
					t.Errorf("%s: banned voters %d %v", stage, n, err)
				}
				hours, err := tx.VotesPerHour(ctx, conv.ID)
				if err != nil {
					return err
				}
				sum := 0
				for _, h := range hours {
					sum += h.Votes
				}
				if sum != votes {
					t.Errorf("%s: votes per hour %+v", stage, hours)
				}
				ov, err := tx.ConversationOverviews(ctx)
				if err != nil {
					return err
				}
				if len(ov) != 1 || ov[0].Participants != int64(voters) || ov[0].Votes != int64(votes) {
					t.Errorf("%s: overview %+v", stage, ov)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		banStates := func(from *time.Time) []BanState {
			t.Helper()
			var out []BanState
			err := db.Read(ctx, func(tx *Tx) error {
				var err error
				out, err = tx.BanStates(ctx, conv.ID, from)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		moderatedAfter := func(at time.Time) bool {
			t.Helper()
			var got bool
			if err := db.Read(ctx, func(tx *Tx) error {
				var err error
				got, err = tx.HasModerationAfter(ctx, conv.ID, at)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return got
		}

		check("before the ban", true)
		if got := banStates(nil); len(got) != 0 {
			t.Errorf("ban states before any ban: %+v", got)
		}

		bannedAt := setBanned(true)
		check("banned", false)
		if got := banStates(nil); len(got) != 1 || got[0] != (BanState{banned.ID, true}) {
			t.Errorf("ban states: %+v", got)
		}
		if got := banStates(&bannedAt); len(got) != 1 || !got[0].Banned {
			t.Errorf("ban states from the ban: %+v", got)
		}
		if later := bannedAt.Add(time.Second); len(banStates(&later)) != 0 {
			t.Errorf("ban states after the ban: %+v", banStates(&later))
		}
		if !moderatedAfter(bannedAt.Add(-time.Second)) || moderatedAfter(bannedAt) {
			t.Error("the ban is not a moderation change at its time")
		}

		// Banning again changes nothing: no new change for the analysis.
		again := setBanned(true)
		if len(banStates(&again)) != 0 || moderatedAfter(bannedAt) {
			t.Errorf("a repeated ban is a change: %+v", banStates(&again))
		}
		var p conversation.Participant
		db.Read(ctx, func(tx *Tx) error { p, err = tx.ConversationParticipant(ctx, banned.ID); return err })
		if !p.Banned || p.Votes != 2 {
			t.Errorf("banned participant %+v (their own answers are still theirs)", p)
		}

		// Unbanned: the earlier votes count again.
		unbannedAt := setBanned(false)
		check("unbanned", true)
		if got := banStates(&unbannedAt); len(got) != 1 || got[0] != (BanState{banned.ID, false}) {
			t.Errorf("ban states from the unban: %+v", got)
		}
		if got := banStates(nil); len(got) != 1 || got[0].Banned {
			t.Errorf("ban states after the unban: %+v", got)
		}
		if !moderatedAfter(again) {
			t.Error("the unban is not a moderation change")
		}
	})
}
