// Package selfservice writes what members ask from the portal: a
// subscription to an open offer (pending until staff approve or refuse
// it), and notices of resignation of a subscription or of the membership.
// Each change is one transaction, with the e-mail telling the member of a
// decision queued in it.
package selfservice

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"coin/backend"
	"coin/config"
	"coin/date"
	"coin/form"
	"coin/i18n"
	"coin/mail"
	"coin/overrides"
	"coin/store"
	"coin/subscription"
)

// Service carries what self-service needs.
type Service struct {
	Store *store.Store
	Cfg   *config.Config
	Subs  *subscription.Service
	Mail  *mail.Composer // nil: no e-mail
	// Catalog writes the dates of the e-mails in the member's language.
	Catalog *i18n.Catalog
	// Site is the ISP identity of the e-mails (.Site).
	Site func(ctx context.Context) mail.Site
	Log  *slog.Logger
}

// Errors of the requests.
var (
	// ErrNotYours is a request on someone else's record: the handler
	// answers it as not found.
	ErrNotYours = errors.New("not the member's own")
	// ErrDecided is a decision on a request already decided.
	ErrDecided = errors.New("request already decided")
)

func (s *Service) today() date.Date { return date.Today(s.Cfg.Location()) }

// AskSubscription records member m's request for offer offerID, which
// must be open to members, with no request for it already waiting.
func (s *Service) AskSubscription(ctx context.Context, m *store.Member, offerID int64, comments string) (form.Errors, error) {
	errs := form.Errors{}
	o, err := s.Store.OfferByID(ctx, offerID)
	if errors.Is(err, store.ErrNotFound) {
		errs.Add("offer_id", "err.choice_invalid")
		return errs, nil
	}
	if err != nil {
		return nil, err
	}
	if why := s.Subs.Subscribable(o); why != "" {
		errs.Add("offer_id", "selfservice.err.not_open")
		return errs, nil
	}
	comments = strings.TrimSpace(comments)
	if errs.MaxLen("comments", comments, 2000); errs.Any() {
		return errs, nil
	}
	err = s.Store.Tx(ctx, func(tx *store.Store) error {
		// Checked in the transaction: a double click asks once.
		waiting, err := tx.PendingRequestExists(ctx, m.ID, o.ID)
		if err != nil {
			return err
		}
		if waiting {
			errs.Add("offer_id", "selfservice.err.already_asked")
			return nil
		}
		r := &store.MemberRequest{MemberID: m.ID, Kind: store.RequestSubscribe, OfferID: &o.ID, Comments: comments,
			Status: store.RequestPending}
		if err := tx.CreateMemberRequest(ctx, r); err != nil {
			return err
		}
		tx.AfterCommit(func() { s.Log.Info("subscription requested", "member", m.ID, "offer", o.Reference, "request", r.ID) })
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("subscription request of member %d: %w", m.ID, err)
	}
	return errs, nil
}

// Approval is staff's answer to a subscription request: the subscription's
// start date and its configuration.
type Approval struct {
	StartDate string
	Comments  string
	Config    backend.Values
}

// Approve creates the requested subscription through the subscription
// domain, marks the request approved and tells the member, in one
// transaction. Form errors (the offer's configuration) write nothing.
func (s *Service) Approve(ctx context.Context, by *store.Member, id int64, a Approval) (form.Errors, error) {
	var errs form.Errors
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		r, m, err := s.pending(ctx, tx, id)
		if err != nil {
			return err
		}
		res, ferrs, err := s.Subs.CreateTx(ctx, tx, subscription.Form{MemberID: fmt.Sprint(r.MemberID),
			OfferID: fmt.Sprint(*r.OfferID), StartDate: a.StartDate, Comments: a.Comments, Config: a.Config})
		if ferrs.Any() {
			errs = ferrs
			return subscription.ErrRefused
		}
		if err != nil {
			return err
		}
		r.Status, r.SubscriptionID, r.DecidedBy = store.RequestApproved, &res.Subscription.ID, &by.ID
		if err := tx.DecideMemberRequest(ctx, r); err != nil {
			return err
		}
		start := res.Subscription.StartDate
		if err := s.queueMail(ctx, tx, "request_approved", m, map[string]any{"Offer": r.OfferName,
			"StartDate": start, "Link": s.Cfg.AbsoluteURL("/subscriptions")}); err != nil {
			return err
		}
		tx.AfterCommit(func() {
			s.Log.Info("subscription request approved", "request", id, "subscription", res.Subscription.ID, "by", by.ID)
		})
		return nil
	})
	switch {
	case errs.Any():
		return errs, nil
	case errors.Is(err, store.ErrConflict):
		return nil, ErrDecided
	case err != nil:
		return nil, fmt.Errorf("approve request %d: %w", id, err)
	}
	return nil, nil
}

// Refuse refuses a subscription request with a reason, told to the member.
func (s *Service) Refuse(ctx context.Context, by *store.Member, id int64, reason string) (form.Errors, error) {
	errs := form.Errors{}
	reason = strings.TrimSpace(reason)
	errs.Required("reason", reason)
	if errs.MaxLen("reason", reason, 2000); errs.Any() {
		return errs, nil
	}
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		r, m, err := s.pending(ctx, tx, id)
		if err != nil {
			return err
		}
		r.Status, r.Reason, r.DecidedBy = store.RequestRefused, reason, &by.ID
		if err := tx.DecideMemberRequest(ctx, r); err != nil {
			return err
		}
		if err := s.queueMail(ctx, tx, "request_refused", m, map[string]any{"Offer": r.OfferName,
			"Reason": reason, "Link": s.Cfg.AbsoluteURL("/requests")}); err != nil {
			return err
		}
		tx.AfterCommit(func() { s.Log.Info("subscription request refused", "request", id, "by", by.ID) })
		return nil
	})
	if errors.Is(err, store.ErrConflict) {
		return nil, ErrDecided
	}
	if err != nil {
		return nil, fmt.Errorf("refuse request %d: %w", id, err)
	}
	return nil, nil
}

// pending reads a subscription request still waiting and its member.
func (s *Service) pending(ctx context.Context, tx *store.Store, id int64) (*store.MemberRequest, *store.Member, error) {
	r, err := tx.MemberRequestByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if r.Kind != store.RequestSubscribe || r.OfferID == nil {
		return nil, nil, fmt.Errorf("request %d is a %s: %w", id, r.Kind, store.ErrNotFound)
	}
	if r.Status != store.RequestPending {
		return nil, nil, fmt.Errorf("request %d is %s: %w", id, r.Status, store.ErrConflict)
	}
	m, err := tx.MemberByID(ctx, r.MemberID)
	return r, m, err
}

// Resignation is a member's notice: of one subscription (SubscriptionID),
// or of the membership (0) which also ends every subscription still going
// on that day.
type Resignation struct {
	SubscriptionID int64
	EndDate        string
	Comments       string
}

// Resign records member m's notice of resignation and sets the resign date
// of the subscriptions it ends, in one transaction. The end date is today
// or later; a subscription that already ends earlier keeps its date (a
// member may bring an end forward, not put it off). The membership itself
// is ended by staff (status, fees) as the statutes say: the notice is
// recorded for them to see, with its date.
func (s *Service) Resign(ctx context.Context, m *store.Member, in Resignation) (form.Errors, error) {
	errs := form.Errors{}
	errs.Required("end_date", in.EndDate)
	day := errs.Date("end_date", in.EndDate)
	if errs.Get("end_date") == "" && day.Before(s.today()) {
		errs.Add("end_date", "selfservice.err.end_past")
	}
	comments := strings.TrimSpace(in.Comments)
	errs.MaxLen("comments", comments, 2000)
	if errs.Any() {
		return errs, nil
	}
	var ends []*store.SubscriptionRow
	if in.SubscriptionID != 0 {
		row, err := s.Store.MemberSubscription(ctx, m.ID, in.SubscriptionID)
		if errors.Is(err, store.ErrNotFound) {
			return nil, ErrNotYours
		}
		if err != nil {
			return nil, err
		}
		if !row.ResignDate.IsZero() && !row.ResignDate.After(day) {
			errs.Add("end_date", "selfservice.err.ends_earlier")
			return errs, nil
		}
		ends = append(ends, row)
	} else {
		rows, _, err := s.Store.ListSubscriptions(ctx, store.SubscriptionFilter{MemberID: m.ID})
		if err != nil {
			return nil, err
		}
		for _, row := range rows {
			if row.ResignDate.IsZero() || row.ResignDate.After(day) {
				ends = append(ends, row)
			}
		}
	}
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		r := &store.MemberRequest{MemberID: m.ID, Kind: store.RequestResign, EndDate: day, Comments: comments,
			Status: store.RequestRecorded}
		if in.SubscriptionID != 0 {
			r.SubscriptionID = &in.SubscriptionID
		}
		if err := tx.CreateMemberRequest(ctx, r); err != nil {
			return err
		}
		for _, row := range ends {
			if err := s.Subs.ResignTx(ctx, tx, row, day); err != nil {
				return fmt.Errorf("subscription %d: %w", row.ID, err)
			}
		}
		tx.AfterCommit(func() {
			s.Log.Info("notice of resignation", "member", m.ID, "subscription", in.SubscriptionID, "end", day.String(),
				"subscriptions_ended", len(ends))
		})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("notice of resignation of member %d: %w", m.ID, err)
	}
	return nil, nil
}

// queueMail queues e-mail kind to member m in tx, in their language.
func (s *Service) queueMail(ctx context.Context, tx *store.Store, kind string, m *store.Member, data map[string]any) error {
	if s.Mail == nil || m.Email == "" || !overrides.Exists("email/"+kind, "en", "txt") {
		return nil
	}
	data["Member"] = mail.MemberOf(m)
	if s.Site != nil {
		data["Site"] = s.Site(ctx)
	}
	lang := m.Language
	if lang == "" {
		lang = s.Cfg.Server.DefaultLanguage
	}
	if s.Catalog != nil {
		loc := s.Catalog.Locale(lang, s.Cfg.Location(), s.Cfg.Billing.Currency)
		for k, v := range data {
			if d, ok := v.(date.Date); ok {
				data[k] = loc.Date(d)
			}
		}
	}
	msg, err := s.Mail.Compose(kind, lang, m.Email, &m.ID, data)
	if err != nil {
		return err
	}
	return tx.QueueMessage(ctx, msg)
}
