package app

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"

	"kuulu/internal/auth"
	"kuulu/internal/web"
)

// newSSO configures single sign-on when an issuer is set: it checks the
// settings and discovers the provider, so that a misconfiguration stops the
// server at start rather than at the first sign-in. It returns nil (and no
// error) when KUULU_OIDC_ISSUER is empty.
func newSSO(ctx context.Context, cfg Config) (web.SSO, error) {
	issuer := strings.TrimSpace(cfg.OIDCIssuer)
	if issuer == "" {
		return nil, nil
	}
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("KUULU_OIDC_ISSUER / -oidc-issuer: want an https:// URL such as https://login.microsoftonline.com/{tenant-id}/v2.0, got %q", issuer)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("KUULU_OIDC_ISSUER / -oidc-issuer: the issuer must use https (http is accepted only for localhost), got %q", issuer)
	}
	if strings.TrimSpace(cfg.OIDCClientID) == "" {
		return nil, fmt.Errorf("KUULU_OIDC_CLIENT_ID / -oidc-client-id is required when KUULU_OIDC_ISSUER is set")
	}
	claim := strings.TrimSpace(cfg.OIDCSubject)
	if claim == "" {
		claim = "sub"
	}
	if strings.ContainsAny(claim, " ,|") {
		return nil, fmt.Errorf("KUULU_OIDC_SUBJECT_CLAIM / -oidc-subject-claim: want one claim name such as sub or oid, got %q", cfg.OIDCSubject)
	}
	base, err := url.Parse(cfg.BaseURL)
	if err != nil || base.Host == "" || (base.Scheme != "https" && base.Scheme != "http") {
		return nil, fmt.Errorf("KUULU_BASE_URL / -base-url: single sign-on needs the public address (the redirect URI is built from it), got %q", cfg.BaseURL)
	}
	o, err := auth.NewOIDC(ctx, auth.OIDCConfig{
		Issuer:       issuer,
		ClientID:     strings.TrimSpace(cfg.OIDCClientID),
		ClientSecret: cfg.OIDCSecret,
		RedirectURL:  cfg.BaseURL + "/auth/oidc/callback",
		SubjectClaim: claim,
		Scopes:       strings.FieldsFunc(cfg.OIDCScopes, func(r rune) bool { return r == ' ' || r == ',' }),
	})
	if err != nil {
		return nil, fmt.Errorf("single sign-on (KUULU_OIDC_ISSUER=%s): %w; check the issuer URL and that this server can reach it", issuer, err)
	}
	return o, nil
}

// isLoopback reports whether host is localhost or a loopback address.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
