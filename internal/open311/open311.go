// Package open311 is Kuulu's Open311 GeoReport v2 API at /open311/v2/, so
// that existing civic-feedback clients can send feedback and follow it:
//
//	GET  services.{json|xml}                    the kinds of feedback
//	GET  services/{service_code}.{json|xml}     their questions (unit, score)
//	POST requests.{json|xml}                    send feedback (api_key required)
//	GET  requests.{json|xml}                    published feedback, or by ids
//	GET  requests/{service_request_id}.{json|xml}
//
// A feedback kind is a service (service_code praise, idea, criticism,
// question, accessibility); a service request is a feedback item and its
// service_request_id is the tracking code. Submissions go through
// intake.Intake like every other channel (Channel open311). Everything the
// API shows of a giver's text is the masked copy, and a formal objection's
// text is never shown. The differences from the specification are listed in
// docs/open311.md.
//
// The handlers are plain http.Handlers; the web layer mounts them through
// its router (so they appear in the authorisation matrix as public routes)
// and passes in what only it knows, such as the client's address.
package open311

import (
	"crypto/sha256"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // dates are in Europe/Helsinki even where the system lacks zone data
	"unicode/utf8"

	"kuulu/internal/domain"
	"kuulu/internal/i18n"
	"kuulu/internal/intake"
	"kuulu/internal/store"
)

// Config is what the API needs.
type Config struct {
	DB      *store.DB
	Intake  *intake.Intake
	Cat     *i18n.Catalog
	Log     *slog.Logger
	BaseURL string // for the status page link in service_notice
	// EnvKeys are API keys provisioned by configuration
	// (KUULU_OPEN311_API_KEYS), valid besides the keys administrators issue.
	EnvKeys []string
	// ClientIP returns the client's address for rate limiting.
	ClientIP func(*http.Request) string
	// PostLimit submissions per client address per RateWindow (default 120).
	PostLimit int
	// LookupLimit tracking-code lookups per client address per RateWindow
	// (default 300).
	LookupLimit int
	// RateWindow is the rate limit window (default 10 minutes).
	RateWindow time.Duration
	// MaxBody caps a POST body (default 128 KiB: 5,000 characters of
	// description percent-encoded fit comfortably).
	MaxBody int64
}

// API serves the Open311 endpoints.
type API struct {
	cfg       Config
	db        *store.DB
	cat       *i18n.Catalog
	log       *slog.Logger
	envHashes [][sha256.Size]byte
}

// New returns the API for cfg, with defaults filled in.
func New(cfg Config) *API {
	if cfg.PostLimit <= 0 {
		cfg.PostLimit = 120
	}
	if cfg.LookupLimit <= 0 {
		cfg.LookupLimit = 300
	}
	if cfg.RateWindow <= 0 {
		cfg.RateWindow = 10 * time.Minute
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 128 << 10
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.ClientIP == nil {
		cfg.ClientIP = func(r *http.Request) string { return r.RemoteAddr }
	}
	a := &API{cfg: cfg, db: cfg.DB, cat: cfg.Cat, log: cfg.Log}
	for _, k := range cfg.EnvKeys {
		if k = strings.TrimSpace(k); k != "" {
			a.envHashes = append(a.envHashes, sha256.Sum256([]byte(k)))
		}
	}
	return a
}

// Route is one ServeMux pattern and its handler.
type Route struct {
	Pattern string
	Handler http.Handler
}

// Prefix is where the API lives.
const Prefix = "/open311/v2/"

// Routes lists the API's routes. ServeMux wildcards are whole path
// segments, so "services.json" is one {file} and the handlers split off the
// format. The two catch-alls answer anything else under /open311/ with an
// Open311 404 in JSON.
func (a *API) Routes() []Route {
	return []Route{
		{"GET " + Prefix + "{file}", http.HandlerFunc(a.serveTop)},
		{"POST " + Prefix + "{file}", http.HandlerFunc(a.serveTop)},
		{"GET " + Prefix + "services/{file}", http.HandlerFunc(a.serveServiceDefinition)},
		{"GET " + Prefix + "requests/{file}", http.HandlerFunc(a.serveRequest)},
		{"GET /open311/", http.HandlerFunc(a.serveNotFound)},
		{"POST /open311/", http.HandlerFunc(a.serveNotFound)},
	}
}

// splitFile splits "requests.json" into "requests" and its format. An
// unknown suffix is not ok.
func splitFile(file string) (string, format, bool) {
	i := strings.LastIndexByte(file, '.')
	if i <= 0 {
		return file, formatJSON, false
	}
	switch format(file[i+1:]) {
	case formatJSON:
		return file[:i], formatJSON, true
	case formatXML:
		return file[:i], formatXML, true
	}
	return file[:i], formatJSON, false
}

// locale reads the six-city extension's locale parameter ("fi", "sv",
// "en", also "sv_FI" or "en-GB"); Finnish when absent or unknown.
func locale(r *http.Request) domain.Lang {
	s := r.URL.Query().Get("locale")
	if r.Form != nil && r.Form.Get("locale") != "" {
		s = r.Form.Get("locale")
	}
	base, _, _ := strings.Cut(strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "_", "-"), "-")
	l, _ := domain.ParseLang(base)
	return l
}

func (a *API) serveNotFound(w http.ResponseWriter, r *http.Request) {
	a.fail(w, r, formatJSON, locale(r), errNotFound)
}

// serveTop dispatches services.{fmt} and requests.{fmt}.
func (a *API) serveTop(w http.ResponseWriter, r *http.Request) {
	name, f, ok := splitFile(r.PathValue("file"))
	lang := locale(r)
	if !ok {
		a.fail(w, r, formatJSON, lang, errNotFound)
		return
	}
	switch {
	case name == "services" && r.Method == http.MethodPost:
		a.fail(w, r, f, lang, errOf(http.StatusMethodNotAllowed, "open311.err.method"))
	case name == "services":
		a.services(w, r, f, lang)
	case name == "requests" && r.Method == http.MethodPost:
		a.createRequest(w, r, f)
	case name == "requests":
		a.listRequests(w, r, f, lang)
	default:
		a.fail(w, r, f, lang, errNotFound)
	}
}

// rateLimit counts one request from the client's address in a fixed
// window; the counters are in the database, so the limit holds across
// instances.
func (a *API) rateLimit(r *http.Request, name string, limit int) (*apiError, error) {
	n, until, err := a.db.Hit(r.Context(), name+":"+a.cfg.ClientIP(r), a.cfg.RateWindow)
	if err != nil {
		return nil, err
	}
	if n > limit {
		e := errOf(http.StatusTooManyRequests, "open311.err.rate_limited")
		e.retryAfter = int(until.Sub(a.db.Now()).Seconds()) + 1
		return &e, nil
	}
	return nil, nil
}

// keyValid reports whether key opens POST: a key provisioned by
// configuration (compared in constant time) or an issued, unrevoked key. It
// also returns which key, for the log: "config" or the issued key's id.
func (a *API) keyValid(r *http.Request, key string) (string, bool, error) {
	if key == "" {
		return "", false, nil
	}
	h := sha256.Sum256([]byte(key))
	match := 0
	for _, e := range a.envHashes {
		match |= subtle.ConstantTimeCompare(h[:], e[:])
	}
	if match == 1 {
		return "config", true, nil
	}
	k, ok, err := a.db.UseAPIKey(r.Context(), key)
	return strconv.FormatInt(k.ID, 10), ok, err
}

// clip shortens a value echoed in an error description.
func clip(s string) string {
	const max = 60
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max]) + "…"
}
