package store

import (
	"context"
	"fmt"
	"strings"

	"coin/date"
	"coin/model"
)

// MemberEmailFilter selects the members whose addresses `coin members-email`
// and the back office export give. Filters add up (AND).
type MemberEmailFilter struct {
	Status             string    // "" for every status, else model.StatusPending, model.StatusMember or model.StatusNotMember
	Fee                string    // "", model.EmailFeeUpToDate or model.EmailFeeExpired
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
	more, moreArgs := f.moreConditions()
	conds = append(conds, more...)
	args = append(args, moreArgs...)
	rows, err := s.query(ctx, `SELECT m.email FROM members m WHERE `+strings.Join(conds, " AND "), args...)
	if err != nil {
		return nil, fmt.Errorf("members e-mail: %w", err)
	}
	return collectAddresses(rows)
}

// moreConditions are the filters on fees and subscriptions, judged on f.Today.
func (f MemberEmailFilter) moreConditions() ([]string, []any) {
	var conds []string
	var args []any
	const covered = `EXISTS (SELECT 1 FROM membership_fees mf WHERE mf.member_id = m.id
		AND mf.start_date <= ? AND mf.end_date >= ?)`
	const active = `sub.member_id = m.id AND sub.start_date <= ? AND (sub.resign_date IS NULL OR sub.resign_date > ?)`
	switch f.Fee {
	case model.EmailFeeUpToDate:
		conds = append(conds, covered)
		args = append(args, f.Today, f.Today)
	case model.EmailFeeExpired:
		conds = append(conds, "NOT "+covered)
		args = append(args, f.Today, f.Today)
	}
	if f.ActiveSubscription {
		conds = append(conds, `EXISTS (SELECT 1 FROM subscriptions sub WHERE `+active+`)`)
		args = append(args, f.Today, f.Today)
	}
	if f.Offer != "" {
		conds = append(conds, `EXISTS (SELECT 1 FROM subscriptions sub JOIN offers o ON o.id = sub.offer_id
			WHERE o.reference = ? AND `+active+`)`)
		args = append(args, f.Offer, f.Today, f.Today)
	}
	return conds, args
}
