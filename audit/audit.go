// Package audit writes the audit log entries of staff actions that change
// nothing else: the exports downloaded, the jobs started by hand. The
// actions that write (a member edited, a payment recorded…) are audited by
// their domain package in their own transaction (store.Store.Audit).
package audit

import (
	"context"
	"fmt"

	"coin/store"
)

// Export logs that the actor of ctx downloaded an export, action naming
// which (export.fec, export.sepa, export.members_csv…), described by changes (its period,
// filters, file); recordType and recordID name the stored file exported,
// if any ("" and nil otherwise). It is written before the file is sent: an export that
// cannot be logged is not sent.
func Export(ctx context.Context, st *store.Store, action, recordType string, recordID *int64, changes ...store.Change) error {
	e := &store.AuditEntry{Action: action, RecordType: recordType, RecordID: recordID, Changes: changes}
	if err := st.Audit(ctx, e); err != nil {
		return fmt.Errorf("log the export: %w", err)
	}
	return nil
}

// Record logs action on a record of recordType by the actor of ctx, in its
// own transaction: for actions whose effect lives outside the database
// (a job started, a hook run by hand).
func Record(ctx context.Context, st *store.Store, action, recordType string, recordID *int64, changes ...store.Change) error {
	e := &store.AuditEntry{Action: action, RecordType: recordType, RecordID: recordID, Changes: changes}
	if err := st.Audit(ctx, e); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}
