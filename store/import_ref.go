package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
)

// Kinds of imported records (import_refs.kind).
const (
	ImportMember       = "member"
	ImportFee          = "fee"
	ImportSubscription = "subscription"
)

// ImportRef is the record coin made from a line of another system's export.
type ImportRef struct {
	Source, Kind, Ref string
	RecordID          int64
	MemberID          int64
	// Erased is set when the member was anonymised since: the key is kept
	// as a hash only, so that the line is recognised and never brings the
	// member's data back.
	Erased bool
}

// hashedRef is how the key of an anonymised member's record is kept.
func hashedRef(ref string) string {
	sum := sha256.Sum256([]byte(ref))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// ImportRefOf returns the record imported from (source, kind, ref), or
// ErrNotFound.
func (s *Store) ImportRefOf(ctx context.Context, source, kind, ref string) (*ImportRef, error) {
	r := ImportRef{Source: source, Kind: kind}
	var member sql.NullInt64
	err := s.queryRow(ctx, `SELECT ref, record_id, member_id FROM import_refs
		WHERE source = ? AND kind = ? AND ref IN (?, ?)`, source, kind, ref, hashedRef(ref)).
		Scan(&r.Ref, &r.RecordID, &member)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("import ref %s/%s/%s: %w", source, kind, ref, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("import ref %s/%s/%s: %w", source, kind, ref, err)
	}
	r.MemberID = member.Int64
	r.Erased = r.Ref != ref
	return &r, nil
}

// AddImportRef records that the line (source, kind, ref) became record id of
// member memberID.
func (s *Store) AddImportRef(ctx context.Context, source, kind, ref string, id, memberID int64) error {
	_, err := s.exec(ctx, `INSERT INTO import_refs (source, kind, ref, record_id, member_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, source, kind, ref, id, memberID, s.now())
	if isUniqueViolation(err) {
		return fmt.Errorf("import ref %s/%s/%s: %w", source, kind, ref, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("import ref %s/%s/%s: %w", source, kind, ref, err)
	}
	return nil
}

// hashImportRefs replaces the keys of a member's imported records by their
// hash (anonymisation): an id of another system may be a login or an
// address.
func (s *Store) hashImportRefs(ctx context.Context, memberID int64) error {
	rows, err := s.query(ctx, `SELECT source, kind, ref FROM import_refs WHERE member_id = ?`, memberID)
	if err != nil {
		return err
	}
	var refs []ImportRef
	for rows.Next() {
		var r ImportRef
		if err := rows.Scan(&r.Source, &r.Kind, &r.Ref); err != nil {
			rows.Close()
			return err
		}
		refs = append(refs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range refs {
		if len(r.Ref) == len("sha256:")+64 && r.Ref[:7] == "sha256:" {
			continue
		}
		if _, err := s.exec(ctx, `UPDATE import_refs SET ref = ? WHERE source = ? AND kind = ? AND ref = ?`,
			hashedRef(r.Ref), r.Source, r.Kind, r.Ref); err != nil {
			return err
		}
	}
	return nil
}

// ConfigurationLoginTaken tells whether a configuration of backend already
// uses login (checked before writing, as a refused insert would end a
// PostgreSQL transaction).
func (s *Store) ConfigurationLoginTaken(ctx context.Context, backend, login string) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM configurations WHERE backend = ? AND login = ?`, backend, login).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("configuration login %q: %w", login, err)
	}
	return n > 0, nil
}
