package bank

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"coin/config"
)

func testdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// neobankProfile is a UTF-8, comma-separated export with ISO dates and a
// transaction id, the layout of online-only banks.
var neobankProfile = config.BankProfile{Delimiter: ",", Encoding: "utf-8", DecimalSeparator: ".",
	DateFormat: "2006-01-02", Header: true, DateColumn: "Date", LabelColumn: "Payment reference",
	AmountColumn: "Amount (EUR)", ReferenceColumn: "Transaction id", Sign: "credit_positive"}

func profiles() map[string]config.BankProfile {
	p := config.Default().Bank.Profiles
	p["neobank"] = neobankProfile
	return p
}

type want struct {
	date, label, ref, method string
	cents                    int64
}

func check(t *testing.T, got []Line, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		t.Fatalf("%d lines, want %d: %+v", len(got), len(wants), got)
	}
	hashes := map[string]bool{}
	for i, w := range wants {
		g := got[i]
		if g.Date.String() != w.date || g.AmountCents != w.cents || !strings.Contains(g.Label, w.label) ||
			g.Reference != w.ref || (w.method != "" && g.Method != w.method) {
			t.Errorf("line %d: got %+v, want %+v", i+1, g, w)
		}
		if len(g.Hash) != 32 || hashes[g.Hash] {
			t.Errorf("line %d: hash %q missing or repeated", i+1, g.Hash)
		}
		hashes[g.Hash] = true
	}
}

func TestCreditMutuelWindows1252(t *testing.T) {
	lines, err := Parse(testdata(t, "credit_mutuel.csv"), "credit_mutuel", "EUR", profiles(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	check(t, lines, []want{
		{"2027-03-02", "VIR SEPA DUPONT JEAN ADH-1", "", "transfer", 1500},
		{"2027-03-03", "FACT 2027-000002", "", "transfer", 3000},
		{"2027-03-03", "OVH SAS Hébergement", "", "direct_debit", -1250},
		{"2027-03-04", "LEFÈVRE ÉLODIE", "", "transfer", 2000},
		{"2027-03-05", "SUBVENTION", "", "transfer", 120000},
	})
}

func TestBanquePostaleSkipsAccountLinesAndKeepsTwinTransfers(t *testing.T) {
	lines, err := Parse(testdata(t, "la_banque_postale.csv"), "la_banque_postale", "EUR", profiles(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	check(t, lines, []want{
		{"2027-03-06", "DURAND PAUL REF ADH-3", "", "", 1500},
		{"2027-03-06", "DURAND PAUL REF ADH-3", "", "", 1500},
		{"2027-03-07", "CARTE X1234", "", "", -840},
		{"2027-03-08", "ASSOCIATION TOTO", "", "", 4500},
	})
	again, _ := Parse(testdata(t, "la_banque_postale.csv"), "la_banque_postale", "EUR", profiles(), 1<<20)
	for i := range lines {
		if lines[i].Hash != again[i].Hash {
			t.Fatalf("hash of line %d changes between two reads", i+1)
		}
	}
}

func TestNeobankUTF8WithReferences(t *testing.T) {
	lines, err := Parse(testdata(t, "neobank.csv"), "neobank", "EUR", profiles(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	check(t, lines, []want{
		{"2027-03-09", "VPN-7 mars", "tx-0001", "", 2000},
		{"2027-03-09", "Forfait", "tx-0002", "", -1999},
		{"2027-03-10", "cotisation", "tx-0003", "", 1500},
	})
}

func TestColumnsByPositionAndInvertedSign(t *testing.T) {
	p := config.BankProfile{Delimiter: "tab", Encoding: "utf-8", DecimalSeparator: ",", DateFormat: "02.01.2006",
		DateColumn: "1", LabelColumn: "3", AmountColumn: "2", Sign: "credit_negative"}
	data := "01.04.2027\t-25,00\tGutschrift ADH-9\n\n02.04.2027\t1.234,56\tMiete\nSumme\t\t\n"
	lines, err := ParseCSV([]byte(data), p)
	if err != nil {
		t.Fatal(err)
	}
	hashLines(lines)
	check(t, lines, []want{{"2027-04-01", "ADH-9", "", "", 2500}, {"2027-04-02", "Miete", "", "", -123456}})
}

func TestCAMT053Version02(t *testing.T) {
	lines, err := Parse(testdata(t, "camt053_v02.xml"), FormatCAMT053, "EUR", profiles(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	check(t, lines, []want{
		{"2027-03-11", "ADH-1 cotisation 2027", "2027031100012345", "transfer", 1500},
		{"2027-03-11", "PRLV SEPA OVH", "2027031100012346", "direct_debit", -1250},
		{"2027-03-12", "2027-000002", "2027031200000077-1", "direct_debit", 3000},
		{"2027-03-12", "2027-000004", "2027031200000077-2", "direct_debit", 2000},
	})
	if lines[0].Counterparty != "M JEAN DUPONT" || lines[0].Account != "FR7630006000011234567890189" {
		t.Errorf("counterparty or account: %+v", lines[0])
	}
	if strings.Contains(lines[0].Label, "NOTPROVIDED") {
		t.Errorf("NOTPROVIDED kept in %q", lines[0].Label)
	}
}

func TestCAMT053Version08(t *testing.T) {
	lines, err := Parse(testdata(t, "camt053_v08.xml"), FormatCAMT053, "EUR", profiles(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	check(t, lines, []want{
		{"2027-03-15", "Abonnement VPN-7", "ZX-99120", "transfer", 2000},
		{"2027-03-15", "RETOUR VIREMENT", "ZX-99121", "", -700},
	})
	if lines[0].Counterparty != "Sophie Bernard" {
		t.Errorf("counterparty %q", lines[0].Counterparty)
	}
}

func TestRefusals(t *testing.T) {
	cm := testdata(t, "credit_mutuel.csv")
	cases := []struct {
		name, format, kind string
		data               []byte
		max                int64
	}{
		{"too large", "credit_mutuel", "too_large", cm, 100},
		{"unknown format", "ofx", "unknown_format", cm, 1 << 20},
		{"windows file read as utf-8", "neobank", "encoding", cm, 1 << 20},
		{"undecodable windows-1252 byte", "credit_mutuel", "encoding", []byte("Date;Débit;Crédit;Libellé\n01/01/2027;;1,00;x\x81y\n"), 1 << 20},
		{"other xml as csv", "credit_mutuel", "xml_not_csv", []byte(`<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"/>`), 1 << 20},
		{"csv as camt", FormatCAMT053, "csv_as_camt", testdata(t, "neobank.csv"), 1 << 20},
		{"other xml", FormatCAMT053, "unknown_format", []byte(`<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"/>`), 1 << 20},
		{"wrong profile", "credit_mutuel", "syntax", testdata(t, "neobank.csv"), 1 << 20},
		{"bad date", "neobank", "line", []byte("Date,Payment reference,Amount (EUR),Transaction id\n31/12/2027,x,1.00,a\n"), 1 << 20},
		{"bad amount", "neobank", "line", []byte("Date,Payment reference,Amount (EUR),Transaction id\n2027-12-31,x,1.005,a\n"), 1 << 20},
		{"binary", "neobank", "zip", []byte("PK\x03\x04\x00\x00"), 1 << 20},
		{"empty", "neobank", "empty", []byte("Date,Payment reference,Amount (EUR),Transaction id\n"), 1 << 20},
		{"camt without booking date", FormatCAMT053, "line", []byte(`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04"><BkToCstmrStmt><Stmt><Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry></Stmt></BkToCstmrStmt></Document>`), 1 << 20},
	}
	for _, c := range cases {
		_, err := Parse(c.data, c.format, "EUR", profiles(), c.max)
		var be *Error
		if !errors.As(err, &be) || be.Kind != c.kind {
			t.Errorf("%s: got %v, want kind %s", c.name, err, c.kind)
		}
	}
}

// camtEntries wraps entries in a camt.053.001.02 statement.
func camtEntries(entries ...string) []byte {
	return []byte(`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Acct><Id><IBAN>FR76</IBAN></Id></Acct>` +
		strings.Join(entries, "") + `</Stmt></BkToCstmrStmt></Document>`)
}

func ntry(amt, ind, details string) string {
	return `<Ntry>` + amt + `<CdtDbtInd>` + ind + `</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2027-03-11</Dt></BookgDt><AcctSvcrRef>R</AcctSvcrRef>` +
		details + `<AddtlNtryInf>ADH-1</AddtlNtryInf></Ntry>`
}

// A CAMT amount is in the billing currency and has no sign: anything else
// refuses the statement, naming the entry, rather than importing a debit
// as a credit or francs as euros.
func TestCAMT053CurrencyAndSign(t *testing.T) {
	ok := ntry(`<Amt Ccy="EUR">15.00</Amt>`, "CRDT", "")
	batch := func(a, b string) string {
		return ntry(`<Amt Ccy="EUR">30.00</Amt>`, "CRDT", `<NtryDtls><TxDtls><Amt Ccy="EUR">`+a+`</Amt></TxDtls><TxDtls>`+b+`</TxDtls></NtryDtls>`)
	}
	for _, c := range []struct {
		name, kind, detail string
		data               []byte
	}{
		{"francs", "currency", "entry 2: amount in CHF, but the billing currency is EUR",
			camtEntries(ok, ntry(`<Amt Ccy="CHF">15.00</Amt>`, "CRDT", ""))},
		{"negative debit", "line", `entry 3: amount "-12.00" is negative`,
			camtEntries(ok, ok, ntry(`<Amt Ccy="EUR">-12.00</Amt>`, "DBIT", ""))},
		{"negative credit", "line", `entry 1: amount "-0.01" is negative`,
			camtEntries(ntry(`<Amt Ccy="EUR">-0.01</Amt>`, "CRDT", ""))},
		{"no currency", "line", `entry 1: amount "15.00" has no currency`,
			camtEntries(ntry(`<Amt>15.00</Amt>`, "CRDT", ""))},
		{"negative transaction of a batch", "line", `entry 2: transaction 2: amount "-10.00" is negative`,
			camtEntries(ok, batch("20.00", `<Amt Ccy="EUR">-10.00</Amt>`))},
		{"transaction of a batch in francs", "currency", "entry 1: transaction 2: amount in CHF",
			camtEntries(batch("20.00", `<AmtDtls><TxAmt><Amt Ccy="CHF">10.00</Amt></TxAmt></AmtDtls>`))},
	} {
		_, err := Parse(c.data, FormatCAMT053, "EUR", profiles(), 1<<20)
		var be *Error
		if !errors.As(err, &be) || be.Kind != c.kind || !strings.Contains(be.Detail, c.detail) {
			t.Errorf("%s: got %v, want kind %s and %q", c.name, err, c.kind, c.detail)
		}
	}
	lines, err := Parse(camtEntries(ok, ntry(`<Amt Ccy="EUR">12.00</Amt>`, "DBIT", ""),
		batch("20.00", `<AmtDtls><TxAmt><Amt Ccy="EUR">10.00</Amt></TxAmt></AmtDtls>`)), FormatCAMT053, "EUR", profiles(), 1<<20)
	if err != nil || len(lines) != 4 || lines[0].AmountCents != 1500 || lines[1].AmountCents != -1200 ||
		lines[2].AmountCents != 2000 || lines[3].AmountCents != 1000 {
		t.Fatalf("%+v %v", lines, err)
	}
	if _, err := Parse(camtEntries(ntry(`<Amt Ccy="CHF">15.00</Amt>`, "CRDT", "")), FormatCAMT053, "CHF", profiles(), 1<<20); err != nil {
		t.Fatalf("francs for a Swiss ISP: %v", err)
	}
}

func FuzzParseCSV(f *testing.F) {
	f.Add([]byte("Date;Date de valeur;D\xe9bit;Cr\xe9dit;Libell\xe9;Solde\r\n02/03/2027;02/03/2027;;15,00;VIR ADH-1;1 015,00\r\n"), 0)
	f.Add([]byte("a\nb\nc\nd\ne\nf\n\nDate;Libell\xe9;Montant(EUROS)\n06/03/2027;\"VIR\";-15,00\n"), 1)
	f.Add([]byte("\"Date\",\"Payment reference\",\"Amount (EUR)\",\"Transaction id\"\n\"2027-03-09\",\"VPN-7\",\"20.00\",\"tx-1\"\n"), 2)
	f.Add([]byte("01.04.2027\t-25,00\tx\n"), 3)
	f.Add([]byte("\ufeffDate;Débit;Crédit;Libellé\n02/03/2027;;15,00;É\n\nSolde en début de période;;39916,24;\n"), 0)
	f.Add([]byte("a;1\nb;2\nDate;Libell\xe9;Montant(EUROS)\n06/03/2027;x;1,00\n;y;2,00\n"), 1)
	f.Add([]byte("\xff\xfeD\x00a\x00t\x00e\x00\n\x00"), 2)
	ps := []config.BankProfile{config.CreditMutuelProfile, config.BanquePostaleProfile, neobankProfile,
		{Delimiter: "tab", Encoding: "utf-8", DecimalSeparator: ",", DateFormat: "02.01.2006",
			DateColumn: "1", LabelColumn: "3", AmountColumn: "2", ReferenceColumn: "9", Sign: "credit_negative"}}
	f.Fuzz(func(t *testing.T, data []byte, which int) {
		p := ps[(which%len(ps)+len(ps))%len(ps)]
		lines, err := ParseCSV(data, p)
		if err != nil {
			var be *Error
			if !errors.As(err, &be) {
				t.Fatalf("error of another kind: %v", err)
			}
			return
		}
		for _, l := range lines {
			if l.Date.IsZero() {
				t.Fatalf("line without a date: %+v", l)
			}
		}
	})
}

// FuzzRead checks the format detection in front of both parsers: any
// file under any format gives lines or an *Error whose message is valid
// UTF-8 without control characters.
func FuzzRead(f *testing.F) {
	f.Add([]byte("PK\x03\x04\x14\x00"), 0)
	f.Add([]byte("Date;Libell\xe9;Montant(EUROS)\n06/03/2027;x;1,00\n"), 0)
	f.Add([]byte("Date;Libell\xe9;Montant(EUROS)\n06/03/2027;x;1,00\n"), 1)
	f.Add(camtEntries(ntry(`<Amt Ccy="EUR">12.00</Amt>`, "CRDT", "")), 2)
	f.Add([]byte(`<?xml version="1.0"?><x/>`), 3)
	formats := Formats(profiles())
	f.Fuzz(func(t *testing.T, data []byte, which int) {
		format := formats[(which%len(formats)+len(formats))%len(formats)]
		st, err := Read(data, format, "EUR", profiles(), 1<<20)
		if err != nil {
			var be *Error
			if !errors.As(err, &be) {
				t.Fatalf("error of another kind: %v", err)
			}
			msg := be.Error()
			if !utf8.ValidString(msg) || strings.IndexFunc(msg, unicode.IsControl) >= 0 {
				t.Fatalf("message not printable: %q", msg)
			}
			return
		}
		if len(st.Lines) == 0 || st.Format == "" {
			t.Fatalf("read without lines or format: %+v", st)
		}
	})
}

func FuzzParseCAMT053(f *testing.F) {
	// Small seeds: the fuzzer minimises every new input it finds, and
	// minimising a whole statement would eat a short run.
	f.Add([]byte(`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Acct><Id><IBAN>FR76</IBAN></Id></Acct><Ntry><AcctSvcrRef>R1</AcctSvcrRef><Amt Ccy="EUR">15.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2027-03-11</Dt></BookgDt><NtryDtls><TxDtls><RltdPties><Dbtr><Nm>A B</Nm></Dbtr></RltdPties><RmtInf><Ustrd>ADH-1</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>`))
	f.Add([]byte(`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04"><BkToCstmrStmt><Stmt><Ntry><Amt Ccy="EUR">1</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><DtTm>2027-01-01T00:00:00Z</DtTm></BookgDt><NtryDtls><TxDtls/><TxDtls><Amt Ccy="EUR">2</Amt></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>`))
	f.Add(camtEntries(ntry(`<Amt Ccy="EUR">-12.00</Amt>`, "DBIT", "")))
	f.Add(camtEntries(ntry(`<Amt Ccy="CHF">12.00</Amt>`, "CRDT", "")))
	f.Add([]byte(`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Ntry><Amt Ccy="EUR">1</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2017-04-01+02:00</Dt></BookgDt><ValDt><DtTm>2017-04-01T10:00:00.5-05:00</DtTm></ValDt></Ntry></Stmt></BkToCstmrStmt></Document>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		lines, err := ParseCAMT053(data, "EUR")
		if err != nil {
			var be *Error
			if !errors.As(err, &be) {
				t.Fatalf("error of another kind: %v", err)
			}
			return
		}
		for _, l := range lines {
			if l.Date.IsZero() {
				t.Fatalf("line without a date: %+v", l)
			}
		}
		// The sign comes from CdtDbtInd only: a credit never comes from
		// a debit indicator, whatever the amount says.
		if !bytes.Contains(data, []byte("DBIT")) {
			for _, l := range lines {
				if l.AmountCents < 0 {
					t.Fatalf("money out without DBIT: %+v", l)
				}
			}
		}
	})
}

func TestCutUTF8(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"abc", 5, "abc"}, {"abcé", 4, "abc"}, {"abcé", 5, "abcé"}, {"a€", 3, "a"}, {"€", 2, ""}, {"ab", 0, ""},
	} {
		if got := CutUTF8(c.in, c.n); got != c.want {
			t.Errorf("CutUTF8(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

// Booking dates are xs:date or xs:dateTime, with or without a zone: the
// day is the one written, in the statement's zone (never moved to UTC).
func TestCAMT053DatesWithZones(t *testing.T) {
	entry := func(booking string) string {
		return `<Ntry><Amt Ccy="EUR">15.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt>` + booking +
			`</BookgDt><AcctSvcrRef>R</AcctSvcrRef><AddtlNtryInf>ADH-1</AddtlNtryInf></Ntry>`
	}
	for _, c := range []struct{ booking, want string }{
		{"<Dt>2017-04-01</Dt>", "2017-04-01"},
		{"<Dt>2017-04-01+02:00</Dt>", "2017-04-01"},
		{"<Dt>2017-04-01-05:00</Dt>", "2017-04-01"},
		{"<Dt>2017-04-01Z</Dt>", "2017-04-01"},
		{"<Dt> 2017-04-01+14:00 </Dt>", "2017-04-01"},
		{"<DtTm>2017-04-01T00:30:00+02:00</DtTm>", "2017-04-01"},
		{"<DtTm>2017-04-01T23:30:00-05:00</DtTm>", "2017-04-01"},
		{"<DtTm>2017-04-01T10:00:00.123456+01:00</DtTm>", "2017-04-01"},
		{"<DtTm>2017-04-01T10:00:00Z</DtTm>", "2017-04-01"},
		{"<DtTm>2017-04-01T10:00:00.5Z</DtTm>", "2017-04-01"},
		{"<DtTm>2017-04-01T10:00:00</DtTm>", "2017-04-01"},
		{"<DtTm>2017-04-01T10:00:00.25</DtTm>", "2017-04-01"},
	} {
		lines, err := Parse(camtEntries(entry(c.booking)), FormatCAMT053, "EUR", profiles(), 1<<20)
		if err != nil || len(lines) != 1 || lines[0].Date.String() != c.want {
			t.Errorf("%s: %+v %v, want %s", c.booking, lines, err, c.want)
		}
	}
	// Not dates: the entry has no booking date and the statement is refused.
	for _, bad := range []string{"<Dt>2017-04-01+2:00</Dt>", "<Dt>2017-04-01+15:00</Dt>", "<Dt>2017-04-01T10:00:00</Dt>",
		"<Dt>2017-02-30</Dt>", "<Dt>20170401</Dt>", "<DtTm>2017-04-01</DtTm>", "<DtTm>2017-04-01T10:00:00+0200</DtTm>",
		"<DtTm>2017-04-01T1:00:00Z</DtTm>", "<DtTm>2017-04-01T10:00:00.Z</DtTm>", "<DtTm>2017-04-01T10:00:00x</DtTm>"} {
		if _, err := Parse(camtEntries(entry(bad)), FormatCAMT053, "EUR", profiles(), 1<<20); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}
