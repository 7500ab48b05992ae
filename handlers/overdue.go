package handlers

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coin/csvsafe"
	"coin/date"
	"coin/money"
	"coin/store"
	"coin/views"
)

const overduePerPage = 100

// overdueFilter reads the overdue page's filters; unknown values are dropped.
func (h *Handler) overdueFilter(c *fiber.Ctx) (store.OverdueFilter, url.Values) {
	q := url.Values{}
	f := store.OverdueFilter{Day: date.Today(h.Cfg.Location()), Search: strings.TrimSpace(c.Query("q"))}
	if f.Search != "" {
		q.Set("q", f.Search)
	}
	if v := strings.TrimSpace(c.Query("min")); v != "" {
		if n, err := money.Parse(strings.ReplaceAll(v, ",", ".")); err == nil && n > 0 {
			f.MinCents = n
			q.Set("min", v)
		}
	}
	switch s := c.Query("state"); s {
	case "suspended", "no_remind", "exempt":
		f.State = s
		q.Set("state", s)
	}
	return f, q
}

func (h *Handler) overdueList(c *fiber.Ctx) error {
	f, q := h.overdueFilter(c)
	page := pageParam(c)
	f.Limit, f.Offset = overduePerPage, pageOffset(page, overduePerPage)
	rows, total, err := h.Store.OverdueMembers(c.UserContext(), f)
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "collections.overdue"), views.Overdue(views.OverdueData{
		Rows: rows, Total: total, Query: q, Page: page, PerPage: overduePerPage, Days: h.Cfg.Collections.Days()}))
}

// overdueCSV exports the filtered rows (every page).
func (h *Handler) overdueCSV(c *fiber.Ctx) error {
	f, _ := h.overdueFilter(c)
	f.Limit = 100000
	rows, _, err := h.Store.OverdueMembers(c.UserContext(), f)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="overdue.csv"`)
	w := csvsafe.NewWriter(c.Response().BodyWriter())
	w.Write([]string{"member_login", "member_name", "email", "owed", "invoices", "oldest_due_date",
		"reminders_sent", "last_reminder", "suspended_subscriptions", "do_not_remind", "exempt", "currency"})
	for _, r := range rows {
		w.Write([]string{r.Login, r.Name, r.Email, money.Plain(r.AmountCents), strconv.Itoa(r.Count),
			r.OldestDue.String(), strconv.Itoa(r.RemindersSent), r.LastReminder.String(), strconv.Itoa(r.Suspended),
			strconv.FormatBool(r.NoRemind), strconv.FormatBool(r.Exempt), h.Cfg.Billing.Currency})
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("overdue csv: %w", err)
	}
	return nil
}

// overdueRemind sends the chosen members a reminder now (once a day each).
func (h *Handler) overdueRemind(c *fiber.Ctx) error {
	for _, v := range c.Request().PostArgs().PeekMulti("member_id") {
		id, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			continue
		}
		if _, err := h.Collect.RemindNow(c.UserContext(), id, user(c).Login); err != nil {
			return err
		}
	}
	h.flash(c, "collections.reminded", false)
	return h.redirect(c, "/admin/overdue")
}

// memberCollectionsSave saves "do not remind" and "exempt" with their reasons.
func (h *Handler) memberCollectionsSave(c *fiber.Ctx) error {
	m, err := h.memberFromParam(c)
	if err != nil {
		return err
	}
	set := &store.CollectionSettings{MemberID: m.ID, NoRemind: c.FormValue("no_remind") != "",
		NoRemindReason: c.FormValue("no_remind_reason"), Exempt: c.FormValue("exempt") != "",
		ExemptReason: c.FormValue("exempt_reason")}
	if err := h.Collect.Settings(c.UserContext(), set, user(c).Login); err != nil {
		return err
	}
	h.flash(c, "collections.saved", false)
	return h.redirect(c, "/admin/members/"+strconv.FormatInt(m.ID, 10)+"#collections")
}

// subscriptionArrearsExempt exempts (or no longer) a subscription from suspension.
func (h *Handler) subscriptionArrearsExempt(c *fiber.Ctx) error {
	row, err := h.subscriptionFromParam(c)
	if err != nil {
		return err
	}
	if err := h.Collect.ExemptSubscription(c.UserContext(), row, c.Query("exempt") == "1", user(c).Login); err != nil {
		return err
	}
	h.flash(c, "collections.saved", false)
	return h.redirect(c, "/admin/members/"+strconv.FormatInt(row.MemberID, 10)+"#collections")
}

// memberCollections reads the collections section of a member page.
func (h *Handler) memberCollections(c *fiber.Ctx, m *store.Member, subs []*store.SubscriptionRow) (*views.MemberCollectionsData, error) {
	ctx := c.UserContext()
	d := &views.MemberCollectionsData{MemberID: m.ID, Subs: subs, Suspended: map[int64]bool{}, Exempt: map[int64]bool{}}
	var err error
	if d.Settings, err = h.Store.CollectionSettingsOf(ctx, m.ID); err != nil {
		return nil, err
	}
	if d.Steps, err = h.Store.CollectionStepsOf(ctx, m.ID, 50); err != nil {
		return nil, err
	}
	arrears, err := h.Store.ArrearsOfMember(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	for id, a := range arrears {
		d.Suspended[id] = a.State == store.ArrearsSuspending || a.State == store.ArrearsSuspended
		d.Exempt[id] = a.Exempt
	}
	return d, nil
}
