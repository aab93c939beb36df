// Package oidctest runs a small OpenID provider for tests: discovery, JWKS,
// an authorisation endpoint that approves at once (or answers with an
// error) and a token endpoint that checks the client, the redirect URI and
// the PKCE verifier before it signs an ID token. Like net/http/httptest it
// is meant to be imported only by tests.
package oidctest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
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

// Behaviour is what the provider does with the next requests. Change it
// with Provider.Set.
type Behaviour struct {
	// Key is published in the JWKS under KeyID and signs the ID tokens.
	// Changing both is a key rollover.
	Key   *rsa.PrivateKey
	KeyID string
	// SignWith, when set, signs the ID tokens instead of Key, still under
	// KeyID: the relying party sees a bad signature.
	SignWith *rsa.PrivateKey
	// Claims are added to iss, aud, iat, exp and nonce in the next ID
	// tokens (sub, email, name, ...). Change the map only inside Set.
	Claims map[string]any
	// Tamper, when set, changes the claims just before signing. It runs
	// under the provider's lock, so it must not call Set.
	Tamper func(map[string]any)
	// TokenStatus, when not zero, makes the token endpoint fail with this
	// status and error "temporarily_unavailable".
	TokenStatus int
	// Deny, when set, makes the authorisation endpoint send the browser
	// back with error=Deny and an Entra-style error_description instead of
	// a code.
	Deny string
}

// Provider is a running fake OpenID provider for one client.
type Provider struct {
	t                testing.TB
	srv              *httptest.Server
	clientID, secret string

	mu    sync.Mutex
	b     Behaviour
	codes map[string]authRequest // single use: deleted when redeemed
}

// authRequest is what the token endpoint checks a code against.
type authRequest struct {
	challenge, nonce, redirect string
}

// New starts a provider for the client clientID with the client secret
// secret, signing with a fresh key under the key id "key-1" and with no
// claims beyond the required ones. It is stopped when the test ends.
func New(t testing.TB, clientID, secret string) *Provider {
	t.Helper()
	p := &Provider{t: t, clientID: clientID, secret: secret, codes: map[string]authRequest{},
		b: Behaviour{Key: NewKey(t), KeyID: "key-1"}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /keys", p.keys)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

// NewKey returns a new 2048-bit RSA key.
func NewKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// URL returns the provider's issuer URL (no trailing slash).
func (p *Provider) URL() string { return p.srv.URL }

// Set changes what the provider does next, under its lock.
func (p *Provider) Set(f func(*Behaviour)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(&p.b)
}

// Close stops the provider, to simulate an outage. It blocks until the
// requests in flight are answered.
func (p *Provider) Close() { p.srv.Close() }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (p *Provider) discovery(w http.ResponseWriter, r *http.Request) {
	u := p.srv.URL
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer": u, "authorization_endpoint": u + "/authorize", "token_endpoint": u + "/token", "jwks_uri": u + "/keys",
		"response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"}, "code_challenge_methods_supported": []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
	})
}

func (p *Provider) keys(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	writeJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &p.b.Key.PublicKey, KeyID: p.b.KeyID, Algorithm: "RS256", Use: "sig"}}})
}

// authorize approves at once: a well-formed request for this client goes
// back to its redirect URI with a code (or with Behaviour.Deny's error) and
// the state. A malformed one gets 400 and never reaches the redirect URI.
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	back, err := url.Parse(q.Get("redirect_uri"))
	switch {
	case q.Get("response_type") != "code", q.Get("client_id") != p.clientID, q.Get("redirect_uri") == "", err != nil,
		q.Get("code_challenge_method") != "S256", q.Get("code_challenge") == "", q.Get("nonce") == "",
		!strings.Contains(" "+q.Get("scope")+" ", " openid "):
		http.Error(w, "bad authorisation request", http.StatusBadRequest)
		return
	}
	bq := back.Query()
	p.mu.Lock()
	if p.b.Deny != "" {
		bq.Set("error", p.b.Deny)
		bq.Set("error_description", "AADSTS65004: User declined to consent to access the app.")
	} else {
		code := rand.Text()
		p.codes[code] = authRequest{challenge: q.Get("code_challenge"), nonce: q.Get("nonce"), redirect: q.Get("redirect_uri")}
		bq.Set("code", code)
	}
	p.mu.Unlock()
	bq.Set("state", q.Get("state"))
	back.RawQuery = bq.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// token redeems a code once, for the client authenticated either with
// client_secret_basic or client_secret_post, when the redirect URI and the
// PKCE verifier match the authorisation request.
func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.b.TokenStatus != 0 {
		writeJSON(w, p.b.TokenStatus, map[string]string{"error": "temporarily_unavailable"})
		return
	}
	r.ParseForm()
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != p.clientID || secret != p.secret {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	code := r.PostForm.Get("code")
	req, ok := p.codes[code]
	delete(p.codes, code)
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	if !ok || r.PostForm.Get("grant_type") != "authorization_code" || r.PostForm.Get("redirect_uri") != req.redirect ||
		base64.RawURLEncoding.EncodeToString(sum[:]) != req.challenge {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
		return
	}
	now := time.Now()
	c := map[string]any{"iss": p.srv.URL, "aud": p.clientID, "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "nonce": req.nonce}
	maps.Copy(c, p.b.Claims)
	if p.b.Tamper != nil {
		p.b.Tamper(c)
	}
	key := p.b.Key
	if p.b.SignWith != nil {
		key = p.b.SignWith
	}
	raw, err := sign(key, p.b.KeyID, c)
	if err != nil {
		p.t.Errorf("oidctest: sign the ID token: %v", err)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "server_error"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"access_token": rand.Text(), "token_type": "Bearer", "expires_in": 300, "id_token": raw})
}

// sign returns the claims as a compact RS256 JWT with the key id kid.
func sign(key *rsa.PrivateKey, kid string, claims map[string]any) (string, error) {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}
