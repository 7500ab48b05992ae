// Package mail turns overridable templates into outbox messages and sends
// the outbox over SMTP with retries.
package mail

import (
	"errors"
	"fmt"
	"strings"

	"coin/model"
	"coin/overrides"
	"coin/store"
)

// Composer builds messages from the e-mail templates.
type Composer struct {
	Templates *overrides.Registry
	From      string // default sender (mail.from)
	// AdminFrom returns the ISP's administrative address, which signs
	// administrative mail (welcome, fees) when set.
	AdminFrom func() string
	// Hold keeps messages in the outbox without sending them (demo).
	Hold bool
}

// Administrative kinds are signed with the ISP's administrative address.
var administrative = map[string]bool{"welcome": true, "fee_reminder": true, "invoice_new": true, "payment_received": true}

// Compose renders email/<kind>.<lang>.txt (first line "Subject: …", a blank
// line, the body) and, when present, the .html alternative.
func (c *Composer) Compose(kind, lang, to string, memberID *int64, data map[string]any) (*store.Message, error) {
	base := "email/" + kind
	text, err := c.Templates.RenderLang(base, lang, "txt", data)
	if err != nil {
		return nil, fmt.Errorf("compose %s e-mail: %w", kind, err)
	}
	subject, body, err := splitSubject(text)
	if err != nil {
		return nil, fmt.Errorf("compose %s e-mail: %w", kind, err)
	}
	html := ""
	if overrides.Exists(base, lang, "html") {
		if html, err = c.Templates.RenderLang(base, lang, "html", data); err != nil {
			return nil, fmt.Errorf("compose %s e-mail (html): %w", kind, err)
		}
	}
	from := c.From
	if administrative[kind] && c.AdminFrom != nil {
		if a := c.AdminFrom(); a != "" {
			from = a
		}
	}
	m := &store.Message{Kind: kind, MemberID: memberID, To: to, From: from, Subject: subject,
		TextBody: body, HTMLBody: html}
	if c.Hold {
		m.Status = model.OutboxHeld
	}
	return m, nil
}

func splitSubject(text string) (subject, body string, err error) {
	first, rest, _ := strings.Cut(text, "\n")
	s, ok := strings.CutPrefix(strings.TrimSpace(first), "Subject:")
	if !ok || strings.TrimSpace(s) == "" {
		return "", "", errors.New(`template must start with a "Subject: …" line`)
	}
	// Header injection: a subject is one line.
	s = strings.Join(strings.Fields(s), " ")
	return s, strings.TrimLeft(rest, "\r\n"), nil
}

// Site is what e-mail templates know of the ISP, as {{.Site.Name}} etc.
type Site struct {
	Name          string
	Email         string
	Website       string
	URL           string // the members' area
	Address       string // postal address, lines separated by newlines
	AddressLines  []string
	Phone         string
	IBAN          string // in groups of four
	BIC           string
	BankName      string
	LegalMentions string
}
