package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"coin/date"
	"coin/model"
)

// ErrItemLent refuses what cannot be done to an item on loan (delete it,
// mark it deployed).
var ErrItemLent = errors.New("item is on loan")

// ErrItemDeployed refuses lending an item in service in the network.
var ErrItemDeployed = errors.New("item is deployed")

// Item is a piece of hardware in the inventory.
type Item struct {
	ID          int64
	Designation string
	TypeID      int64
	TypeName    string
	MAC         string // normalised aa:bb:cc:dd:ee:ff, or ""
	Serial      string
	BuyDate     date.Date
	OwnerID     *int64     // nil: the association owns it
	Owner       *MemberRef // set when OwnerID is
	StorageID   *int64
	StorageName string
	Deployed    bool
	Comment     string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// Loan is the open loan, when the item is out.
	Loan *Loan
}

// State tells whether the item is available, lent or deployed.
func (i *Item) State() string {
	switch {
	case i.Loan != nil:
		return model.ItemLent
	case i.Deployed:
		return model.ItemDeployed
	}
	return model.ItemAvailable
}

const itemSelect = `SELECT i.id, i.designation, i.type_id, t.name, i.mac_address, i.serial_number,
	i.buy_date, i.owner_member_id, o.login, o.person_type, o.first_name, o.last_name,
	o.organization_name, i.storage_id, sp.name, i.deployed, i.comment, i.created_at, i.updated_at,
	l.id, l.member_id, b.login, b.person_type, b.first_name, b.last_name, b.organization_name,
	l.start_date, l.notes, l.created_at, l.updated_at
	FROM items i
	JOIN item_types t ON t.id = i.type_id
	LEFT JOIN members o ON o.id = i.owner_member_id
	LEFT JOIN storage_places sp ON sp.id = i.storage_id
	LEFT JOIN loans l ON l.item_id = i.id AND l.end_date IS NULL
	LEFT JOIN members b ON b.id = l.member_id`

func scanItem(row scanner) (*Item, error) {
	var it Item
	var owner, borrower nullMemberRef
	var storage sql.NullString
	var loanID, loanMember sql.NullInt64
	var loanStart date.Date
	var loanNotes sql.NullString
	var loanCreated, loanUpdated sql.NullTime
	err := row.Scan(&it.ID, &it.Designation, &it.TypeID, &it.TypeName, &it.MAC, &it.Serial,
		&it.BuyDate, &it.OwnerID, &owner.login, &owner.personType, &owner.firstName, &owner.lastName,
		&owner.organization, &it.StorageID, &storage, &it.Deployed, &it.Comment, &it.CreatedAt, &it.UpdatedAt,
		&loanID, &loanMember, &borrower.login, &borrower.personType, &borrower.firstName, &borrower.lastName,
		&borrower.organization, &loanStart, &loanNotes, &loanCreated, &loanUpdated)
	if err != nil {
		return nil, err
	}
	if it.OwnerID != nil {
		it.Owner = owner.ref(*it.OwnerID)
	}
	it.StorageName = storage.String
	if loanID.Valid {
		it.Loan = &Loan{ID: loanID.Int64, ItemID: it.ID, MemberID: loanMember.Int64,
			Member: borrower.ref(loanMember.Int64), StartDate: loanStart, Notes: loanNotes.String,
			CreatedAt: loanCreated.Time, UpdatedAt: loanUpdated.Time}
	}
	return &it, nil
}

// ItemFilter selects items in the inventory.
type ItemFilter struct {
	Search    string // in designation, MAC address, serial number and comment
	TypeID    int64
	StorageID int64
	State     string // "" for all, else model.ItemAvailable, model.ItemLent or model.ItemDeployed
	Limit     int    // 0: no limit (exports)
	Offset    int
}

func (f ItemFilter) where() (string, []any) {
	var conds []string
	var args []any
	if f.Search != "" {
		cond, a := likeAny(f.Search, "i.designation", "i.mac_address", "i.serial_number", "i.comment")
		conds = append(conds, cond)
		args = append(args, a...)
	}
	if f.TypeID != 0 {
		conds = append(conds, "i.type_id = ?")
		args = append(args, f.TypeID)
	}
	if f.StorageID != 0 {
		conds = append(conds, "i.storage_id = ?")
		args = append(args, f.StorageID)
	}
	switch f.State {
	case model.ItemLent:
		conds = append(conds, "l.id IS NOT NULL")
	case model.ItemDeployed:
		conds = append(conds, "l.id IS NULL AND i.deployed")
	case model.ItemAvailable:
		conds = append(conds, "l.id IS NULL AND NOT i.deployed")
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// ListItems returns items matching f by type and designation, and the total.
func (s *Store) ListItems(ctx context.Context, f ItemFilter) ([]*Item, int, error) {
	where, args := f.where()
	var total int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM items i
		LEFT JOIN loans l ON l.item_id = i.id AND l.end_date IS NULL`+where, args...).Scan(&total)
	if err != nil {
		return nil, 0, fmt.Errorf("count items: %w", err)
	}
	q := itemSelect + where + ` ORDER BY LOWER(t.name), LOWER(i.designation), i.id`
	if f.Limit > 0 {
		q += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit, f.Offset)
	}
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list items: %w", err)
	}
	defer rows.Close()
	var out []*Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("scan item: %w", err)
		}
		out = append(out, it)
	}
	return out, total, rows.Err()
}

// ItemByID returns one item with its open loan.
func (s *Store) ItemByID(ctx context.Context, id int64) (*Item, error) {
	it, err := scanItem(s.queryRow(ctx, itemSelect+` WHERE i.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "item", id)
	}
	return it, nil
}

// ItemDuplicate tells which unique field of it another item already has:
// "mac" or "serial", or "" when none.
func (s *Store) ItemDuplicate(ctx context.Context, it *Item) (string, error) {
	for _, c := range []struct{ field, column, value string }{
		{"mac", "mac_address", it.MAC}, {"serial", "serial_number", it.Serial}} {
		if c.value == "" {
			continue
		}
		var n int
		err := s.queryRow(ctx, `SELECT COUNT(*) FROM items WHERE `+c.column+` = ? AND id <> ?`, c.value, it.ID).Scan(&n)
		if err != nil {
			return "", fmt.Errorf("check item %s: %w", c.field, err)
		}
		if n > 0 {
			return c.field, nil
		}
	}
	return "", nil
}

// CreateItem adds an item; ErrConflict when its MAC address or serial
// number is another item's.
func (s *Store) CreateItem(ctx context.Context, it *Item) error {
	now := s.now()
	it.CreatedAt, it.UpdatedAt = now, now
	id, err := s.insert(ctx, `INSERT INTO items (designation, type_id, mac_address, serial_number,
		buy_date, owner_member_id, storage_id, deployed, comment, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		it.Designation, it.TypeID, it.MAC, it.Serial, it.BuyDate, it.OwnerID, it.StorageID,
		it.Deployed, it.Comment, it.CreatedAt, it.UpdatedAt)
	if isUniqueViolation(err) {
		return fmt.Errorf("create item %q: %w", it.Designation, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("create item %q: %w", it.Designation, err)
	}
	it.ID = id
	return nil
}

// UpdateItem saves every field of it. An item on loan cannot be marked
// deployed (ErrItemLent).
func (s *Store) UpdateItem(ctx context.Context, it *Item) error {
	return s.Tx(ctx, func(tx *Store) error {
		if it.Deployed {
			lent, err := tx.itemLent(ctx, it.ID)
			if err != nil {
				return err
			}
			if lent {
				return fmt.Errorf("deploy item %d: %w", it.ID, ErrItemLent)
			}
		}
		it.UpdatedAt = tx.now()
		res, err := tx.exec(ctx, `UPDATE items SET designation = ?, type_id = ?, mac_address = ?,
			serial_number = ?, buy_date = ?, owner_member_id = ?, storage_id = ?, deployed = ?,
			comment = ?, updated_at = ? WHERE id = ?`,
			it.Designation, it.TypeID, it.MAC, it.Serial, it.BuyDate, it.OwnerID, it.StorageID,
			it.Deployed, it.Comment, it.UpdatedAt, it.ID)
		if isUniqueViolation(err) {
			return fmt.Errorf("update item %d: %w", it.ID, ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("update item %d: %w", it.ID, err)
		}
		return expectOne(res, "item", it.ID)
	})
}

// DeleteItem removes an item and its loan history; an item on loan must be
// taken back first (ErrItemLent).
func (s *Store) DeleteItem(ctx context.Context, id int64) error {
	return s.Tx(ctx, func(tx *Store) error {
		lent, err := tx.itemLent(ctx, id)
		if err != nil {
			return err
		}
		if lent {
			return fmt.Errorf("delete item %d: %w", id, ErrItemLent)
		}
		res, err := tx.exec(ctx, `DELETE FROM items WHERE id = ?`, id)
		if err != nil {
			return fmt.Errorf("delete item %d: %w", id, err)
		}
		return expectOne(res, "item", id)
	})
}

func (s *Store) itemLent(ctx context.Context, id int64) (bool, error) {
	var n int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM loans WHERE item_id = ? AND end_date IS NULL`, id).Scan(&n); err != nil {
		return false, fmt.Errorf("item %d on loan: %w", id, err)
	}
	return n > 0, nil
}
