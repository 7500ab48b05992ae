// Package mail turns overridable templates into outbox messages and sends
// the outbox over SMTP with retries.
package mail

import (
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"

	"coin/ispdb"
	"coin/model"
	"coin/overrides"
	"coin/store"
)

// Composer builds messages from the e-mail templates.
type Composer struct {
	Templates *overrides.Registry
	From      string  // last-resort sender (mail.from)
	Senders   Senders // configured sender of each group, "" for the default
	// Identity returns the ISP record's identity, whose addresses sign
	// mail when no sender is configured for its group.
	Identity func() ispdb.Identity
	// Hold keeps messages in the outbox without sending them (demo).
	Hold bool
}

// Senders are the configured senders of the groups of e-mail
// (mail.from_account, mail.from_billing, mail.from_membership).
type Senders struct {
	Account, Billing, Membership string
}

// Group is who a kind of e-mail comes from.
type Group int

const (
	// Account mail (password links, address checks, sign-up notices)
	// comes from the ISP's contact address.
	Account Group = iota
	// Billing mail (invoices, payments, reminders) and membership mail
	// (welcome, fees) come from the administrative address, which is
	// where members answer about money.
	Billing
	Membership
)

// groups lists the kinds that are not account mail; every other kind is.
var groups = map[string]Group{
	"welcome": Membership, "fee_reminder": Membership, "bulk": Membership,
	"request_approved": Membership, "request_refused": Membership,
	"invoice_new": Billing, "payment_received": Billing,
	"payment_reminder": Billing, "arrears_notice": Billing, "sepa_prenotification": Billing, "sepa_return": Billing,
}

// GroupOf tells which sender signs a kind of e-mail.
func GroupOf(kind string) Group {
	if g, ok := groups[kind]; ok {
		return g
	}
	return Account
}

// Sender is the From of a kind of e-mail: the address configured for its
// group, else the ISP record's (the administrative address for billing
// and membership mail, falling back to the contact address), named after
// the ISP, else mail.from.
func (c *Composer) Sender(kind string) string {
	g := GroupOf(kind)
	if s := [...]string{Account: c.Senders.Account, Billing: c.Senders.Billing, Membership: c.Senders.Membership}[g]; s != "" {
		return s
	}
	if c.Identity == nil {
		return c.From
	}
	id := c.Identity()
	addr := id.Email
	if g != Account && id.AdminEmail != "" {
		addr = id.AdminEmail
	}
	if addr == "" {
		return c.From
	}
	if a, err := netmail.ParseAddress(addr); err == nil && a.Name != "" {
		return addr
	}
	return named(id.Name, addr)
}

// named writes "Name" <addr> with the name as typed (UTF-8, quoted): the
// SMTP sender encodes it for the header; the outbox shows it readable.
func named(name, addr string) string {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		return addr
	}
	q := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name)
	return `"` + q + `" <` + addr + `>`
}

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
	m := &store.Message{Kind: kind, MemberID: memberID, To: to, From: c.Sender(kind), Subject: subject,
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
	StatutesURL   string // "" when the record has none
	PrivacyURL    string
}
