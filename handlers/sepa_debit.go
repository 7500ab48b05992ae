package handlers

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"coin/audit"
	"coin/date"
	"coin/iban"
	"coin/sepa"
	"coin/store"
	"coin/views"
)

func (h *Handler) sepaData(c *fiber.Ctx) (views.SEPAData, error) {
	ctx := c.UserContext()
	d := views.SEPAData{Enabled: h.Cfg.SEPA.Enabled(), CreditorID: h.Cfg.SEPA.CreditorID, LeadDays: h.Cfg.SEPA.LeadDays,
		CreditorIBAN: iban.Format(h.Cfg.SEPA.CreditorIBAN), Day: date.Today(h.Cfg.Location()).String()}
	var err error
	if d.Mandates, err = h.Store.ListMandates(ctx); err != nil {
		return d, err
	}
	if d.Files, err = h.Store.SEPAFiles(ctx, sepaFilesShown); err != nil {
		return d, err
	}
	if d.Enabled {
		d.Pending, err = h.Store.DebitCandidates(ctx)
	}
	return d, err
}

// sepaFilesShown is how many of the latest stored files the page lists.
const sepaFilesShown = 50

// sepaPage shows the mandates and what the next direct debit file collects.
func (h *Handler) sepaPage(c *fiber.Ctx) error {
	d, err := h.sepaData(c)
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "sepa.title"), views.SEPAPage(d))
}

// sepaDebit writes the pain.008 file and sends it as a download.
func (h *Handler) sepaDebit(c *fiber.Ctx) error {
	day, err := date.Parse(c.FormValue("date"))
	if err != nil || day.IsZero() {
		day = date.Today(h.Cfg.Location())
	}
	dry := c.FormValue("dry_run") == "1"
	f, err := h.SEPA.Collect(c.UserContext(), day, time.Now(), sepa.MakerOf(user(c)), dry)
	if errors.Is(err, sepa.ErrDisabled) || errors.Is(err, sepa.ErrNothing) {
		d, derr := h.sepaData(c)
		if derr != nil {
			return derr
		}
		d.Error = "sepa.err.nothing"
		if errors.Is(err, sepa.ErrDisabled) {
			d.Error = "sepa.disabled"
		}
		return h.page(c, fiber.StatusUnprocessableEntity, h.tr(c, "sepa.title"), views.SEPAPage(d))
	}
	if err != nil {
		return err
	}
	var fileID *int64
	if f.ID != 0 {
		fileID = &f.ID
	}
	if err := audit.Export(c.UserContext(), h.Store, "export.sepa", "sepa_file", fileID, store.Change{Field: "message", New: f.MessageID},
		store.Change{Field: "count", New: strconv.Itoa(f.Count)}, store.Change{Field: "dry_run", New: strconv.FormatBool(dry)}); err != nil {
		return err
	}
	h.Log.Info("sepa direct debit file downloaded", "message", f.MessageID, "file", f.ID, "count", f.Count, "dry_run", dry, "by", user(c).ID)
	return sendPain008(c, f.MessageID, f.XML)
}

// sepaFileDownload sends a stored direct debit file again, byte for byte.
func (h *Handler) sepaFileDownload(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	f, err := h.Store.SEPAFileByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	if err := audit.Export(c.UserContext(), h.Store, "export.sepa", "sepa_file", &f.ID, store.Change{Field: "message", New: f.MessageID}); err != nil {
		return err
	}
	h.Log.Info("stored sepa direct debit file downloaded again", "message", f.MessageID, "file", f.ID, "by", user(c).ID)
	return sendPain008(c, f.MessageID, f.XML)
}

func sendPain008(c *fiber.Ctx, messageID string, xml []byte) error {
	c.Set(fiber.HeaderContentType, "application/xml; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s.xml"`, messageID))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(xml)
}
