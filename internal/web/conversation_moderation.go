package web

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"kuulu/internal/conversation"
	"kuulu/internal/domain"
	"kuulu/internal/store"
)

// The moderation queue of a conversation: statements waiting for a decision
// first, every statement by status on request; accept, reject with a reason,
// mark as meta (shown to participants, left out of the map), one at a time
// or for the selected ones; ban the participant who wrote a statement.
// Rejected and meta statements count as 0 in the analysis: the background
// analysis reads their status. A banned participant's answers, earlier ones
// too, are left out of the analysis and of the counts until the ban is
// lifted; the background analysis rebuilds the map when a ban changes.

// modFilters are the status filters of the queue, in display order.
var modFilters = []string{"all", "pending", "accepted", "rejected", "meta"}

// modActions are the moderation actions.
var modActions = []string{"accept", "reject", "meta", "unmeta"}

type modPage struct {
	Conv    conversation.Conversation
	Counts  store.StatementCounts
	Filter  string
	Filters []modFilterLink
	Rows    []modRow
	Reasons []conversation.RejectReason
	Actions []string
	Action  string // the form's action URL
	// After a redirect: what was done to how many.
	Done  string
	DoneN int
	// A refused request: the message key, the bulk choices to keep.
	Error    string
	Selected map[int64]bool
	Bulk     string
	Reason   string
	// Pages of modPageSize rows.
	Page, Pages      int
	PrevURL, NextURL string
}

// modPageSize is how many statements the queue shows at a time.
const modPageSize = 100

type modFilterLink struct {
	Name    string
	Count   int
	URL     string
	Current bool
}

type modRow struct {
	conversation.Statement
	Author  store.StatementAuthor
	HasVote bool
}

// Pending reports whether the row waits for a decision.
func (m modRow) Pending() bool { return m.Status == conversation.StatementPending }

func modFilterOf(s string) string {
	if slices.Contains(modFilters, s) {
		return s
	}
	return "all"
}

func (h *convAdmin) moderation(w http.ResponseWriter, r *http.Request) error {
	c, err := h.conv(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	d := modPage{Filter: modFilterOf(q.Get("status")), Done: q.Get("done")}
	if !slices.Contains(modActions, d.Done) && d.Done != "ban" && d.Done != "unban" {
		d.Done = ""
	}
	d.DoneN, _ = strconv.Atoi(q.Get("n"))
	d.Page, _ = strconv.Atoi(q.Get("page"))
	return h.renderModeration(w, r, http.StatusOK, c, d)
}

func (h *convAdmin) renderModeration(w http.ResponseWriter, r *http.Request, status int, c conversation.Conversation, d modPage) error {
	d.Conv, d.Reasons, d.Actions = c, conversation.RejectReasons, modActions
	d.Action = convAdminPath(c.ID) + "/moderation"
	var all []conversation.Statement
	var authors map[int64]store.StatementAuthor
	err := h.s.db.Read(r.Context(), func(tx *store.Tx) error {
		var err error
		if d.Counts, err = tx.ConversationStatementCounts(r.Context(), c.ID); err != nil {
			return err
		}
		if all, err = tx.ConversationStatementsCounted(r.Context(), c.ID); err != nil {
			return err
		}
		authors, err = tx.StatementAuthors(r.Context(), c.ID)
		return err
	})
	if err != nil {
		return err
	}
	for _, st := range all {
		switch d.Filter {
		case "meta":
			if !st.Meta {
				continue
			}
		case "pending", "accepted", "rejected":
			if string(st.Status) != d.Filter {
				continue
			}
		}
		row := modRow{Statement: st, HasVote: st.Agrees+st.Disagrees+st.Passes > 0}
		if st.AuthorID != 0 {
			row.Author = authors[st.AuthorID]
		}
		d.Rows = append(d.Rows, row)
	}
	// Waiting statements first, oldest first; then the rest, newest first.
	slices.SortStableFunc(d.Rows, func(a, b modRow) int {
		if a.Pending() != b.Pending() {
			if a.Pending() {
				return -1
			}
			return 1
		}
		if a.Pending() {
			return cmp.Compare(a.ID, b.ID)
		}
		return cmp.Compare(b.ID, a.ID)
	})
	d.Pages = max(1, (len(d.Rows)+modPageSize-1)/modPageSize)
	d.Page = min(max(d.Page, 1), d.Pages)
	d.Rows = d.Rows[(d.Page-1)*modPageSize : min(len(d.Rows), d.Page*modPageSize)]
	pageURL := func(n int) string { return d.Action + "?status=" + d.Filter + "&page=" + strconv.Itoa(n) }
	if d.Page > 1 {
		d.PrevURL = pageURL(d.Page - 1)
	}
	if d.Page < d.Pages {
		d.NextURL = pageURL(d.Page + 1)
	}
	counts := map[string]int{"all": d.Counts.Total, "pending": d.Counts.Pending, "accepted": d.Counts.Accepted,
		"rejected": d.Counts.Rejected, "meta": d.Counts.Meta}
	for _, name := range modFilters {
		d.Filters = append(d.Filters, modFilterLink{Name: name, Count: counts[name], Current: name == d.Filter,
			URL: d.Action + "?status=" + name})
	}
	h.s.render(w, r, status, "conversation_admin/moderation.html", d)
	return nil
}

// moderate applies one action: a row button ("row" = "accept:12") acts on
// that statement (a rejection takes the row's reason "reason-12"); the bulk
// button acts on every checked statement ("id") with "bulk_action" and
// "bulk_reason".
func (h *convAdmin) moderate(w http.ResponseWriter, r *http.Request) error {
	c, err := h.conv(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	d := modPage{Filter: modFilterOf(f.Get("status")), Selected: map[int64]bool{}}
	var action string
	var reason conversation.RejectReason
	var ids []int64
	if row := f.Get("row"); row != "" {
		a, idText, _ := strings.Cut(row, ":")
		id, err := strconv.ParseInt(idText, 10, 64)
		if err != nil {
			return domain.Invalid("err.bad_form")
		}
		action, ids = a, []int64{id}
		reason = conversation.RejectReason(f.Get("reason-" + idText))
	} else {
		action, reason = f.Get("bulk_action"), conversation.RejectReason(f.Get("bulk_reason"))
		d.Bulk, d.Reason = action, string(reason)
		for _, v := range f["id"] {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return domain.Invalid("err.bad_form")
			}
			if !d.Selected[id] {
				ids = append(ids, id)
			}
			d.Selected[id] = true
		}
	}
	switch {
	case !slices.Contains(modActions, action):
		d.Error = "convmod.err.action"
	case len(ids) == 0:
		d.Error = "convmod.err.none_selected"
	case action == "reject" && !slices.Contains(conversation.RejectReasons, reason):
		d.Error = "convmod.err.reason"
	}
	if d.Error != "" {
		return h.renderModeration(w, r, http.StatusUnprocessableEntity, c, d)
	}
	by := requestInfo(r).Person.ID
	err = h.s.db.Write(r.Context(), func(tx *store.Tx) error {
		for _, id := range ids {
			st, err := tx.Statement(r.Context(), id)
			if err != nil {
				return err
			}
			if st.ConversationID != c.ID {
				return domain.NotFound("statement", id)
			}
			status, rr, meta := st.Status, st.RejectReason, st.Meta
			switch action {
			case "accept":
				status, rr = conversation.StatementAccepted, ""
			case "reject":
				status, rr, meta = conversation.StatementRejected, reason, false
			case "meta":
				// Meta statements are about the conversation itself: shown to
				// participants, left out of the opinion map.
				status, rr, meta = conversation.StatementAccepted, "", true
			case "unmeta":
				meta = false
			}
			if err := tx.ModerateStatement(r.Context(), id, status, rr, meta, by); err != nil {
				return err
			}
			detail := "conversation " + strconv.FormatInt(c.ID, 10)
			if rr != "" {
				detail += ", reason " + string(rr)
			}
			if err := h.s.audit(r, tx, "statement."+action, "statement", id, detail); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return redirect(w, r, convAdminPath(c.ID)+"/moderation?status="+d.Filter+"&done="+action+"&n="+strconv.Itoa(len(ids)))
}

// ban bans (ban=1) or unbans (ban=0) a participant of the conversation.
// A banned participant's answers and statements are refused from then on,
// and the answers they already gave stop counting in the map and the
// report (store.SetParticipantBanned; the background analysis rebuilds the
// map within seconds) until the ban is lifted; they are not deleted. Their
// statements stay: moderate them separately.
func (h *convAdmin) ban(w http.ResponseWriter, r *http.Request) error {
	c, err := h.conv(r)
	if err != nil {
		return err
	}
	pid, err := pathID(r, "pid")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	var banned bool
	switch r.PostForm.Get("ban") {
	case "1":
		banned = true
	case "0":
	default:
		return domain.Invalid("err.bad_form")
	}
	err = h.s.db.Write(r.Context(), func(tx *store.Tx) error {
		p, err := tx.ConversationParticipant(r.Context(), pid)
		if err != nil {
			return err
		}
		if p.ConversationID != c.ID {
			return domain.NotFound("participant", pid)
		}
		if err := tx.SetParticipantBanned(r.Context(), pid, banned); err != nil {
			return err
		}
		action := "participant.unban"
		if banned {
			action = "participant.ban"
		}
		return h.s.audit(r, tx, action, "conversation_participant", pid, "conversation "+strconv.FormatInt(c.ID, 10))
	})
	if err != nil {
		return err
	}
	done := "unban"
	if banned {
		done = "ban"
	}
	return redirect(w, r, convAdminPath(c.ID)+"/moderation?status="+url.QueryEscape(modFilterOf(r.PostForm.Get("status")))+"&done="+done+"&n=1")
}
