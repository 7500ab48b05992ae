// Package entries books the money that pays no member: donations, other
// income, expenses and bank fees, from a bank statement line or typed for
// cash and cheques. Each entry is written with its balanced journal entry
// (ledger) and an accounting-log line in one transaction; its number is
// taken then and never changes.
package entries

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"coin/config"
	"coin/i18n"
	"coin/ledger"
	"coin/model"
	"coin/money"
	"coin/store"
)

// Methods of entries typed in the back office.
const (
	MethodCash   = model.PayCash
	MethodCheque = model.PayCheck // deposited at the bank: the bank journal
)

// FieldError is input the treasurer must correct: the field and the
// message id saying why.
type FieldError struct {
	Field, MessageID string
}

func (e *FieldError) Error() string { return fmt.Sprintf("%s: %s", e.Field, e.MessageID) }

// ErrInvalid is what every FieldError matches with errors.Is.
var ErrInvalid = errors.New("invalid entry")

func (e *FieldError) Is(target error) bool { return target == ErrInvalid }

// Service writes other entries.
type Service struct {
	Store   *store.Store
	Cfg     *config.Config
	Catalog *i18n.Catalog
}

// Books is the ledger entries go to.
func (s *Service) Books() *ledger.Books { return ledger.New(s.Cfg, s.Catalog) }

// DefaultAccount is the [accounting] account proposed for kind.
func DefaultAccount(cfg *config.Config, kind string) string {
	a := cfg.Accounting
	switch kind {
	case store.OtherDonation:
		return a.AccountDonations
	case store.OtherIncome:
		return a.AccountOtherIncome
	case store.OtherBankFees:
		return a.AccountBankFees
	}
	return a.AccountExpenses
}

// MaxText is the most characters a label, counterparty or donor field
// holds.
const MaxText = 400

// Validate checks o before it is written; the account defaults from kind.
func Validate(cfg *config.Config, o *store.OtherEntry) error {
	o.Account = strings.TrimSpace(o.Account)
	o.Label = strings.TrimSpace(o.Label)
	o.Counterparty = strings.TrimSpace(o.Counterparty)
	o.DonorName = strings.TrimSpace(o.DonorName)
	o.DonorAddress = strings.TrimSpace(o.DonorAddress)
	known := false
	for _, k := range store.OtherKinds {
		known = known || k == o.Kind
	}
	switch {
	case !known:
		return &FieldError{"kind", "entries.err.kind"}
	case o.Date.IsZero():
		return &FieldError{"date", "entries.err.date"}
	case o.AmountCents <= 0:
		return &FieldError{"amount", "entries.err.amount"}
	}
	if o.Account == "" {
		o.Account = DefaultAccount(cfg, o.Kind)
	}
	if !config.ValidAccount(o.Account) {
		return &FieldError{"account", "entries.err.account"}
	}
	if o.Label == "" && o.Kind != store.OtherDonation && o.Kind != store.OtherBankFees {
		return &FieldError{"label", "entries.err.label"}
	}
	for f, v := range map[string]string{"label": o.Label, "counterparty": o.Counterparty, "donor_name": o.DonorName,
		"donor_address": o.DonorAddress} {
		if utf8.RuneCountInString(v) > MaxText || !utf8.ValidString(v) {
			return &FieldError{f, "entries.err.too_long"}
		}
	}
	if o.Kind != store.OtherDonation {
		o.DonorMemberID, o.DonorName, o.DonorAddress = nil, "", ""
	} else if o.DonorMemberID != nil {
		o.DonorName, o.DonorAddress = "", ""
	} else if o.DonorName != "" && o.DonorAddress == "" {
		return &FieldError{"donor_address", "entries.err.donor_address"}
	}
	return nil
}

// RecordTx writes o and its journal entry in tx, refusing a closed period
// (*ledger.ClosedError). actor is for the accounting log.
func (s *Service) RecordTx(ctx context.Context, tx *store.Store, o *store.OtherEntry, actor string) (*store.JournalEntry, error) {
	if err := Validate(s.Cfg, o); err != nil {
		return nil, err
	}
	if err := ledger.CheckOpen(ctx, tx, o.Date); err != nil {
		return nil, err
	}
	if o.DonorMemberID != nil {
		m, err := tx.MemberByID(ctx, *o.DonorMemberID)
		if err != nil {
			return nil, &FieldError{"donor_member_id", "entries.err.donor_member"}
		}
		// Named in the journal entry only: the entry row keeps the member's
		// id, so anonymising the member leaves no name behind here.
		o.DonorMember = m.DisplayName()
	}
	if err := tx.CreateOtherEntry(ctx, o); err != nil {
		return nil, err
	}
	e, err := s.Books().Other(ctx, tx, o)
	if err != nil {
		return nil, err
	}
	if err := tx.LinkOtherEntry(ctx, o, e.ID); err != nil {
		return nil, err
	}
	if err := tx.Audit(ctx, &store.AuditEntry{Action: "other_entry.created", RecordType: "other_entry", RecordID: &o.ID,
		MemberID: o.DonorMemberID, Changes: []store.Change{{Field: "kind", New: o.Kind}, {Field: "amount", New: money.Plain(o.AmountCents)},
			{Field: "account", New: o.Account}, {Field: "entry", New: e.Number}}}); err != nil {
		return nil, err
	}
	amount := o.AmountCents
	if !store.OtherIsIncome(o.Kind) {
		amount = -amount
	}
	if err := tx.AppendLog(ctx, &store.LogEntry{Operation: "other." + o.Kind, MemberID: o.DonorMemberID,
		AmountCents: amount, Actor: actor, Details: fmt.Sprintf("%s %s %s %s %s", e.Number, o.Date, o.Account, o.Method, o.Label)}); err != nil {
		return nil, err
	}
	return e, nil
}

// Record is RecordTx in its own transaction.
func (s *Service) Record(ctx context.Context, o *store.OtherEntry, actor string) (*store.JournalEntry, error) {
	var e *store.JournalEntry
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		var err error
		e, err = s.RecordTx(ctx, tx, o, actor)
		return err
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}
