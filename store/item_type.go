package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// ItemType is a kind of hardware: router, ONT, cable…
type ItemType struct {
	ID        int64
	Name      string
	Items     int // how many items have this type (in lists)
	CreatedAt time.Time
}

// CreateItemType adds a type; ErrConflict when the name is taken.
func (s *Store) CreateItemType(ctx context.Context, t *ItemType) error {
	t.Name = strings.TrimSpace(t.Name)
	t.CreatedAt = s.now()
	id, err := s.insert(ctx, `INSERT INTO item_types (name, created_at) VALUES (?, ?)`, t.Name, t.CreatedAt)
	if isUniqueViolation(err) {
		return fmt.Errorf("create item type %q: %w", t.Name, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("create item type %q: %w", t.Name, err)
	}
	t.ID = id
	return nil
}

// RenameItemType changes the name of a type; ErrConflict when it is taken.
func (s *Store) RenameItemType(ctx context.Context, id int64, name string) error {
	res, err := s.exec(ctx, `UPDATE item_types SET name = ? WHERE id = ?`, strings.TrimSpace(name), id)
	if isUniqueViolation(err) {
		return fmt.Errorf("rename item type %d: %w", id, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("rename item type %d: %w", id, err)
	}
	return expectOne(res, "item type", id)
}

// DeleteItemType removes a type no item uses; ErrConflict otherwise.
func (s *Store) DeleteItemType(ctx context.Context, id int64) error {
	return s.Tx(ctx, func(tx *Store) error {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM items WHERE type_id = ?`, id).Scan(&n); err != nil {
			return fmt.Errorf("delete item type %d: %w", id, err)
		}
		if n > 0 {
			return fmt.Errorf("delete item type %d: used by %d items: %w", id, n, ErrConflict)
		}
		res, err := tx.exec(ctx, `DELETE FROM item_types WHERE id = ?`, id)
		if err != nil {
			return fmt.Errorf("delete item type %d: %w", id, err)
		}
		return expectOne(res, "item type", id)
	})
}

// ItemTypeByID returns one type.
func (s *Store) ItemTypeByID(ctx context.Context, id int64) (*ItemType, error) {
	var t ItemType
	err := s.queryRow(ctx, `SELECT id, name, created_at FROM item_types WHERE id = ?`, id).
		Scan(&t.ID, &t.Name, &t.CreatedAt)
	if err != nil {
		return nil, notFound(err, "item type", id)
	}
	return &t, nil
}

// ItemTypes returns every type by name, with its number of items.
func (s *Store) ItemTypes(ctx context.Context) ([]*ItemType, error) {
	rows, err := s.query(ctx, `SELECT t.id, t.name, t.created_at,
		(SELECT COUNT(*) FROM items i WHERE i.type_id = t.id)
		FROM item_types t ORDER BY LOWER(t.name), t.id`)
	if err != nil {
		return nil, fmt.Errorf("list item types: %w", err)
	}
	defer rows.Close()
	var out []*ItemType
	for rows.Next() {
		var t ItemType
		if err := rows.Scan(&t.ID, &t.Name, &t.CreatedAt, &t.Items); err != nil {
			return nil, fmt.Errorf("scan item type: %w", err)
		}
		out = append(out, &t)
	}
	return out, rows.Err()
}
