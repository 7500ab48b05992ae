package member

import (
	"context"
	"strconv"

	"coin/store"
)

// Changes lists the fields of a member that differ between old and new,
// with their values, for the audit log. The password hash and the stamps
// are left out: a secret has no place in a log, and the log has its own
// time.
func Changes(old, new *store.Member) []store.Change {
	var out []store.Change
	add := func(field, o, n string) {
		if o != n {
			out = append(out, store.Change{Field: field, Old: o, New: n})
		}
	}
	add("login", old.Login, new.Login)
	add("role", old.Role, new.Role)
	add("person_type", old.PersonType, new.PersonType)
	add("first_name", old.FirstName, new.FirstName)
	add("last_name", old.LastName, new.LastName)
	add("organization_name", old.OrganizationName, new.OrganizationName)
	add("nickname", old.Nickname, new.Nickname)
	add("email", old.Email, new.Email)
	add("phone", old.Phone, new.Phone)
	add("address", old.Address, new.Address)
	add("postal_code", old.PostalCode, new.PostalCode)
	add("city", old.City, new.City)
	add("country", old.Country, new.Country)
	add("status", old.Status, new.Status)
	add("language", old.Language, new.Language)
	add("send_fee_reminders", strconv.FormatBool(old.SendFeeReminders), strconv.FormatBool(new.SendFeeReminders))
	add("comments", old.Comments, new.Comments)
	add("date_joined", old.DateJoined.String(), new.DateJoined.String())
	add("resign_date", old.ResignDate.String(), new.ResignDate.String())
	return out
}

// auditUpdate logs, in tx, what an edit of a member changed: one entry
// with the fields, and one more for a role change so that promotions are
// found at a glance. Nothing changed, nothing logged.
func auditUpdate(ctx context.Context, tx *store.Store, old, m *store.Member) error {
	changes := Changes(old, m)
	if len(changes) == 0 {
		return nil
	}
	id := m.ID
	if err := tx.Audit(ctx, &store.AuditEntry{Action: "member.updated", RecordType: "member", RecordID: &id,
		MemberID: &id, Changes: changes}); err != nil {
		return err
	}
	if old.Role != m.Role {
		return tx.Audit(ctx, &store.AuditEntry{Action: "member.role_changed", RecordType: "member", RecordID: &id,
			MemberID: &id, Changes: []store.Change{{Field: "role", Old: old.Role, New: m.Role}}})
	}
	return nil
}

// auditMember logs action on member m (created, deleted, anonymised…).
func auditMember(ctx context.Context, tx *store.Store, action string, m *store.Member, changes ...store.Change) error {
	id := m.ID
	return tx.Audit(ctx, &store.AuditEntry{Action: action, RecordType: "member", RecordID: &id, MemberID: &id, Changes: changes})
}
