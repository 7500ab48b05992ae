// Package collections gets the ISP paid: it reminds members of their
// unpaid invoices at configured days after the due date (call-for-payments)
// and suspends, then restores, the subscriptions of members in arrears
// (enforce-arrears). Each step is recorded under a unique key in the
// transaction that does it, so a job run twice, or rerun after a crash,
// does each step once.
package collections

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"coin/config"
	"coin/date"
	"coin/i18n"
	"coin/invoicepdf"
	"coin/mail"
	"coin/store"
	"coin/subscription"
)

// MaxLateness bounds catch-up, as for fee reminders: a reminder level is
// sent at most this many days after its day, so that a scheduler stopped
// for months does not send every old level at once.
const MaxLateness = 30

// GroupDays: a reminder also stands for the levels of the member's other
// invoices that fall within this many days after it.
const GroupDays = 7

// Service carries what collections needs.
type Service struct {
	Store   *store.Store
	Cfg     *config.Config
	Catalog *i18n.Catalog
	Mail    *mail.Composer
	Site    func(ctx context.Context) mail.Site
	Subs    *subscription.Service
	Log     *slog.Logger
	// PaymentLink, when set, returns a link where the member can pay the
	// listed invoices online (the card payment branch fills it); "" for
	// none. Reminders show it as .PaymentLink.
	PaymentLink func(ctx context.Context, m *store.Member, invoices []*store.Invoice) string
	// Today is the day in the ISP's time zone; tests replace it.
	Today func() date.Date
	// Crash, when set, is called at named points of enforce-arrears; a
	// non-nil error stops the run there, as a killed process would (tests).
	Crash func(point string) error
}

func (s *Service) today() date.Date {
	if s.Today != nil {
		return s.Today()
	}
	return date.Today(s.Cfg.Location())
}

func (s *Service) crash(point string) error {
	if s.Crash == nil {
		return nil
	}
	return s.Crash(point)
}

func (s *Service) locale(m *store.Member) (*i18n.Locale, string) {
	lang := m.Language
	if lang == "" {
		lang = s.Cfg.Server.DefaultLanguage
	}
	return s.Catalog.Locale(lang, s.Cfg.Location(), s.Cfg.Billing.Currency), lang
}

// DueLevel returns the reminder level (days after the due date) due on day
// for an invoice due on due: the largest of days whose date has come, if
// it came fewer than MaxLateness days ago.
func DueLevel(due date.Date, days []int, day date.Date) (int, bool) {
	best, found := 0, false
	for _, d := range days {
		on := due.AddDays(d)
		if on.After(day) {
			continue
		}
		if !found || d > best {
			best, found = d, true
		}
	}
	if !found || due.AddDays(best).DaysUntil(day) >= MaxLateness {
		return 0, false
	}
	return best, true
}

// Sent is one reminder sent (or that would be).
type Sent struct {
	Member   *store.Member
	Level    int // days after the due date; 0 for a reminder sent by hand
	Invoices int
	Amount   int64
	Letter   bool
}

// RemindResult tells what a run of call-for-payments did.
type RemindResult struct {
	Sent    []Sent
	Skipped int // members marked "do not remind" or without an address
	DryRun  bool
}

// Summary is one line for the job history, then one per e-mail.
func (r RemindResult) Summary() string {
	var b strings.Builder
	verb := "sent"
	if r.DryRun {
		verb = "would be sent (dry run)"
	}
	fmt.Fprintf(&b, "%d payment reminders %s, %d members not reminded (do not remind, no address)", len(r.Sent), verb, r.Skipped)
	for _, s := range r.Sent {
		letter := ""
		if s.Letter {
			letter = ", with the letter"
		}
		fmt.Fprintf(&b, "\n%s <%s>: %d invoices, %d cents, level %d%s", s.Member.Login, s.Member.Email,
			s.Invoices, s.Amount, s.Level, letter)
	}
	return b.String()
}

// CallForPayments e-mails every member with an invoice whose reminder
// level is due on day (see DueLevel) one reminder listing all their
// overdue invoices. Each (invoice, level) is recorded in the transaction
// that queues the e-mail: a second run sends nothing, a member who paid in
// between has no open invoice and gets nothing.
func (s *Service) CallForPayments(ctx context.Context, day date.Date, dryRun bool) (RemindResult, error) {
	res := RemindResult{DryRun: dryRun}
	days := s.Cfg.Collections.Days()
	if len(days) == 0 {
		return res, nil
	}
	from := day.AddDays(-days[len(days)-1] - MaxLateness)
	to := day.AddDays(-days[0])
	// The plan comes from one query over the partial index of open
	// invoices (the members with one due in the window, their open
	// invoices, settings and levels sent); a dry run stops there. A real
	// run reads each member to remind again before sending, in case they
	// paid since.
	cands, err := s.Store.InvoiceReminderCandidates(ctx, from, to)
	if err != nil {
		return res, err
	}
	for _, c := range cands {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		p := s.plan(c.Member, c.NoRemind, c.Open, c.Sent, day, false)
		if p.skipped {
			res.Skipped++
			continue
		}
		if p.sent == nil {
			continue
		}
		if dryRun {
			res.Sent = append(res.Sent, *p.sent)
			continue
		}
		sent, skipped, err := s.remind(ctx, c.Member.ID, day, false, false)
		if err != nil {
			return res, fmt.Errorf("remind member %d: %w", c.Member.ID, err)
		}
		if skipped {
			res.Skipped++
		}
		if sent != nil {
			res.Sent = append(res.Sent, *sent)
		}
	}
	return res, nil
}

// reminderPlan is what a member's reminder on a day would be.
type reminderPlan struct {
	sent    *Sent // nil: nothing to send
	skipped bool  // do not remind, or no address
	overdue []*store.Invoice
	due     map[int64][]int // levels the e-mail records per invoice
}

// plan decides, from a member's open invoices and the levels already sent,
// whether a reminder goes on day and what it records; now is a reminder
// asked by hand, whatever the levels.
func (s *Service) plan(m *store.Member, noRemind bool, open []*store.Invoice, sentLevels map[int64][]int, day date.Date, now bool) reminderPlan {
	if m.Email == "" || (noRemind && !now) {
		return reminderPlan{skipped: true}
	}
	var overdue []*store.Invoice
	for _, inv := range open {
		if inv.Overdue(day) {
			overdue = append(overdue, inv)
		}
	}
	if len(overdue) == 0 {
		return reminderPlan{}
	}
	days := s.Cfg.Collections.Days()
	// due holds the levels this e-mail records per invoice: the level due
	// today, and the levels coming within GroupDays, so that a member with
	// invoices a few days apart gets one e-mail, not one per invoice.
	due := map[int64][]int{}
	level, last, trigger := 0, false, false
	if !now {
		for _, inv := range overdue {
			l, ok := DueLevel(inv.DueDate, days, day)
			for _, d := range days {
				on := inv.DueDate.AddDays(d)
				soon := on.After(day) && on.Before(day.AddDays(GroupDays))
				if containsInt(sentLevels[inv.ID], d) || !((ok && d == l) || soon) {
					continue
				}
				due[inv.ID] = append(due[inv.ID], d)
				trigger = trigger || (ok && d == l)
				level = max(level, d)
				last = last || d == days[len(days)-1]
			}
		}
		if !trigger {
			return reminderPlan{}
		}
	}
	var total int64
	for _, inv := range overdue {
		total += inv.Remaining()
	}
	return reminderPlan{sent: &Sent{Member: m, Level: level, Invoices: len(overdue), Amount: total, Letter: last},
		overdue: overdue, due: due}
}

// RemindNow sends a member a reminder of their overdue invoices at once
// (the overdue page's bulk action), whatever the levels; once a day per
// member. It returns false when there was nothing to remind or it was sent
// today already.
func (s *Service) RemindNow(ctx context.Context, memberID int64, actor string) (bool, error) {
	sent, _, err := s.remindAs(ctx, memberID, s.today(), false, true, actor)
	return sent != nil, err
}

var errAlreadySent = errors.New("reminder already sent")

func (s *Service) remind(ctx context.Context, memberID int64, day date.Date, dryRun, now bool) (*Sent, bool, error) {
	return s.remindAs(ctx, memberID, day, dryRun, now, "call-for-payments")
}

func (s *Service) remindAs(ctx context.Context, memberID int64, day date.Date, dryRun, now bool, actor string) (*Sent, bool, error) {
	m, err := s.Store.MemberByID(ctx, memberID)
	if err != nil {
		return nil, false, err
	}
	set, err := s.Store.CollectionSettingsOf(ctx, memberID)
	if err != nil {
		return nil, false, err
	}
	if m.Email == "" || (set.NoRemind && !now) {
		return nil, true, nil
	}
	open, err := s.Store.OpenInvoices(ctx, memberID)
	if err != nil {
		return nil, false, err
	}
	sentLevels, err := s.Store.InvoiceRemindersOf(ctx, memberID)
	if err != nil {
		return nil, false, err
	}
	p := s.plan(m, set.NoRemind, open, sentLevels, day, now)
	if p.sent == nil || p.skipped {
		return nil, p.skipped, nil
	}
	if dryRun {
		return p.sent, false, nil
	}
	sent, overdue, due, total, level, last := p.sent, p.overdue, p.due, p.sent.Amount, p.sent.Level, p.sent.Letter
	msg, letter, err := s.composeReminder(ctx, m, overdue, total, day, level, last)
	if err != nil {
		return nil, false, err
	}
	key := fmt.Sprintf("reminder:%d:%s:%d", memberID, day, level)
	if now {
		key = fmt.Sprintf("reminder:%d:%s:now", memberID, day)
	}
	err = s.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.QueueMessage(ctx, msg); err != nil {
			return err
		}
		if letter != nil {
			if err := tx.AttachToMessage(ctx, msg.ID, *letter); err != nil {
				return err
			}
		}
		step := &store.CollectionStep{MemberID: memberID, Kind: store.StepReminder, Key: key, Day: day,
			AmountCents: total, Level: level, OutboxID: &msg.ID, Actor: actor,
			Details: fmt.Sprintf("%d invoices", len(overdue))}
		ok, err := tx.RecordCollectionStep(ctx, step)
		if err != nil {
			return err
		}
		if !ok {
			return errAlreadySent
		}
		for id, levels := range due {
			for _, l := range levels {
				ok, err := tx.RecordInvoiceReminder(ctx, id, l, memberID, step.ID, day)
				if err != nil {
					return err
				}
				if !ok {
					return errAlreadySent // another run got there first
				}
			}
		}
		return nil
	})
	if errors.Is(err, errAlreadySent) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	s.Log.Info("payment reminder queued", "member", memberID, "level", level, "invoices", len(overdue), "message", msg.ID)
	return sent, false, nil
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// howToPay is what the reminder and the letter say of paying.
func (s *Service) howToPay(ctx context.Context, m *store.Member, invoices []*store.Invoice) map[string]any {
	site := s.Site(ctx)
	refs := make([]string, 0, len(invoices))
	for _, inv := range invoices {
		refs = append(refs, inv.Number)
	}
	debit := false
	if ms, err := s.Store.MandatesOfMember(ctx, m.ID); err == nil {
		for _, d := range ms {
			debit = debit || (d.Active && d.SuspendedAt == nil)
		}
	}
	// An invoice whose collection came back is collected no more.
	ids := make([]int64, len(invoices))
	for i, inv := range invoices {
		ids[i] = inv.ID
	}
	if returned, err := s.Store.ReturnedInvoices(ctx, ids); err == nil && len(returned) > 0 {
		debit = false
	}
	link := ""
	if s.PaymentLink != nil {
		link = s.PaymentLink(ctx, m, invoices)
	}
	return map[string]any{"Reference": strings.Join(refs, " "), "IBAN": site.IBAN, "BIC": site.BIC,
		"DirectDebit": debit, "PaymentLink": link}
}

func (s *Service) composeReminder(ctx context.Context, m *store.Member, invoices []*store.Invoice, total int64,
	day date.Date, level int, last bool) (*store.Message, *store.Attachment, error) {
	l, lang := s.locale(m)
	var list []map[string]any
	for _, inv := range invoices {
		list = append(list, map[string]any{"Number": inv.Number, "DueDate": l.Date(inv.DueDate),
			"Total": l.Money(inv.TotalCents), "Remaining": l.Money(inv.Remaining()),
			"Link": s.Cfg.AbsoluteURL("/invoices/" + strconv.FormatInt(inv.ID, 10))})
	}
	pay := s.howToPay(ctx, m, invoices)
	data := map[string]any{"Site": s.Site(ctx), "Member": mail.MemberOf(m), "Invoices": list,
		"Total": l.Money(total), "Level": level, "Last": last, "Link": s.Cfg.AbsoluteURL("/invoices")}
	for k, v := range pay {
		data[k] = v
	}
	id := m.ID
	msg, err := s.Mail.Compose("payment_reminder", lang, m.Email, &id, data)
	if err != nil || !last {
		return msg, nil, err
	}
	pdf, err := s.letter(ctx, m, invoices, total, day, l, pay)
	if err != nil {
		return nil, nil, err
	}
	return msg, &store.Attachment{Filename: l.T("collections.letter_file") + "-" + day.String() + ".pdf",
		ContentType: "application/pdf", Data: pdf}, nil
}

// letter draws the reminder letter attached to the last reminder.
func (s *Service) letter(ctx context.Context, m *store.Member, invoices []*store.Invoice, total int64,
	day date.Date, l *i18n.Locale, pay map[string]any) ([]byte, error) {
	site := s.Site(ctx)
	from := append([]string{site.Name}, site.AddressLines...)
	to := []string{m.DisplayName()}
	for _, line := range strings.Split(m.Address, "\n") {
		if strings.TrimSpace(line) != "" {
			to = append(to, strings.TrimSpace(line))
		}
	}
	if c := strings.TrimSpace(m.PostalCode + " " + m.City); c != "" {
		to = append(to, c)
	}
	args := map[string]any{"Total": l.Money(total), "Reference": pay["Reference"], "IBAN": pay["IBAN"],
		"Name": m.DisplayName(), "Site": site.Name}
	lt := &invoicepdf.Letter{From: from, To: to, Day: day, Place: l.Date(day),
		Title: l.T("collections.letter_title"),
		Body:  []string{l.Tf("collections.letter_greeting", args), l.T("collections.letter_body")},
		Head: [4]string{l.T("collections.col_number"), l.T("collections.col_due"), l.T("collections.col_total"),
			l.T("collections.col_remaining")},
		Total:   l.Tf("collections.letter_total", args),
		Closing: []string{l.T("collections.letter_closing"), site.Name}}
	for _, inv := range invoices {
		lt.Rows = append(lt.Rows, [4]string{inv.Number, l.Date(inv.DueDate), l.Money(inv.TotalCents), l.Money(inv.Remaining())})
	}
	switch {
	case pay["DirectDebit"] == true:
		lt.HowToPay = []string{l.T("collections.letter_debit")}
	case site.IBAN != "":
		lt.HowToPay = []string{l.Tf("collections.letter_transfer", args)}
	default:
		lt.HowToPay = []string{l.Tf("collections.letter_contact", args)}
	}
	if link, _ := pay["PaymentLink"].(string); link != "" {
		lt.HowToPay = append(lt.HowToPay, link)
	}
	return invoicepdf.RenderLetter(lt)
}

// Settings saves staff's choices for a member and records the change as a
// step; exempting a member restores their suspended subscriptions.
func (s *Service) Settings(ctx context.Context, c *store.CollectionSettings, actor string) error {
	c.UpdatedBy = actor
	c.NoRemindReason, c.ExemptReason = strings.TrimSpace(c.NoRemindReason), strings.TrimSpace(c.ExemptReason)
	if !c.NoRemind {
		c.NoRemindReason = ""
	}
	if !c.Exempt {
		c.ExemptReason = ""
	}
	day := s.today()
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.SaveCollectionSettings(ctx, c); err != nil {
			return err
		}
		details := fmt.Sprintf("do not remind: %t %s; exempt: %t %s", c.NoRemind, c.NoRemindReason, c.Exempt, c.ExemptReason)
		_, err := tx.RecordCollectionStep(ctx, &store.CollectionStep{MemberID: c.MemberID, Kind: store.StepSetting,
			Key: fmt.Sprintf("setting:%d:%d", c.MemberID, time.Now().UnixNano()), Day: day, Details: details, Actor: actor})
		return err
	})
	if err != nil {
		return fmt.Errorf("collection settings of member %d: %w", c.MemberID, err)
	}
	if c.Exempt {
		_, err = s.ResumeIfPaid(ctx, c.MemberID, day)
	}
	return err
}

// ExemptSubscription exempts (or not) one subscription from suspension;
// an exempted subscription suspended for arrears is restored.
func (s *Service) ExemptSubscription(ctx context.Context, row *store.SubscriptionRow, exempt bool, actor string) error {
	day := s.today()
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.SetSubscriptionExempt(ctx, row.ID, row.MemberID, exempt); err != nil {
			return err
		}
		id := row.ID
		_, err := tx.RecordCollectionStep(ctx, &store.CollectionStep{MemberID: row.MemberID, Kind: store.StepSetting,
			Key: fmt.Sprintf("setting:%d:%d", row.MemberID, time.Now().UnixNano()), Day: day, SubscriptionID: &id,
			Details: fmt.Sprintf("subscription %d exempt: %t", row.ID, exempt), Actor: actor})
		return err
	})
	if err != nil {
		return fmt.Errorf("exempt subscription %d: %w", row.ID, err)
	}
	if exempt {
		_, err = s.ResumeIfPaid(ctx, row.MemberID, day)
	}
	return err
}
