package web

import (
	"net/http"
	"strings"

	"kuulu/internal/auth"
	"kuulu/internal/domain"
	"kuulu/internal/org"
)

// routes registers every route with its policy. Each capability has its own
// registration function in its own file.
func (s *Server) routes(r *Router) {
	r.HandleRaw("GET /static/", auth.Public, s.assets)
	r.Handle("GET /healthz", auth.Public, s.healthz)
	r.Handle("GET /readyz", auth.Public, s.readyz)
	r.HandleRaw("GET /metrics", auth.Public, s.metrics.handler())
	r.Handle("GET /{$}", auth.Public, s.home)
	s.authRoutes(r)
	s.ssoRoutes(r)
	s.accessibilityRoutes(r)
	s.accountRoutes(r)
	s.orgRoutes(r)
	s.peopleRoutes(r)
	s.auditRoutes(r)
	s.jobsRoutes(r) // background jobs (admin_jobs.go)
	s.messagesRoutes(r)
	s.settingsRoutes(r) // the county's feedback rules (admin_settings.go)
	s.publicFeedbackRoutes(r)
	s.kioskRoutes(r)
	s.posterRoutes(r)
	s.statusRoutes(r)
	s.publishedRoutes(r)
	s.staffEntryRoutes(r)
	s.inboxRoutes(r)
	s.apiKeyRoutes(r)
	s.open311Routes(r)
	s.conversationRoutes(r) // participant pages of conversations (conversation_public.go)
	s.conversationAdminRoutes(r)
}

// nav is the main navigation for the signed-in person's roles.
func (s *Server) nav(path string, p *org.Person) []navItem {
	if p == nil {
		return nil
	}
	items := []navItem{{Href: "/", Key: "nav.home"}}
	if auth.Staff.Allows(p) {
		items = append(items, navItem{Href: "/staff/feedback/new", Key: "public.nav.quick_entry"})
	}
	items = append(items, navItem{Href: "/inbox", Key: "nav.inbox"})
	if auth.Reader.Allows(p) {
		items = append(items, navItem{Href: "/overdue", Key: "nav.overdue"})
	}
	if auth.Coordinator.Allows(p) {
		items = append(items, navItem{Href: "/coordinator/conversations", Key: "nav.conversations_admin"})
	}
	if auth.Admin.Allows(p) {
		items = append(items,
			navItem{Href: "/admin/units", Key: "nav.org"},
			navItem{Href: "/admin/people", Key: "nav.people"},
			navItem{Href: "/admin/audit", Key: "nav.audit"},
			navItem{Href: "/admin/jobs", Key: "nav.jobs"},
			navItem{Href: "/admin/messages", Key: "nav.messages"},
			navItem{Href: "/admin/apikeys", Key: "nav.apikeys"},
			navItem{Href: "/admin/settings", Key: "nav.settings"},
			navItem{Href: "/admin/accessibility", Key: "nav.accessibility"})
	}
	best := -1
	for i, it := range items {
		if it.Href == path || (it.Href != "/" && strings.HasPrefix(path, it.Href)) {
			best = i
		}
	}
	if best >= 0 {
		items[best].Current = true
	}
	return items
}

type homePage struct {
	Roles      []domain.Role
	Supervised []org.Unit
	HomeUnit   *org.Unit
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	p := requestInfo(r).Person
	var d homePage
	if p != nil {
		d.Roles = p.Roles()
		err := s.db.Read(r.Context(), func(tx *storeTx) error {
			var err error
			if ids := p.SupervisedUnits(); len(ids) > 0 {
				if d.Supervised, err = tx.Units(r.Context(), unitFilterIDs(ids)); err != nil {
					return err
				}
			}
			if p.UnitID != 0 {
				u, err := tx.Unit(r.Context(), p.UnitID)
				if err != nil {
					return err
				}
				d.HomeUnit = &u
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	s.render(w, r, http.StatusOK, "home.html", d)
	return nil
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
	return nil
}

// readyz answers 200 only when the database answers, so a load balancer stops
// sending traffic to an instance that has lost its database.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	if err := s.db.Ping(r.Context()); err != nil {
		s.log.Warn("readyz: database not reachable", "err", err)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unreachable\n"))
		return nil
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ready\n"))
	return nil
}
