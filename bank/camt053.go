package bank

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"coin/date"
)

// camtNamespace matches the bank-to-customer statement versions read here.
// Elements are read by local name: .02 to .08 share what coin uses.
var camtNamespace = regexp.MustCompile(`^urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.0[2-8]$`)

type camtDocument struct {
	XMLName    xml.Name
	Statements []camtStatement `xml:"BkToCstmrStmt>Stmt"`
}

type camtStatement struct {
	ID      string      `xml:"Id"`
	IBAN    string      `xml:"Acct>Id>IBAN"`
	Other   string      `xml:"Acct>Id>Othr>Id"`
	Entries []camtEntry `xml:"Ntry"`
}

type camtEntry struct {
	EntryRef    string      `xml:"NtryRef"`
	Amount      camtAmount  `xml:"Amt"`
	CreditDebit string      `xml:"CdtDbtInd"`
	Status      camtStatus  `xml:"Sts"`
	BookingDate camtDate    `xml:"BookgDt"`
	ValueDate   camtDate    `xml:"ValDt"`
	ServicerRef string      `xml:"AcctSvcrRef"`
	Family      string      `xml:"BkTxCd>Domn>Fmly>Cd"`
	Proprietary string      `xml:"BkTxCd>Prtry>Cd"`
	Details     []camtTx    `xml:"NtryDtls>TxDtls"`
	Info        string      `xml:"AddtlNtryInf"`
	Batch       []camtBatch `xml:"NtryDtls>Btch"`
}

type camtBatch struct {
	Count string `xml:"NbOfTxs"`
}

type camtAmount struct {
	Value    string `xml:",chardata"`
	Currency string `xml:"Ccy,attr"`
}

// currencyError is an amount in another currency than the billing one.
type currencyError struct{ got, want string }

func (e *currencyError) Error() string {
	return fmt.Sprintf("amount in %s, but the billing currency is %s", e.got, e.want)
}

// cents reads an amount in the billing currency. The schema allows no
// sign: a negative amount is refused, not turned into its opposite.
func (a camtAmount) cents(currency string) (int64, error) {
	v := strings.TrimSpace(a.Value)
	ccy := strings.TrimSpace(a.Currency)
	if ccy == "" {
		return 0, fmt.Errorf("amount %q has no currency (Ccy)", v)
	}
	if !strings.EqualFold(ccy, currency) {
		return 0, &currencyError{got: ccy, want: currency}
	}
	c, err := amount(v, ".")
	if err != nil {
		return 0, err
	}
	if c < 0 || strings.Contains(v, "-") {
		return 0, fmt.Errorf("amount %q is negative: only CdtDbtInd says whether money comes in or goes out", v)
	}
	return c, nil
}

// camtStatus is text up to .07 (<Sts>BOOK</Sts>) and a code from .08 on
// (<Sts><Cd>BOOK</Cd></Sts>).
type camtStatus struct {
	Text string `xml:",chardata"`
	Code string `xml:"Cd"`
}

func (s camtStatus) value() string {
	if c := strings.TrimSpace(s.Code); c != "" {
		return c
	}
	return strings.TrimSpace(s.Text)
}

type camtDate struct {
	Date     string `xml:"Dt"`
	DateTime string `xml:"DtTm"`
}

// value is the day of a booking or value date. Dt is an xs:date, DtTm an
// xs:dateTime; both may end with a zone ("Z", "+02:00"). The day is the
// one written, in the statement's own zone: 2017-04-01+02:00 and
// 2017-04-01T00:30:00+02:00 are the 1st, never shifted to UTC.
func (d camtDate) value() (date.Date, bool) {
	if s := strings.TrimSpace(d.Date); s != "" {
		day, zone, ok := cutDay(s)
		if !ok || !validZone(zone) {
			return date.Date{}, false
		}
		return day, true
	}
	if s := strings.TrimSpace(d.DateTime); s != "" {
		day, rest, ok := cutDay(s)
		if !ok || len(rest) < len("T15:04:05") || rest[0] != 'T' {
			return date.Date{}, false
		}
		clock, zone := rest[1:9], rest[9:]
		if i := strings.IndexAny(zone, "Z+-"); i >= 0 {
			if frac := zone[:i]; frac != "" && !fraction(frac) {
				return date.Date{}, false
			}
			zone = zone[i:]
		} else if !fraction(zone) && zone != "" {
			return date.Date{}, false
		} else {
			zone = ""
		}
		if !validZone(zone) {
			return date.Date{}, false
		}
		if _, err := time.Parse("15:04:05", clock); err != nil && clock != "24:00:00" {
			return date.Date{}, false
		}
		return day, true
	}
	return date.Date{}, false
}

// cutDay reads the leading YYYY-MM-DD of an xs:date or xs:dateTime.
func cutDay(s string) (date.Date, string, bool) {
	if len(s) < 10 {
		return date.Date{}, "", false
	}
	day, err := date.Parse(s[:10])
	if err != nil || day.IsZero() {
		return date.Date{}, "", false
	}
	return day, s[10:], true
}

// fraction is the ".123" of seconds.
func fraction(s string) bool {
	if len(s) < 2 || s[0] != '.' {
		return false
	}
	for _, r := range s[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// validZone is an XML Schema time zone: none, "Z" or ±hh:mm up to 14:00.
func validZone(z string) bool {
	if z == "" || z == "Z" {
		return true
	}
	if len(z) != 6 || (z[0] != '+' && z[0] != '-') || z[3] != ':' {
		return false
	}
	t, err := time.Parse("15:04", z[1:])
	return err == nil && (t.Hour() < 14 || (t.Hour() == 14 && t.Minute() == 0))
}

type camtTx struct {
	EndToEndID   string     `xml:"Refs>EndToEndId"`
	ServicerRef  string     `xml:"Refs>AcctSvcrRef"`
	TxID         string     `xml:"Refs>TxId"`
	Amount       camtAmount `xml:"Amt"`
	TxAmount     camtAmount `xml:"AmtDtls>TxAmt>Amt"`
	CreditDebit  string     `xml:"CdtDbtInd"`
	Debtor       string     `xml:"RltdPties>Dbtr>Nm"`
	DebtorParty  string     `xml:"RltdPties>Dbtr>Pty>Nm"`
	Unstructured []string   `xml:"RmtInf>Ustrd"`
	CreditorRef  string     `xml:"RmtInf>Strd>CdtrRefInf>Ref"`
	Info         string     `xml:"AddtlTxInf"`
	ReturnCode   string     `xml:"RtrInf>Rsn>Cd"`
	ReturnPrtry  string     `xml:"RtrInf>Rsn>Prtry"`
}

// returned marks a line that sends back one of our direct debits: money
// going out, with a return reason and the collection's end-to-end id.
func (tx camtTx) returned(l *Line) {
	code := strings.TrimSpace(firstNonEmpty(tx.ReturnCode, tx.ReturnPrtry))
	e2e := strings.TrimSpace(tx.EndToEndID)
	if l.AmountCents < 0 && code != "" && e2e != "" && e2e != "NOTPROVIDED" {
		l.EndToEndID, l.ReturnCode = CutUTF8(e2e, 35), CutUTF8(code, 35)
	}
}

// decodeISO20022 decodes a bank's ISO 20022 document into doc, strictly;
// what refuses it is a syntax *Error naming what the file should be.
func decodeISO20022(data []byte, doc any, what string) error {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	// The documents are UTF-8; accept the aliases banks write in the prolog.
	dec.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "utf-8", "utf8", "us-ascii":
			return r, nil
		}
		return nil, fmt.Errorf("encoding %q", label)
	}
	if err := dec.Decode(doc); err != nil {
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			return &Error{Kind: "syntax", Line: se.Line, Detail: "not " + what + ": " + se.Msg}
		}
		return &Error{Kind: "syntax", Detail: "not " + what + ": " + err.Error()}
	}
	return nil
}

// ParseCAMT053 reads an ISO 20022 bank-to-customer statement. Booked
// entries only (pending ones may still change); an entry that details
// several transactions (a batch of collected direct debits) gives one line
// per transaction. Every amount must be in currency (the billing currency)
// and not negative (CdtDbtInd alone gives the direction): a statement of an
// account in another currency, or with an amount that breaks the schema, is
// refused whole, with the entry at fault.
func ParseCAMT053(data []byte, currency string) ([]Line, error) {
	var doc camtDocument
	if err := decodeISO20022(data, &doc, "a CAMT.053 XML statement"); err != nil {
		return nil, err
	}
	if doc.XMLName.Local != "Document" || !camtNamespace.MatchString(doc.XMLName.Space) {
		return nil, &Error{Kind: "unknown_format", Detail: fmt.Sprintf("not a CAMT.053 statement (root %s in namespace %q; camt.053.001.02 to .08 are read)", doc.XMLName.Local, doc.XMLName.Space)}
	}
	var out []Line
	n := 0
	for _, st := range doc.Statements {
		account := strings.ReplaceAll(firstNonEmpty(st.IBAN, st.Other), " ", "")
		for _, e := range st.Entries {
			n++
			lines, err := e.lines(account, currency)
			if err != nil {
				kind := "line"
				var ce *currencyError
				if errors.As(err, &ce) {
					kind = "currency"
				}
				return nil, &Error{Kind: kind, Line: n, Detail: fmt.Sprintf("entry %d: %v", n, err)}
			}
			out = append(out, lines...)
		}
	}
	return out, nil
}

func (e camtEntry) lines(account, currency string) ([]Line, error) {
	if s := e.Status.value(); s != "" && s != "BOOK" {
		return nil, nil
	}
	day, ok := e.BookingDate.value()
	if !ok {
		if day, ok = e.ValueDate.value(); !ok {
			return nil, errors.New("no booking date")
		}
	}
	sign, err := creditDebit(e.CreditDebit)
	if err != nil {
		return nil, err
	}
	method := MethodTransfer
	if e.Family == "IDDT" || e.Family == "RDDT" {
		method = MethodDirectDebit
	}
	ref := firstNonEmpty(e.ServicerRef, e.EntryRef)
	base := Line{Date: day, Reference: ref, Account: account, Method: method}
	// One transaction, or a batch booked in one sum whose details are given.
	if len(e.Details) <= 1 {
		l := base
		total, err := e.Amount.cents(currency)
		if err != nil {
			return nil, err
		}
		l.AmountCents = sign * total
		if len(e.Details) == 1 {
			l.Counterparty, l.Label = e.Details[0].describe(e.Info)
			e.Details[0].returned(&l)
		} else {
			l.Label = strings.Join(strings.Fields(e.Info), " ")
		}
		return []Line{l}, nil
	}
	out := make([]Line, 0, len(e.Details))
	for i, tx := range e.Details {
		l := base
		amt := tx.Amount
		if strings.TrimSpace(amt.Value) == "" {
			amt = tx.TxAmount
		}
		a, err := amt.cents(currency)
		if err != nil {
			return nil, fmt.Errorf("transaction %d: %w", i+1, err)
		}
		txSign := sign
		if tx.CreditDebit != "" {
			if txSign, err = creditDebit(tx.CreditDebit); err != nil {
				return nil, err
			}
		}
		l.AmountCents = txSign * a
		l.Counterparty, l.Label = tx.describe(e.Info)
		tx.returned(&l)
		// Each transaction needs its own key: the servicer's, else the
		// entry's reference with the transaction's rank.
		l.Reference = firstNonEmpty(tx.ServicerRef, ref+"/"+fmt.Sprint(i+1))
		if ref == "" && tx.ServicerRef == "" {
			l.Reference = ""
		}
		out = append(out, l)
	}
	return out, nil
}

// describe builds a line's label from what the bank says of a transaction:
// the remittance information first (references are there), then the end to
// end id (our invoice number on direct debits), then the entry's text.
func (tx camtTx) describe(entryInfo string) (counterparty, label string) {
	counterparty = strings.TrimSpace(firstNonEmpty(tx.Debtor, tx.DebtorParty))
	var parts []string
	for _, u := range tx.Unstructured {
		if u = strings.TrimSpace(u); u != "" {
			parts = append(parts, u)
		}
	}
	for _, s := range []string{tx.CreditorRef, tx.EndToEndID, tx.Info, entryInfo} {
		if s = strings.TrimSpace(s); s != "" && s != "NOTPROVIDED" {
			parts = append(parts, s)
		}
	}
	if counterparty != "" {
		parts = append(parts, counterparty)
	}
	return counterparty, strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

// creditDebit turns CRDT/DBIT into a sign. A reversed credit (RvslInd) is
// already booked as DBIT: the indicator alone gives the direction.
func creditDebit(ind string) (int64, error) {
	switch strings.TrimSpace(ind) {
	case "CRDT":
		return 1, nil
	case "DBIT":
		return -1, nil
	}
	return 0, fmt.Errorf("credit/debit indicator %q is neither CRDT nor DBIT", ind)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	return ""
}
