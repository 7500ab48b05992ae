package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// MemberList is a list as one member sees it in the portal.
type MemberList struct {
	List       *MailingList
	Subscribed bool
}

// MemberMailingLists returns the lists a member may see: the open ones and
// those they are on.
func (s *Store) MemberMailingLists(ctx context.Context, memberID int64) ([]*MemberList, error) {
	rows, err := s.query(ctx, `SELECT `+mailingListColumns+`,
		EXISTS (SELECT 1 FROM mailing_list_subscriptions ls WHERE ls.list_id = l.id AND ls.member_id = ?)
		FROM mailing_lists l
		WHERE l.open OR EXISTS (SELECT 1 FROM mailing_list_subscriptions ls WHERE ls.list_id = l.id AND ls.member_id = ?)
		ORDER BY l.name, l.id`, memberID, memberID)
	if err != nil {
		return nil, fmt.Errorf("mailing lists of member %d: %w", memberID, err)
	}
	defer rows.Close()
	var out []*MemberList
	for rows.Next() {
		var on bool
		l, err := scanMailingList(rows, &on)
		if err != nil {
			return nil, fmt.Errorf("scan mailing list: %w", err)
		}
		out = append(out, &MemberList{List: l, Subscribed: on})
	}
	return out, rows.Err()
}

// MemberMailingList returns one list as the member sees it; ErrNotFound
// when the list is closed and the member is not on it.
func (s *Store) MemberMailingList(ctx context.Context, listID, memberID int64) (*MemberList, error) {
	var on bool
	l, err := scanMailingList(s.queryRow(ctx, `SELECT `+mailingListColumns+`,
		EXISTS (SELECT 1 FROM mailing_list_subscriptions ls WHERE ls.list_id = l.id AND ls.member_id = ?)
		FROM mailing_lists l WHERE l.id = ?`, memberID, listID), &on)
	if err != nil {
		return nil, notFound(err, "mailing list", listID)
	}
	if !l.Open && !on {
		return nil, fmt.Errorf("mailing list %d: %w", listID, ErrNotFound)
	}
	return &MemberList{List: l, Subscribed: on}, nil
}

// Subscribe puts a member on a list and marks it for a push, in one
// transaction. It tells whether anything changed.
func (s *Store) Subscribe(ctx context.Context, listID, memberID int64) (bool, error) {
	var changed bool
	err := s.Tx(ctx, func(tx *Store) error {
		res, err := tx.exec(ctx, `INSERT INTO mailing_list_subscriptions (list_id, member_id, created_at)
			VALUES (?, ?, ?) ON CONFLICT (list_id, member_id) DO NOTHING`, listID, memberID, tx.now())
		if err != nil {
			return fmt.Errorf("subscribe member %d to list %d: %w", memberID, listID, err)
		}
		n, err := res.RowsAffected()
		if err != nil || n == 0 {
			return err
		}
		changed = true
		return tx.markListsDirty(ctx, `id = ?`, listID)
	})
	return changed, err
}

// Unsubscribe takes a member off a list and marks it for a push, in one
// transaction. It tells whether anything changed.
func (s *Store) Unsubscribe(ctx context.Context, listID, memberID int64) (bool, error) {
	var changed bool
	err := s.Tx(ctx, func(tx *Store) error {
		res, err := tx.exec(ctx, `DELETE FROM mailing_list_subscriptions WHERE list_id = ? AND member_id = ?`, listID, memberID)
		if err != nil {
			return fmt.Errorf("unsubscribe member %d from list %d: %w", memberID, listID, err)
		}
		n, err := res.RowsAffected()
		if err != nil || n == 0 {
			return err
		}
		changed = true
		return tx.markListsDirty(ctx, `id = ?`, listID)
	})
	return changed, err
}

// SubscribeToLists puts a member on the lists named (unknown names are
// skipped) and returns the ids of the lists that changed.
func (s *Store) SubscribeToLists(ctx context.Context, memberID int64, shortNames []string) ([]int64, error) {
	var changed []int64
	err := s.Tx(ctx, func(tx *Store) error {
		for _, name := range shortNames {
			l, err := tx.MailingListByShortName(ctx, name)
			if err != nil {
				if errors.Is(err, ErrNotFound) {
					continue
				}
				return err
			}
			on, err := tx.Subscribe(ctx, l.ID, memberID)
			if err != nil {
				return err
			}
			if on {
				changed = append(changed, l.ID)
			}
		}
		return nil
	})
	return changed, err
}

// ListSubscribers returns the members on a list, by name.
func (s *Store) ListSubscribers(ctx context.Context, listID int64) ([]*Member, error) {
	rows, err := s.query(ctx, `SELECT `+prefixed("m.", memberColumns)+` FROM members m
		JOIN mailing_list_subscriptions ls ON ls.member_id = m.id WHERE ls.list_id = ?
		ORDER BY `+byName("m.")+`, m.id`, listID)
	if err != nil {
		return nil, fmt.Errorf("subscribers of list %d: %w", listID, err)
	}
	return collectMembers(rows)
}

// ListAddresses returns what is pushed to the list server: the addresses
// of the subscribers whose status is member, without duplicates (a family
// may share one), sorted.
func (s *Store) ListAddresses(ctx context.Context, listID int64) ([]string, error) {
	rows, err := s.query(ctx, `SELECT m.email FROM members m
		JOIN mailing_list_subscriptions ls ON ls.member_id = m.id
		WHERE ls.list_id = ? AND m.status = 'member' AND m.email <> ''`, listID)
	if err != nil {
		return nil, fmt.Errorf("addresses of list %d: %w", listID, err)
	}
	return collectAddresses(rows)
}

// collectAddresses reads one address per row and returns them trimmed,
// deduplicated and sorted byte-wise, the same on every database.
func collectAddresses(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
	Close() error
}) ([]string, error) {
	defer rows.Close()
	seen := map[string]bool{}
	var out []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, fmt.Errorf("scan address: %w", err)
		}
		e = strings.TrimSpace(e)
		if e == "" || seen[e] {
			continue
		}
		seen[e] = true
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.Strings(out)
	return out, nil
}

// prefixed qualifies each column of a column list with p ("m.").
func prefixed(p, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}
