package hardware

import (
	"context"
	"errors"
	"strings"

	"coin/date"
	"coin/form"
	"coin/store"
)

// Lend validates f (normalised in place, to show again) and lends item
// itemID on behalf of staff member by. An item already out or deployed is
// a form error.
func (s *Service) Lend(ctx context.Context, itemID int64, f *LoanForm, by *store.Member) (*store.Loan, form.Errors, error) {
	l := &store.Loan{ItemID: itemID}
	if errs := f.Validate(s.today(), memberID(ctx, s.Store), l); errs.Any() {
		return nil, errs, nil
	}
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.LendItem(ctx, l); err != nil {
			return err
		}
		tx.AfterCommit(func() { s.Log.Info("item lent", "item", itemID, "member", l.MemberID, "by", actorID(by)) })
		return nil
	})
	switch {
	case errors.Is(err, store.ErrConflict):
		return nil, form.Errors{"member": "hardware.err.already_lent"}, nil
	case errors.Is(err, store.ErrItemDeployed):
		return nil, form.Errors{"member": "hardware.err.lend_deployed"}, nil
	case err != nil:
		return nil, nil, err
	}
	return l, nil, nil
}

// Return takes item itemID back today and returns the loan it closed;
// store.ErrNotFound when the item is not out.
func (s *Service) Return(ctx context.Context, itemID int64, by *store.Member) (*store.Loan, error) {
	var l *store.Loan
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		var err error
		if l, err = tx.ReturnItem(ctx, itemID, s.today()); err != nil {
			return err
		}
		tx.AfterCommit(func() { s.Log.Info("item taken back", "item", itemID, "member", l.MemberID, "by", actorID(by)) })
		return nil
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// LoanEditForm corrects a loan: its dates and notes as submitted.
type LoanEditForm struct {
	StartDate string
	EndDate   string
	Notes     string
}

// Validate checks the form against today and, when valid, copies it into l.
func (f *LoanEditForm) Validate(today date.Date, l *store.Loan) form.Errors {
	errs := form.Errors{}
	f.StartDate, f.EndDate, f.Notes = strings.TrimSpace(f.StartDate), strings.TrimSpace(f.EndDate), strings.TrimSpace(f.Notes)
	errs.Required("start_date", f.StartDate)
	start := errs.Date("start_date", f.StartDate)
	end := errs.Date("end_date", f.EndDate)
	errs.MaxLen("notes", f.Notes, 2000)
	if start.After(today) {
		errs.Add("start_date", "hardware.err.start_in_future")
	}
	if !end.IsZero() && end.Before(start) {
		errs.Add("end_date", "hardware.err.end_before_start")
	}
	if errs.Any() {
		return errs
	}
	l.StartDate, l.EndDate, l.Notes = start, end, f.Notes
	return errs
}

// UpdateLoan validates f into l and saves it on behalf of staff member by.
// Reopening a closed loan of an item out again is a form error.
func (s *Service) UpdateLoan(ctx context.Context, l *store.Loan, f *LoanEditForm, by *store.Member) (form.Errors, error) {
	if errs := f.Validate(s.today(), l); errs.Any() {
		return errs, nil
	}
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.UpdateLoan(ctx, l); err != nil {
			return err
		}
		tx.AfterCommit(func() { s.Log.Info("loan updated", "loan", l.ID, "item", l.ItemID, "by", actorID(by)) })
		return nil
	})
	if errors.Is(err, store.ErrConflict) {
		return form.Errors{"end_date": "hardware.err.reopen_lent"}, nil
	}
	return nil, err
}
