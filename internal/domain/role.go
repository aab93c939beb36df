package domain

// Role is what a person may do in Kuulu. A person may hold several roles;
// supervisor roles are scoped to units.
type Role string

// The roles of Kuulu.
const (
	RoleStaff       Role = "staff"       // records clients' ideas, handles assigned feedback
	RoleSupervisor  Role = "supervisor"  // leads one or more units (scoped)
	RoleCoordinator Role = "coordinator" // participation coordinator, county-wide
	RoleManagement  Role = "management"  // read-only, county-wide
	RoleAdmin       Role = "admin"       // administrator
)

// Roles lists every role in display order.
var Roles = []Role{RoleStaff, RoleSupervisor, RoleCoordinator, RoleManagement, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}
