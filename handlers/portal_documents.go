package handlers

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"coin/iban"
	"coin/member"
	"coin/model"
	"coin/store"
)

// portalDocuments sends the signed-in member every document coin keeps
// for them in one zip: their invoices and credit notes (the PDFs as
// issued), their SEPA mandates and everything else coin records about
// them (my data). Only their own, whoever asks.
func (h *Handler) portalDocuments(c *fiber.Ctx) error {
	ctx := c.UserContext()
	m := user(c)
	invs, _, err := h.Store.ListInvoices(ctx, store.InvoiceFilter{MemberID: m.ID, Status: model.InvoiceValidated})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	add := func(name string, modified time.Time, body []byte) error {
		w, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: modified})
		if err != nil {
			return fmt.Errorf("zip %s: %w", name, err)
		}
		_, err = w.Write(body)
		return err
	}
	for _, inv := range invs {
		if !inv.HasPDF {
			continue
		}
		// One PDF read at a time: a member's history stays small.
		pdf, err := h.Store.InvoicePDF(ctx, inv.ID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if err := add("invoices/"+fileName(inv.Number)+".pdf", inv.CreatedAt, pdf); err != nil {
			return err
		}
	}
	mandates, err := h.Store.MandatesOfMember(ctx, m.ID)
	if err != nil {
		return err
	}
	for _, d := range mandates {
		text := fmt.Sprintf("%s\n\n%s: %s\n%s: %s\n%s: %s\n%s: %s\n%s: %s\n%s: %s\n",
			h.tr(c, "selfservice.mandate_text_title"),
			h.tr(c, "selfservice.creditor"), h.Cfg.SEPA.CreditorName,
			h.tr(c, "selfservice.creditor_id"), h.Cfg.SEPA.CreditorID,
			h.tr(c, "selfservice.mandate_reference"), d.Reference,
			h.tr(c, "selfservice.debtor"), m.DisplayName(),
			h.tr(c, "selfservice.iban"), iban.Format(d.IBAN),
			h.tr(c, "selfservice.signed_on"), d.SignatureDate.String())
		if !d.Active {
			text += h.tr(c, "selfservice.mandate_revoked") + "\n"
		}
		if err := add("mandates/"+fileName(d.Reference)+".txt", d.CreatedAt, []byte(text)); err != nil {
			return err
		}
	}
	data, err := member.DataOf(ctx, h.Store, m, time.Now())
	if err != nil {
		return err
	}
	body, err := json.MarshalIndent(data, "", "  ")
	if err != nil {
		return err
	}
	if err := add(m.Login+"-data.json", time.Now(), body); err != nil {
		return err
	}
	if err := z.Close(); err != nil {
		return fmt.Errorf("zip documents of member %d: %w", m.ID, err)
	}
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+fileName(m.Login)+`-documents.zip"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// fileName keeps a name to what is safe in a zip entry or a header.
func fileName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, s)
}
