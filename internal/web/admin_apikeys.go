package web

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"kuulu/internal/auth"
	"kuulu/internal/domain"
	"kuulu/internal/open311"
	"kuulu/internal/store"
)

// apiKeyRoutes: administrators issue and revoke Open311 API keys.
func (s *Server) apiKeyRoutes(r *Router) {
	r.Handle("GET /admin/apikeys", auth.Admin, s.apiKeyList)
	r.Handle("POST /admin/apikeys", auth.Admin, s.apiKeyCreate)
	r.Handle("POST /admin/apikeys/{id}/revoke", auth.Admin, s.apiKeyRevoke)
}

// open311Routes mounts the Open311 GeoReport v2 API (internal/open311) as
// public routes: reading needs no sign-in, and submitting needs an API key
// that the API itself checks.
func (s *Server) open311Routes(r *Router) {
	api := open311.New(open311.Config{
		DB: s.db, Intake: s.intake, Cat: s.cat, Log: s.log, BaseURL: s.cfg.BaseURL,
		EnvKeys:  s.cfg.Open311APIKeys,
		ClientIP: func(r *http.Request) string { return requestInfo(r).IP },
	})
	for _, rt := range api.Routes() {
		r.HandleRaw(rt.Pattern, auth.Public, rt.Handler)
	}
}

// maxAPIKeyName is the longest name of a key, in characters.
const maxAPIKeyName = 100

type apiKeysPage struct {
	Keys    []store.APIKey
	EnvKeys int
	Name    string // the typed name after a failed create
	Errs    domain.FieldErrors
	// Created and Secret are set only in the answer to a successful create:
	// the whole key is shown this once.
	Created *store.APIKey
	Secret  string
	Revoked bool
}

func (s *Server) renderAPIKeys(w http.ResponseWriter, r *http.Request, status int, d apiKeysPage) error {
	if err := s.db.Read(r.Context(), func(tx *store.Tx) error {
		var err error
		d.Keys, err = tx.APIKeys(r.Context())
		return err
	}); err != nil {
		return err
	}
	for _, k := range s.cfg.Open311APIKeys {
		if strings.TrimSpace(k) != "" {
			d.EnvKeys++
		}
	}
	s.render(w, r, status, "admin/apikeys.html", d)
	return nil
}

func (s *Server) apiKeyList(w http.ResponseWriter, r *http.Request) error {
	return s.renderAPIKeys(w, r, http.StatusOK, apiKeysPage{Revoked: r.URL.Query().Get("revoked") != ""})
}

// apiKeyCreate issues a key and shows it once, in this answer; afterwards
// only its prefix is shown. The answer is not cached (render sets no-store).
func (s *Server) apiKeyCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	name := strings.TrimSpace(r.PostForm.Get("name"))
	if name == "" || utf8.RuneCountInString(name) > maxAPIKeyName {
		errs := domain.FieldErrors{}
		errs.Add("name", "err.apikey_name")
		return s.renderAPIKeys(w, r, http.StatusUnprocessableEntity, apiKeysPage{Name: name, Errs: errs})
	}
	var k store.APIKey
	var secret string
	err := s.db.Write(r.Context(), func(tx *store.Tx) error {
		var err error
		if k, secret, err = tx.CreateAPIKey(r.Context(), name, requestInfo(r).Person.ID); err != nil {
			return err
		}
		return s.audit(r, tx, "apikey.create", "api_key", k.ID, "name: "+k.Name+"; prefix: "+k.Prefix)
	})
	if err != nil {
		return err
	}
	return s.renderAPIKeys(w, r, http.StatusCreated, apiKeysPage{Created: &k, Secret: secret})
}

func (s *Server) apiKeyRevoke(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	err = s.db.Write(r.Context(), func(tx *store.Tx) error {
		k, revoked, err := tx.RevokeAPIKey(r.Context(), id)
		if err != nil || !revoked {
			return err
		}
		return s.audit(r, tx, "apikey.revoke", "api_key", k.ID, "name: "+k.Name+"; prefix: "+k.Prefix)
	})
	if err != nil {
		return err
	}
	return redirect(w, r, "/admin/apikeys?revoked=1")
}
