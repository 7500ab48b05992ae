package views

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"coin/form"
	"coin/money"
	"coin/store"
)

// stateWord reads {"state": "…"} from a state hook's output.
func stateWord(output string) string {
	var doc struct {
		State string `json:"state"`
	}
	if json.Unmarshal([]byte(output), &doc) != nil {
		return ""
	}
	return doc.State
}

func stateClass(state string) string {
	switch strings.ToLower(state) {
	case "running", "up", "active", "ok":
		return "ok"
	case "stopped", "down", "error", "failed":
		return "bad"
	}
	return "warn"
}

func durationText(ctx context.Context, r *store.HookRun) string {
	ms := r.Duration.Milliseconds()
	if ms < 1000 {
		return fmt.Sprintf("%d\u00a0ms", ms)
	}
	return loc(ctx).Decimal(r.Duration.Seconds()) + "\u00a0s"
}

// argvText shows a command as typed, quoting arguments with spaces.
func argvText(argv []string) string {
	parts := make([]string, len(argv))
	for i, a := range argv {
		if a == "" || strings.ContainsAny(a, " \t\"'$;&|<>") {
			parts[i] = fmt.Sprintf("%q", a)
		} else {
			parts[i] = a
		}
	}
	return strings.Join(parts, " ")
}

// allocationValue is the amount of a payment allocated to an invoice, for
// the re-allocation form.
func allocationValue(allocs []*store.Allocation, invoiceID int64) string {
	var sum int64
	for _, a := range allocs {
		if a.InvoiceID == invoiceID {
			sum += a.AmountCents
		}
	}
	if sum == 0 {
		return ""
	}
	return money.Decimal(sum, ",")
}

// errorText translates a form error, with the data it names, if any.
func errorText(ctx context.Context, v string) string {
	id, data := form.Message(v)
	if data == nil {
		return t(ctx, id)
	}
	return tf(ctx, id, data)
}
