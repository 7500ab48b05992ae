package sepa

import (
	"context"
	"errors"
	"fmt"

	"coin/date"
	"coin/form"
	"coin/model"
	"coin/store"
)

// SaveMandate validates in into d and creates the mandate (d.ID == 0) or
// updates it, on behalf of staff member by. A reference taken, or a second
// active mandate, is a form error.
func (s *Service) SaveMandate(ctx context.Context, d *store.Mandate, in MandateInput, by *store.Member) (form.Errors, error) {
	if errs := CheckMandate(in, date.Today(s.Cfg.Location()), d); errs.Any() {
		return errs, nil
	}
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		var err error
		if d.ID == 0 {
			err = tx.CreateMandate(ctx, d)
		} else {
			err = tx.UpdateMandate(ctx, d)
		}
		if err != nil {
			return err
		}
		tx.AfterCommit(func() {
			s.Log.Info("sepa mandate saved", "member", d.MemberID, "mandate", d.ID, "by", byID(by))
		})
		return nil
	})
	if errors.Is(err, store.ErrConflict) {
		return form.Errors{"reference": "sepa.err.taken"}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("save mandate of member %d: %w", d.MemberID, err)
	}
	return nil, nil
}

func byID(by *store.Member) int64 {
	if by == nil {
		return 0
	}
	return by.ID
}

// NextReference is the reference of the next mandate a member signs in the
// portal: their number and how many mandates they have had, so that it is
// unique and can be shown on the form before they sign.
func NextReference(memberID int64, mandates int) string {
	return fmt.Sprintf("M%d-%d", memberID, mandates+1)
}

// SignMandate is member m signing, by a click in the portal, a new mandate
// for the account iban (and bic) with reference ref (NextReference, shown
// on the form): in one transaction their active mandates are revoked and
// the new one, dated today and first of its sequence, takes over. accepted
// is the box agreeing to the mandate's text. The form's reference no
// longer being the next one (signed twice) is a form error.
func (s *Service) SignMandate(ctx context.Context, m *store.Member, iban, bic, ref string, accepted bool) (*store.Mandate, form.Errors, error) {
	if !s.Cfg.SEPA.Enabled() {
		return nil, nil, ErrDisabled
	}
	today := date.Today(s.Cfg.Location())
	d := &store.Mandate{MemberID: m.ID}
	errs := CheckMandate(MandateInput{Reference: ref, SignatureDate: today.String(), IBAN: iban, BIC: bic,
		SequenceType: model.SeqFirst, Active: true}, today, d)
	if !accepted {
		errs.Add("accept", "selfservice.err.accept")
	}
	if errs.Any() {
		return nil, errs, nil
	}
	var revoked int64
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		n, err := tx.CountMandates(ctx, m.ID)
		if err != nil {
			return err
		}
		if NextReference(m.ID, n) != d.Reference {
			errs.Add("reference", "selfservice.err.mandate_changed")
			return nil
		}
		if revoked, err = tx.RevokeMandates(ctx, m.ID); err != nil {
			return err
		}
		if err := tx.CreateMandate(ctx, d); err != nil {
			return err
		}
		tx.AfterCommit(func() {
			s.Log.Info("sepa mandate signed by the member", "member", m.ID, "mandate", d.ID, "revoked", revoked)
		})
		return nil
	})
	if errors.Is(err, store.ErrConflict) {
		errs.Add("reference", "selfservice.err.mandate_changed")
	} else if err != nil {
		return nil, nil, fmt.Errorf("sign mandate of member %d: %w", m.ID, err)
	}
	if errs.Any() {
		return nil, errs, nil
	}
	return d, nil, nil
}
