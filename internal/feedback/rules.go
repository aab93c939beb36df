package feedback

import (
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"kuulu/internal/domain"
	"kuulu/internal/privacy"
)

// MaxText is the longest feedback text, in characters.
const MaxText = 5000

// MaxReply is the longest public reply, in characters.
const MaxReply = 5000

// Settings are the county's handling rules. The zero value is not valid; use
// DefaultSettings.
type Settings struct {
	ReplyDays         int // reply due after receipt (default 14)
	ObjectionDays     int // formal objection due (default 30)
	AccessibilityDays int // accessibility feedback due (law: 14)
	ContactRetention  time.Duration
	FeedbackRetention time.Duration
}

// DefaultSettings are the defaults named in the product brief.
func DefaultSettings() Settings {
	return Settings{ReplyDays: 14, ObjectionDays: 30, AccessibilityDays: 14,
		ContactRetention: 90 * 24 * time.Hour, FeedbackRetention: 5 * 365 * 24 * time.Hour}
}

// DueAt is when the reply is due for an item of this kind and class received at t.
func (s Settings) DueAt(received time.Time, k Kind, c Class) time.Time {
	days := s.ReplyDays
	switch {
	case c == ClassObjection:
		days = s.ObjectionDays
	case k == KindAccessibility || c == ClassAccessibility:
		days = s.AccessibilityDays
	}
	return received.AddDate(0, 0, days)
}

// Submission is what arrives from any channel before it becomes an Item.
type Submission struct {
	UnitID      int64
	Channel     Channel
	Kind        Kind
	Score       *int
	Face        *int
	Text        string
	Contact     Contact
	Lang        string
	RecordedBy  int64
	ServiceCode string
	Lat, Long   *float64
	Address     string
}

// Validate checks a submission and normalises it (trims, validates contact).
// Field names match the public form: unit, kind, score, text, email, phone.
func (s *Submission) Validate() error {
	f := domain.FieldErrors{}
	s.Text = strings.TrimSpace(s.Text)
	s.Contact.Email = strings.TrimSpace(s.Contact.Email)
	s.Contact.Phone = strings.TrimSpace(s.Contact.Phone)
	s.Contact.Name = strings.TrimSpace(s.Contact.Name)
	if s.UnitID <= 0 {
		f.Add("unit", "err.feedback.unit")
	}
	if !s.Kind.Valid() {
		f.Add("kind", "err.feedback.kind")
	}
	if s.Score != nil && (*s.Score < 0 || *s.Score > 10) {
		f.Add("score", "err.feedback.score")
	}
	if s.Face != nil && (*s.Face < 1 || *s.Face > 5) {
		f.Add("face", "err.feedback.face")
	}
	if !utf8.ValidString(s.Text) || strings.ContainsRune(s.Text, 0) {
		f.Add("text", "err.bad_encoding")
	} else if n := utf8.RuneCountInString(s.Text); n > MaxText {
		f.Add("text", "err.feedback.text_long", MaxText, n)
	} else if s.Text == "" && s.Score == nil && s.Face == nil {
		f.Add("text", "err.feedback.text_required")
	}
	if s.Contact.Email != "" {
		if a, err := mail.ParseAddress(s.Contact.Email); err != nil || a.Address != s.Contact.Email || len(s.Contact.Email) > 254 || !strings.Contains(s.Contact.Email[strings.LastIndex(s.Contact.Email, "@"):], ".") {
			f.Add("email", "err.email")
		}
	}
	if s.Contact.Phone != "" {
		if p, ok := NormalisePhone(s.Contact.Phone); ok {
			s.Contact.Phone = p
		} else {
			f.Add("phone", "err.feedback.phone")
		}
	}
	if utf8.RuneCountInString(s.Contact.Name) > 200 {
		f.Add("name", "err.too_long", 200)
	}
	if _, ok := domain.ParseLang(s.Lang); !ok {
		s.Lang = string(domain.Finnish)
	}
	if utf8.RuneCountInString(s.Address) > 500 {
		f.Add("address", "err.too_long", 500)
	}
	return f.Err()
}

// NormalisePhone turns a Finnish or international phone number into E.164
// (+358401234567). It accepts spaces, hyphens and parentheses; a leading 0
// means Finland.
func NormalisePhone(s string) (string, bool) {
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r == '+' && i == 0:
			b.WriteRune(r)
		case unicode.IsDigit(r) && r < 128:
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '(' || r == ')' || r == '.':
		default:
			return "", false
		}
	}
	n := b.String()
	switch {
	case strings.HasPrefix(n, "+"):
	case strings.HasPrefix(n, "00"):
		n = "+" + n[2:]
	case strings.HasPrefix(n, "0"):
		n = "+358" + n[1:]
	default:
		return "", false
	}
	digits := len(n) - 1
	if digits < 8 || digits > 15 || n[1] == '0' {
		return "", false
	}
	// Finnish numbers have at least 7 digits after the country code.
	if strings.HasPrefix(n, "+358") && len(n)-4 < 7 {
		return "", false
	}
	return n, true
}

// New turns a validated submission into an Item received at now, with the
// text masked and the due date set. The caller sets Code and stores it.
func New(s Submission, now time.Time, set Settings) Item {
	m := privacy.Mask(s.Text)
	it := Item{
		UnitID:      s.UnitID,
		Channel:     s.Channel,
		Kind:        s.Kind,
		Status:      StatusReceived,
		Score:       s.Score,
		Face:        s.Face,
		Masked:      m.Text,
		Original:    s.Text,
		MaskCount:   len(m.Findings),
		Lang:        s.Lang,
		WantsReply:  !s.Contact.Empty(),
		RecordedBy:  s.RecordedBy,
		ReceivedAt:  now,
		UpdatedAt:   now,
		ServiceCode: s.ServiceCode,
		Lat:         s.Lat,
		Long:        s.Long,
		Address:     s.Address,
	}
	if s.Kind == KindAccessibility {
		it.Class = ClassAccessibility
	}
	it.DueAt = set.DueAt(now, it.Kind, it.Class)
	return it
}

// CanMoveTo reports whether the status flow allows from → to. Any open item
// may be closed; an answered item may be reopened into handling.
func CanMoveTo(from, to Status) bool {
	switch to {
	case StatusInHandling:
		return from == StatusReceived || from == StatusAnswered
	case StatusAnswered:
		return from == StatusReceived || from == StatusInHandling
	case StatusClosed:
		return from != StatusClosed
	case StatusReceived:
		return false
	}
	return false
}

// CanPublish reports why an item may or may not be published: formal
// objections never are, and only answered or closed items with a reply are.
func CanPublish(it *Item) (bool, string) {
	switch {
	case it.Objection():
		return false, "err.feedback.publish_objection"
	case it.Reply == "":
		return false, "err.feedback.publish_no_reply"
	case it.Masked == "":
		return false, "err.feedback.publish_empty"
	}
	return true, ""
}
