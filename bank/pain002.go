package bank

import (
	"encoding/xml"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"coin/date"
)

// FormatPain002 names the ISO 20022 payment status report a bank sends
// back about a direct debit file: it is read where statements are.
const FormatPain002 = "pain002"

// pain002Namespace matches the status report versions read here (.03 is
// the EPC's; later ones keep the elements coin uses).
var pain002Namespace = regexp.MustCompile(`^urn:iso:std:iso:20022:tech:xsd:pain\.002\.001\.(0[3-9]|1[0-4])$`)

var pain002NamespaceIn = regexp.MustCompile(`urn:iso:std:iso:20022:tech:xsd:pain\.002\.001\.(0[3-9]|1[0-4])\b`)

func looksLikePain002(data []byte) bool {
	return pain002NamespaceIn.Match(data[:min(len(data), 4096)])
}

type painDocument struct {
	XMLName   xml.Name
	MessageID string           `xml:"CstmrPmtStsRpt>GrpHdr>MsgId"`
	Created   string           `xml:"CstmrPmtStsRpt>GrpHdr>CreDtTm"`
	Group     string           `xml:"CstmrPmtStsRpt>OrgnlGrpInfAndSts>GrpSts"`
	Original  string           `xml:"CstmrPmtStsRpt>OrgnlGrpInfAndSts>OrgnlMsgId"`
	Blocks    []painPaymentInf `xml:"CstmrPmtStsRpt>OrgnlPmtInfAndSts"`
}

type painPaymentInf struct {
	Status string       `xml:"PmtInfSts"`
	Txs    []painTxInfo `xml:"TxInfAndSts"`
}

type painTxInfo struct {
	EndToEndID string     `xml:"OrgnlEndToEndId"`
	Status     string     `xml:"TxSts"`
	Reason     string     `xml:"StsRsnInf>Rsn>Cd"`
	ReasonPrty string     `xml:"StsRsnInf>Rsn>Prtry"`
	Amount     camtAmount `xml:"OrgnlTxRef>Amt>InstdAmt"`
	Collection string     `xml:"OrgnlTxRef>ReqdColltnDt"`
	Debtor     string     `xml:"OrgnlTxRef>Dbtr>Nm"`
}

// ParsePain002 reads a payment status report and gives one line per
// rejected direct debit: its end-to-end id, the reason code, the amount
// asked (negative: it will not come in), dated the day it was to be
// collected. Accepted transactions give nothing. A report that rejects a
// whole file without naming its transactions is refused: the bank must
// be asked for the details, coin cannot guess which debits they were.
func ParsePain002(data []byte, currency string) ([]Line, error) {
	var doc painDocument
	if err := decodeISO20022(data, &doc, "a pain.002 XML status report"); err != nil {
		return nil, err
	}
	if doc.XMLName.Local != "Document" || !pain002Namespace.MatchString(doc.XMLName.Space) {
		return nil, &Error{Kind: "unknown_format", Detail: fmt.Sprintf("not a pain.002 status report (root %s in namespace %q)", doc.XMLName.Local, doc.XMLName.Space)}
	}
	created, _, _ := cutDay(strings.TrimSpace(doc.Created))
	var out []Line
	n := 0
	for _, b := range doc.Blocks {
		if len(b.Txs) == 0 && strings.TrimSpace(b.Status) == "RJCT" {
			return nil, &Error{Kind: "pain002_whole", Detail: fmt.Sprintf("the bank rejected a whole payment block of file %s without naming its debits: ask the bank which debits it refused", strings.TrimSpace(doc.Original))}
		}
		for _, tx := range b.Txs {
			n++
			status := strings.TrimSpace(firstNonEmpty(tx.Status, b.Status, doc.Group))
			if status != "RJCT" {
				continue
			}
			l, err := tx.line(created, currency)
			if err != nil {
				return nil, &Error{Kind: "line", Line: n, Detail: fmt.Sprintf("transaction %d: %v", n, err)}
			}
			l.Reference = CutUTF8("pain.002 "+strings.TrimSpace(doc.MessageID)+" "+l.EndToEndID, 200)
			out = append(out, l)
		}
	}
	if n == 0 && strings.TrimSpace(doc.Group) == "RJCT" {
		return nil, &Error{Kind: "pain002_whole", Detail: fmt.Sprintf("the bank rejected the whole file %s without naming its debits: nothing was collected, ask the bank which debits it refused", strings.TrimSpace(doc.Original))}
	}
	return out, nil
}

func (tx painTxInfo) line(created date.Date, currency string) (Line, error) {
	e2e := strings.TrimSpace(tx.EndToEndID)
	if e2e == "" {
		return Line{}, errors.New("a rejected transaction without OrgnlEndToEndId")
	}
	code := strings.TrimSpace(firstNonEmpty(tx.Reason, tx.ReasonPrty))
	if code == "" {
		code = "NARR"
	}
	var amount int64
	if strings.TrimSpace(tx.Amount.Value) != "" {
		a, err := tx.Amount.cents(currency)
		if err != nil {
			return Line{}, err
		}
		amount = -a
	}
	day, err := date.Parse(strings.TrimSpace(tx.Collection))
	if err != nil || day.IsZero() {
		day = created
	}
	if day.IsZero() {
		return Line{}, errors.New("neither a requested collection date nor a report date")
	}
	label := strings.Join(strings.Fields("SDD "+e2e+" RJCT "+code+" "+tx.Debtor), " ")
	return Line{Date: day, AmountCents: amount, Label: CutUTF8(label, maxPaymentLabel), Method: MethodDirectDebit,
		Counterparty: CutUTF8(strings.TrimSpace(tx.Debtor), 200), EndToEndID: CutUTF8(e2e, 35), ReturnCode: CutUTF8(code, 35),
		Reject: true}, nil
}
