// Package fees handles membership fees: whether a member is up to date,
// recording a fee, what a member is told about paying, and the reminders
// that call-for-membership-fees e-mails before and after a fee ends.
package fees

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	texttemplate "text/template"

	"coin/config"
	"coin/date"
	"coin/form"
	"coin/i18n"
	"coin/ledger"
	"coin/mail"
	"coin/model"
	"coin/store"
)

// Service carries what fee operations need.
type Service struct {
	Store   *store.Store
	Cfg     *config.Config
	Mail    *mail.Composer
	Catalog *i18n.Catalog
	// Site returns the ISP identity (name, bank details) for e-mails.
	Site     func(ctx context.Context) mail.Site
	Log      *slog.Logger
	Currency string // ISO 4217, "EUR" when empty
}

func (s *Service) currency() string {
	if s.Currency == "" {
		return "EUR"
	}
	return s.Currency
}

// Status is where a member stands on a day.
type Status struct {
	State string // model.FeeUpToDate, model.FeeExpired or model.FeeNever
	// Current is the fee covering the day (nil unless up to date).
	Current *store.MembershipFee
	// Latest is the fee ending last (nil when never paid).
	Latest *store.MembershipFee
	// PaidUntil is the last day of membership paid without a gap from the
	// day on (fees paid in advance count), or the end of the latest fee
	// when not up to date; zero when never paid.
	PaidUntil date.Date
}

// StatusOf computes the status from a member's fees (any order).
func StatusOf(fees []*store.MembershipFee, day date.Date) Status {
	var st Status
	for _, f := range fees {
		if st.Latest == nil || f.EndDate.After(st.Latest.EndDate) {
			st.Latest = f
		}
		if f.Covers(day) {
			st.Current = f
		}
	}
	switch {
	case st.Latest == nil:
		st.State = model.FeeNever
	case st.Current == nil:
		st.State = model.FeeExpired
		st.PaidUntil = st.Latest.EndDate
	default:
		st.State = model.FeeUpToDate
		st.PaidUntil = st.Current.EndDate
		for extended := true; extended; {
			extended = false
			for _, f := range fees {
				if f.StartDate.Equal(st.PaidUntil.AddDays(1)) {
					st.PaidUntil, extended = f.EndDate, true
				}
			}
		}
	}
	return st
}

// DefaultEnd is the end of a fee starting on start: a year less a day.
func DefaultEnd(start date.Date) date.Date { return start.AddYears(1).AddDays(-1) }

// DefaultStart is the start proposed for a new fee: the day after the
// latest fee when that keeps membership continuous, else today (a member
// paying late is not charged for the months they were not a member).
func DefaultStart(fees []*store.MembershipFee, today date.Date) date.Date {
	st := StatusOf(fees, today)
	if st.Latest != nil && !st.Latest.EndDate.Before(today) {
		return st.Latest.EndDate.AddDays(1)
	}
	return today
}

// Reference is the bank transfer reference of a member (membership_reference).
func (s *Service) Reference(m *store.Member) string {
	ref, err := ReferenceFunc(s.Cfg.Fees.MembershipReference)(m)
	if err != nil {
		// Validated at start-up: this only happens if the member type changed.
		s.Log.Error("fees.membership_reference failed, using ADH-ID", "err", err)
	}
	return ref
}

// ReferenceFunc parses membership_reference once and returns what renders
// it for a member (ADH-ID, with the error, when the template fails), for
// callers rendering many (bank import matching).
func ReferenceFunc(tmpl string) func(m *store.Member) (string, error) {
	tpl, perr := texttemplate.New("membership_reference").Option("missingkey=error").Parse(tmpl)
	return func(m *store.Member) (string, error) {
		err := perr
		if err == nil {
			var b strings.Builder
			if err = tpl.Execute(&b, m); err == nil {
				return strings.TrimSpace(b.String()), nil
			}
		}
		return fmt.Sprintf("ADH-%d", m.ID), err
	}
}

// HowToPay is what a member is told about paying their fee.
type HowToPay struct {
	Amount    int64 // the default fee, cents
	Reference string
	IBAN      string // "" when the ISP record has none: contact the association
	BIC       string
	InfoURL   string
}

// HowToPay returns the payment instructions for m.
func (s *Service) HowToPay(ctx context.Context, m *store.Member) HowToPay {
	site := s.Site(ctx)
	return HowToPay{Amount: s.Cfg.Fees.DefaultFeeCents(), Reference: s.Reference(m), IBAN: site.IBAN,
		BIC: site.BIC, InfoURL: s.Cfg.Fees.MemberMembershipInfoURL}
}

// Form is the text of the "add a fee" form.
type Form struct {
	Amount        string
	StartDate     string
	EndDate       string
	PaymentMethod string
	PaymentDate   string
	Reference     string
}

// NewForm proposes the default fee for a member with these fees; amount
// writes the amount for the reader.
func (s *Service) NewForm(fees []*store.MembershipFee, today date.Date, amount func(int64) string) Form {
	start := DefaultStart(fees, today)
	return Form{Amount: amount(s.Cfg.Fees.DefaultFeeCents()), StartDate: start.String(),
		EndDate: DefaultEnd(start).String(), PaymentMethod: model.PayTransfer, PaymentDate: today.String()}
}

// Validate checks the form and returns the fee it describes. An empty end
// date means a year less a day after the start.
func (f *Form) Validate(memberID int64) (*store.MembershipFee, form.Errors) {
	errs := form.Errors{}
	for _, p := range []*string{&f.Amount, &f.StartDate, &f.EndDate, &f.PaymentMethod, &f.PaymentDate, &f.Reference} {
		*p = strings.TrimSpace(*p)
	}
	errs.Required("amount", f.Amount)
	amount := errs.Money("amount", f.Amount)
	if amount < 0 {
		errs.Add("amount", "fees.err_negative")
	}
	errs.Required("start_date", f.StartDate)
	start := errs.Date("start_date", f.StartDate)
	end := errs.Date("end_date", f.EndDate)
	if end.IsZero() && !start.IsZero() && errs.Get("end_date") == "" {
		end = DefaultEnd(start)
		f.EndDate = end.String()
	}
	if !start.IsZero() && !end.IsZero() && end.Before(start) {
		errs.Add("end_date", "fees.err_end_before_start")
	}
	errs.OneOf("payment_method", f.PaymentMethod, store.FeePaymentMethods...)
	errs.Required("payment_date", f.PaymentDate)
	paid := errs.Date("payment_date", f.PaymentDate)
	errs.MaxLen("reference", f.Reference, 200)
	if errs.Any() {
		return nil, errs
	}
	return &store.MembershipFee{MemberID: memberID, Amount: amount, StartDate: start, EndDate: end,
		PaymentMethod: f.PaymentMethod, PaymentDate: paid, Reference: f.Reference}, errs
}

// Record validates and saves a fee recorded by staff member by (actor is
// their login), with its accounting log entry, in one transaction. An
// overlap with another fee of the member is a form error.
func (s *Service) Record(ctx context.Context, memberID int64, by *int64, actor string, f *Form) (*store.MembershipFee, form.Errors, error) {
	fee, errs := f.Validate(memberID)
	if errs.Any() {
		return nil, errs, nil
	}
	fee.CreatedBy = by
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		if err := s.RecordTx(ctx, tx, fee, actor); err != nil {
			return err
		}
		return audit(ctx, tx, "fee.created", fee)
	})
	var closed *ledger.ClosedError
	if errors.As(err, &closed) {
		errs.AddWith("payment_date", "ledger.err_period_closed", map[string]string{"Period": closed.Period, "Date": closed.Day.String()})
		return nil, errs, nil
	}
	if errors.Is(err, store.ErrFeeOverlap) {
		errs.Add("start_date", "fees.err_overlap")
		return nil, errs, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("record fee of member %d: %w", memberID, err)
	}
	s.Log.Info("membership fee recorded", "member", memberID, "fee", fee.ID, "amount", fee.Amount,
		"start", fee.StartDate.String(), "end", fee.EndDate.String(), "by", derefID(by))
	return fee, nil, nil
}

// Delete removes a fee of a member, with its accounting log entry (the
// amount negated), in one transaction. A fee of another member is not
// found.
func (s *Service) Delete(ctx context.Context, memberID, feeID int64, actor string) error {
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		fee, err := tx.MembershipFeeByID(ctx, memberID, feeID)
		if err != nil {
			return err
		}
		m, err := tx.MemberByID(ctx, memberID)
		if err != nil {
			return err
		}
		if err := s.Books().FeeReversal(ctx, tx, fee, m); err != nil {
			return err
		}
		if err := tx.DeleteMembershipFee(ctx, memberID, feeID); err != nil {
			return err
		}
		if err := audit(ctx, tx, "fee.deleted", fee); err != nil {
			return err
		}
		return tx.AppendLog(ctx, &store.LogEntry{Operation: "membership_fee.deleted", MemberID: &fee.MemberID,
			PaymentID: fee.PaymentID, AmountCents: -fee.Amount, Actor: actor, Details: feeDetails(fee)})
	})
	if err != nil {
		return fmt.Errorf("delete fee %d of member %d: %w", feeID, memberID, err)
	}
	return nil
}

// LogMemberFeesDeletedTx appends, in the caller's transaction tx, the
// accounting log entry of the deletion of each fee of a member about to be
// deleted (its fees go with it).
func (s *Service) LogMemberFeesDeletedTx(ctx context.Context, tx *store.Store, memberID int64, actor string) error {
	list, err := tx.MembershipFeesOfMember(ctx, memberID)
	if err != nil {
		return err
	}
	var m *store.Member
	if len(list) > 0 {
		if m, err = tx.MemberByID(ctx, memberID); err != nil {
			return err
		}
	}
	for _, fee := range list {
		if err := s.Books().FeeReversal(ctx, tx, fee, m); err != nil {
			return err
		}
		if err := tx.AppendLog(ctx, &store.LogEntry{Operation: "membership_fee.deleted", MemberID: &fee.MemberID,
			PaymentID: fee.PaymentID, AmountCents: -fee.Amount, Actor: actor, Details: feeDetails(fee)}); err != nil {
			return err
		}
	}
	return nil
}

// RecordPaidTx records, in the caller's transaction tx, the membership fee
// that payment p of member m paid (a bank line matched to a fee): it starts
// the day after the member's latest fee when that one still runs on the
// payment day, else on the payment day, lasts the usual year, and carries
// its accounting log entry. method is how it was paid (model.PayTransfer…).
func (s *Service) RecordPaidTx(ctx context.Context, tx *store.Store, p *store.Payment, m *store.Member, method string, by *int64, actor string) (*store.MembershipFee, error) {
	existing, err := tx.MembershipFeesOfMember(ctx, p.MemberID)
	if err != nil {
		return nil, err
	}
	start := DefaultStart(existing, p.Date)
	ref, _ := ReferenceFunc(s.Cfg.Fees.MembershipReference)(m)
	fee := &store.MembershipFee{MemberID: p.MemberID, Amount: p.AmountCents, StartDate: start, EndDate: DefaultEnd(start),
		PaymentMethod: method, Reference: ref, PaymentDate: p.Date, PaymentID: &p.ID, CreatedBy: by}
	if err := ledger.CheckOpen(ctx, tx, FeeDay(fee)); err != nil {
		return nil, err
	}
	if err := tx.CreateMembershipFee(ctx, fee); err != nil {
		return nil, err
	}
	if err := audit(ctx, tx, "fee.created", fee); err != nil {
		return nil, err
	}
	if err := s.Books().Fee(ctx, tx, fee, m, p); err != nil {
		return nil, err
	}
	return fee, tx.AppendLog(ctx, &store.LogEntry{Operation: "membership_fee.created", MemberID: &fee.MemberID,
		PaymentID: fee.PaymentID, AmountCents: fee.Amount, Actor: actor, Details: feeDetails(fee)})
}

// Books is the ledger fees are booked in.
func (s *Service) Books() *ledger.Books { return ledger.New(s.Cfg, s.Catalog) }

// FeeDay is the day a fee is booked and checked against closed periods:
// its payment day, else its start.
func FeeDay(f *store.MembershipFee) date.Date { return ledger.FeeDay(f) }

// feeDetails describes a fee in the accounting log: its period and
// reference, as the bank import writes them.
func feeDetails(f *store.MembershipFee) string {
	return strings.TrimSpace(f.StartDate.String() + " " + f.EndDate.String() + " " + f.Reference)
}

func derefID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// RecordTx saves fee, validated by Form.Validate, with its accounting log
// entry in the caller's transaction tx (the importer's). An overlap with
// another fee of the member is store.ErrFeeOverlap and writes nothing.
func (s *Service) RecordTx(ctx context.Context, tx *store.Store, fee *store.MembershipFee, actor string) error {
	if err := ledger.CheckOpen(ctx, tx, FeeDay(fee)); err != nil {
		return err
	}
	if err := tx.CreateMembershipFee(ctx, fee); err != nil {
		return err
	}
	m, err := tx.MemberByID(ctx, fee.MemberID)
	if err != nil {
		return err
	}
	var p *store.Payment
	if fee.PaymentID != nil {
		if p, err = tx.PaymentByID(ctx, *fee.PaymentID); err != nil {
			return err
		}
	}
	if err := s.Books().Fee(ctx, tx, fee, m, p); err != nil {
		return err
	}
	return tx.AppendLog(ctx, &store.LogEntry{Operation: "membership_fee.created", MemberID: &fee.MemberID,
		PaymentID: fee.PaymentID, AmountCents: fee.Amount, Actor: actor, Details: feeDetails(fee)})
}
