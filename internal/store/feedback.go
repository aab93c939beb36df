package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"kuulu/internal/domain"
	"kuulu/internal/feedback"
)

// The columns of a feedback row without the original text, which is read
// only through FeedbackOriginal (and audited by the caller).
const feedbackCols = `id, code, unit_id, channel, kind, class, status, score, face, body_masked, mask_count, lang, wants_reply,
	COALESCE(recorded_by, 0), COALESCE(handler_id, 0), received_at, due_at, answered_at, closed_at, reply, COALESCE(replied_by, 0),
	published_at, COALESCE(published_by, 0), updated_at, service_code, lat, lon, address`

func scanFeedback(s interface{ Scan(...any) error }) (feedback.Item, error) {
	var it feedback.Item
	var score, face sql.NullInt64
	var answered, closed, published sql.NullTime
	var lat, lon sql.NullFloat64
	var channel, kind, class, status string
	err := s.Scan(&it.ID, &it.Code, &it.UnitID, &channel, &kind, &class, &status, &score, &face, &it.Masked, &it.MaskCount, &it.Lang, &it.WantsReply,
		&it.RecordedBy, &it.HandlerID, &it.ReceivedAt, &it.DueAt, &answered, &closed, &it.Reply, &it.RepliedBy,
		&published, &it.PublishedBy, &it.UpdatedAt, &it.ServiceCode, &lat, &lon, &it.Address)
	it.Channel, it.Kind, it.Class, it.Status = feedback.Channel(channel), feedback.Kind(kind), feedback.Class(class), feedback.Status(status)
	if score.Valid {
		v := int(score.Int64)
		it.Score = &v
	}
	if face.Valid {
		v := int(face.Int64)
		it.Face = &v
	}
	it.AnsweredAt, it.ClosedAt, it.PublishedAt = timePtr(answered), timePtr(closed), timePtr(published)
	if lat.Valid {
		it.Lat = &lat.Float64
	}
	if lon.Valid {
		it.Long = &lon.Float64
	}
	return it, err
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

func intPtr(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func floatPtr(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func tPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

// The statements of the submission path, prepared once per database by
// PrepareFeedback: parsing them costs more than running them on SQLite,
// whose single writer is the bottleneck of intake.
const (
	insertFeedbackSQL = `INSERT INTO feedback (code, unit_id, channel, kind, class, status, score, face, body_masked, body_original, mask_count, lang,
			wants_reply, recorded_by, received_at, due_at, updated_at, service_code, lat, lon, address)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (code) DO NOTHING RETURNING id`
	insertEventSQL = `INSERT INTO feedback_events (feedback_id, at, kind, status, actor_id, actor_role, public, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`
)

const feedbackSettingsSQL = "SELECT key, value FROM settings WHERE key LIKE 'feedback.%'"

// PrepareFeedback prepares the submission path's statements once: the
// writes on the write pool, the unit and settings lookups on the read pool.
// Call it outside any transaction (on SQLite preparing a write needs the
// write connection). Without it the same methods work, only slower.
func (db *DB) PrepareFeedback(ctx context.Context) error {
	if err := db.prepareHot(ctx, db.write, insertFeedbackSQL, insertEventSQL, insertMessageSQL); err != nil {
		return err
	}
	return db.prepareHot(ctx, db.read, unitByIDSQL, unitBySlugSQL, feedbackSettingsSQL)
}

// InsertFeedback stores a new item with its contact details and its first
// history event, in the caller's transaction. newCode makes tracking codes; a
// code that already exists is replaced by a fresh one (ON CONFLICT DO
// NOTHING keeps the transaction usable on PostgreSQL).
func (tx *Tx) InsertFeedback(ctx context.Context, it *feedback.Item, c feedback.Contact, newCode func() (string, error)) error {
	for attempt := 0; ; attempt++ {
		code, err := newCode()
		if err != nil {
			return err
		}
		var id int64
		err = tx.QueryRow(ctx, insertFeedbackSQL,
			code, it.UnitID, string(it.Channel), string(it.Kind), string(it.Class), string(it.Status), intPtr(it.Score), intPtr(it.Face),
			it.Masked, it.Original, it.MaskCount, it.Lang, it.WantsReply, nullID(it.RecordedBy), it.ReceivedAt, it.DueAt, it.UpdatedAt,
			it.ServiceCode, floatPtr(it.Lat), floatPtr(it.Long), it.Address).Scan(&id)
		if err == sql.ErrNoRows {
			if attempt >= 5 {
				return domain.Errorf(domain.EINTERNAL, "err.internal", "could not find a free tracking code")
			}
			continue
		}
		if err != nil {
			return err
		}
		it.ID, it.Code = id, code
		break
	}
	if !c.Empty() {
		if _, err := tx.Exec(ctx, "INSERT INTO feedback_contacts (feedback_id, email, phone, name, created_at) VALUES (?, ?, ?, ?, ?)",
			it.ID, c.Email, c.Phone, c.Name, it.ReceivedAt); err != nil {
			return err
		}
	}
	role := "client"
	if it.Channel == feedback.ChannelStaff {
		role = "staff"
	}
	return tx.AddFeedbackEvent(ctx, &feedback.Event{FeedbackID: it.ID, At: it.ReceivedAt, Kind: feedback.EventReceived, Status: it.Status,
		ActorID: it.RecordedBy, ActorRole: role, Public: true})
}

// Feedback returns one item by id, without the original text.
func (tx *Tx) Feedback(ctx context.Context, id int64) (feedback.Item, error) {
	it, err := scanFeedback(tx.QueryRow(ctx, "SELECT "+feedbackCols+" FROM feedback WHERE id = ?", id))
	if err == sql.ErrNoRows {
		return it, domain.NotFound("feedback", id)
	}
	return it, err
}

// FeedbackByCode returns one item by tracking code (canonical form).
func (tx *Tx) FeedbackByCode(ctx context.Context, code string) (feedback.Item, error) {
	it, err := scanFeedback(tx.QueryRow(ctx, "SELECT "+feedbackCols+" FROM feedback WHERE code = ?", code))
	if err == sql.ErrNoRows {
		return it, domain.NotFound("feedback", "code")
	}
	return it, err
}

// FeedbackOriginal returns the giver's unmasked text. Callers must check that
// the reader handles the item's unit and audit the read in the same transaction.
func (tx *Tx) FeedbackOriginal(ctx context.Context, id int64) (string, error) {
	var s string
	err := tx.QueryRow(ctx, "SELECT body_original FROM feedback WHERE id = ?", id).Scan(&s)
	if err == sql.ErrNoRows {
		return "", domain.NotFound("feedback", id)
	}
	return s, err
}

// FeedbackContact returns the giver's contact details (empty when none or deleted).
func (tx *Tx) FeedbackContact(ctx context.Context, id int64) (feedback.Contact, error) {
	var c feedback.Contact
	err := tx.QueryRow(ctx, "SELECT email, phone, name FROM feedback_contacts WHERE feedback_id = ?", id).Scan(&c.Email, &c.Phone, &c.Name)
	if err == sql.ErrNoRows {
		return c, nil
	}
	return c, err
}

// UpdateFeedback writes the mutable state of an item: classification,
// status, handler, unit, due date, reply and publication.
func (tx *Tx) UpdateFeedback(ctx context.Context, it *feedback.Item) error {
	it.UpdatedAt = tx.Now()
	res, err := tx.Exec(ctx, `UPDATE feedback SET unit_id = ?, class = ?, status = ?, handler_id = ?, due_at = ?, answered_at = ?, closed_at = ?,
		reply = ?, replied_by = ?, published_at = ?, published_by = ?, updated_at = ? WHERE id = ?`,
		it.UnitID, string(it.Class), string(it.Status), nullID(it.HandlerID), it.DueAt, tPtr(it.AnsweredAt), tPtr(it.ClosedAt),
		it.Reply, nullID(it.RepliedBy), tPtr(it.PublishedAt), nullID(it.PublishedBy), it.UpdatedAt, it.ID)
	if err != nil {
		return err
	}
	return mustAffect(res, "feedback", it.ID)
}

// AddFeedbackEvent appends a history entry.
func (tx *Tx) AddFeedbackEvent(ctx context.Context, e *feedback.Event) error {
	if e.At.IsZero() {
		e.At = tx.Now()
	}
	var id int64
	err := tx.QueryRow(ctx, insertEventSQL,
		e.FeedbackID, e.At, string(e.Kind), string(e.Status), nullID(e.ActorID), e.ActorRole, e.Public, e.Note).Scan(&id)
	e.ID = id
	return err
}

// FeedbackEvents lists an item's history, oldest first; publicOnly for the status page.
func (tx *Tx) FeedbackEvents(ctx context.Context, id int64, publicOnly bool) ([]feedback.Event, error) {
	q := "SELECT id, feedback_id, at, kind, status, COALESCE(actor_id, 0), actor_role, public, note FROM feedback_events WHERE feedback_id = ?"
	if publicOnly {
		q += " AND public = TRUE"
	}
	rows, err := tx.Query(ctx, q+" ORDER BY at, id", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []feedback.Event
	for rows.Next() {
		var e feedback.Event
		var kind, status string
		if err := rows.Scan(&e.ID, &e.FeedbackID, &e.At, &kind, &status, &e.ActorID, &e.ActorRole, &e.Public, &e.Note); err != nil {
			return nil, err
		}
		e.Kind, e.Status = feedback.EventKind(kind), feedback.Status(status)
		out = append(out, e)
	}
	return out, rows.Err()
}

// FeedbackFilter narrows feedback lists. Zero fields do not filter.
type FeedbackFilter struct {
	UnitIDs     []int64 // nil: every unit; empty non-nil: none
	Statuses    []feedback.Status
	Kind        feedback.Kind
	Class       feedback.Class
	Channel     feedback.Channel
	HandlerID   int64
	Overdue     bool      // open and past due at Now
	Now         time.Time // for Overdue
	From, To    time.Time // received_at range [From, To)
	Published   bool      // only published items
	Codes       []string
	Text        string // the masked text contains it, any case (textSearch); never the original
	Limit       int
	Offset      int
	OldestFirst bool
}

func (f FeedbackFilter) where() (string, []any) {
	var w []string
	var args []any
	in := func(col string, vals []string) {
		w = append(w, col+" IN ("+placeholders(len(vals))+")")
		for _, v := range vals {
			args = append(args, v)
		}
	}
	if f.UnitIDs != nil {
		if len(f.UnitIDs) == 0 {
			w = append(w, "1 = 0")
		} else {
			w = append(w, "unit_id IN ("+placeholders(len(f.UnitIDs))+")")
			for _, id := range f.UnitIDs {
				args = append(args, id)
			}
		}
	}
	if len(f.Statuses) > 0 {
		s := make([]string, len(f.Statuses))
		for i, x := range f.Statuses {
			s[i] = string(x)
		}
		in("status", s)
	}
	if f.Kind != "" {
		w = append(w, "kind = ?")
		args = append(args, string(f.Kind))
	}
	if f.Class != "" {
		w = append(w, "class = ?")
		args = append(args, string(f.Class))
	}
	if f.Channel != "" {
		w = append(w, "channel = ?")
		args = append(args, string(f.Channel))
	}
	if f.HandlerID != 0 {
		w = append(w, "handler_id = ?")
		args = append(args, f.HandlerID)
	}
	if f.Overdue {
		w = append(w, "status IN ('received', 'in_handling') AND due_at < ?")
		args = append(args, f.Now)
	}
	if !f.From.IsZero() {
		w = append(w, "received_at >= ?")
		args = append(args, f.From)
	}
	if !f.To.IsZero() {
		w = append(w, "received_at < ?")
		args = append(args, f.To)
	}
	if f.Published {
		w = append(w, "published_at IS NOT NULL")
	}
	if len(f.Codes) > 0 {
		in("code", f.Codes)
	}
	if f.Text != "" {
		w = append(w, textSearch)
		args = append(args, likeContains(f.Text))
	}
	if len(w) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(w, " AND "), args
}

// textSearch is a case-insensitive substring match on the masked text, the
// copy that lists show: searching body_original would let a search for an
// identity code or a phone number find the items that mention it, which is
// what the masking is there to prevent.
//
// Case: SQLite's LOWER folds ASCII only; PostgreSQL's follows the
// database's LC_CTYPE (C.UTF-8 or fi_FI fold ä, plain C does not). The
// letters of Finnish and Swedish beyond ASCII are folded explicitly with
// REPLACE so that "Ä" finds "ä" (and "Ö" "ö", "Å" "å") on both databases
// whatever the locale. Both sides go through the same folding in the same
// database, so an exact-case match always works; other non-ASCII capitals
// (É, Ü, Ø) fold only on a PostgreSQL with a Unicode-aware LC_CTYPE. A
// leading-wildcard LIKE scans the rows of the scope; the inbox scopes and
// filters keep that to thousands of rows.
var textSearch = searchFold("body_masked") + " LIKE " + searchFold("?") + ` ESCAPE '\'`

// searchFold lowers an SQL expression the same way on both databases for
// the letters that matter here; see textSearch.
func searchFold(expr string) string {
	for _, c := range [][2]string{{"Å", "å"}, {"Ä", "ä"}, {"Ö", "ö"}} {
		expr = "REPLACE(" + expr + ", '" + c[0] + "', '" + c[1] + "')"
	}
	return "LOWER(" + expr + ")"
}

// likeContains makes a LIKE pattern that matches term anywhere, with the
// pattern characters %, _ and the escape character \ taken literally.
func likeContains(term string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(term) + "%"
}

// ListFeedback returns a page of items, newest first, and the total count.
func (tx *Tx) ListFeedback(ctx context.Context, f FeedbackFilter) ([]feedback.Item, int, error) {
	w, args := f.where()
	return tx.pageFeedback(ctx, w, args, f)
}

// pageFeedback returns the page of items matching a WHERE clause that f's
// limit, offset and order ask for, and how many match in all.
func (tx *Tx) pageFeedback(ctx context.Context, where string, args []any, f FeedbackFilter) ([]feedback.Item, int, error) {
	var total int
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM feedback"+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 50
	}
	order := " ORDER BY received_at DESC, id DESC"
	if f.OldestFirst {
		order = " ORDER BY received_at, id"
	}
	if f.Published {
		order = " ORDER BY published_at DESC, id DESC"
	}
	items, err := tx.scanFeedbackRows(ctx, "SELECT "+feedbackCols+" FROM feedback"+where+order+" LIMIT "+strconv.Itoa(limit)+" OFFSET "+strconv.Itoa(max(f.Offset, 0)), args...)
	return items, total, err
}

// DeleteContactsClosedBefore deletes the contact details of items closed
// before cutoff (retention). It returns how many were deleted.
func (tx *Tx) DeleteContactsClosedBefore(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := tx.Exec(ctx, `DELETE FROM feedback_contacts WHERE feedback_id IN
		(SELECT id FROM feedback WHERE status = 'closed' AND closed_at < ?)`, cutoff)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// DeleteFeedbackClosedBefore deletes items closed before cutoff with their
// history and contacts (retention) and returns their ids.
func (tx *Tx) DeleteFeedbackClosedBefore(ctx context.Context, cutoff time.Time, limit int) ([]int64, error) {
	rows, err := tx.Query(ctx, "SELECT id FROM feedback WHERE status = 'closed' AND closed_at < ? ORDER BY id LIMIT "+strconv.Itoa(limit), cutoff)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		// Children first: SQLite enforces ON DELETE CASCADE only with
		// foreign_keys on, which we set, but explicit deletes keep both
		// databases identical whatever the pragma.
		for _, q := range []string{"DELETE FROM feedback_events WHERE feedback_id = ?", "DELETE FROM feedback_contacts WHERE feedback_id = ?",
			"UPDATE messages SET feedback_id = NULL WHERE feedback_id = ?", "DELETE FROM feedback WHERE id = ?"} {
			if _, err := tx.Exec(ctx, q, id); err != nil {
				return nil, err
			}
		}
	}
	return ids, nil
}

// Setting returns a county setting, or def when it is not set.
func (tx *Tx) Setting(ctx context.Context, key, def string) (string, error) {
	var v string
	err := tx.QueryRow(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	if err == sql.ErrNoRows {
		return def, nil
	}
	return v, err
}

// SetSetting stores a county setting.
func (tx *Tx) SetSetting(ctx context.Context, key, value string) error {
	tx.changedLookups()
	_, err := tx.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, key, value, tx.Now())
	return err
}

// FeedbackSettings reads the county's handling rules, with defaults for what
// is not set, in one query.
func (tx *Tx) FeedbackSettings(ctx context.Context) (feedback.Settings, error) {
	s := feedback.DefaultSettings()
	rows, err := tx.Query(ctx, feedbackSettingsSQL)
	if err != nil {
		return s, err
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return s, err
		}
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			continue
		}
		switch k {
		case "feedback.reply_days":
			s.ReplyDays = n
		case "feedback.objection_days":
			s.ObjectionDays = n
		case "feedback.accessibility_days":
			s.AccessibilityDays = n
		case "feedback.contact_retention_days":
			s.ContactRetention = time.Duration(n) * 24 * time.Hour
		case "feedback.retention_days":
			s.FeedbackRetention = time.Duration(n) * 24 * time.Hour
		}
	}
	return s, rows.Err()
}
