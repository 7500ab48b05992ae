package hardware

import (
	"context"
	"errors"
	"fmt"

	"coin/form"
	"coin/store"
)

// storeLookup resolves the references of the item form against st.
func storeLookup(ctx context.Context, st *store.Store) (Lookup, error) {
	types, err := st.ItemTypes(ctx)
	if err != nil {
		return Lookup{}, err
	}
	places, err := st.StoragePlaces(ctx)
	if err != nil {
		return Lookup{}, err
	}
	return Lookup{
		TypeExists: func(id int64) bool {
			for _, t := range types {
				if t.ID == id {
					return true
				}
			}
			return false
		},
		StorageExists: func(id int64) bool {
			for _, p := range places {
				if p.ID == id {
					return true
				}
			}
			return false
		},
		MemberID: memberID(ctx, st),
	}, nil
}

// CreateItem validates f (normalised in place, to show again) and adds the
// item on behalf of staff member by. A MAC address or serial number
// another item has is a form error.
func (s *Service) CreateItem(ctx context.Context, f *ItemForm, by *store.Member) (*store.Item, form.Errors, error) {
	it := &store.Item{}
	errs, err := s.saveItem(ctx, f, it, func(tx *store.Store) error {
		if err := tx.CreateItem(ctx, it); err != nil {
			return err
		}
		tx.AfterCommit(func() { s.Log.Info("item created", "item", it.ID, "by", actorID(by)) })
		return nil
	})
	if errs.Any() || err != nil {
		return nil, errs, err
	}
	return it, nil, nil
}

// UpdateItem validates f into it and saves it. A MAC address or serial
// number another item has, or an item on loan marked deployed, is a form
// error.
func (s *Service) UpdateItem(ctx context.Context, it *store.Item, f *ItemForm, by *store.Member) (form.Errors, error) {
	return s.saveItem(ctx, f, it, func(tx *store.Store) error {
		if err := tx.UpdateItem(ctx, it); err != nil {
			return err
		}
		tx.AfterCommit(func() { s.Log.Info("item updated", "item", it.ID, "by", actorID(by)) })
		return nil
	})
}

func (s *Service) saveItem(ctx context.Context, f *ItemForm, it *store.Item, write func(tx *store.Store) error) (form.Errors, error) {
	lk, err := storeLookup(ctx, s.Store)
	if err != nil {
		return nil, err
	}
	if errs := f.Validate(lk, it); errs.Any() {
		return errs, nil
	}
	var errs form.Errors
	err = s.Store.Tx(ctx, func(tx *store.Store) error {
		field, err := tx.ItemDuplicate(ctx, it)
		if err != nil {
			return err
		}
		if field != "" {
			errs = form.Errors{field: "hardware.err." + field + "_taken"}
			return errRefused
		}
		return write(tx)
	})
	switch {
	case errors.Is(err, errRefused):
		return errs, nil
	case errors.Is(err, store.ErrConflict):
		// Another volunteer saved the same MAC or serial meanwhile.
		field, _ := s.Store.ItemDuplicate(ctx, it)
		if field == "" {
			field = "serial"
		}
		return form.Errors{field: "hardware.err." + field + "_taken"}, nil
	case errors.Is(err, store.ErrItemLent):
		return form.Errors{"deployed": "hardware.err.deploy_lent"}, nil
	case err != nil:
		return nil, fmt.Errorf("save item %q: %w", it.Designation, err)
	}
	return nil, nil
}

// DeleteItem removes an item and its loan history; an item on loan must be
// taken back first (store.ErrItemLent).
func (s *Service) DeleteItem(ctx context.Context, it *store.Item, by *store.Member) error {
	return s.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteItem(ctx, it.ID); err != nil {
			return err
		}
		tx.AfterCommit(func() {
			s.Log.Info("item deleted", "item", it.ID, "designation", it.Designation, "by", actorID(by))
		})
		return nil
	})
}
