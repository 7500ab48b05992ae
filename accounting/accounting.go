// Package accounting exports invoices, credit notes and payments for the
// association's accountant: a CSV of the documents, and the French FEC
// (fichier des écritures comptables) with double-entry lines.
package accounting

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"coin/config"
	"coin/csvsafe"
	"coin/date"
	"coin/i18n"
	"coin/ledger"
	"coin/money"
	"coin/store"
)

// Service reads what is exported.
type Service struct {
	Store *store.Store
	Cfg   *config.Config
	// Catalog gives the ledger's labels (loaded when nil).
	Catalog *i18n.Catalog
}

// Ledger is the books the exports read.
func (s *Service) Ledger() *ledger.Books { return ledger.New(s.Cfg, s.Catalog) }

// Line is one line of an accounting entry.
type Line struct {
	Journal      string
	JournalLabel string
	Num          string // the entry's number, continuous per journal
	Date         date.Date
	Account      string
	AccountLabel string
	AuxNum       string // customer sub-account (the member's login), "" elsewhere
	AuxLabel     string
	PieceRef     string // invoice number, payment reference
	PieceDate    date.Date
	Label        string
	Debit        int64 // cents
	Credit       int64
	ValidDate    date.Date
}

// Entries returns the double-entry lines of the ledger's entries dated
// from..to: each entry was numbered when it was written (per journal and
// fiscal year), so a line has the same EcritureNum in every export that
// holds it. Invoices debit customers and credit sales (and VAT), credit
// notes the reverse; payments debit bank (or cash) and credit customers;
// fees debit bank (or cash) and credit membership fees.
func (s *Service) Entries(ctx context.Context, from, to date.Date) ([]Line, error) {
	es, err := s.Store.JournalEntries(ctx, from, to)
	if err != nil {
		return nil, err
	}
	var out []Line
	for _, e := range es {
		for _, l := range e.Lines {
			out = append(out, Line{Journal: e.Journal, JournalLabel: e.JournalLabel, Num: e.Number, Date: e.Date,
				Account: l.Account, AccountLabel: l.AccountLabel, AuxNum: l.AuxNum, AuxLabel: l.AuxLabel,
				PieceRef: e.PieceRef, PieceDate: e.PieceDate, Label: l.Label, Debit: l.DebitCents, Credit: l.CreditCents,
				ValidDate: e.ValidDate})
		}
	}
	return out, nil
}

// fecHeader names the 18 columns of the FEC (article A47 A-1 of the livre
// des procédures fiscales).
var fecHeader = []string{"JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
	"CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet",
	"DateLet", "ValidDate", "Montantdevise", "Idevise"}

// WriteFEC writes lines as a FEC file: a header, one line each, dates
// YYYYMMDD, amounts with a decimal comma, fields separated by sep ("|" or
// "tab") with the separator and line breaks removed from texts.
func WriteFEC(w io.Writer, lines []Line, sep string) error {
	if sep == "tab" {
		sep = "\t"
	}
	clean := strings.NewReplacer(sep, " ", "\r", " ", "\n", " ")
	if _, err := io.WriteString(w, strings.Join(fecHeader, sep)+"\r\n"); err != nil {
		return err
	}
	for _, l := range lines {
		fields := []string{l.Journal, l.JournalLabel, l.Num, fecDate(l.Date), l.Account, l.AccountLabel, l.AuxNum,
			l.AuxLabel, l.PieceRef, fecDate(l.PieceDate), l.Label, money.Decimal(l.Debit, ","), money.Decimal(l.Credit, ","),
			"", "", fecDate(l.ValidDate), "", ""}
		for i, f := range fields {
			fields[i] = strings.TrimSpace(clean.Replace(f))
		}
		if _, err := io.WriteString(w, strings.Join(fields, sep)+"\r\n"); err != nil {
			return err
		}
	}
	return nil
}

func fecDate(d date.Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d%02d%02d", d.Year(), int(d.Month()), d.Day())
}

// WriteFEC writes the FEC of a period with the configured separator, its
// entries in the chronological order of their validation (the order they
// were numbered in within each journal), as the FEC asks.
func (s *Service) WriteFEC(ctx context.Context, w io.Writer, from, to date.Date) error {
	lines, err := s.Entries(ctx, from, to)
	if err != nil {
		return err
	}
	sort.SliceStable(lines, func(i, j int) bool {
		a, b := lines[i], lines[j]
		if !a.ValidDate.Equal(b.ValidDate) {
			return a.ValidDate.Before(b.ValidDate)
		}
		if a.Journal != b.Journal {
			return a.Journal < b.Journal
		}
		return a.Num < b.Num // same journal: same width, so text order is number order
	})
	return WriteFEC(w, lines, s.Cfg.Accounting.FECSeparator)
}

// WriteCSV writes the ledger's entries of a period, one a row: invoices,
// credit notes, payments, membership fees and fee reversals, with their
// entry number, for a spreadsheet or an accounting program's import.
func (s *Service) WriteCSV(ctx context.Context, w io.Writer, from, to date.Date) error {
	es, err := s.Store.JournalEntries(ctx, from, to)
	if err != nil {
		return err
	}
	a := s.Cfg.Accounting
	cw := csvsafe.NewWriter(w)
	cw.Write([]string{"type", "date", "number", "member", "member_name", "amount_excl_tax", "tax", "amount",
		"currency", "method", "label", "bank_reference", "credited_invoice", "membership_fee", "entry_number"})
	cur := s.Cfg.Billing.Currency
	for _, e := range es {
		var total, excl, tax int64
		for _, l := range e.Lines {
			total += l.DebitCents
			switch l.Account {
			case a.AccountSales:
				excl += l.DebitCents + l.CreditCents
			case a.AccountVAT:
				tax += l.DebitCents + l.CreditCents
			}
		}
		number, ref, fee := e.PieceRef, "", ""
		switch e.SourceKind {
		case ledger.SourceInvoice:
		case ledger.SourceFee, ledger.SourceFeeReversal:
			number, ref, fee, excl = fmt.Sprint(e.SourceID), e.PieceRef, "yes", total
		default:
			number, ref, excl = fmt.Sprint(e.SourceID), e.PieceRef, total
		}
		if ref == "P"+number || ref == "F"+number || ref == "D"+number {
			ref = "" // no bank reference: the piece is named after the payment or the fee
		}
		cw.Write([]string{e.DocKind, e.Date.String(), number, e.MemberLogin, e.MemberName, money.Plain(excl),
			money.Plain(tax), money.Plain(total), cur, e.Method, e.Label, ref, e.CreditedRef, fee, e.Number})
	}
	return cw.Flush()
}
