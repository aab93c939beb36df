package web

import (
	"bytes"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"kuulu/internal/auth"
	"kuulu/internal/auth/oidctest"
	"kuulu/internal/domain"
	"kuulu/internal/i18n"
	"kuulu/internal/org"
	"kuulu/internal/store"
)

const (
	idpClient = "kuulu-test"
	idpSecret = "s3cret"
)

// syncBuffer collects the server's log for assertions.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type ssoEnv struct {
	*testEnv
	idp  *oidctest.Provider
	logs *syncBuffer
}

// newSSOEnv is newEnv with single sign-on against a fake provider: the
// database and demo data come from newEnv, the server is built again with
// Config.SSO set.
func newSSOEnv(t *testing.T, dbURL string) *ssoEnv {
	t.Helper()
	e := newEnv(t, dbURL)
	p := oidctest.New(t, idpClient, idpSecret)
	o, err := auth.NewOIDC(t.Context(), auth.OIDCConfig{Issuer: p.URL(), ClientID: idpClient, ClientSecret: idpSecret,
		RedirectURL: "http://kuulu.test/auth/oidc/callback"})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	srv, err := New(Config{BaseURL: "http://kuulu.test", Argon2: cheapArgon, SSO: o}, e.db, cat, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	e.ts = httptest.NewServer(srv.Handler())
	t.Cleanup(e.ts.Close)
	return &ssoEnv{testEnv: e, idp: p, logs: logs}
}

// as sets the identity the provider vouches for next.
func (e *ssoEnv) as(claims map[string]any) {
	e.idp.Set(func(b *oidctest.Behaviour) { b.Claims = claims })
}

func eachSSOEnv(t *testing.T, fn func(t *testing.T, e *ssoEnv)) {
	for name, u := range store.TestDatabases(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fn(t, newSSOEnv(t, u))
		})
	}
}

// ssoBegin starts a sign-in and returns the provider address it was sent to.
func (c *client) ssoBegin(e *ssoEnv, next string) string {
	c.e.t.Helper()
	r := c.get("/auth/oidc/start?next=" + url.QueryEscape(next))
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, e.idp.URL()+"/authorize?") {
		c.e.t.Fatalf("start: %d %q\n%s", r.Status, r.Location, r.Body)
	}
	return r.Location
}

// atProvider visits the provider and returns the callback path it sends the browser back to.
func atProvider(t *testing.T, authURL string) string {
	t.Helper()
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	u, err := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != http.StatusFound || err != nil || u.Host != "kuulu.test" || u.Path != "/auth/oidc/callback" {
		t.Fatalf("provider answered %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	return u.RequestURI()
}

// ssoSignIn runs the whole round trip and returns Kuulu's answer to the callback.
func (c *client) ssoSignIn(e *ssoEnv, next string) resp {
	c.e.t.Helper()
	return c.get(atProvider(c.e.t, c.ssoBegin(e, next)))
}

func (c *client) hasCookie(name string) bool {
	u, _ := url.Parse(c.e.ts.URL + "/auth/oidc/callback")
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == name && ck.Value != "" {
			return true
		}
	}
	return false
}

// setCookie puts a cookie in the client's jar for the SSO paths.
func (c *client) setCookie(name, value string) {
	u, _ := url.Parse(c.e.ts.URL + ssoCookiePath)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: ssoCookiePath}})
}

func (e *ssoEnv) msg(key string) string { return html.EscapeString(e.srv.cat.T(domain.Finnish, key)) }

func (e *ssoEnv) person(email string) org.Person {
	e.t.Helper()
	var p org.Person
	if err := e.db.Read(e.t.Context(), func(tx *store.Tx) error {
		var err error
		p, err = tx.PersonByEmail(e.t.Context(), email)
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// audit returns the entries with exactly this action, newest first.
func (e *ssoEnv) audit(action string) []store.AuditEntry {
	e.t.Helper()
	var all, out []store.AuditEntry
	if err := e.db.Read(e.t.Context(), func(tx *store.Tx) error {
		var err error
		all, err = tx.AuditLog(e.t.Context(), store.AuditFilter{Action: action})
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
	for _, a := range all {
		if a.Action == action {
			out = append(out, a)
		}
	}
	return out
}

// signedOut asserts that the client has no working session.
func signedOut(t *testing.T, c *client) {
	t.Helper()
	if c.hasCookie(auth.SessionCookie) {
		t.Error("a session cookie was set")
	}
	if r := c.get("/account"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
		t.Errorf("/account: %d %q, want a redirect to sign in", r.Status, r.Location)
	}
}

func TestSSOSignInLinksThenFindsBySubject(t *testing.T) {
	eachSSOEnv(t, func(t *testing.T, e *ssoEnv) {
		const email = "hoitaja@kainuu.example"
		subject := e.idp.URL() + "|nurse-1"
		e.as(map[string]any{"sub": "nurse-1", "email": "Hoitaja@Kainuu.example", "name": "Jenni Tervo"})
		c := e.client()
		r := c.ssoSignIn(e, "/account")
		if r.Status != http.StatusSeeOther || r.Location != "/account" {
			t.Fatalf("callback: %d %q\n%s", r.Status, r.Location, r.Body)
		}
		if c.hasCookie(ssoCookie) {
			t.Error("the state cookie outlived the callback")
		}
		if r := c.get("/account"); r.Status != http.StatusOK || !strings.Contains(r.Body, email) {
			t.Fatalf("/account after SSO: %d", r.Status)
		}
		p := e.person(email)
		if p.OIDCSubject != subject {
			t.Errorf("linked subject = %q, want %q", p.OIDCSubject, subject)
		}
		if l := e.audit("person.sso_link"); len(l) != 1 || l[0].ObjectID != itoa(int(p.ID)) || l[0].ActorID != p.ID || l[0].Detail != subject {
			t.Errorf("link audit = %+v", l)
		}
		if l := e.audit("auth.login"); len(l) != 1 || l[0].Detail != "sso" || l[0].ActorID != p.ID {
			t.Errorf("login audit = %+v", l)
		}

		// The provider now reports another address: the subject still finds
		// the same person, and nothing is linked again.
		e.as(map[string]any{"sub": "nurse-1", "email": "jenni.tervo@uusi.example"})
		c2 := e.client()
		if r := c2.ssoSignIn(e, "/"); r.Status != http.StatusSeeOther || r.Location != "/" {
			t.Fatalf("second sign-in: %d %q\n%s", r.Status, r.Location, r.Body)
		}
		if r := c2.get("/account"); r.Status != http.StatusOK || !strings.Contains(r.Body, email) {
			t.Fatalf("/account after second sign-in: %d", r.Status)
		}
		if l := e.audit("auth.login"); len(l) != 2 || l[0].ActorID != p.ID {
			t.Errorf("login audit = %+v", l)
		}
		if l := e.audit("person.sso_link"); len(l) != 1 {
			t.Errorf("linked again: %+v", l)
		}
		if e.person(email).OIDCSubject != subject {
			t.Error("subject changed")
		}

		// Another identity with the same email cannot take the linked account over.
		e.as(map[string]any{"sub": "someone-else", "email": email})
		c3 := e.client()
		if r := c3.ssoSignIn(e, "/"); r.Status != http.StatusForbidden || !strings.Contains(r.Body, e.msg("err.sso_linked_elsewhere")) {
			t.Fatalf("second identity for a linked account: %d\n%s", r.Status, r.Body)
		}
		signedOut(t, c3)
	})
}

func TestSSOUnknownOrInactivePeopleAreRefused(t *testing.T) {
	eachSSOEnv(t, func(t *testing.T, e *ssoEnv) {
		var before int
		e.db.Read(t.Context(), func(tx *store.Tx) error {
			var err error
			before, err = tx.CountPeople(t.Context())
			return err
		})
		for _, tc := range []struct {
			name   string
			claims map[string]any
			setup  func()
		}{
			{"unknown email", map[string]any{"sub": "stranger", "email": "stranger@example.org"}, nil},
			{"no email", map[string]any{"sub": "anonymous"}, nil},
			{"unverified email of a known person", map[string]any{"sub": "x", "email": "johto@kainuu.example", "email_verified": false}, nil},
			{"inactive person", map[string]any{"sub": "gone", "email": "esihenkilo@kainuu.example"}, func() {
				p := e.person("esihenkilo@kainuu.example")
				p.Active = false
				if err := e.db.Write(t.Context(), func(tx *store.Tx) error { return tx.SavePerson(t.Context(), &p) }); err != nil {
					t.Fatal(err)
				}
			}},
		} {
			if tc.setup != nil {
				tc.setup()
			}
			e.as(tc.claims)
			c := e.client()
			r := c.ssoSignIn(e, "/")
			if r.Status != http.StatusForbidden || !strings.Contains(r.Body, e.msg("err.sso_no_access")) {
				t.Errorf("%s: %d, want 403 with the ask-an-administrator message\n%s", tc.name, r.Status, r.Body)
			}
			signedOut(t, c)
		}
		var after int
		e.db.Read(t.Context(), func(tx *store.Tx) error {
			var err error
			after, err = tx.CountPeople(t.Context())
			return err
		})
		if after != before {
			t.Errorf("people: %d before, %d after: sign-in created accounts", before, after)
		}
		if p := e.person("johto@kainuu.example"); p.OIDCSubject != "" {
			t.Errorf("unverified email linked: %q", p.OIDCSubject)
		}
		if l := e.audit("auth.login_failed"); len(l) != 4 || !strings.Contains(l[len(l)-1].Detail, "stranger@example.org") {
			t.Errorf("refusals audited = %+v", l)
		}
		if l := e.audit("auth.login"); len(l) != 0 {
			t.Errorf("logins = %+v", l)
		}
	})
}

func TestSSOStateRules(t *testing.T) {
	eachSSOEnv(t, func(t *testing.T, e *ssoEnv) {
		e.as(map[string]any{"sub": "admin-1", "email": "admin@kainuu.example"})
		refused := func(what string, c *client, r resp) {
			t.Helper()
			if r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, e.msg("err.sso_state")) {
				t.Errorf("%s: %d, want 401 with the start-again message\n%s", what, r.Status, r.Body)
			}
			signedOut(t, c)
		}

		// A callback opened in another browser (login CSRF) is refused and
		// does not use up the state: the right browser can still finish.
		a := e.client()
		callback := atProvider(t, a.ssoBegin(e, "/admin/units"))
		b := e.client()
		refused("callback in a browser that did not start the sign-in", b, b.get(callback))
		if r := a.get(callback); r.Status != http.StatusSeeOther || r.Location != "/admin/units" {
			t.Fatalf("the right browser: %d %q\n%s", r.Status, r.Location, r.Body)
		}

		// Replayed: the state was taken by the first callback.
		state, _ := url.ParseQuery(callback[strings.IndexByte(callback, '?')+1:])
		replay := e.client()
		replay.setCookie(ssoCookie, state.Get("state"))
		refused("replayed state", replay, replay.get(callback))

		// Forged: a state Kuulu never issued, even with a matching cookie.
		forged := e.client()
		forged.ssoBegin(e, "/")
		forged.setCookie(ssoCookie, "forged-state")
		refused("forged state", forged, forged.get("/auth/oidc/callback?state=forged-state&code=abc"))

		// Expired: more than ten minutes at the provider.
		slow := e.client()
		callback = atProvider(t, slow.ssoBegin(e, "/"))
		e.clock.Advance(11 * time.Minute)
		refused("expired state", slow, slow.get(callback))

		// Garbage never reaches the provider and is not a server error.
		for _, q := range []string{"", "?state=", "?code=x", "?state=" + strings.Repeat("x", 5000) + "&code=y"} {
			c := e.client()
			refused("callback"+q[:min(len(q), 20)], c, c.get("/auth/oidc/callback"+q))
		}

		// Links elsewhere are not followed after sign-in.
		evil := e.client()
		if r := evil.ssoSignIn(e, "//evil.example/x"); r.Status != http.StatusSeeOther || r.Location != "/" {
			t.Errorf("next=//evil.example: %d %q", r.Status, r.Location)
		}
	})
}

func TestSSOProviderErrors(t *testing.T) {
	eachSSOEnv(t, func(t *testing.T, e *ssoEnv) {
		e.as(map[string]any{"sub": "nurse-1", "email": "hoitaja@kainuu.example"})

		// The person declines at the provider.
		e.idp.Set(func(b *oidctest.Behaviour) { b.Deny = "access_denied" })
		c := e.client()
		r := c.ssoSignIn(e, "/")
		if r.Status >= 500 || r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, e.msg("err.sso_denied")) {
			t.Fatalf("access_denied: %d\n%s", r.Status, r.Body)
		}
		if strings.Contains(r.Body, "AADSTS") {
			t.Error("the provider's error description was shown to the user")
		}
		if !strings.Contains(e.logs.String(), "AADSTS65004") {
			t.Error("the provider's error description was not logged")
		}
		if strings.Contains(r.Body, "state=") || strings.Contains(r.Body, "error_description") {
			t.Error("the page links carry the callback's parameters")
		}
		// Switching language shows the same message, not "already used".
		const sv = "/auth/oidc/callback?lang=sv&amp;sso_error=denied"
		if !strings.Contains(r.Body, sv) {
			t.Fatalf("no language link %q on the error page\n%s", sv, r.Body)
		}
		if r := c.get(html.UnescapeString(sv)); r.Status != http.StatusUnauthorized ||
			!strings.Contains(r.Body, html.EscapeString(e.srv.cat.T(domain.Swedish, "err.sso_denied"))) {
			t.Errorf("error page in Swedish: %d\n%s", r.Status, r.Body)
		}
		signedOut(t, c)

		// Some other provider error.
		e.idp.Set(func(b *oidctest.Behaviour) { b.Deny = "server_error" })
		if r := e.client().ssoSignIn(e, "/"); r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, e.msg("err.sso_provider")) {
			t.Fatalf("server_error: %d\n%s", r.Status, r.Body)
		}
		e.idp.Set(func(b *oidctest.Behaviour) { b.Deny = "" })

		// An ID token that fails verification.
		e.idp.Set(func(b *oidctest.Behaviour) { b.Tamper = func(c map[string]any) { c["aud"] = "another-app" } })
		c = e.client()
		if r := c.ssoSignIn(e, "/"); r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, e.msg("err.sso_failed")) ||
			strings.Contains(r.Body, "another-app") {
			t.Fatalf("wrong audience: %d\n%s", r.Status, r.Body)
		}
		signedOut(t, c)
		e.idp.Set(func(b *oidctest.Behaviour) { b.Tamper = nil })

		// The token endpoint is down.
		c = e.client()
		callback := atProvider(t, c.ssoBegin(e, "/"))
		e.idp.Set(func(b *oidctest.Behaviour) { b.TokenStatus = http.StatusServiceUnavailable })
		if r := c.get(callback); r.Status != http.StatusServiceUnavailable || !strings.Contains(r.Body, e.msg("err.sso_unavailable")) ||
			strings.Contains(r.Body, "temporarily_unavailable") {
			t.Fatalf("token endpoint down: %d\n%s", r.Status, r.Body)
		}
		signedOut(t, c)
	})
}

func TestSSOStartAndConfiguration(t *testing.T) {
	eachSSOEnv(t, func(t *testing.T, e *ssoEnv) {
		c := e.client()
		if r := c.get("/login"); !strings.Contains(r.Body, "/auth/oidc/start") {
			t.Error("the sign-in page has no single sign-on button")
		}
		loc, _ := url.Parse(c.ssoBegin(e, "/admin/people"))
		q := loc.Query()
		if q.Get("state") == "" || q.Get("nonce") == "" || q.Get("code_challenge") == "" || q.Get("redirect_uri") != "http://kuulu.test/auth/oidc/callback" {
			t.Errorf("provider URL = %s", loc)
		}
		if !c.hasCookie(ssoCookie) {
			t.Error("no state cookie")
		}
		// The state lives in the database, so any instance can finish the flow.
		var st store.OIDCState
		if err := e.db.Write(t.Context(), func(tx *store.Tx) error {
			var err error
			st, err = tx.TakeOIDCState(t.Context(), q.Get("state"))
			return err
		}); err != nil || st.ReturnTo != "/admin/people" || st.Nonce != q.Get("nonce") {
			t.Errorf("stored state = %+v, %v", st, err)
		}

		// Someone already signed in is simply sent on.
		signed := e.client()
		signed.login("koordinaattori@kainuu.example")
		if r := signed.get("/auth/oidc/start?next=/account"); r.Status != http.StatusSeeOther || r.Location != "/account" {
			t.Errorf("start when signed in: %d %q", r.Status, r.Location)
		}
	})
}

func TestSSONotConfigured(t *testing.T) {
	// Without SSO configured both routes are simply not there.
	eachEnv(t, func(t *testing.T, e *testEnv) {
		c := e.client()
		for _, p := range []string{"/auth/oidc/start", "/auth/oidc/callback?state=x&code=y"} {
			if r := c.get(p); r.Status != http.StatusNotFound {
				t.Errorf("%s without SSO: %d", p, r.Status)
			}
		}
		if r := c.get("/login"); strings.Contains(r.Body, "/auth/oidc/start") {
			t.Error("single sign-on button shown without SSO")
		}
	})
}
