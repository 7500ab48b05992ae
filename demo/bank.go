package demo

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"

	"golang.org/x/text/encoding/charmap"

	"coin/config"
	"coin/date"
	"coin/fees"
	"coin/iban"
	"coin/model"
	"coin/money"
	"coin/store"
)

// SEPACreditor gives an unset [sepa] section a fictitious creditor, so that
// the demo can write a direct debit file.
func SEPACreditor(c *config.SEPA) {
	if c.CreditorID != "" {
		return
	}
	c.CreditorName = "Traboule"
	c.CreditorID = "FR" + iban.CreditorIDCheckDigits("FR", "123456") + "ZZZ123456"
	c.CreditorIBAN = frenchIBAN("10278", "07300", fmt.Sprintf("%011d", 1901))
	c.CreditorBIC = "CMCIFR2A"
}

// frenchIBAN makes a French IBAN of a bank code (5 digits), branch code (5
// digits) and account number (11 characters): its RIB key, then its IBAN
// check digits, are computed, so that the demo's IBANs pass both checks.
func frenchIBAN(bank, branch, account string) string {
	bban := bank + branch + account + iban.RIBKey(bank, branch, account)
	return "FR" + iban.CheckDigits("FR", bban) + bban
}

// mandateCount is how many demo members pay by direct debit.
const mandateCount = 5

// loadMandates gives direct debit mandates to a few members who have
// invoices to pay, so that the direct debit page has something to collect.
func loadMandates(ctx context.Context, tx *store.Store, today date.Date) error {
	open, _, err := tx.ListInvoices(ctx, store.InvoiceFilter{Kind: model.KindInvoice, Status: "open", Limit: 200})
	if err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, inv := range open {
		if len(seen) == mandateCount {
			break
		}
		if seen[inv.MemberID] {
			continue
		}
		seen[inv.MemberID] = true
		m := &store.Mandate{MemberID: inv.MemberID, Reference: fmt.Sprintf("TRABOULE-%06d", inv.MemberID),
			SignatureDate: today.AddMonths(-6), IBAN: frenchIBAN("30003", fmt.Sprintf("%05d", 1000+len(seen)), fmt.Sprintf("%011d", inv.MemberID)),
			BIC: "SOGEFRPP", SequenceType: model.SeqFirst, Active: true}
		if err := tx.CreateMandate(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// Statement writes a bank statement in Crédit Mutuel's CSV layout that
// pays some of the demo's open invoices (by number, and one by the payer's
// name alone) and a membership fee, with a gift nobody can be matched to
// and a debit: the import page then has every kind of line to show.
func Statement(ctx context.Context, s *store.Store, cfg *config.Config, today date.Date) ([]byte, error) {
	// Members who pay by direct debit do not send transfers.
	mandates, err := s.ListMandates(ctx)
	if err != nil {
		return nil, err
	}
	debited := map[int64]bool{}
	for _, m := range mandates {
		debited[m.MemberID] = m.Active
	}
	all, _, err := s.ListInvoices(ctx, store.InvoiceFilter{Kind: model.KindInvoice, Status: "open", Limit: 200})
	if err != nil {
		return nil, err
	}
	var open []*store.Invoice
	for _, inv := range all {
		if !debited[inv.MemberID] && len(open) < 4 {
			open = append(open, inv)
		}
	}
	type entry struct {
		day   date.Date
		cents int64
		label string
	}
	var entries []entry
	for i, inv := range open {
		label := fmt.Sprintf("VIR SEPA %s FACT %s", strings.ToUpper(inv.MemberName), inv.Number)
		if i == len(open)-1 && i > 0 {
			label = "VIR DE " + strings.ToUpper(inv.MemberName)
		}
		// A few days back, but never before the invoice was issued.
		day := date.Min(date.Max(today.AddDays(-4+i), inv.IssueDate.AddDays(1)), today)
		entries = append(entries, entry{day, inv.Remaining(), label})
	}
	if m, err := s.MemberByLogin(ctx, "member"); err == nil {
		ref, _ := fees.ReferenceFunc(cfg.Fees.MembershipReference)(m) // ADH-ID on error
		entries = append(entries, entry{today.AddDays(-1), cfg.Fees.DefaultFeeCents(),
			fmt.Sprintf("VIR SEPA %s %s %s", strings.ToUpper(m.FirstName), strings.ToUpper(m.LastName), ref)})
	}
	entries = append(entries, entry{today.AddDays(-1), 5000, "VIR SEPA DON ANONYME SOUTIEN"},
		entry{today, -12000, "PRLV SEPA TRANSIT IP FACTURE 2611"})

	sort.SliceStable(entries, func(i, j int) bool { return entries[i].day.Before(entries[j].day) })

	var b bytes.Buffer
	b.WriteString("Date;Date de valeur;Débit;Crédit;Libellé;Solde\r\n")
	balance := int64(250000)
	for _, e := range entries {
		balance += e.cents
		debit, credit := "", ""
		if e.cents < 0 {
			debit = money.Decimal(e.cents, ",") // the sign stays: Crédit Mutuel writes it
		} else {
			credit = money.Decimal(e.cents, ",")
		}
		d := e.day.Time().Format("02/01/2006")
		fmt.Fprintf(&b, "%s;%s;%s;%s;%s;%s\r\n", d, d, debit, credit, e.label, money.Decimal(balance, ","))
	}
	return charmap.Windows1252.NewEncoder().Bytes(b.Bytes())
}
