package hardware

import (
	"context"
	"errors"
	"log/slog"

	"coin/config"
	"coin/date"
	"coin/form"
	"coin/store"
)

// Service is where the inventory is written: item types, storage places,
// items and their loans. Each write is validated beside it and made in one
// transaction; what it logs goes out once that transaction commits.
type Service struct {
	Store *store.Store
	Cfg   *config.Config // the location of today
	Log   *slog.Logger
}

// errRefused rolls back a transaction whose outcome is form errors.
var errRefused = errors.New("refused")

func (s *Service) today() date.Date { return date.Today(s.Cfg.Location()) }

// catalogName checks a type or place name.
func catalogName(name string) form.Errors {
	errs := form.Errors{}
	errs.Required("name", name)
	errs.MaxLen("name", name, 100)
	return errs
}

// placeForm checks the name and notes of a storage place.
func placeForm(p *store.StoragePlace) form.Errors {
	errs := catalogName(p.Name)
	errs.MaxLen("notes", p.Notes, 500)
	return errs
}

// nameTaken is the form error of a type or place name already used.
func nameTaken() form.Errors { return form.Errors{"name": "hardware.err.name_taken"} }

// CreateItemType adds a type named name (trimmed) on behalf of staff member
// by; a name taken is a form error.
func (s *Service) CreateItemType(ctx context.Context, name string, by *store.Member) (*store.ItemType, form.Errors, error) {
	t := &store.ItemType{Name: name}
	if errs := catalogName(name); errs.Any() {
		return nil, errs, nil
	}
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.CreateItemType(ctx, t); err != nil {
			return err
		}
		tx.AfterCommit(func() { s.Log.Info("item type created", "type", t.ID, "name", t.Name, "by", actorID(by)) })
		return nil
	})
	if errors.Is(err, store.ErrConflict) {
		return nil, nameTaken(), nil
	}
	if err != nil {
		return nil, nil, err
	}
	return t, nil, nil
}

// RenameItemType renames type id; a bad name or one taken is a form error.
func (s *Service) RenameItemType(ctx context.Context, id int64, name string, by *store.Member) (form.Errors, error) {
	if errs := catalogName(name); errs.Any() {
		return errs, nil
	}
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.RenameItemType(ctx, id, name); err != nil {
			return err
		}
		tx.AfterCommit(func() { s.Log.Info("item type renamed", "type", id, "name", name, "by", actorID(by)) })
		return nil
	})
	if errors.Is(err, store.ErrConflict) {
		return nameTaken(), nil
	}
	return nil, err
}

// DeleteItemType removes a type no item uses; store.ErrConflict otherwise.
func (s *Service) DeleteItemType(ctx context.Context, id int64, by *store.Member) error {
	return s.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteItemType(ctx, id); err != nil {
			return err
		}
		tx.AfterCommit(func() { s.Log.Info("item type deleted", "type", id, "by", actorID(by)) })
		return nil
	})
}

// CreateStoragePlace adds a place; a bad name or notes, or a name taken,
// is a form error.
func (s *Service) CreateStoragePlace(ctx context.Context, name, notes string, by *store.Member) (*store.StoragePlace, form.Errors, error) {
	p := &store.StoragePlace{Name: name, Notes: notes}
	if errs := placeForm(p); errs.Any() {
		return nil, errs, nil
	}
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.CreateStoragePlace(ctx, p); err != nil {
			return err
		}
		tx.AfterCommit(func() { s.Log.Info("storage place created", "place", p.ID, "name", p.Name, "by", actorID(by)) })
		return nil
	})
	if errors.Is(err, store.ErrConflict) {
		return nil, nameTaken(), nil
	}
	if err != nil {
		return nil, nil, err
	}
	return p, nil, nil
}

// UpdateStoragePlace saves the name and notes of p; a bad name or notes,
// or a name taken, is a form error.
func (s *Service) UpdateStoragePlace(ctx context.Context, p *store.StoragePlace, by *store.Member) (form.Errors, error) {
	if errs := placeForm(p); errs.Any() {
		return errs, nil
	}
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.UpdateStoragePlace(ctx, p); err != nil {
			return err
		}
		tx.AfterCommit(func() { s.Log.Info("storage place updated", "place", p.ID, "name", p.Name, "by", actorID(by)) })
		return nil
	})
	if errors.Is(err, store.ErrConflict) {
		return nameTaken(), nil
	}
	return nil, err
}

// DeleteStoragePlace removes a place where no item is kept;
// store.ErrConflict otherwise.
func (s *Service) DeleteStoragePlace(ctx context.Context, id int64, by *store.Member) error {
	return s.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteStoragePlace(ctx, id); err != nil {
			return err
		}
		tx.AfterCommit(func() { s.Log.Info("storage place deleted", "place", id, "by", actorID(by)) })
		return nil
	})
}

// memberID finds any account by login (owners may have left).
func memberID(ctx context.Context, st *store.Store) func(string) (int64, bool) {
	return func(login string) (int64, bool) {
		m, err := st.MemberByLogin(ctx, login)
		if err != nil {
			return 0, false
		}
		return m.ID, true
	}
}

func actorID(by *store.Member) int64 {
	if by == nil {
		return 0
	}
	return by.ID
}
