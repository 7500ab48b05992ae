package handlers

import (
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coin/audit"
	"coin/date"
	"coin/form"
	"coin/model"
	"coin/store"
	"coin/views"
)

// membersEmailFilter reads the export filters of the query string. Without
// any, it gives the members' addresses (status member), as the command does.
func (h *Handler) membersEmailFilter(c *fiber.Ctx) (store.MemberEmailFilter, views.MembersEmailData, form.Errors) {
	d := views.MembersEmailData{Status: c.Query("status", model.StatusMember), Fee: c.Query("fee"),
		Offer: strings.TrimSpace(c.Query("offer")), ActiveSubscription: c.Query("active_subscription") == "1",
		List: strings.TrimSpace(c.Query("list"))}
	f := store.MemberEmailFilter{Status: d.Status, Fee: d.Fee, Offer: d.Offer,
		ActiveSubscription: d.ActiveSubscription, List: d.List, Today: date.Today(h.Cfg.Location())}
	errs := form.Errors{}
	if d.Status == "all" {
		f.Status = ""
	}
	errs.OneOf("status", d.Status, "all", model.StatusMember, model.StatusPending, model.StatusNotMember)
	errs.OneOf("fee", d.Fee, "", model.EmailFeeUpToDate, model.EmailFeeExpired)
	if !h.Cfg.Maillists.Enabled {
		f.List, d.List = "", ""
	}
	q := url.Values{}
	for k, v := range map[string]string{"status": d.Status, "fee": d.Fee, "offer": d.Offer, "list": d.List} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if d.ActiveSubscription {
		q.Set("active_subscription", "1")
	}
	d.Query = q.Encode()
	return f, d, errs
}

// memberEmails runs the export and turns what the filters cannot do into
// form errors.
func (h *Handler) memberEmails(c *fiber.Ctx, f store.MemberEmailFilter, errs form.Errors) ([]string, error) {
	if errs.Any() {
		return nil, nil
	}
	addrs, err := h.Store.MemberEmails(c.UserContext(), f)
	if errors.Is(err, store.ErrNotFound) {
		errs.Add("list", "emails.no_such_list")
		return nil, nil
	}
	return addrs, err
}

func (h *Handler) membersEmail(c *fiber.Ctx) error {
	f, d, errs := h.membersEmailFilter(c)
	addrs, err := h.memberEmails(c, f, errs)
	if err != nil {
		return err
	}
	d.Addresses, d.Errs = addrs, errs
	if h.Cfg.Maillists.Enabled {
		if d.Lists, err = h.Store.MailingLists(c.UserContext()); err != nil {
			return err
		}
		if d.Lists == nil {
			d.Lists = []*store.MailingList{}
		}
	}
	status := fiber.StatusOK
	if errs.Any() {
		status = fiber.StatusUnprocessableEntity
	}
	return h.page(c, status, h.tr(c, "emails.title"), views.MembersEmail(d))
}

// membersEmailDownload sends the addresses as a text file, one a line.
func (h *Handler) membersEmailDownload(c *fiber.Ctx) error {
	f, _, errs := h.membersEmailFilter(c)
	addrs, err := h.memberEmails(c, f, errs)
	if err != nil {
		return err
	}
	if errs.Any() {
		return fiber.ErrBadRequest
	}
	if err := audit.Export(c.UserContext(), h.Store, "export.members_email", "", nil,
		store.Change{Field: "count", New: strconv.Itoa(len(addrs))}); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="members-email.txt"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	var b strings.Builder
	for _, a := range addrs {
		b.WriteString(a)
		b.WriteByte('\n')
	}
	return c.SendString(b.String())
}
