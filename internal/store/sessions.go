package store

import (
	"context"
	"database/sql"
	"time"

	"kuulu/internal/domain"
)

// Session is a signed-in browser. IDHash is the SHA-256 of the cookie value.
type Session struct {
	IDHash     string
	PersonID   int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	IP         string
	UserAgent  string
}

// CreateSession stores a new session.
func (tx *Tx) CreateSession(ctx context.Context, s Session) error {
	_, err := tx.Exec(ctx, `INSERT INTO sessions (id_hash, person_id, created_at, last_seen_at, expires_at, ip, user_agent)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, s.IDHash, s.PersonID, s.CreatedAt, s.LastSeenAt, s.ExpiresAt, s.IP, s.UserAgent)
	return err
}

// Session returns a session by hash, ENOTFOUND when missing.
func (tx *Tx) Session(ctx context.Context, idHash string) (Session, error) {
	var s Session
	err := tx.QueryRow(ctx, `SELECT id_hash, person_id, created_at, last_seen_at, expires_at, ip, user_agent FROM sessions WHERE id_hash = ?`, idHash).
		Scan(&s.IDHash, &s.PersonID, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt, &s.IP, &s.UserAgent)
	if err == sql.ErrNoRows {
		return s, domain.NotFound("session", "")
	}
	return s, err
}

// TouchSession slides a session's expiry.
func (tx *Tx) TouchSession(ctx context.Context, idHash string, seen, expires time.Time) error {
	_, err := tx.Exec(ctx, "UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id_hash = ?", seen, expires, idHash)
	return err
}

// DeleteSession ends a session.
func (tx *Tx) DeleteSession(ctx context.Context, idHash string) error {
	_, err := tx.Exec(ctx, "DELETE FROM sessions WHERE id_hash = ?", idHash)
	return err
}

// DeletePersonSessions ends every session of a person (deactivation, password change).
func (tx *Tx) DeletePersonSessions(ctx context.Context, personID int64) error {
	_, err := tx.Exec(ctx, "DELETE FROM sessions WHERE person_id = ?", personID)
	return err
}

// DeleteExpired removes expired sessions, old SSO states and old rate windows.
func (tx *Tx) DeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	var total int64
	for _, q := range []struct {
		sql string
		arg time.Time
	}{
		{"DELETE FROM sessions WHERE expires_at < ?", now},
		{"DELETE FROM oidc_states WHERE created_at < ?", now.Add(-15 * time.Minute)},
		{"DELETE FROM rate_counters WHERE window_start < ?", now.Add(-24 * time.Hour)},
	} {
		res, err := tx.Exec(ctx, q.sql, q.arg)
		if err != nil {
			return total, err
		}
		n, _ := res.RowsAffected()
		total += n
	}
	return total, nil
}

// OIDCState is one pending single sign-on round trip.
type OIDCState struct {
	State, Nonce, Verifier, ReturnTo string
	CreatedAt                        time.Time
}

// SaveOIDCState stores a pending sign-on.
func (tx *Tx) SaveOIDCState(ctx context.Context, s OIDCState) error {
	_, err := tx.Exec(ctx, "INSERT INTO oidc_states (state, nonce, verifier, return_to, created_at) VALUES (?, ?, ?, ?, ?)",
		s.State, s.Nonce, s.Verifier, s.ReturnTo, s.CreatedAt)
	return err
}

// TakeOIDCState returns and deletes a pending sign-on (single use).
func (tx *Tx) TakeOIDCState(ctx context.Context, state string) (OIDCState, error) {
	var s OIDCState
	err := tx.QueryRow(ctx, "SELECT state, nonce, verifier, return_to, created_at FROM oidc_states WHERE state = ?", state).
		Scan(&s.State, &s.Nonce, &s.Verifier, &s.ReturnTo, &s.CreatedAt)
	if err == sql.ErrNoRows {
		return s, domain.NotFound("sign-on state", "")
	}
	if err != nil {
		return s, err
	}
	_, err = tx.Exec(ctx, "DELETE FROM oidc_states WHERE state = ?", state)
	return s, err
}
