// Package digest writes the daily e-mail that tells each staff member what
// needs them: sign-ups to accept, failed provisioning hooks and list
// pushes, unmatched bank payments, overdue invoices. Each item links to
// the page where it is dealt with; a digest with nothing in it is not sent.
package digest

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"coin/config"
	"coin/date"
	"coin/i18n"
	"coin/mail"
	"coin/model"
	"coin/store"
)

// Service sends the digests.
type Service struct {
	Store   *store.Store
	Cfg     *config.Config
	Mail    *mail.Composer
	Catalog *i18n.Catalog
	Site    func(ctx context.Context) mail.Site
	Log     *slog.Logger
}

// Item is one line of a digest: what needs doing and where.
type Item struct {
	Text string
	Link string
}

// facts are what the digests of one day report, counted once for all.
type facts struct {
	signUps     int
	failedHooks map[int64]int
	hookOrder   []int64
	lists       []*store.MailingList
	unmatched   int
	overdue     store.InvoiceTotals
}

// topics says what each role is told about.
var topics = map[string][]string{
	model.RoleAdmin:     {"signups", "hooks", "lists"},
	model.RoleSupport:   {"signups", "hooks"},
	model.RoleTreasurer: {"payments", "overdue"},
}

// Send queues the digest of day to every staff member with something to
// do, once per member and day; dry counts them and queues nothing.
func (s *Service) Send(ctx context.Context, day date.Date, dry bool) (string, error) {
	f, err := s.gather(ctx, day)
	if err != nil {
		return "", err
	}
	staff, err := s.Store.StaffRecipients(ctx)
	if err != nil {
		return "", err
	}
	sent, already := 0, 0
	for _, m := range staff {
		lang := m.Language
		if lang == "" {
			lang = s.Cfg.Server.DefaultLanguage
		}
		items := s.items(f, m.Role, s.Catalog.Locale(lang, s.Cfg.Location(), s.Cfg.Billing.Currency))
		if len(items) == 0 {
			continue
		}
		if dry {
			sent++
			continue
		}
		queued, err := s.queue(ctx, m, lang, day, items)
		if err != nil {
			return summary(sent, already, dry), err
		}
		if queued {
			sent++
		} else {
			already++
		}
	}
	return summary(sent, already, dry), nil
}

func summary(sent, already int, dry bool) string {
	if dry {
		return fmt.Sprintf("%d staff digests would be sent (dry run)", sent)
	}
	out := fmt.Sprintf("%d staff digests queued", sent)
	if already > 0 {
		out += fmt.Sprintf(", %d already sent today", already)
	}
	return out
}

func (s *Service) gather(ctx context.Context, day date.Date) (facts, error) {
	var f facts
	var err error
	if f.signUps, err = s.Store.CountVerifiedSignUps(ctx); err != nil {
		return f, err
	}
	// The runs of the last day: the digest is daily.
	since := time.Now().Add(-24 * time.Hour)
	if f.failedHooks, f.hookOrder, err = s.Store.FailedHookSubscriptions(ctx, since, 10); err != nil {
		return f, err
	}
	if f.lists, err = s.Store.FailingLists(ctx); err != nil {
		return f, err
	}
	if _, f.unmatched, _, err = s.Store.ListPayments(ctx, store.PaymentFilter{Unmatched: true, Limit: 1}); err != nil {
		return f, err
	}
	if _, f.overdue, err = s.Store.ListInvoices(ctx, store.InvoiceFilter{Overdue: day, Limit: 1}); err != nil {
		return f, err
	}
	return f, nil
}

// items are the lines of a digest for a role, in the reader's language.
func (s *Service) items(f facts, role string, l *i18n.Locale) []Item {
	var out []Item
	link := s.Cfg.AbsoluteURL
	for _, topic := range topics[role] {
		switch topic {
		case "signups":
			if f.signUps > 0 {
				out = append(out, Item{l.Tf("digest.signups", map[string]any{"Count": f.signUps}), link("/admin/members?status=pending")})
			}
		case "hooks":
			for _, id := range f.hookOrder {
				out = append(out, Item{l.Tf("digest.hook_failed", map[string]any{"Count": f.failedHooks[id], "ID": id}),
					link(fmt.Sprintf("/admin/subscriptions/%d", id))})
			}
		case "lists":
			for _, ml := range f.lists {
				out = append(out, Item{l.Tf("digest.list_failing", map[string]any{"Name": ml.Name, "Error": oneLine(ml.LastSyncError)}),
					link(fmt.Sprintf("/admin/lists/%d", ml.ID))})
			}
		case "payments":
			if f.unmatched > 0 {
				out = append(out, Item{l.Tf("digest.unmatched", map[string]any{"Count": f.unmatched}), link("/admin/payments?unmatched=1")})
			}
		case "overdue":
			if f.overdue.Count > 0 {
				out = append(out, Item{l.Tf("digest.overdue", map[string]any{"Count": f.overdue.Count,
					"Amount": l.Money(f.overdue.TotalCents - f.overdue.PaidCents)}), link("/admin/invoices?overdue=1")})
			}
		}
	}
	return out
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len([]rune(s)) > 120 {
		s = string([]rune(s)[:120]) + "…"
	}
	return s
}

// queue claims member's digest of day and queues it, in one transaction;
// false when it was already sent.
func (s *Service) queue(ctx context.Context, m *store.Member, lang string, day date.Date, items []Item) (bool, error) {
	l := s.Catalog.Locale(lang, s.Cfg.Location(), s.Cfg.Billing.Currency)
	msg, err := s.Mail.Compose("staff_digest", lang, m.Email, &m.ID, map[string]any{
		"Site": s.Site(ctx), "Member": mail.MemberOf(m), "Items": items, "Count": len(items),
		"Day": l.Date(day), "Link": s.Cfg.AbsoluteURL("/admin/"),
	})
	if err != nil {
		return false, err
	}
	queued := false
	err = s.Store.Tx(ctx, func(tx *store.Store) error {
		ok, err := tx.ClaimStaffDigest(ctx, m.ID, day)
		if err != nil || !ok {
			return err
		}
		queued = true
		return tx.QueueMessage(ctx, msg)
	})
	if err != nil {
		return false, fmt.Errorf("queue digest of %s: %w", m.Login, err)
	}
	if queued {
		s.Log.Info("staff digest queued", "member", m.ID, "items", len(items))
	}
	return queued, nil
}
