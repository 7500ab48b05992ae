package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"coin/date"
)

// Fee filter values of MemberEmailFilter.
const (
	FeeUpToDate = "up-to-date" // a membership fee covers the day
	FeeExpired  = "expired"    // no fee covers the day (never paid included)
)

// ErrFilterNotAvailable refuses a filter on data this version does not keep yet.
var ErrFilterNotAvailable = errors.New("not available yet")

// MemberEmailFilter selects the members whose addresses `coin members-email`
// and the back office export give. Filters add up (AND).
type MemberEmailFilter struct {
	Status             string    // "" for every status, else StatusPending, StatusMember or StatusNotMember
	Fee                string    // "", FeeUpToDate or FeeExpired
	Offer              string    // reference of an offer the member has an active subscription to
	ActiveSubscription bool      // has at least one subscription active on Today
	List               string    // short name of a mailing list the member is on
	Today              date.Date // the day fees and subscriptions are judged on
}

// MemberEmails returns the addresses of the members matching f, one per
// member, without duplicates, sorted.
func (s *Store) MemberEmails(ctx context.Context, f MemberEmailFilter) ([]string, error) {
	conds := []string{"m.email <> ''"}
	var args []any
	if f.Status != "" {
		conds = append(conds, "m.status = ?")
		args = append(args, f.Status)
	}
	if f.List != "" {
		l, err := s.MailingListByShortName(ctx, f.List)
		if err != nil {
			return nil, fmt.Errorf("members e-mail: no mailing list named %q: %w", f.List, ErrNotFound)
		}
		conds = append(conds, "EXISTS (SELECT 1 FROM mailing_list_subscriptions ls WHERE ls.list_id = ? AND ls.member_id = m.id)")
		args = append(args, l.ID)
	}
	more, moreArgs, err := f.pendingConditions()
	if err != nil {
		return nil, err
	}
	conds = append(conds, more...)
	args = append(args, moreArgs...)
	rows, err := s.query(ctx, `SELECT m.email FROM members m WHERE `+strings.Join(conds, " AND "), args...)
	if err != nil {
		return nil, fmt.Errorf("members e-mail: %w", err)
	}
	return collectAddresses(rows)
}

// ─── MERGE POINT ──────────────────────────────────────────────────────────
// pendingConditions holds the filters on tables that other branches add
// (membership_fees, subscriptions, offers). Until they are merged, these
// filters answer ErrFilterNotAvailable. At merge time, replace each error
// with its condition, e.g. (f.Today as the parameter, `?` placeholders):
//
//	fee up to date: EXISTS (SELECT 1 FROM membership_fees mf WHERE mf.member_id = m.id
//	                        AND mf.start_date <= ? AND mf.end_date >= ?)
//	fee expired:    NOT EXISTS (same)
//	active subscription:
//	                EXISTS (SELECT 1 FROM subscriptions sub WHERE sub.member_id = m.id
//	                        AND sub.start_date <= ? AND (sub.resign_date IS NULL OR sub.resign_date > ?))
//	offer REF:      EXISTS (SELECT 1 FROM subscriptions sub JOIN offers o ON o.id = sub.offer_id
//	                        WHERE sub.member_id = m.id AND o.reference = ?
//	                        AND sub.start_date <= ? AND (sub.resign_date IS NULL OR sub.resign_date > ?))
//
// and add the cases to TestMemberEmails in members_email_test.go.
func (f MemberEmailFilter) pendingConditions() ([]string, []any, error) {
	switch {
	case f.Fee != "":
		return nil, nil, fmt.Errorf("members e-mail: the membership fee filter is %w", ErrFilterNotAvailable)
	case f.Offer != "":
		return nil, nil, fmt.Errorf("members e-mail: the offer filter is %w", ErrFilterNotAvailable)
	case f.ActiveSubscription:
		return nil, nil, fmt.Errorf("members e-mail: the active subscription filter is %w", ErrFilterNotAvailable)
	}
	return nil, nil, nil
}
