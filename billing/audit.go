package billing

import (
	"context"
	"strconv"
	"strings"

	"coin/money"
	"coin/store"
)

// audit logs a staff action on a billing record in tx (the actor and
// address come from ctx). The accounting log already says what the money
// did; this says who did it and from where.
func audit(ctx context.Context, tx *store.Store, action, recordType string, id, memberID int64, changes ...store.Change) error {
	return tx.Audit(ctx, &store.AuditEntry{Action: action, RecordType: recordType, RecordID: ptr(id),
		MemberID: ptr(memberID), Changes: changes})
}

func amountChange(cents int64) store.Change {
	return store.Change{Field: "amount", New: money.Plain(cents)}
}

// allocationsText is "invoice:amount" for each allocation removed.
func allocationsText(as []*store.Allocation) string {
	parts := make([]string, 0, len(as))
	for _, a := range as {
		parts = append(parts, strconv.FormatInt(a.InvoiceID, 10)+":"+money.Plain(a.AmountCents))
	}
	return strings.Join(parts, " ")
}

// wantText is "invoice:amount" for each allocation asked for.
func wantText(as []Allocation) string {
	parts := make([]string, 0, len(as))
	for _, a := range as {
		if a.AmountCents != 0 {
			parts = append(parts, strconv.FormatInt(a.InvoiceID, 10)+":"+money.Plain(a.AmountCents))
		}
	}
	return strings.Join(parts, " ")
}
