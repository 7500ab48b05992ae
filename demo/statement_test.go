package demo

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"coin/config"
	"coin/date"
	"coin/model"
	"coin/store"
	"coin/store/storetest"
)

// The demo statement pays each invoice on or after the day it was issued,
// never before, and not in the future.
func TestDemoStatementPaysInvoicesAfterTheyAreIssued(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if err := Load(ctx, s, time.UTC); err != nil {
			t.Fatal(err)
		}
		// Invoices issued today and two days ago, as a charge run issues them.
		today := date.Today(time.UTC)
		members, _, err := s.ListMembers(ctx, store.MemberFilter{Limit: 4})
		if err != nil || len(members) < 4 {
			t.Fatalf("%d members: %v", len(members), err)
		}
		for i, m := range members {
			inv := &store.Invoice{Kind: model.KindInvoice, MemberID: m.ID}
			if err := s.CreateDraftInvoice(ctx, inv, []*store.InvoiceLine{{Label: "VPN", Quantity: 1, UnitPriceCents: 500, AmountCents: 500}}); err != nil {
				t.Fatal(err)
			}
			issued := today.AddDays(-2 * (i % 2))
			inv.Number, inv.IssueDate, inv.DueDate = fmt.Sprintf("T-%d", i), issued, issued.AddDays(30)
			if err := s.ValidateInvoice(ctx, inv, nil); err != nil {
				t.Fatal(err)
			}
		}
		cfg := config.Default()
		raw, err := Statement(ctx, s, &cfg, today)
		if err != nil {
			t.Fatal(err)
		}
		text, err := charmap.Windows1252.NewDecoder().Bytes(raw)
		if err != nil {
			t.Fatal(err)
		}
		invoices, _, err := s.ListInvoices(ctx, store.InvoiceFilter{Kind: model.KindInvoice, Status: "open", Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		paid := 0
		for _, line := range strings.Split(strings.TrimSpace(string(text)), "\r\n")[1:] {
			f := strings.Split(line, ";")
			day, err := time.Parse("02/01/2006", f[0])
			if err != nil {
				t.Fatalf("%q: %v", line, err)
			}
			d := date.Of(day)
			if d.After(today) {
				t.Errorf("%q is in the future", line)
			}
			for _, inv := range invoices {
				byNumber := inv.Number != "" && strings.Contains(f[4], "FACT "+inv.Number)
				byName := strings.HasPrefix(f[4], "VIR DE ") && f[4] == "VIR DE "+strings.ToUpper(inv.MemberName)
				if byNumber || byName {
					paid++
					if d.Before(inv.IssueDate) {
						t.Errorf("%q pays %s issued on %s", line, inv.Number, inv.IssueDate)
					}
				}
			}
		}
		if paid == 0 {
			t.Fatalf("the statement pays no invoice:\n%s", text)
		}
	})
}
