// Package audit writes the audit log entries of staff actions that change
// nothing else: the exports downloaded, the jobs started by hand. The
// actions that write (a member edited, a payment recorded…) are audited by
// their domain package in their own transaction (store.Store.Audit).
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"

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

// Diff lists the fields of two values of one struct type that differ, as
// their JSON shows them (nested values compared and shown whole), leaving
// out the fields named in skip (stamps, secrets).
func Diff(old, new any, skip ...string) ([]store.Change, error) {
	o, err := fields(old)
	if err != nil {
		return nil, err
	}
	n, err := fields(new)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(n))
	for k := range n {
		if !slices.Contains(skip, k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []store.Change
	for _, k := range keys {
		if string(o[k]) != string(n[k]) {
			out = append(out, store.Change{Field: k, Old: shown(o[k]), New: shown(n[k])})
		}
	}
	return out, nil
}

func fields(v any) (map[string]json.RawMessage, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("audit diff: %w", err)
	}
	m := map[string]json.RawMessage{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("audit diff: %w", err)
	}
	return m, nil
}

// shown is a JSON value as a person reads it: a string without its quotes,
// nothing for null or an empty string.
func shown(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if string(raw) == "null" {
		return ""
	}
	return string(raw)
}
