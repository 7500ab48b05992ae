package fees_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"coin/config"
	"coin/date"
	"coin/fees"
	"coin/i18n"
	"coin/mail"
	"coin/mail/mailtest"
	"coin/model"
	"coin/overrides"
	"coin/store"
	"coin/store/storetest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func offsets(list ...string) []date.Offset {
	o, err := date.ParseOffsets(list)
	if err != nil {
		panic(err)
	}
	return o
}

// TestDueReminderRule pins the rule down: the latest offset whose date has
// come is due, if it came less than MaxLateness days ago.
func TestDueReminderRule(t *testing.T) {
	def := offsets("-3m", "-2m", "-1m", "0d", "+1m")
	end := date.MustParse("2026-05-31")
	cases := []struct{ day, want string }{
		{"2026-02-27", ""},    // before the first reminder
		{"2026-02-28", "-3m"}, // 31 May − 3 months, clamped to February's end
		{"2026-03-20", "-3m"}, // catch-up inside the window
		{"2026-03-31", "-2m"},
		{"2026-04-30", "-1m"},
		{"2026-05-29", "-1m"}, // 29 days after −1m (30 April)
		{"2026-05-30", ""},    // −1m 30 days late: left out, 0d comes tomorrow
		{"2026-05-31", "0d"},
		{"2026-06-01", "0d"},
		{"2026-06-30", "+1m"},
		{"2026-07-29", "+1m"}, // 29 days late: still sent
		{"2026-07-30", ""},    // 30 days late: too late
		{"2027-01-01", ""},
	}
	for _, c := range cases {
		o, on, ok := fees.DueReminder(end, def, date.MustParse(c.day))
		got := ""
		if ok {
			got = o.String()
			if !on.Equal(o.From(end)) {
				t.Errorf("%s: due on %s, want %s", c.day, on, o.From(end))
			}
		}
		if got != c.want {
			t.Errorf("day %s: due %q, want %q", c.day, got, c.want)
		}
	}
	// Offsets in any order, and a long gap between them: the −3 months
	// reminder is not sent once the −1 week one is due.
	odd := offsets("-1w", "+2w", "-3m")
	if o, _, ok := fees.DueReminder(end, odd, date.MustParse("2026-05-25")); !ok || o.String() != "-1w" {
		t.Fatalf("odd offsets: %v %v", o, ok)
	}
	if _, _, ok := fees.DueReminder(end, odd, date.MustParse("2026-04-15")); ok {
		t.Fatal("-3m sent 46 days late")
	}
	if _, _, ok := fees.DueReminder(end, nil, date.MustParse("2026-05-31")); ok {
		t.Fatal("reminder without offsets")
	}
}

// env is a fee service over a database, sending to an in-process SMTP server.
type env struct {
	t      *testing.T
	st     *store.Store
	svc    *fees.Service
	sender *mail.Sender
	smtp   *mailtest.Server
	cfg    *config.Config
}

func newEnv(t *testing.T, st *store.Store, overridesDir string) *env {
	t.Helper()
	cfg := config.Default()
	cfg.Server.PublicURL = "https://coin.isp.test"
	cfg.Server.OverridesDir = overridesDir
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	catalog, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	srv := mailtest.Start(t, mailtest.Options{TLS: true, Username: "coin", Password: "pw"})
	composer := &mail.Composer{Templates: overrides.New(overridesDir, quiet), From: "coin@isp.test",
		Senders: mail.Senders{Membership: "Trésorerie <tresorerie@isp.test>"}}
	site := func(context.Context) mail.Site {
		return mail.Site{Name: "FAI Test", IBAN: "FR76 3000 6000 0112 3456 7890 189", BIC: "AGRIFRPP"}
	}
	sender := mail.NewSender(st, srv.Config(), quiet)
	sender.TLS = &tls.Config{RootCAs: srv.RootCAs, ServerName: srv.Host}
	svc := &fees.Service{Store: st, Cfg: &cfg, Mail: composer, Catalog: catalog, Site: site, Log: quiet}
	return &env{t: t, st: st, svc: svc, sender: sender, smtp: srv, cfg: &cfg}
}

// member adds a member (status member, reminders on unless changed) whose
// latest fee ends on end ("" for none).
func (e *env) member(login, lang, end string, mut func(*store.Member)) *store.Member {
	e.t.Helper()
	m := &store.Member{Login: login, Role: model.RoleMember, PersonType: model.NaturalPerson, FirstName: login,
		LastName: "Test", Email: login + "@example.org", Status: model.StatusMember, Language: lang, SendFeeReminders: true}
	if mut != nil {
		mut(m)
	}
	if err := e.st.CreateMember(context.Background(), m); err != nil {
		e.t.Fatal(err)
	}
	if end != "" {
		e.fee(m, date.MustParse(end).AddYears(-1).AddDays(1).String(), end)
	}
	return m
}

func (e *env) fee(m *store.Member, start, end string) {
	e.t.Helper()
	f := &store.MembershipFee{MemberID: m.ID, Amount: 1500, StartDate: date.MustParse(start),
		EndDate: date.MustParse(end), PaymentMethod: model.PayTransfer, PaymentDate: date.MustParse(start)}
	if err := e.st.CreateMembershipFee(context.Background(), f); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) call(day string) fees.CallResult {
	e.t.Helper()
	res, err := e.svc.CallForFees(context.Background(), date.MustParse(day), false)
	if err != nil {
		e.t.Fatal(err)
	}
	return res
}

// deliver sends the outbox to the SMTP server and returns what arrived
// there since the last call: recipient → decoded subject.
func (e *env) deliver(seen *int) map[string]string {
	e.t.Helper()
	if _, failed, err := e.sender.SendDue(context.Background()); err != nil || failed != 0 {
		e.t.Fatalf("SendDue: %d failed, %v", failed, err)
	}
	msgs := e.smtp.Messages()
	out := map[string]string{}
	for _, m := range msgs[*seen:] {
		p, err := m.Parsed()
		if err != nil {
			e.t.Fatal(err)
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(p.Header.Get("Subject"))
		out[m.To[0]] = subject
		if m.From != "tresorerie@isp.test" {
			e.t.Errorf("reminder from %q, want the administrative address", m.From)
		}
	}
	*seen = len(msgs)
	return out
}

func TestRemindersAtEachOffsetOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, "")
		day := date.MustParse("2026-06-15")
		// One member per default offset, whose reminder falls due today.
		ends := map[string]string{"-3m": "2026-09-15", "-2m": "2026-08-15", "-1m": "2026-07-15", "0d": "2026-06-15", "+1m": "2026-05-15"}
		want := map[string]string{}
		for i, off := range []string{"-3m", "-2m", "-1m", "0d", "+1m"} {
			login := fmt.Sprintf("m%d", i)
			lang := []string{"fr", "en"}[i%2]
			e.member(login, lang, ends[off], nil)
			want[login+"@example.org"] = off
		}
		// Nobody else is due: a fee ending in a year, a renewed member, a
		// member with reminders off, a resigned one, one who never paid.
		e.member("later", "fr", "2027-06-14", nil)
		renewed := e.member("renewed", "fr", "2026-07-15", nil)
		e.fee(renewed, "2026-07-16", "2027-07-15")
		e.member("off", "fr", "2026-07-15", func(m *store.Member) { m.SendFeeReminders = false })
		e.member("gone", "fr", "2026-07-15", func(m *store.Member) { m.Status = model.StatusNotMember })
		e.member("never", "fr", "", nil)

		res := e.call(day.String())
		if len(res.Sent) != 5 || res.Skips != 0 {
			t.Fatalf("first run: %s", res.Summary())
		}
		for _, r := range res.Sent {
			if want[r.Member.Email] != r.Offset.String() {
				t.Errorf("%s got reminder %s, want %s", r.Member.Login, r.Offset, want[r.Member.Email])
			}
		}
		seen := 0
		got := e.deliver(&seen)
		if len(got) != 5 {
			t.Fatalf("delivered: %v", got)
		}
		subjects := map[string]string{
			"m0@example.org": "FAI Test : pensez à renouveler votre cotisation",
			"m1@example.org": "FAI Test: time to renew your membership fee",
			"m2@example.org": "FAI Test : pensez à renouveler votre cotisation",
			"m3@example.org": "FAI Test: your membership fee ends today",
			"m4@example.org": "FAI Test : votre cotisation a expiré",
		}
		for to, s := range subjects {
			if got[to] != s {
				t.Errorf("%s: subject %q, want %q", to, got[to], s)
			}
		}
		// A second run the same day sends nothing.
		res = e.call(day.String())
		if len(res.Sent) != 0 || res.Skips != 5 {
			t.Fatalf("second run: %s", res.Summary())
		}
		if got := e.deliver(&seen); len(got) != 0 {
			t.Fatalf("second run delivered %v", got)
		}
		// The e-mail says what to pay and how.
		msgs, _, _ := st.ListMessages(context.Background(), store.OutboxFilter{})
		body := ""
		for _, m := range msgs {
			if m.To == "m2@example.org" {
				body = m.TextBody + m.HTMLBody
			}
		}
		for _, w := range []string{"15,00\u00a0€", "FR76 3000 6000 0112 3456 7890 189", "AGRIFRPP", "ADH-", "15/07/2026",
			"https://coin.isp.test/membership"} {
			if !strings.Contains(body, w) {
				t.Fatalf("reminder lacks %q:\n%s", w, body)
			}
		}
		// The treasurer sees what was sent to whom.
		m2, _ := st.MemberByLogin(context.Background(), "m2")
		rs, _ := st.FeeRemindersOfMember(context.Background(), m2.ID)
		if len(rs) != 1 || rs[0].Offset != "-1m" || rs[0].SentOn != day || rs[0].OutboxID == nil {
			t.Fatalf("recorded reminders: %+v", rs)
		}
	})
}

// TestCatchUpAfterMissedDays runs the job on a few scattered days around
// one member's fee end, as a scheduler that was stopped now and then would.
func TestCatchUpAfterMissedDays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, "")
		e.member("zoe", "fr", "2026-06-30", nil)
		steps := []struct{ day, sent string }{
			{"2026-03-29", ""},    // nothing due yet
			{"2026-04-02", "-3m"}, // −3m (30 March) missed by 3 days: caught up
			{"2026-06-02", "-1m"}, // −2m and −1m both passed: only −1m is sent
			{"2026-06-03", ""},    // already sent
			{"2026-07-09", "0d"},  // the end day missed by 9 days
			{"2026-07-30", "+1m"},
			{"2026-08-30", ""},
		}
		seen := 0
		for _, s := range steps {
			res := e.call(s.day)
			got := ""
			if len(res.Sent) == 1 {
				got = res.Sent[0].Offset.String()
			} else if len(res.Sent) > 1 {
				t.Fatalf("%s: %s", s.day, res.Summary())
			}
			if got != s.sent {
				t.Fatalf("%s: sent %q, want %q (%s)", s.day, got, s.sent, res.Summary())
			}
			if d := e.deliver(&seen); len(d) != len(res.Sent) {
				t.Fatalf("%s: delivered %v", s.day, d)
			}
		}
		// Renewing stops the reminders of the old period at once.
		e2 := e.member("ines", "en", "2026-06-30", nil)
		if res := e.call("2026-05-31"); len(res.Sent) != 1 {
			t.Fatalf("ines -1m: %s", res.Summary())
		}
		e.fee(e2, "2026-07-01", "2027-06-30")
		if res := e.call("2026-06-30"); len(res.Sent) != 0 {
			t.Fatalf("renewed member reminded: %s", res.Summary())
		}
	})
}

func TestDryRunChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, "")
		e.member("zoe", "fr", "2026-07-15", nil)
		res, err := e.svc.CallForFees(context.Background(), date.MustParse("2026-06-15"), true)
		if err != nil || len(res.Sent) != 1 || !strings.Contains(res.Summary(), "would be sent") ||
			!strings.Contains(res.Summary(), "zoe@example.org") {
			t.Fatalf("dry run: %s %v", res.Summary(), err)
		}
		if _, total, _ := st.ListMessages(context.Background(), store.OutboxFilter{}); total != 0 {
			t.Fatalf("dry run queued %d messages", total)
		}
		if res := e.call("2026-06-15"); len(res.Sent) != 1 {
			t.Fatalf("real run after the dry run: %s", res.Summary())
		}
	})
}

// TestReminderFromOverriddenTemplate rewrites the French reminder in the
// overrides folder: French members get it, English ones the default.
func TestReminderFromOverriddenTemplate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, "email"), 0o755)
		os.WriteFile(filepath.Join(dir, "email", "fee_reminder.fr.txt"), []byte(
			"Subject: Cotisation {{.Site.Name}} : échéance le {{.EndDate}}\n\nCoucou {{.Member.FirstName}}, "+
				"virement de {{.Amount}} avec la référence {{.Reference}}.\n"), 0o644)
		e := newEnv(t, st, dir)
		e.member("zoe", "fr", "2026-07-15", nil)
		e.member("jane", "en", "2026-07-15", nil)
		e.call("2026-06-15")
		seen := 0
		got := e.deliver(&seen)
		if got["zoe@example.org"] != "Cotisation FAI Test : échéance le 15/07/2026" ||
			got["jane@example.org"] != "FAI Test: time to renew your membership fee" {
			t.Fatalf("subjects: %v", got)
		}
		msgs, _, _ := st.ListMessages(context.Background(), store.OutboxFilter{})
		for _, m := range msgs {
			if m.To == "zoe@example.org" && !strings.HasPrefix(m.TextBody, "Coucou zoe, virement de 15,00\u00a0€ avec la référence ADH-") {
				t.Fatalf("overridden body: %q", m.TextBody)
			}
		}
	})
}

// TestReminderSurvivesARefusal: the SMTP server refuses the reminder once;
// it stays queued and goes out on the retry, once.
func TestReminderSurvivesARefusal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, "")
		e.member("zoe", "fr", "2026-07-15", nil)
		e.call("2026-06-15")
		e.smtp.RefuseNext(1)
		if _, failed, _ := e.sender.SendDue(context.Background()); failed != 1 {
			t.Fatal("refusal not seen")
		}
		e.call("2026-06-16") // the next day's run adds nothing
		st.Now = func() time.Time { return time.Now().Add(2 * time.Minute) }
		if sent, _, _ := e.sender.SendDue(context.Background()); sent != 1 || len(e.smtp.Messages()) != 1 {
			t.Fatalf("retry: %d sent, %d delivered", sent, len(e.smtp.Messages()))
		}
	})
}
