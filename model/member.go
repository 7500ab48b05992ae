// Package model is coin's vocabulary: the roles, statuses, kinds and
// methods that the store writes and every other package speaks of. It sits
// below the store and imports nothing of coin, so that auth, views and the
// domain packages name them without depending on SQL.
package model

// Roles, from least to most powerful. Staff roles reach /admin.
const (
	RoleMember    = "member"
	RoleSupport   = "support"
	RoleTreasurer = "treasurer"
	RoleAdmin     = "admin"
)

// Member statuses.
const (
	StatusPending   = "pending"
	StatusMember    = "member"
	StatusNotMember = "not_member"
)

// Person types.
const (
	NaturalPerson = "natural"
	LegalPerson   = "legal"
)
