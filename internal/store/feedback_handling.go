package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"kuulu/internal/domain"
	"kuulu/internal/feedback"
	"kuulu/internal/org"
)

// This file holds what the handling side (the unit inbox, triage, replies,
// the county-wide overdue list) needs beyond the feedback aggregate itself:
// inbox scopes, counts, the people who may handle a unit, person names for
// history entries and reply templates.

// InboxScope is whose items an inbox shows. The zero value shows nothing.
type InboxScope struct {
	All      bool    // every unit (county-wide readers)
	UnitIDs  []int64 // these units' items
	PersonID int64   // and the items assigned to or recorded by this person
}

func (s InboxScope) where() (string, []any) {
	if s.All {
		return "", nil
	}
	var or []string
	var args []any
	if len(s.UnitIDs) > 0 {
		or = append(or, "unit_id IN ("+placeholders(len(s.UnitIDs))+")")
		for _, id := range s.UnitIDs {
			args = append(args, id)
		}
	}
	if s.PersonID != 0 {
		or = append(or, "handler_id = ?", "recorded_by = ?")
		args = append(args, s.PersonID, s.PersonID)
	}
	if len(or) == 0 {
		return "1 = 0", nil
	}
	return "(" + strings.Join(or, " OR ") + ")", args
}

// inboxWhere joins a scope and a filter into one WHERE clause.
func inboxWhere(s InboxScope, f FeedbackFilter) (string, []any) {
	fw, fargs := f.where()
	sw, sargs := s.where()
	switch {
	case sw == "":
		return fw, fargs
	case fw == "":
		return " WHERE " + sw, sargs
	}
	return fw + " AND " + sw, append(fargs, sargs...)
}

// InboxList returns a page of the items in scope that match f, newest first,
// and how many match in all. f.UnitIDs narrows further (a chosen unit).
func (tx *Tx) InboxList(ctx context.Context, s InboxScope, f FeedbackFilter) ([]feedback.Item, int, error) {
	w, args := inboxWhere(s, f)
	return tx.pageFeedback(ctx, w, args, f)
}

func (tx *Tx) scanFeedbackRows(ctx context.Context, q string, args ...any) ([]feedback.Item, error) {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []feedback.Item
	for rows.Next() {
		it, err := scanFeedback(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// InboxCounts counts the items in scope (narrowed by f.UnitIDs only) per
// status, and how many of them are overdue at now.
func (tx *Tx) InboxCounts(ctx context.Context, s InboxScope, unitIDs []int64, now time.Time) (map[feedback.Status]int, int, error) {
	w, args := inboxWhere(s, FeedbackFilter{UnitIDs: unitIDs})
	rows, err := tx.Query(ctx, "SELECT status, COUNT(*) FROM feedback"+w+" GROUP BY status", args...)
	if err != nil {
		return nil, 0, err
	}
	counts := map[feedback.Status]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			rows.Close()
			return nil, 0, err
		}
		counts[feedback.Status(st)] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	w, args = inboxWhere(s, FeedbackFilter{UnitIDs: unitIDs, Overdue: true, Now: now})
	var overdue int
	err = tx.QueryRow(ctx, "SELECT COUNT(*) FROM feedback"+w, args...).Scan(&overdue)
	return counts, overdue, err
}

// OverdueFeedback lists every open item past its due date at now across the
// county, most overdue first (or least overdue first with leastFirst), and
// how many there are.
func (tx *Tx) OverdueFeedback(ctx context.Context, now time.Time, leastFirst bool, limit, offset int) ([]feedback.Item, int, error) {
	w, args := FeedbackFilter{Overdue: true, Now: now}.where()
	var total int
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM feedback"+w, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > 1000 {
		limit = 50
	}
	order := " ORDER BY due_at, id"
	if leastFirst {
		order = " ORDER BY due_at DESC, id DESC"
	}
	items, err := tx.scanFeedbackRows(ctx, "SELECT "+feedbackCols+" FROM feedback"+w+order+
		" LIMIT "+strconv.Itoa(limit)+" OFFSET "+strconv.Itoa(max(offset, 0)), args...)
	return items, total, err
}

// UnitHandlers lists the active people who may be named responsible for a
// unit's feedback: its supervisors and the staff whose home unit it is, by name.
func (tx *Tx) UnitHandlers(ctx context.Context, unitID int64) ([]org.Person, error) {
	rows, err := tx.Query(ctx, "SELECT "+personCols+` FROM people WHERE active = TRUE AND (
		id IN (SELECT person_id FROM role_grants WHERE role = 'supervisor' AND unit_id = ?)
		OR (unit_id = ? AND id IN (SELECT person_id FROM role_grants WHERE role = 'staff')))
		ORDER BY name, id`, unitID, unitID)
	if err != nil {
		return nil, err
	}
	var out []org.Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Grants, err = tx.grants(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// PeopleNames maps person ids to names (ids not found are left out).
func (tx *Tx) PeopleNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	seen := map[int64]bool{}
	var args []any
	for _, id := range ids {
		if id != 0 && !seen[id] {
			seen[id] = true
			args = append(args, id)
		}
	}
	if len(args) == 0 {
		return out, nil
	}
	rows, err := tx.Query(ctx, "SELECT id, name FROM people WHERE id IN ("+placeholders(len(args))+")", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[id] = name
	}
	return out, rows.Err()
}

// ReplyTemplate is a ready-made reply text for a unit, or for every unit
// when UnitID is 0 (county-wide, kept by coordinators).
type ReplyTemplate struct {
	ID        int64
	UnitID    int64
	Title     string
	Body      string
	Lang      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// MaxTemplateTitle and feedback.MaxReply bound a template's title and body.
const MaxTemplateTitle = 200

// Validate checks a template's fields (field names title, body, lang).
func (t *ReplyTemplate) Validate() error {
	f := domain.FieldErrors{}
	t.Title = strings.TrimSpace(t.Title)
	t.Body = strings.TrimSpace(t.Body)
	if t.Title == "" {
		f.Add("title", "err.required")
	} else if n := len([]rune(t.Title)); n > MaxTemplateTitle {
		f.Add("title", "err.too_long", MaxTemplateTitle)
	}
	if t.Body == "" {
		f.Add("body", "err.required")
	} else if n := len([]rune(t.Body)); n > feedback.MaxReply {
		f.Add("body", "err.too_long", feedback.MaxReply)
	}
	if _, ok := domain.ParseLang(t.Lang); !ok {
		f.Add("lang", "err.required")
	}
	return f.Err()
}

const templateCols = "id, COALESCE(unit_id, 0), title, body, lang, created_at, updated_at"

func scanTemplate(s interface{ Scan(...any) error }) (ReplyTemplate, error) {
	var t ReplyTemplate
	err := s.Scan(&t.ID, &t.UnitID, &t.Title, &t.Body, &t.Lang, &t.CreatedAt, &t.UpdatedAt)
	return t, err
}

// ReplyTemplates lists templates by title: those of the given units, plus
// the county-wide ones when countyWide is set. unitIDs nil means every unit.
func (tx *Tx) ReplyTemplates(ctx context.Context, unitIDs []int64, countyWide bool) ([]ReplyTemplate, error) {
	var or []string
	var args []any
	switch {
	case unitIDs == nil:
		or = append(or, "unit_id IS NOT NULL")
	case len(unitIDs) > 0:
		or = append(or, "unit_id IN ("+placeholders(len(unitIDs))+")")
		for _, id := range unitIDs {
			args = append(args, id)
		}
	}
	if countyWide {
		or = append(or, "unit_id IS NULL")
	}
	if len(or) == 0 {
		return nil, nil
	}
	rows, err := tx.Query(ctx, "SELECT "+templateCols+" FROM reply_templates WHERE "+strings.Join(or, " OR ")+" ORDER BY title, id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ReplyTemplate
	for rows.Next() {
		t, err := scanTemplate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ReplyTemplateByID returns one template.
func (tx *Tx) ReplyTemplateByID(ctx context.Context, id int64) (ReplyTemplate, error) {
	t, err := scanTemplate(tx.QueryRow(ctx, "SELECT "+templateCols+" FROM reply_templates WHERE id = ?", id))
	if err == sql.ErrNoRows {
		return t, domain.NotFound("reply template", id)
	}
	return t, err
}

// SaveReplyTemplate inserts (ID 0) or updates a template. Validate first.
func (tx *Tx) SaveReplyTemplate(ctx context.Context, t *ReplyTemplate) error {
	now := tx.Now()
	t.UpdatedAt = now
	if t.ID == 0 {
		t.CreatedAt = now
		id, err := tx.InsertID(ctx, "INSERT INTO reply_templates (unit_id, title, body, lang, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
			nullID(t.UnitID), t.Title, t.Body, t.Lang, now, now)
		t.ID = id
		return err
	}
	res, err := tx.Exec(ctx, "UPDATE reply_templates SET unit_id = ?, title = ?, body = ?, lang = ?, updated_at = ? WHERE id = ?",
		nullID(t.UnitID), t.Title, t.Body, t.Lang, now, t.ID)
	if err != nil {
		return err
	}
	return mustAffect(res, "reply template", t.ID)
}

// DeleteReplyTemplate deletes a template.
func (tx *Tx) DeleteReplyTemplate(ctx context.Context, id int64) error {
	res, err := tx.Exec(ctx, "DELETE FROM reply_templates WHERE id = ?", id)
	if err != nil {
		return err
	}
	return mustAffect(res, "reply template", id)
}

// FeedbackForUpdate returns one item like Feedback and, on PostgreSQL, locks
// its row until the transaction ends, so that two handlers acting at once
// see each other's change (a stale action becomes a conflict, not a lost
// update). SQLite write transactions are serialised already.
func (tx *Tx) FeedbackForUpdate(ctx context.Context, id int64) (feedback.Item, error) {
	q := "SELECT " + feedbackCols + " FROM feedback WHERE id = ?"
	if tx.d.name() == "postgres" {
		q += " FOR UPDATE"
	}
	it, err := scanFeedback(tx.QueryRow(ctx, q, id))
	if err == sql.ErrNoRows {
		return it, domain.NotFound("feedback", id)
	}
	return it, err
}
