package web

import (
	"net/http"
	"strings"

	"kuulu/internal/auth"
	"kuulu/internal/domain"
)

// HandlerFunc is a handler that returns an error for the adapter to render.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Route is one registered route: a Go 1.22 ServeMux pattern ("GET /admin/units/{id}")
// and who may call it.
type Route struct {
	Pattern string
	Policy  auth.Policy
}

// Router registers routes on a standard ServeMux and remembers each route's
// policy, so that authorisation is declared once per route and checked in one
// place before the handler runs.
type Router struct {
	s      *Server
	mux    *http.ServeMux
	routes []Route
}

func newRouter(s *Server) *Router {
	r := &Router{s: s, mux: http.NewServeMux()}
	// Anything that no route matches gets the translated 404 page, or 405
	// when the path exists for another method.
	r.mux.Handle("/", s.adapt(r.notFound))
	return r
}

func (r *Router) notFound(w http.ResponseWriter, req *http.Request) error {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if m == req.Method {
			continue
		}
		probe := req.Clone(req.Context())
		probe.Method = m
		if _, pattern := r.mux.Handler(probe); pattern != "/" && pattern != "" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		return &domain.Error{Code: domain.EMETHOD, Key: "err.method", Message: req.Method + " not allowed"}
	}
	return errNotFound
}

// Handle registers pattern with a policy and a handler.
func (r *Router) Handle(pattern string, p auth.Policy, h HandlerFunc) {
	r.routes = append(r.routes, Route{Pattern: pattern, Policy: p})
	r.mux.Handle(pattern, r.s.authorize(p, r.s.adapt(h)))
}

// HandleRaw registers a plain http.Handler (static files, metrics).
func (r *Router) HandleRaw(pattern string, p auth.Policy, h http.Handler) {
	r.routes = append(r.routes, Route{Pattern: pattern, Policy: p})
	r.mux.Handle(pattern, r.s.authorize(p, h))
}

// authorize enforces a route's policy: anonymous visitors of a closed page are
// sent to sign in (HTML) or get 401; signed-in people without the role get 403.
func (s *Server) authorize(p auth.Policy, next http.Handler) http.Handler {
	if p == auth.Public {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := requestInfo(r)
		if p.Allows(info.Person) {
			next.ServeHTTP(w, r)
			return
		}
		if info.Person == nil {
			if r.Method == http.MethodGet && !wantsJSON(r) {
				http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.renderError(w, r, errUnauthorized)
			return
		}
		s.renderError(w, r, errForbidden)
	})
}

func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json") && !strings.Contains(r.Header.Get("Accept"), "text/html")
}
