package bank

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

const painHead = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt>
<GrpHdr><MsgId>RPT-7</MsgId><CreDtTm>2027-04-02T08:00:00</CreDtTm></GrpHdr>`

func TestPain002GivesOneLinePerRejectedDebit(t *testing.T) {
	data := []byte(painHead + `<OrgnlGrpInfAndSts><OrgnlMsgId>COIN-1</OrgnlMsgId><GrpSts>PART</GrpSts></OrgnlGrpInfAndSts>
<OrgnlPmtInfAndSts><OrgnlPmtInfId>P1</OrgnlPmtInfId>
<TxInfAndSts><OrgnlEndToEndId>2027-000001</OrgnlEndToEndId><TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>AC04</Cd></Rsn></StsRsnInf>
<OrgnlTxRef><Amt><InstdAmt Ccy="EUR">25.00</InstdAmt></Amt><ReqdColltnDt>2027-04-05</ReqdColltnDt><Dbtr><Nm>Élise Ñúñez</Nm></Dbtr></OrgnlTxRef></TxInfAndSts>
<TxInfAndSts><OrgnlEndToEndId>2027-000002</OrgnlEndToEndId><TxSts>ACCP</TxSts></TxInfAndSts>
</OrgnlPmtInfAndSts>
<OrgnlPmtInfAndSts><OrgnlPmtInfId>P2</OrgnlPmtInfId><PmtInfSts>RJCT</PmtInfSts>
<TxInfAndSts><OrgnlEndToEndId>2027-000003</OrgnlEndToEndId><StsRsnInf><Rsn><Prtry>X99</Prtry></Rsn></StsRsnInf></TxInfAndSts>
</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>`)
	st, err := Read(data, FormatCAMT053, "EUR", nil, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if st.Format != FormatPain002 || len(st.Lines) != 2 {
		t.Fatalf("format %q, %d lines: %+v", st.Format, len(st.Lines), st.Lines)
	}
	a, b := st.Lines[0], st.Lines[1]
	if a.EndToEndID != "2027-000001" || a.ReturnCode != "AC04" || a.AmountCents != -2500 || a.Date.String() != "2027-04-05" ||
		a.Method != MethodDirectDebit || a.Counterparty != "Élise Ñúñez" || !strings.Contains(a.Reference, "RPT-7") {
		t.Fatalf("first line %+v", a)
	}
	// A block rejected whole passes its status to its transactions; no
	// amount given, no collection date: the report's day, amount from the debit.
	if b.EndToEndID != "2027-000003" || b.ReturnCode != "X99" || b.AmountCents != 0 || b.Date.String() != "2027-04-02" {
		t.Fatalf("second line %+v", b)
	}
	if a.Hash == "" || a.Hash == b.Hash || a.Reference == b.Reference {
		t.Fatal("lines without their own keys")
	}
}

func TestPain002RejectingAWholeFileIsExplained(t *testing.T) {
	data := []byte(painHead + `<OrgnlGrpInfAndSts><OrgnlMsgId>COIN-20270401-100000</OrgnlMsgId><GrpSts>RJCT</GrpSts></OrgnlGrpInfAndSts></CstmrPmtStsRpt></Document>`)
	_, err := Read(data, FormatCAMT053, "EUR", nil, 1<<20)
	var be *Error
	if !errors.As(err, &be) || be.Kind != "pain002_whole" || !strings.Contains(be.Error(), "COIN-20270401-100000") {
		t.Fatalf("got %v", err)
	}
	// A block rejected whole beside one listing its transactions.
	data = []byte(painHead + `<OrgnlGrpInfAndSts><OrgnlMsgId>COIN-2</OrgnlMsgId><GrpSts>PART</GrpSts></OrgnlGrpInfAndSts>
<OrgnlPmtInfAndSts><TxInfAndSts><OrgnlEndToEndId>E1</OrgnlEndToEndId><TxSts>ACCP</TxSts></TxInfAndSts></OrgnlPmtInfAndSts>
<OrgnlPmtInfAndSts><OrgnlPmtInfId>P2</OrgnlPmtInfId><PmtInfSts>RJCT</PmtInfSts></OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>`)
	if _, err := Read(data, FormatCAMT053, "EUR", nil, 1<<20); !errors.As(err, &be) || be.Kind != "pain002_whole" {
		t.Fatalf("a rejected block without its debits: %v", err)
	}
	// Accepting everything rejects nothing: an empty report, said so.
	data = []byte(painHead + `<OrgnlGrpInfAndSts><OrgnlMsgId>M</OrgnlMsgId><GrpSts>ACCP</GrpSts></OrgnlGrpInfAndSts></CstmrPmtStsRpt></Document>`)
	if _, err := Read(data, FormatCAMT053, "EUR", nil, 1<<20); !errors.As(err, &be) || be.Kind != "empty" {
		t.Fatalf("got %v", err)
	}
}

func TestCAMT053ReturnEntryNamesTheDebit(t *testing.T) {
	data := camtEntries(`<Ntry><Amt Ccy="EUR">25.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2027-03-10</Dt></BookgDt>
<AcctSvcrRef>R1</AcctSvcrRef><NtryDtls><TxDtls><Refs><EndToEndId>2027-000001</EndToEndId></Refs>
<RtrInf><Rsn><Cd>AM04</Cd></Rsn></RtrInf></TxDtls></NtryDtls></Ntry>
<Ntry><Amt Ccy="EUR">12.50</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2027-03-10</Dt></BookgDt>
<NtryDtls><TxDtls><Refs><EndToEndId>OVH-1</EndToEndId></Refs></TxDtls></NtryDtls></Ntry>`)
	lines, err := ParseCAMT053(data, "EUR")
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 || lines[0].EndToEndID != "2027-000001" || lines[0].ReturnCode != "AM04" || lines[0].AmountCents != -2500 {
		t.Fatalf("return line %+v", lines)
	}
	if lines[1].ReturnCode != "" || lines[1].EndToEndID != "" {
		t.Fatalf("a plain debit taken for a return: %+v", lines[1])
	}
}

func FuzzParsePain002(f *testing.F) {
	f.Add([]byte(painHead + `<OrgnlPmtInfAndSts><TxInfAndSts><OrgnlEndToEndId>E</OrgnlEndToEndId><TxSts>RJCT</TxSts><OrgnlTxRef><Amt><InstdAmt Ccy="EUR">1.00</InstdAmt></Amt></OrgnlTxRef></TxInfAndSts></OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>`))
	f.Add([]byte(painHead + `<OrgnlGrpInfAndSts><GrpSts>RJCT</GrpSts></OrgnlGrpInfAndSts></CstmrPmtStsRpt></Document>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		lines, err := ParsePain002(data, "EUR")
		if err != nil {
			var be *Error
			if !errors.As(err, &be) || !utf8.ValidString(be.Error()) {
				t.Fatalf("error of another kind: %v", err)
			}
			return
		}
		for _, l := range lines {
			if l.Date.IsZero() || l.EndToEndID == "" || l.ReturnCode == "" || l.AmountCents > 0 {
				t.Fatalf("bad line %+v", l)
			}
			if !utf8.ValidString(l.Label) || !utf8.ValidString(l.EndToEndID) {
				t.Fatalf("invalid UTF-8 in %+v", l)
			}
		}
	})
}
