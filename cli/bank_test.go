package cli

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestImportPaymentsCommand(t *testing.T) {
	env := tempEnv(t, "COIN_BANK_MAX_FILE_SIZE=2048")
	if r := run(t, "correct horse battery\n", env, "createsuperuser", "--login", "root", "--email", "root@isp.example"); r.status != 0 {
		t.Fatal(r.stderr)
	}
	dir := t.TempDir()
	stmt := filepath.Join(dir, "releve.xml")
	os.WriteFile(stmt, []byte(`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt>
<Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id></Acct>
<Ntry><Amt Ccy="EUR">15.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2027-03-11</Dt></BookgDt>
<AcctSvcrRef>R-1</AcctSvcrRef><NtryDtls><TxDtls><RmtInf><Ustrd>ADH-1 cotisation</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
<Ntry><Amt Ccy="EUR">99.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2027-03-11</Dt></BookgDt>
<AcctSvcrRef>R-2</AcctSvcrRef><AddtlNtryInf>DON ANONYME</AddtlNtryInf></Ntry>
<Ntry><Amt Ccy="EUR">12.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2027-03-11</Dt></BookgDt>
<AcctSvcrRef>R-3</AcctSvcrRef><AddtlNtryInf>FRAIS</AddtlNtryInf></Ntry>
</Stmt></BkToCstmrStmt></Document>`), 0o600)

	r := run(t, "", env, "import-payments", "--format", "camt053", "--dry-run", stmt)
	if r.status != 0 || !strings.Contains(r.stdout, "matched") || !strings.Contains(r.stdout, "unmatched") ||
		!strings.Contains(r.stdout, "ignored") || !strings.Contains(r.stdout, "dry run: nothing imported (3 lines, 1 to settle by hand)") {
		t.Fatalf("dry run: %d %q %q", r.status, r.stdout, r.stderr)
	}
	r = run(t, "", env, "import-payments", "--format", "camt053", stmt)
	if r.status != 0 || !strings.Contains(r.stdout, "payments imported: 1 (membership fees: 1), total 15.00; already imported: 0; left out: 1; debits ignored: 1") ||
		!strings.Contains(r.stdout, "1 ambiguous or unmatched lines were left out") {
		t.Fatalf("import: %d %q %q", r.status, r.stdout, r.stderr)
	}
	r = run(t, "", env, "import-payments", "--format", "camt053", stmt)
	if r.status != 0 || !strings.Contains(r.stdout, "duplicate") || !strings.Contains(r.stdout, "payments imported: 0 (membership fees: 0), total 0.00; already imported: 1;") {
		t.Fatalf("second import: %d %q %q", r.status, r.stdout, r.stderr)
	}

	big := filepath.Join(dir, "big.csv")
	os.WriteFile(big, []byte(strings.Repeat("x", 4096)), 0o600)
	notXML := filepath.Join(dir, "x.csv")
	os.WriteFile(notXML, []byte("Date;Libellé;Montant\n"), 0o600)
	zip := filepath.Join(dir, "releve.zip")
	os.WriteFile(zip, []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00\xff\xfe releve.csv"), 0o600)
	// A CAMT.053 statement under a CSV profile is read as CAMT.053.
	if r := run(t, "", env, "import-payments", "--format", "credit_mutuel", "--dry-run", stmt); r.status != 0 ||
		!strings.Contains(r.stdout, "read as a CAMT.053 XML statement") {
		t.Errorf("camt053 under a CSV profile: %d %q %q", r.status, r.stdout, r.stderr)
	}
	// A CSV export ending with a balance, in UTF-8 under a Windows-1252 profile.
	csvStmt := filepath.Join(dir, "releve.csv")
	os.WriteFile(csvStmt, []byte("Date;Date de valeur;Débit;Crédit;Libellé;Solde\r\n"+
		"02/03/2027;02/03/2027;;15,00;VIR SEPA DUPONT JEAN;1 015,00\r\n\r\nSolde en début de période;;;39916,24;;\r\n"), 0o600)
	if r := run(t, "", env, "import-payments", "--format", "credit_mutuel", "--dry-run", csvStmt); r.status != 0 ||
		!strings.Contains(r.stdout, "read as CSV with the profile credit_mutuel, in the utf-8 encoding; 1 line after the last entry (a balance or total) left out") {
		t.Errorf("csv with a balance: %d %q %q", r.status, r.stdout, r.stderr)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{big}, "more than bank.max_file_size (2048): nothing imported"},
		{[]string{"--format", "ofx", stmt}, `unknown format "ofx"`},
		{[]string{"--format", "camt053", notXML}, "this file is CSV, not a CAMT.053 XML statement: choose your bank's CSV format"},
		{[]string{"--format", "camt053", zip}, "this looks like a ZIP archive (or an .xlsx or .ods spreadsheet), not a bank statement"},
		{[]string{filepath.Join(dir, "missing.csv")}, "no such file"},
	} {
		r := run(t, "", env, append([]string{"import-payments"}, c.args...)...)
		if r.status != 1 || !strings.Contains(r.stderr, c.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("import-payments %v: %d %q", c.args, r.status, r.stderr)
		}
	}
}

func TestSEPADebitAndExportCommands(t *testing.T) {
	env := tempEnv(t)
	r := run(t, "", env, "sepa-debit")
	if r.status != 1 || !strings.Contains(r.stderr, "SEPA direct debit is off") {
		t.Fatalf("sepa-debit without creditor: %d %q", r.status, r.stderr)
	}
	env = tempEnv(t, "COIN_SEPA_CREDITOR_ID=FR72ZZZ123456", "COIN_SEPA_CREDITOR_NAME=Rézo",
		"COIN_SEPA_CREDITOR_IBAN=FR7630006000011234567890189")
	r = run(t, "", env, "sepa-debit", "--date", "2027-03-01")
	if r.status != 1 || !strings.Contains(r.stderr, "no open invoice of a member with an active mandate") {
		t.Fatalf("sepa-debit with nothing to collect: %d %q", r.status, r.stderr)
	}
	r = run(t, "", env, "export-accounting", "--from", "2027-01-01", "--to", "2027-12-31", "--format", "fec")
	if r.status != 0 || !strings.HasPrefix(r.stdout, "JournalCode|JournalLib|EcritureNum|") {
		t.Fatalf("fec: %d %q %q", r.status, r.stdout, r.stderr)
	}
	out := filepath.Join(t.TempDir(), "export.csv")
	r = run(t, "", env, "export-accounting", "--from", "2027-01-01", "--to", "2027-12-31", "--output", out)
	if b, _ := os.ReadFile(out); r.status != 0 || !strings.HasPrefix(string(b), "type,date,number,") {
		t.Fatalf("csv: %d %q %q", r.status, b, r.stderr)
	}
	r = run(t, "", env, "export-accounting", "--from", "2027-12-31", "--to", "2027-01-01")
	if r.status != 1 || !strings.Contains(r.stderr, "before --from") {
		t.Fatalf("reversed range: %d %q", r.status, r.stderr)
	}
	// Article A47 A-1 LPF: ISO 8859-15 by default, UTF-8 on request, nothing else.
	if r = run(t, "", env, "export-accounting", "--from", "2027-01-01", "--to", "2027-12-31", "--format", "fec", "--charset", "utf-8"); r.status != 0 ||
		!strings.HasPrefix(r.stdout, "JournalCode|") {
		t.Fatalf("fec utf-8: %d %q", r.status, r.stderr)
	}
	if r = run(t, "", env, "export-accounting", "--from", "2027-01-01", "--to", "2027-12-31", "--format", "fec", "--charset", "ebcdic"); r.status != 2 {
		t.Fatalf("unknown charset: %d %q", r.status, r.stderr)
	}
	if r = run(t, "", env, "export-accounting", "--from", "2027-01-01", "--to", "2027-12-31", "--format", "xls"); r.status != 2 {
		t.Fatalf("unknown format: %d %q", r.status, r.stderr)
	}
}

// failingWriter is a standard output that refuses what is written.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

// A direct debit file that cannot be written records nothing when the
// path is bad from the start; when the write fails after the debits are
// recorded, the command says how to write the stored file again.
func TestSEPADebitFileIsNeverLost(t *testing.T) {
	env := tempEnv(t, "COIN_SEPA_CREDITOR_ID=FR72ZZZ123456", "COIN_SEPA_CREDITOR_NAME=Rézo",
		"COIN_SEPA_CREDITOR_IBAN=FR7630006000011234567890189")
	if r := run(t, "", env, "demo"); r.status != 0 {
		t.Fatal(r.stderr)
	}
	r := run(t, "", env, "sepa-debit", "-o", "/nonexistent/dir/f.xml")
	if r.status != 1 || !strings.Contains(r.stderr, "nothing recorded") || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Fatalf("bad output path: %d %q", r.status, r.stderr)
	}
	dir := t.TempDir()
	if r := run(t, "", env, "sepa-debit", "-o", dir); r.status != 1 || !strings.Contains(r.stderr, "is a directory: nothing recorded") {
		t.Fatalf("directory as output: %d %q", r.status, r.stderr)
	}
	trial := run(t, "", env, "sepa-debit", "--dry-run")
	if trial.status != 0 || !strings.Contains(trial.stdout, "<EndToEndId>") || !strings.Contains(trial.stderr, "5 direct debits") {
		t.Fatalf("nothing was left to collect after the failures: %d %q", trial.status, trial.stderr)
	}

	// Standard output breaks once the debits are recorded.
	var errb bytes.Buffer
	st := Run([]string{"sepa-debit"}, strings.NewReader(""), failingWriter{}, &errb, env)
	msgID := regexp.MustCompile(`--file (COIN-[0-9-]+) -o FILE`).FindStringSubmatch(errb.String())
	if st != 1 || !strings.Contains(errb.String(), "broken pipe") || !strings.Contains(errb.String(), "5 debits are recorded") || msgID == nil {
		t.Fatalf("broken output: %d %q", st, errb.String())
	}
	if r := run(t, "", env, "sepa-debit"); r.status != 1 || !strings.Contains(r.stderr, "no open invoice") {
		t.Fatalf("the debits were not recorded: %d %q", r.status, r.stderr)
	}
	// The file is written again as it was made, to standard output or a file.
	again := run(t, "", env, "sepa-debit", "--file", msgID[1])
	if again.status != 0 || !strings.Contains(again.stdout, "<MsgId>"+msgID[1]+"</MsgId>") || strings.Count(again.stdout, "<DrctDbtTxInf>") != 5 ||
		!strings.Contains(again.stderr, "5 direct debits") {
		t.Fatalf("--file: %d %q %q", again.status, again.stdout, again.stderr)
	}
	out := filepath.Join(dir, "f.xml")
	if r := run(t, "", env, "sepa-debit", "--file", msgID[1], "-o", out); r.status != 0 {
		t.Fatalf("--file -o: %d %q", r.status, r.stderr)
	}
	if b, _ := os.ReadFile(out); string(b) != again.stdout {
		t.Fatal("the file written again differs")
	}
	if r := run(t, "", env, "sepa-debit", "--file", "COIN-nope"); r.status != 1 || !strings.Contains(r.stderr, `no stored direct debit file "COIN-nope"`) {
		t.Fatalf("unknown file: %d %q", r.status, r.stderr)
	}
	for _, args := range [][]string{{"--file", msgID[1], "--dry-run"}, {"--file", msgID[1], "--date", "2027-01-01"}} {
		if r := run(t, "", env, append([]string{"sepa-debit"}, args...)...); r.status != 2 {
			t.Errorf("sepa-debit %v: %d %q", args, r.status, r.stderr)
		}
	}
}
