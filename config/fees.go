package config

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	texttemplate "text/template"

	"coin/date"
	"coin/money"
)

// Fees holds the membership fee settings.
type Fees struct {
	// DefaultMembershipFee is the amount proposed for a new fee, e.g. "15.00".
	DefaultMembershipFee string `toml:"default_membership_fee" env:"DEFAULT_MEMBERSHIP_FEE"`
	// MembershipReference is the text/template of the bank transfer
	// reference shown to a member; it sees the member ({{.ID}}, {{.Login}}).
	MembershipReference string `toml:"membership_reference" env:"MEMBERSHIP_REFERENCE"`
	// MemberMembershipInfoURL links to how to join and pay, when set.
	MemberMembershipInfoURL string `toml:"member_membership_info_url" env:"MEMBER_MEMBERSHIP_INFO_URL"`
	// MembershipFeeReminderDates are offsets from a fee's end date ("-3m",
	// "0d", "+1m") at which call-for-membership-fees reminds the member.
	MembershipFeeReminderDates []string `toml:"membership_fee_reminder_dates" env:"MEMBERSHIP_FEE_REMINDER_DATES"`
}

// DefaultFeeCents is DefaultMembershipFee in cents (validated by Load).
func (f Fees) DefaultFeeCents() int64 {
	c, _ := money.Parse(f.DefaultMembershipFee)
	return c
}

// ReminderOffsets is MembershipFeeReminderDates parsed (validated by Load).
func (f Fees) ReminderOffsets() []date.Offset {
	o, _ := date.ParseOffsets(f.MembershipFeeReminderDates)
	return o
}

func (f *Fees) validate() error {
	if c, err := money.Parse(f.DefaultMembershipFee); err != nil || c < 0 {
		return fmt.Errorf("fees.default_membership_fee: %q is not an amount such as \"15.00\"", f.DefaultMembershipFee)
	}
	tpl, err := texttemplate.New("membership_reference").Option("missingkey=error").Parse(f.MembershipReference)
	if err != nil {
		return fmt.Errorf("fees.membership_reference: %v", err)
	}
	// Executed against a member-shaped value so that a misspelt field is
	// caught now rather than on a member's page.
	var out strings.Builder
	if err := tpl.Execute(&out, referenceSample); err != nil {
		msg, _, _ := strings.Cut(err.Error(), " in type ")
		return fmt.Errorf("fees.membership_reference: %s (it may use {{.ID}}, {{.Login}}, {{.LastName}}…)", msg)
	}
	if strings.TrimSpace(out.String()) == "" {
		return errors.New("fees.membership_reference: gives an empty reference")
	}
	if u := f.MemberMembershipInfoURL; u != "" {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return fmt.Errorf("fees.member_membership_info_url: %q is not an absolute http(s) URL", u)
		}
	}
	if _, err := date.ParseOffsets(f.MembershipFeeReminderDates); err != nil {
		return fmt.Errorf("fees.membership_fee_reminder_dates: %v", err)
	}
	return nil
}

// referenceSample has the fields of store.Member that a reference may use
// (config cannot import store).
var referenceSample = struct {
	ID                                                     int64
	Login, FirstName, LastName, OrganizationName, Nickname string
}{42, "login", "First", "Last", "Organisation", "nick"}
