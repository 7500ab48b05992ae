package subscription

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"

	"coin/backend"
	"coin/form"
	"coin/store"
)

// Offers is where offers are written, each write validated beside it.
type Offers struct {
	Store    *store.Store
	Backends *backend.Registry
	Log      *slog.Logger
}

// OfferForm is the offer form as submitted (values trimmed).
type OfferForm struct {
	Name, Reference, Backend, PeriodFee, SetupFee, BillingPeriodMonths, Description string
	Open, NonBillable                                                               bool
}

// Validate checks f and copies it into o.
func (f *OfferForm) Validate(backends *backend.Registry, o *store.Offer) form.Errors {
	errs := form.Errors{}
	errs.Required("name", f.Name)
	errs.Required("reference", f.Reference)
	errs.MaxLen("name", f.Name, 200)
	errs.MaxLen("reference", f.Reference, 50)
	// The reference reaches hooks as {offer}: no "-" to read as an option.
	if f.Reference != "" && (strings.ContainsAny(f.Reference, " \t/") || strings.HasPrefix(f.Reference, "-")) {
		errs.Add("reference", "err.reference_invalid")
	}
	if backends.Get(f.Backend) == nil {
		errs.Add("backend", "err.choice_invalid")
	}
	o.PeriodFeeCents = errs.Money("period_fee", f.PeriodFee)
	o.SetupFeeCents = errs.Money("setup_fee", f.SetupFee)
	if o.PeriodFeeCents < 0 {
		errs.Add("period_fee", "err.amount_negative")
	}
	if o.SetupFeeCents < 0 {
		errs.Add("setup_fee", "err.amount_negative")
	}
	months, err := strconv.Atoi(f.BillingPeriodMonths)
	if err != nil || months < 1 || months > 120 {
		errs.Add("billing_period_months", "err.months_invalid")
	}
	o.Name, o.Reference, o.Backend, o.BillingPeriodMonths = f.Name, f.Reference, f.Backend, months
	o.Description, o.Open, o.NonBillable = f.Description, f.Open, f.NonBillable
	return errs
}

func referenceTaken() form.Errors { return form.Errors{"reference": "err.reference_taken"} }

// Create validates f and adds the offer on behalf of staff member by; a
// reference taken is a form error.
func (s *Offers) Create(ctx context.Context, f *OfferForm, by *store.Member) (*store.Offer, form.Errors, error) {
	o := &store.Offer{}
	if errs := f.Validate(s.Backends, o); errs.Any() {
		return nil, errs, nil
	}
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.CreateOffer(ctx, o); err != nil {
			return err
		}
		tx.AfterCommit(func() { s.Log.Info("offer created", "offer", o.ID, "reference", o.Reference, "by", actor(by)) })
		return nil
	})
	if errors.Is(err, store.ErrConflict) {
		return nil, referenceTaken(), nil
	}
	if err != nil {
		return nil, nil, err
	}
	return o, nil, nil
}

// Update validates f into o and saves it; a reference taken is a form error.
func (s *Offers) Update(ctx context.Context, o *store.Offer, f *OfferForm, by *store.Member) (form.Errors, error) {
	if errs := f.Validate(s.Backends, o); errs.Any() {
		return errs, nil
	}
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.UpdateOffer(ctx, o); err != nil {
			return err
		}
		tx.AfterCommit(func() { s.Log.Info("offer updated", "offer", o.ID, "reference", o.Reference, "by", actor(by)) })
		return nil
	})
	if errors.Is(err, store.ErrConflict) {
		return referenceTaken(), nil
	}
	return nil, err
}

// Delete removes an offer nobody ever subscribed to; store.ErrInUse otherwise.
func (s *Offers) Delete(ctx context.Context, id int64, by *store.Member) error {
	return s.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteOffer(ctx, id); err != nil {
			return err
		}
		tx.AfterCommit(func() { s.Log.Info("offer deleted", "offer", id, "by", actor(by)) })
		return nil
	})
}

func actor(by *store.Member) int64 {
	if by == nil {
		return 0
	}
	return by.ID
}
