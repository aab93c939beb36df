package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// The people of the matrix: anonymous and one demo login per role.
var matrixRoles = []struct{ name, email string }{
	{"anonymous", ""},
	{"staff", "hoitaja@kainuu.example"},
	{"supervisor", "esihenkilo@kainuu.example"},
	{"coordinator", "koordinaattori@kainuu.example"},
	{"management", "johto@kainuu.example"},
	{"admin", "admin@kainuu.example"},
}

var (
	everyone  = []string{"anonymous", "staff", "supervisor", "coordinator", "management", "admin"}
	signedIn  = []string{"staff", "supervisor", "coordinator", "management", "admin"}
	adminOnly = []string{"admin"}
)

// routeMatrix lists every route with an example request and exactly who may
// call it. A route registered without an entry here fails the test.
var routeMatrix = map[string]struct {
	path    string
	allowed []string
}{
	"GET /static/":                {"/static/x/kuulu.css", everyone},
	"GET /healthz":                {"/healthz", everyone},
	"GET /readyz":                 {"/readyz", everyone},
	"GET /metrics":                {"/metrics", everyone},
	"GET /{$}":                    {"/", everyone},
	"GET /login":                  {"/login", everyone},
	"POST /login":                 {"/login", everyone},
	"POST /logout":                {"/logout", everyone},
	"GET /auth/oidc/start":        {"/auth/oidc/start", everyone},
	"GET /auth/oidc/callback":     {"/auth/oidc/callback", everyone},
	"GET /saavutettavuusseloste":  {"/saavutettavuusseloste", everyone},
	"GET /admin/accessibility":    {"/admin/accessibility", adminOnly},
	"POST /admin/accessibility":   {"/admin/accessibility", adminOnly},
	"GET /account":                {"/account", signedIn},
	"POST /account/password":      {"/account/password", signedIn},
	"GET /admin/units":            {"/admin/units", adminOnly},
	"GET /admin/units/new":        {"/admin/units/new", adminOnly},
	"POST /admin/units":           {"/admin/units", adminOnly},
	"GET /admin/units/{id}":       {"/admin/units/1", adminOnly},
	"POST /admin/units/{id}":      {"/admin/units/1", adminOnly},
	"GET /admin/units/import":     {"/admin/units/import", adminOnly},
	"POST /admin/units/import":    {"/admin/units/import", adminOnly},
	"GET /admin/units/export.csv": {"/admin/units/export.csv", adminOnly},
	"GET /admin/areas/new":        {"/admin/areas/new", adminOnly},
	"POST /admin/areas":           {"/admin/areas", adminOnly},
	"GET /admin/areas/{id}":       {"/admin/areas/1", adminOnly},
	"POST /admin/areas/{id}":      {"/admin/areas/1", adminOnly},
	"POST /admin/county":          {"/admin/county", adminOnly},
	"GET /admin/people":           {"/admin/people", adminOnly},
	"GET /admin/people/new":       {"/admin/people/new", adminOnly},
	"POST /admin/people":          {"/admin/people", adminOnly},
	"GET /admin/people/{id}":      {"/admin/people/1", adminOnly},
	"POST /admin/people/{id}":     {"/admin/people/1", adminOnly},
	"GET /admin/audit":            {"/admin/audit", adminOnly},
}

// TestAuthorizationMatrix calls every route as anonymous and as every role
// and asserts exactly the allowed set. POSTs carry an empty form, so allowed
// calls fail validation and change nothing.
func TestAuthorizationMatrix(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		seen := map[string]bool{}
		for _, rt := range e.srv.Routes() {
			seen[rt.Pattern] = true
			if _, ok := routeMatrix[rt.Pattern]; !ok {
				t.Errorf("route %q has no entry in routeMatrix: add one with exactly who may call it", rt.Pattern)
			}
		}
		for p := range routeMatrix {
			if !seen[p] {
				t.Errorf("routeMatrix has %q but no such route is registered", p)
			}
		}
		for _, role := range matrixRoles {
			c := e.client()
			if role.email != "" {
				c.login(role.email)
			}
			for pattern, m := range routeMatrix {
				method, _, _ := strings.Cut(pattern, " ")
				if pattern == "POST /logout" {
					continue // ends the session; covered by TestLoginLogout
				}
				var r resp
				if method == "GET" {
					r = c.get(m.path)
				} else {
					r = c.post(m.path, url.Values{})
				}
				denied := r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden ||
					(r.Status == http.StatusSeeOther && strings.HasPrefix(r.Location, "/login"))
				want := slices.Contains(m.allowed, role.name)
				if want == denied {
					t.Errorf("%s as %s: status %d (location %q); allowed = %v", pattern, role.name, r.Status, r.Location, want)
				}
				if r.Status >= 500 {
					t.Errorf("%s as %s: status %d", pattern, role.name, r.Status)
				}
			}
		}
	})
}
