package auth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// fakeIdP is a small OpenID provider: discovery, JWKS, an authorisation
// endpoint that approves at once and a token endpoint that checks the client,
// the redirect URI and the PKCE verifier before it signs an ID token.
type fakeIdP struct {
	t                *testing.T
	srv              *httptest.Server
	clientID, secret string

	mu     sync.Mutex
	key    *rsa.PrivateKey // published in the JWKS
	kid    string
	codes  map[string]fakeAuthReq
	claims map[string]any // extra claims of the next ID tokens (sub included)
	// tamper changes the claims just before signing; signWith signs with
	// another key; tokenStatus makes the token endpoint fail.
	tamper      func(map[string]any)
	signWith    *rsa.PrivateKey
	tokenStatus int
}

type fakeAuthReq struct {
	challenge, nonce, redirect string
}

func newFakeIdP(t *testing.T) *fakeIdP {
	t.Helper()
	f := &fakeIdP{t: t, clientID: "kuulu-client", secret: "s3cret", codes: map[string]fakeAuthReq{},
		key: genKey(t), kid: "key-1", claims: map[string]any{"sub": "user-1", "email": "Hoitaja@Kainuu.example", "name": "Hanna Hoitaja"}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", f.discovery)
	mux.HandleFunc("GET /keys", f.keys)
	mux.HandleFunc("GET /authorize", f.authorize)
	mux.HandleFunc("POST /token", f.token)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func genKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func (f *fakeIdP) URL() string { return f.srv.URL }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (f *fakeIdP) discovery(w http.ResponseWriter, r *http.Request) {
	u := f.srv.URL
	writeJSON(w, 200, map[string]any{
		"issuer": u, "authorization_endpoint": u + "/authorize", "token_endpoint": u + "/token", "jwks_uri": u + "/keys",
		"response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"}, "code_challenge_methods_supported": []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
	})
}

func (f *fakeIdP) keys(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	writeJSON(w, 200, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &f.key.PublicKey, KeyID: f.kid, Algorithm: "RS256", Use: "sig"}}})
}

func (f *fakeIdP) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	switch {
	case q.Get("response_type") != "code", q.Get("client_id") != f.clientID, q.Get("redirect_uri") == "",
		q.Get("code_challenge_method") != "S256", q.Get("code_challenge") == "", q.Get("nonce") == "",
		!strings.Contains(" "+q.Get("scope")+" ", " openid "):
		http.Error(w, "bad authorisation request", http.StatusBadRequest)
		return
	}
	code := rand.Text()
	f.mu.Lock()
	f.codes[code] = fakeAuthReq{challenge: q.Get("code_challenge"), nonce: q.Get("nonce"), redirect: q.Get("redirect_uri")}
	f.mu.Unlock()
	back, _ := url.Parse(q.Get("redirect_uri"))
	bq := back.Query()
	bq.Set("code", code)
	bq.Set("state", q.Get("state"))
	back.RawQuery = bq.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func (f *fakeIdP) token(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.tokenStatus != 0 {
		writeJSON(w, f.tokenStatus, map[string]string{"error": "temporarily_unavailable"})
		return
	}
	r.ParseForm()
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != f.clientID || secret != f.secret {
		writeJSON(w, 401, map[string]string{"error": "invalid_client"})
		return
	}
	code := r.PostForm.Get("code")
	req, ok := f.codes[code]
	delete(f.codes, code) // single use
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	if !ok || r.PostForm.Get("grant_type") != "authorization_code" || r.PostForm.Get("redirect_uri") != req.redirect ||
		base64.RawURLEncoding.EncodeToString(sum[:]) != req.challenge {
		writeJSON(w, 400, map[string]string{"error": "invalid_grant"})
		return
	}
	now := time.Now()
	c := map[string]any{"iss": f.srv.URL, "aud": f.clientID, "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "nonce": req.nonce}
	maps.Copy(c, f.claims)
	if f.tamper != nil {
		f.tamper(c)
	}
	key := f.key
	if f.signWith != nil {
		key = f.signWith
	}
	writeJSON(w, 200, map[string]any{"access_token": rand.Text(), "token_type": "Bearer", "expires_in": 300, "id_token": signJWT(f.t, key, f.kid, c)})
}

func signJWT(t *testing.T, key *rsa.PrivateKey, kid string, claims map[string]any) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	s, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const testRedirect = "https://kuulu.test/auth/oidc/callback"

func newTestOIDC(t *testing.T, f *fakeIdP, claim string) *OIDC {
	t.Helper()
	o, err := NewOIDC(t.Context(), OIDCConfig{Issuer: f.URL(), ClientID: f.clientID, ClientSecret: f.secret, RedirectURL: testRedirect, SubjectClaim: claim})
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
	f := newFakeIdP(t)
	o := newTestOIDC(t, f, "")
	u, err := url.Parse(o.AuthURL("the-state", "the-nonce", "the-verifier-0123456789012345678901234567890123"))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if q.Get("state") != "the-state" || q.Get("nonce") != "the-nonce" || q.Get("code_challenge_method") != "S256" ||
		q.Get("code_challenge") == "" || strings.Contains(u.String(), "the-verifier") ||
		q.Get("scope") != "openid email profile" || q.Get("redirect_uri") != testRedirect || q.Get("client_id") != f.clientID {
		t.Errorf("auth URL = %s", u)
	}
	id, err := signIn(t, o, "")
	if err != nil {
		t.Fatal(err)
	}
	want := Identity{Subject: f.URL() + "|user-1", Email: "hoitaja@kainuu.example", Name: "Hanna Hoitaja"}
	if id != want {
		t.Errorf("identity = %+v, want %+v", id, want)
	}
}

func TestOIDCEntraStyleClaims(t *testing.T) {
	f := newFakeIdP(t)
	f.claims = map[string]any{"sub": "pairwise-per-app", "oid": "00000000-aaaa-bbbb-cccc-000000000001",
		"preferred_username": "Esihenkilo@Kainuu.example", "name": "Eero Esihenkilö", "tid": "tenant"}
	id, err := signIn(t, newTestOIDC(t, f, "oid"), "")
	if err != nil {
		t.Fatal(err)
	}
	want := Identity{Subject: f.URL() + "|00000000-aaaa-bbbb-cccc-000000000001", Email: "esihenkilo@kainuu.example", Name: "Eero Esihenkilö"}
	if id != want {
		t.Errorf("identity = %+v, want %+v", id, want)
	}
}

func TestOIDCUnverifiedEmailIsDropped(t *testing.T) {
	f := newFakeIdP(t)
	f.claims["email_verified"] = false
	id, err := signIn(t, newTestOIDC(t, f, ""), "")
	if err != nil {
		t.Fatal(err)
	}
	if id.Email != "" || id.Subject == "" {
		t.Errorf("identity = %+v, want no email for an unverified address", id)
	}
}

func TestOIDCKeyRollover(t *testing.T) {
	f := newFakeIdP(t)
	o := newTestOIDC(t, f, "")
	if _, err := signIn(t, o, ""); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.key, f.kid = genKey(t), "key-2"
	f.mu.Unlock()
	if _, err := signIn(t, o, ""); err != nil {
		t.Fatalf("after key rollover: %v", err)
	}
}

func TestOIDCRejects(t *testing.T) {
	other := genKey(t)
	for _, tc := range []struct {
		name          string
		claim         string
		setup         func(f *fakeIdP)
		exchangeNonce string
	}{
		{name: "wrong audience", setup: func(f *fakeIdP) { f.tamper = func(c map[string]any) { c["aud"] = "someone-else" } }},
		{name: "several audiences without azp", setup: func(f *fakeIdP) {
			f.tamper = func(c map[string]any) { c["aud"] = []string{f.clientID, "someone-else"} }
		}},
		{name: "azp of another client", setup: func(f *fakeIdP) { f.tamper = func(c map[string]any) { c["azp"] = "someone-else" } }},
		{name: "wrong issuer", setup: func(f *fakeIdP) { f.tamper = func(c map[string]any) { c["iss"] = "https://evil.example" } }},
		{name: "expired", setup: func(f *fakeIdP) {
			f.tamper = func(c map[string]any) {
				c["iat"], c["exp"] = time.Now().Add(-2*time.Hour).Unix(), time.Now().Add(-time.Hour).Unix()
			}
		}},
		{name: "bad signature (other key, same kid)", setup: func(f *fakeIdP) { f.signWith = other }},
		{name: "wrong nonce", exchangeNonce: "not-the-nonce-sent"},
		{name: "nonce missing in token", setup: func(f *fakeIdP) { f.tamper = func(c map[string]any) { delete(c, "nonce") } }},
		{name: "missing sub", setup: func(f *fakeIdP) { f.tamper = func(c map[string]any) { delete(c, "sub") } }},
		{name: "missing oid (Entra)", claim: "oid"},
		{name: "oid not a string", claim: "oid", setup: func(f *fakeIdP) { f.claims["oid"] = 42 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeIdP(t)
			if tc.setup != nil {
				tc.setup(f)
			}
			o := newTestOIDC(t, f, tc.claim)
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
	f := newFakeIdP(t)
	o := newTestOIDC(t, f, "")
	c := map[string]any{"iss": f.URL(), "aud": f.clientID, "sub": "user-1", "nonce": "n",
		"iat": time.Now().Unix(), "exp": time.Now().Add(time.Minute).Unix()}
	payload, _ := json.Marshal(c)
	raw := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." +
		base64.RawURLEncoding.EncodeToString(payload) + "."
	if id, err := o.verify(t.Context(), raw, "n"); err == nil {
		t.Fatalf("alg none accepted: %+v", id)
	}
}

func TestOIDCCodeRules(t *testing.T) {
	f := newFakeIdP(t)
	o := newTestOIDC(t, f, "")
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
	f := newFakeIdP(t)
	o := newTestOIDC(t, f, "")
	f.tokenStatus = http.StatusServiceUnavailable
	if _, err := signIn(t, o, ""); !errors.Is(err, ErrProviderUnavailable) {
		t.Errorf("token endpoint 503: err = %v, want ErrProviderUnavailable", err)
	}
	f.tokenStatus = 0
	nonce, verifier := rand.Text(), rand.Text()+rand.Text()
	code := authorize(t, o, "s", nonce, verifier)
	f.srv.Close()
	if _, err := o.Exchange(t.Context(), code, verifier, nonce); !errors.Is(err, ErrProviderUnavailable) {
		t.Errorf("provider down: err = %v, want ErrProviderUnavailable", err)
	}
}

func TestNewOIDCConfiguration(t *testing.T) {
	f := newFakeIdP(t)
	ctx := t.Context()
	if _, err := NewOIDC(ctx, OIDCConfig{Issuer: f.URL(), RedirectURL: testRedirect}); err == nil || !strings.Contains(err.Error(), "client id") {
		t.Errorf("missing client id: %v", err)
	}
	// The discovery document must name the issuer we were configured with.
	if _, err := NewOIDC(ctx, OIDCConfig{Issuer: f.URL() + "/", ClientID: "c", RedirectURL: testRedirect}); err == nil {
		t.Error("issuer mismatch accepted")
	}
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := NewOIDC(ctx, OIDCConfig{Issuer: dead.URL, ClientID: "c", RedirectURL: testRedirect}); err == nil {
		t.Error("unreachable provider accepted")
	}
	o, err := NewOIDC(ctx, OIDCConfig{Issuer: f.URL(), ClientID: "c", RedirectURL: testRedirect, Scopes: []string{"email", "openid", "offline_access"}})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(o.AuthURL("s", "n", "v"))
	if got := u.Query().Get("scope"); got != "openid email offline_access" {
		t.Errorf("scope = %q", got)
	}
}
