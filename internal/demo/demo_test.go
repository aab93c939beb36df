package demo

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"kuulu/internal/auth"
	"kuulu/internal/domain"
	"kuulu/internal/org"
	"kuulu/internal/store"
)

// cheap keeps password hashing out of the test time.
var cheap = auth.Argon2Params{Memory: 64, Time: 1, Threads: 1}

// contents is everything a load wrote, as read back from the database.
type contents struct {
	county domain.Text
	areas  []org.ServiceArea
	units  []org.Unit
	people []org.Person
	pages  map[domain.Lang]store.Page
}

func read(t testing.TB, db *store.DB) contents {
	t.Helper()
	ctx := context.Background()
	var c contents
	if county, err := db.County(ctx); err == nil {
		c.county = county.Name
	} else if !domain.IsNotFound(err) {
		t.Fatal(err)
	}
	err := db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if c.areas, err = tx.ServiceAreas(ctx); err != nil {
			return err
		}
		if c.units, err = tx.Units(ctx, store.UnitFilter{}); err != nil {
			return err
		}
		if c.people, _, err = tx.People(ctx, store.PersonFilter{Limit: 10000}); err != nil {
			return err
		}
		c.pages = map[domain.Lang]store.Page{}
		for _, l := range domain.Langs {
			p, err := tx.Page(ctx, AccessibilitySlug, l)
			if err == nil {
				c.pages[l] = p
			} else if !domain.IsNotFound(err) {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// snapshot renders the contents without timestamps and password hashes, for comparison.
func (c contents) snapshot() []string {
	slug := map[int64]string{}
	area := map[int64]string{}
	for _, a := range c.areas {
		area[a.ID] = a.Slug
	}
	var out []string
	for _, u := range c.units {
		slug[u.ID] = u.Slug
		out = append(out, fmt.Sprintf("unit %d %s %s %v %s %s %s", u.ID, u.Slug, area[u.ServiceAreaID], u.Name, u.Municipality, u.StreetAddress, u.PostalCode))
	}
	for _, p := range c.people {
		var grants []string
		for _, g := range p.Grants {
			grants = append(grants, string(g.Role)+":"+slug[g.UnitID])
		}
		out = append(out, fmt.Sprintf("person %d %s %s %s %s %s %v", p.ID, p.Email, p.Name, p.Title, p.Lang, slug[p.UnitID], grants))
	}
	return out
}

func load(t testing.TB, db *store.DB, opts Options) Summary {
	t.Helper()
	if opts.Argon2 == (auth.Argon2Params{}) {
		opts.Argon2 = cheap
	}
	sum, err := Load(context.Background(), db, opts)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return sum
}

func TestLoad(t *testing.T) {
	store.EachDB(t, func(t *testing.T, db *store.DB) {
		sum := load(t, db, Options{})
		t.Log(sum)
		c := read(t, db)

		if c.county != countyName {
			t.Errorf("county = %v", c.county)
		}
		if len(c.areas) != 5 || sum.ServiceAreas != 5 {
			t.Errorf("%d service areas (summary %d), want 5", len(c.areas), sum.ServiceAreas)
		}
		if n := len(c.units); n < 25 || n > 35 || n != sum.Units {
			t.Errorf("%d units (summary %d), want 25–35", n, sum.Units)
		}
		if n := len(c.people); n < 190 || n > 220 || n != sum.People {
			t.Errorf("%d people (summary %d), want 190–220", n, sum.People)
		}
		var used []string
		for _, u := range c.units {
			if !slices.Contains(used, u.Municipality) {
				used = append(used, u.Municipality)
			}
		}
		slices.Sort(used)
		want := slices.Sorted(slices.Values(org.Municipalities))
		if !slices.Equal(used, want) || sum.Municipalities != 8 {
			t.Errorf("municipalities %v (summary %d), want %v", used, sum.Municipalities, want)
		}

		roles := map[domain.Role]int{}
		supervised := map[int64]int{}
		unitIDs := map[int64]bool{}
		for _, u := range c.units {
			unitIDs[u.ID] = true
		}
		for _, p := range c.people {
			for _, r := range p.Roles() {
				roles[r]++
			}
			for _, u := range p.SupervisedUnits() {
				supervised[u]++
			}
			if p.Has(domain.RoleStaff) && !unitIDs[p.UnitID] {
				t.Errorf("staff member %s has no home unit", p.Email)
			}
			if p.PasswordHash == "" || !p.Active {
				t.Errorf("%s: no password or not active", p.Email)
			}
		}
		for _, u := range c.units {
			if supervised[u.ID] == 0 {
				t.Errorf("unit %s has no supervisor", u.Slug)
			}
		}
		if roles[domain.RoleCoordinator] != 2 || roles[domain.RoleManagement] < 1 || roles[domain.RoleAdmin] != 1 {
			t.Errorf("roles %v: want 2 coordinators, ≥1 management, 1 admin", roles)
		}
		got := map[domain.Role]int{domain.RoleStaff: sum.Staff, domain.RoleSupervisor: sum.Supervisors,
			domain.RoleCoordinator: sum.Coordinators, domain.RoleManagement: sum.Management, domain.RoleAdmin: sum.Admins}
		for r, n := range got {
			if roles[r] != n {
				t.Errorf("summary says %d %s, database has %d", n, r, roles[r])
			}
		}
		if len(c.pages) != 3 || sum.Pages != 3 {
			t.Errorf("%d accessibility pages (summary %d), want 3", len(c.pages), sum.Pages)
		}

		// Loading again does nothing.
		again := load(t, db, Options{})
		if !again.Skipped || again.People != 0 {
			t.Errorf("second load: %+v, want skipped", again)
		}
		if after := read(t, db); !slices.Equal(after.snapshot(), c.snapshot()) {
			t.Error("second load changed the data")
		}
	})
}

func TestDemoLogins(t *testing.T) {
	store.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		load(t, db, Options{})
		health, other := "", ""
		err := db.Read(ctx, func(tx *store.Tx) error {
			kh, err := tx.UnitBySlug(ctx, kajaaniHealthCentre)
			if err != nil {
				return err
			}
			health = kh.Name.FI
			for _, l := range DemoLogins {
				p, err := tx.PersonByEmail(ctx, l.Email)
				if err != nil {
					return fmt.Errorf("%s: %w", l.Email, err)
				}
				if !slices.Equal(p.Roles(), []domain.Role{l.Role}) {
					t.Errorf("%s has roles %v, want %s", l.Email, p.Roles(), l.Role)
				}
				if ok, err := auth.VerifyPassword(DefaultPassword, p.PasswordHash); err != nil || !ok {
					t.Errorf("%s: password does not verify (%v)", l.Email, err)
				}
				switch l.Role {
				case domain.RoleSupervisor:
					units := p.SupervisedUnits()
					if len(units) != 2 || (units[0] != kh.ID && units[1] != kh.ID) {
						t.Errorf("%s supervises %v, want %d and one other", l.Email, units, kh.ID)
					}
					for _, id := range units {
						if u, err := tx.Unit(ctx, id); err == nil && id != kh.ID {
							other = u.Name.FI
						}
					}
					fallthrough
				case domain.RoleStaff:
					if p.UnitID != kh.ID {
						t.Errorf("%s has home unit %d, want %d", l.Email, p.UnitID, kh.ID)
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("esihenkilo@ leads %s and %s", health, other)
	})
}

func TestPasswordOption(t *testing.T) {
	store.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := Load(ctx, db, Options{Password: "short", Argon2: cheap}); err == nil {
			t.Error("a password shorter than the minimum was accepted")
		}
		load(t, db, Options{Password: "another-demo-password"})
		c := read(t, db)
		p := c.people[len(c.people)/2] // a generated person
		if ok, _ := auth.VerifyPassword("another-demo-password", p.PasswordHash); !ok {
			t.Errorf("%s: Options.Password does not verify", p.Email)
		}
		if ok, _ := auth.VerifyPassword(DefaultPassword, p.PasswordHash); ok {
			t.Errorf("%s: the default password verifies although another was given", p.Email)
		}
	})
}

func TestSkipsNonEmptyDatabase(t *testing.T) {
	store.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		err := db.Write(ctx, func(tx *store.Tx) error {
			p := org.Person{Email: "real.admin@example.org", Name: "Real Admin", Active: true, Grants: []org.Grant{{Role: domain.RoleAdmin}}}
			return tx.SavePerson(ctx, &p)
		})
		if err != nil {
			t.Fatal(err)
		}
		sum := load(t, db, Options{})
		if !sum.Skipped {
			t.Errorf("Load into a database with people: %+v, want skipped", sum)
		}
		c := read(t, db)
		if len(c.people) != 1 || len(c.units) != 0 || len(c.areas) != 0 || len(c.pages) != 0 {
			t.Errorf("Load wrote into a non-empty database: %d people, %d units", len(c.people), len(c.units))
		}
	})
}

// TestConcurrentLoad starts two loads at once, as two instances started with
// demo data would: one loads, the other reports that it skipped.
func TestConcurrentLoad(t *testing.T) {
	store.EachDB(t, func(t *testing.T, db *store.DB) {
		sums := make(chan Summary, 2)
		errs := make(chan error, 2)
		for range 2 {
			go func() {
				sum, err := Load(context.Background(), db, Options{Argon2: cheap})
				sums <- sum
				errs <- err
			}()
		}
		loaded := 0
		for range 2 {
			if err := <-errs; err != nil {
				t.Errorf("Load: %v", err)
			}
			if !(<-sums).Skipped {
				loaded++
			}
		}
		if loaded != 1 {
			t.Errorf("%d loads wrote data, want 1", loaded)
		}
		if n := len(read(t, db).people); n < 190 || n > 220 {
			t.Errorf("%d people after two concurrent loads", n)
		}
	})
}

func TestDeterministic(t *testing.T) {
	a, b, c := store.TestDatabases(t), store.TestDatabases(t), store.TestDatabases(t)
	for name := range a {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			open := func(u string, seed int64) []string {
				db := store.OpenTest(t, u)
				load(t, db, Options{Seed: seed})
				return read(t, db).snapshot()
			}
			first, same, other := open(a[name], 7), open(b[name], 7), open(c[name], 8)
			if !slices.Equal(first, same) {
				for i := range min(len(first), len(same)) {
					if first[i] != same[i] {
						t.Fatalf("same seed, different data:\n%s\n%s", first[i], same[i])
					}
				}
				t.Fatalf("same seed, %d and %d rows", len(first), len(same))
			}
			if slices.Equal(first, other) {
				t.Error("seeds 7 and 8 gave the same data")
			}
		})
	}
}

// BenchmarkLoad measures a whole load into a fresh SQLite database, with the
// production password hash cost and with the cheap test cost.
func BenchmarkLoad(b *testing.B) {
	for _, bc := range []struct {
		name   string
		argon2 auth.Argon2Params
	}{{"argon2=default", auth.DefaultArgon2}, {"argon2=cheap", cheap}} {
		b.Run(bc.name, func(b *testing.B) {
			ctx := context.Background()
			for b.Loop() {
				b.StopTimer()
				db := store.OpenTest(b, b.TempDir()+"/kuulu.db")
				b.StartTimer()
				if _, err := Load(ctx, db, Options{Argon2: bc.argon2}); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				db.Close()
				b.StartTimer()
			}
		})
	}
}
