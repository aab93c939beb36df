package web

import (
	"net/http"

	"kuulu/internal/auth"
	"kuulu/internal/domain"
	"kuulu/internal/store"
)

// accountRoutes: a signed-in person sees their own account, changes their
// password and their language.
func (s *Server) accountRoutes(r *Router) {
	r.Handle("GET /account", auth.SignedIn, s.accountPage)
	r.Handle("POST /account/password", auth.SignedIn, s.accountPassword)
}

type accountPage struct {
	Errs  domain.FieldErrors
	Saved bool
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "account.html", accountPage{Saved: r.URL.Query().Get("saved") != ""})
	return nil
}

func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	p := requestInfo(r).Person
	errs := domain.FieldErrors{}
	current, pw, again := r.PostForm.Get("current"), r.PostForm.Get("password"), r.PostForm.Get("password_again")
	if p.PasswordHash != "" {
		if ok, _ := auth.VerifyPassword(current, p.PasswordHash); !ok {
			errs.Add("current", "err.current_password")
		}
	}
	if err := auth.ValidatePassword(pw); err != nil {
		for k, v := range domain.AsError(err).Fields {
			errs[k] = v
		}
	} else if pw != again {
		errs.Add("password_again", "err.password_mismatch")
	}
	if len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "account.html", accountPage{Errs: errs})
		return nil
	}
	h, err := auth.HashPassword(pw, s.cfg.Argon2)
	if err != nil {
		return err
	}
	// Changing the password ends every other session of the person, then
	// starts a fresh one for this browser.
	err = s.db.Write(r.Context(), func(tx *store.Tx) error {
		if err := tx.SetPassword(r.Context(), p.ID, h); err != nil {
			return err
		}
		if err := tx.DeletePersonSessions(r.Context(), p.ID); err != nil {
			return err
		}
		return s.audit(r, tx, "person.password", "person", p.ID, "own password changed")
	})
	if err != nil {
		return err
	}
	if err := s.sessions.Start(r.Context(), w, r, *p, requestInfo(r).IP); err != nil {
		return err
	}
	return redirect(w, r, "/account?saved=1")
}
