package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"kuulu/internal/auth/oidctest"
)

const (
	testClient = "kuulu-client"
	testSecret = "s3cret"
)

// newProvider starts a fake provider that vouches for one nurse.
func newProvider(t *testing.T) *oidctest.Provider {
	t.Helper()
	p := oidctest.New(t, testClient, testSecret)
	p.Set(func(b *oidctest.Behaviour) {
		b.Claims = map[string]any{"sub": "user-1", "email": "Hoitaja@Kainuu.example", "name": "Hanna Hoitaja"}
	})
	return p
}

const testRedirect = "https://kuulu.test/auth/oidc/callback"

func newTestOIDC(t *testing.T, p *oidctest.Provider, claim string) *OIDC {
	t.Helper()
	o, err := NewOIDC(t.Context(), OIDCConfig{Issuer: p.URL(), ClientID: testClient, ClientSecret: testSecret, RedirectURL: testRedirect, SubjectClaim: claim})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// authorize follows AuthURL to the provider and returns the code it sends back.
func authorize(t *testing.T, o *OIDC, state, nonce, verifier string) string {
	t.Helper()
	res, err := noRedirects.Get(o.AuthURL(state, nonce, verifier))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		t.Fatalf("authorize: status %d", res.StatusCode)
	}
	back, err := url.Parse(res.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(back.String(), testRedirect+"?") {
		t.Fatalf("authorize redirected to %q", res.Header.Get("Location"))
	}
	if got := back.Query().Get("state"); got != state {
		t.Fatalf("state came back as %q, want %q", got, state)
	}
	return back.Query().Get("code")
}

// signIn runs one whole flow; exchangeNonce is the nonce the callback
// expects (normally the one sent).
func signIn(t *testing.T, o *OIDC, exchangeNonce string) (Identity, error) {
	t.Helper()
	nonce, verifier := rand.Text(), rand.Text()+rand.Text()
	if exchangeNonce == "" {
		exchangeNonce = nonce
	}
	code := authorize(t, o, rand.Text(), nonce, verifier)
	return o.Exchange(t.Context(), code, verifier, exchangeNonce)
}

func TestOIDCGoodFlow(t *testing.T) {
	p := newProvider(t)
	o := newTestOIDC(t, p, "")
	u, err := url.Parse(o.AuthURL("the-state", "the-nonce", "the-verifier-0123456789012345678901234567890123"))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if q.Get("state") != "the-state" || q.Get("nonce") != "the-nonce" || q.Get("code_challenge_method") != "S256" ||
		q.Get("code_challenge") == "" || strings.Contains(u.String(), "the-verifier") ||
		q.Get("scope") != "openid email profile" || q.Get("redirect_uri") != testRedirect || q.Get("client_id") != testClient {
		t.Errorf("auth URL = %s", u)
	}
	id, err := signIn(t, o, "")
	if err != nil {
		t.Fatal(err)
	}
	want := Identity{Subject: p.URL() + "|user-1", Email: "hoitaja@kainuu.example", Name: "Hanna Hoitaja"}
	if id != want {
		t.Errorf("identity = %+v, want %+v", id, want)
	}
}

func TestOIDCEntraStyleClaims(t *testing.T) {
	p := newProvider(t)
	p.Set(func(b *oidctest.Behaviour) {
		b.Claims = map[string]any{"sub": "pairwise-per-app", "oid": "00000000-aaaa-bbbb-cccc-000000000001",
			"preferred_username": "Esihenkilo@Kainuu.example", "name": "Eero Esihenkilö", "tid": "tenant"}
	})
	id, err := signIn(t, newTestOIDC(t, p, "oid"), "")
	if err != nil {
		t.Fatal(err)
	}
	want := Identity{Subject: p.URL() + "|00000000-aaaa-bbbb-cccc-000000000001", Email: "esihenkilo@kainuu.example", Name: "Eero Esihenkilö"}
	if id != want {
		t.Errorf("identity = %+v, want %+v", id, want)
	}
}

func TestOIDCUnverifiedEmailIsDropped(t *testing.T) {
	p := newProvider(t)
	p.Set(func(b *oidctest.Behaviour) { b.Claims["email_verified"] = false })
	id, err := signIn(t, newTestOIDC(t, p, ""), "")
	if err != nil {
		t.Fatal(err)
	}
	if id.Email != "" || id.Subject == "" {
		t.Errorf("identity = %+v, want no email for an unverified address", id)
	}
}

func TestOIDCKeyRollover(t *testing.T) {
	p := newProvider(t)
	o := newTestOIDC(t, p, "")
	if _, err := signIn(t, o, ""); err != nil {
		t.Fatal(err)
	}
	next := oidctest.NewKey(t)
	p.Set(func(b *oidctest.Behaviour) { b.Key, b.KeyID = next, "key-2" })
	if _, err := signIn(t, o, ""); err != nil {
		t.Fatalf("after key rollover: %v", err)
	}
}

func TestOIDCRejects(t *testing.T) {
	other := oidctest.NewKey(t)
	for _, tc := range []struct {
		name          string
		claim         string
		setup         func(b *oidctest.Behaviour)
		exchangeNonce string
	}{
		{name: "wrong audience", setup: func(b *oidctest.Behaviour) { b.Tamper = func(c map[string]any) { c["aud"] = "someone-else" } }},
		{name: "several audiences without azp", setup: func(b *oidctest.Behaviour) {
			b.Tamper = func(c map[string]any) { c["aud"] = []string{testClient, "someone-else"} }
		}},
		{name: "azp of another client", setup: func(b *oidctest.Behaviour) { b.Tamper = func(c map[string]any) { c["azp"] = "someone-else" } }},
		{name: "wrong issuer", setup: func(b *oidctest.Behaviour) { b.Tamper = func(c map[string]any) { c["iss"] = "https://evil.example" } }},
		{name: "expired", setup: func(b *oidctest.Behaviour) {
			b.Tamper = func(c map[string]any) {
				c["iat"], c["exp"] = time.Now().Add(-2*time.Hour).Unix(), time.Now().Add(-time.Hour).Unix()
			}
		}},
		{name: "bad signature (other key, same kid)", setup: func(b *oidctest.Behaviour) { b.SignWith = other }},
		{name: "wrong nonce", exchangeNonce: "not-the-nonce-sent"},
		{name: "nonce missing in token", setup: func(b *oidctest.Behaviour) { b.Tamper = func(c map[string]any) { delete(c, "nonce") } }},
		{name: "missing sub", setup: func(b *oidctest.Behaviour) { b.Tamper = func(c map[string]any) { delete(c, "sub") } }},
		{name: "missing oid (Entra)", claim: "oid"},
		{name: "oid not a string", claim: "oid", setup: func(b *oidctest.Behaviour) { b.Claims["oid"] = 42 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newProvider(t)
			if tc.setup != nil {
				p.Set(tc.setup)
			}
			o := newTestOIDC(t, p, tc.claim)
			id, err := signIn(t, o, tc.exchangeNonce)
			if err == nil {
				t.Fatalf("accepted: %+v", id)
			}
			t.Logf("refused: %v", err)
			if id != (Identity{}) {
				t.Errorf("identity returned with error: %+v", id)
			}
			if errors.Is(err, ErrProviderUnavailable) {
				t.Errorf("a refused token reported as provider unavailable: %v", err)
			}
		})
	}
}

func TestOIDCRejectsUnsignedToken(t *testing.T) {
	p := newProvider(t)
	o := newTestOIDC(t, p, "")
	c := map[string]any{"iss": p.URL(), "aud": testClient, "sub": "user-1", "nonce": "n",
		"iat": time.Now().Unix(), "exp": time.Now().Add(time.Minute).Unix()}
	payload, _ := json.Marshal(c)
	raw := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." +
		base64.RawURLEncoding.EncodeToString(payload) + "."
	if id, err := o.verify(t.Context(), raw, "n"); err == nil {
		t.Fatalf("alg none accepted: %+v", id)
	}
}

func TestOIDCCodeRules(t *testing.T) {
	p := newProvider(t)
	o := newTestOIDC(t, p, "")
	nonce, verifier := rand.Text(), rand.Text()+rand.Text()

	// A wrong PKCE verifier is refused by the token endpoint (and burns the code).
	code := authorize(t, o, "s1", nonce, verifier)
	if _, err := o.Exchange(t.Context(), code, verifier+"x", nonce); err == nil || errors.Is(err, ErrProviderUnavailable) {
		t.Fatalf("wrong verifier: err = %v", err)
	}
	// A code works once.
	code = authorize(t, o, "s2", nonce, verifier)
	if _, err := o.Exchange(t.Context(), code, verifier, nonce); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Exchange(t.Context(), code, verifier, nonce); err == nil {
		t.Fatal("a code was redeemed twice")
	}
	// Empty inputs never reach the provider.
	if _, err := o.Exchange(t.Context(), "", verifier, nonce); err == nil {
		t.Error("empty code accepted")
	}
	if _, err := o.Exchange(t.Context(), "c", verifier, ""); err == nil {
		t.Error("empty nonce accepted")
	}
}

func TestOIDCProviderUnavailable(t *testing.T) {
	p := newProvider(t)
	o := newTestOIDC(t, p, "")
	p.Set(func(b *oidctest.Behaviour) { b.TokenStatus = http.StatusServiceUnavailable })
	if _, err := signIn(t, o, ""); !errors.Is(err, ErrProviderUnavailable) {
		t.Errorf("token endpoint 503: err = %v, want ErrProviderUnavailable", err)
	}
	p.Set(func(b *oidctest.Behaviour) { b.TokenStatus = 0 })
	nonce, verifier := rand.Text(), rand.Text()+rand.Text()
	code := authorize(t, o, "s", nonce, verifier)
	p.Close()
	if _, err := o.Exchange(t.Context(), code, verifier, nonce); !errors.Is(err, ErrProviderUnavailable) {
		t.Errorf("provider down: err = %v, want ErrProviderUnavailable", err)
	}
}

func TestNewOIDCConfiguration(t *testing.T) {
	p := newProvider(t)
	ctx := t.Context()
	if _, err := NewOIDC(ctx, OIDCConfig{Issuer: p.URL(), RedirectURL: testRedirect}); err == nil || !strings.Contains(err.Error(), "client id") {
		t.Errorf("missing client id: %v", err)
	}
	// The discovery document must name the issuer we were configured with.
	if _, err := NewOIDC(ctx, OIDCConfig{Issuer: p.URL() + "/", ClientID: "c", RedirectURL: testRedirect}); err == nil {
		t.Error("issuer mismatch accepted")
	}
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := NewOIDC(ctx, OIDCConfig{Issuer: dead.URL, ClientID: "c", RedirectURL: testRedirect}); err == nil {
		t.Error("unreachable provider accepted")
	}
	o, err := NewOIDC(ctx, OIDCConfig{Issuer: p.URL(), ClientID: "c", RedirectURL: testRedirect, Scopes: []string{"email", "openid", "offline_access"}})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(o.AuthURL("s", "n", "v"))
	if got := u.Query().Get("scope"); got != "openid email offline_access" {
		t.Errorf("scope = %q", got)
	}
}
