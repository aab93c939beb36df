package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"kuulu/internal/domain"
	"kuulu/internal/org"
)

// reqInfo is what middleware learns about a request, carried in its context.
type reqInfo struct {
	ID     string
	IP     string
	Lang   domain.Lang
	Person *org.Person
	Start  time.Time
}

type ctxKey struct{}

func requestInfo(r *http.Request) *reqInfo {
	if v, ok := r.Context().Value(ctxKey{}).(*reqInfo); ok {
		return v
	}
	return &reqInfo{Lang: domain.Finnish}
}

func newRequestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Server) clientIP(r *http.Request) string {
	if s.cfg.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			first, _, _ := strings.Cut(xff, ",")
			if ip := net.ParseIP(strings.TrimSpace(first)); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) withRequestInfo(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if len(id) < 8 || len(id) > 64 || strings.ContainsFunc(id, func(c rune) bool { return c < '!' || c > '~' }) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		info := &reqInfo{ID: id, IP: s.clientIP(r), Lang: domain.Finnish, Start: time.Now()}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, info)))
	})
}

// statusWriter records the status for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) withLogging(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		info := requestInfo(r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(info.Start)
		s.metrics.observe(r, sw.status, d)
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" || r.URL.Path == "/metrics" {
			return
		}
		lvl := slog.LevelInfo
		if sw.status >= 500 {
			lvl = slog.LevelError
		}
		// The query string is left out: it may carry tracking codes or search terms.
		s.log.LogAttrs(r.Context(), lvl, "request", slog.String("request_id", info.ID), slog.String("method", r.Method),
			slog.String("path", r.URL.Path), slog.Int("status", sw.status), slog.Int("bytes", sw.bytes),
			slog.Duration("duration", d), slog.String("ip", info.IP))
	})
}

func (s *Server) withRecover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("panic", "request_id", requestInfo(r).ID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				s.renderError(w, r, fmt.Errorf("panic: %v", p))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// withSecurityHeaders sets a strict content security policy: our own scripts,
// styles and images only, no framing.
func (s *Server) withSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		if s.cfg.Secure {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// withLimits caps bodies and rejects URLs that are not valid UTF-8.
func (s *Server) withLimits(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !utf8.ValidString(r.URL.Path) || !utf8.ValidString(r.URL.RawQuery) {
			s.renderError(w, r, &domain.Error{Code: domain.EINVALID, Key: "err.bad_encoding", Message: "invalid UTF-8 in URL"})
			return
		}
		if q, err := url.QueryUnescape(r.URL.RawQuery); err == nil && !utf8.ValidString(q) {
			s.renderError(w, r, &domain.Error{Code: domain.EINVALID, Key: "err.bad_encoding", Message: "invalid UTF-8 in query"})
			return
		}
		if r.ContentLength > s.cfg.MaxBodyBytes && !strings.HasSuffix(r.URL.Path, "/import") {
			s.renderError(w, r, errTooLarge)
			return
		}
		limit := s.cfg.MaxBodyBytes
		if strings.HasSuffix(r.URL.Path, "/import") {
			limit = 6 << 20
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// crossOrigin rejects cross-site state-changing requests (CSRF) using the
// browser's Sec-Fetch-Site and Origin headers (Go 1.25 CrossOriginProtection).
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	// The Open311 API authenticates POSTs with an api_key, not a cookie, so a
	// cross-site request cannot ride on anyone's session: browser clients on
	// other sites may use it.
	cop.AddInsecureBypassPattern("POST /open311/v2/")
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, &domain.Error{Code: domain.EFORBIDDEN, Key: "err.cross_origin", Message: "cross-origin request refused"})
	}))
	return cop.Handler(next)
}

const langCookie = "kuulu_lang"

// withLang picks the language: ?lang= (remembered in a cookie), the cookie,
// then the browser's Accept-Language, then Finnish.
func (s *Server) withLang(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := requestInfo(r)
		if l, ok := domain.ParseLang(r.URL.Query().Get("lang")); ok {
			info.Lang = l
			http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode})
		} else if c, err := r.Cookie(langCookie); err == nil {
			info.Lang, _ = domain.ParseLang(c.Value)
		} else {
			info.Lang = acceptLanguage(r.Header.Get("Accept-Language"))
		}
		next.ServeHTTP(w, r)
	})
}

func acceptLanguage(h string) domain.Lang {
	best, bestQ := domain.Finnish, -1.0
	for _, part := range strings.Split(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			fmt.Sscanf(v, "%g", &q)
		}
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if l, ok := domain.ParseLang(base); ok && q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}

func (s *Server) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Static files and probes never need the session: skip the database.
		if strings.HasPrefix(r.URL.Path, "/static/") || r.URL.Path == "/healthz" || r.URL.Path == "/readyz" || r.URL.Path == "/metrics" {
			next.ServeHTTP(w, r)
			return
		}
		p, err := s.sessions.Lookup(r.Context(), r)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		requestInfo(r).Person = p
		next.ServeHTTP(w, r)
	})
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
