package fees

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"coin/date"
	"coin/mail"
	"coin/store"
)

// MaxLateness bounds catch-up: a reminder is sent at most this many days
// after its due date. Without it, a scheduler stopped for months, or the
// first run after importing years of fees, would e-mail every lapsed member.
const MaxLateness = 30

// DueReminder applies the reminder rule for a member whose latest fee ends
// on end, on day: among the offsets whose date (end moved by the offset)
// is on or before day, the latest one is due, if its date is fewer than
// MaxLateness days before day. Earlier offsets are never sent late: once the
// −2 months date has passed, the −3 months reminder is moot. Whether the
// due reminder was already sent is the caller's business (it is recorded).
func DueReminder(end date.Date, offsets []date.Offset, day date.Date) (date.Offset, date.Date, bool) {
	var best date.Offset
	var bestOn date.Date
	found := false
	for _, o := range offsets {
		on := o.From(end)
		if on.After(day) {
			continue
		}
		if !found || on.After(bestOn) {
			best, bestOn, found = o, on, true
		}
	}
	if !found || bestOn.DaysUntil(day) >= MaxLateness {
		return date.Offset{}, date.Date{}, false
	}
	return best, bestOn, true
}

// candidateWindow returns the range of fee end dates for which some offset
// can be due on day: loose by a few days for month arithmetic, as each
// candidate is then checked exactly with DueReminder.
func candidateWindow(offsets []date.Offset, day date.Date) (from, to date.Date) {
	for i, o := range offsets {
		// end + o <= day  ⇒  end <= day − o;  day − (end + o) < MaxLateness ⇒ end > day − MaxLateness − o.
		hi := date.Offset{N: -o.N, Unit: o.Unit}.From(day).AddDays(3)
		lo := date.Offset{N: -o.N, Unit: o.Unit}.From(day).AddDays(-MaxLateness - 3)
		if i == 0 || hi.After(to) {
			to = hi
		}
		if i == 0 || lo.Before(from) {
			from = lo
		}
	}
	return from, to
}

// Reminder is one reminder due (or sent) to a member.
type Reminder struct {
	Member *store.Member
	FeeID  int64
	FeeEnd date.Date
	Offset date.Offset
	DueOn  date.Date
}

// CallResult tells what a call for fees did.
type CallResult struct {
	Sent   []Reminder // sent, or that would be sent on a dry run
	Skips  int        // due but sent by an earlier run
	DryRun bool
}

// Summary is one line for the job history and the command line, then one
// line per reminder.
func (r CallResult) Summary() string {
	var b strings.Builder
	verb := "sent"
	if r.DryRun {
		verb = "would be sent (dry run)"
	}
	fmt.Fprintf(&b, "%d %s %s, %d already sent earlier", len(r.Sent), plural(len(r.Sent), "reminder", "reminders"), verb, r.Skips)
	for _, s := range r.Sent {
		fmt.Fprintf(&b, "\n%s %s <%s>: fee ending %s, reminder %s due %s", s.Member.Login,
			s.Member.DisplayName(), s.Member.Email, s.FeeEnd, s.Offset, s.DueOn)
	}
	return b.String()
}

// errAlreadySent rolls back the transaction of a reminder that an earlier
// run recorded.
var errAlreadySent = errors.New("reminder already sent")

// CallForFees e-mails the reminders due on day (see DueReminder) to
// members of status "member" with reminders on, whose latest fee ends in
// the window. Each reminder is recorded in the transaction that queues its
// e-mail, under a unique key (member, fee end, offset): a second run on the
// same day, or the next day's run, sends it again to nobody. A member who
// renewed has a later latest fee, so the old one's reminders stop. Members
// who never paid a fee are not members yet and are never reminded.
func (s *Service) CallForFees(ctx context.Context, day date.Date, dryRun bool) (CallResult, error) {
	res := CallResult{DryRun: dryRun}
	offsets := s.Cfg.Fees.ReminderOffsets()
	if len(offsets) == 0 {
		return res, nil
	}
	from, to := candidateWindow(offsets, day)
	cands, err := s.Store.FeeReminderCandidates(ctx, from, to)
	if err != nil {
		return res, err
	}
	for _, c := range cands {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		o, on, ok := DueReminder(c.FeeEnd, offsets, day)
		if !ok {
			continue
		}
		r := Reminder{Member: c.Member, FeeID: c.FeeID, FeeEnd: c.FeeEnd, Offset: o, DueOn: on}
		sent, err := s.remind(ctx, r, day, dryRun)
		if err != nil {
			return res, fmt.Errorf("remind member %d: %w", c.Member.ID, err)
		}
		if !sent {
			res.Skips++
			continue
		}
		res.Sent = append(res.Sent, r)
	}
	return res, nil
}

// remind queues one reminder and records it, in one transaction; it
// returns false when the reminder was already sent. The first check is
// cheap; the unique key in the transaction is what guarantees "once".
func (s *Service) remind(ctx context.Context, r Reminder, day date.Date, dryRun bool) (bool, error) {
	sent, err := s.Store.FeeReminderSent(ctx, r.Member.ID, r.FeeEnd, r.Offset.String())
	if err != nil || sent || dryRun {
		return !sent, err
	}
	msg, err := s.composeReminder(ctx, r, day)
	if err != nil {
		return false, err
	}
	err = s.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.QueueMessage(ctx, msg); err != nil {
			return err
		}
		fee := r.FeeID
		ok, err := tx.RecordFeeReminder(ctx, &store.FeeReminder{MemberID: r.Member.ID, FeeID: &fee,
			FeeEnd: r.FeeEnd, Offset: r.Offset.String(), DueOn: r.DueOn, SentOn: day, OutboxID: &msg.ID})
		if err != nil {
			return err
		}
		if !ok {
			return errAlreadySent
		}
		return nil
	})
	if errors.Is(err, errAlreadySent) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	s.Log.Info("fee reminder queued", "member", r.Member.ID, "offset", r.Offset.String(),
		"fee_end", r.FeeEnd.String(), "message", msg.ID)
	return true, nil
}

// composeReminder renders email/fee_reminder in the member's language.
func (s *Service) composeReminder(ctx context.Context, r Reminder, day date.Date) (*store.Message, error) {
	lang := r.Member.Language
	if lang == "" {
		lang = s.Cfg.Server.DefaultLanguage
	}
	l := s.Catalog.Locale(lang, s.Cfg.Location(), s.currency())
	pay := s.HowToPay(ctx, r.Member)
	data := map[string]any{
		"Site":      s.Site(ctx),
		"Member":    mail.MemberOf(r.Member),
		"EndDate":   l.Date(r.FeeEnd),
		"Expired":   r.FeeEnd.Before(day),
		"EndsToday": r.FeeEnd.Equal(day),
		"Offset":    r.Offset.String(),
		"Amount":    l.Money(pay.Amount),
		"Reference": pay.Reference,
		"IBAN":      pay.IBAN,
		"BIC":       pay.BIC,
		"InfoURL":   pay.InfoURL,
		"Link":      s.Cfg.AbsoluteURL("/membership"),
	}
	id := r.Member.ID
	return s.Mail.Compose("fee_reminder", lang, r.Member.Email, &id, data)
}

func plural(n int, one, other string) string {
	if n == 1 {
		return one
	}
	return other
}
