package handlers_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"coin/billing"
	"coin/date"
	"coin/jobs"
	"coin/model"
	"coin/store"
)

var chargeRunRE = regexp.MustCompile(`hx-get="/admin/charge/progress\?run=(\d+)"`)

// chargeSetup gives zoe a subscription due on 2026-11-01 and signs in a
// treasurer on the charge page.
func chargeSetup(t *testing.T, a *testApp) (*store.Member, *store.Member, *browser) {
	t.Helper()
	a.setIdentity()
	zoe := a.addMemberQuick("zoe")
	o := addOffer(t, a, "VPN", "vpn", true)
	if err := a.store.CreateSubscription(t.Context(), &store.Subscription{MemberID: zoe.ID, OfferID: o.ID,
		StartDate: date.MustParse("2026-11-01")}); err != nil {
		t.Fatal(err)
	}
	tr := a.addMember("tresorier", "treasurer", "tresorier-password")
	b := a.browser()
	b.login("tresorier", "tresorier-password")
	mustContain(t, b.get("/admin/charge").Body, "Charge subscriptions")
	return zoe, tr, b
}

// holdCharge makes the next charge say it has done 0 of 1 member and wait
// until release is closed (or the run is cancelled).
func holdCharge(a *testApp) (started, release chan struct{}) {
	started, release = make(chan struct{}), make(chan struct{})
	a.beforeCharge = func(ctx context.Context) {
		jobs.Progress(ctx, 0, 1)
		close(started)
		select {
		case <-release:
		case <-ctx.Done():
		}
	}
	return started, release
}

// waitCharge polls the run's block as the page does until the run ends,
// then waits for the run to free the job's lock (just after recording its
// end).
func waitCharge(t *testing.T, b *browser, id int64) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		res := b.get(fmt.Sprintf("/admin/charge/progress?run=%d", id), "HX-Request", "true")
		if res.Status != http.StatusOK {
			t.Fatalf("progress: %d\n%s", res.Status, res.Body)
		}
		if !strings.Contains(res.Body, "hx-get") {
			for {
				lock, err := b.a.store.TryJobLock(t.Context(), "charge-subscriptions")
				if err == nil {
					lock.Release()
					return res.Body
				}
				if !errors.Is(err, store.ErrLocked) || time.Now().After(deadline) {
					t.Fatalf("job lock after the run: %v", err)
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the charge is still running:\n%s", res.Body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestChargeFromTheWebIsAJobRun starts the charge from the back office: it
// is a run of charge-subscriptions in the jobs history, with who started
// it; the page follows its progress from the record; a second start while
// it runs is refused and the page follows the one going on.
func TestChargeFromTheWebIsAJobRun(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		ctx := context.Background()
		zoe, tr, b := chargeSetup(t, a)
		started, release := holdCharge(a)
		form := url.Values{"date": {"2026-11-01"}}
		res := b.post("/admin/charge", form, "HX-Request", "true")
		m := chargeRunRE.FindStringSubmatch(res.Body)
		if res.Status != http.StatusOK || m == nil {
			t.Fatalf("start: %d\n%s", res.Status, res.Body)
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		<-started
		run, err := a.store.JobRunByID(ctx, id)
		if err != nil || run.Job != "charge-subscriptions" || run.Status != model.RunRunning ||
			run.Trigger != model.TriggerManual || run.StartedBy == nil || *run.StartedBy != tr.ID ||
			run.Day != date.MustParse("2026-11-01") || run.DryRun {
			t.Fatalf("run during the charge: %+v %v", run, err)
		}
		prog := b.get(fmt.Sprintf("/admin/charge/progress?run=%d", id), "HX-Request", "true")
		mustContain(t, prog.Body, "Charging… 0 of 1 members", m[0])

		// A second start, from htmx or a plain form, is refused.
		again := b.post("/admin/charge", form, "HX-Request", "true")
		if again.Status != http.StatusConflict {
			t.Fatalf("second start: %d\n%s", again.Status, again.Body)
		}
		mustContain(t, again.Body, "A charge is already running", m[0])
		if plain := b.post("/admin/charge", form); plain.Status != http.StatusSeeOther {
			t.Fatalf("second start without htmx: %d\n%s", plain.Status, plain.Body)
		}
		page := b.get("/admin/charge")
		mustContain(t, page.Body, "A charge is already running", m[0], "disabled")
		if _, total, _ := a.store.ListJobRuns(ctx, store.JobRunFilter{Job: "charge-subscriptions"}); total != 1 {
			t.Fatalf("%d runs recorded", total)
		}
		mustContain(t, b.get("/admin/jobs").Body, "Running")

		close(release)
		done := waitCharge(t, b, id)
		mustContain(t, done, "1 member checked, 1 invoice created (1 line), total €5.00", "Number 2026-000001.", "See the invoices")
		mustNotContain(t, done, "1 lines", "Numbers", "charge-list")
		if invs, _, _ := a.store.ListInvoices(ctx, store.InvoiceFilter{MemberID: zoe.ID}); len(invs) != 1 {
			t.Fatalf("%d invoices for zoe", len(invs))
		}
		runs, _, _ := a.store.ListJobRuns(ctx, store.JobRunFilter{})
		if len(runs) != 1 || runs[0].ID != id || runs[0].Status != model.RunOK || *runs[0].StartedBy != tr.ID {
			t.Fatalf("history: %+v", runs)
		}
		mustContain(t, b.get(fmt.Sprintf("/admin/jobs/runs/%d", id)).Body, "(tresorier)", "1 member checked, created 1 invoice (1 line)")
		// The page shows a finished run asked for, in the reader's language.
		b.lang = "fr"
		mustContain(t, b.get(fmt.Sprintf("/admin/charge?run=%d", id)).Body, "1 adhérent examiné, 1 facture créée (1 ligne)", "Numéro 2026-000001.")
		mustNotContain(t, b.get("/admin/charge").Body, "charge-run")
		// Once it has ended, another run can start (a dry run, without a date).
		b.lang = "en"
		a.beforeCharge = nil
		res = b.post("/admin/charge", url.Values{"dry_run": {"1"}})
		if res.Status != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "/admin/charge?run=") {
			t.Fatalf("dry run: %d %s", res.Status, res.Header.Get("Location"))
		}
		second, _ := strconv.ParseInt(strings.SplitN(res.Header.Get("Location"), "run=", 2)[1], 10, 64)
		waitCharge(t, b, second)
		if r, _ := a.store.JobRunByID(ctx, second); !r.DryRun || r.Day != a.today() || r.Status != model.RunOK {
			t.Fatalf("dry run: %+v", r)
		}
	})
}

// TestChargeRefusedWhileRunningElsewhere holds the job's lock as another
// process running the charge would: the page says so, nothing is recorded.
func TestChargeRefusedWhileRunningElsewhere(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		_, _, b := chargeSetup(t, a)
		lock, err := a.store.TryJobLock(t.Context(), "charge-subscriptions")
		if err != nil {
			t.Fatal(err)
		}
		defer lock.Release()
		res := b.post("/admin/charge", url.Values{"date": {"2026-11-01"}}, "HX-Request", "true")
		if res.Status != http.StatusConflict {
			t.Fatalf("start: %d\n%s", res.Status, res.Body)
		}
		mustContain(t, res.Body, "A charge is already running")
		if _, total, _ := a.store.ListJobRuns(t.Context(), store.JobRunFilter{}); total != 0 {
			t.Fatalf("%d runs recorded", total)
		}
	})
}

// TestChargeStopsWithTheScheduler: on shutdown the charge started from the
// web is cancelled and recorded as failed, which its page says.
func TestChargeStopsWithTheScheduler(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		_, _, b := chargeSetup(t, a)
		started, _ := holdCharge(a)
		res := b.post("/admin/charge", url.Values{"date": {"2026-11-01"}}, "HX-Request", "true")
		m := chargeRunRE.FindStringSubmatch(res.Body)
		if m == nil {
			t.Fatalf("start: %d\n%s", res.Status, res.Body)
		}
		<-started
		a.jobs.Stop()
		id, _ := strconv.ParseInt(m[1], 10, 64)
		run, _ := a.store.JobRunByID(t.Context(), id)
		if run.Status != model.RunFailed || !strings.Contains(run.Error, "canceled") {
			t.Fatalf("run after shutdown: %+v", run)
		}
		mustContain(t, waitCharge(t, b, id), "The charge failed")
	})
}

// TestChargeDryRunListsMembersAndLines: a dry run shows, member by member,
// the lines (label, period, amount) it would invoice, with the counts'
// plurals right in both languages; the history keeps a one-line summary.
func TestChargeDryRunListsMembersAndLines(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		ctx := context.Background()
		zoe, _, b := chargeSetup(t, a)
		vps := addOffer(t, a, "VPS", "vpn", true)
		yann := a.addMemberQuick("yann")
		for _, m := range []*store.Member{zoe, yann} {
			if err := a.store.CreateSubscription(ctx, &store.Subscription{MemberID: m.ID, OfferID: vps.ID,
				StartDate: date.MustParse("2026-11-01")}); err != nil {
				t.Fatal(err)
			}
		}
		res := b.post("/admin/charge", url.Values{"date": {"2026-11-01"}, "dry_run": {"1"}})
		id, _ := strconv.ParseInt(strings.SplitN(res.Header.Get("Location"), "run=", 2)[1], 10, 64)
		done := waitCharge(t, b, id)
		mustContain(t, done, "2 members checked, 2 invoices would be created (3 lines), total €15.00",
			`id="charge-list"`, "Zoé zoe", "Zoé yann", "Offer VPN", "Offer VPS", "Total (2 lines)", "€10.00", "€5.00", "from 1 Nov 2026 to 30 Nov 2026")
		mustNotContain(t, done, "Numbers", "more member")
		if invs, _, _ := a.store.ListInvoices(ctx, store.InvoiceFilter{}); len(invs) != 0 {
			t.Fatalf("the dry run invoiced: %d", len(invs))
		}
		run, _ := a.store.JobRunByID(ctx, id)
		if got := jobs.FirstLine(run.Summary); got != "2026-11-01: 2 members checked, would create 2 invoices (3 lines), total 15.00" {
			t.Fatalf("history line: %q", got)
		}
		b.lang = "fr"
		page := b.get(fmt.Sprintf("/admin/charge?run=%d", id)).Body
		mustContain(t, page, "2 adhérents examinés, 2 factures seraient créées (3 lignes)", "Ce qui serait facturé", "Total (2 lignes)")
	})
}

// TestChargeDryRunListIsCapped: past the listed members the page says how
// many more there are, the totals still counting them.
func TestChargeDryRunListIsCapped(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		ctx := context.Background()
		_, _, b := chargeSetup(t, a)
		sum := billing.Summary{Day: date.MustParse("2026-11-01"), DryRun: true, Members: 203, Invoices: 203,
			Lines: 203, TotalCents: 203 * 500, More: 3,
			List: []billing.MemberCharge{{MemberID: 1, Name: "Zoé zoe", TotalCents: 500,
				Lines: []billing.LineCharge{{Label: "Offer VPN", AmountCents: 500}}}}}
		run := &store.JobRun{Job: "charge-subscriptions", Trigger: model.TriggerManual, Day: sum.Day, DryRun: true}
		if err := a.store.StartJobRun(ctx, run); err != nil {
			t.Fatal(err)
		}
		run.Status, run.Summary = model.RunOK, sum.String()
		if err := a.store.FinishJobRun(ctx, run); err != nil {
			t.Fatal(err)
		}
		page := b.get(fmt.Sprintf("/admin/charge?run=%d", run.ID)).Body
		mustContain(t, page, "203 members checked, 203 invoices would be created (203 lines), total €1,015.00",
			"and 3 more members (counted in the totals above).", "Zoé zoe")
		b.lang = "fr"
		mustContain(t, b.get(fmt.Sprintf("/admin/charge?run=%d", run.ID)).Body, "et 3 autres adhérents")
	})
}
