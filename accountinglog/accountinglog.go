// Package accountinglog mirrors the accounting log table to a file of JSON
// lines (billing.accounting_log), appended once each transaction commits.
// The table is the reference: a failure to write the file is logged, never
// returned, and never undoes a committed write.
package accountinglog

import (
	"encoding/json"
	"log/slog"
	"os"
	"sync"
	"time"

	"coin/money"
	"coin/store"
)

// File appends committed entries to Path; an empty Path writes nothing.
type File struct {
	Path     string
	Currency string
	Log      *slog.Logger

	mu sync.Mutex // serialises appends from concurrent commits
}

// Write appends entries, one JSON object a line. It is a store.Hooks.Logged.
func (f *File) Write(entries []*store.LogEntry) {
	if f == nil || f.Path == "" || len(entries) == 0 {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	out, err := os.OpenFile(f.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		f.Log.Error("accounting log file", "path", f.Path, "err", err)
		return
	}
	defer out.Close()
	enc := json.NewEncoder(out)
	for _, e := range entries {
		if err := enc.Encode(f.record(e)); err != nil {
			f.Log.Error("accounting log file", "path", f.Path, "err", err)
			return
		}
	}
}

func (f *File) record(e *store.LogEntry) map[string]any {
	rec := map[string]any{"id": e.ID, "at": e.At.UTC().Format(time.RFC3339Nano), "operation": e.Operation,
		"amount": money.Plain(e.AmountCents), "currency": f.Currency, "actor": e.Actor}
	if e.MemberID != nil {
		rec["member"] = *e.MemberID
	}
	if e.InvoiceID != nil {
		rec["invoice"] = *e.InvoiceID
	}
	if e.PaymentID != nil {
		rec["payment"] = *e.PaymentID
	}
	if e.Details != "" {
		rec["details"] = e.Details
	}
	return rec
}
