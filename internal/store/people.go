package store

import (
	"context"
	"database/sql"
	"strings"

	"kuulu/internal/domain"
	"kuulu/internal/org"
)

const personCols = "id, email, name, title, COALESCE(unit_id, 0), password_hash, COALESCE(oidc_subject, ''), lang, active, created_at, updated_at, last_login_at"

func scanPerson(s interface{ Scan(...any) error }) (org.Person, error) {
	var p org.Person
	var lang string
	var last sql.NullTime
	err := s.Scan(&p.ID, &p.Email, &p.Name, &p.Title, &p.UnitID, &p.PasswordHash, &p.OIDCSubject, &lang, &p.Active, &p.CreatedAt, &p.UpdatedAt, &last)
	p.Lang = domain.Lang(lang)
	if last.Valid {
		t := last.Time.UTC()
		p.LastLoginAt = &t
	}
	return p, err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// PersonFilter narrows people listings.
type PersonFilter struct {
	Query  string
	Role   domain.Role
	UnitID int64
	Limit  int
	Offset int
}

// People lists people by name with their grants.
func (tx *Tx) People(ctx context.Context, f PersonFilter) ([]org.Person, int, error) {
	var where []string
	var args []any
	if q := strings.TrimSpace(f.Query); q != "" {
		where = append(where, "(LOWER(name) LIKE ? OR email LIKE ? OR LOWER(title) LIKE ?)")
		p := "%" + strings.ToLower(q) + "%"
		args = append(args, p, p, p)
	}
	if f.Role != "" {
		where = append(where, "id IN (SELECT person_id FROM role_grants WHERE role = ?)")
		args = append(args, string(f.Role))
	}
	if f.UnitID != 0 {
		where = append(where, "(unit_id = ? OR id IN (SELECT person_id FROM role_grants WHERE unit_id = ?))")
		args = append(args, f.UnitID, f.UnitID)
	}
	w := ""
	if len(where) > 0 {
		w = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM people"+w, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	rows, err := tx.Query(ctx, "SELECT "+personCols+" FROM people"+w+" ORDER BY name, id LIMIT ? OFFSET ?", append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	var out []org.Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			rows.Close()
			return nil, 0, err
		}
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if err := tx.fillGrants(ctx, out); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// fillGrants loads the grants of many people in one query.
func (tx *Tx) fillGrants(ctx context.Context, people []org.Person) error {
	if len(people) == 0 {
		return nil
	}
	idx := map[int64]int{}
	args := make([]any, len(people))
	for i, p := range people {
		idx[p.ID] = i
		args[i] = p.ID
	}
	rows, err := tx.Query(ctx, "SELECT person_id, role, COALESCE(unit_id, 0) FROM role_grants WHERE person_id IN ("+placeholders(len(people))+") ORDER BY role, unit_id", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var g org.Grant
		var r string
		if err := rows.Scan(&id, &r, &g.UnitID); err != nil {
			return err
		}
		g.Role = domain.Role(r)
		people[idx[id]].Grants = append(people[idx[id]].Grants, g)
	}
	return rows.Err()
}

func (tx *Tx) grants(ctx context.Context, personID int64) ([]org.Grant, error) {
	rows, err := tx.Query(ctx, "SELECT role, COALESCE(unit_id, 0) FROM role_grants WHERE person_id = ? ORDER BY role, unit_id", personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []org.Grant
	for rows.Next() {
		var g org.Grant
		var r string
		if err := rows.Scan(&r, &g.UnitID); err != nil {
			return nil, err
		}
		g.Role = domain.Role(r)
		out = append(out, g)
	}
	return out, rows.Err()
}

func (tx *Tx) personWhere(ctx context.Context, where string, arg any) (org.Person, error) {
	p, err := scanPerson(tx.QueryRow(ctx, "SELECT "+personCols+" FROM people WHERE "+where, arg))
	if err == sql.ErrNoRows {
		return p, domain.NotFound("person", arg)
	}
	if err != nil {
		return p, err
	}
	p.Grants, err = tx.grants(ctx, p.ID)
	return p, err
}

// Person returns a person with grants.
func (tx *Tx) Person(ctx context.Context, id int64) (org.Person, error) {
	return tx.personWhere(ctx, "id = ?", id)
}

// PersonByEmail returns a person by login email (case-insensitive).
func (tx *Tx) PersonByEmail(ctx context.Context, email string) (org.Person, error) {
	return tx.personWhere(ctx, "email = ?", strings.ToLower(strings.TrimSpace(email)))
}

// PersonBySubject returns the person linked to an SSO identity.
func (tx *Tx) PersonBySubject(ctx context.Context, subject string) (org.Person, error) {
	return tx.personWhere(ctx, "oidc_subject = ?", subject)
}

// SavePerson inserts (ID 0) or updates a person and replaces their grants.
// The password hash is only written when non-empty (see SetPassword).
func (tx *Tx) SavePerson(ctx context.Context, p *org.Person) error {
	now := tx.Now()
	p.UpdatedAt = now
	if p.ID == 0 {
		p.CreatedAt = now
		id, err := tx.InsertID(ctx, `INSERT INTO people (email, name, title, unit_id, password_hash, oidc_subject, lang, active, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.Email, p.Name, p.Title, nullID(p.UnitID), p.PasswordHash, nullStr(p.OIDCSubject), string(p.Lang), p.Active, now, now)
		if err != nil {
			return emailConflict(err)
		}
		p.ID = id
	} else {
		res, err := tx.Exec(ctx, `UPDATE people SET email = ?, name = ?, title = ?, unit_id = ?, oidc_subject = ?, lang = ?, active = ?, updated_at = ? WHERE id = ?`,
			p.Email, p.Name, p.Title, nullID(p.UnitID), nullStr(p.OIDCSubject), string(p.Lang), p.Active, now, p.ID)
		if err != nil {
			return emailConflict(err)
		}
		if err := mustAffect(res, "person", p.ID); err != nil {
			return err
		}
		if p.PasswordHash != "" {
			if err := tx.SetPassword(ctx, p.ID, p.PasswordHash); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, "DELETE FROM role_grants WHERE person_id = ?", p.ID); err != nil {
			return err
		}
	}
	// The same grant twice is the same grant. Duplicates are dropped here
	// rather than by catching the unique violation, which on PostgreSQL would
	// abort the whole transaction.
	seen := map[org.Grant]bool{}
	for _, g := range p.Grants {
		if seen[g] {
			continue
		}
		seen[g] = true
		if _, err := tx.Exec(ctx, "INSERT INTO role_grants (person_id, role, unit_id, created_at) VALUES (?, ?, ?, ?)",
			p.ID, string(g.Role), nullID(g.UnitID), now); err != nil {
			return err
		}
	}
	return nil
}

func emailConflict(err error) error {
	if (sqliteDialect{}).isUniqueViolation(err) || (postgresDialect{}).isUniqueViolation(err) {
		f := domain.FieldErrors{}
		f.Add("email", "err.email_taken")
		e := domain.AsError(f.Err())
		e.Code = domain.ECONFLICT
		return e
	}
	return err
}

// SetPassword stores a new password hash.
func (tx *Tx) SetPassword(ctx context.Context, personID int64, hash string) error {
	_, err := tx.Exec(ctx, "UPDATE people SET password_hash = ?, updated_at = ? WHERE id = ?", hash, tx.Now(), personID)
	return err
}

// TouchLogin records a successful sign-in.
func (tx *Tx) TouchLogin(ctx context.Context, personID int64) error {
	_, err := tx.Exec(ctx, "UPDATE people SET last_login_at = ? WHERE id = ?", tx.Now(), personID)
	return err
}

// LinkSubject links an SSO identity to a person (first SSO sign-in).
func (tx *Tx) LinkSubject(ctx context.Context, personID int64, subject string) error {
	_, err := tx.Exec(ctx, "UPDATE people SET oidc_subject = ?, updated_at = ? WHERE id = ?", subject, tx.Now(), personID)
	return err
}

// CountPeople returns the number of people (0 on a fresh database).
func (tx *Tx) CountPeople(ctx context.Context) (int, error) {
	var n int
	err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM people").Scan(&n)
	return n, err
}
