package views

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"coin/form"
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

// stateLabel is a state word in the reader's language, when it is one of
// the usual ones; other words are shown as the hook wrote them.
func stateLabel(ctx context.Context, word string) string {
	id := "subscription.vps_state." + strings.ToLower(word)
	if s := t(ctx, id); s != id {
		return s
	}
	return word
}

// stateDetails are the other fields of a state hook's JSON object, sorted,
// as "name: value" lines, the usual field names in the reader's language;
// nil when the output is not a JSON object (it is then shown as written).
func stateDetails(ctx context.Context, output string) []string {
	var doc map[string]any
	if json.Unmarshal([]byte(output), &doc) != nil {
		return nil
	}
	out := []string{}
	for k, v := range doc {
		if k == "state" {
			continue
		}
		var text string
		switch v := v.(type) {
		case string:
			text = v
		case float64, bool:
			text = fmt.Sprint(v)
		default:
			b, _ := json.Marshal(v)
			text = string(b)
		}
		out = append(out, tf(ctx, "subscription.state_detail", map[string]any{"Name": stateField(ctx, k), "Value": text}))
	}
	sort.Strings(out)
	return out
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
func allocationValue(ctx context.Context, allocs []*store.Allocation, invoiceID int64) string {
	var sum int64
	for _, a := range allocs {
		if a.InvoiceID == invoiceID {
			sum += a.AmountCents
		}
	}
	if sum == 0 {
		return ""
	}
	return loc(ctx).AmountInput(sum)
}

// errorText translates a form error, with the data it names, if any.
func errorText(ctx context.Context, v string) string {
	id, data := form.Message(v)
	if data == nil {
		return t(ctx, id)
	}
	return tf(ctx, id, data)
}

// offerLabel names an offer by its reference and name, each piece once: the
// reference is left out when the name already says it ("Serveur virtuel
// (VPS)", not "VPS — Serveur virtuel (VPS)"), and each extra piece (the
// backend's label) is added in brackets only when not already said.
func offerLabel(reference, name string, extra ...string) string {
	label := name
	switch {
	case name == "":
		label = reference
	case reference != "" && !saysWord(name, reference):
		label = reference + " — " + name
	}
	for _, e := range extra {
		if e != "" && !saysWord(label, e) {
			label += " (" + e + ")"
		}
	}
	return label
}

// saysWord tells whether text holds word as a whole word, ignoring case.
func saysWord(text, word string) bool {
	text, word = strings.ToLower(text), strings.ToLower(word)
	for i := 0; ; {
		j := strings.Index(text[i:], word)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(word)
		if (start == 0 || !isWordByte(text[start-1])) && (end == len(text) || !isWordByte(text[end])) {
			return true
		}
		i = start + 1
	}
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 0x80
}

// stateField names a field of a state hook's output: the usual ones in the
// reader's language, others as the hook wrote them.
func stateField(ctx context.Context, key string) string {
	id := "subscription.state_field." + strings.ToLower(key)
	if s := t(ctx, id); s != id {
		return s
	}
	return key
}
