package store

import (
	"context"
	"testing"
	"time"

	"kuulu/internal/conversation"
	"kuulu/internal/domain"
)

func TestConversationsContract(t *testing.T) {
	EachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
		c := conversation.Conversation{Slug: "sote-2026", Topic: domain.Text{FI: "Sote", SV: "Vård"}, Moderation: conversation.ModeratePre,
			Identification: conversation.Anonymous, OpensAt: now, AllowStatements: true}
		var s1, s2 conversation.Statement
		var p1, p2 conversation.Participant
		err := db.Write(ctx, func(tx *Tx) error {
			if err := tx.SaveConversation(ctx, &c); err != nil {
				return err
			}
			s1 = conversation.Statement{ConversationID: c.ID, Text: "Eka", Seed: true, Status: conversation.StatementAccepted, Lang: "fi"}
			s2 = conversation.Statement{ConversationID: c.ID, Text: "Toka", Status: conversation.StatementPending, Lang: "fi"}
			if err := tx.AddStatement(ctx, &s1); err != nil {
				return err
			}
			if err := tx.AddStatement(ctx, &s2); err != nil {
				return err
			}
			var err error
			if p1, err = tx.CreateParticipant(ctx, c.ID, "hash1", ""); err != nil {
				return err
			}
			if p2, err = tx.CreateParticipant(ctx, c.ID, "hash2", ""); err != nil {
				return err
			}
			again, err := tx.CreateParticipant(ctx, c.ID, "hash1", "")
			if err != nil || again.ID != p1.ID {
				t.Errorf("same token made another participant: %v %v", again, err)
			}
			if err := tx.Vote(ctx, c.ID, p1.ID, s1.ID, conversation.Agree, now); err != nil {
				return err
			}
			if err := tx.Vote(ctx, c.ID, p1.ID, s1.ID, conversation.Disagree, now.Add(time.Second)); err != nil { // the last answer counts
				return err
			}
			if err := tx.Vote(ctx, c.ID, p2.ID, s1.ID, conversation.Pass, now.Add(2*time.Second)); err != nil {
				return err
			}
			return tx.Vote(ctx, c.ID, p2.ID, s2.ID, conversation.Agree, now.Add(3*time.Second))
		})
		if err != nil {
			t.Fatal(err)
		}
		var stmts []conversation.Statement
		var votes map[int64]int8
		var n int64
		var last *time.Time
		var rows []VoteRow
		err = db.Read(ctx, func(tx *Tx) error {
			var err error
			if stmts, err = tx.Statements(ctx, c.ID, StatementFilter{}); err != nil {
				return err
			}
			if votes, err = tx.ParticipantVotes(ctx, p1.ID); err != nil {
				return err
			}
			if n, last, err = tx.VoteStats(ctx, c.ID); err != nil {
				return err
			}
			return tx.ConversationVotes(ctx, c.ID, func(v VoteRow) error { rows = append(rows, v); return nil })
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(stmts) != 2 || stmts[0].Disagrees != 1 || stmts[0].Passes != 1 || stmts[0].Agrees != 0 || stmts[1].Agrees != 1 {
			t.Errorf("statements = %+v", stmts)
		}
		if votes[s1.ID] != conversation.Disagree || len(votes) != 1 {
			t.Errorf("votes = %v", votes)
		}
		if n != 3 || last == nil || !last.Equal(now.Add(3*time.Second)) || len(rows) != 3 || rows[0].ParticipantID != p1.ID {
			t.Errorf("stats %d %v rows %+v", n, last, rows)
		}
		err = db.Write(ctx, func(tx *Tx) error {
			if err := tx.ModerateStatement(ctx, s2.ID, conversation.StatementRejected, conversation.RejectOffTopic, false, 0); err != nil {
				return err
			}
			return tx.SaveConversationResult(ctx, ConversationResult{ConversationID: c.ID, ComputedAt: now, VotesSeen: 3, LastVoteAt: last, JSON: "{}"})
		})
		if err != nil {
			t.Fatal(err)
		}
		var res ConversationResult
		db.Read(ctx, func(tx *Tx) error {
			stmts, _ = tx.Statements(ctx, c.ID, StatementFilter{Statuses: []conversation.StatementStatus{conversation.StatementAccepted}})
			res, err = tx.LoadConversationResult(ctx, c.ID)
			return err
		})
		if len(stmts) != 1 || res.VotesSeen != 3 || !res.LastVoteAt.Equal(*last) {
			t.Errorf("after moderation %+v, result %+v %v", stmts, res, err)
		}
		dup := conversation.Conversation{Slug: "sote-2026", Topic: domain.Text{FI: "x"}, Moderation: conversation.ModeratePost, Identification: conversation.Anonymous, OpensAt: now}
		if err := db.Write(ctx, func(tx *Tx) error { return tx.SaveConversation(ctx, &dup) }); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Errorf("duplicate slug: %v", err)
		}
	})
}
