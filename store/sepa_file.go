package store

import (
	"context"
	"fmt"
	"time"

	"coin/date"
)

// SEPAFile is a direct debit file (pain.008) as it was written, kept to be
// downloaded again: its debits are the sepa_debits of its message id.
type SEPAFile struct {
	ID               int64
	MessageID        string
	CreatedAt        time.Time // the file's creation time (CreDtTm)
	CollectionDate   date.Date
	TransactionCount int
	TotalCents       int64
	XML              []byte // nil in lists
	CreatedBy        *int64 // nil from the command line
	CreatedByName    string // login of who made it, "" from the command line
}

const sepaFileColumns = `id, message_id, created_at, collection_date, transaction_count, total_cents,
	created_by, created_by_name`

// CreateSEPAFile stores a written file. Call it in the transaction that
// records its debits. ErrConflict when its message id is taken.
func (s *Store) CreateSEPAFile(ctx context.Context, f *SEPAFile) error {
	if len(f.XML) == 0 {
		return fmt.Errorf("store direct debit file %s: no XML", f.MessageID)
	}
	id, err := s.insert(ctx, `INSERT INTO sepa_files (message_id, created_at, collection_date, transaction_count,
		total_cents, xml, created_by, created_by_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, f.MessageID, f.CreatedAt,
		f.CollectionDate, f.TransactionCount, f.TotalCents, f.XML, f.CreatedBy, f.CreatedByName)
	if isUniqueViolation(err) {
		return fmt.Errorf("store direct debit file %s: %w", f.MessageID, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store direct debit file %s: %w", f.MessageID, err)
	}
	f.ID = id
	return nil
}

// SEPAFiles lists the stored files, newest first, without their XML; at
// most limit of them.
func (s *Store) SEPAFiles(ctx context.Context, limit int) ([]*SEPAFile, error) {
	rows, err := s.query(ctx, `SELECT `+sepaFileColumns+` FROM sepa_files ORDER BY created_at DESC, id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list direct debit files: %w", err)
	}
	defer rows.Close()
	var out []*SEPAFile
	for rows.Next() {
		var f SEPAFile
		if err := rows.Scan(&f.ID, &f.MessageID, &f.CreatedAt, &f.CollectionDate, &f.TransactionCount, &f.TotalCents,
			&f.CreatedBy, &f.CreatedByName); err != nil {
			return nil, fmt.Errorf("scan direct debit file: %w", err)
		}
		out = append(out, &f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list direct debit files: %w", err)
	}
	return out, nil
}

// SEPAFileByID returns a stored file with its XML.
func (s *Store) SEPAFileByID(ctx context.Context, id int64) (*SEPAFile, error) {
	f, err := s.sepaFile(ctx, `id = ?`, id)
	if err != nil {
		return nil, notFound(err, "direct debit file", id)
	}
	return f, nil
}

// SEPAFileByMessageID returns a stored file with its XML.
func (s *Store) SEPAFileByMessageID(ctx context.Context, messageID string) (*SEPAFile, error) {
	f, err := s.sepaFile(ctx, `message_id = ?`, messageID)
	if err != nil {
		return nil, notFound(err, "direct debit file", messageID)
	}
	return f, nil
}

func (s *Store) sepaFile(ctx context.Context, where string, arg any) (*SEPAFile, error) {
	var f SEPAFile
	err := s.queryRow(ctx, `SELECT `+sepaFileColumns+`, xml FROM sepa_files WHERE `+where, arg).Scan(&f.ID,
		&f.MessageID, &f.CreatedAt, &f.CollectionDate, &f.TransactionCount, &f.TotalCents, &f.CreatedBy,
		&f.CreatedByName, &f.XML)
	return &f, err
}
