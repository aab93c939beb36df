package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kuulu/internal/auth"
	"kuulu/internal/domain"
	"kuulu/internal/store"
)

// messagesRoutes: administrators read the outbox, every email and text
// message Kuulu has queued, sent or failed to send, and send failed
// messages again.
func (s *Server) messagesRoutes(r *Router) {
	r.Handle("GET /admin/messages", auth.Admin, s.messageList)
	r.Handle("GET /admin/messages/{id}", auth.Admin, s.messageShow)
	r.Handle("POST /admin/messages/{id}/retry", auth.Admin, s.messageRetry)
	r.Handle("POST /admin/messages/retry-failed", auth.Admin, s.messageRetryFailed)
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
	// RetentionDays is how long sent and failed messages are kept.
	RetentionDays int
	// Retried is set after a retry (?retried=): on the list, how many
	// messages went back to the queue; on a message, that it did.
	Retried retried
}

// retried is the notice after a retry.
type retried struct {
	Done bool
	N    int
}

// retriedNotice reads ?retried=N from a retry's redirect.
func retriedNotice(q url.Values) retried {
	n, err := strconv.Atoi(q.Get("retried"))
	return retried{Done: err == nil && n >= 0, N: n}
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
	d.Retried = retriedNotice(q)
	var counts map[string]int
	var msgs []store.Message
	err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		var err error
		if msgs, d.Total, err = tx.ListMessages(r.Context(), d.Filter); err != nil {
			return err
		}
		if counts, err = tx.CountMessages(r.Context(), d.Filter); err != nil {
			return err
		}
		keep, err := tx.MessageRetention(r.Context())
		d.RetentionDays = int(keep / (24 * time.Hour))
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
			if k != "page" && k != "lang" && k != "retried" {
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
	s.render(w, r, http.StatusOK, "admin/messages.html", outboxPage{Detail: &outboxRow{Message: m, To: m.Recipient}, Retried: retriedNotice(r.URL.Query())})
	return nil
}

// messageRetry sends a failed message again: the same row goes back to the
// queue, due now, with its attempts reset (store.Tx.RetryMessage), in one
// transaction with the audit entry. A message that is not failed answers
// 409 with the reason and stays as it is. The notification worker picks the
// message up at its next poll (every second; the web server holds no handle
// to wake it).
func (s *Server) messageRetry(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	err = s.db.Write(r.Context(), func(tx *store.Tx) error {
		attempts, err := tx.RetryMessage(r.Context(), id)
		if err != nil {
			return err
		}
		return s.audit(r, tx, "message.retry", "message", id, fmt.Sprintf("queued again after %d failed attempts", attempts))
	})
	if err != nil {
		return err
	}
	return redirect(w, r, "/admin/messages/"+strconv.FormatInt(id, 10)+"?retried=1")
}

// messageRetryFailed sends every failed message again, or with the list's
// channel and feedback filters (form fields channel, feedback) those the
// list counts, in one transaction with one audit entry. It then shows the
// list, filtered as it was, with the number re-queued.
func (s *Server) messageRetryFailed(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	var f store.MessageFilter
	back := url.Values{}
	if v := r.PostForm.Get("channel"); v != "" {
		if !slices.Contains(store.MessageChannels, v) {
			return domain.Invalid("messages.err.channel")
		}
		f.Channel = v
		back.Set("channel", v)
	}
	if v := strings.TrimSpace(r.PostForm.Get("feedback")); v != "" {
		id, err := strconv.ParseInt(strings.TrimPrefix(v, "#"), 10, 64)
		if err != nil || id <= 0 {
			return domain.Invalid("messages.err.feedback")
		}
		f.FeedbackID = id
		back.Set("feedback", strconv.FormatInt(id, 10))
	}
	var n int64
	err := s.db.Write(r.Context(), func(tx *store.Tx) error {
		var err error
		if n, err = tx.RetryFailedMessages(r.Context(), f); err != nil {
			return err
		}
		detail := fmt.Sprintf("queued again %d failed messages", n)
		if f.Channel != "" || f.FeedbackID != 0 {
			detail += fmt.Sprintf(" (channel %q, feedback %d)", f.Channel, f.FeedbackID)
		}
		return s.audit(r, tx, "message.retry_failed", "message", "", detail)
	})
	if err != nil {
		return err
	}
	back.Set("retried", strconv.FormatInt(n, 10))
	return redirect(w, r, "/admin/messages?"+back.Encode())
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
