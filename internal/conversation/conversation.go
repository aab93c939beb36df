// Package conversation is opinion-mapping conversations in the manner of
// Polis: a coordinator opens a topic with seed statements, participants answer
// one statement at a time (agree, disagree, pass), may add statements of their
// own, and the math in internal/polis maps the opinion groups, their
// representative statements and what everyone agrees on. It does no I/O;
// storage is in internal/store (conversations.go), the pages in internal/web.
package conversation

import (
	"strings"
	"time"
	"unicode/utf8"

	"kuulu/internal/domain"
)

// Moderation decides when participants' statements become visible.
type Moderation string

// Moderation modes.
const (
	ModeratePre  Moderation = "pre"  // shown only after a coordinator accepts them
	ModeratePost Moderation = "post" // shown at once; coordinators may remove them
)

// Identification decides who may take part.
type Identification string

// Identification modes.
const (
	Anonymous  Identification = "anonymous" // a participant cookie, no account
	Identified Identification = "oidc"      // strong identification through OIDC
)

// Conversation is one opinion-mapping conversation.
type Conversation struct {
	ID              int64
	Slug            string
	Topic           domain.Text
	Description     domain.Text
	Background      domain.Text
	UnitID          int64 // the unit it serves, or 0
	ServiceAreaID   int64 // the service area it serves, or 0
	OpensAt         time.Time
	ClosesAt        *time.Time
	AllowStatements bool
	Moderation      Moderation
	Identification  Identification
	ReportOpen      bool // the public report is available before closing
	Closed          bool // closed by hand (or imported as closed)
	CreatedBy       int64
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// State is where a conversation is in its life.
type State string

// States.
const (
	StateUpcoming State = "upcoming"
	StateOpen     State = "open"
	StateClosed   State = "closed"
)

// StateAt is the conversation's state at now.
func (c *Conversation) StateAt(now time.Time) State {
	switch {
	case c.Closed || (c.ClosesAt != nil && !now.Before(*c.ClosesAt)):
		return StateClosed
	case now.Before(c.OpensAt):
		return StateUpcoming
	}
	return StateOpen
}

// ReportVisible reports whether the public report may be shown at now.
func (c *Conversation) ReportVisible(now time.Time) bool {
	return c.ReportOpen || c.StateAt(now) == StateClosed
}

// Validate checks a conversation's settings.
func (c *Conversation) Validate() error {
	f := domain.FieldErrors{}
	c.Slug = strings.TrimSpace(c.Slug)
	if len(c.Slug) < 2 || len(c.Slug) > 60 || strings.Trim(c.Slug, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" || strings.HasPrefix(c.Slug, "-") || strings.HasSuffix(c.Slug, "-") {
		f.Add("slug", "err.slug")
	}
	if strings.TrimSpace(c.Topic.FI) == "" {
		f.Add("topic_fi", "err.required")
	}
	for field, v := range map[string]string{"topic_fi": c.Topic.FI, "topic_sv": c.Topic.SV, "topic_en": c.Topic.EN} {
		if utf8.RuneCountInString(v) > 300 {
			f.Add(field, "err.too_long", 300)
		}
	}
	for field, v := range map[string]string{"description_fi": c.Description.FI, "description_sv": c.Description.SV, "description_en": c.Description.EN,
		"background_fi": c.Background.FI, "background_sv": c.Background.SV, "background_en": c.Background.EN} {
		if utf8.RuneCountInString(v) > 10000 {
			f.Add(field, "err.too_long", 10000)
		}
	}
	if c.Moderation != ModeratePre && c.Moderation != ModeratePost {
		f.Add("moderation", "err.conversation.moderation")
	}
	if c.Identification != Anonymous && c.Identification != Identified {
		f.Add("identification", "err.conversation.identification")
	}
	if c.OpensAt.IsZero() {
		f.Add("opens_at", "err.required")
	}
	if c.ClosesAt != nil && !c.ClosesAt.After(c.OpensAt) {
		f.Add("closes_at", "err.conversation.closes_before_opens")
	}
	return f.Err()
}

// StatementStatus is where a statement is in moderation.
type StatementStatus string

// Statement statuses.
const (
	StatementPending  StatementStatus = "pending"
	StatementAccepted StatementStatus = "accepted"
	StatementRejected StatementStatus = "rejected"
)

// RejectReason is why a coordinator rejected a statement.
type RejectReason string

// Reject reasons.
const (
	RejectOffTopic  RejectReason = "off_topic"
	RejectDuplicate RejectReason = "duplicate"
	RejectPersonal  RejectReason = "personal"  // personal data or about a named person
	RejectOffensive RejectReason = "offensive" // insulting or hateful
	RejectUnclear   RejectReason = "unclear"
	RejectSeveral   RejectReason = "several" // more than one idea in one statement
)

// RejectReasons lists the reasons in display order.
var RejectReasons = []RejectReason{RejectOffTopic, RejectDuplicate, RejectPersonal, RejectOffensive, RejectUnclear, RejectSeveral}

// Statement is one statement of a conversation.
type Statement struct {
	ID             int64
	ConversationID int64
	Text           string // masked for personal data
	AuthorID       int64  // participant id; 0 for seed statements
	Seed           bool
	Meta           bool // about the conversation itself; not used in the opinion map
	Status         StatementStatus
	RejectReason   RejectReason
	Lang           string
	CreatedAt      time.Time
	ModeratedBy    int64
	ModeratedAt    *time.Time
	// Counts, filled by listings.
	Agrees, Disagrees, Passes int
}

// Visible reports whether participants see and vote on the statement.
func (s *Statement) Visible(m Moderation) bool {
	switch s.Status {
	case StatementAccepted:
		return true
	case StatementPending:
		return m == ModeratePost
	}
	return false
}

// MaxStatement is the longest statement, in characters.
const MaxStatement = 500

// Participant is one person taking part, identified by a cookie token (or an
// OIDC subject when identification is required).
type Participant struct {
	ID             int64
	ConversationID int64
	Subject        string
	Banned         bool
	CreatedAt      time.Time
	LastVoteAt     *time.Time
	Votes          int
}

// Vote values in the export sign: agree +1, disagree −1, pass 0.
const (
	Agree    int8 = 1
	Disagree int8 = -1
	Pass     int8 = 0
)

// ValidVote reports whether v is one of the three answers.
func ValidVote(v int) bool { return v == -1 || v == 0 || v == 1 }

// MinVotesForMap is how many statements a participant votes on before they
// see the opinion map (Polis uses 7).
const MinVotesForMap = 7
