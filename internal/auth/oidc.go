package auth

// Staff single sign-on with OpenID Connect.
//
// Settings (environment variable / flag, see README):
//
//	KUULU_OIDC_ISSUER         issuer URL; setting it turns single sign-on on.
//	                          Entra ID: https://login.microsoftonline.com/{tenant-id}/v2.0
//	KUULU_OIDC_CLIENT_ID      the application (client) id registered at the provider
//	KUULU_OIDC_CLIENT_SECRET  the client secret; empty for a public client (PKCE only)
//	KUULU_OIDC_SUBJECT_CLAIM  the claim that identifies a person: sub (default);
//	                          oid for Entra ID (stable across applications of the tenant)
//	KUULU_OIDC_SCOPES         default "openid email profile"
//
// The redirect URI to register at the provider is {KUULU_BASE_URL}/auth/oidc/callback.
//
// The flow is the authorisation code flow with PKCE (S256) and a nonce. The
// provider's endpoints come from its discovery document and its signing keys
// from its JWKS (refetched when a token names an unknown key, so key rollover
// needs no restart). An ID token is accepted only when its signature, issuer,
// audience (the client id; azp when there are several audiences), expiry and
// nonce are right and it carries the subject claim.
//
// A person is identified by "issuer|claim value", so identities of different
// providers never collide. Sign-in never creates accounts: the web layer
// finds the person by that subject or, on the first sign-in, by email among
// people an administrator has already created.
//
// Suomi.fi e-Identification (OIDC) for residents is planned as a separate
// provider with its own subject (the national identity code is never used as
// the subject in clear).

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// OIDCConfig configures NewOIDC.
type OIDCConfig struct {
	// Issuer is the provider's issuer URL, exactly as its discovery document states it.
	Issuer string
	// ClientID and ClientSecret are the client's registration at the provider.
	// The secret may be empty for a public client.
	ClientID     string
	ClientSecret string
	// RedirectURL is the callback address registered at the provider.
	RedirectURL string
	// SubjectClaim names the claim that identifies a person: "sub" (the
	// default) or "oid" for Entra ID.
	SubjectClaim string
	// Scopes to ask for; "openid" is always included. Default: openid email profile.
	Scopes []string
	// HTTPClient talks to the provider (discovery, keys, token endpoint).
	// Default: a client with a 10-second timeout.
	HTTPClient *http.Client
}

// OIDC is an OpenID Connect relying party for staff single sign-on. It is
// safe for concurrent use and keeps no per-flow state: the state, nonce and
// PKCE verifier are stored by the caller between AuthURL and Exchange.
type OIDC struct {
	issuer   string
	clientID string
	claim    string
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
	client   *http.Client
}

// ErrProviderUnavailable marks an Exchange that failed because the identity
// provider could not be reached or answered with a server error, as opposed
// to a sign-in it refused or a token that failed verification.
var ErrProviderUnavailable = errors.New("identity provider unavailable")

// NewOIDC discovers the provider at cfg.Issuer and returns a relying party.
// It fails when the provider cannot be reached or its discovery document
// names another issuer.
func NewOIDC(ctx context.Context, cfg OIDCConfig) (*OIDC, error) {
	if cfg.Issuer == "" {
		return nil, errors.New("oidc: issuer is required")
	}
	if cfg.ClientID == "" {
		return nil, errors.New("oidc: client id is required")
	}
	if cfg.RedirectURL == "" {
		return nil, errors.New("oidc: redirect URL is required")
	}
	claim := strings.TrimSpace(cfg.SubjectClaim)
	if claim == "" {
		claim = "sub"
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	// The client travels in the context: go-oidc keeps it for fetching keys later.
	dctx, cancel := context.WithTimeout(oidc.ClientContext(ctx, client), 30*time.Second)
	defer cancel()
	provider, err := oidc.NewProvider(dctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("oidc: discover %s: %w", cfg.Issuer, err)
	}
	var meta struct {
		AuthMethods []string `json:"token_endpoint_auth_methods_supported"`
	}
	_ = provider.Claims(&meta) // optional metadata; the default below is safe
	scopes := []string{oidc.ScopeOpenID}
	for _, s := range cfg.Scopes {
		if s != "" && !slices.Contains(scopes, s) {
			scopes = append(scopes, s)
		}
	}
	if len(cfg.Scopes) == 0 {
		scopes = append(scopes, "email", "profile")
	}
	ep := provider.Endpoint()
	ep.AuthStyle = authStyle(cfg.ClientSecret, meta.AuthMethods)
	return &OIDC{
		issuer:   cfg.Issuer,
		clientID: cfg.ClientID,
		claim:    claim,
		client:   client,
		oauth: oauth2.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			RedirectURL:  cfg.RedirectURL,
			Endpoint:     ep,
			Scopes:       scopes,
		},
		verifier: provider.Verifier(&oidc.Config{ClientID: cfg.ClientID}),
	}, nil
}

// authStyle picks how the client authenticates at the token endpoint, so
// that a refused code costs one request rather than oauth2's trial of both
// styles. Public clients send only their id in the form.
func authStyle(secret string, methods []string) oauth2.AuthStyle {
	if secret == "" {
		return oauth2.AuthStyleInParams
	}
	// client_secret_basic is the default when the provider does not say.
	if len(methods) == 0 || slices.Contains(methods, "client_secret_basic") {
		return oauth2.AuthStyleInHeader
	}
	if slices.Contains(methods, "client_secret_post") {
		return oauth2.AuthStyleInParams
	}
	return oauth2.AuthStyleAutoDetect
}

// Issuer returns the issuer URL the relying party trusts.
func (o *OIDC) Issuer() string { return o.issuer }

// AuthURL returns the provider's authorisation address for one sign-in:
// the state and nonce, and the S256 challenge of the PKCE verifier.
func (o *OIDC) AuthURL(state, nonce, verifier string) string {
	return o.oauth.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier))
}

// Exchange redeems an authorisation code with its PKCE verifier, verifies
// the ID token (signature against the provider's keys, issuer, audience,
// expiry) and its nonce, and returns the identity. Errors carry provider
// detail for the log; they are not meant to be shown to users. An error
// wrapping ErrProviderUnavailable means the provider could not be reached.
func (o *OIDC) Exchange(ctx context.Context, code, verifier, nonce string) (Identity, error) {
	if code == "" || verifier == "" || nonce == "" {
		return Identity{}, errors.New("oidc: code, verifier and nonce are required")
	}
	ctx = oidc.ClientContext(ctx, o.client)
	tok, err := o.oauth.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode < 500 {
			return Identity{}, fmt.Errorf("oidc: token endpoint refused the code: %w", err)
		}
		return Identity{}, fmt.Errorf("oidc: token endpoint: %w: %w", ErrProviderUnavailable, err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return Identity{}, errors.New("oidc: token response has no id_token")
	}
	return o.verify(ctx, raw, nonce)
}

// verify checks a raw ID token and turns it into an Identity.
func (o *OIDC) verify(ctx context.Context, raw, nonce string) (Identity, error) {
	idt, err := o.verifier.Verify(ctx, raw)
	if err != nil {
		return Identity{}, fmt.Errorf("oidc: verify id token: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return Identity{}, errors.New("oidc: id token nonce does not match")
	}
	var c map[string]any
	if err := idt.Claims(&c); err != nil {
		return Identity{}, fmt.Errorf("oidc: id token claims: %w", err)
	}
	// With several audiences the token must name this client as the
	// authorised party (OpenID Connect Core 3.1.3.7).
	azp, _ := c["azp"].(string)
	if (len(idt.Audience) > 1 || azp != "") && azp != o.clientID {
		return Identity{}, fmt.Errorf("oidc: id token authorised party %q is not this client", azp)
	}
	sub := strings.TrimSpace(stringClaim(c, o.claim))
	if sub == "" {
		return Identity{}, fmt.Errorf("oidc: id token has no %q claim", o.claim)
	}
	id := Identity{Subject: o.issuer + "|" + sub, Name: strings.TrimSpace(stringClaim(c, "name"))}
	id.Email = strings.ToLower(strings.TrimSpace(stringClaim(c, "email")))
	if id.Email == "" {
		// Entra ID puts the sign-in name (usually the work email) in preferred_username.
		if pu := strings.ToLower(strings.TrimSpace(stringClaim(c, "preferred_username"))); strings.Contains(pu, "@") {
			id.Email = pu
		}
	}
	// An address the provider says it has not verified must not match a
	// pre-provisioned person: that would let anyone claim any account.
	if v, ok := c["email_verified"]; ok && (v == false || v == "false") {
		id.Email = ""
	}
	return id, nil
}

// stringClaim returns a claim that is a string, or "".
func stringClaim(c map[string]any, name string) string {
	s, _ := c[name].(string)
	return s
}
