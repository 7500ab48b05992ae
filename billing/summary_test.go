package billing

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"coin/date"
	"coin/store"
	"coin/store/storetest"
)

// TestDryRunListsWhatItWouldInvoice: a dry run lists each member it would
// invoice with their lines (label, period, amount), the first
// SummaryListCap of them, counts the others and keeps the totals exact; its
// recorded summary reads back whole and its first line says the plurals
// right.
func TestDryRunListsWhatItWouldInvoice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, nil)
		zoe := f.member("zoe")
		vpn := f.offer("VPN", 1, 600, 2000)
		f.subscribe(zoe, vpn, "2026-11-21")
		dry, err := f.svc.Charge(f.ctx, date.MustParse("2026-11-25"), true, nil)
		if err != nil || len(dry.List) != 1 || dry.More != 0 {
			t.Fatalf("dry run: %+v %v", dry, err)
		}
		got := dry.List[0]
		if got.MemberID != zoe.ID || got.Name != "Zoé zoe" || got.TotalCents != 2200 || len(got.Lines) != 2 ||
			got.Lines[0].AmountCents != 2000 || !got.Lines[0].From.IsZero() ||
			got.Lines[1].AmountCents != 200 || got.Lines[1].From.String() != "2026-11-21" ||
			got.Lines[1].To.String() != "2026-11-30" {
			t.Fatalf("listed: %+v", got)
		}
		str := dry.String()
		first, _, _ := strings.Cut(str, "\n")
		if first != "2026-11-25: 1 member checked, would create 1 invoice (2 lines), total 22.00" {
			t.Fatalf("first line: %q", first)
		}
		back, ok := ParseSummary(str)
		if !ok || !reflect.DeepEqual(*back, dry) {
			t.Fatalf("read back:\n%+v\nwant\n%+v\nfrom %q", back, dry, str)
		}
		if sum := f.charge("2026-11-25"); len(sum.List) != 0 || sum.First == "" {
			t.Fatalf("a real run lists: %+v", sum)
		}
	})
}

func TestSummaryListIsCapped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, nil)
		vpn := f.offer("VPN", 1, 600, 0)
		n := SummaryListCap + 3
		for i := range n {
			f.subscribe(f.member(fmt.Sprintf("m%03d", i)), vpn, "2026-11-01")
		}
		dry, err := f.svc.Charge(f.ctx, date.MustParse("2026-11-01"), true, nil)
		if err != nil || len(dry.List) != SummaryListCap || dry.More != 3 || dry.Invoices != n ||
			dry.Lines != n || dry.TotalCents != int64(n)*600 {
			t.Fatalf("dry run: %d listed, %d more, %d invoices, %d lines, %d %v",
				len(dry.List), dry.More, dry.Invoices, dry.Lines, dry.TotalCents, err)
		}
		if back, ok := ParseSummary(dry.String()); !ok || back.More != 3 || len(back.List) != SummaryListCap {
			t.Fatalf("read back: %v", ok)
		}
	})
}

// TestSummaryFitsTheRunRecord: however long the labels, the recorded
// summary stays under what the run record keeps, and says how many
// members it leaves out.
func TestSummaryFitsTheRunRecord(t *testing.T) {
	sum := Summary{Day: date.MustParse("2026-11-01"), DryRun: true, Members: SummaryListCap, Invoices: SummaryListCap}
	for i := range SummaryListCap {
		sum.List = append(sum.List, MemberCharge{MemberID: int64(i), Name: strings.Repeat("n", 50),
			Lines: []LineCharge{{Label: strings.Repeat("l", 100)}, {Label: strings.Repeat("l", 100)}}})
	}
	str := sum.String()
	back, ok := ParseSummary(str)
	if len(str) > 20000 || !ok || len(back.List)+back.More != SummaryListCap || back.More == 0 {
		t.Fatalf("%d bytes, %v, %d listed, %d more", len(str), ok, len(back.List), back.More)
	}
}
