package fees

import (
	"context"

	"coin/money"
	"coin/store"
)

// audit logs a staff action on fee in tx (the actor and address come from
// ctx), with the fee's amount and period.
func audit(ctx context.Context, tx *store.Store, action string, fee *store.MembershipFee) error {
	id, member := fee.ID, fee.MemberID
	return tx.Audit(ctx, &store.AuditEntry{Action: action, RecordType: "fee", RecordID: &id, MemberID: &member,
		Changes: []store.Change{{Field: "amount", New: money.Plain(fee.Amount)},
			{Field: "period", New: fee.StartDate.String() + " " + fee.EndDate.String()},
			{Field: "method", New: fee.PaymentMethod}}})
}
