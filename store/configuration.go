package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// Configuration is the technical configuration of a subscription: the
// fields of its backend (Data), its login when the backend has one, and the
// hash of a generated password.
type Configuration struct {
	ID             int64
	SubscriptionID int64
	Backend        string
	Login          string
	Data           map[string]string
	SecretHash     string
	// LDAPPassword is the password as LDAP stores it ("{SSHA}…"), set with
	// the password when the backend goes to LDAP.
	LDAPPassword string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func scanConfiguration(row scanner) (*Configuration, error) {
	var c Configuration
	var login sql.NullString
	var data string
	if err := row.Scan(&c.ID, &c.SubscriptionID, &c.Backend, &login, &data, &c.SecretHash,
		&c.LDAPPassword, &c.CreatedAt, &c.UpdatedAt); err != nil {
		return nil, err
	}
	c.Login = login.String
	if err := json.Unmarshal([]byte(data), &c.Data); err != nil {
		return nil, fmt.Errorf("configuration %d data: %w", c.ID, err)
	}
	if c.Data == nil {
		c.Data = map[string]string{}
	}
	return &c, nil
}

const configurationColumns = `id, subscription_id, backend, login, data, secret_hash, ldap_password, created_at, updated_at`

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// SaveConfiguration inserts or replaces the configuration of a subscription.
// A login already used by another configuration of the same backend is an
// ErrConflict.
func (s *Store) SaveConfiguration(ctx context.Context, c *Configuration) error {
	data, err := json.Marshal(c.Data)
	if err != nil {
		return err
	}
	now := s.now()
	c.UpdatedAt = now
	if c.ID == 0 {
		c.CreatedAt = now
		c.ID, err = s.insert(ctx, `INSERT INTO configurations (subscription_id, backend, login, data,
			secret_hash, ldap_password, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, c.SubscriptionID,
			c.Backend, nullIfEmpty(c.Login), string(data), c.SecretHash, c.LDAPPassword, c.CreatedAt, c.UpdatedAt)
	} else {
		_, err = s.exec(ctx, `UPDATE configurations SET login = ?, data = ?, secret_hash = ?,
			ldap_password = ?, updated_at = ? WHERE id = ?`, nullIfEmpty(c.Login), string(data), c.SecretHash,
			c.LDAPPassword, c.UpdatedAt, c.ID)
	}
	if isUniqueViolation(err) {
		return fmt.Errorf("save configuration of subscription %d: %w", c.SubscriptionID, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("save configuration of subscription %d: %w", c.SubscriptionID, err)
	}
	return nil
}

// ConfigurationOf returns the configuration of a subscription.
func (s *Store) ConfigurationOf(ctx context.Context, subscriptionID int64) (*Configuration, error) {
	c, err := scanConfiguration(s.queryRow(ctx, `SELECT `+configurationColumns+
		` FROM configurations WHERE subscription_id = ?`, subscriptionID))
	if err != nil {
		return nil, notFound(err, "configuration of subscription", subscriptionID)
	}
	return c, nil
}
