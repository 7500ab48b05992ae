// Package billing charges subscriptions, numbers and freezes invoices,
// records payments and credit notes, and keeps the accounting log.
//
// Accounting rules held here: a validated document never changes (the
// database refuses it too); numbers follow each other without gaps and in
// date order, taken in the transaction that validates; no day of a
// subscription is ever charged twice (DuePeriods skips the days of charged
// periods, read under the charging lock); every multi-row change
// is one transaction and every operation is appended to the accounting log.
package billing

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"coin/config"
	"coin/date"
	"coin/i18n"
	"coin/iban"
	"coin/invoicepdf"
	"coin/ispdb"
	"coin/ledger"
	"coin/mail"
	"coin/model"
	"coin/numbering"
	"coin/overrides"
	"coin/store"
)

// Service carries what billing needs.
type Service struct {
	Store     *store.Store
	Cfg       *config.Config
	Catalog   *i18n.Catalog
	Templates *overrides.Registry
	// Identity returns the ISP record's identity, printed on invoices and
	// given to the footer template as .Site.
	Identity func(ctx context.Context) ispdb.Identity
	// Logo returns the ISP's logo for PDFs (PNG or JPEG) and its fpdf
	// type ("PNG", "JPG"); nil when there is none.
	Logo func(ctx context.Context) ([]byte, string)
	// Mail, when set, queues "new invoice" and "payment received" e-mails.
	Mail *mail.Composer
	Log  *slog.Logger
	// Paid, when set, is called once a transaction that recorded a payment
	// or a credit note for a member commits: collections restores the
	// services suspended for arrears when the debt is back under the
	// threshold. Every payment (by hand, bank import, direct debit, API,
	// card) goes through RecordPaymentTx, so this is the one place.
	Paid func(memberID int64)
}

// ErrNothingToValidate is returned for a draft without lines.
var ErrNothingToValidate = errors.New("an invoice needs at least one line")

func (s *Service) locale(lang string) *i18n.Locale {
	if lang == "" {
		lang = s.Cfg.Server.DefaultLanguage
	}
	return s.Catalog.Locale(lang, s.Cfg.Location(), s.Cfg.Billing.Currency)
}

func memberLang(m *store.Member, def string) string {
	if m.Language != "" {
		return m.Language
	}
	return def
}

func ptr(id int64) *int64 { return &id }

// taxOf computes the tax of an amount at a rate in basis points, rounded
// half away from zero.
func taxOf(amount int64, bp int) int64 {
	if bp == 0 {
		return 0
	}
	t := amount * int64(bp)
	if t >= 0 {
		return (t + 5000) / 10000
	}
	return -((-t + 5000) / 10000)
}

// LineInput is a line typed by staff on a one-off invoice.
type LineInput struct {
	Label          string
	Quantity       int64
	UnitPriceCents int64
	TaxRateBP      int
}

// Bounds of a line typed by staff: the amount (at most 10^13 cents) times
// a tax rate (at most 10^4 basis points) stays far within int64.
const (
	MaxUnitPriceCents = 100_000_000 // 1 000 000.00, either sign
	MaxQuantity       = 100_000
)

// ErrLineOutOfRange is returned for a line whose quantity, unit price or
// tax rate is out of bounds.
var ErrLineOutOfRange = errors.New("a line's quantity, unit price or tax rate is out of range")

// ErrTotalNotPositive is returned for an invoice whose total is zero or
// less (lines may be negative, a discount, if the total stays positive).
var ErrTotalNotPositive = errors.New("the invoice's total must be more than zero")

// CheckLines checks the lines of a one-off invoice: each within bounds, and
// a total (tax included) above zero.
func CheckLines(lines []LineInput) error {
	var total int64
	for i, l := range lines {
		if l.Quantity < 1 || l.Quantity > MaxQuantity || l.UnitPriceCents < -MaxUnitPriceCents ||
			l.UnitPriceCents > MaxUnitPriceCents || l.TaxRateBP < 0 || l.TaxRateBP > 10000 {
			return fmt.Errorf("line %d: %w", i+1, ErrLineOutOfRange)
		}
		ln := lineFrom(l)
		total += ln.AmountCents + ln.TaxCents
	}
	if total <= 0 {
		return ErrTotalNotPositive
	}
	return nil
}

// lineFrom computes the amounts of a line.
func lineFrom(in LineInput) *store.InvoiceLine {
	amount := in.Quantity * in.UnitPriceCents
	return &store.InvoiceLine{Label: in.Label, Quantity: in.Quantity, UnitPriceCents: in.UnitPriceCents,
		TaxRateBP: in.TaxRateBP, AmountCents: amount, TaxCents: taxOf(amount, in.TaxRateBP)}
}

// CreateDraft records a one-off invoice (hardware sold, a correction…) as
// a draft that staff can review before validating it.
func (s *Service) CreateDraft(ctx context.Context, memberID int64, lines []LineInput, actor string) (*store.Invoice, error) {
	if err := CheckLines(lines); err != nil {
		return nil, fmt.Errorf("create draft invoice for member %d: %w", memberID, err)
	}
	m, err := s.Store.MemberByID(ctx, memberID)
	if err != nil {
		return nil, err
	}
	inv := &store.Invoice{Kind: model.KindInvoice, MemberID: m.ID, Language: memberLang(m, s.Cfg.Server.DefaultLanguage)}
	ls := make([]*store.InvoiceLine, len(lines))
	for i, l := range lines {
		ls[i] = lineFrom(l)
	}
	err = s.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.CreateDraftInvoice(ctx, inv, ls); err != nil {
			return err
		}
		if err := audit(ctx, tx, "invoice.created", "invoice", inv.ID, m.ID, amountChange(inv.TotalCents)); err != nil {
			return err
		}
		return tx.AppendLog(ctx, &store.LogEntry{Operation: "invoice.created", MemberID: ptr(m.ID),
			InvoiceID: ptr(inv.ID), AmountCents: inv.TotalCents, Actor: actor, Details: "draft"})
	})
	if err != nil {
		return nil, fmt.Errorf("create draft invoice for member %d: %w", memberID, err)
	}
	return inv, nil
}

// IssueTx creates and validates, dated day in the caller's transaction, a
// one-off invoice that needs no review (a fee passed on to the member).
func (s *Service) IssueTx(ctx context.Context, tx *store.Store, m *store.Member, lines []LineInput, day date.Date, actor string) (*store.Invoice, error) {
	if err := CheckLines(lines); err != nil {
		return nil, err
	}
	inv := &store.Invoice{Kind: model.KindInvoice, MemberID: m.ID, Language: memberLang(m, s.Cfg.Server.DefaultLanguage)}
	ls := make([]*store.InvoiceLine, len(lines))
	for i, l := range lines {
		ls[i] = lineFrom(l)
	}
	if err := tx.CreateDraftInvoice(ctx, inv, ls); err != nil {
		return nil, err
	}
	if err := tx.AppendLog(ctx, &store.LogEntry{Operation: "invoice.created", MemberID: ptr(m.ID),
		InvoiceID: ptr(inv.ID), AmountCents: inv.TotalCents, Actor: actor, Details: "draft"}); err != nil {
		return nil, err
	}
	numbers, err := s.reserve(ctx, tx, inv.Kind, day, 1)
	if err != nil {
		return nil, err
	}
	if err := s.validate(ctx, tx, inv, ls, m, numbers[0], day, actor); err != nil {
		return nil, err
	}
	return inv, audit(ctx, tx, "invoice.validated", "invoice", inv.ID, m.ID,
		store.Change{Field: "number", New: inv.Number}, amountChange(inv.TotalCents))
}

// DeleteDraft deletes a draft invoice with its accounting log entry (the
// draft's total negated), in one transaction. A validated invoice, or one
// that does not exist, is store.ErrNotFound: validated documents are only
// ever corrected by credit notes.
func (s *Service) DeleteDraft(ctx context.Context, id int64, actor string) error {
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		inv, err := tx.InvoiceByID(ctx, id)
		if err != nil {
			return err
		}
		if inv.Status != model.InvoiceDraft {
			return fmt.Errorf("invoice %d is validated: %w", id, store.ErrNotFound)
		}
		if err := tx.DeleteDraftInvoice(ctx, id); err != nil {
			return err
		}
		if err := audit(ctx, tx, "invoice.deleted", "invoice", inv.ID, inv.MemberID, amountChange(inv.TotalCents)); err != nil {
			return err
		}
		return tx.AppendLog(ctx, &store.LogEntry{Operation: "invoice.deleted", MemberID: ptr(inv.MemberID),
			InvoiceID: ptr(inv.ID), AmountCents: -inv.TotalCents, Actor: actor, Details: "draft"})
	})
	if err != nil {
		return fmt.Errorf("delete draft invoice %d: %w", id, err)
	}
	return nil
}

// UpdateDraft replaces the lines of a draft.
func (s *Service) UpdateDraft(ctx context.Context, id int64, lines []LineInput) error {
	if err := CheckLines(lines); err != nil {
		return fmt.Errorf("update draft invoice %d: %w", id, err)
	}
	ls := make([]*store.InvoiceLine, len(lines))
	for i, l := range lines {
		ls[i] = lineFrom(l)
	}
	return s.Store.Tx(ctx, func(tx *store.Store) error {
		inv, err := tx.InvoiceByID(ctx, id)
		if err != nil {
			return err
		}
		if inv.Status != model.InvoiceDraft {
			return fmt.Errorf("invoice %d is validated: %w", id, store.ErrConflict)
		}
		return tx.ReplaceInvoiceLines(ctx, inv, ls)
	})
}

// numberPattern returns the pattern and sequence name of a kind.
func (s *Service) numberPattern(kind string) string {
	if kind == model.KindCreditNote {
		return s.Cfg.Billing.CreditNoteNumberFormat
	}
	return s.Cfg.Billing.InvoiceNumberFormat
}

// reserve takes n numbers for documents of kind issued on day.
func (s *Service) reserve(ctx context.Context, tx *store.Store, kind string, day date.Date, n int) ([]string, error) {
	pattern := s.numberPattern(kind)
	year := numbering.SequenceYear(pattern, day.Year())
	first, err := tx.ReserveNumbers(ctx, kind, year, day, n)
	if err != nil {
		return nil, err
	}
	out := make([]string, n)
	for i := range out {
		out[i] = numbering.Format(pattern, day.Year(), first+i)
	}
	return out, nil
}

// Books is the ledger the service writes its entries to.
func (s *Service) Books() *ledger.Books { return ledger.New(s.Cfg, s.Catalog) }

// ValidateDraft numbers a draft, dates it day, renders and stores its PDF
// and freezes it, in one transaction.
func (s *Service) ValidateDraft(ctx context.Context, id int64, day date.Date, actor string) (*store.Invoice, error) {
	var inv *store.Invoice
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		var err error
		if inv, err = tx.InvoiceByID(ctx, id); err != nil {
			return err
		}
		if inv.Status != model.InvoiceDraft {
			return fmt.Errorf("invoice %d is already validated: %w", id, store.ErrConflict)
		}
		lines, err := tx.InvoiceLines(ctx, id)
		if err != nil {
			return err
		}
		if len(lines) == 0 {
			return ErrNothingToValidate
		}
		if inv.TotalCents <= 0 {
			return ErrTotalNotPositive
		}
		m, err := tx.MemberByID(ctx, inv.MemberID)
		if err != nil {
			return err
		}
		numbers, err := s.reserve(ctx, tx, inv.Kind, day, 1)
		if err != nil {
			return err
		}
		if err := s.validate(ctx, tx, inv, lines, m, numbers[0], day, actor); err != nil {
			return err
		}
		return audit(ctx, tx, "invoice.validated", "invoice", inv.ID, m.ID,
			store.Change{Field: "number", New: inv.Number}, amountChange(inv.TotalCents))
	})
	if err != nil {
		return nil, fmt.Errorf("validate invoice %d: %w", id, err)
	}
	return inv, nil
}

// validate freezes a draft whose number was reserved: dates, PDF, log,
// credit applied (handle_balance) and the e-mail to the member.
func (s *Service) validate(ctx context.Context, tx *store.Store, inv *store.Invoice,
	lines []*store.InvoiceLine, m *store.Member, number string, day date.Date, actor string) error {
	inv.Number, inv.IssueDate = number, day
	if inv.Kind == model.KindInvoice {
		inv.DueDate = day.AddDays(s.Cfg.Billing.PaymentDelay)
	}
	md, err := s.activeMandate(ctx, tx, inv, m.ID)
	if err != nil {
		return err
	}
	pdf, err := s.renderPDF(ctx, tx, inv, lines, m, md)
	if err != nil {
		return err
	}
	if err := tx.ValidateInvoice(ctx, inv, pdf); err != nil {
		return err
	}
	if err := s.Books().Invoice(ctx, tx, inv, m); err != nil {
		return err
	}
	op := "invoice.validated"
	if inv.Kind == model.KindCreditNote {
		op = "credit_note.validated"
	}
	if err := tx.AppendLog(ctx, &store.LogEntry{Operation: op, MemberID: ptr(m.ID), InvoiceID: ptr(inv.ID),
		AmountCents: inv.TotalCents, Actor: actor, Details: inv.Number}); err != nil {
		return err
	}
	if inv.Kind == model.KindInvoice {
		if s.Cfg.Billing.HandleBalance {
			if err := s.applyCredit(ctx, tx, m.ID, actor); err != nil {
				return err
			}
		}
		return s.queueMail(ctx, tx, "invoice_new", m, map[string]any{"Invoice": mailInvoice(inv, s.locale(inv.Language), s.Cfg),
			"Debit": s.mailDebit(md, nil, s.locale(memberLang(m, s.Cfg.Server.DefaultLanguage)))})
	}
	return nil
}

// renderPDF builds and draws the document of an invoice.
func (s *Service) renderPDF(ctx context.Context, tx *store.Store, inv *store.Invoice, lines []*store.InvoiceLine, m *store.Member, md *store.Mandate) ([]byte, error) {
	doc, err := s.document(ctx, tx, inv, lines, m, md, s.issuer(ctx))
	if err != nil {
		return nil, err
	}
	return invoicepdf.Render(doc)
}

// issuer is the ISP as printed on invoices.
func (s *Service) issuer(ctx context.Context) issuer {
	var id ispdb.Identity
	if s.Identity != nil {
		id = s.Identity(ctx)
	}
	// The record's mentions serve the website too: the invoice, and its
	// footer template, get them without the publication director.
	id.LegalMentions = id.InvoiceMentions()
	is := invoicepdf.Issuer{Name: id.Name, AddressLines: id.AddressLines, Email: id.Email, Phone: id.Phone,
		Website: id.Website, IBAN: id.IBANFormatted(), BIC: id.BIC, LegalMentions: id.LegalMentions}
	if s.Logo != nil {
		is.Logo, is.LogoType = s.Logo(ctx)
	}
	return issuer{pdf: is, identity: id}
}

// issuer pairs what the PDF prints with what the footer template reads.
type issuer struct {
	pdf      invoicepdf.Issuer
	identity ispdb.Identity
}

// Document gathers what a validated invoice prints, as its validation did
// but with today's ISP record and templates: for checks that draw it again
// and compare (the stored PDF is the document of record).
func (s *Service) Document(ctx context.Context, inv *store.Invoice) (*invoicepdf.Document, error) {
	lines, err := s.Store.InvoiceLines(ctx, inv.ID)
	if err != nil {
		return nil, err
	}
	m, err := s.Store.MemberByID(ctx, inv.MemberID)
	if err != nil {
		return nil, err
	}
	md, err := s.activeMandate(ctx, s.Store, inv, m.ID)
	if err != nil {
		return nil, err
	}
	return s.document(ctx, s.Store, inv, lines, m, md, s.issuer(ctx))
}

// activeMandate is the member's active SEPA mandate when direct debit is
// on and the document is an invoice: it will be collected, not paid by
// transfer. Nil otherwise, and for an invoice whose collection came back
// (no file collects it again: it is to be paid by other means).
func (s *Service) activeMandate(ctx context.Context, tx *store.Store, inv *store.Invoice, memberID int64) (*store.Mandate, error) {
	if inv.Kind != model.KindInvoice || !s.Cfg.SEPA.Enabled() {
		return nil, nil
	}
	ms, err := tx.ActiveMandates(ctx, []int64{memberID})
	if err != nil || ms[memberID] == nil || inv.ID == 0 {
		return ms[memberID], err
	}
	returned, err := tx.ReturnedInvoices(ctx, []int64{inv.ID})
	if err != nil || returned[inv.ID] {
		return nil, err
	}
	return ms[memberID], nil
}

// pdfDebit is what the PDF prints of the collection by md (nil: none).
func (s *Service) pdfDebit(md *store.Mandate) *invoicepdf.Debit {
	if md == nil {
		return nil
	}
	return &invoicepdf.Debit{IBAN: iban.Mask(md.IBAN), Mandate: md.Reference, CreditorID: s.Cfg.SEPA.CreditorID}
}

// mailDebit is what e-mail templates know of the collection of an invoice
// by md (.Debit.IBAN masked, .Mandate, .CreditorID, .Creditor, .Date empty
// while no file asked for it); nil without a mandate.
func (s *Service) mailDebit(md *store.Mandate, last *store.InvoiceDebit, loc *i18n.Locale) map[string]any {
	if md == nil {
		return nil
	}
	out := map[string]any{"IBAN": iban.Mask(md.IBAN), "Mandate": md.Reference, "CreditorID": s.Cfg.SEPA.CreditorID,
		"Creditor": s.Cfg.SEPA.CreditorName, "Date": ""}
	if last != nil {
		out["Date"] = loc.Date(last.CollectionDate)
	}
	return out
}

// document gathers what an invoice prints.
func (s *Service) document(ctx context.Context, tx *store.Store, inv *store.Invoice, lines []*store.InvoiceLine, m *store.Member, md *store.Mandate, is issuer) (*invoicepdf.Document, error) {
	lang := inv.Language
	if lang == "" {
		lang = memberLang(m, s.Cfg.Server.DefaultLanguage)
	}
	loc := s.locale(lang)
	d := &invoicepdf.Document{CreditNote: inv.Kind == model.KindCreditNote, Number: inv.Number,
		IssueDate: inv.IssueDate, DueDate: inv.DueDate, CustomerName: m.DisplayName(),
		CustomerLines: customerLines(m), CustomerRef: m.Login, TotalExclCents: inv.TotalExclCents,
		TaxCents: inv.TaxCents, TotalCents: inv.TotalCents, VATMention: s.Cfg.Billing.VATMention,
		PaymentReference: inv.Number, Locale: loc, Issuer: is.pdf, Debit: s.pdfDebit(md)}
	if inv.CreditedInvoiceID != nil {
		orig, err := tx.InvoiceByID(ctx, *inv.CreditedInvoiceID)
		if err != nil {
			return nil, err
		}
		d.CreditedNumber = orig.Number
	}
	for _, l := range lines {
		d.Lines = append(d.Lines, invoicepdf.Line{Label: l.Label, PeriodFrom: l.PeriodFrom, PeriodTo: l.PeriodTo,
			Comment: l.ConfigComment, Quantity: l.Quantity, UnitPriceCents: l.UnitPriceCents,
			TaxRateBP: l.TaxRateBP, AmountCents: l.AmountCents})
	}
	if s.Templates != nil {
		footer, err := s.Templates.RenderLang("invoice/footer", lang, "txt", map[string]any{
			"Site": is.identity, "Number": inv.Number, "Member": mail.MemberOf(m), "DirectDebit": d.Debit != nil})
		if err != nil {
			s.Log.Error("invoice footer template", "err", err)
		}
		d.Footer = footer
	}
	return d, nil
}

func customerLines(m *store.Member) []string {
	var out []string
	if m.PersonType == model.LegalPerson && m.OrganizationName != "" && strings.TrimSpace(m.FirstName+m.LastName) != "" {
		out = append(out, strings.TrimSpace(m.FirstName+" "+m.LastName))
	}
	for _, l := range strings.Split(strings.TrimSpace(m.Address), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	if pc := strings.TrimSpace(m.PostalCode + " " + m.City); pc != "" {
		out = append(out, pc)
	}
	if m.Country != "" {
		out = append(out, m.Country)
	}
	return out
}

// ErrNotSendable is returned when asked to resend what is not a validated
// invoice.
var ErrNotSendable = errors.New("only a validated invoice can be sent")

// ResendInvoice queues the invoice's e-mail to its member again (lost,
// or sent to an old address); false when the member has no address.
func (s *Service) ResendInvoice(ctx context.Context, id int64) (bool, error) {
	queued := false
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		inv, err := tx.InvoiceByID(ctx, id)
		if err != nil {
			return err
		}
		if inv.Status != model.InvoiceValidated || inv.Kind != model.KindInvoice {
			return ErrNotSendable
		}
		m, err := tx.MemberByID(ctx, inv.MemberID)
		if err != nil {
			return err
		}
		if m.Email == "" {
			return nil
		}
		queued = true
		md, err := s.activeMandate(ctx, tx, inv, m.ID)
		if err != nil {
			return err
		}
		var last *store.InvoiceDebit
		if md != nil {
			if last, err = tx.LastDebitOf(ctx, inv.ID); err != nil {
				return err
			}
		}
		return s.queueMail(ctx, tx, "invoice_new", m, map[string]any{"Invoice": mailInvoice(inv, s.locale(inv.Language), s.Cfg),
			"Debit": s.mailDebit(md, last, s.locale(memberLang(m, s.Cfg.Server.DefaultLanguage)))})
	})
	if err != nil {
		return false, fmt.Errorf("resend invoice %d: %w", id, err)
	}
	return queued, nil
}

// mailInvoice is what e-mail templates know of an invoice.
func mailInvoice(inv *store.Invoice, loc *i18n.Locale, cfg *config.Config) map[string]any {
	return map[string]any{"Number": inv.Number, "Total": loc.Money(inv.TotalCents), "DueDate": loc.Date(inv.DueDate),
		"IssueDate": loc.Date(inv.IssueDate), "Link": cfg.AbsoluteURL(fmt.Sprintf("/invoices/%d", inv.ID))}
}

// queueMail queues an e-mail to the member inside tx when a composer is set
// and the template exists.
func (s *Service) queueMail(ctx context.Context, tx *store.Store, kind string, m *store.Member, data map[string]any) error {
	if s.Mail == nil || !overrides.Exists("email/"+kind, "fr", "txt") || m.Email == "" {
		return nil
	}
	data["Member"] = mail.MemberOf(m)
	if _, ok := data["Site"]; !ok && s.Identity != nil {
		data["Site"] = mail.SiteOf(s.Identity(ctx), s.Cfg.AbsoluteURL("/"))
	}
	lang := memberLang(m, s.Cfg.Server.DefaultLanguage)
	msg, err := s.Mail.Compose(kind, lang, m.Email, ptr(m.ID), data)
	if err != nil {
		return err
	}
	return tx.QueueMessage(ctx, msg)
}
