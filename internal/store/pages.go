package store

import (
	"context"
	"database/sql"
	"time"

	"kuulu/internal/domain"
)

// Page is an administrator-edited text page in one language.
type Page struct {
	Slug      string
	Lang      domain.Lang
	Title     string
	Body      string
	UpdatedAt time.Time
	UpdatedBy int64
}

// Page returns a page in a language, ENOTFOUND when it has not been written.
func (tx *Tx) Page(ctx context.Context, slug string, lang domain.Lang) (Page, error) {
	p := Page{Slug: slug, Lang: lang}
	var by sql.NullInt64
	err := tx.QueryRow(ctx, "SELECT title, body, updated_at, updated_by FROM pages WHERE slug = ? AND lang = ?", slug, string(lang)).
		Scan(&p.Title, &p.Body, &p.UpdatedAt, &by)
	if err == sql.ErrNoRows {
		return p, domain.NotFound("page", slug)
	}
	p.UpdatedBy = by.Int64
	return p, err
}

// SavePage creates or replaces a page in one language.
func (tx *Tx) SavePage(ctx context.Context, p Page) error {
	_, err := tx.Exec(ctx, `INSERT INTO pages (slug, lang, title, body, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (slug, lang) DO UPDATE SET title = excluded.title, body = excluded.body, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		p.Slug, string(p.Lang), p.Title, p.Body, tx.Now(), nullID(p.UpdatedBy))
	return err
}
