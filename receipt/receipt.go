// Package receipt issues the receipts members download: for a membership
// fee, for a paid invoice, and the tax receipt (reçu fiscal, cerfa 11580)
// of a fee when the association may give one. A receipt is numbered once,
// per kind and year, gap-free, in the transaction that stores its PDF; the
// stored PDF is what anyone downloads afterwards.
package receipt

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"coin/config"
	"coin/date"
	"coin/i18n"
	"coin/ispdb"
	"coin/model"
	"coin/receiptpdf"
	"coin/store"
)

// Kinds of receipts.
const (
	KindFee     = "fee"
	KindInvoice = "invoice"
	KindTax     = "tax"
)

// ErrNotPaid is returned for a fee without a payment date, or an invoice
// not fully paid: there is nothing to acknowledge yet.
var ErrNotPaid = errors.New("nothing was paid yet")

// ErrNoTaxReceipts is returned when tax receipts are not turned on.
var ErrNoTaxReceipts = errors.New("this association gives no tax receipts")

// Service issues receipts.
type Service struct {
	Store    *store.Store
	Cfg      *config.Config
	Catalog  *i18n.Catalog
	Identity func(ctx context.Context) ispdb.Identity
	Log      *slog.Logger
}

// sequences name the number sequence and prefix of each kind.
var sequences = map[string]struct{ name, prefix string }{
	KindFee:     {"receipt-fee", "RC"},
	KindInvoice: {"receipt-invoice", "RF"},
	KindTax:     {"receipt-tax", "RD"},
}

// ForFee returns the receipt of kind (fee or tax) of member memberID's fee
// feeID, issuing it the first time.
func (s *Service) ForFee(ctx context.Context, memberID, feeID int64, kind string) (*store.Receipt, error) {
	if kind == KindTax && !s.Cfg.Receipts.TaxReceipts {
		return nil, ErrNoTaxReceipts
	}
	if r, err := s.Store.ReceiptFor(ctx, memberID, kind, feeID, 0); err == nil {
		return r, nil
	}
	var out *store.Receipt
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		f, err := tx.MembershipFeeByID(ctx, memberID, feeID)
		if err != nil {
			return err
		}
		if f.PaymentDate.IsZero() {
			return ErrNotPaid
		}
		m, err := tx.MemberByID(ctx, memberID)
		if err != nil {
			return err
		}
		r := &store.Receipt{Kind: kind, MemberID: m.ID, FeeID: &f.ID, AmountCents: f.Amount}
		out = r
		return s.issue(ctx, tx, r, m, func(l *i18n.Locale, number string) *receiptpdf.Document {
			if kind == KindTax {
				return s.taxDocument(ctx, number, r, payerLines(m), f.PaymentDate, f.PaymentMethod)
			}
			return s.feeDocument(ctx, l, number, r, m, f)
		})
	})
	if errors.Is(err, store.ErrConflict) {
		return s.Store.ReceiptFor(ctx, memberID, kind, feeID, 0)
	}
	if err != nil {
		return nil, fmt.Errorf("receipt of fee %d: %w", feeID, err)
	}
	return out, nil
}

// ForInvoice returns the receipt of member memberID's paid invoice,
// issuing it the first time.
func (s *Service) ForInvoice(ctx context.Context, memberID, invoiceID int64) (*store.Receipt, error) {
	if r, err := s.Store.ReceiptFor(ctx, memberID, KindInvoice, 0, invoiceID); err == nil {
		return r, nil
	}
	var out *store.Receipt
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		inv, err := tx.MemberInvoice(ctx, memberID, invoiceID)
		if err != nil {
			return err
		}
		if inv.Kind != model.KindInvoice || inv.Remaining() > 0 {
			return ErrNotPaid
		}
		allocs, err := tx.InvoiceAllocations(ctx, inv.ID)
		if err != nil {
			return err
		}
		m, err := tx.MemberByID(ctx, memberID)
		if err != nil {
			return err
		}
		r := &store.Receipt{Kind: KindInvoice, MemberID: m.ID, InvoiceID: &inv.ID, AmountCents: inv.TotalCents}
		out = r
		return s.issue(ctx, tx, r, m, func(l *i18n.Locale, number string) *receiptpdf.Document {
			return s.invoiceDocument(ctx, l, number, r, m, inv, allocs)
		})
	})
	if errors.Is(err, store.ErrConflict) {
		return s.Store.ReceiptFor(ctx, memberID, KindInvoice, 0, invoiceID)
	}
	if err != nil {
		return nil, fmt.Errorf("receipt of invoice %d: %w", invoiceID, err)
	}
	return out, nil
}

// issue numbers r, draws it in the member's language and stores it.
func (s *Service) issue(ctx context.Context, tx *store.Store, r *store.Receipt, m *store.Member,
	draw func(l *i18n.Locale, number string) *receiptpdf.Document) error {
	today := date.Today(s.Cfg.Location())
	seq := sequences[r.Kind]
	n, err := tx.ReserveNumbers(ctx, seq.name, today.Year(), today, 1)
	if err != nil {
		return err
	}
	r.Number = fmt.Sprintf("%s-%d-%04d", seq.prefix, today.Year(), n)
	r.IssuedOn = today
	r.Language = m.Language
	if r.Language == "" {
		r.Language = s.Cfg.Server.DefaultLanguage
	}
	if r.Kind == KindTax {
		r.Language = "fr" // a French tax form
	}
	pdf, err := receiptpdf.Render(draw(s.locale(r.Language), r.Number))
	if err != nil {
		return err
	}
	return tx.CreateReceipt(ctx, r, pdf)
}

func (s *Service) locale(lang string) *i18n.Locale {
	return s.Catalog.Locale(lang, s.Cfg.Location(), s.Cfg.Billing.Currency)
}

func (s *Service) identity(ctx context.Context) ispdb.Identity {
	if s.Identity == nil {
		return ispdb.Identity{Name: ispdb.DefaultName}
	}
	return s.Identity(ctx)
}

func payerLines(m *store.Member) []string {
	out := []string{m.DisplayName()}
	for _, l := range strings.Split(strings.TrimSpace(m.Address), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	if pc := strings.TrimSpace(m.PostalCode + " " + m.City); pc != "" {
		out = append(out, pc)
	}
	return out
}

func (s *Service) signed(l *i18n.Locale, d *receiptpdf.Document, day date.Date) {
	place := s.Cfg.Receipts.Place
	d.Place = l.Tf("receipt.done_on", map[string]any{"Place": place, "Date": l.Date(day)})
	if place == "" {
		d.Place = l.Tf("receipt.done_on_day", map[string]any{"Date": l.Date(day)})
	}
	d.Signature = s.Cfg.Receipts.Signatory
}

func (s *Service) feeDocument(ctx context.Context, l *i18n.Locale, number string, r *store.Receipt, m *store.Member, f *store.MembershipFee) *receiptpdf.Document {
	id := s.identity(ctx)
	d := &receiptpdf.Document{
		Title:  l.Tf("receipt.fee_title", map[string]any{"Number": number}),
		Issuer: append([]string{id.Name}, id.AddressLines...), Payer: payerLines(m),
		Rows: [][2]string{
			{l.T("receipt.member"), m.DisplayName() + " (" + l.Tf("receipt.member_number", map[string]any{"ID": strconv.FormatInt(m.ID, 10)}) + ")"},
			{l.T("receipt.amount"), l.Money(f.Amount)},
			{l.T("receipt.period"), l.Tf("receipt.period_value", map[string]any{"From": l.Date(f.StartDate), "To": l.Date(f.EndDate)})},
			{l.T("receipt.paid_on"), l.Date(f.PaymentDate)},
			{l.T("receipt.method"), l.T(feeMethodID(f.PaymentMethod))},
		},
		Paragraphs: []string{l.Tf("receipt.fee_statement", map[string]any{"Name": id.Name, "Member": m.DisplayName(),
			"Amount": l.Money(f.Amount), "From": l.Date(f.StartDate), "To": l.Date(f.EndDate)})},
		Footer: id.InvoiceMentions(),
	}
	s.signed(l, d, r.IssuedOn)
	return d
}

func (s *Service) invoiceDocument(ctx context.Context, l *i18n.Locale, number string, r *store.Receipt, m *store.Member, inv *store.Invoice, allocs []*store.Allocation) *receiptpdf.Document {
	id := s.identity(ctx)
	d := &receiptpdf.Document{
		Title:  l.Tf("receipt.invoice_title", map[string]any{"Number": number}),
		Issuer: append([]string{id.Name}, id.AddressLines...), Payer: payerLines(m),
		Rows: [][2]string{
			{l.T("receipt.invoice"), inv.Number},
			{l.T("receipt.invoice_date"), l.Date(inv.IssueDate)},
			{l.T("receipt.amount"), l.Money(inv.TotalCents)},
		},
		Footer: id.InvoiceMentions(),
	}
	for _, a := range allocs {
		label, day := l.T("receipt.credit_note"), l.DateTime(a.CreatedAt)
		if a.PaymentID != nil {
			label, day = l.T("receipt.payment"), l.Date(a.PaymentDate)
		}
		d.Rows = append(d.Rows, [2]string{label + " · " + day, l.Money(a.AmountCents)})
	}
	d.Paragraphs = []string{l.Tf("receipt.invoice_statement", map[string]any{"Name": id.Name, "Number": inv.Number,
		"Amount": l.Money(inv.TotalCents)})}
	s.signed(l, d, r.IssuedOn)
	return d
}

// taxDocument is the cerfa 11580 receipt, in French: it prints what the
// form asks, in its order.
func (s *Service) taxDocument(ctx context.Context, number string, r *store.Receipt, payer []string, paid date.Date, method string) *receiptpdf.Document {
	l := s.locale("fr")
	id := s.identity(ctx)
	rc := s.Cfg.Receipts
	d := &receiptpdf.Document{
		Title:      "Reçu au titre des dons à certains organismes d'intérêt général n° " + number,
		Subtitle:   "Articles 200, 238 bis et 978 du code général des impôts (CGI) · modèle cerfa n° 11580",
		IssuerHead: "Bénéficiaire des versements",
		Issuer:     append(append([]string{id.Name}, id.AddressLines...), "Objet : "+rc.Object, "Association ou fondation d'intérêt général"),
		PayerHead:  "Donateur",
		Payer:      payer,
		Rows: [][2]string{
			{"Somme en chiffres", l.Money(r.AmountCents)},
			{"Somme en toutes lettres", FrenchAmount(r.AmountCents)},
			{"Date du versement", l.Date(paid)},
			{"Forme du don", "Déclaration de don manuel"},
			{"Nature du don", "Numéraire"},
			{"Mode de versement", taxMethod(method)},
		},
		Paragraphs: []string{"Le bénéficiaire certifie sur l'honneur que les dons et versements qu'il reçoit ouvrent droit à la réduction d'impôt prévue à l'article " +
			rc.TaxArticle + " du CGI."},
		Footer: id.InvoiceMentions(),
	}
	s.signed(l, d, r.IssuedOn)
	return d
}

func taxMethod(m string) string {
	switch m {
	case model.PayCash:
		return "Remise d'espèces"
	case model.PayCheck:
		return "Chèque"
	case model.PayTransfer, model.PayCard, "direct_debit":
		return "Virement, prélèvement, carte bancaire"
	}
	return "Autre"
}

func feeMethodID(m string) string {
	switch m {
	case model.PayTransfer:
		return "fees.method.transfer"
	case model.PayCheck:
		return "fees.method.check"
	case model.PayCash:
		return "fees.method.cash"
	case model.PayCard:
		return "fees.method.card"
	}
	return "fees.method.other"
}
