package handlers_test

import (
	"fmt"
	"strconv"
	"testing"

	"coin/config"
)

// pageQueries gets a page and returns the number of SQL statements it ran,
// as the X-Coin-Queries header tells.
func (b *browser) pageQueries(path string) int {
	b.a.t.Helper()
	res := b.get(path)
	if res.Status != 200 {
		b.a.t.Fatalf("GET %s: status %d\n%s", path, res.Status, res.Body)
	}
	n, err := strconv.Atoi(res.Header.Get("X-Coin-Queries"))
	if err != nil {
		b.a.t.Fatalf("GET %s: X-Coin-Queries %q: %v", path, res.Header.Get("X-Coin-Queries"), err)
	}
	return n
}

// TestPagesQueryCount holds the member home and the dashboard to a few
// queries that do not grow with the history: a page that goes N+1 (a
// query per invoice, per member, per month) fails here.
func TestPagesQueryCount(t *testing.T) {
	eachApp(t, func(c *config.Config) { c.Server.QueryCountHeader = true }, func(t *testing.T, a *testApp) {
		a.setIdentity()
		a.addMember("admin", "admin", "admin-password")
		alice := a.addMember("alice", "member", "alice-password")
		a.addFee(alice, a.today().AddMonths(-6), a.today().AddMonths(6).AddDays(-1))
		a.validatedInvoice(alice, 3000)
		member, admin := a.browser(), a.browser()
		member.login("alice", "alice-password")
		admin.login("admin", "admin-password")
		home, dash := member.pageQueries("/"), admin.pageQueries("/admin/")
		t.Logf("member home: %d queries, dashboard: %d", home, dash)
		if home > 6 {
			t.Errorf("member home: %d queries, want at most 6", home)
		}
		if dash > 10 {
			t.Errorf("dashboard: %d queries, want at most 10", dash)
		}

		// More history, the member's and everybody's: the counts stay.
		for i := 0; i < 4; i++ {
			a.validatedInvoice(alice, int64(1000+i))
			a.validatedInvoice(a.addMemberQuick(fmt.Sprintf("m%d", i)), 500)
		}
		if n := member.pageQueries("/"); n != home {
			t.Errorf("member home with 5 open invoices: %d queries, with 1: %d", n, home)
		}
		if n := admin.pageQueries("/admin/"); n != dash {
			t.Errorf("dashboard with more members and invoices: %d queries, before: %d", n, dash)
		}
		if n := member.pageQueries("/invoices"); n > 6 {
			t.Errorf("member invoices: %d queries, want at most 6", n)
		}
	})
}

// TestQueryCountHeaderOff: the header is for the benchmark only.
func TestQueryCountHeaderOff(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		res := a.browser().get("/login")
		if h := res.Header.Get("X-Coin-Queries"); h != "" {
			t.Fatalf("X-Coin-Queries sent without query_count_header: %q", h)
		}
	})
}
