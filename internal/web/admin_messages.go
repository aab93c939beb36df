package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"kuulu/internal/auth"
	"kuulu/internal/domain"
	"kuulu/internal/store"
)

// messagesRoutes: administrators read the outbox, every email and text
// message Kuulu has queued, sent or failed to send.
func (s *Server) messagesRoutes(r *Router) {
	r.Handle("GET /admin/messages", auth.Admin, s.messageList)
	r.Handle("GET /admin/messages/{id}", auth.Admin, s.messageShow)
}

// outboxRow is a message as the outbox pages show it.
type outboxRow struct {
	store.Message
	// To is the recipient shortened for lists: enough to tell messages
	// apart, not enough to read an address off the screen.
	To string
}

// StatusKey is the i18n key of the row's status. A message that the outbox
// driver "sent" was never sent anywhere, and says so.
func (m outboxRow) StatusKey() string {
	if m.Status == store.MessageSent {
		if m.Driver == "outbox" {
			return "messages.badge.outbox"
		}
		return "messages.badge.sent"
	}
	return "messages.status." + m.Status
}

// Badge is the badge class of the row's status.
func (m outboxRow) Badge() string {
	switch {
	case m.Status == store.MessageFailed:
		return "badge-danger"
	case m.Status == store.MessageSent && m.Driver == "outbox":
		return "badge-info"
	case m.Status == store.MessageSent:
		return "badge-ok"
	}
	return "badge-warn"
}

// DriverKey is the i18n key of the driver the message went through.
func (m outboxRow) DriverKey() string {
	switch m.Driver {
	case "outbox", "smtp", "http":
		return "messages.driver." + m.Driver
	case "":
		return "messages.driver.none"
	}
	return "messages.driver.other"
}

// outboxCount is one status with its count, linked to the list filtered by it.
type outboxCount struct {
	Key     string
	N       int
	URL     string
	Current bool
}

// outboxPage is the data of admin/messages.html: the list, or with Detail
// set, one message in full.
type outboxPage struct {
	Detail      *outboxRow
	Rows        []outboxRow
	Total       int
	Counts      []outboxCount
	Failed      int
	Filter      store.MessageFilter
	Feedback    string // the feedback filter as typed
	Statuses    []string
	Channels    []string
	Errs        domain.FieldErrors
	Page, Pages int
	PrevURL     string
	NextURL     string
}

// messageList shows the outbox newest first, filtered by status, channel and
// feedback item, with the count of messages in each status. Invalid filter
// values are shown in an error summary (422) and left out of the query.
func (s *Server) messageList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d := outboxPage{Statuses: store.MessageStatuses, Channels: store.MessageChannels, Errs: domain.FieldErrors{}}
	if v := q.Get("status"); v != "" {
		if slices.Contains(store.MessageStatuses, v) {
			d.Filter.Status = v
		} else {
			d.Errs.Add("status", "messages.err.status")
		}
	}
	if v := q.Get("channel"); v != "" {
		if slices.Contains(store.MessageChannels, v) {
			d.Filter.Channel = v
		} else {
			d.Errs.Add("channel", "messages.err.channel")
		}
	}
	d.Feedback = strings.TrimSpace(q.Get("feedback"))
	if d.Feedback != "" {
		id, err := strconv.ParseInt(strings.TrimPrefix(d.Feedback, "#"), 10, 64)
		if err != nil || id <= 0 {
			d.Errs.Add("feedback", "messages.err.feedback")
			if !utf8.ValidString(d.Feedback) || len(d.Feedback) > 40 {
				d.Feedback = ""
			}
		} else {
			d.Filter.FeedbackID = id
		}
	}
	d.Page, _ = strconv.Atoi(q.Get("page"))
	d.Page = max(d.Page, 1)
	d.Filter.Limit, d.Filter.Offset = pageSize, (d.Page-1)*pageSize
	var counts map[string]int
	var msgs []store.Message
	err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		var err error
		if msgs, d.Total, err = tx.ListMessages(r.Context(), d.Filter); err != nil {
			return err
		}
		counts, err = tx.CountMessages(r.Context(), d.Filter)
		return err
	})
	if err != nil {
		return err
	}
	for _, m := range msgs {
		d.Rows = append(d.Rows, outboxRow{Message: m, To: outboxRecipient(m.Channel, m.Recipient)})
	}
	link := func(set map[string]string) string {
		v := url.Values{}
		for k, vs := range q {
			if k != "page" && k != "lang" {
				v[k] = vs
			}
		}
		for k, val := range set {
			if val == "" {
				v.Del(k)
			} else {
				v.Set(k, val)
			}
		}
		if len(v) == 0 {
			return "/admin/messages"
		}
		return "/admin/messages?" + v.Encode()
	}
	for _, st := range store.MessageStatuses {
		d.Counts = append(d.Counts, outboxCount{Key: "messages.status." + st, N: counts[st], URL: link(map[string]string{"status": st}), Current: d.Filter.Status == st})
	}
	d.Failed = counts[store.MessageFailed]
	d.Pages = max((d.Total+pageSize-1)/pageSize, 1)
	if d.Page > 1 {
		d.PrevURL = link(map[string]string{"page": strconv.Itoa(d.Page - 1)})
	}
	if d.Page < d.Pages {
		d.NextURL = link(map[string]string{"page": strconv.Itoa(d.Page + 1)})
	}
	status := http.StatusOK
	if len(d.Errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, "admin/messages.html", d)
	return nil
}

// messageShow shows one message in full. Its text may carry a tracking code
// and a handler's reply to a client, so every reading is audited, in the
// same transaction that reads it.
func (s *Server) messageShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var m store.Message
	err = s.db.Write(r.Context(), func(tx *store.Tx) error {
		var err error
		if m, err = tx.MessageByID(r.Context(), id); err != nil {
			return err
		}
		return s.audit(r, tx, "message.read", "message", m.ID, "")
	})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "admin/messages.html", outboxPage{Detail: &outboxRow{Message: m, To: m.Recipient}})
	return nil
}

// outboxRecipient shortens an email address to its first character and
// domain (a…@example.fi) and a phone number to its country code and last
// three digits (+358…567).
func outboxRecipient(channel, r string) string {
	if local, domain, ok := strings.Cut(r, "@"); ok && channel == store.ChannelEmail {
		first, _ := utf8.DecodeRuneInString(local)
		if first == utf8.RuneError {
			return "…@" + domain
		}
		return string(first) + "…@" + domain
	}
	if n := len(r); n > 7 && strings.HasPrefix(r, "+") {
		return r[:4] + "…" + r[n-3:]
	}
	if n := utf8.RuneCountInString(r); n > 4 {
		return "…" + string([]rune(r)[n-3:])
	}
	return "…"
}
