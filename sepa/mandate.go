package sepa

import (
	"context"
	"errors"
	"fmt"

	"coin/date"
	"coin/form"
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
