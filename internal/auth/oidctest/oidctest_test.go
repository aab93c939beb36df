package oidctest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The relying party in internal/auth always authenticates with
// client_secret_basic and sends well-formed requests, so the other paths
// are checked here.

const redirect = "https://rp.test/callback"

var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func authQuery(verifier string) url.Values {
	sum := sha256.Sum256([]byte(verifier))
	return url.Values{"response_type": {"code"}, "client_id": {"c"}, "redirect_uri": {redirect}, "scope": {"openid email"},
		"state": {"st"}, "nonce": {"n"}, "code_challenge_method": {"S256"}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}}
}

// code runs the authorisation endpoint and returns its status and the code sent back.
func code(t *testing.T, p *Provider, q url.Values) (int, string) {
	t.Helper()
	res, err := noRedirects.Get(p.URL() + "/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	back, _ := url.Parse(res.Header.Get("Location"))
	return res.StatusCode, back.Query().Get("code")
}

func TestAuthorizeRefusesMalformedRequests(t *testing.T) {
	p := New(t, "c", "s")
	for _, drop := range []string{"response_type", "client_id", "redirect_uri", "scope", "nonce", "code_challenge_method", "code_challenge"} {
		q := authQuery("v")
		q.Del(drop)
		if status, _ := code(t, p, q); status != http.StatusBadRequest {
			t.Errorf("without %s: status %d", drop, status)
		}
	}
	q := authQuery("v")
	q.Set("scope", "email profile")
	if status, _ := code(t, p, q); status != http.StatusBadRequest {
		t.Errorf("without openid in scope: status %d", status)
	}
}

func TestTokenClientAuthentication(t *testing.T) {
	p := New(t, "c", "s")
	p.Set(func(b *Behaviour) { b.Claims = map[string]any{"sub": "u"} })
	const verifier = "the-verifier-0123456789012345678901234567890123"
	for _, tc := range []struct {
		name       string
		basic      bool
		id, secret string
		want       int
	}{
		{"client_secret_basic", true, "c", "s", http.StatusOK},
		{"client_secret_post", false, "c", "s", http.StatusOK},
		{"wrong secret (basic)", true, "c", "x", http.StatusUnauthorized},
		{"wrong secret (post)", false, "c", "x", http.StatusUnauthorized},
		{"another client", false, "d", "s", http.StatusUnauthorized},
	} {
		_, c := code(t, p, authQuery(verifier))
		form := url.Values{"grant_type": {"authorization_code"}, "code": {c}, "redirect_uri": {redirect}, "code_verifier": {verifier}}
		if !tc.basic {
			form.Set("client_id", tc.id)
			form.Set("client_secret", tc.secret)
		}
		req, _ := http.NewRequest(http.MethodPost, p.URL()+"/token", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if tc.basic {
			req.SetBasicAuth(tc.id, tc.secret)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			IDToken string `json:"id_token"`
		}
		json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		if res.StatusCode != tc.want || (tc.want == http.StatusOK) != (body.IDToken != "") {
			t.Errorf("%s: status %d, id token %q", tc.name, res.StatusCode, body.IDToken)
		}
	}
}
