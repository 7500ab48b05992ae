package member

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"coin/date"
	"coin/fees"
	"coin/form"
	"coin/model"
	"coin/store"
)

// Service is where members are written: the back office form, the portal
// profile, the language chosen, deletion and the first administrator.
type Service struct {
	Store *store.Store
	Fees  *fees.Service // logs the fees that go with a deleted member
	Log   *slog.Logger
}

// ErrDeleteSelf refuses the deletion of the account doing it.
var ErrDeleteSelf = errors.New("one cannot delete one's own account")

// Create validates f in scope and creates the member by staff member by
// (nil from the command line). A login taken is a form error.
func (s *Service) Create(ctx context.Context, f Form, scope Scope, by *store.Member) (*store.Member, form.Errors, error) {
	m := &store.Member{}
	if errs := f.Validate(scope, m); errs.Any() {
		return nil, errs, nil
	}
	if errs, err := s.create(ctx, m, by); errs.Any() || err != nil {
		return nil, errs, err
	}
	return m, nil, nil
}

// CreateAdmin creates an administrator whose address is taken as verified
// (coin createsuperuser). A login taken is store.ErrConflict.
func (s *Service) CreateAdmin(ctx context.Context, m *store.Member) error {
	m.Role = model.RoleAdmin
	errs, err := s.create(ctx, m, nil)
	if errs.Any() {
		return fmt.Errorf("login %q is already taken: %w", m.Login, store.ErrConflict)
	}
	return err
}

func (s *Service) create(ctx context.Context, m *store.Member, by *store.Member) (form.Errors, error) {
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.CreateMember(ctx, m); err != nil {
			return err
		}
		if err := auditMember(ctx, tx, "member.created", m, Changes(&store.Member{}, m)...); err != nil {
			return err
		}
		tx.AfterCommit(func() {
			s.Log.Info("member created", "member", m.ID, "login", m.Login, "role", m.Role, "by", actorID(by))
		})
		return nil
	})
	if errors.Is(err, store.ErrConflict) {
		return form.Errors{"login": "err.login_taken"}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("create member %q: %w", m.Login, err)
	}
	return nil, nil
}

// Update applies f in scope to m and saves it. m is changed in place, even
// when the form has errors (the form shows what was typed).
//
// A new e-mail address revokes the links sent to the old one (password
// reset, verification): whoever reads the old mailbox can no longer use them.
func (s *Service) Update(ctx context.Context, m *store.Member, f Form, scope Scope) (form.Errors, error) {
	old := *m
	oldEmail := m.Email
	if errs := f.Validate(scope, m); errs.Any() {
		return errs, nil
	}
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.UpdateMember(ctx, m); err != nil {
			return err
		}
		if err := auditUpdate(ctx, tx, &old, m); err != nil {
			return err
		}
		if !strings.EqualFold(oldEmail, m.Email) {
			return tx.RevokeMemberTokens(ctx, m.ID, "")
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("update member %d: %w", m.ID, err)
	}
	return nil, nil
}

// SetStatus gives the members of ids the status, in one transaction (all
// or none), on behalf of staff member by; it returns how many changed.
// Each changed member's mailing lists are marked for a push, as an edit
// does.
func (s *Service) SetStatus(ctx context.Context, ids []int64, status string, by *store.Member) (int, error) {
	switch status {
	case model.StatusPending, model.StatusMember, model.StatusNotMember:
	default:
		return 0, fmt.Errorf("set status: %q is not a status", status)
	}
	n := 0
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		for _, id := range ids {
			m, err := tx.MemberByID(ctx, id)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if m.Status == status {
				continue
			}
			old := *m
			m.Status = status
			if err := tx.UpdateMember(ctx, m); err != nil {
				return err
			}
			if err := auditUpdate(ctx, tx, &old, m); err != nil {
				return err
			}
			n++
		}
		tx.AfterCommit(func() { s.Log.Info("members' status changed", "count", n, "status", status, "by", actorID(by)) })
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("set the status of %d members: %w", len(ids), err)
	}
	return n, nil
}

// SetLanguage records the language a member chose, for their e-mails.
func (s *Service) SetLanguage(ctx context.Context, memberID int64, lang string) error {
	if err := s.Store.SetMemberLanguage(ctx, memberID, lang); err != nil {
		return fmt.Errorf("set language of member %d: %w", memberID, err)
	}
	return nil
}

// Delete deletes member m on behalf of staff member by: the member's fees
// go with it, each deletion in the accounting log, in one transaction. A
// member still referenced (invoices, payments, subscriptions…) is
// store.ErrInUse and nothing is written; by deleting themselves is
// ErrDeleteSelf.
func (s *Service) Delete(ctx context.Context, m, by *store.Member) error {
	if by != nil && m.ID == by.ID {
		return ErrDeleteSelf
	}
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		if err := s.Fees.LogMemberFeesDeletedTx(ctx, tx, m.ID, actorLogin(by)); err != nil {
			return err
		}
		if err := tx.DeleteMember(ctx, m.ID); err != nil {
			return err
		}
		if err := auditMember(ctx, tx, "member.deleted", m); err != nil {
			return err
		}
		tx.AfterCommit(func() { s.Log.Info("member deleted", "member", m.ID, "login", m.Login, "by", actorID(by)) })
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete member %d: %w", m.ID, err)
	}
	return nil
}

func actorID(by *store.Member) int64 {
	if by == nil {
		return 0
	}
	return by.ID
}

func actorLogin(by *store.Member) string {
	if by == nil {
		return "coin"
	}
	return by.Login
}

// ErrRunning refuses to anonymise a member whose subscriptions still run:
// resign them first.
var ErrRunning = errors.New("the member still has running subscriptions")

// Anonymise erases the personal data of member m on behalf of staff member
// by, in one transaction (store.AnonymiseMember says what goes): the row
// stays, under the login store.AnonymisedLogin, for the invoices, payments,
// fees and ledger the law keeps. A member with subscriptions still running
// today is ErrRunning; by anonymising themselves is ErrDeleteSelf; twice is
// store.ErrAnonymised.
func (s *Service) Anonymise(ctx context.Context, m, by *store.Member, today date.Date) error {
	if by != nil && m.ID == by.ID {
		return ErrDeleteSelf
	}
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		n, err := tx.CountRunningSubscriptions(ctx, m.ID, today)
		if err != nil {
			return err
		}
		if n > 0 {
			return ErrRunning
		}
		if err := tx.AnonymiseMember(ctx, m.ID); err != nil {
			return err
		}
		if err := auditMember(ctx, tx, "member.anonymised", m); err != nil {
			return err
		}
		// The log says who was anonymised by id only.
		tx.AfterCommit(func() { s.Log.Info("member anonymised", "member", m.ID, "by", actorID(by)) })
		return nil
	})
	if err != nil {
		return fmt.Errorf("anonymise member %d: %w", m.ID, err)
	}
	return nil
}

// SaveTx creates (m.ID == 0) or saves member m in the caller's transaction
// tx, for the importer, after m was filled by Form.Validate: the same
// writes as Create and Update (a new address revokes the links sent to
// oldEmail). A login taken is store.ErrConflict.
func (s *Service) SaveTx(ctx context.Context, tx *store.Store, m *store.Member, oldEmail string) error {
	if m.ID == 0 {
		if err := tx.CreateMember(ctx, m); err != nil {
			return err
		}
		tx.AfterCommit(func() { s.Log.Info("member imported", "member", m.ID, "login", m.Login) })
		return nil
	}
	if err := tx.UpdateMember(ctx, m); err != nil {
		return err
	}
	if !strings.EqualFold(oldEmail, m.Email) {
		return tx.RevokeMemberTokens(ctx, m.ID, "")
	}
	return nil
}
