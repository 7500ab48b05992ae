package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"time"
)

// Invoice PDFs live in their own table, invoice_pdfs, out of the invoices
// row: a query on invoices never reads PDF bytes. A PDF is written once,
// by ValidateInvoice, and never changes (triggers refuse it).

// hasPDFColumn is the invoiceColumns expression telling whether an invoice
// has its PDF: one primary key lookup.
const hasPDFColumn = `EXISTS (SELECT 1 FROM invoice_pdfs p WHERE p.invoice_id = i.id)`

// savePDF stores the PDF of an invoice just validated, with its size and
// sha256 (what a check compares it with later).
func (s *Store) savePDF(ctx context.Context, invoiceID int64, pdf []byte) error {
	sum := sha256.Sum256(pdf)
	_, err := s.exec(ctx, `INSERT INTO invoice_pdfs (invoice_id, pdf, sha256, size) VALUES (?, ?, ?, ?)`,
		invoiceID, pdf, hex.EncodeToString(sum[:]), len(pdf))
	if err != nil {
		return fmt.Errorf("store pdf of invoice %d: %w", invoiceID, err)
	}
	return nil
}

// InvoicePDF returns the stored PDF of a validated invoice.
func (s *Store) InvoicePDF(ctx context.Context, id int64) ([]byte, error) {
	var pdf []byte
	err := s.queryRow(ctx, `SELECT pdf FROM invoice_pdfs WHERE invoice_id = ?`, id).Scan(&pdf)
	if err != nil {
		return nil, notFound(err, "invoice pdf", id)
	}
	return pdf, nil
}

// PDFCheck is what CheckInvoicePDFs found.
type PDFCheck struct {
	Checked int64
	Bytes   int64
	Bad     []int64 // invoices whose PDF no longer matches its size or sha256
}

// CheckInvoicePDFs reads every stored PDF, in batches of ids, and compares
// it with the size and sha256 recorded when it was written.
func (s *Store) CheckInvoicePDFs(ctx context.Context) (PDFCheck, error) {
	var c PDFCheck
	after := int64(0)
	for {
		rows, err := s.query(ctx, `SELECT invoice_id, pdf, sha256, size FROM invoice_pdfs
			WHERE invoice_id > ? ORDER BY invoice_id LIMIT 500`, after)
		if err != nil {
			return c, fmt.Errorf("check invoice pdfs: %w", err)
		}
		n := 0
		for rows.Next() {
			var id, size int64
			var pdf []byte
			var sum string
			if err := rows.Scan(&id, &pdf, &sum, &size); err != nil {
				rows.Close()
				return c, fmt.Errorf("check invoice pdfs: %w", err)
			}
			n++
			after = id
			c.Checked++
			c.Bytes += int64(len(pdf))
			got := sha256.Sum256(pdf)
			if int64(len(pdf)) != size || hex.EncodeToString(got[:]) != sum {
				c.Bad = append(c.Bad, id)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return c, fmt.Errorf("check invoice pdfs: %w", err)
		}
		if n == 0 {
			return c, nil
		}
	}
}

// PDFMoveBatch is how many PDFs MoveInvoicePDFs moves per transaction.
const PDFMoveBatch = 500

// MoveInvoicePDFs moves the PDFs that migrations before 0016 kept in the
// invoices row into invoice_pdfs, batch rows at a time, each batch in its
// own transaction: a batch copies its PDFs and clears the old column
// together (a trigger refuses the clearing unless the copy holds the same
// bytes), so a run killed at any point loses nothing and the next one goes
// on where it stopped. On SQLite the pages a batch frees are reused by the
// next batch's copies: the file does not grow to twice the PDFs. It
// returns how many it moved; log, when not nil, gets "moved N/M" lines.
func (s *Store) MoveInvoicePDFs(ctx context.Context, batch int, log *slog.Logger) (int64, error) {
	var total int64
	// The partial index invoices_pdf_to_move answers without reading the table.
	if err := s.queryRow(ctx, `SELECT count(*) FROM invoices WHERE pdf IS NOT NULL`).Scan(&total); err != nil {
		return 0, fmt.Errorf("count invoice pdfs to move: %w", err)
	}
	if total == 0 {
		return 0, nil
	}
	if log != nil {
		log.Info("moving invoice PDFs out of the invoices table", "to_move", total, "batch", batch)
	}
	start, last := time.Now(), time.Now()
	var moved int64
	for {
		n, err := s.movePDFBatch(ctx, batch)
		if err != nil {
			return moved, fmt.Errorf("move invoice pdfs (%d/%d moved): %w", moved, total, err)
		}
		moved += n
		done := n < int64(batch)
		if log != nil && (done || time.Since(last) >= time.Second) {
			log.Info(fmt.Sprintf("moved %d/%d", moved, total), "elapsed", time.Since(start).Round(time.Millisecond))
			last = time.Now()
		}
		if done {
			break
		}
	}
	if log != nil && s.dialect == SQLite {
		s.logFreeSpace(ctx, log)
	}
	return moved, nil
}

// movePDFBatch moves the next batch PDFs, in one transaction.
func (s *Store) movePDFBatch(ctx context.Context, batch int) (int64, error) {
	var n int64
	err := s.Tx(ctx, func(tx *Store) error {
		rows, err := tx.query(ctx, `SELECT id, pdf FROM invoices WHERE pdf IS NOT NULL ORDER BY id LIMIT ?`, batch)
		if err != nil {
			return err
		}
		type doc struct {
			id  int64
			pdf []byte
		}
		var docs []doc
		for rows.Next() {
			var d doc
			if err := rows.Scan(&d.id, &d.pdf); err != nil {
				rows.Close()
				return err
			}
			docs = append(docs, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, d := range docs {
			sum := sha256.Sum256(d.pdf)
			// A copy already there (two processes migrating at once) is
			// kept; the trigger checks it holds the same bytes below.
			if _, err := tx.exec(ctx, `INSERT INTO invoice_pdfs (invoice_id, pdf, sha256, size) VALUES (?, ?, ?, ?)
				ON CONFLICT (invoice_id) DO NOTHING`, d.id, d.pdf, hex.EncodeToString(sum[:]), len(d.pdf)); err != nil {
				return fmt.Errorf("copy pdf of invoice %d: %w", d.id, err)
			}
			if _, err := tx.exec(ctx, `UPDATE invoices SET pdf = NULL WHERE id = ? AND pdf IS NOT NULL`, d.id); err != nil {
				return fmt.Errorf("clear old pdf of invoice %d: %w", d.id, err)
			}
		}
		n = int64(len(docs))
		return nil
	})
	return n, err
}

// logFreeSpace tells, after a move, how much of the SQLite file is free
// pages, which only VACUUM gives back to the disk.
func (s *Store) logFreeSpace(ctx context.Context, log *slog.Logger) {
	var free, size int64
	if s.queryRow(ctx, `PRAGMA freelist_count`).Scan(&free) != nil || s.queryRow(ctx, `PRAGMA page_size`).Scan(&size) != nil {
		return
	}
	if mb := free * size >> 20; mb >= 64 {
		log.Info("the database file has free space only VACUUM gives back: with coin stopped, run sqlite3 on it with VACUUM (it needs as much free disk as the database)",
			"free_mb", mb)
	}
}

// OpenSnapshot opens an SQLite file that nothing writes (a backup copy),
// read-only, for checks: dsn is a file: URI with mode=ro&immutable=1.
func OpenSnapshot(ctx context.Context, dsn string) (*Store, error) {
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database copy: %w", err)
	}
	db.SetMaxOpenConns(1)
	s := &Store{db: db, q: db, dialect: SQLite, dsn: dsn, Now: time.Now, shared: newPreparedSet(db), hooks: &Hooks{}}
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open database copy: %w", err)
	}
	return s, nil
}
