// Package demo fills an empty database with deterministic demo data: a
// fictional wellbeing services county modelled on Kainuu, its service areas
// and units in eight municipalities, about two hundred staff with their roles,
// fixed demo logins, the accessibility statement and two years of client
// feedback in every state of handling (feedback.go).
//
// The same seed always gives the same county, units, people, names, emails,
// titles and roles (ids too, on a fresh database); only timestamps and the
// salt of the shared password hash differ between loads.
package demo

import (
	"cmp"
	"context"
	"fmt"

	"kuulu/internal/auth"
	"kuulu/internal/domain"
	"kuulu/internal/org"
	"kuulu/internal/store"
)

// DefaultPassword is the password of every demo person unless Options.Password is set.
const DefaultPassword = "kuulu-demo-2026"

// Options configure Load. The zero value is ready to use.
type Options struct {
	// Seed chooses the generated people; 0 means 1.
	Seed int64
	// Password of every demo person; "" means DefaultPassword.
	Password string
	// Argon2 are the cost parameters of the password hash; the zero value
	// means auth.DefaultArgon2. Tests pass cheap parameters.
	Argon2 auth.Argon2Params
	// FeedbackItems is how many feedback items to generate over the two
	// years before the database clock's now; 0 means DefaultFeedbackItems,
	// a negative number none.
	FeedbackItems int
}

// Summary tells what Load created.
type Summary struct {
	// Skipped is true when the database already held people or units and
	// Load wrote nothing; the counts are then zero.
	Skipped bool
	Seed    int64

	ServiceAreas   int
	Units          int
	Municipalities int // distinct municipalities of the units
	Pages          int // page languages written (the accessibility statement)

	People int
	// People holding each role. Every person holds exactly one role.
	Staff, Supervisors, Coordinators, Management, Admins int

	Feedback FeedbackCounts
}

// String describes the summary in one line, for start-up logs.
func (s Summary) String() string {
	if s.Skipped {
		return "demo data not loaded: the database already has people or units"
	}
	return fmt.Sprintf("demo data (seed %d): %d service areas, %d units in %d municipalities, %d people "+
		"(staff %d, supervisors %d, coordinators %d, management %d, administrators %d), %d pages; %s",
		s.Seed, s.ServiceAreas, s.Units, s.Municipalities, s.People,
		s.Staff, s.Supervisors, s.Coordinators, s.Management, s.Admins, s.Pages, s.Feedback)
}

// Load fills an empty database with the demo data for opts.Seed in one write
// transaction.
//
// A database that already holds people, service areas or units is left
// untouched: Load returns a Summary with Skipped set and a nil error, so that
// a server started with demo data can be restarted on the same database. The
// same happens when another instance loads the demo data at the same moment
// (on PostgreSQL the loser's transaction hits the unique slugs and rolls back).
func Load(ctx context.Context, db *store.DB, opts Options) (Summary, error) {
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if opts.Password == "" {
		opts.Password = DefaultPassword
	}
	if opts.Argon2 == (auth.Argon2Params{}) {
		opts.Argon2 = auth.DefaultArgon2
	}
	if err := auth.ValidatePassword(opts.Password); err != nil {
		return Summary{}, fmt.Errorf("demo password: %w", err)
	}
	skipped := Summary{Skipped: true, Seed: opts.Seed}

	// Check before hashing, so that a restart does not spend an argon2 hash.
	empty, err := isEmpty(ctx, db)
	if err != nil {
		return Summary{}, fmt.Errorf("load demo data: %w", err)
	}
	if !empty {
		return skipped, nil
	}
	// One hash for everybody: two hundred argon2 hashes would take seconds.
	hash, err := auth.HashPassword(opts.Password, opts.Argon2)
	if err != nil {
		return Summary{}, fmt.Errorf("demo password: %w", err)
	}
	p := newPlan(opts.Seed)

	var sum Summary
	err = db.Write(ctx, func(tx *store.Tx) error {
		// Check again in the transaction: another instance may have loaded
		// meanwhile (on SQLite the write lock is held from here on).
		if empty, err := emptyTx(ctx, tx); err != nil || !empty {
			sum = skipped
			return err
		}
		if sum, err = p.write(ctx, tx, hash, opts.Seed); err != nil || opts.FeedbackItems < 0 {
			return err
		}
		// In the same transaction: a demo county is loaded whole or not at all.
		sum.Feedback, err = writeFeedback(ctx, tx, opts.Seed, cmp.Or(opts.FeedbackItems, DefaultFeedbackItems), p)
		return err
	})
	if domain.ErrorCode(err) == domain.ECONFLICT {
		if empty, e := isEmpty(ctx, db); e == nil && !empty {
			return skipped, nil
		}
	}
	if err != nil {
		return Summary{}, fmt.Errorf("load demo data: %w", err)
	}
	return sum, nil
}

func isEmpty(ctx context.Context, db *store.DB) (empty bool, err error) {
	err = db.Read(ctx, func(tx *store.Tx) error {
		empty, err = emptyTx(ctx, tx)
		return err
	})
	return empty, err
}

// emptyTx reports whether the database has no people and no organisation:
// demo data must never mix with a real county's.
func emptyTx(ctx context.Context, tx *store.Tx) (bool, error) {
	n, err := tx.CountPeople(ctx)
	if err != nil || n > 0 {
		return false, err
	}
	var orgRows int
	err = tx.QueryRow(ctx, "SELECT (SELECT COUNT(*) FROM service_areas) + (SELECT COUNT(*) FROM units)").Scan(&orgRows)
	return orgRows == 0, err
}

// write stores the plan with hash as everybody's password hash.
func (p *plan) write(ctx context.Context, tx *store.Tx, hash string, seed int64) (Summary, error) {
	sum := Summary{Seed: seed}
	if err := tx.SetCounty(ctx, countyName); err != nil {
		return sum, err
	}
	areaIDs := map[string]int64{}
	for i, s := range areas {
		a := org.ServiceArea{Slug: s.slug, Name: s.name, SortOrder: i + 1}
		if err := a.Validate(); err != nil {
			return sum, fmt.Errorf("service area %s: %w", s.slug, err)
		}
		if err := tx.SaveServiceArea(ctx, &a); err != nil {
			return sum, fmt.Errorf("service area %s: %w", s.slug, err)
		}
		areaIDs[a.Slug] = a.ID
		sum.ServiceAreas++
	}

	unitIDs := make([]int64, len(p.units))
	municipalities := map[string]bool{}
	for i := range p.units {
		u := p.units[i]
		u.ServiceAreaID = areaIDs[p.area[i]]
		if err := u.Validate(); err != nil {
			return sum, fmt.Errorf("unit %s: %w", u.Slug, err)
		}
		if err := tx.SaveUnit(ctx, &u); err != nil {
			return sum, fmt.Errorf("unit %s: %w", u.Slug, err)
		}
		unitIDs[i] = u.ID
		municipalities[u.Municipality] = true
		sum.Units++
	}
	sum.Municipalities = len(municipalities)

	var adminID int64
	for _, pp := range p.people {
		person := org.Person{Email: pp.email, Name: pp.name, Title: pp.title, Lang: pp.lang, Active: true, PasswordHash: hash}
		if pp.home >= 0 {
			person.UnitID = unitIDs[pp.home]
		}
		if pp.role == domain.RoleSupervisor {
			for _, u := range pp.leads {
				person.Grants = append(person.Grants, org.Grant{Role: domain.RoleSupervisor, UnitID: unitIDs[u]})
			}
		} else {
			person.Grants = []org.Grant{{Role: pp.role}}
		}
		if err := person.Validate(); err != nil {
			return sum, fmt.Errorf("person %s: %w", pp.email, err)
		}
		if err := tx.SavePerson(ctx, &person); err != nil {
			return sum, fmt.Errorf("person %s: %w", pp.email, err)
		}
		sum.People++
		switch pp.role {
		case domain.RoleStaff:
			sum.Staff++
		case domain.RoleSupervisor:
			sum.Supervisors++
		case domain.RoleCoordinator:
			sum.Coordinators++
		case domain.RoleManagement:
			sum.Management++
		case domain.RoleAdmin:
			sum.Admins++
			if adminID == 0 {
				adminID = person.ID
			}
		}
	}

	for _, pg := range accessibilityStatement {
		pg.UpdatedBy = adminID
		if err := tx.SavePage(ctx, pg); err != nil {
			return sum, fmt.Errorf("page %s/%s: %w", pg.Slug, pg.Lang, err)
		}
		sum.Pages++
	}

	return sum, tx.Audit(ctx, store.AuditEntry{
		ActorName: "demo", Action: "demo.load", ObjectType: "county", ObjectID: "1",
		Detail: sum.String(),
	})
}
