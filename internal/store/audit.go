package store

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	ID         int64
	At         time.Time
	ActorID    int64
	ActorName  string
	Action     string // e.g. "unit.update", "feedback.read_original"
	ObjectType string
	ObjectID   string
	Detail     string
	IP         string
	RequestID  string
}

// Audit writes an entry in the caller's transaction, so the record of an
// action commits or rolls back with the action itself.
func (tx *Tx) Audit(ctx context.Context, e AuditEntry) error {
	if e.At.IsZero() {
		e.At = tx.Now()
	}
	var actor any
	if e.ActorID != 0 {
		actor = e.ActorID
	}
	_, err := tx.Exec(ctx, `INSERT INTO audit_log (at, actor_id, actor_name, action, object_type, object_id, detail, ip, request_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.At, actor, e.ActorName, e.Action, e.ObjectType, e.ObjectID, e.Detail, e.IP, e.RequestID)
	return err
}

// AuditFilter narrows the audit log.
type AuditFilter struct {
	ActorID    int64
	Actor      string // substring of the actor's name
	Action     string // prefix, e.g. "unit."
	ObjectType string
	ObjectID   string
	From, To   time.Time
	Limit      int
	BeforeID   int64 // keyset pagination: entries older than this id
}

// AuditLog lists entries newest first.
func (tx *Tx) AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	var where []string
	var args []any
	if f.ActorID != 0 {
		where = append(where, "actor_id = ?")
		args = append(args, f.ActorID)
	}
	if f.Actor != "" {
		where = append(where, "LOWER(actor_name) LIKE ?")
		args = append(args, "%"+strings.ToLower(f.Actor)+"%")
	}
	if f.Action != "" {
		where = append(where, "action LIKE ?")
		args = append(args, f.Action+"%")
	}
	if f.ObjectType != "" {
		where = append(where, "object_type = ?")
		args = append(args, f.ObjectType)
	}
	if f.ObjectID != "" {
		where = append(where, "object_id = ?")
		args = append(args, f.ObjectID)
	}
	if !f.From.IsZero() {
		where = append(where, "at >= ?")
		args = append(args, f.From)
	}
	if !f.To.IsZero() {
		where = append(where, "at < ?")
		args = append(args, f.To)
	}
	if f.BeforeID != 0 {
		where = append(where, "id < ?")
		args = append(args, f.BeforeID)
	}
	q := "SELECT id, at, COALESCE(actor_id, 0), actor_name, action, object_type, object_id, detail, ip, request_id FROM audit_log"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := tx.Query(ctx, q+" ORDER BY id DESC LIMIT "+strconv.Itoa(limit), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorName, &e.Action, &e.ObjectType, &e.ObjectID, &e.Detail, &e.IP, &e.RequestID); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
