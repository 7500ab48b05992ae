package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"coin/date"
	"coin/model"
)

// ErrAnonymised refuses to anonymise a member twice.
var ErrAnonymised = fmt.Errorf("member already anonymised: %w", ErrConflict)

// AnonymisedLogin is the login an anonymised member is left with.
func AnonymisedLogin(id int64) string { return fmt.Sprintf("anonymised-%d", id) }

// AnonymiseMember erases, in one transaction, what identifies member id:
// names, addresses, phone, e-mail, comments, login and password, the
// sessions and e-mailed links, the messages of the outbox to or about
// them, the sign-in attempts and limit hits under their login or
// address, the comments of their subscriptions, loans and
// configurations, the output of their hooks, their mailing lists; the keys
// of their imported records become hashes. Invoices, payments, fees,
// subscriptions and the accounting log stay, tied to the same id.
func (s *Store) AnonymiseMember(ctx context.Context, id int64) error {
	return s.Tx(ctx, func(tx *Store) error {
		m, err := tx.MemberByID(ctx, id)
		if err != nil {
			return err
		}
		var at *time.Time
		if err := tx.queryRow(ctx, `SELECT anonymised_at FROM members WHERE id = ?`, id).Scan(&at); err != nil {
			return err
		}
		if at != nil {
			return fmt.Errorf("anonymise member %d: %w", id, ErrAnonymised)
		}
		if err := tx.MarkMemberListsDirty(ctx, id); err != nil {
			return err
		}
		if err := tx.eraseTraces(ctx, m); err != nil {
			return fmt.Errorf("anonymise member %d: %w", id, err)
		}
		if err := tx.eraseSubscriptionData(ctx, m); err != nil {
			return fmt.Errorf("anonymise member %d: %w", id, err)
		}
		if err := tx.hashImportRefs(ctx, id); err != nil {
			return fmt.Errorf("anonymise member %d: %w", id, err)
		}
		if err := tx.redactAudit(ctx, id); err != nil {
			return fmt.Errorf("anonymise member %d: %w", id, err)
		}
		now := tx.now()
		blank := Member{ID: id, Login: AnonymisedLogin(id)}
		_, err = tx.exec(ctx, `UPDATE members SET login = ?, password_hash = '', role = ?,
			first_name = '', last_name = '', organization_name = '', nickname = '', email = '',
			email_verified_at = NULL, phone = '', address = '', postal_code = '', city = '',
			country = '', status = ?, send_fee_reminders = ?, comments = '', self_registered = ?,
			search_key = ?, anonymised_at = ?, updated_at = ? WHERE id = ?`,
			blank.Login, model.RoleMember, model.StatusNotMember, false, false, memberSearchKey(&blank), now, now, id)
		if err != nil {
			return fmt.Errorf("anonymise member %d: %w", id, err)
		}
		return nil
	})
}

// eraseTraces deletes the sessions, links, messages, sign-in attempts,
// limit hits, API tokens and list subscriptions of m.
func (s *Store) eraseTraces(ctx context.Context, m *Member) error {
	steps := []struct {
		q    string
		args []any
	}{
		{`DELETE FROM sessions WHERE member_id = ?`, []any{m.ID}},
		{`DELETE FROM member_tokens WHERE member_id = ?`, []any{m.ID}},
		{`DELETE FROM api_tokens WHERE member_id = ?`, []any{m.ID}}, // an anonymised account acts no more
		{`DELETE FROM mailing_list_subscriptions WHERE member_id = ?`, []any{m.ID}},
		{`DELETE FROM outbox WHERE member_id = ?`, []any{m.ID}},
		{`DELETE FROM login_attempts WHERE login = ?`, []any{m.Login}},
		{`DELETE FROM throttle_hits WHERE key = ?`, []any{"signup-address:" + strings.ToLower(m.Email)}},
		{`UPDATE loans SET notes = '' WHERE member_id = ?`, []any{m.ID}},
		{`UPDATE subscriptions SET comments = '' WHERE member_id = ?`, []any{m.ID}},
		{`UPDATE member_requests SET comments = '', reason = '' WHERE member_id = ?`, []any{m.ID}},
		{`UPDATE hook_runs SET argv = '[]', output = '', error = '' WHERE subscription_id IN
			(SELECT id FROM subscriptions WHERE member_id = ?)`, []any{m.ID}},
	}
	if m.Email != "" {
		// Staff were told of the sign-up with the address (the message has
		// no member: it went to staff).
		steps = append(steps, struct {
			q    string
			args []any
		}{`DELETE FROM outbox WHERE kind = 'signup_notification' AND LOWER(text_body) LIKE ? ESCAPE '\'`,
			[]any{likePattern(m.Email)}})
	}
	for _, st := range steps {
		if _, err := s.exec(ctx, st.q, st.args...); err != nil {
			return fmt.Errorf("%s: %w", strings.Fields(st.q)[2], err)
		}
	}
	return nil
}

// eraseSubscriptionData removes from m's configurations the login and every
// value that is a comment or holds m's login, names or address (the
// addresses and technical fields stay).
func (s *Store) eraseSubscriptionData(ctx context.Context, m *Member) error {
	rows, err := s.query(ctx, `SELECT c.id, c.data FROM configurations c JOIN subscriptions s
		ON s.id = c.subscription_id WHERE s.member_id = ?`, m.ID)
	if err != nil {
		return err
	}
	type conf struct {
		id   int64
		data string
	}
	var confs []conf
	for rows.Next() {
		var c conf
		if err := rows.Scan(&c.id, &c.data); err != nil {
			rows.Close()
			return err
		}
		confs = append(confs, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	personal := []string{}
	for _, v := range []string{m.Login, m.Email, m.FirstName, m.LastName, m.OrganizationName, m.Nickname} {
		if v = strings.ToLower(strings.TrimSpace(v)); len(v) >= 2 {
			personal = append(personal, v)
		}
	}
	for _, c := range confs {
		data := map[string]string{}
		if err := json.Unmarshal([]byte(c.data), &data); err != nil {
			return fmt.Errorf("configuration %d data: %w", c.id, err)
		}
		for k, v := range data {
			if strings.Contains(k, "comment") || k == "login" || holdsAny(strings.ToLower(v), personal) {
				delete(data, k)
			}
		}
		out, err := json.Marshal(data)
		if err != nil {
			return err
		}
		if _, err := s.exec(ctx, `UPDATE configurations SET login = NULL, data = ?, secret_hash = '',
			updated_at = ? WHERE id = ?`, string(out), s.now(), c.id); err != nil {
			return err
		}
	}
	return nil
}

func holdsAny(v string, words []string) bool {
	for _, w := range words {
		if strings.Contains(v, w) {
			return true
		}
	}
	return false
}

// MemberAnonymisedAt tells when member id was anonymised (nil: never).
func (s *Store) MemberAnonymisedAt(ctx context.Context, id int64) (*time.Time, error) {
	var at *time.Time
	if err := s.queryRow(ctx, `SELECT anonymised_at FROM members WHERE id = ?`, id).Scan(&at); err != nil {
		return nil, notFound(err, "member", id)
	}
	return at, nil
}

// CountRunningSubscriptions counts the subscriptions of a member that still
// give service on day or after it (no resign date, or one after day).
func (s *Store) CountRunningSubscriptions(ctx context.Context, memberID int64, day date.Date) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM subscriptions WHERE member_id = ?
		AND (resign_date IS NULL OR resign_date > ?)`, memberID, day).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("running subscriptions of member %d: %w", memberID, err)
	}
	return n, nil
}
