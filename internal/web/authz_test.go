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
	// staffRoles pass auth.Staff: everyone signed in but management-only.
	staffRoles = []string{"staff", "supervisor", "coordinator", "admin"}
	// coordinators pass auth.Coordinator: participation coordinators and administrators.
	coordinators = []string{"coordinator", "admin"}
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
	// Background jobs (admin_jobs.go); the test database has no job rows,
	// so "run now" answers 404 to the admin.
	"GET /admin/jobs":             {"/admin/jobs", adminOnly},
	"POST /admin/jobs/{name}/run": {"/admin/jobs/housekeeping/run", adminOnly},
	// The outbox (admin_messages.go); message 999999999 does not exist: 404
	// for the admin. "Send all again" with no filter re-queues the failed
	// messages (none in the demo data) and redirects.
	"GET /admin/messages":               {"/admin/messages", adminOnly},
	"GET /admin/messages/{id}":          {"/admin/messages/999999999", adminOnly},
	"POST /admin/messages/{id}/retry":   {"/admin/messages/999999999/retry", adminOnly},
	"POST /admin/messages/retry-failed": {"/admin/messages/retry-failed", adminOnly},
	// The county's feedback rules (admin_settings.go); the empty form is 422.
	"GET /admin/settings":  {"/admin/settings", adminOnly},
	"POST /admin/settings": {"/admin/settings", adminOnly},

	// Public feedback (public_feedback.go, kiosk.go, poster.go,
	// status_page.go, published.go): open to everyone, no sign-in. Empty
	// POSTs fail validation (422) or hit the rate limit (429). Staff quick
	// entry (staff_entry.go): auth.Staff; feedback 999999999 does not exist.
	"GET /p/saavutettavuus":              {"/p/saavutettavuus", everyone},
	"POST /p/saavutettavuus":             {"/p/saavutettavuus", everyone},
	"GET /p/{slug}":                      {"/p/kajaanin-terveysasema", everyone},
	"POST /p/{slug}":                     {"/p/kajaanin-terveysasema", everyone},
	"GET /p/{slug}/kiitos/{code}":        {"/p/kajaanin-terveysasema/kiitos/K7QM4XZ29P6", everyone},
	"GET /p/{slug}/juliste":              {"/p/kajaanin-terveysasema/juliste", everyone},
	"GET /p/{slug}/qr.png":               {"/p/kajaanin-terveysasema/qr.png", everyone},
	"GET /p/{slug}/julkaistut":           {"/p/kajaanin-terveysasema/julkaistut", everyone},
	"GET /k/{slug}":                      {"/k/kajaanin-terveysasema", everyone},
	"POST /k/{slug}":                     {"/k/kajaanin-terveysasema", everyone},
	"GET /k/{slug}/kiitos":               {"/k/kajaanin-terveysasema/kiitos", everyone},
	"GET /t":                             {"/t", everyone},
	"GET /t/{code}":                      {"/t/K7QM4XZ29P6", everyone},
	"GET /palaute":                       {"/palaute", everyone},
	"GET /staff/feedback/new":            {"/staff/feedback/new", staffRoles},
	"POST /staff/feedback/new":           {"/staff/feedback/new", staffRoles},
	"GET /staff/feedback/{id}/handover":  {"/staff/feedback/999999999/handover", staffRoles},
	"POST /staff/feedback/{id}/handover": {"/staff/feedback/999999999/handover", staffRoles},
	"GET /staff/feedback/{id}/slip":      {"/staff/feedback/999999999/slip", staffRoles},

	// Feedback handling (inbox*.go, reply_templates.go, overdue.go). The
	// policies are the route-level gate; per-item rules (canHandle) are in
	// inbox_test.go. Item 999999999 does not exist: 404 for every allowed role.
	"GET /inbox":                        {"/inbox", signedIn},
	"GET /inbox/{id}":                   {"/inbox/999999999", signedIn},
	"POST /inbox/{id}/original":         {"/inbox/999999999/original", []string{"staff", "supervisor", "coordinator", "admin"}},
	"POST /inbox/{id}/triage":           {"/inbox/999999999/triage", []string{"supervisor", "coordinator", "admin"}},
	"POST /inbox/{id}/status":           {"/inbox/999999999/status", []string{"staff", "supervisor", "coordinator", "admin"}},
	"POST /inbox/{id}/reply":            {"/inbox/999999999/reply", []string{"staff", "supervisor", "coordinator", "admin"}},
	"POST /inbox/{id}/publish":          {"/inbox/999999999/publish", []string{"staff", "supervisor", "coordinator", "admin"}},
	"POST /inbox/{id}/unpublish":        {"/inbox/999999999/unpublish", []string{"staff", "supervisor", "coordinator", "admin"}},
	"GET /inbox/templates":              {"/inbox/templates", []string{"supervisor", "coordinator", "admin"}},
	"POST /inbox/templates":             {"/inbox/templates", []string{"supervisor", "coordinator", "admin"}},
	"GET /inbox/templates/{id}":         {"/inbox/templates/999999999", []string{"supervisor", "coordinator", "admin"}},
	"POST /inbox/templates/{id}/edit":   {"/inbox/templates/999999999/edit", []string{"supervisor", "coordinator", "admin"}},
	"POST /inbox/templates/{id}/delete": {"/inbox/templates/999999999/delete", []string{"supervisor", "coordinator", "admin"}},
	"GET /overdue":                      {"/overdue", []string{"coordinator", "management", "admin"}},

	// Open311 API keys (admin) and the Open311 API (public; POST
	// requests.json needs an API key that the API checks itself, answering
	// 403 in its own format, so the matrix posts to a read-only resource).
	"GET /admin/apikeys":              {"/admin/apikeys", adminOnly},
	"POST /admin/apikeys":             {"/admin/apikeys", adminOnly},
	"POST /admin/apikeys/{id}/revoke": {"/admin/apikeys/1/revoke", adminOnly},
	"GET /open311/v2/{file}":          {"/open311/v2/services.json", everyone},
	"POST /open311/v2/{file}":         {"/open311/v2/services.json", everyone},
	"GET /open311/v2/services/{file}": {"/open311/v2/services/praise.xml", everyone},
	"GET /open311/v2/requests/{file}": {"/open311/v2/requests/0000000000Z.json", everyone},
	"GET /open311/":                   {"/open311/nothing", everyone},
	"POST /open311/":                  {"/open311/nothing", everyone},

	// Participant pages of conversations (conversation_public.go,
	// conversation_vote.go): public, no account. The demo data has no
	// conversation, so the slug answers 404 to everyone; who may answer
	// what is tested in conversation_public_test.go.
	"GET /keskustelut":                    {"/keskustelut", everyone},
	"GET /keskustelut/{slug}":             {"/keskustelut/ei-ole", everyone},
	"POST /keskustelut/{slug}/vote":       {"/keskustelut/ei-ole/vote", everyone},
	"POST /keskustelut/{slug}/statements": {"/keskustelut/ei-ole/statements", everyone},

	// Coordinators' conversation pages, moderation, map and report
	// (conversation_admin.go, conversation_moderation.go, opinion_map.go,
	// conversation_report.go): auth.Coordinator. Conversation 999999999
	// does not exist (404 for the allowed); the empty create form is 422.
	// The public map and report are public routes that decide inside (the
	// participant's answers, the report's visibility): the unknown slug is
	// 404 to everyone; their rules are tested in conversation_report_test.go.
	"GET /coordinator/conversations":                              {"/coordinator/conversations", coordinators},
	"GET /coordinator/conversations/new":                          {"/coordinator/conversations/new", coordinators},
	"POST /coordinator/conversations":                             {"/coordinator/conversations", coordinators},
	"GET /coordinator/conversations/{id}":                         {"/coordinator/conversations/999999999", coordinators},
	"POST /coordinator/conversations/{id}":                        {"/coordinator/conversations/999999999", coordinators},
	"POST /coordinator/conversations/{id}/statements":             {"/coordinator/conversations/999999999/statements", coordinators},
	"POST /coordinator/conversations/{id}/close":                  {"/coordinator/conversations/999999999/close", coordinators},
	"GET /coordinator/conversations/{id}/moderation":              {"/coordinator/conversations/999999999/moderation", coordinators},
	"POST /coordinator/conversations/{id}/moderation":             {"/coordinator/conversations/999999999/moderation", coordinators},
	"POST /coordinator/conversations/{id}/participants/{pid}/ban": {"/coordinator/conversations/999999999/participants/1/ban", coordinators},
	"GET /coordinator/conversations/{id}/map":                     {"/coordinator/conversations/999999999/map", coordinators},
	"GET /coordinator/conversations/{id}/report":                  {"/coordinator/conversations/999999999/report", coordinators},
	"GET /coordinator/conversations/{id}/report.csv":              {"/coordinator/conversations/999999999/report.csv", coordinators},
	"GET /coordinator/conversations/{id}/export.zip":              {"/coordinator/conversations/999999999/export.zip", coordinators},
	"GET /coordinator/conversations/{id}/summary":                 {"/coordinator/conversations/999999999/summary?of=A", coordinators},
	"GET /keskustelut/{slug}/kartta":                              {"/keskustelut/ei-ole/kartta", everyone},
	"GET /keskustelut/{slug}/raportti":                            {"/keskustelut/ei-ole/raportti", everyone},
	"GET /keskustelut/{slug}/report.csv":                          {"/keskustelut/ei-ole/report.csv", everyone},
	"GET /keskustelut/{slug}/export.zip":                          {"/keskustelut/ei-ole/export.zip", everyone},
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
