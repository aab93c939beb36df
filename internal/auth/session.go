package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"time"

	"kuulu/internal/domain"
	"kuulu/internal/org"
	"kuulu/internal/store"
)

// SessionCookie is the name of the session cookie.
const SessionCookie = "kuulu_session"

// Sessions issues and checks server-side sessions.
type Sessions struct {
	DB *store.DB
	// Idle is how long a session lives without use; Absolute caps its whole life.
	Idle, Absolute time.Duration
	// Secure marks cookies Secure (set when served over TLS, i.e. the base URL is https).
	Secure bool
}

// NewSessions returns a manager with the default lifetimes (8 h idle, 12 h absolute).
func NewSessions(db *store.DB, secure bool) *Sessions {
	return &Sessions{DB: db, Idle: 8 * time.Hour, Absolute: 12 * time.Hour, Secure: secure}
}

func hashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// Start creates a session for person and sets the cookie. Any session the
// browser already had is ended first (no session fixation).
func (s *Sessions) Start(ctx context.Context, w http.ResponseWriter, r *http.Request, person org.Person, ip string) error {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	tok := base64.RawURLEncoding.EncodeToString(b)
	now := s.DB.Now()
	ua := r.UserAgent()
	if len(ua) > 300 {
		ua = ua[:300]
	}
	err := s.DB.Write(ctx, func(tx *store.Tx) error {
		if c, err := r.Cookie(SessionCookie); err == nil {
			if err := tx.DeleteSession(ctx, hashToken(c.Value)); err != nil {
				return err
			}
		}
		if err := tx.TouchLogin(ctx, person.ID); err != nil {
			return err
		}
		return tx.CreateSession(ctx, store.Session{IDHash: hashToken(tok), PersonID: person.ID, CreatedAt: now, LastSeenAt: now,
			ExpiresAt: now.Add(s.Idle), IP: ip, UserAgent: ua})
	})
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: tok, Path: "/", HttpOnly: true, Secure: s.Secure, SameSite: http.SameSiteLaxMode})
	return nil
}

// Lookup returns the signed-in person for the request, or nil. Expired
// sessions and deactivated people count as signed out. The expiry slides at
// most once a minute to keep writes off the read path.
func (s *Sessions) Lookup(ctx context.Context, r *http.Request) (*org.Person, error) {
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return nil, nil
	}
	h := hashToken(c.Value)
	now := s.DB.Now()
	var sess store.Session
	var p org.Person
	err = s.DB.Read(ctx, func(tx *store.Tx) error {
		var err error
		if sess, err = tx.Session(ctx, h); err != nil {
			return err
		}
		p, err = tx.Person(ctx, sess.PersonID)
		return err
	})
	if domain.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !now.Before(sess.ExpiresAt) || !now.Before(sess.CreatedAt.Add(s.Absolute)) || !p.Active {
		return nil, nil
	}
	if now.Sub(sess.LastSeenAt) > time.Minute {
		exp := now.Add(s.Idle)
		if max := sess.CreatedAt.Add(s.Absolute); exp.After(max) {
			exp = max
		}
		if err := s.DB.Write(ctx, func(tx *store.Tx) error { return tx.TouchSession(ctx, h, now, exp) }); err != nil {
			return nil, err
		}
	}
	return &p, nil
}

// End deletes the request's session and clears the cookie.
func (s *Sessions) End(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(SessionCookie); err == nil {
		if err := s.DB.Write(ctx, func(tx *store.Tx) error { return tx.DeleteSession(ctx, hashToken(c.Value)) }); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.Secure, SameSite: http.SameSiteLaxMode})
	return nil
}
