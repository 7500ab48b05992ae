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
	"coin/model"
	"coin/money"
	"coin/store"
)

// Service reads what is exported.
type Service struct {
	Store *store.Store
	Cfg   *config.Config
}

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

// data is what an export covers.
type data struct {
	invoices []*store.Invoice // invoices and credit notes issued in the range
	payments []*store.Payment
	fees     map[int64]bool // payments that paid a membership fee
	credited map[int64]string
}

func (s *Service) read(ctx context.Context, from, to date.Date) (*data, error) {
	invs, _, err := s.Store.ListInvoices(ctx, store.InvoiceFilter{Status: model.InvoiceValidated, From: from, To: to})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(invs, func(i, j int) bool {
		if !invs[i].IssueDate.Equal(invs[j].IssueDate) {
			return invs[i].IssueDate.Before(invs[j].IssueDate)
		}
		return invs[i].Number < invs[j].Number
	})
	d := &data{invoices: invs, credited: map[int64]string{}}
	for _, inv := range invs {
		if inv.CreditedInvoiceID != nil {
			orig, err := s.Store.InvoiceByID(ctx, *inv.CreditedInvoiceID)
			if err != nil {
				return nil, err
			}
			d.credited[inv.ID] = orig.Number
		}
	}
	ps, _, _, err := s.Store.ListPayments(ctx, store.PaymentFilter{From: from, To: to})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(ps, func(i, j int) bool {
		if !ps[i].Date.Equal(ps[j].Date) {
			return ps[i].Date.Before(ps[j].Date)
		}
		return ps[i].ID < ps[j].ID
	})
	d.payments = ps
	if d.fees, err = s.Store.FeePaymentIDs(ctx, from, to); err != nil {
		return nil, err
	}
	return d, nil
}

// Entries builds the double-entry lines of a period: each invoice debits
// the customer and credits sales (and VAT), each credit note the reverse;
// each payment debits the bank and credits the customer, or membership
// fees when it paid a fee.
func (s *Service) Entries(ctx context.Context, from, to date.Date) ([]Line, error) {
	d, err := s.read(ctx, from, to)
	if err != nil {
		return nil, err
	}
	a := s.Cfg.Accounting
	var out []Line
	seq := map[string]int{}
	next := func(journal string) string {
		seq[journal]++
		return fmt.Sprintf("%s%06d", journal, seq[journal])
	}
	for _, inv := range d.invoices {
		num := next(a.JournalSales)
		valid := inv.IssueDate
		if inv.ValidatedAt != nil {
			valid = date.Of(inv.ValidatedAt.In(s.Cfg.Location()))
		}
		base := Line{Journal: a.JournalSales, JournalLabel: a.JournalSalesLabel, Num: num, Date: inv.IssueDate,
			PieceRef: inv.Number, PieceDate: inv.IssueDate, ValidDate: valid}
		customer := base
		customer.Account, customer.AccountLabel, customer.AuxNum, customer.AuxLabel = a.AccountCustomers, "Clients", inv.MemberLogin, inv.MemberName
		sales := base
		sales.Account, sales.AccountLabel = a.AccountSales, "Prestations de services"
		vat := base
		vat.Account, vat.AccountLabel = a.AccountVAT, "TVA collectée"
		if inv.Kind == model.KindCreditNote {
			label := "Avoir " + inv.Number + " sur " + d.credited[inv.ID] + " " + inv.MemberName
			customer.Label, sales.Label, vat.Label = label, label, label
			customer.Credit, sales.Debit, vat.Debit = inv.TotalCents, inv.TotalExclCents, inv.TaxCents
		} else {
			label := "Facture " + inv.Number + " " + inv.MemberName
			customer.Label, sales.Label, vat.Label = label, label, label
			customer.Debit, sales.Credit, vat.Credit = inv.TotalCents, inv.TotalExclCents, inv.TaxCents
		}
		out = append(out, customer, sales)
		if inv.TaxCents != 0 {
			out = append(out, vat)
		}
	}
	for _, p := range d.payments {
		ref := p.BankReference
		if ref == "" {
			ref = fmt.Sprintf("P%d", p.ID)
		}
		base := Line{Journal: a.JournalBank, JournalLabel: a.JournalBankLabel, Num: next(a.JournalBank), Date: p.Date,
			PieceRef: ref, PieceDate: p.Date, ValidDate: date.Of(p.CreatedAt.In(s.Cfg.Location())),
			Label: strings.TrimSpace("Règlement " + p.MemberName + " " + p.Label)}
		bank := base
		bank.Account, bank.AccountLabel, bank.Debit = a.AccountBank, "Banque", p.AmountCents
		other := base
		if d.fees[p.ID] {
			other.Account, other.AccountLabel = a.AccountMembershipFees, "Cotisations"
			other.Label = strings.TrimSpace("Cotisation " + p.MemberName + " " + p.Label)
			bank.Label = other.Label
		} else {
			other.Account, other.AccountLabel, other.AuxNum, other.AuxLabel = a.AccountCustomers, "Clients", p.MemberLogin, p.MemberName
		}
		other.Credit = p.AmountCents
		out = append(out, bank, other)
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

// WriteFEC writes the FEC of a period with the configured separator.
func (s *Service) WriteFEC(ctx context.Context, w io.Writer, from, to date.Date) error {
	lines, err := s.Entries(ctx, from, to)
	if err != nil {
		return err
	}
	return WriteFEC(w, lines, s.Cfg.Accounting.FECSeparator)
}

// WriteCSV writes the invoices, credit notes and payments of a period, one
// a row, for a spreadsheet or an accounting program's import.
func (s *Service) WriteCSV(ctx context.Context, w io.Writer, from, to date.Date) error {
	d, err := s.read(ctx, from, to)
	if err != nil {
		return err
	}
	cw := csvsafe.NewWriter(w)
	cw.Write([]string{"type", "date", "number", "member", "member_name", "amount_excl_tax", "tax", "amount",
		"currency", "method", "label", "bank_reference", "credited_invoice", "membership_fee"})
	cur := s.Cfg.Billing.Currency
	for _, inv := range d.invoices {
		cw.Write([]string{inv.Kind, inv.IssueDate.String(), inv.Number, inv.MemberLogin, inv.MemberName,
			money.Plain(inv.TotalExclCents), money.Plain(inv.TaxCents), money.Plain(inv.TotalCents), cur, "", "", "",
			d.credited[inv.ID], ""})
	}
	for _, p := range d.payments {
		fee := ""
		if d.fees[p.ID] {
			fee = "yes"
		}
		cw.Write([]string{"payment", p.Date.String(), fmt.Sprint(p.ID), p.MemberLogin, p.MemberName, money.Plain(p.AmountCents),
			"0.00", money.Plain(p.AmountCents), cur, p.Method, p.Label, p.BankReference, "", fee})
	}
	return cw.Flush()
}
