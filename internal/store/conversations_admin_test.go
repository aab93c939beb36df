package store

import (
	"context"
	"testing"
	"time"

	"kuulu/internal/conversation"
	"kuulu/internal/domain"
)

func TestConversationAdminQueries(t *testing.T) {
	EachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		// 23:30 UTC on 1 June is 2:30 on 2 June in Helsinki.
		day := time.Date(2026, 6, 1, 23, 30, 0, 0, time.UTC)
		c := conversation.Conversation{Slug: "laskut", Topic: domain.Text{FI: "Laskut"}, Moderation: conversation.ModeratePre,
			Identification: conversation.Anonymous, OpensAt: day.Add(-48 * time.Hour)}
		other := conversation.Conversation{Slug: "muu", Topic: domain.Text{FI: "Muu"}, Moderation: conversation.ModeratePost,
			Identification: conversation.Anonymous, OpensAt: day}
		var seed, mine, meta conversation.Statement
		var p1, p2 conversation.Participant
		err := db.Write(ctx, func(tx *Tx) error {
			for _, cv := range []*conversation.Conversation{&c, &other} {
				if err := tx.SaveConversation(ctx, cv); err != nil {
					return err
				}
			}
			var err error
			if p1, err = tx.CreateParticipant(ctx, c.ID, "h1", ""); err != nil {
				return err
			}
			if p2, err = tx.CreateParticipant(ctx, c.ID, "h2", ""); err != nil {
				return err
			}
			seed = conversation.Statement{ConversationID: c.ID, Text: "Siemen", Seed: true, Status: conversation.StatementAccepted, Lang: "fi"}
			mine = conversation.Statement{ConversationID: c.ID, Text: "Oma", AuthorID: p1.ID, Status: conversation.StatementPending, Lang: "fi"}
			rejected := conversation.Statement{ConversationID: c.ID, Text: "Pois", AuthorID: p1.ID, Status: conversation.StatementRejected, RejectReason: conversation.RejectOffensive, Lang: "fi"}
			meta = conversation.Statement{ConversationID: c.ID, Text: "Meta", AuthorID: p2.ID, Status: conversation.StatementAccepted, Meta: true, Lang: "fi"}
			for _, s := range []*conversation.Statement{&seed, &mine, &rejected, &meta} {
				if err := tx.AddStatement(ctx, s); err != nil {
					return err
				}
			}
			if err := tx.Vote(ctx, c.ID, p1.ID, seed.ID, 1, day); err != nil {
				return err
			}
			if err := tx.Vote(ctx, c.ID, p2.ID, seed.ID, -1, day.Add(20*time.Minute)); err != nil {
				return err
			}
			return tx.Vote(ctx, c.ID, p2.ID, mine.ID, 0, day.Add(3*time.Hour))
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Read(ctx, func(tx *Tx) error {
			ov, err := tx.ConversationOverviews(ctx)
			if err != nil {
				return err
			}
			if len(ov) != 2 || ov[1].ID != c.ID || ov[1].Participants != 2 || ov[1].Votes != 3 || ov[1].Statements != 4 || ov[1].Pending != 1 ||
				ov[0].ID != other.ID || ov[0].Votes != 0 || ov[1].Topic.FI != "Laskut" {
				t.Errorf("overviews %+v", ov)
			}
			counts, err := tx.ConversationStatementCounts(ctx, c.ID)
			if err != nil {
				return err
			}
			if counts != (StatementCounts{Pending: 1, Accepted: 2, Rejected: 1, Meta: 1, Total: 4}) {
				t.Errorf("counts %+v", counts)
			}
			sts, err := tx.ConversationStatements(ctx, c.ID)
			if err != nil {
				return err
			}
			if len(sts) != 4 || sts[0].ID != seed.ID || !sts[3].Meta || sts[2].RejectReason != conversation.RejectOffensive {
				t.Errorf("statements %+v", sts)
			}
			p, err := tx.ConversationParticipant(ctx, p2.ID)
			if err != nil {
				return err
			}
			if p.ConversationID != c.ID || p.Votes != 2 || p.LastVoteAt == nil {
				t.Errorf("participant %+v", p)
			}
			if _, err := tx.ConversationParticipant(ctx, 999999); !domain.IsNotFound(err) {
				t.Errorf("unknown participant: %v", err)
			}
			authors, err := tx.StatementAuthors(ctx, c.ID)
			if err != nil {
				return err
			}
			if a := authors[p1.ID]; a.Written != 2 || a.Rejected != 1 || a.Banned || len(authors) != 2 || authors[p2.ID].Written != 1 {
				t.Errorf("authors %+v", authors)
			}
			hours, err := tx.VotesPerHour(ctx, c.ID)
			if err != nil {
				return err
			}
			want := []HourCount{{day.Truncate(time.Hour), 2}, {day.Add(3 * time.Hour).Truncate(time.Hour), 1}}
			if len(hours) != 2 || !hours[0].Hour.Equal(want[0].Hour) || hours[0].Votes != 2 || !hours[1].Hour.Equal(want[1].Hour) || hours[1].Votes != 1 {
				t.Errorf("hours %+v, want %+v", hours, want)
			}
			if n, err := tx.VoterCount(ctx, c.ID); err != nil || n != 2 {
				t.Errorf("voters %d %v", n, err)
			}
			tallies, err := tx.StatementTallies(ctx, c.ID)
			if err != nil {
				return err
			}
			if len(tallies) != 2 || tallies[seed.ID] != (Tally{Agrees: 1, Disagrees: 1}) || tallies[mine.ID] != (Tally{Passes: 1}) {
				t.Errorf("tallies %+v", tallies)
			}
			counted, err := tx.ConversationStatementsCounted(ctx, c.ID)
			if err != nil {
				return err
			}
			joined, err := tx.Statements(ctx, c.ID, StatementFilter{})
			if err != nil {
				return err
			}
			for i := range joined {
				a, b := counted[i], joined[i]
				if a.ID != b.ID || a.Agrees != b.Agrees || a.Disagrees != b.Disagrees || a.Passes != b.Passes || a.Text != b.Text {
					t.Errorf("counted %+v, joined %+v", a, b)
				}
			}
			if h, err := tx.VotesPerHour(ctx, other.ID); err != nil || len(h) != 0 {
				t.Errorf("no votes: %+v %v", h, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
