package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Actor is who acts, carried by the request's context down to the
// transaction that writes the audit log: a signed-in account (ID) or a
// named program ("cli", a job), and the client address the app computed.
type Actor struct {
	ID   int64  // the account; 0 for a program
	Name string // the login, or the program's name
	IP   string
}

type actorKey struct{}

// WithActor returns ctx carrying a. The handlers set it for each signed-in
// request, the command line for each command.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor ctx carries (the zero Actor when none).
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}

// Change is one field changed by an action, old and new values as shown.
type Change struct {
	Field string `json:"f"`
	Old   string `json:"o,omitempty"`
	New   string `json:"n,omitempty"`
}

// AuditEntry is one line of the audit log of staff actions.
type AuditEntry struct {
	ID         int64
	At         time.Time
	ActorID    *int64 // the account that acted; nil for a program
	Actor      string // the program's name when no account acted
	ActorLogin string // the account's current login, read back with the entry
	IP         string
	Action     string // member.updated, member.role, payment.created, fee.created, export.fec…
	RecordType string // member, payment, fee, invoice, allocation, sepa_file, job…
	RecordID   *int64
	MemberID   *int64 // the member the record belongs to, for the member's history
	Changes    []Change
	Redacted   bool // the member was anonymised: the values are gone
}

// Audit appends e to the audit log, in the transaction of the change it
// describes when s is a Tx (a rolled-back change leaves no entry). The
// actor and address come from ctx unless e names them. The table refuses
// updates and deletes.
func (s *Store) Audit(ctx context.Context, e *AuditEntry) error {
	a := ActorFrom(ctx)
	if e.ActorID == nil && a.ID != 0 {
		id := a.ID
		e.ActorID = &id
	}
	if e.ActorID != nil {
		// The login is read back through the id: anonymising the account
		// leaves no copy of it here.
		e.Actor = ""
	} else if e.Actor == "" {
		e.Actor = a.Name
	}
	if e.ActorID == nil && e.Actor == "" {
		// Neither a request nor a command said who: a scheduled job or
		// another program's doing.
		e.Actor = "system"
	}
	if e.IP == "" {
		e.IP = a.IP
	}
	changes := ""
	if len(e.Changes) > 0 {
		b, err := json.Marshal(e.Changes)
		if err != nil {
			return fmt.Errorf("audit %s: %w", e.Action, err)
		}
		changes = string(b)
	}
	e.At = s.now()
	id, err := s.insert(ctx, `INSERT INTO audit_log (at, actor_id, actor, ip, action, record_type, record_id,
		member_id, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.At, e.ActorID, e.Actor, e.IP, e.Action,
		e.RecordType, e.RecordID, e.MemberID, changes)
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	e.ID = id
	return nil
}

// AuditFilter selects entries of the audit log; zero fields select all.
type AuditFilter struct {
	RecordType string
	RecordID   int64
	MemberID   int64 // entries about this member (their record and their payments, fees…)
	ActorID    int64
	From, To   time.Time // at >= From, at < To
	Before     int64     // keyset: entries with id < Before (0: from the newest)
	Limit      int
}

// AuditEntries returns the entries matching f, newest first, at most
// f.Limit. Each filter has an index ending with id, so that a page of a
// long history reads only the rows it shows; the next page starts before
// the last id returned.
func (s *Store) AuditEntries(ctx context.Context, f AuditFilter) ([]*AuditEntry, error) {
	var conds []string
	var args []any
	if f.RecordType != "" {
		conds = append(conds, "a.record_type = ?")
		args = append(args, f.RecordType)
		if f.RecordID != 0 {
			conds = append(conds, "a.record_id = ?")
			args = append(args, f.RecordID)
		}
	}
	if f.MemberID != 0 {
		conds = append(conds, "a.member_id = ?")
		args = append(args, f.MemberID)
	}
	if f.ActorID != 0 {
		conds = append(conds, "a.actor_id = ?")
		args = append(args, f.ActorID)
	}
	// Dates become bounds on the id: entries are numbered in the order
	// they are written, so that every filter, with dates or not, walks an
	// index ending with the id, newest first, and stops after a page (a
	// condition on at would sort the whole period first).
	if !f.From.IsZero() {
		var lo int64
		err := s.queryRow(ctx, `SELECT id FROM audit_log WHERE at >= ? ORDER BY at, id LIMIT 1`, f.From.UTC()).Scan(&lo)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("audit log: %w", err)
		}
		conds = append(conds, "a.id >= ?")
		args = append(args, lo)
	}
	if !f.To.IsZero() {
		var hi int64
		err := s.queryRow(ctx, `SELECT id FROM audit_log WHERE at < ? ORDER BY at DESC, id DESC LIMIT 1`, f.To.UTC()).Scan(&hi)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("audit log: %w", err)
		}
		conds = append(conds, "a.id <= ?")
		args = append(args, hi)
	}
	if f.Before > 0 {
		conds = append(conds, "a.id < ?")
		args = append(args, f.Before)
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	where := ""
	if len(conds) > 0 {
		where = "WHERE " + strings.Join(conds, " AND ")
	}
	args = append(args, f.Limit)
	rows, err := s.query(ctx, `SELECT a.id, a.at, a.actor_id, a.actor, COALESCE(m.login, ''), a.ip, a.action,
		a.record_type, a.record_id, a.member_id, a.changes, a.redacted
		FROM audit_log a LEFT JOIN members m ON m.id = a.actor_id `+where+` ORDER BY a.id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	defer rows.Close()
	var out []*AuditEntry
	for rows.Next() {
		var e AuditEntry
		var changes string
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.Actor, &e.ActorLogin, &e.IP, &e.Action, &e.RecordType,
			&e.RecordID, &e.MemberID, &changes, &e.Redacted); err != nil {
			return nil, fmt.Errorf("audit log: %w", err)
		}
		if changes != "" {
			if err := json.Unmarshal([]byte(changes), &e.Changes); err != nil {
				return nil, fmt.Errorf("audit entry %d: %w", e.ID, err)
			}
		}
		out = append(out, &e)
	}
	return out, rows.Err()
}

// Who is who acted, for display: the account's login or the program.
func (e *AuditEntry) Who() string {
	if e.ActorID != nil {
		return e.ActorLogin
	}
	return e.Actor
}

// redactAudit blanks the values of the entries about member id (old and
// new names, addresses…): the one update the table allows, for
// anonymisation. Who acted, when, from where, on what, stays.
func (s *Store) redactAudit(ctx context.Context, id int64) error {
	if _, err := s.exec(ctx, `UPDATE audit_log SET changes = '', redacted = ? WHERE member_id = ? AND redacted = ?`,
		true, id, false); err != nil {
		return fmt.Errorf("redact the audit log: %w", err)
	}
	return nil
}
