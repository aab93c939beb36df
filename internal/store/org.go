package store

import (
	"context"
	"database/sql"
	"strings"

	"kuulu/internal/domain"
	"kuulu/internal/org"
)

// County returns the county, or a not-found error before demo data or setup.
func (db *DB) County(ctx context.Context) (org.County, error) {
	var c org.County
	err := db.Read(ctx, func(tx *Tx) error {
		return tx.QueryRow(ctx, "SELECT name_fi, name_sv, name_en, updated_at FROM county WHERE id = 1").
			Scan(&c.Name.FI, &c.Name.SV, &c.Name.EN, &c.UpdatedAt)
	})
	return c, err
}

// SetCounty creates or updates the county's name.
func (tx *Tx) SetCounty(ctx context.Context, name domain.Text) error {
	_, err := tx.Exec(ctx, `INSERT INTO county (id, name_fi, name_sv, name_en, updated_at) VALUES (1, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name_fi = excluded.name_fi, name_sv = excluded.name_sv, name_en = excluded.name_en, updated_at = excluded.updated_at`,
		name.FI, name.SV, name.EN, tx.Now())
	return err
}

const areaCols = "id, slug, name_fi, name_sv, name_en, sort_order, created_at, updated_at"

func scanArea(s interface{ Scan(...any) error }) (org.ServiceArea, error) {
	var a org.ServiceArea
	err := s.Scan(&a.ID, &a.Slug, &a.Name.FI, &a.Name.SV, &a.Name.EN, &a.SortOrder, &a.CreatedAt, &a.UpdatedAt)
	return a, err
}

// ServiceAreas lists service areas in display order.
func (tx *Tx) ServiceAreas(ctx context.Context) ([]org.ServiceArea, error) {
	rows, err := tx.Query(ctx, "SELECT "+areaCols+" FROM service_areas ORDER BY sort_order, name_fi")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []org.ServiceArea
	for rows.Next() {
		a, err := scanArea(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ServiceArea returns one area.
func (tx *Tx) ServiceArea(ctx context.Context, id int64) (org.ServiceArea, error) {
	a, err := scanArea(tx.QueryRow(ctx, "SELECT "+areaCols+" FROM service_areas WHERE id = ?", id))
	if err == sql.ErrNoRows {
		return a, domain.NotFound("service area", id)
	}
	return a, err
}

// SaveServiceArea inserts (ID 0) or updates an area. Validate first.
func (tx *Tx) SaveServiceArea(ctx context.Context, a *org.ServiceArea) error {
	now := tx.Now()
	a.UpdatedAt = now
	if a.ID == 0 {
		a.CreatedAt = now
		id, err := tx.InsertID(ctx, `INSERT INTO service_areas (slug, name_fi, name_sv, name_en, sort_order, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, a.Slug, a.Name.FI, a.Name.SV, a.Name.EN, a.SortOrder, now, now)
		a.ID = id
		return slugConflict(err)
	}
	res, err := tx.Exec(ctx, `UPDATE service_areas SET slug = ?, name_fi = ?, name_sv = ?, name_en = ?, sort_order = ?, updated_at = ? WHERE id = ?`,
		a.Slug, a.Name.FI, a.Name.SV, a.Name.EN, a.SortOrder, now, a.ID)
	if err != nil {
		return slugConflict(err)
	}
	return mustAffect(res, "service area", a.ID)
}

// slugConflict names the field that a unique violation on insert concerns.
func slugConflict(err error) error {
	if err == nil {
		return nil
	}
	if (sqliteDialect{}).isUniqueViolation(err) || (postgresDialect{}).isUniqueViolation(err) {
		f := domain.FieldErrors{}
		f.Add("slug", "err.slug_taken")
		e := domain.AsError(f.Err())
		e.Code = domain.ECONFLICT
		return e
	}
	return err
}

func mustAffect(res sql.Result, kind string, id any) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return domain.NotFound(kind, id)
	}
	return nil
}

const unitCols = "id, service_area_id, slug, name_fi, name_sv, name_en, municipality, street_address, postal_code, active, created_at, updated_at"

func scanUnit(s interface{ Scan(...any) error }) (org.Unit, error) {
	var u org.Unit
	err := s.Scan(&u.ID, &u.ServiceAreaID, &u.Slug, &u.Name.FI, &u.Name.SV, &u.Name.EN, &u.Municipality, &u.StreetAddress, &u.PostalCode, &u.Active, &u.CreatedAt, &u.UpdatedAt)
	return u, err
}

// UnitFilter narrows unit listings.
type UnitFilter struct {
	ServiceAreaID int64
	Municipality  string
	Query         string // matches names and slug
	ActiveOnly    bool
	IDs           []int64
}

// Units lists units ordered by name.
func (tx *Tx) Units(ctx context.Context, f UnitFilter) ([]org.Unit, error) {
	var where []string
	var args []any
	if f.ServiceAreaID != 0 {
		where = append(where, "service_area_id = ?")
		args = append(args, f.ServiceAreaID)
	}
	if f.Municipality != "" {
		where = append(where, "municipality = ?")
		args = append(args, f.Municipality)
	}
	if f.ActiveOnly {
		where = append(where, "active = TRUE")
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		where = append(where, "(LOWER(name_fi) LIKE ? OR LOWER(name_sv) LIKE ? OR LOWER(name_en) LIKE ? OR slug LIKE ?)")
		p := "%" + strings.ToLower(q) + "%"
		args = append(args, p, p, p, p)
	}
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			return nil, nil
		}
		where = append(where, "id IN ("+placeholders(len(f.IDs))+")")
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	q := "SELECT " + unitCols + " FROM units"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := tx.Query(ctx, q+" ORDER BY name_fi, id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []org.Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// Unit returns one unit by id.
func (tx *Tx) Unit(ctx context.Context, id int64) (org.Unit, error) {
	u, err := scanUnit(tx.QueryRow(ctx, unitByIDSQL, id))
	if err == sql.ErrNoRows {
		return u, domain.NotFound("unit", id)
	}
	return u, err
}

// The unit lookups of every public page and submission (prepared by
// PrepareFeedback).
const (
	unitByIDSQL   = "SELECT " + unitCols + " FROM units WHERE id = ?"
	unitBySlugSQL = "SELECT " + unitCols + " FROM units WHERE slug = ?"
)

// UnitBySlug returns one unit by its public slug.
func (tx *Tx) UnitBySlug(ctx context.Context, slug string) (org.Unit, error) {
	u, err := scanUnit(tx.QueryRow(ctx, unitBySlugSQL, slug))
	if err == sql.ErrNoRows {
		return u, domain.NotFound("unit", slug)
	}
	return u, err
}

// SaveUnit inserts (ID 0) or updates a unit. Validate first.
func (tx *Tx) SaveUnit(ctx context.Context, u *org.Unit) error {
	tx.changedLookups()
	now := tx.Now()
	u.UpdatedAt = now
	if u.ID == 0 {
		u.CreatedAt = now
		id, err := tx.InsertID(ctx, `INSERT INTO units (service_area_id, slug, name_fi, name_sv, name_en, municipality, street_address, postal_code, active, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			u.ServiceAreaID, u.Slug, u.Name.FI, u.Name.SV, u.Name.EN, u.Municipality, u.StreetAddress, u.PostalCode, u.Active, now, now)
		u.ID = id
		return slugConflict(err)
	}
	res, err := tx.Exec(ctx, `UPDATE units SET service_area_id = ?, slug = ?, name_fi = ?, name_sv = ?, name_en = ?, municipality = ?,
		street_address = ?, postal_code = ?, active = ?, updated_at = ? WHERE id = ?`,
		u.ServiceAreaID, u.Slug, u.Name.FI, u.Name.SV, u.Name.EN, u.Municipality, u.StreetAddress, u.PostalCode, u.Active, now, u.ID)
	if err != nil {
		return slugConflict(err)
	}
	return mustAffect(res, "unit", u.ID)
}

// ImportUnits creates the units whose slug is new and updates those whose slug
// exists, in the caller's transaction: all or nothing. It returns how many
// were created and updated.
func (tx *Tx) ImportUnits(ctx context.Context, units []org.Unit) (created, updated int, err error) {
	for i := range units {
		u := &units[i]
		existing, err := tx.UnitBySlug(ctx, u.Slug)
		switch {
		case err == nil:
			u.ID = existing.ID
			u.Active = existing.Active
			updated++
		case domain.IsNotFound(err):
			u.ID = 0
			created++
		default:
			return 0, 0, err
		}
		if err := tx.SaveUnit(ctx, u); err != nil {
			return 0, 0, err
		}
	}
	return created, updated, nil
}
