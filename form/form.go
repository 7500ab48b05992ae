// Package form collects per-field validation errors as message ids, so that
// forms can show each error next to its field in the reader's language.
package form

import (
	"net/mail"
	"net/url"
	"strings"

	"coin/date"
	"coin/money"
)

// Errors maps a field name to the message id of its first error.
type Errors map[string]string

// Add records an error for field unless it already has one.
func (e Errors) Add(field, id string) {
	if _, ok := e[field]; !ok {
		e[field] = id
	}
}

// AddWith records an error whose message names something ({{.Pool}}):
// the id and its data travel together as "id?Pool=…"; Message splits them.
func (e Errors) AddWith(field, id string, data map[string]string) {
	q := url.Values{}
	for k, v := range data {
		q.Set(k, v)
	}
	e.Add(field, id+"?"+q.Encode())
}

// Message splits an error recorded by Add or AddWith into its message id
// and its data (nil for none).
func Message(v string) (string, map[string]any) {
	id, query, ok := strings.Cut(v, "?")
	if !ok {
		return v, nil
	}
	q, _ := url.ParseQuery(query)
	data := make(map[string]any, len(q))
	for k := range q {
		data[k] = q.Get(k)
	}
	return id, data
}

// Get returns the message id of field's error, or "".
func (e Errors) Get(field string) string { return e[field] }

// Any tells whether some field is in error.
func (e Errors) Any() bool { return len(e) > 0 }

// Required adds err.required when value is blank.
func (e Errors) Required(field, value string) {
	if strings.TrimSpace(value) == "" {
		e.Add(field, "err.required")
	}
}

// MaxLen adds err.too_long when value has more than n bytes.
func (e Errors) MaxLen(field, value string, n int) {
	if len(value) > n {
		e.Add(field, "err.too_long")
	}
}

// Email checks an address (when not blank) and returns it trimmed.
func (e Errors) Email(field, value string) string {
	value = strings.TrimSpace(value)
	if value == "" {
		return ""
	}
	a, err := mail.ParseAddress(value)
	// An address starting with "-" is valid mail but would read as an
	// option to the programs it is handed to (list sync, hooks).
	if err != nil || a.Address != value || strings.HasPrefix(value, "-") ||
		!strings.Contains(value[strings.LastIndex(value, "@"):], ".") {
		e.Add(field, "err.email_invalid")
	}
	return value
}

// Date parses an ISO day (when not blank).
func (e Errors) Date(field, value string) date.Date {
	d, err := date.Parse(strings.TrimSpace(value))
	if err != nil {
		e.Add(field, "err.date_invalid")
	}
	return d
}

// Money parses an amount in cents (when not blank).
func (e Errors) Money(field, value string) int64 {
	if strings.TrimSpace(value) == "" {
		return 0
	}
	c, err := money.Parse(value)
	if err != nil {
		e.Add(field, "err.amount_invalid")
	}
	return c
}

// OneOf adds err.choice_invalid unless value is among allowed.
func (e Errors) OneOf(field, value string, allowed ...string) {
	for _, a := range allowed {
		if value == a {
			return
		}
	}
	e.Add(field, "err.choice_invalid")
}
