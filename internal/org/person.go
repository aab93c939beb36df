package org

import (
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"kuulu/internal/domain"
)

// Person is a member of staff who signs in to Kuulu. Clients and residents
// have no Person record.
type Person struct {
	ID           int64
	Email        string
	Name         string
	Title        string
	UnitID       int64 // home unit; 0 for none
	PasswordHash string
	OIDCSubject  string
	Lang         domain.Lang
	Active       bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
	LastLoginAt  *time.Time
	Grants       []Grant
}

// Grant is one role of a person; UnitID is set for supervisor grants only.
type Grant struct {
	Role   domain.Role
	UnitID int64
}

// Validate checks a person's fields and normalises the email.
func (p *Person) Validate() error {
	f := domain.FieldErrors{}
	p.Email = strings.ToLower(strings.TrimSpace(p.Email))
	p.Name = strings.TrimSpace(p.Name)
	if a, err := mail.ParseAddress(p.Email); err != nil || a.Address != p.Email {
		f.Add("email", "err.email")
	}
	checkName(f, "name", p.Name, true)
	if utf8.RuneCountInString(p.Title) > 200 {
		f.Add("title", "err.too_long", 200)
	}
	if _, ok := domain.ParseLang(string(p.Lang)); !ok {
		p.Lang = domain.Finnish
	}
	for _, g := range p.Grants {
		if !g.Role.Valid() {
			f.Add("roles", "err.role")
		}
		if g.Role == domain.RoleSupervisor && g.UnitID == 0 {
			f.Add("roles", "err.supervisor_unit")
		}
	}
	return f.Err()
}

// Has reports whether the person holds role (in any unit).
func (p Person) Has(r domain.Role) bool {
	return slices.ContainsFunc(p.Grants, func(g Grant) bool { return g.Role == r })
}

// Roles returns the distinct roles the person holds, in the order of domain.Roles.
func (p Person) Roles() []domain.Role {
	var out []domain.Role
	for _, r := range domain.Roles {
		if p.Has(r) {
			out = append(out, r)
		}
	}
	return out
}

// SupervisedUnits returns the units the person supervises.
func (p Person) SupervisedUnits() []int64 {
	var out []int64
	for _, g := range p.Grants {
		if g.Role == domain.RoleSupervisor && g.UnitID != 0 {
			out = append(out, g.UnitID)
		}
	}
	return out
}

// CountyWide reports whether the person sees the whole county (coordinator,
// management or administrator).
func (p Person) CountyWide() bool {
	return p.Has(domain.RoleCoordinator) || p.Has(domain.RoleManagement) || p.Has(domain.RoleAdmin)
}

// CanLeadUnit reports whether the person may handle a unit's affairs: its
// supervisors, coordinators and administrators (management only reads).
func (p Person) CanLeadUnit(unitID int64) bool {
	if p.Has(domain.RoleCoordinator) || p.Has(domain.RoleAdmin) {
		return true
	}
	return slices.Contains(p.SupervisedUnits(), unitID)
}
