package store

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// ligatures are letters that no decomposition turns into their spelling.
var ligatures = strings.NewReplacer("œ", "oe", "æ", "ae", "ß", "ss", "ø", "o", "ł", "l", "đ", "d")

// Fold is the form in which names are searched: lower case, accents
// removed, so that "Émilie", "émilie" and "EMILIE" all find Émilie on both
// databases (SQLite's LOWER() knows only ASCII).
func Fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, strings.ToLower(s))
	if err != nil {
		out = strings.ToLower(s)
	}
	return ligatures.Replace(out)
}

// memberSearchKey is what a member's search column holds: every name the
// staff may type, folded.
func memberSearchKey(m *Member) string {
	return Fold(strings.Join([]string{m.Login, m.FirstName, m.LastName, m.FirstName + " " + m.LastName,
		m.LastName + " " + m.FirstName, m.OrganizationName, m.Nickname, m.Email}, "\x1f"))
}

// searchKeyColumn marks, in likeAny's expressions, a column already folded.
const searchKeyColumn = "search_key"

// backfillMemberSearch fills the search column of members written before it
// existed (or by an older binary). Idempotent; run after the migrations.
func (s *Store) backfillMemberSearch(ctx context.Context) error {
	rows, err := s.query(ctx, `SELECT `+memberColumns+` FROM members WHERE search_key = ''`)
	if err != nil {
		return fmt.Errorf("members to index for search: %w", err)
	}
	var ms []*Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			rows.Close()
			return err
		}
		ms = append(ms, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Store) error {
		for _, m := range ms {
			if _, err := tx.exec(ctx, `UPDATE members SET search_key = ? WHERE id = ?`, memberSearchKey(m), m.ID); err != nil {
				return fmt.Errorf("index member %d for search: %w", m.ID, err)
			}
		}
		return nil
	})
}
