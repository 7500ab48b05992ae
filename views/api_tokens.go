package views

import (
	"context"
	"time"

	"coin/model"
)

// roleLabel names a role (each id written out: the message ids are checked).
func roleLabel(ctx context.Context, role string) string {
	switch role {
	case model.RoleAdmin:
		return t(ctx, "role.admin")
	case model.RoleTreasurer:
		return t(ctx, "role.treasurer")
	case model.RoleSupport:
		return t(ctx, "role.support")
	}
	return t(ctx, "role.member")
}

// optionalTime is a time in the reader's format, or a dash.
func optionalTime(ctx context.Context, at *time.Time) string {
	if at == nil {
		return "–"
	}
	return loc(ctx).DateTime(*at)
}
