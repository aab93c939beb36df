package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"kuulu/internal/auth"
	"kuulu/internal/domain"
	"kuulu/internal/org"
	"kuulu/internal/store"
)

// Single sign-on (OpenID Connect, see auth/oidc.go).
//
// GET /auth/oidc/start stores a fresh state, nonce and PKCE verifier in the
// database (so that any instance can finish the flow), binds the state to
// the browser with a short-lived cookie, and sends the browser to the
// provider. GET /auth/oidc/callback takes the state (single use, at most
// ssoStateTTL old, and only from the browser that started it), redeems the
// code and signs in the person the identity belongs to. Accounts are never
// created here: an administrator creates people, and the first sign-in links
// the identity to the active person with the same email.

const (
	// ssoStateTTL is how long a started sign-in may take.
	ssoStateTTL = 10 * time.Minute
	// ssoCookie carries the state of the sign-in this browser started, so
	// that a callback URL made for someone else's browser is refused (login CSRF).
	ssoCookie     = "kuulu_sso"
	ssoCookiePath = "/auth/oidc/"
)

// The ways a sign-in can fail, each with the reason shown in the address of
// the error page (see ssoCallback).
var (
	errSSOState   = &domain.Error{Code: domain.EUNAUTHORIZED, Key: "err.sso_state", Message: "sso: unknown, used, expired or foreign state"}
	errSSOFailed  = &domain.Error{Code: domain.EUNAUTHORIZED, Key: "err.sso_failed", Message: "sso: code exchange or id token verification failed"}
	errSSONoOne   = &domain.Error{Code: domain.EFORBIDDEN, Key: "err.sso_no_access", Message: "sso: no active person for identity"}
	errSSOTaken   = &domain.Error{Code: domain.EFORBIDDEN, Key: "err.sso_linked_elsewhere", Message: "sso: person already linked to another identity"}
	errSSODenied  = &domain.Error{Code: domain.EUNAUTHORIZED, Key: "err.sso_denied", Message: "sso: provider returned access_denied"}
	errSSOProvErr = &domain.Error{Code: domain.EUNAUTHORIZED, Key: "err.sso_provider", Message: "sso: provider returned an error"}
	errSSODown    = &domain.Error{Code: domain.EUNAVAILABLE, Key: "err.sso_unavailable", Message: "sso: identity provider unavailable"}

	ssoReasons = map[string]*domain.Error{"state": errSSOState, "failed": errSSOFailed, "no_access": errSSONoOne,
		"linked": errSSOTaken, "denied": errSSODenied, "provider": errSSOProvErr, "unavailable": errSSODown}
)

// ssoRoutes registers the single sign-on routes. Both are public: they are
// how people sign in. Without SSO configured they answer 404.
func (s *Server) ssoRoutes(r *Router) {
	r.Handle("GET /auth/oidc/start", auth.Public, s.ssoStart)
	r.Handle("GET /auth/oidc/callback", auth.Public, s.ssoCallback)
}

// randomToken returns 32 random bytes, base64url-encoded.
func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func (s *Server) ssoStart(w http.ResponseWriter, r *http.Request) error {
	if s.oidc == nil {
		return errNotFound
	}
	next := safeNext(r.URL.Query().Get("next"))
	if len(next) > 1000 {
		next = "/"
	}
	if requestInfo(r).Person != nil {
		return redirect(w, r, next)
	}
	state, err := randomToken()
	if err != nil {
		return err
	}
	nonce, err := randomToken()
	if err != nil {
		return err
	}
	verifier := oauth2.GenerateVerifier()
	if err := s.db.Write(r.Context(), func(tx *store.Tx) error {
		return tx.SaveOIDCState(r.Context(), store.OIDCState{State: state, Nonce: nonce, Verifier: verifier, ReturnTo: next, CreatedAt: s.db.Now()})
	}); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Value: state, Path: ssoCookiePath, MaxAge: int(ssoStateTTL / time.Second),
		HttpOnly: true, Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode})
	return redirect(w, r, s.oidc.AuthURL(state, nonce, verifier))
}

// clip shortens provider-supplied text before it goes into the log.
func clip(s string, n int) string {
	if len(s) > n {
		return strings.ToValidUTF8(s[:n], "") + "…"
	}
	return s
}

// ssoCallback finishes a sign-in. A failure is shown on a clean address,
// /auth/oidc/callback?sso_error=reason: the page's language links then carry
// neither the code and state nor the provider's own text, and switching
// language shows the same message rather than "already used".
func (s *Server) ssoCallback(w http.ResponseWriter, r *http.Request) error {
	if s.oidc == nil {
		return errNotFound
	}
	err := s.ssoFinish(w, r)
	reason := ""
	for k, e := range ssoReasons {
		if err == e {
			reason = k
		}
	}
	if reason == "" {
		return err // nil, or an internal error
	}
	clean := r.Clone(r.Context())
	clean.URL.RawQuery = "sso_error=" + reason
	if err == errSSODown {
		// renderError would hide a 5xx message behind "internal error"; this
		// one is ours and tells the person what to do.
		info := requestInfo(r)
		s.render(w, clean, http.StatusServiceUnavailable, "error.html", errorPage{Status: http.StatusServiceUnavailable,
			Message: s.cat.T(info.Lang, errSSODown.Key), Code: errSSODown.Code})
		return nil
	}
	s.renderError(w, clean, err)
	return nil
}

func (s *Server) ssoFinish(w http.ResponseWriter, r *http.Request) error {
	info := requestInfo(r)
	q := r.URL.Query()
	state, code, provErr := q.Get("state"), q.Get("code"), q.Get("error")
	if e, ok := ssoReasons[q.Get("sso_error")]; ok && state == "" && code == "" && provErr == "" {
		return e // the error page again, e.g. in another language
	}
	// The state cookie has done its job whatever happens next.
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Value: "", Path: ssoCookiePath, MaxAge: -1,
		HttpOnly: true, Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode})

	// Only the browser that started this sign-in may finish it.
	c, cerr := r.Cookie(ssoCookie)
	bound := state != "" && len(state) <= 100 && cerr == nil && subtle.ConstantTimeCompare([]byte(c.Value), []byte(state)) == 1

	var st store.OIDCState
	var taken bool
	if bound {
		err := s.db.Write(r.Context(), func(tx *store.Tx) error {
			var err error
			st, err = tx.TakeOIDCState(r.Context(), state)
			return err
		})
		if err != nil && !domain.IsNotFound(err) {
			return err
		}
		taken = err == nil && s.db.Now().Sub(st.CreatedAt) <= ssoStateTTL
	}

	if provErr != "" {
		// The provider's own words stay in the log; the person gets ours.
		s.log.Warn("sso: provider returned an error", "request_id", info.ID, "error", clip(provErr, 100),
			"error_description", clip(q.Get("error_description"), 300), "state_ok", taken)
		if provErr == "access_denied" {
			return errSSODenied
		}
		return errSSOProvErr
	}
	if !taken {
		s.log.Info("sso: callback refused", "request_id", info.ID, "reason", "state", "cookie", cerr == nil, "bound", bound)
		return errSSOState
	}
	if code == "" || len(code) > 4096 {
		return errSSOState
	}

	id, err := s.oidc.Exchange(r.Context(), code, st.Verifier, st.Nonce)
	if err != nil {
		if errors.Is(err, auth.ErrProviderUnavailable) {
			s.log.Error("sso: identity provider unavailable", "request_id", info.ID, "err", err)
			return errSSODown
		}
		s.log.Warn("sso: sign-in refused", "request_id", info.ID, "err", err)
		return errSSOFailed
	}

	var p org.Person
	err = s.db.Write(r.Context(), func(tx *store.Tx) error {
		var err error
		p, err = s.ssoPerson(r, tx, id)
		return err
	})
	if err != nil {
		if e := domain.AsError(err); e != nil && e.Code == domain.EFORBIDDEN {
			// Audited in its own transaction: the refusal rolled the other one back.
			s.log.Info("sso: no access", "request_id", info.ID, "subject", id.Subject, "reason", e.Message)
			if aerr := s.db.Write(r.Context(), func(tx *store.Tx) error {
				return tx.Audit(r.Context(), store.AuditEntry{Action: "auth.login_failed", ObjectType: "person",
					Detail: clip("sso: "+id.Email+" "+id.Subject, 300), IP: info.IP, RequestID: info.ID})
			}); aerr != nil {
				return aerr
			}
		}
		return err
	}

	if err := s.sessions.Start(r.Context(), w, r, p, info.IP); err != nil {
		return err
	}
	info.Person = &p
	if err := s.db.Write(r.Context(), func(tx *store.Tx) error {
		return s.audit(r, tx, "auth.login", "person", p.ID, "sso")
	}); err != nil {
		return err
	}
	if _, err := r.Cookie(langCookie); err != nil {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(p.Lang), Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode})
	}
	return redirect(w, r, safeNext(st.ReturnTo))
}

// ssoPerson finds the active person an identity belongs to: by the linked
// subject, else (first sign-in) by email among people not yet linked to any
// identity, linking the subject then. Anyone else is refused with EFORBIDDEN.
func (s *Server) ssoPerson(r *http.Request, tx *store.Tx, id auth.Identity) (org.Person, error) {
	ctx := r.Context()
	p, err := tx.PersonBySubject(ctx, id.Subject)
	if err == nil {
		if !p.Active {
			return p, errSSONoOne
		}
		return p, nil
	}
	if !domain.IsNotFound(err) {
		return p, err
	}
	if id.Email == "" {
		return p, errSSONoOne
	}
	p, err = tx.PersonByEmail(ctx, id.Email)
	if domain.IsNotFound(err) {
		return p, errSSONoOne
	}
	if err != nil {
		return p, err
	}
	if !p.Active {
		return p, errSSONoOne
	}
	if p.OIDCSubject != "" {
		// Another identity already owns this account: an email match must not
		// move it (the address may have been reassigned at the provider).
		return p, errSSOTaken
	}
	if err := tx.LinkSubject(ctx, p.ID, id.Subject); err != nil {
		return p, err
	}
	p.OIDCSubject = id.Subject
	info := requestInfo(r)
	return p, tx.Audit(ctx, store.AuditEntry{ActorID: p.ID, ActorName: p.Name, Action: "person.sso_link", ObjectType: "person",
		ObjectID: toString(p.ID), Detail: clip(id.Subject, 300), IP: info.IP, RequestID: info.ID})
}
