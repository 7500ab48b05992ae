package handlers

import (
	"context"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"coin/snmppoll"
	"coin/views"
)

// graphWindow is how far back the item page's traffic graphs go.
const graphWindow = 24 * time.Hour

// itemSNMP loads the SNMP agent of an item and its recent traffic; d holds
// a form submitted with errors, to show again.
func (h *Handler) itemSNMP(ctx context.Context, itemID int64, d *views.SNMPData) (*views.SNMPData, error) {
	t, err := h.Store.SNMPTargetOf(ctx, itemID)
	if err != nil {
		return nil, err
	}
	if d == nil {
		d = &views.SNMPData{Form: snmppoll.FromTarget(t)}
	}
	d.Target = t
	if t != nil {
		d.To = time.Now()
		d.From = d.To.Add(-graphWindow)
		// Bounded: a day of 5-minute polls for a few dozen interfaces.
		samples, err := h.Store.SNMPSamples(ctx, itemID, d.From, 20000)
		if err != nil {
			return nil, err
		}
		d.Series = snmppoll.Traffic(samples)
	}
	return d, nil
}

func snmpFormFromRequest(c *fiber.Ctx) snmppoll.Form {
	return snmppoll.Form{Host: c.FormValue("host"), Port: c.FormValue("port"), Version: c.FormValue("version"),
		Community: c.FormValue("community"), V3User: c.FormValue("v3_user"), AuthProtocol: c.FormValue("auth_protocol"),
		AuthPassword: c.FormValue("auth_password"), PrivProtocol: c.FormValue("priv_protocol"),
		PrivPassword: c.FormValue("priv_password")}
}

func (h *Handler) itemSNMPSave(c *fiber.Ctx) error {
	it, err := h.itemFromParam(c)
	if err != nil {
		return err
	}
	f := snmpFormFromRequest(c)
	errs, err := h.SNMP.Save(c.UserContext(), it.ID, f)
	if err != nil {
		return err
	}
	if errs.Any() {
		// Secrets typed are not sent back.
		f.Community, f.AuthPassword, f.PrivPassword = "", "", ""
		return h.itemPage(c, fiber.StatusUnprocessableEntity, views.ItemData{Item: it, SNMP: &views.SNMPData{Form: f, Errs: errs}})
	}
	h.flash(c, "snmp.saved", false)
	return h.redirect(c, fmt.Sprintf("/admin/hardware/%d", it.ID))
}

func (h *Handler) itemSNMPPoll(c *fiber.Ctx) error {
	it, err := h.itemFromParam(c)
	if err != nil {
		return err
	}
	t, err := h.Store.SNMPTargetOf(c.UserContext(), it.ID)
	if err != nil {
		return err
	}
	if t == nil {
		return fiber.ErrNotFound
	}
	if h.SNMP.PollOne(c.UserContext(), t) {
		h.flash(c, "snmp.poll_up", false)
	} else {
		h.flash(c, "snmp.poll_down", true)
	}
	return h.redirect(c, fmt.Sprintf("/admin/hardware/%d", it.ID))
}

func (h *Handler) itemSNMPDelete(c *fiber.Ctx) error {
	it, err := h.itemFromParam(c)
	if err != nil {
		return err
	}
	if err := h.SNMP.Delete(c.UserContext(), it.ID); err != nil {
		return err
	}
	h.flash(c, "snmp.deleted", false)
	return h.redirect(c, fmt.Sprintf("/admin/hardware/%d", it.ID))
}
