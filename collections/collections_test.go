package collections_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coin/backend"
	"coin/billing"
	"coin/collections"
	"coin/config"
	"coin/date"
	"coin/i18n"
	"coin/mail"
	"coin/model"
	"coin/overrides"
	"coin/provision"
	"coin/store"
	"coin/store/storetest"
	"coin/subscription"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

type env struct {
	t       *testing.T
	ctx     context.Context
	st      *store.Store
	svc     *collections.Service
	billing *billing.Service
	hookLog string
	day     date.Date
}

func newEnv(t *testing.T, st *store.Store, tweak func(*config.Config)) *env {
	t.Helper()
	cfg := config.Default()
	cfg.Server.PublicURL = "https://coin.isp.test"
	cfg.Billing.AccountingLog = filepath.Join(t.TempDir(), "accounting.log")
	hookLog := filepath.Join(t.TempDir(), "hooks.log")
	hook, err := filepath.Abs("testdata/hook.sh")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Services.Hooks.VPN.Suspend = []string{hook, hookLog, "suspend", "{login}", "{subscription_id}"}
	cfg.Services.Hooks.VPN.Resume = []string{hook, hookLog, "resume", "{login}", "{subscription_id}"}
	cfg.Collections.SuspendThreshold = "50.00"
	cfg.Collections.SuspendAfterDays = 30
	cfg.Collections.NoticeDays = 7
	if tweak != nil {
		tweak(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	catalog, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	composer := &mail.Composer{Templates: overrides.New("", quiet), From: "coin@isp.test"}
	site := func(context.Context) mail.Site {
		return mail.Site{Name: "FAI Test", IBAN: "FR76 3000 6000 0112 3456 7890 189", BIC: "AGRIFRPP",
			AddressLines: []string{"1 rue de la Paix", "75002 Paris"}}
	}
	subs := &subscription.Service{Store: st, Cfg: &cfg, Backends: backend.NewRegistry(),
		Hooks: &provision.Runner{Store: st, Services: &cfg.Services, Log: quiet}, Log: quiet}
	e := &env{t: t, ctx: context.Background(), st: st, hookLog: hookLog, day: date.MustParse("2026-03-01")}
	e.svc = &collections.Service{Store: st, Cfg: &cfg, Catalog: catalog, Mail: composer, Site: site, Subs: subs,
		Log: quiet, Today: func() date.Date { return e.day }}
	e.billing = &billing.Service{Store: st, Cfg: &cfg, Catalog: catalog, Log: quiet, Paid: e.svc.Paid}
	return e
}

func (e *env) member(login string) *store.Member {
	e.t.Helper()
	m := &store.Member{Login: login, Role: model.RoleMember, PersonType: model.NaturalPerson, FirstName: login,
		LastName: "Test", Email: login + "@example.org", Status: model.StatusMember, Language: "fr",
		Address: "2 rue du Test", PostalCode: "69003", City: "Lyon"}
	if err := e.st.CreateMember(e.ctx, m); err != nil {
		e.t.Fatal(err)
	}
	return m
}

var invoiceN int

// invoice adds a validated invoice of cents due on due.
func (e *env) invoice(m *store.Member, cents int64, due string) *store.Invoice {
	e.t.Helper()
	inv := &store.Invoice{MemberID: m.ID}
	lines := []*store.InvoiceLine{{Label: "VPN", Quantity: 1, UnitPriceCents: cents, AmountCents: cents}}
	if err := e.st.CreateDraftInvoice(e.ctx, inv, lines); err != nil {
		e.t.Fatal(err)
	}
	invoiceN++
	d := date.MustParse(due)
	inv.Number = "2026-" + strings.Repeat("0", 4) + string(rune('0'+invoiceN/10)) + string(rune('0'+invoiceN%10))
	inv.IssueDate, inv.DueDate = d.AddDays(-30), d
	if err := e.st.ValidateInvoice(e.ctx, inv, nil); err != nil {
		e.t.Fatal(err)
	}
	return inv
}

// subscription adds an active VPN subscription with a configuration.
func (e *env) subscription(m *store.Member) *store.Subscription {
	e.t.Helper()
	o := &store.Offer{Name: "VPN " + m.Login, Reference: "VPN" + m.Login, Backend: "vpn", BillingPeriodMonths: 1, Open: true}
	if err := e.st.CreateOffer(e.ctx, o); err != nil {
		e.t.Fatal(err)
	}
	sub := &store.Subscription{MemberID: m.ID, OfferID: o.ID, StartDate: date.MustParse("2025-01-01")}
	if err := e.st.CreateSubscription(e.ctx, sub); err != nil {
		e.t.Fatal(err)
	}
	c := &store.Configuration{SubscriptionID: sub.ID, Backend: "vpn", Login: "vpn-" + m.Login,
		Data: map[string]string{"login": "vpn-" + m.Login}}
	if err := e.st.SaveConfiguration(e.ctx, c); err != nil {
		e.t.Fatal(err)
	}
	return sub
}

func (e *env) pay(m *store.Member, cents int64) {
	e.t.Helper()
	p := &store.Payment{MemberID: m.ID, Method: model.PayTransfer, Date: e.day, AmountCents: cents, Label: "virement"}
	if _, err := e.billing.RecordPayment(e.ctx, p, "test"); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) outbox(kind string) []*store.Message {
	e.t.Helper()
	var out []*store.Message
	msgs, err := e.st.DueMessages(e.ctx, 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, m := range msgs {
		if m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

func (e *env) hooks() []string {
	b, err := os.ReadFile(e.hookLog)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// remind runs call-for-payments on day, after a dry run which must say
// the same (the dry run is the plan alone, read in one query; the run
// reads each member again before sending).
func (e *env) remind(day string) collections.RemindResult {
	e.t.Helper()
	dry, err := e.svc.CallForPayments(e.ctx, date.MustParse(day), true)
	if err != nil {
		e.t.Fatal(err)
	}
	res, err := e.svc.CallForPayments(e.ctx, date.MustParse(day), false)
	if err != nil {
		e.t.Fatal(err)
	}
	if got, want := strings.Replace(dry.Summary(), "would be sent (dry run)", "sent", 1), res.Summary(); got != want {
		e.t.Fatalf("%s: the dry run said\n%s\nthe run did\n%s", day, got, want)
	}
	return res
}

func TestDueLevel(t *testing.T) {
	due := date.MustParse("2026-01-10")
	days := []int{7, 21, 45}
	for _, c := range []struct {
		day  string
		want int
	}{{"2026-01-16", -1}, {"2026-01-17", 7}, {"2026-01-30", 7}, {"2026-01-31", 21}, {"2026-02-24", 45},
		{"2026-03-25", 45}, {"2026-03-26", -1}} {
		l, ok := collections.DueLevel(due, days, date.MustParse(c.day))
		if !ok {
			l = -1
		}
		if l != c.want {
			t.Errorf("%s: level %d, want %d", c.day, l, c.want)
		}
	}
}

// TestRemindersOncePerLevel: each level goes once however many runs; one
// e-mail per member lists all their overdue invoices; the last carries the
// letter; a member who pays between two runs gets nothing more; "do not
// remind" is honoured.
func TestRemindersOncePerLevel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, nil)
		alice, bob, carol := e.member("alice"), e.member("bob"), e.member("carol")
		e.invoice(alice, 3000, "2026-01-10")
		e.invoice(alice, 2000, "2026-01-12")
		e.invoice(bob, 1500, "2026-01-10")
		e.invoice(carol, 1500, "2026-01-10")
		if err := e.svc.Settings(e.ctx, &store.CollectionSettings{MemberID: carol.ID, NoRemind: true,
			NoRemindReason: "payment plan agreed"}, "staff"); err != nil {
			t.Fatal(err)
		}
		// Before the first level: nothing.
		if r := e.remind("2026-01-16"); len(r.Sent) != 0 {
			t.Fatalf("early: %s", r.Summary())
		}
		for range 3 {
			e.remind("2026-01-17")
		}
		e.remind("2026-01-18")
		msgs := e.outbox("payment_reminder")
		if len(msgs) != 2 {
			t.Fatalf("after level 7: %d reminders, want 2 (alice, bob)", len(msgs))
		}
		for _, m := range msgs {
			if m.To == "alice@example.org" && (!strings.Contains(m.TextBody, "50,00") || strings.Count(m.TextBody, "échéance le") != 2) {
				t.Fatalf("alice's reminder does not list both invoices:\n%s", m.TextBody)
			}
			if !strings.Contains(m.TextBody, "FR76 3000") {
				t.Fatalf("no transfer details:\n%s", m.TextBody)
			}
		}
		// Bob pays between two runs: no level 21 for him.
		e.pay(bob, 1500)
		e.remind("2026-01-31")
		e.remind("2026-02-02")
		if n := len(e.outbox("payment_reminder")); n != 3 {
			t.Fatalf("after level 21: %d reminders, want 3", n)
		}
		// The last level, with the PDF letter.
		e.remind("2026-02-24")
		e.remind("2026-02-26")
		msgs = e.outbox("payment_reminder")
		if len(msgs) != 4 {
			t.Fatalf("after level 45: %d reminders, want 4", len(msgs))
		}
		last := msgs[len(msgs)-1]
		files, err := st.MessageAttachments(e.ctx, last.ID)
		if err != nil || len(files) != 1 || !strings.HasPrefix(string(files[0].Data), "%PDF") ||
			!strings.HasSuffix(files[0].Filename, ".pdf") {
			t.Fatalf("last reminder's letter: %v %+v", err, files)
		}
		if !strings.Contains(last.Subject, "dernière relance") {
			t.Fatalf("last subject: %q", last.Subject)
		}
		// A bulk "remind now" goes once a day.
		for range 2 {
			if _, err := e.svc.RemindNow(e.ctx, alice.ID, "staff"); err != nil {
				t.Fatal(err)
			}
		}
		if n := len(e.outbox("payment_reminder")); n != 5 {
			t.Fatalf("after remind now: %d, want 5", n)
		}
		rows, total, err := st.OverdueMembers(e.ctx, store.OverdueFilter{Day: date.MustParse("2026-02-26")})
		if err != nil || total != 2 || rows[0].MemberID != alice.ID || rows[0].AmountCents != 5000 ||
			rows[0].RemindersSent != 4 || rows[1].MemberID != carol.ID || !rows[1].NoRemind {
			t.Fatalf("overdue: %v %d %+v", err, total, rows)
		}
	})
}

// TestSuspendAndResume: a notice, then after notice_days the real suspend
// hook; a payment runs resume once, in the payment's after-commit.
func TestSuspendAndResume(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, nil)
		alice, bob := e.member("alice"), e.member("bob")
		sub := e.subscription(alice)
		bobSub := e.subscription(bob)
		e.invoice(alice, 4000, "2026-01-01")
		e.invoice(alice, 2000, "2026-01-15")
		e.invoice(bob, 9000, "2026-01-01")
		if err := e.svc.Settings(e.ctx, &store.CollectionSettings{MemberID: bob.ID, Exempt: true, ExemptReason: "hardship"}, "staff"); err != nil {
			t.Fatal(err)
		}
		enforce := func(day string) collections.EnforceResult {
			t.Helper()
			res, err := e.svc.EnforceArrears(e.ctx, date.MustParse(day), false)
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		// 2026-01-25: 40 € due on 1 January is under the threshold of 50.
		if r := enforce("2026-01-25"); len(r.Notices) != 0 {
			t.Fatalf("notice too early: %s", r.Summary())
		}
		// 2026-02-10: 60 € will be due for 30 days on 14 February: notice.
		enforce("2026-02-10")
		enforce("2026-02-11")
		if n := len(e.outbox("arrears_notice")); n != 1 {
			t.Fatalf("%d notices, want 1", n)
		}
		// 15 February: owed long enough, but the notice is 5 days old.
		if r := enforce("2026-02-15"); len(r.Suspended) != 0 {
			t.Fatalf("suspended before notice_days: %s", r.Summary())
		}
		e.day = date.MustParse("2026-02-17")
		for range 2 {
			enforce("2026-02-17")
		}
		h := e.hooks()
		if len(h) != 1 || !strings.HasPrefix(h[0], "suspend vpn-alice") {
			t.Fatalf("suspend hook runs: %q", h)
		}
		row, _ := st.SubscriptionByID(e.ctx, sub.ID)
		a, _ := st.ArrearsOfSubscription(e.ctx, sub.ID)
		if !row.Suspended || a.State != store.ArrearsSuspended {
			t.Fatalf("after suspension: suspended %v, state %q", row.Suspended, a.State)
		}
		if row, _ := st.SubscriptionByID(e.ctx, bobSub.ID); row.Suspended {
			t.Fatal("exempt member suspended")
		}
		// A partial payment leaving more than the threshold restores nothing.
		e.pay(alice, 500)
		if len(e.hooks()) != 1 {
			t.Fatalf("resumed while still over: %q", e.hooks())
		}
		// The payment that brings the debt under it runs resume, once.
		e.pay(alice, 2000)
		e.pay(alice, 100)
		h = e.hooks() // in the payment's after-commit, before any run
		if len(h) != 2 || !strings.HasPrefix(h[1], "resume vpn-alice") {
			t.Fatalf("hook runs after payment: %q", h)
		}
		enforce("2026-02-18")
		h = e.hooks()
		if len(h) != 2 || !strings.HasPrefix(h[1], "resume vpn-alice") {
			t.Fatalf("hook runs after payment: %q", h)
		}
		row, _ = st.SubscriptionByID(e.ctx, sub.ID)
		a, _ = st.ArrearsOfSubscription(e.ctx, sub.ID)
		if row.Suspended || a.State != store.ArrearsNone {
			t.Fatalf("after payment: suspended %v, state %q", row.Suspended, a.State)
		}
		steps, _ := st.CollectionStepsOf(e.ctx, alice.ID, 50)
		kinds := map[string]int{}
		for _, s := range steps {
			kinds[s.Kind]++
		}
		if kinds[store.StepNotice] != 1 || kinds[store.StepSuspend] != 1 || kinds[store.StepResume] != 1 {
			t.Fatalf("steps: %v", kinds)
		}
		for _, s := range steps {
			if (s.Kind == store.StepSuspend || s.Kind == store.StepResume) && s.HookRunID == nil {
				t.Fatalf("step without its hook run: %+v", s)
			}
		}
	})
}

// TestRerunAfterCrash: a run stopped between the commit of a suspension
// and its hook, then run again, ends in the state of one run, each hook run
// once.
func TestRerunAfterCrash(t *testing.T) {
	for _, point := range []string{"suspended", "hook-ran"} {
		t.Run(point, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				e := newEnv(t, st, func(c *config.Config) { c.Collections.NoticeDays = 0 })
				alice, bob := e.member("alice"), e.member("bob")
				s1, s2 := e.subscription(alice), e.subscription(bob)
				e.invoice(alice, 9000, "2026-01-01")
				e.invoice(bob, 9000, "2026-01-01")
				crashed := false
				e.svc.Crash = func(p string) error {
					if p == point && !crashed {
						crashed = true
						return errors.New("killed")
					}
					return nil
				}
				day := date.MustParse("2026-02-15")
				// The first run sends the notices (notice_days 0: it may
				// suspend on the next run).
				if _, err := e.svc.EnforceArrears(e.ctx, day, false); err == nil && !crashed {
					if _, err := e.svc.EnforceArrears(e.ctx, day, false); err == nil {
						t.Fatal("no crash")
					}
				}
				if _, err := e.svc.EnforceArrears(e.ctx, day, false); err != nil {
					t.Fatal(err)
				}
				if _, err := e.svc.EnforceArrears(e.ctx, day, false); err != nil {
					t.Fatal(err)
				}
				h := e.hooks()
				want := 2
				if point == "hook-ran" {
					want = 3 // the hook that ran before the kill runs again: at least once
				}
				if len(h) != want {
					t.Fatalf("hook runs %q, want %d", h, want)
				}
				for _, sub := range []*store.Subscription{s1, s2} {
					row, _ := st.SubscriptionByID(e.ctx, sub.ID)
					a, _ := st.ArrearsOfSubscription(e.ctx, sub.ID)
					if !row.Suspended || a.State != store.ArrearsSuspended {
						t.Fatalf("subscription %d: suspended %v, state %q", sub.ID, row.Suspended, a.State)
					}
				}
				pending, _ := st.PendingArrears(e.ctx)
				if len(pending) != 0 {
					t.Fatalf("pending: %+v", pending)
				}
			})
		})
	}
}

// TestExemptSubscriptionIsRestored: exempting a subscription suspended for
// arrears restores it (resume hook), and the next run leaves it alone.
func TestExemptSubscriptionIsRestored(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, func(c *config.Config) { c.Collections.NoticeDays = 0 })
		alice := e.member("alice")
		sub := e.subscription(alice)
		e.invoice(alice, 9000, "2026-01-01")
		day := date.MustParse("2026-02-15")
		for range 2 {
			if _, err := e.svc.EnforceArrears(e.ctx, day, false); err != nil {
				t.Fatal(err)
			}
		}
		if h := e.hooks(); len(h) != 1 {
			t.Fatalf("hooks %q", h)
		}
		row, _ := st.SubscriptionByID(e.ctx, sub.ID)
		if err := e.svc.ExemptSubscription(e.ctx, row, true, "staff"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.EnforceArrears(e.ctx, day.AddDays(1), false); err != nil {
			t.Fatal(err)
		}
		h := e.hooks()
		if len(h) != 2 || !strings.HasPrefix(h[1], "resume") {
			t.Fatalf("hooks %q", h)
		}
		if row, _ := st.SubscriptionByID(e.ctx, sub.ID); row.Suspended {
			t.Fatal("exempt subscription still suspended")
		}
	})
}
