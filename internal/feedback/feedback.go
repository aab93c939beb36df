// Package feedback is client feedback and experience knowledge: what a client
// or resident tells about a service, how the unit handles it, and what the
// giver sees of that through the tracking code. It does no I/O; storage is in
// internal/store (feedback.go) and the web pages in internal/web.
//
// One record, four ways in (Channel): the public form, a tablet kiosk, staff
// quick entry and the Open311 API. Every record gets a tracking code. The
// giver's text is kept twice: the original, readable only by the unit's
// handlers (and every read is audited), and a masked copy that everything
// outside the unit uses. Contact details are kept apart and deleted on schedule.
package feedback

import (
	"time"
)

// Channel is how the feedback came in.
type Channel string

// The channels.
const (
	ChannelWeb     Channel = "web"     // public form (/p/{unit}), QR code or short link
	ChannelKiosk   Channel = "kiosk"   // tablet at a reception desk (/k/{unit})
	ChannelStaff   Channel = "staff"   // recorded by staff on the client's behalf
	ChannelOpen311 Channel = "open311" // Open311 GeoReport v2 API
)

// Channels lists every channel.
var Channels = []Channel{ChannelWeb, ChannelKiosk, ChannelStaff, ChannelOpen311}

// Kind is what the giver says the feedback is, in their own terms.
type Kind string

// The kinds a giver chooses from.
const (
	KindPraise        Kind = "praise"
	KindIdea          Kind = "idea"
	KindCriticism     Kind = "criticism"
	KindQuestion      Kind = "question"
	KindAccessibility Kind = "accessibility" // about Kuulu's own accessibility; 14-day answer by law
)

// Kinds lists the kinds a giver can choose on the public form.
var Kinds = []Kind{KindPraise, KindIdea, KindCriticism, KindQuestion}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	switch k {
	case KindPraise, KindIdea, KindCriticism, KindQuestion, KindAccessibility:
		return true
	}
	return false
}

// Class is the handler's classification at triage.
type Class string

// The classifications.
const (
	ClassNone          Class = ""
	ClassPraise        Class = "praise"
	ClassIdea          Class = "idea"
	ClassCriticism     Class = "criticism"
	ClassQuestion      Class = "question"
	ClassObjection     Class = "objection"     // muistutus: Patient Act / Social Welfare Client Act
	ClassSafety        Class = "safety"        // patient or client safety concern
	ClassAccessibility Class = "accessibility" // accessibility feedback
)

// Classes lists the classifications in display order.
var Classes = []Class{ClassPraise, ClassIdea, ClassCriticism, ClassQuestion, ClassObjection, ClassSafety, ClassAccessibility}

// Valid reports whether c is a known classification (empty is "not yet").
func (c Class) Valid() bool {
	if c == ClassNone {
		return true
	}
	for _, x := range Classes {
		if x == c {
			return true
		}
	}
	return false
}

// Status is where the item is in handling.
type Status string

// The status flow: received → in handling → answered → closed.
const (
	StatusReceived   Status = "received"
	StatusInHandling Status = "in_handling"
	StatusAnswered   Status = "answered"
	StatusClosed     Status = "closed"
)

// Statuses lists the statuses in order.
var Statuses = []Status{StatusReceived, StatusInHandling, StatusAnswered, StatusClosed}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, x := range Statuses {
		if x == s {
			return true
		}
	}
	return false
}

// Open reports whether the item still waits for handling (Open311 "open").
func (s Status) Open() bool { return s != StatusClosed && s != StatusAnswered }

// Item is one piece of feedback.
type Item struct {
	ID        int64
	Code      string // tracking code, canonical form (trackcode.Code.String())
	UnitID    int64
	Channel   Channel
	Kind      Kind
	Class     Class
	Status    Status
	Score     *int // recommendation 0–10, nil when not given
	Face      *int // kiosk face 1–5, nil when not given
	Masked    string
	Original  string // only for the unit's handlers; empty when not loaded
	MaskCount int    // how many pieces of personal data were masked
	Lang      string
	// WantsReply is true when the giver left contact details for a reply.
	WantsReply bool
	RecordedBy int64 // staff member who recorded it (ChannelStaff), 0 otherwise
	HandlerID  int64 // named responsible person, 0 when not assigned
	ReceivedAt time.Time
	DueAt      time.Time
	AnsweredAt *time.Time
	ClosedAt   *time.Time
	// Reply is the handler's public reply, shown on the status page. It is
	// masked before it is stored, like the giver's text.
	Reply       string
	RepliedBy   int64
	PublishedAt *time.Time
	PublishedBy int64
	UpdatedAt   time.Time
	// Open311 extras (optional: the unit is the place).
	ServiceCode string
	Lat, Long   *float64
	Address     string
}

// Objection reports whether the item is a formal objection (muistutus). Such
// items are never published and get their own due date and guidance.
func (it *Item) Objection() bool { return it.Class == ClassObjection }

// Overdue reports whether the reply is late at now.
func (it *Item) Overdue(now time.Time) bool {
	return (it.Status == StatusReceived || it.Status == StatusInHandling) && now.After(it.DueAt)
}

// Published reports whether the item is on the public "you said, we did" list.
func (it *Item) Published() bool { return it.PublishedAt != nil }

// Contact is how to reach the giver for a reply. It is stored apart from the
// feedback and deleted a set time after the item closes.
type Contact struct {
	Email string
	Phone string
	Name  string
}

// Empty reports whether no contact detail was given.
func (c Contact) Empty() bool { return c.Email == "" && c.Phone == "" }

// EventKind is a kind of history entry.
type EventKind string

// Event kinds.
const (
	EventReceived  EventKind = "received"
	EventStatus    EventKind = "status"
	EventAssigned  EventKind = "assigned"
	EventClass     EventKind = "classified"
	EventTransfer  EventKind = "transferred"
	EventReply     EventKind = "replied"
	EventPublish   EventKind = "published"
	EventUnpublish EventKind = "unpublished"
	EventNote      EventKind = "note"
	EventDueDate   EventKind = "due_changed"
)

// Event is one step in an item's history. Public events appear on the status
// page, where the person is shown by role only, never by name.
type Event struct {
	ID         int64
	FeedbackID int64
	At         time.Time
	Kind       EventKind
	Status     Status // the status after the event
	ActorID    int64
	ActorRole  string // role shown to the public: "staff", "supervisor", "coordinator", "system", "client"
	Public     bool
	Note       string // internal note (transfer reason, etc.); never shown to the public
}
