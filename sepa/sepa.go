// Package sepa keeps members' SEPA direct debit mandates and writes the
// pain.008.001.02 files that ask the bank to collect their open invoices.
package sepa

import (
	"coin/billing"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"coin/config"
	"coin/date"
	"coin/form"
	"coin/i18n"
	"coin/iban"
	"coin/mail"
	"coin/model"
	"coin/money"
	"coin/store"
)

// MandateInput is a mandate as typed by the treasurer.
type MandateInput struct {
	Reference     string
	SignatureDate string
	IBAN          string
	BIC           string
	SequenceType  string
	Active        bool
}

// referenceRE is the mandate reference (RUM): up to 35 characters of the
// SEPA character set, no spaces.
var referenceRE = regexp.MustCompile(`^[A-Za-z0-9+?/:().,'-]{1,35}$`)

// badSlashes tells whether an identifier breaks the EPC rule for the
// identifiers of a SEPA message (mandate reference, end-to-end id…): it
// may not start or end with "/" nor hold "//" anywhere.
func badSlashes(s string) bool {
	return strings.HasPrefix(s, "/") || strings.HasSuffix(s, "/") || strings.Contains(s, "//")
}

// epcID makes an identifier coin writes (the invoice number as end-to-end
// id) obey the EPC slash rule: "//" becomes "/", and slashes at either end
// go. Statement lines are matched on letters and digits, so nothing is lost.
func epcID(s string) string {
	for strings.Contains(s, "//") {
		s = strings.ReplaceAll(s, "//", "/")
	}
	s = strings.Trim(s, "/")
	if s == "" {
		s = "NOTPROVIDED"
	}
	return s
}

// CheckMandate validates a mandate form into d; today refuses mandates
// signed in the future.
func CheckMandate(in MandateInput, today date.Date, d *store.Mandate) form.Errors {
	errs := form.Errors{}
	d.Reference = strings.TrimSpace(in.Reference)
	if errs.Required("reference", d.Reference); errs.Get("reference") == "" && !referenceRE.MatchString(d.Reference) {
		errs.Add("reference", "sepa.err.reference")
	} else if errs.Get("reference") == "" && badSlashes(d.Reference) {
		errs.Add("reference", "sepa.err.reference_slash")
	}
	errs.Required("signature_date", in.SignatureDate)
	d.SignatureDate = errs.Date("signature_date", in.SignatureDate)
	if errs.Get("signature_date") == "" && d.SignatureDate.After(today) {
		errs.Add("signature_date", "sepa.err.signature_future")
	}
	d.IBAN = iban.Normalize(in.IBAN)
	if errs.Required("iban", d.IBAN); errs.Get("iban") == "" {
		if err := iban.Check(d.IBAN); errors.Is(err, iban.ErrRIBKey) {
			errs.Add("iban", "sepa.err.rib_key")
		} else if err != nil {
			errs.Add("iban", "sepa.err.iban")
		}
	}
	d.BIC = iban.NormalizeBIC(in.BIC)
	if d.BIC != "" && !iban.ValidBIC(d.BIC) {
		errs.Add("bic", "sepa.err.bic")
	} else if d.BIC != "" && errs.Get("iban") == "" && iban.CheckBICCountry(d.BIC, d.IBAN) != nil {
		errs.Add("bic", "sepa.err.bic_country")
	}
	errs.OneOf("sequence_type", in.SequenceType, model.SeqFirst, model.SeqRecurring)
	d.SequenceType, d.Active = in.SequenceType, in.Active
	return errs
}

// Service writes direct debit files.
type Service struct {
	Store *store.Store
	Cfg   *config.Config
	Log   *slog.Logger
	// Mail, when set, queues each debtor's pre-notification with the file;
	// Catalog and Site give its language and signature.
	Mail    *mail.Composer
	Catalog *i18n.Catalog
	Site    func(ctx context.Context) mail.Site
	// Billing reverses the payment of a returned collection and invoices
	// the return fee (ReturnTx).
	Billing *billing.Service
}

// Errors of Collect.
var (
	ErrDisabled = errors.New("SEPA direct debit is off: set sepa.creditor_id, creditor_name and creditor_iban")
	ErrNothing  = errors.New("no open invoice of a member with an active mandate left to collect")
	// ErrSameSecond is a second file in the second of another: their
	// message ids, made of the time, would be the same.
	ErrSameSecond = errors.New("a direct debit file was written in this very second: try again")
)

// File is a direct debit file and what it asks for.
type File struct {
	ID             int64 // of the stored file (store.SEPAFile); 0 for a trial file
	XML            []byte
	MessageID      string
	Count          int
	TotalCents     int64
	CollectionDate date.Date
	Debits         []*store.Debit
}

// Maker is who writes a file: a signed-in member, or the command line.
type Maker struct {
	ID    *int64 // nil from the command line
	Login string // "" from the command line
}

// MakerOf is the maker of a signed-in member.
func MakerOf(m *store.Member) Maker { return Maker{ID: &m.ID, Login: m.Login} }

// Collect writes the pain.008 file collecting, lead_days TARGET2 business
// days after day (CollectionDate), the open invoices of members with an
// active mandate that no earlier file asked for. Unless dryRun, in one transaction: the collections are
// recorded (an invoice goes in one file only), first-time mandates become
// recurring and the file itself is stored, to be downloaded again (Stored)
// should it be lost on its way to the bank.
func (s *Service) Collect(ctx context.Context, day date.Date, now time.Time, by Maker, dryRun bool) (*File, error) {
	if !s.Cfg.SEPA.Enabled() {
		return nil, ErrDisabled
	}
	now = now.UTC().Truncate(time.Second) // the precision of CreDtTm
	var f *File
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		cands, err := tx.DebitCandidates(ctx)
		if err != nil {
			return err
		}
		if len(cands) == 0 {
			return ErrNothing
		}
		f, err = Build(s.Cfg.SEPA, s.Cfg.Billing.Currency, CollectionDate(day, s.Cfg.SEPA.LeadDays), now, cands)
		if err != nil || dryRun {
			return err
		}
		for _, d := range f.Debits {
			if err := tx.RecordDebit(ctx, d); err != nil {
				return err
			}
		}
		if err := s.preNotify(ctx, tx, f, cands); err != nil {
			return err
		}
		stored := &store.SEPAFile{MessageID: f.MessageID, CreatedAt: now, CollectionDate: f.CollectionDate,
			TransactionCount: f.Count, TotalCents: f.TotalCents, XML: f.XML, CreatedBy: by.ID, CreatedByName: by.Login}
		if err := tx.CreateSEPAFile(ctx, stored); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return fmt.Errorf("%w: %w", ErrSameSecond, err)
			}
			return err
		}
		f.ID = stored.ID
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !dryRun {
		s.Log.Info("direct debit file written", "message", f.MessageID, "file", f.ID, "count", f.Count,
			"total_cents", f.TotalCents, "collection", f.CollectionDate.String(), "by", by.Login)
	}
	return f, nil
}

// Stored returns a file written before, by its message id, byte for byte.
func (s *Service) Stored(ctx context.Context, messageID string) (*store.SEPAFile, error) {
	f, err := s.Store.SEPAFileByMessageID(ctx, strings.TrimSpace(messageID))
	if err != nil {
		return nil, fmt.Errorf("stored direct debit file: %w", err)
	}
	return f, nil
}

// Build writes the pain.008.001.02 document: one payment information block
// per sequence type (first collections and recurring ones are announced
// apart), one transaction per invoice, its number as end-to-end id so that
// the bank statement's line is matched back to it; a first-time mandate
// carries its oldest open invoice only.
func Build(cfg config.SEPA, currency string, collection date.Date, now time.Time, cands []store.DebitCandidate) (*File, error) {
	msgID := "COIN-" + now.UTC().Format("20060102-150405")
	f := &File{MessageID: msgID, CollectionDate: collection}
	doc := document{Xmlns: "urn:iso:std:iso:20022:tech:xsd:pain.008.001.02",
		Init: initiation{Header: groupHeader{MessageID: msgID, Created: now.UTC().Format("2006-01-02T15:04:05Z07:00"),
			Party: party{Name: latin(cfg.CreditorName, 70)}}}}
	for _, seq := range []string{model.SeqFirst, model.SeqRecurring} {
		block := paymentInfo{ID: msgID + "-" + seq, Method: "DD", Batch: true,
			Type:     paymentType{ServiceLevel: "SEPA", LocalInstrument: "CORE", Sequence: seq},
			Date:     collection.String(),
			Creditor: party{Name: latin(cfg.CreditorName, 70)}, CreditorAccount: account{IBAN: cfg.CreditorIBAN},
			CreditorAgent: agentOf(cfg.CreditorBIC), ChargeBearer: "SLEV",
			Scheme: schemeID{ID: cfg.CreditorID, Scheme: "SEPA"}}
		var sum int64
		first := map[int64]bool{} // mandates whose first collection this file holds
		for _, c := range cands {
			if c.Mandate.SequenceType != seq {
				continue
			}
			amount := c.Invoice.Remaining()
			if amount <= 0 {
				continue
			}
			// A mandate has one first collection: its other open invoices
			// wait for the next file, as recurring ones (the EPC rulebook
			// and banks refuse two FRST on one mandate in a file).
			if seq == model.SeqFirst {
				if first[c.Mandate.ID] {
					continue
				}
				first[c.Mandate.ID] = true
			}
			e2e := epcID(latin(c.Invoice.Number, 35))
			amendment := amendmentOf(c.Mandate)
			block.Transactions = append(block.Transactions, transaction{EndToEndID: e2e,
				Amount: amountXML{Currency: currency, Value: money.Plain(amount)},
				Mandate: mandateInfo{ID: c.Mandate.Reference, Signed: c.Mandate.SignatureDate.String(),
					Amended: amendment != nil, Amendment: amendment},
				DebtorAgent: agentOf(c.Mandate.BIC), Debtor: party{Name: latin(c.Invoice.MemberName, 70)},
				DebtorAccount: account{IBAN: c.Mandate.IBAN},
				Remittance:    latin("Facture "+c.Invoice.Number, 140)})
			f.Debits = append(f.Debits, &store.Debit{InvoiceID: c.Invoice.ID, MandateID: c.Mandate.ID, MessageID: msgID,
				EndToEndID: e2e, AmountCents: amount, SequenceType: seq, CollectionDate: collection})
			sum += amount
		}
		if len(block.Transactions) == 0 {
			continue
		}
		block.Count, block.Sum = fmt.Sprint(len(block.Transactions)), money.Plain(sum)
		doc.Init.Payments = append(doc.Init.Payments, block)
		f.Count += len(block.Transactions)
		f.TotalCents += sum
	}
	if f.Count == 0 {
		return nil, ErrNothing
	}
	doc.Init.Header.Count, doc.Init.Header.Sum = fmt.Sprint(f.Count), money.Plain(f.TotalCents)
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("write pain.008: %w", err)
	}
	f.XML = append([]byte(xml.Header), append(out, '\n')...)
	return f, nil
}

// amendmentOf is the amendment a collection on mandate m announces: none
// before its first collection, nor when the IBAN is the one collected last
// (a BIC typed again or completed is no new account). A new account in the
// same bank gives the original debtor account (the IBAN collected last); a
// new bank gives "SMNDA" (same mandate, new debtor agent) as the original
// debtor agent, the EPC rule. The bank is new when the IBAN's country or
// national bank code changed, or the first 8 characters (the institution)
// of two BICs differ. RecordDebit then makes the new account the last
// collected: only the next file announces the amendment.
func amendmentOf(m *store.Mandate) *amendment {
	if m.CollectedIBAN == "" || m.CollectedIBAN == m.IBAN {
		return nil
	}
	if sameBank(m.CollectedIBAN, m.CollectedBIC, m.IBAN, m.BIC) {
		return &amendment{DebtorAccount: &account{IBAN: m.CollectedIBAN}}
	}
	return &amendment{DebtorAgent: &agent{Other: &otherID{ID: "SMNDA"}}}
}

func sameBank(oldIBAN, oldBIC, newIBAN, newBIC string) bool {
	if oldIBAN[:2] != newIBAN[:2] {
		return false
	}
	if a, ok := iban.BankCode(oldIBAN); ok {
		if b, _ := iban.BankCode(newIBAN); a != b {
			return false
		}
	}
	if len(oldBIC) >= 8 && len(newBIC) >= 8 && oldBIC[:8] != newBIC[:8] {
		return false
	}
	return true
}

func agentOf(bic string) agent {
	if bic == "" {
		// Allowed since 2016 for SEPA: the bank finds it from the IBAN.
		return agent{Other: &otherID{ID: "NOTPROVIDED"}}
	}
	return agent{BIC: bic}
}

// fold strips accents: the SEPA character set is basic Latin.
var fold = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

// letters spells the letters that have no accent to strip.
var letters = strings.NewReplacer("Ø", "O", "ø", "o", "Æ", "AE", "æ", "ae", "Œ", "OE", "œ", "oe", "ß", "ss",
	"Ł", "L", "ł", "l", "Đ", "D", "đ", "d", "Þ", "TH", "þ", "th")

// latin keeps the characters every SEPA bank accepts (letters, digits,
// space and / - ? : ( ) . , ' +), turning accented letters into plain ones
// and others into spaces, and cuts to n characters.
func latin(s string, n int) string {
	s = letters.Replace(s)
	if f, _, err := transform.String(fold, s); err == nil {
		s = f
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune(" /-?:().,'+", r):
			b.WriteRune(r)
		case r == '&':
			b.WriteString("+")
		default:
			b.WriteRune(' ')
		}
	}
	out := strings.Join(strings.Fields(b.String()), " ")
	if len(out) > n {
		out = strings.TrimSpace(out[:n])
	}
	if out == "" {
		out = "NOTPROVIDED"
	}
	return out
}

// The pain.008.001.02 elements coin writes, in the schema's order.
type document struct {
	XMLName xml.Name   `xml:"Document"`
	Xmlns   string     `xml:"xmlns,attr"`
	Init    initiation `xml:"CstmrDrctDbtInitn"`
}

type initiation struct {
	Header   groupHeader   `xml:"GrpHdr"`
	Payments []paymentInfo `xml:"PmtInf"`
}

type groupHeader struct {
	MessageID string `xml:"MsgId"`
	Created   string `xml:"CreDtTm"`
	Count     string `xml:"NbOfTxs"`
	Sum       string `xml:"CtrlSum"`
	Party     party  `xml:"InitgPty"`
}

type party struct {
	Name string `xml:"Nm"`
}

type paymentInfo struct {
	ID              string        `xml:"PmtInfId"`
	Method          string        `xml:"PmtMtd"`
	Batch           bool          `xml:"BtchBookg"`
	Count           string        `xml:"NbOfTxs"`
	Sum             string        `xml:"CtrlSum"`
	Type            paymentType   `xml:"PmtTpInf"`
	Date            string        `xml:"ReqdColltnDt"`
	Creditor        party         `xml:"Cdtr"`
	CreditorAccount account       `xml:"CdtrAcct"`
	CreditorAgent   agent         `xml:"CdtrAgt"`
	ChargeBearer    string        `xml:"ChrgBr"`
	Scheme          schemeID      `xml:"CdtrSchmeId"`
	Transactions    []transaction `xml:"DrctDbtTxInf"`
}

type paymentType struct {
	ServiceLevel    string `xml:"SvcLvl>Cd"`
	LocalInstrument string `xml:"LclInstrm>Cd"`
	Sequence        string `xml:"SeqTp"`
}

type account struct {
	IBAN string `xml:"Id>IBAN"`
}

type agent struct {
	BIC   string   `xml:"FinInstnId>BIC,omitempty"`
	Other *otherID `xml:"FinInstnId>Othr,omitempty"`
}

type otherID struct {
	ID string `xml:"Id"`
}

type schemeID struct {
	ID     string `xml:"Id>PrvtId>Othr>Id"`
	Scheme string `xml:"Id>PrvtId>Othr>SchmeNm>Prtry"`
}

type transaction struct {
	EndToEndID    string      `xml:"PmtId>EndToEndId"`
	Amount        amountXML   `xml:"InstdAmt"`
	Mandate       mandateInfo `xml:"DrctDbtTx>MndtRltdInf"`
	DebtorAgent   agent       `xml:"DbtrAgt"`
	Debtor        party       `xml:"Dbtr"`
	DebtorAccount account     `xml:"DbtrAcct"`
	Remittance    string      `xml:"RmtInf>Ustrd"`
}

type amountXML struct {
	Currency string `xml:"Ccy,attr"`
	Value    string `xml:",chardata"`
}

type mandateInfo struct {
	ID        string     `xml:"MndtId"`
	Signed    string     `xml:"DtOfSgntr"`
	Amended   bool       `xml:"AmdmntInd,omitempty"`
	Amendment *amendment `xml:"AmdmntInfDtls,omitempty"`
}

// amendment is what changed on a mandate since its last collection.
type amendment struct {
	DebtorAccount *account `xml:"OrgnlDbtrAcct,omitempty"`
	DebtorAgent   *agent   `xml:"OrgnlDbtrAgt,omitempty"`
}

// preNotify queues, in the file's transaction, one e-mail per debtor
// saying what will be debited, when, from which account, under which
// mandate and creditor identifier (the rulebook's pre-notification).
func (s *Service) preNotify(ctx context.Context, tx *store.Store, f *File, cands []store.DebitCandidate) error {
	if s.Mail == nil || s.Catalog == nil {
		return nil
	}
	byInvoice := map[int64]store.DebitCandidate{}
	for _, c := range cands {
		byInvoice[c.Invoice.ID] = c
	}
	type debtor struct {
		mandate *store.Mandate
		debits  []*store.Debit
		total   int64
	}
	var order []int64
	debtors := map[int64]*debtor{}
	for _, d := range f.Debits {
		c := byInvoice[d.InvoiceID]
		db := debtors[c.Invoice.MemberID]
		if db == nil {
			db = &debtor{mandate: c.Mandate}
			debtors[c.Invoice.MemberID] = db
			order = append(order, c.Invoice.MemberID)
		}
		db.debits, db.total = append(db.debits, d), db.total+d.AmountCents
	}
	for _, id := range order {
		db := debtors[id]
		m, err := tx.MemberByID(ctx, id)
		if err != nil {
			return err
		}
		if m.Email == "" {
			continue
		}
		lang := m.Language
		if lang == "" {
			lang = s.Cfg.Server.DefaultLanguage
		}
		l := s.Catalog.Locale(lang, s.Cfg.Location(), s.Cfg.Billing.Currency)
		var lines []map[string]any
		for _, d := range db.debits {
			lines = append(lines, map[string]any{"Number": byInvoice[d.InvoiceID].Invoice.Number, "Amount": l.Money(d.AmountCents)})
		}
		data := map[string]any{"Member": mail.MemberOf(m), "Debits": lines, "Total": l.Money(db.total),
			"Date": l.Date(f.CollectionDate), "Mandate": db.mandate.Reference, "IBAN": iban.Mask(db.mandate.IBAN),
			"CreditorID": s.Cfg.SEPA.CreditorID, "Creditor": s.Cfg.SEPA.CreditorName, "Link": s.Cfg.AbsoluteURL("/invoices")}
		if s.Site != nil {
			data["Site"] = s.Site(ctx)
		}
		msg, err := s.Mail.Compose("sepa_prenotification", lang, m.Email, &m.ID, data)
		if err != nil {
			return err
		}
		if err := tx.QueueMessage(ctx, msg); err != nil {
			return err
		}
	}
	return nil
}
