package collections

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"coin/date"
	"coin/mail"
	"coin/store"
)

// EnforceResult tells what a run of enforce-arrears did.
type EnforceResult struct {
	Notices   []string // logins told of the coming suspension
	Suspended []int64  // subscriptions suspended
	Resumed   []int64  // subscriptions restored
	Finished  int      // hooks left by an interrupted run, run now
	Failed    int      // hooks that failed (recorded, retried by hand)
	DryRun    bool
}

// Summary is one line for the job history, then the details.
func (r EnforceResult) Summary() string {
	var b strings.Builder
	dry := ""
	if r.DryRun {
		dry = " (dry run)"
	}
	fmt.Fprintf(&b, "%d notices, %d subscriptions suspended, %d restored, %d interrupted steps finished, %d hooks failed%s",
		len(r.Notices), len(r.Suspended), len(r.Resumed), r.Finished, r.Failed, dry)
	if len(r.Notices) > 0 {
		fmt.Fprintf(&b, "\nnotices: %s", strings.Join(r.Notices, ", "))
	}
	if len(r.Suspended) > 0 {
		fmt.Fprintf(&b, "\nsuspended: %v", r.Suspended)
	}
	if len(r.Resumed) > 0 {
		fmt.Fprintf(&b, "\nrestored: %v", r.Resumed)
	}
	return b.String()
}

// cutoff is the last due date of invoices counting towards suspension.
func (s *Service) cutoff(day date.Date) date.Date {
	return day.AddDays(-s.Cfg.Collections.SuspendAfterDays)
}

// EnforceArrears first finishes what an interrupted run left half-way,
// then notices members who will owe more than the threshold within
// notice_days, suspends the subscriptions of those who owe it now and were
// noticed at least notice_days ago, and restores those whose debt went
// back under it. Every transition of a subscription is one conditional
// update (store.MoveArrearsState): a rerun does nothing twice.
func (s *Service) EnforceArrears(ctx context.Context, day date.Date, dryRun bool) (EnforceResult, error) {
	res := EnforceResult{DryRun: dryRun}
	if !dryRun {
		if err := s.finishPending(ctx, day, &res); err != nil {
			return res, err
		}
	}
	if !s.Cfg.Collections.Suspends() {
		return res, nil
	}
	thr := s.Cfg.Collections.ThresholdCents()
	noticeDays := s.Cfg.Collections.NoticeDays
	// Notices: those over the threshold in noticeDays, or already.
	soon, err := s.Store.MembersOwingOver(ctx, s.cutoff(day).AddDays(noticeDays), thr)
	if err != nil {
		return res, err
	}
	for _, o := range soon {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		subs, m, err := s.suspendable(ctx, o.MemberID, day)
		if err != nil {
			return res, err
		}
		if len(subs) == 0 {
			continue
		}
		notice, sent, err := s.notice(ctx, m, o, day, dryRun)
		if err != nil {
			return res, fmt.Errorf("notice member %d: %w", o.MemberID, err)
		}
		if sent {
			res.Notices = append(res.Notices, m.Login)
		}
		// Suspended when the debt is old enough and the notice went
		// noticeDays ago (a notice sent today waits).
		if o.OldestDue.After(s.cutoff(day)) || notice == nil || notice.Day.After(day.AddDays(-noticeDays)) {
			continue
		}
		owed, err := s.Store.OwedBy(ctx, m.ID, s.cutoff(day))
		if err != nil || owed <= thr {
			if err != nil {
				return res, err
			}
			continue
		}
		for _, sub := range subs {
			if dryRun {
				res.Suspended = append(res.Suspended, sub.ID)
				continue
			}
			done, err := s.suspend(ctx, sub, owed, day, &res)
			if err != nil {
				return res, fmt.Errorf("suspend subscription %d: %w", sub.ID, err)
			}
			if done {
				res.Suspended = append(res.Suspended, sub.ID)
			}
		}
	}
	members, err := s.Store.MembersSuspendedForArrears(ctx)
	if err != nil {
		return res, err
	}
	for _, id := range members {
		if dryRun {
			continue
		}
		resumed, err := s.resumeIfPaid(ctx, id, day, &res)
		if err != nil {
			return res, fmt.Errorf("restore member %d: %w", id, err)
		}
		res.Resumed = append(res.Resumed, resumed...)
	}
	return res, nil
}

// suspendable returns the member's subscriptions that a suspension would
// reach: giving service on day, not suspended already (by staff or for
// arrears), not exempt; none when the member is exempt.
func (s *Service) suspendable(ctx context.Context, memberID int64, day date.Date) ([]*store.SubscriptionRow, *store.Member, error) {
	m, err := s.Store.MemberByID(ctx, memberID)
	if err != nil {
		return nil, nil, err
	}
	set, err := s.Store.CollectionSettingsOf(ctx, memberID)
	if err != nil || set.Exempt {
		return nil, m, err
	}
	all, err := s.Store.SubscriptionsOfMember(ctx, memberID)
	if err != nil {
		return nil, m, err
	}
	arrears, err := s.Store.ArrearsOfMember(ctx, memberID)
	if err != nil {
		return nil, m, err
	}
	var out []*store.SubscriptionRow
	for _, sub := range all {
		a := arrears[sub.ID]
		if !sub.ActiveOn(day) || sub.Suspended || sub.DeprovisionedAt != nil || (a != nil && (a.Exempt || a.State != store.ArrearsNone)) {
			continue
		}
		out = append(out, sub)
	}
	return out, m, nil
}

// notice sends the notice of a coming suspension once per debt (keyed by
// the oldest due date of what is owed) and returns its step.
func (s *Service) notice(ctx context.Context, m *store.Member, o store.Owed, day date.Date, dryRun bool) (*store.CollectionStep, bool, error) {
	// A restore closes the episode: debt left over from it, grown again,
	// gets a new notice before a new suspension.
	episode := int64(0)
	if r, err := s.Store.LastStepOf(ctx, m.ID, store.StepResume); err == nil {
		episode = r.ID
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, false, err
	}
	key := fmt.Sprintf("notice:%d:%s:%d", m.ID, o.OldestDue, episode)
	st, err := s.Store.CollectionStepByKey(ctx, key)
	if err == nil {
		return st, false, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, false, err
	}
	if dryRun {
		return nil, true, nil
	}
	var msg *store.Message
	if m.Email != "" {
		l, lang := s.locale(m)
		on := day.AddDays(s.Cfg.Collections.NoticeDays)
		if first := o.OldestDue.AddDays(s.Cfg.Collections.SuspendAfterDays); first.After(on) {
			on = first
		}
		data := map[string]any{"Site": s.Site(ctx), "Member": mail.MemberOf(m), "Total": l.Money(o.AmountCents),
			"SuspendOn": l.Date(on), "Link": s.Cfg.AbsoluteURL("/invoices")}
		open, err := s.Store.OpenInvoices(ctx, m.ID)
		if err != nil {
			return nil, false, err
		}
		for k, v := range s.howToPay(ctx, m, open) {
			data[k] = v
		}
		id := m.ID
		if msg, err = s.Mail.Compose("arrears_notice", lang, m.Email, &id, data); err != nil {
			return nil, false, err
		}
	}
	st = &store.CollectionStep{MemberID: m.ID, Kind: store.StepNotice, Key: key, Day: day, AmountCents: o.AmountCents,
		Actor: "enforce-arrears", Details: fmt.Sprintf("%d invoices due since %s", o.Count, o.OldestDue)}
	err = s.Store.Tx(ctx, func(tx *store.Store) error {
		if msg != nil {
			if err := tx.QueueMessage(ctx, msg); err != nil {
				return err
			}
			st.OutboxID = &msg.ID
		}
		ok, err := tx.RecordCollectionStep(ctx, st)
		if err == nil && !ok {
			err = errAlreadySent
		}
		return err
	})
	if errors.Is(err, errAlreadySent) {
		st, err = s.Store.CollectionStepByKey(ctx, key)
		return st, false, err
	}
	return st, err == nil, err
}

// suspend marks a subscription suspended for arrears (committed first, as
// every subscription change), then runs its suspend hook and notes it.
func (s *Service) suspend(ctx context.Context, sub *store.SubscriptionRow, owed int64, day date.Date, res *EnforceResult) (bool, error) {
	var step *store.CollectionStep
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		ok, err := tx.MoveArrearsState(ctx, sub.ID, sub.MemberID, store.ArrearsNone, store.ArrearsSuspending, day, true)
		if err != nil || !ok {
			return err
		}
		if err := s.Subs.LDAPChangedTx(ctx, tx, sub.ID, sub.Backend); err != nil {
			return err
		}
		id := sub.ID
		step = &store.CollectionStep{MemberID: sub.MemberID, Kind: store.StepSuspend, Day: day, SubscriptionID: &id,
			Key: fmt.Sprintf("suspend:%d:%d", sub.ID, time.Now().UnixNano()), AmountCents: owed,
			Actor: "enforce-arrears", Details: sub.OfferName}
		_, err = tx.RecordCollectionStep(ctx, step)
		return err
	})
	if err != nil || step == nil {
		return false, err
	}
	if err := s.crash("suspended"); err != nil {
		return false, err
	}
	return true, s.finish(ctx, sub.ID, store.ArrearsSuspending, res)
}

// finish runs the hook of a subscription in a "…ing" state, then moves it
// to the state after.
func (s *Service) finish(ctx context.Context, subID int64, state string, res *EnforceResult) error {
	row, err := s.Store.SubscriptionByID(ctx, subID)
	if err != nil {
		return err
	}
	action, next := "suspend", store.ArrearsSuspended
	if state == store.ArrearsResuming {
		action, next = "resume", store.ArrearsNone
	}
	sub := row.Subscription
	run, err := s.Subs.RunAction(ctx, action, &sub)
	if err != nil {
		return fmt.Errorf("%s hook of subscription %d: %w", action, subID, err)
	}
	if run != nil && !run.OK() {
		res.Failed++
	}
	if err := s.crash("hook-ran"); err != nil {
		return err
	}
	return s.Store.Tx(ctx, func(tx *store.Store) error {
		if _, err := tx.MoveArrearsState(ctx, subID, row.MemberID, state, next, date.Date{}, false); err != nil {
			return err
		}
		if run == nil {
			return nil
		}
		st, err := tx.LastSubscriptionStep(ctx, subID, action)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return tx.SetStepHookRun(ctx, st.ID, run.ID)
	})
}

// finishPending runs the hooks an interrupted run did not run.
func (s *Service) finishPending(ctx context.Context, day date.Date, res *EnforceResult) error {
	pending, err := s.Store.PendingArrears(ctx)
	if err != nil {
		return err
	}
	for _, a := range pending {
		if err := s.finish(ctx, a.SubscriptionID, a.State, res); err != nil {
			return err
		}
		res.Finished++
	}
	return nil
}

// ResumeIfPaid restores the subscriptions of a member suspended for
// arrears when what they owe is back under the threshold (or the member
// or subscription is exempt, or suspension was turned off). It is what a
// recorded payment calls once its transaction commits. Cheap when the
// member has nothing suspended: one indexed read.
func (s *Service) ResumeIfPaid(ctx context.Context, memberID int64, day date.Date) ([]int64, error) {
	var res EnforceResult
	return s.resumeIfPaid(ctx, memberID, day, &res)
}

func (s *Service) resumeIfPaid(ctx context.Context, memberID int64, day date.Date, res *EnforceResult) ([]int64, error) {
	arrears, err := s.Store.ArrearsOfMember(ctx, memberID)
	if err != nil {
		return nil, err
	}
	var suspended []*store.SubscriptionArrears
	for _, a := range arrears {
		if a.State == store.ArrearsSuspended {
			suspended = append(suspended, a)
		}
	}
	if len(suspended) == 0 {
		return nil, nil
	}
	set, err := s.Store.CollectionSettingsOf(ctx, memberID)
	if err != nil {
		return nil, err
	}
	paid := set.Exempt || !s.Cfg.Collections.Suspends()
	var owed int64
	if !paid {
		if owed, err = s.Store.OwedBy(ctx, memberID, s.cutoff(day)); err != nil {
			return nil, err
		}
		paid = owed <= s.Cfg.Collections.ThresholdCents()
	}
	var out []int64
	for _, a := range suspended {
		if !paid && !a.Exempt {
			continue
		}
		moved := false
		err := s.Store.Tx(ctx, func(tx *store.Store) error {
			ok, err := tx.MoveArrearsState(ctx, a.SubscriptionID, memberID, store.ArrearsSuspended, store.ArrearsResuming, day, false)
			if err != nil || !ok {
				return err
			}
			moved = true
			row, err := tx.SubscriptionByID(ctx, a.SubscriptionID)
			if err != nil {
				return err
			}
			if err := s.Subs.LDAPChangedTx(ctx, tx, a.SubscriptionID, row.Backend); err != nil {
				return err
			}
			id := a.SubscriptionID
			_, err = tx.RecordCollectionStep(ctx, &store.CollectionStep{MemberID: memberID, Kind: store.StepResume,
				Day: day, SubscriptionID: &id, Key: fmt.Sprintf("resume:%d:%d", id, time.Now().UnixNano()),
				AmountCents: owed, Actor: "collections", Details: row.OfferName})
			return err
		})
		if err != nil {
			return out, err
		}
		if !moved {
			continue // another payment or run restored it
		}
		if err := s.finish(ctx, a.SubscriptionID, store.ArrearsResuming, res); err != nil {
			return out, err
		}
		out = append(out, a.SubscriptionID)
	}
	if len(out) > 0 {
		s.Log.Info("subscriptions restored after payment", "member", memberID, "subscriptions", out)
	}
	return out, nil
}

// Paid is billing's after-commit call for a payment or credit note of a
// member: it restores what the payment paid for, under a time limit of its
// own (the request or import that recorded the payment has committed and
// may be gone).
func (s *Service) Paid(memberID int64) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := s.ResumeIfPaid(ctx, memberID, s.today()); err != nil {
		s.Log.Error("restore after payment", "member", memberID, "err", err)
	}
}
