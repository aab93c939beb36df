package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kuulu/internal/browsertest"
	"kuulu/internal/demo"
	"kuulu/internal/domain"
	"kuulu/internal/store"
)

func auditCount(t *testing.T, e *testEnv, action string) int {
	t.Helper()
	var n int
	e.db.Read(t.Context(), func(tx *store.Tx) error {
		es, err := tx.AuditLog(t.Context(), store.AuditFilter{Action: action, Limit: 100})
		n = len(es)
		return err
	})
	return n
}

func TestAdminAPIKeys(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		c := e.client()
		c.login("admin@kainuu.example")
		r := c.get("/admin/apikeys")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "Avaimia ei ole vielä myönnetty.") || !strings.Contains(r.Body, `aria-current="page">API-avaimet`) {
			t.Fatalf("empty list: %d\n%s", r.Status, r.Body)
		}
		// A name is required and has a limit; the form keeps what was typed.
		for _, name := range []string{"", "   ", strings.Repeat("n", maxAPIKeyName+1)} {
			r := c.post("/admin/apikeys", url.Values{"name": {name}})
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `class="error-summary"`) ||
				!strings.Contains(r.Body, `href="#f-name"`) || !strings.Contains(r.Body, `aria-invalid="true"`) {
				t.Errorf("name %q: %d", name, r.Status)
			}
		}
		if n := auditCount(t, e, "apikey."); n != 0 {
			t.Fatalf("%d audit entries after refused creates", n)
		}

		// Created: the whole key is shown once, in every language.
		secrets := map[domain.Lang]string{}
		for _, l := range domain.Langs {
			c.get("/?lang=" + string(l))
			secrets[l] = createKeyInUI(t, c, "Sovellus "+string(l))
		}
		r = c.post("/admin/apikeys?lang=sv", url.Values{"name": {"Svensk app"}})
		if r.Status != http.StatusCreated || !strings.Contains(r.Body, "Nyckeln har skapats") || strings.Contains(r.Body, "[apikeys.") {
			t.Errorf("created page in Swedish: %d", r.Status)
		}
		secret := secrets[domain.Finnish]
		// Afterwards only the prefix is shown.
		r = c.get("/admin/apikeys?lang=en")
		if r.Status != http.StatusOK || strings.Contains(r.Body, "[apikeys.") {
			t.Fatalf("list: %d", r.Status)
		}
		for _, s := range secrets {
			if strings.Contains(r.Body, s) {
				t.Error("the list shows a whole key")
			}
			if !strings.Contains(r.Body, s[:store.APIKeyPrefixLen]+"…") {
				t.Errorf("prefix of %s not listed", s[:store.APIKeyPrefixLen])
			}
		}
		if !strings.Contains(r.Body, "Sovellus fi") || !strings.Contains(r.Body, "Never") || strings.Count(r.Body, `class="badge badge-ok"`) != 4 {
			t.Error("list lacks names, last use or states")
		}
		// Only the hash is stored.
		var stored int
		e.db.Read(t.Context(), func(tx *store.Tx) error {
			return tx.QueryRow(t.Context(), "SELECT COUNT(*) FROM api_keys WHERE key_hash = ?", store.HashAPIKey(secret)).Scan(&stored)
		})
		if stored != 1 {
			t.Error("hash of the key not stored")
		}
		if n := auditCount(t, e, "apikey.create"); n != 4 {
			t.Errorf("%d create audit entries, want 4", n)
		}

		// Used: the list shows when.
		if r := e.api().post("requests.json", validForm(secret)); r.Status != http.StatusOK {
			t.Fatalf("post with the key: %d %s", r.Status, r.Body)
		}
		var keys []store.APIKey
		e.db.Read(t.Context(), func(tx *store.Tx) error { var err error; keys, err = tx.APIKeys(t.Context()); return err })
		var id int64
		for _, k := range keys {
			if k.Prefix == secret[:store.APIKeyPrefixLen] {
				id = k.ID
			}
		}
		if r := c.get("/admin/apikeys?lang=fi"); strings.Count(r.Body, "Ei koskaan") != 3 {
			t.Error("last use not shown")
		}

		// Revoked: audited once, shown as revoked, and the API refuses the key.
		r = c.post("/admin/apikeys/"+itoa(int(id))+"/revoke", url.Values{})
		if r.Status != http.StatusSeeOther || r.Location != "/admin/apikeys?revoked=1" {
			t.Fatalf("revoke: %d %q", r.Status, r.Location)
		}
		r = c.get(r.Location)
		if !strings.Contains(r.Body, "Avain on peruttu.") || !strings.Contains(r.Body, "Peruttu ") || strings.Count(r.Body, `class="badge badge-ok"`) != 3 {
			t.Error("revoked key not shown as revoked")
		}
		if r := c.post("/admin/apikeys/"+itoa(int(id))+"/revoke", url.Values{}); r.Status != http.StatusSeeOther {
			t.Errorf("second revoke: %d", r.Status)
		}
		if n := auditCount(t, e, "apikey.revoke"); n != 1 {
			t.Errorf("%d revoke audit entries, want 1", n)
		}
		wantErrors(t, e.api().post("requests.json", validForm(secret)), "json", http.StatusForbidden)
		if r := e.api().post("requests.json", validForm(secrets[domain.English])); r.Status != http.StatusOK {
			t.Errorf("another key stopped working: %d", r.Status)
		}
		for _, p := range []string{"/admin/apikeys/99999/revoke", "/admin/apikeys/x/revoke"} {
			if r := c.post(p, url.Values{}); r.Status != http.StatusNotFound {
				t.Errorf("%s: %d", p, r.Status)
			}
		}
		// Staff cannot see or revoke keys.
		s := e.client()
		s.login("esihenkilo@kainuu.example")
		if r := s.post("/admin/apikeys/"+itoa(int(id))+"/revoke", url.Values{}); r.Status != http.StatusForbidden {
			t.Errorf("supervisor revoke: %d", r.Status)
		}
		if r := s.get("/"); strings.Contains(r.Body, "/admin/apikeys") {
			t.Error("supervisor sees the API keys link")
		}
	})
}

// TestE2EAdminAPIKeys walks the key page in a browser with an axe-core check
// of each state: the empty list, the error summary, the key shown once, the
// list with a revoked key.
func TestE2EAdminAPIKeys(t *testing.T) {
	w := newE2E(t, browsertest.WithAcceptLanguage(e2eFinnishUA))
	w.visit("/login", http.StatusOK)
	w.login(e2eAdmin, demo.DefaultPassword)
	w.click(`.main-nav a[href="/admin/apikeys"]`, http.StatusOK)
	w.wantText("h1", w.tr("apikeys.title"))
	w.check("API keys, none")
	w.submit(`form[action="/admin/apikeys"]`, http.StatusUnprocessableEntity)
	w.wantText(".error-summary", w.tr("err.apikey_name"))
	w.check("API keys, name missing")
	w.fill(w.tr("field.name"), "Kaupungin palautesovellus")
	w.submit(`form[action="/admin/apikeys"]`, http.StatusCreated)
	if key := w.value("#new-key"); !strings.HasPrefix(key, "k311_") || len(key) != 69 {
		t.Errorf("key shown: %q", key)
	}
	w.check("API keys, key created")
	w.click(`form[action$="/revoke"] button`, http.StatusOK)
	w.wantText(`main [role="status"]`, w.tr("apikeys.revoked_notice"))
	w.check("API keys, key revoked")
	for _, l := range []string{"sv", "en"} {
		w.visit("/admin/apikeys?lang="+l, http.StatusOK)
		w.check("API keys in " + l)
	}
}
