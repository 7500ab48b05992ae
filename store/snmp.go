package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SNMPTarget is the SNMP agent of an inventory item that is a network
// device, and what its last poll found.
type SNMPTarget struct {
	ItemID    int64
	Host      string
	Port      int
	Version   string // "v2c" or "v3"
	Community string
	// SNMPv3 user-based security; an empty protocol turns that part off.
	V3User       string
	AuthProtocol string
	AuthPassword string
	PrivProtocol string
	PrivPassword string

	Status        string // "unknown", "up" or "down"
	UptimeSeconds int64
	LastPolledAt  *time.Time
	LastUpAt      *time.Time
	LastError     string
	CreatedAt     time.Time
	UpdatedAt     time.Time

	// Designation is the item's, filled by SNMPTargets.
	Designation string
}

// SNMP target statuses.
const (
	SNMPUnknown = "unknown"
	SNMPUp      = "up"
	SNMPDown    = "down"
)

const snmpTargetColumns = `t.item_id, t.host, t.port, t.version, t.community, t.v3_user, t.auth_protocol,
	t.auth_password, t.priv_protocol, t.priv_password, t.status, t.uptime_seconds, t.last_polled_at,
	t.last_up_at, t.last_error, t.created_at, t.updated_at, i.designation`

func scanSNMPTarget(row scanner) (*SNMPTarget, error) {
	var t SNMPTarget
	err := row.Scan(&t.ItemID, &t.Host, &t.Port, &t.Version, &t.Community, &t.V3User, &t.AuthProtocol,
		&t.AuthPassword, &t.PrivProtocol, &t.PrivPassword, &t.Status, &t.UptimeSeconds, &t.LastPolledAt,
		&t.LastUpAt, &t.LastError, &t.CreatedAt, &t.UpdatedAt, &t.Designation)
	return &t, err
}

// SaveSNMPTarget creates or replaces the agent settings of an item; the
// poll results are kept unless the address changed.
func (s *Store) SaveSNMPTarget(ctx context.Context, t *SNMPTarget) error {
	now := s.now()
	t.UpdatedAt = now
	_, err := s.exec(ctx, `INSERT INTO snmp_targets (item_id, host, port, version, community, v3_user,
		auth_protocol, auth_password, priv_protocol, priv_password, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (item_id) DO UPDATE SET
		status = CASE WHEN snmp_targets.host = excluded.host AND snmp_targets.port = excluded.port
			THEN snmp_targets.status ELSE 'unknown' END,
		host = excluded.host, port = excluded.port, version = excluded.version, community = excluded.community,
		v3_user = excluded.v3_user, auth_protocol = excluded.auth_protocol, auth_password = excluded.auth_password,
		priv_protocol = excluded.priv_protocol, priv_password = excluded.priv_password,
		updated_at = excluded.updated_at`, t.ItemID, t.Host, t.Port, t.Version, t.Community, t.V3User,
		t.AuthProtocol, t.AuthPassword, t.PrivProtocol, t.PrivPassword, now, now)
	if err != nil {
		return fmt.Errorf("save SNMP target of item %d: %w", t.ItemID, err)
	}
	return nil
}

// DeleteSNMPTarget stops polling an item and forgets its samples.
func (s *Store) DeleteSNMPTarget(ctx context.Context, itemID int64) error {
	if _, err := s.exec(ctx, `DELETE FROM snmp_samples WHERE item_id = ?`, itemID); err != nil {
		return fmt.Errorf("delete SNMP samples of item %d: %w", itemID, err)
	}
	if _, err := s.exec(ctx, `DELETE FROM snmp_targets WHERE item_id = ?`, itemID); err != nil {
		return fmt.Errorf("delete SNMP target of item %d: %w", itemID, err)
	}
	return nil
}

// SNMPTargetOf returns the agent of an item, nil when it has none.
func (s *Store) SNMPTargetOf(ctx context.Context, itemID int64) (*SNMPTarget, error) {
	t, err := scanSNMPTarget(s.queryRow(ctx, `SELECT `+snmpTargetColumns+` FROM snmp_targets t
		JOIN items i ON i.id = t.item_id WHERE t.item_id = ?`, itemID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("SNMP target of item %d: %w", itemID, err)
	}
	return t, nil
}

// SNMPTargets returns every agent, by item (the poll job; there is one per
// network device, so a few hundred at most).
func (s *Store) SNMPTargets(ctx context.Context) ([]*SNMPTarget, error) {
	return s.listSNMPTargets(ctx, ``)
}

// DownSNMPTargets returns the devices whose last poll failed.
func (s *Store) DownSNMPTargets(ctx context.Context) ([]*SNMPTarget, error) {
	return s.listSNMPTargets(ctx, ` WHERE t.status = 'down'`)
}

func (s *Store) listSNMPTargets(ctx context.Context, where string) ([]*SNMPTarget, error) {
	rows, err := s.query(ctx, `SELECT `+snmpTargetColumns+` FROM snmp_targets t
		JOIN items i ON i.id = t.item_id`+where+` ORDER BY t.item_id`)
	if err != nil {
		return nil, fmt.Errorf("SNMP targets: %w", err)
	}
	defer rows.Close()
	var out []*SNMPTarget
	for rows.Next() {
		t, err := scanSNMPTarget(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// SNMPSample is one interface's counters at one poll.
type SNMPSample struct {
	ItemID     int64
	IfIndex    int
	IfName     string
	OperStatus int
	InOctets   uint64
	OutOctets  uint64
	SampledAt  time.Time
}

// RecordSNMPPoll stores the outcome of a poll: the status, and the samples
// of a device that answered.
func (s *Store) RecordSNMPPoll(ctx context.Context, itemID int64, at time.Time, uptime int64, samples []SNMPSample, failure error) error {
	at = at.UTC().Truncate(time.Microsecond)
	return s.Tx(ctx, func(tx *Store) error {
		var err error
		if failure != nil {
			msg := failure.Error()
			if len(msg) > 1000 {
				msg = msg[:1000]
			}
			_, err = tx.exec(ctx, `UPDATE snmp_targets SET status = 'down', last_polled_at = ?, last_error = ?
				WHERE item_id = ?`, at, msg, itemID)
			if err != nil {
				return fmt.Errorf("record SNMP poll of item %d: %w", itemID, err)
			}
			return nil
		}
		_, err = tx.exec(ctx, `UPDATE snmp_targets SET status = 'up', uptime_seconds = ?, last_polled_at = ?,
			last_up_at = ?, last_error = '' WHERE item_id = ?`, uptime, at, at, itemID)
		if err != nil {
			return fmt.Errorf("record SNMP poll of item %d: %w", itemID, err)
		}
		for _, sm := range samples {
			_, err := tx.exec(ctx, `INSERT INTO snmp_samples (item_id, if_index, if_name, oper_status,
				in_octets, out_octets, sampled_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, itemID, sm.IfIndex, sm.IfName,
				sm.OperStatus, int64(sm.InOctets), int64(sm.OutOctets), at)
			if err != nil {
				return fmt.Errorf("record SNMP sample of item %d: %w", itemID, err)
			}
		}
		return nil
	})
}

// SNMPSamples returns an item's samples since a time, by interface and
// time (at most limit, the latest).
func (s *Store) SNMPSamples(ctx context.Context, itemID int64, since time.Time, limit int) ([]SNMPSample, error) {
	rows, err := s.query(ctx, `SELECT item_id, if_index, if_name, oper_status, in_octets, out_octets, sampled_at
		FROM snmp_samples WHERE item_id = ? AND sampled_at >= ? ORDER BY sampled_at DESC LIMIT ?`,
		itemID, since.UTC(), limit)
	if err != nil {
		return nil, fmt.Errorf("SNMP samples of item %d: %w", itemID, err)
	}
	defer rows.Close()
	var out []SNMPSample
	for rows.Next() {
		var sm SNMPSample
		var in, outOct int64
		if err := rows.Scan(&sm.ItemID, &sm.IfIndex, &sm.IfName, &sm.OperStatus, &in, &outOct, &sm.SampledAt); err != nil {
			return nil, err
		}
		sm.InOctets, sm.OutOctets = uint64(in), uint64(outOct)
		out = append(out, sm)
	}
	return out, rows.Err()
}

// PurgeSNMPSamples deletes the samples taken before a time and returns how many.
func (s *Store) PurgeSNMPSamples(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM snmp_samples WHERE sampled_at < ?`, before.UTC())
	if err != nil {
		return 0, fmt.Errorf("purge SNMP samples: %w", err)
	}
	return res.RowsAffected()
}
