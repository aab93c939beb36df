// Package web is Kuulu's HTTP layer: the server, middleware, the error
// adapter, templates and static assets, and one file of handlers per page or
// capability. Handlers return errors; one adapter (errors.go) turns them into
// an HTML page or JSON with the right status.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"kuulu/internal/auth"
	"kuulu/internal/domain"
	"kuulu/internal/i18n"
	"kuulu/internal/intake"
	"kuulu/internal/store"
)

// Config is what the web layer needs to know about its deployment.
type Config struct {
	BaseURL string // public address used in links, e.g. https://kuulu.example.fi
	// Secure marks cookies Secure; true when BaseURL is https.
	Secure bool
	// Argon2 cost of new password hashes.
	Argon2 auth.Argon2Params
	// MaxBodyBytes caps request bodies (default 1 MiB; uploads have their own cap).
	MaxBodyBytes int64
	// TrustProxy makes the client address come from X-Forwarded-For (behind a load balancer).
	TrustProxy bool
	// Version is shown in /healthz.
	Version string
	// SSO, when set, enables single sign-on (auth.OIDC implements it).
	SSO SSO
	// Open311APIKeys are Open311 API keys provisioned by configuration
	// (KUULU_OPEN311_API_KEYS), valid besides those administrators issue.
	Open311APIKeys []string
	// NoRateLimit turns off the per-address rate limits of the public
	// endpoints. It is for load tests only (kuulu loadtest), where one
	// machine's address would otherwise be throttled; it is never set from
	// the environment.
	NoRateLimit bool
}

// SSO is a single sign-on flow: send the browser to the identity provider,
// then turn the callback's code into a verified identity.
type SSO interface {
	// AuthURL is where to send the browser; state, nonce and the PKCE verifier
	// are stored server-side until the callback.
	AuthURL(state, nonce, verifier string) string
	// Exchange redeems the code and verifies the ID token (issuer, audience,
	// signature, expiry, nonce).
	Exchange(ctx context.Context, code, verifier, nonce string) (auth.Identity, error)
}

// Server holds the dependencies of every handler. It has no mutable state
// that matters across requests: several instances can serve one database.
type Server struct {
	cfg      Config
	db       *store.DB
	cat      *i18n.Catalog
	log      *slog.Logger
	clock    domain.Clock
	sessions *auth.Sessions
	login    *auth.Login
	tmpl     *templates
	assets   *assets
	metrics  *metrics
	router   *Router
	started  time.Time
	county   atomic.Value // cachedCounty
	oidc     SSO
	intake   *intake.Intake
	pages    *pageCache
}

// New builds a server: parses templates and assets (failing fast on errors)
// and registers every route.
func New(cfg Config, db *store.DB, cat *i18n.Catalog, log *slog.Logger) (*Server, error) {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.Argon2 == (auth.Argon2Params{}) {
		cfg.Argon2 = auth.DefaultArgon2
	}
	s := &Server{cfg: cfg, db: db, cat: cat, log: log, clock: db.Clock, started: time.Now()}
	s.oidc = cfg.SSO
	s.sessions = auth.NewSessions(db, cfg.Secure)
	s.pages = newPageCache(10*time.Second, time.Minute)
	s.pages.gen = db.LookupGeneration
	s.intake = &intake.Intake{DB: db, Cat: cat, BaseURL: cfg.BaseURL}
	s.login = auth.NewLogin(db, cfg.Argon2)
	var err error
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if s.tmpl, err = parseTemplates(s.funcs()); err != nil {
		return nil, err
	}
	s.metrics = newMetrics()
	s.router = newRouter(s)
	s.routes(s.router)
	return s, nil
}

// Routes lists every registered route with its policy (for the authorisation test).
func (s *Server) Routes() []Route { return s.router.routes }

// Handler returns the whole application with its middleware.
func (s *Server) Handler() http.Handler {
	var h http.Handler = s.router.mux
	h = s.withSession(h)
	h = s.withLang(h)
	h = s.crossOrigin(h)
	h = s.withLimits(h)
	h = s.withSecurityHeaders(h)
	h = s.withRecover(h)
	h = s.withLogging(h)
	h = s.withRequestInfo(h)
	return h
}
