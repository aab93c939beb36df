package web

import (
	"net/http"

	"kuulu/internal/auth"
	"kuulu/internal/domain"
	"kuulu/internal/store"
)

func (s *Server) authRoutes(r *Router) {
	r.Handle("GET /login", auth.Public, s.loginPage)
	r.Handle("POST /login", auth.Public, s.loginSubmit)
	r.Handle("POST /logout", auth.Public, s.logout)
}

type loginPage struct {
	Email   string
	Next    string
	Errs    domain.FieldErrors
	Message string // a form-level error (wrong credentials, throttled)
	SSO     bool
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) error {
	if requestInfo(r).Person != nil {
		return redirect(w, r, safeNext(r.URL.Query().Get("next")))
	}
	s.render(w, r, http.StatusOK, "auth/login.html", loginPage{Next: safeNext(r.URL.Query().Get("next")), SSO: s.ssoEnabled()})
	return nil
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	info := requestInfo(r)
	d := loginPage{Email: r.PostForm.Get("email"), Next: safeNext(r.PostForm.Get("next")), Errs: domain.FieldErrors{}, SSO: s.ssoEnabled()}
	pw := r.PostForm.Get("password")
	if d.Email == "" {
		d.Errs.Add("email", "err.required")
	}
	if pw == "" {
		d.Errs.Add("password", "err.required")
	}
	if len(d.Errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "auth/login.html", d)
		return nil
	}
	p, err := s.login.Check(r.Context(), d.Email, pw, info.IP)
	if err != nil {
		e := domain.AsError(err)
		if e == nil {
			return err
		}
		status := http.StatusUnauthorized
		if e.Code == domain.ETOOMANY {
			status = http.StatusTooManyRequests
			w.Header().Set("Retry-After", itoa(e.RetryAfter))
		}
		// The password is never logged; the attempt is audited without it.
		s.db.Write(r.Context(), func(tx *store.Tx) error {
			return tx.Audit(r.Context(), store.AuditEntry{Action: "auth.login_failed", ObjectType: "person", Detail: d.Email, IP: info.IP, RequestID: info.ID})
		})
		d.Message = s.cat.T(info.Lang, e.Key)
		s.render(w, r, status, "auth/login.html", d)
		return nil
	}
	if err := s.sessions.Start(r.Context(), w, r, p, info.IP); err != nil {
		return err
	}
	info.Person = &p
	if err := s.db.Write(r.Context(), func(tx *store.Tx) error {
		return s.audit(r, tx, "auth.login", "person", p.ID, "password")
	}); err != nil {
		return err
	}
	if _, err := r.Cookie(langCookie); err != nil {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(p.Lang), Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode})
	}
	return redirect(w, r, d.Next)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if p := requestInfo(r).Person; p != nil {
		if err := s.db.Write(r.Context(), func(tx *store.Tx) error { return s.audit(r, tx, "auth.logout", "person", p.ID, "") }); err != nil {
			return err
		}
	}
	if err := s.sessions.End(r.Context(), w, r); err != nil {
		return err
	}
	return redirect(w, r, "/?signed_out=1")
}

// ssoEnabled reports whether single sign-on is configured (see auth_oidc.go).
func (s *Server) ssoEnabled() bool { return s.oidc != nil }
