package maillists

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"coin/config"
	"coin/form"
	"coin/model"
	"coin/store"
)

// Service is where lists and their subscribers are written: the staff
// forms, a member's own choice and the automatic subscription of new
// members. A change of subscribers by hand is pushed once it commits.
type Service struct {
	Store *store.Store
	Sync  *Syncer // pushes after commit; its Cfg says what to subscribe new members to
	Log   *slog.Logger
}

// ErrClosed refuses a new subscriber on a closed list.
var ErrClosed = errors.New("the list takes no new subscriber")

// ListForm is a list as staff type it.
type ListForm struct {
	ShortName   string
	Email       string
	Name        string
	Description string
	Open        bool
}

// Clean trims the fields and lowercases the short name.
func (f ListForm) Clean() ListForm {
	f.ShortName = strings.ToLower(strings.TrimSpace(f.ShortName))
	f.Email, f.Name = strings.TrimSpace(f.Email), strings.TrimSpace(f.Name)
	f.Description = strings.TrimSpace(f.Description)
	return f
}

// Check validates a cleaned form.
func (f ListForm) Check() form.Errors {
	errs := form.Errors{}
	errs.Required("name", f.Name)
	errs.MaxLen("name", f.Name, 200)
	errs.Required("short_name", f.ShortName)
	if f.ShortName != "" && !config.ListShortName.MatchString(f.ShortName) {
		errs.Add("short_name", "maillists.err.short_name_invalid")
	}
	errs.Required("email", f.Email)
	errs.Email("email", f.Email)
	errs.MaxLen("email", f.Email, 200)
	errs.MaxLen("description", f.Description, 2000)
	return errs
}

// Result is what a change of subscribers did.
type Result struct {
	// Changed tells that the member was put on the list or taken off it.
	Changed bool
	// Pushed tells that the list server has the list now (or that there is
	// no command to push with). It is set when the change commits: false
	// until then, and when the push failed (recorded, retried later).
	Pushed bool
}

// SaveList validates f and creates the list (l.ID == 0) or updates l, on
// behalf of staff member by. A short name or address taken is a form
// error. The list is pushed by the scheduled sync.
func (s *Service) SaveList(ctx context.Context, l *store.MailingList, f ListForm, by *store.Member) (form.Errors, error) {
	f = f.Clean()
	if errs := f.Check(); errs.Any() {
		return errs, nil
	}
	l.ShortName, l.Email, l.Name, l.Description, l.Open = f.ShortName, f.Email, f.Name, f.Description, f.Open
	creating := l.ID == 0
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		if creating {
			if err := tx.CreateMailingList(ctx, l); err != nil {
				return err
			}
			tx.AfterCommit(func() { s.Log.Info("mailing list created", "list", l.ShortName, "by", actorID(by)) })
			return nil
		}
		if err := tx.UpdateMailingList(ctx, l); err != nil {
			return err
		}
		tx.AfterCommit(func() { s.Log.Info("mailing list updated", "list", l.ShortName, "by", actorID(by)) })
		return nil
	})
	if errors.Is(err, store.ErrConflict) {
		return form.Errors{"short_name": "maillists.err.taken"}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("save mailing list %q: %w", l.ShortName, err)
	}
	return nil, nil
}

// DeleteList removes a list, its subscriptions and its sync log. The list
// server is not told.
func (s *Service) DeleteList(ctx context.Context, l *store.MailingList, by *store.Member) error {
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteMailingList(ctx, l.ID); err != nil {
			return err
		}
		tx.AfterCommit(func() { s.Log.Info("mailing list deleted", "list", l.ShortName, "by", actorID(by)) })
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete mailing list %d: %w", l.ID, err)
	}
	return nil
}

// AddSubscriber puts the member named by login on the list, on behalf of
// staff member by, and pushes the list once that commits. An unknown or
// blank login is a form error; a member already on it changes nothing.
func (s *Service) AddSubscriber(ctx context.Context, l *store.MailingList, login string, by *store.Member) (*Result, form.Errors, error) {
	login = strings.ToLower(strings.TrimSpace(login))
	if login == "" {
		return nil, form.Errors{"member": "err.required"}, nil
	}
	r := &Result{}
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		m, err := tx.MemberByLogin(ctx, login)
		if err != nil {
			return err
		}
		if r.Changed, err = tx.Subscribe(ctx, l.ID, m.ID); err != nil || !r.Changed {
			return err
		}
		tx.AfterCommit(func() {
			s.Log.Info("mailing list subscriber added", "list", l.ShortName, "member", m.ID, "by", actorID(by))
			r.Pushed = s.push(ctx, l.ID)
		})
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, form.Errors{"member": "hardware.err.no_such_member"}, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("add %q to mailing list %d: %w", login, l.ID, err)
	}
	return r, nil, nil
}

// RemoveSubscriber takes a member off the list, on behalf of staff member
// by, and pushes the list once that commits.
func (s *Service) RemoveSubscriber(ctx context.Context, l *store.MailingList, memberID int64, by *store.Member) (*Result, error) {
	r := &Result{}
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		var err error
		if r.Changed, err = tx.Unsubscribe(ctx, l.ID, memberID); err != nil || !r.Changed {
			return err
		}
		tx.AfterCommit(func() {
			s.Log.Info("mailing list subscriber removed", "list", l.ShortName, "member", memberID, "by", actorID(by))
			r.Pushed = s.push(ctx, l.ID)
		})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("remove member %d from mailing list %d: %w", memberID, l.ID, err)
	}
	return r, nil
}

// Choose records a member's own choice: on the list (subscribe) or off
// it, and pushes the list once that commits. A list the member cannot see
// is store.ErrNotFound; a closed list they are not on is ErrClosed.
func (s *Service) Choose(ctx context.Context, m *store.Member, listID int64, subscribe bool) (*Result, error) {
	r := &Result{}
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		ml, err := tx.MemberMailingList(ctx, listID, m.ID)
		if err != nil {
			return err
		}
		if subscribe {
			if !ml.List.Open && !ml.Subscribed {
				return ErrClosed
			}
			r.Changed, err = tx.Subscribe(ctx, listID, m.ID)
		} else {
			r.Changed, err = tx.Unsubscribe(ctx, listID, m.ID)
		}
		if err != nil || !r.Changed {
			return err
		}
		tx.AfterCommit(func() {
			s.Log.Info("mailing list choice", "list", ml.List.ShortName, "member", m.ID, "subscribed", subscribe)
			r.Pushed = s.push(ctx, listID)
		})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("member %d's choice of mailing list %d: %w", m.ID, listID, err)
	}
	return r, nil
}

// SubscribeNewMember puts a member whose status just became member
// (wasMember: it was before) on the lists named in
// maillists.auto_subscribe; unknown names are skipped. The lists are
// marked for a push in the same transaction and pushed by the scheduled
// sync.
func (s *Service) SubscribeNewMember(ctx context.Context, m *store.Member, wasMember bool) error {
	names := s.Sync.Cfg.AutoSubscribe
	if !s.Sync.Cfg.Enabled || len(names) == 0 || wasMember || m.Status != model.StatusMember {
		return nil
	}
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		ids, err := tx.SubscribeToLists(ctx, m.ID, names)
		if err != nil {
			return err
		}
		if len(ids) > 0 {
			tx.AfterCommit(func() {
				s.Log.Info("member subscribed to mailing lists automatically", "member", m.ID, "lists", ids)
			})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("subscribe member %d to %v: %w", m.ID, names, err)
	}
	return nil
}

// push runs the sync command for a list after a committed change and
// tells whether the list server has it now. A failure is recorded on the
// list and retried later; what prevents recording is logged.
func (s *Service) push(ctx context.Context, listID int64) bool {
	run, err := s.Sync.Sync(ctx, listID)
	switch {
	case errors.Is(err, ErrNoCommand):
		return true
	case errors.Is(err, ErrBusy):
		return false
	case err != nil:
		s.Log.Error("push mailing list", "list", listID, "err", err)
		return false
	}
	return run.OK()
}

func actorID(by *store.Member) int64 {
	if by == nil {
		return 0
	}
	return by.ID
}
