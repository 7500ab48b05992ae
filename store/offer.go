package store

import (
	"context"
	"fmt"
	"time"
)

// Offer is something the association sells: a service of one backend,
// billed every BillingPeriodMonths.
type Offer struct {
	ID                  int64
	Name                string
	Reference           string
	Backend             string
	BillingPeriodMonths int
	PeriodFeeCents      int64
	SetupFeeCents       int64
	NonBillable         bool
	Open                bool
	Description         string
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

const offerColumns = `id, name, reference, backend, billing_period_months, period_fee_cents,
	setup_fee_cents, non_billable, open, description, created_at, updated_at`

func scanOffer(row scanner) (*Offer, error) {
	var o Offer
	err := row.Scan(&o.ID, &o.Name, &o.Reference, &o.Backend, &o.BillingPeriodMonths,
		&o.PeriodFeeCents, &o.SetupFeeCents, &o.NonBillable, &o.Open, &o.Description,
		&o.CreatedAt, &o.UpdatedAt)
	return &o, err
}

// CreateOffer inserts o.
func (s *Store) CreateOffer(ctx context.Context, o *Offer) error {
	now := s.now()
	o.CreatedAt, o.UpdatedAt = now, now
	id, err := s.insert(ctx, `INSERT INTO offers (name, reference, backend, billing_period_months,
		period_fee_cents, setup_fee_cents, non_billable, open, description, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, o.Name, o.Reference, o.Backend,
		o.BillingPeriodMonths, o.PeriodFeeCents, o.SetupFeeCents, o.NonBillable, o.Open,
		o.Description, o.CreatedAt, o.UpdatedAt)
	if isUniqueViolation(err) {
		return fmt.Errorf("create offer %q: %w", o.Reference, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("create offer %q: %w", o.Reference, err)
	}
	o.ID = id
	return nil
}

// UpdateOffer saves o.
func (s *Store) UpdateOffer(ctx context.Context, o *Offer) error {
	o.UpdatedAt = s.now()
	res, err := s.exec(ctx, `UPDATE offers SET name = ?, reference = ?, backend = ?,
		billing_period_months = ?, period_fee_cents = ?, setup_fee_cents = ?, non_billable = ?,
		open = ?, description = ?, updated_at = ? WHERE id = ?`, o.Name, o.Reference, o.Backend,
		o.BillingPeriodMonths, o.PeriodFeeCents, o.SetupFeeCents, o.NonBillable, o.Open,
		o.Description, o.UpdatedAt, o.ID)
	if isUniqueViolation(err) {
		return fmt.Errorf("update offer %d: %w", o.ID, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("update offer %d: %w", o.ID, err)
	}
	return expectOne(res, "offer", o.ID)
}

// DeleteOffer removes an offer nobody ever subscribed to.
func (s *Store) DeleteOffer(ctx context.Context, id int64) error {
	res, err := s.exec(ctx, `DELETE FROM offers WHERE id = ?`, id)
	if isForeignKeyViolation(err) {
		return fmt.Errorf("delete offer %d: %w", id, ErrInUse)
	}
	if err != nil {
		return fmt.Errorf("delete offer %d: %w", id, err)
	}
	return expectOne(res, "offer", id)
}

// OfferByID returns one offer.
func (s *Store) OfferByID(ctx context.Context, id int64) (*Offer, error) {
	o, err := scanOffer(s.queryRow(ctx, `SELECT `+offerColumns+` FROM offers WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "offer", id)
	}
	return o, nil
}

// OfferByReference returns the offer with that reference.
func (s *Store) OfferByReference(ctx context.Context, ref string) (*Offer, error) {
	o, err := scanOffer(s.queryRow(ctx, `SELECT `+offerColumns+` FROM offers WHERE reference = ?`, ref))
	if err != nil {
		return nil, notFound(err, "offer", ref)
	}
	return o, nil
}

// ListOffers returns every offer, open ones first, by name.
func (s *Store) ListOffers(ctx context.Context) ([]*Offer, error) {
	rows, err := s.query(ctx, `SELECT `+offerColumns+` FROM offers ORDER BY open DESC, name, id`)
	if err != nil {
		return nil, fmt.Errorf("list offers: %w", err)
	}
	defer rows.Close()
	var out []*Offer
	for rows.Next() {
		o, err := scanOffer(rows)
		if err != nil {
			return nil, fmt.Errorf("scan offer: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
