package auth

import (
	"context"
	"strings"
	"sync"
	"time"

	"kuulu/internal/domain"
	"kuulu/internal/org"
	"kuulu/internal/store"
)

// Login checks local credentials with throttling shared by all instances:
// at most MaxFailures failed attempts per account and 4×MaxFailures per
// client address in a Window. Unknown accounts cost the same time as known
// ones so that timing does not reveal which emails exist.
type Login struct {
	DB          *store.DB
	Params      Argon2Params
	MaxFailures int
	Window      time.Duration

	dummyOnce sync.Once
	dummy     string
}

// NewLogin returns a Login with the defaults (5 failures per 15 minutes).
func NewLogin(db *store.DB, p Argon2Params) *Login {
	return &Login{DB: db, Params: p, MaxFailures: 5, Window: 15 * time.Minute}
}

// Check verifies email and password. It returns the person, or EINVALID
// (wrong credentials, deliberately not saying which), or ETOOMANY.
func (l *Login) Check(ctx context.Context, email, password, ip string) (org.Person, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	acct, addr := "login:acct:"+email, "login:ip:"+ip
	for _, b := range []struct {
		bucket string
		max    int
	}{{acct, l.MaxFailures}, {addr, 4 * l.MaxFailures}} {
		n, until, err := l.DB.Hits(ctx, b.bucket, l.Window)
		if err != nil {
			return org.Person{}, err
		}
		if n >= b.max {
			return org.Person{}, &domain.Error{Code: domain.ETOOMANY, Key: "err.login_throttled", Message: "login throttled: " + b.bucket,
				RetryAfter: int(until.Sub(l.DB.Now()).Seconds()) + 1}
		}
	}
	var p org.Person
	err := l.DB.Read(ctx, func(tx *store.Tx) error {
		var err error
		p, err = tx.PersonByEmail(ctx, email)
		return err
	})
	if err != nil && !domain.IsNotFound(err) {
		return org.Person{}, err
	}
	ok := false
	if err == nil && p.Active && p.PasswordHash != "" {
		ok, _ = VerifyPassword(password, p.PasswordHash)
	} else {
		l.dummyOnce.Do(func() { l.dummy, _ = HashPassword("kuulu-timing-equaliser", l.Params) })
		VerifyPassword(password, l.dummy)
	}
	if !ok {
		for _, b := range []string{acct, addr} {
			if _, _, err := l.DB.Hit(ctx, b, l.Window); err != nil {
				return org.Person{}, err
			}
		}
		return org.Person{}, &domain.Error{Code: domain.EINVALID, Key: "err.login_failed", Message: "wrong email or password"}
	}
	if err := l.DB.ResetHits(ctx, acct); err != nil {
		return org.Person{}, err
	}
	return p, nil
}
