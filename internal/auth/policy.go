package auth

import (
	"kuulu/internal/domain"
	"kuulu/internal/org"
)

// Policy says who may call a route. Every route declares one; unit scope
// (a supervisor's own units) is checked again inside the handler against the
// object being touched.
type Policy int

// The policies, from most open to most closed.
const (
	Public      Policy = iota // anyone, no account
	SignedIn                  // any signed-in person
	Staff                     // staff, supervisors, coordinators, administrators (not management-only)
	Supervisor                // supervisors of some unit, coordinators, administrators
	Coordinator               // participation coordinators and administrators
	Reader                    // county-wide readers: management, coordinators, administrators
	Admin                     // administrators only
)

var policyNames = map[Policy]string{Public: "public", SignedIn: "signed-in", Staff: "staff", Supervisor: "supervisor", Coordinator: "coordinator", Reader: "reader", Admin: "admin"}

func (p Policy) String() string { return policyNames[p] }

// Allows reports whether person (nil when anonymous) passes the policy.
func (p Policy) Allows(person *org.Person) bool {
	if p == Public {
		return true
	}
	if person == nil || !person.Active {
		return false
	}
	has := person.Has
	switch p {
	case SignedIn:
		return true
	case Staff:
		return has(domain.RoleStaff) || has(domain.RoleSupervisor) || has(domain.RoleCoordinator) || has(domain.RoleAdmin)
	case Supervisor:
		return has(domain.RoleSupervisor) || has(domain.RoleCoordinator) || has(domain.RoleAdmin)
	case Coordinator:
		return has(domain.RoleCoordinator) || has(domain.RoleAdmin)
	case Reader:
		return has(domain.RoleManagement) || has(domain.RoleCoordinator) || has(domain.RoleAdmin)
	case Admin:
		return has(domain.RoleAdmin)
	}
	return false
}
