package lb

import "slices"

// Role says what a user may do. Roles are ordered: each may do all that the one before it may.
type Role string

// The roles, from least to most allowed.
const (
	// RoleViewer reads and exports.
	RoleViewer Role = "viewer"
	// RoleOperator also applies batches.
	RoleOperator Role = "operator"
	// RoleAdmin also manages people and the inventory.
	RoleAdmin Role = "admin"
)

// Roles are the roles, least allowed first.
var Roles = []Role{RoleViewer, RoleOperator, RoleAdmin}

// Fields of a user that errors name.
const (
	// FieldUser is the user an action is about.
	FieldUser = "User"
	// FieldUserName is a new user's name.
	FieldUserName = "UserName"
	// FieldRole is a user's role.
	FieldRole = "Role"
)

// rank is r's place in Roles, or -1 for a role that does not exist.
func (r Role) rank() int { return slices.Index(Roles, r) }

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool { return r.rank() >= 0 }

// AtLeast reports whether r may do all that min may; a role that does not exist may nothing.
func (r Role) AtLeast(min Role) bool { return r.Valid() && min.Valid() && r.rank() >= min.rank() }

// CanChange reports whether r may change load balancers: apply batches, from the console or
// with an API key.
func (r Role) CanChange() bool { return r.AtLeast(RoleOperator) }

// ParseRole reads a role by its name.
func ParseRole(s string) (Role, error) {
	if r := Role(s); r.Valid() {
		return r, nil
	}
	return "", Errorf(KindInvalid, FieldRole, "role must be viewer, operator or admin, not %q", Clip(s))
}

// MaxUserNameLen is the longest user name.
const MaxUserNameLen = 64

// ValidUserName reports whether name is 1 to 64 ASCII letters, digits, dots, dashes or
// underscores: safe in URLs, logs and the audit CSV without escaping.
func ValidUserName(name string) bool {
	if name == "" || len(name) > MaxUserNameLen {
		return false
	}
	for _, r := range name {
		ok := r == '.' || r == '-' || r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return true
}
