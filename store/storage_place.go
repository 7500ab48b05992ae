package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// StoragePlace is where items are kept when not deployed or lent: the
// association's premises, a volunteer's cellar, a data centre bay…
type StoragePlace struct {
	ID        int64
	Name      string
	Notes     string
	Items     int // how many items are kept there (in lists)
	CreatedAt time.Time
}

// CreateStoragePlace adds a place; ErrConflict when the name is taken.
func (s *Store) CreateStoragePlace(ctx context.Context, p *StoragePlace) error {
	p.Name = strings.TrimSpace(p.Name)
	p.CreatedAt = s.now()
	id, err := s.insert(ctx, `INSERT INTO storage_places (name, notes, created_at) VALUES (?, ?, ?)`,
		p.Name, p.Notes, p.CreatedAt)
	if isUniqueViolation(err) {
		return fmt.Errorf("create storage place %q: %w", p.Name, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("create storage place %q: %w", p.Name, err)
	}
	p.ID = id
	return nil
}

// UpdateStoragePlace saves the name and notes of p; ErrConflict when the name is taken.
func (s *Store) UpdateStoragePlace(ctx context.Context, p *StoragePlace) error {
	p.Name = strings.TrimSpace(p.Name)
	res, err := s.exec(ctx, `UPDATE storage_places SET name = ?, notes = ? WHERE id = ?`, p.Name, p.Notes, p.ID)
	if isUniqueViolation(err) {
		return fmt.Errorf("update storage place %d: %w", p.ID, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("update storage place %d: %w", p.ID, err)
	}
	return expectOne(res, "storage place", p.ID)
}

// DeleteStoragePlace removes a place where no item is kept; ErrConflict otherwise.
func (s *Store) DeleteStoragePlace(ctx context.Context, id int64) error {
	return s.Tx(ctx, func(tx *Store) error {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM items WHERE storage_id = ?`, id).Scan(&n); err != nil {
			return fmt.Errorf("delete storage place %d: %w", id, err)
		}
		if n > 0 {
			return fmt.Errorf("delete storage place %d: holds %d items: %w", id, n, ErrConflict)
		}
		res, err := tx.exec(ctx, `DELETE FROM storage_places WHERE id = ?`, id)
		if err != nil {
			return fmt.Errorf("delete storage place %d: %w", id, err)
		}
		return expectOne(res, "storage place", id)
	})
}

// StoragePlaceByID returns one place.
func (s *Store) StoragePlaceByID(ctx context.Context, id int64) (*StoragePlace, error) {
	var p StoragePlace
	err := s.queryRow(ctx, `SELECT id, name, notes, created_at FROM storage_places WHERE id = ?`, id).
		Scan(&p.ID, &p.Name, &p.Notes, &p.CreatedAt)
	if err != nil {
		return nil, notFound(err, "storage place", id)
	}
	return &p, nil
}

// StoragePlaces returns every place by name, with its number of items.
func (s *Store) StoragePlaces(ctx context.Context) ([]*StoragePlace, error) {
	rows, err := s.query(ctx, `SELECT p.id, p.name, p.notes, p.created_at,
		(SELECT COUNT(*) FROM items i WHERE i.storage_id = p.id)
		FROM storage_places p ORDER BY LOWER(p.name), p.id`)
	if err != nil {
		return nil, fmt.Errorf("list storage places: %w", err)
	}
	defer rows.Close()
	var out []*StoragePlace
	for rows.Next() {
		var p StoragePlace
		if err := rows.Scan(&p.ID, &p.Name, &p.Notes, &p.CreatedAt, &p.Items); err != nil {
			return nil, fmt.Errorf("scan storage place: %w", err)
		}
		out = append(out, &p)
	}
	return out, rows.Err()
}
