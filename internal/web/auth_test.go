package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"kuulu/internal/demo"
	"kuulu/internal/store"
)

func TestLoginLogout(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		c := e.client()
		if r := c.get("/admin/units"); r.Status != http.StatusSeeOther || r.Location != "/login?next=%2Fadmin%2Funits" {
			t.Fatalf("anonymous admin page: %d %q", r.Status, r.Location)
		}
		r := c.post("/login", url.Values{"email": {"ADMIN@kainuu.example "}, "password": {demo.DefaultPassword}, "next": {"/admin/units"}})
		if r.Status != http.StatusSeeOther || r.Location != "/admin/units" {
			t.Fatalf("login: %d %q", r.Status, r.Location)
		}
		var cookie *http.Cookie
		for _, ck := range (&http.Response{Header: r.Header}).Cookies() {
			if ck.Name == "kuulu_session" {
				cookie = ck
			}
		}
		if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
			t.Fatalf("session cookie = %+v, want HttpOnly SameSite=Lax", cookie)
		}
		if r := c.get("/admin/units"); r.Status != http.StatusOK || !strings.Contains(r.Body, "Kajaanin terveysasema") {
			t.Fatalf("admin page after login: %d", r.Status)
		}
		if r := c.post("/logout", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("logout: %d", r.Status)
		}
		if r := c.get("/admin/units"); r.Status != http.StatusSeeOther {
			t.Fatalf("after logout: %d, want redirect to login", r.Status)
		}
		// The old cookie value no longer works either: the session row is gone.
		c2 := e.client()
		u, _ := url.Parse(e.ts.URL)
		c2.http.Jar.SetCookies(u, []*http.Cookie{{Name: "kuulu_session", Value: cookie.Value}})
		if r := c2.get("/admin/units"); r.Status != http.StatusSeeOther {
			t.Fatalf("replayed cookie after logout: %d", r.Status)
		}
		var entries []store.AuditEntry
		e.db.Read(t.Context(), func(tx *store.Tx) error {
			var err error
			entries, err = tx.AuditLog(t.Context(), store.AuditFilter{Action: "auth."})
			return err
		})
		if len(entries) != 2 || entries[0].Action != "auth.logout" || entries[1].Action != "auth.login" {
			t.Errorf("audit = %+v, want login and logout", entries)
		}
	})
}

func TestLoginFailuresAndThrottle(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		c := e.client()
		r := c.post("/login", url.Values{"email": {"admin@kainuu.example"}, "password": {"wrong password!"}})
		if r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, "Sähköposti tai salasana on väärin") {
			t.Fatalf("wrong password: %d", r.Status)
		}
		if strings.Contains(r.Body, "wrong password!") {
			t.Error("the password was echoed back")
		}
		if r := c.post("/login", url.Values{"email": {""}, "password": {""}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `class="error-summary"`) {
			t.Fatalf("empty form: %d", r.Status)
		}
		for i := 0; i < 4; i++ {
			c.post("/login", url.Values{"email": {"admin@kainuu.example"}, "password": {"still wrong"}})
		}
		// Five failures: even the right password is refused until the window passes.
		r = c.post("/login", url.Values{"email": {"admin@kainuu.example"}, "password": {demo.DefaultPassword}})
		if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
			t.Fatalf("throttled login: %d retry-after %q", r.Status, r.Header.Get("Retry-After"))
		}
		e.clock.Advance(16 * time.Minute)
		c.login("admin@kainuu.example")
	})
}

func TestSessionExpiry(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		c := e.client()
		c.login("admin@kainuu.example")
		e.clock.Advance(7 * time.Hour)
		if r := c.get("/account"); r.Status != http.StatusOK {
			t.Fatalf("within idle time: %d", r.Status)
		}
		e.clock.Advance(7 * time.Hour) // used 7 h ago: still within the 8 h idle window, but past the 12 h absolute cap
		if r := c.get("/account"); r.Status != http.StatusSeeOther {
			t.Fatalf("after the absolute lifetime: %d, want redirect to login", r.Status)
		}
		c.login("admin@kainuu.example")
		e.clock.Advance(8*time.Hour + time.Minute)
		if r := c.get("/account"); r.Status != http.StatusSeeOther {
			t.Fatalf("after the idle time: %d, want redirect to login", r.Status)
		}
	})
}

func TestCrossSiteRequestsRefused(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		c := e.client()
		c.login("admin@kainuu.example")
		form := url.Values{"county_fi": {"Hyökkääjän alue"}}
		for _, h := range []map[string]string{
			{"Sec-Fetch-Site": "cross-site"},
			{"Origin": "https://evil.example"},
		} {
			req, _ := http.NewRequest("POST", e.ts.URL+"/admin/county", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range h {
				req.Header.Set(k, v)
			}
			if r := c.do(req); r.Status != http.StatusForbidden {
				t.Errorf("cross-site POST with %v: %d, want 403", h, r.Status)
			}
		}
		cn, err := e.db.County(t.Context())
		if err != nil || cn.Name.FI != "Kainuun hyvinvointialue" {
			t.Fatalf("county changed by a cross-site request: %+v %v", cn, err)
		}
		if r := c.post("/admin/county", form); r.Status != http.StatusSeeOther {
			t.Fatalf("same-site POST: %d", r.Status)
		}
	})
}

func TestDeactivatedPersonIsSignedOut(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *testEnv) {
		staff := e.client()
		staff.login("hoitaja@kainuu.example")
		var id int64
		e.db.Read(t.Context(), func(tx *store.Tx) error {
			p, err := tx.PersonByEmail(t.Context(), "hoitaja@kainuu.example")
			id = p.ID
			return err
		})
		admin := e.client()
		admin.login("admin@kainuu.example")
		r := admin.post("/admin/people/"+itoa(int(id)), url.Values{"name": {"Jenni Tervo"}, "email": {"hoitaja@kainuu.example"}, "role": {"staff"}, "lang": {"fi"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("deactivate: %d\n%s", r.Status, r.Body)
		}
		if r := staff.get("/account"); r.Status != http.StatusSeeOther {
			t.Fatalf("deactivated person's session still works: %d", r.Status)
		}
		if r := staff.post("/login", url.Values{"email": {"hoitaja@kainuu.example"}, "password": {demo.DefaultPassword}}); r.Status != http.StatusUnauthorized {
			t.Fatalf("deactivated person can sign in: %d", r.Status)
		}
	})
}
