package demo

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"

	"coin/config"
	"coin/date"
	"coin/money"
	"coin/store"
)

// ErrNoDebitFile is Returns before any direct debit file was written.
var ErrNoDebitFile = errors.New("write a direct debit file first")

// Returns writes, for trying returned debits, the CAMT.053 statement a bank
// would send after the last direct debit file: every collection credited,
// and the first one sent back unpaid (AM04, insufficient funds) today.
func Returns(ctx context.Context, s *store.Store, cfg *config.Config, today date.Date) ([]byte, error) {
	files, err := s.SEPAFiles(ctx, 1)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, ErrNoDebitFile
	}
	debits, err := s.DebitsOfFile(ctx, files[0].MessageID)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>DEMO-RETURNS-%[1]s</MsgId><CreDtTm>%[1]sT06:00:00</CreDtTm></GrpHdr>
<Stmt><Id>DEMO-%[1]s</Id><Acct><Id><IBAN>%[2]s</IBAN></Id></Acct>
`, today.String(), esc(cfg.SEPA.CreditorIBAN))
	for i, d := range debits {
		day := date.Min(d.CollectionDate, today)
		entry(&b, cfg.Billing.Currency, fmt.Sprintf("DEMO-DD-%d", d.ID), day, "CRDT", d.AmountCents, d.EndToEndID, "")
		if i == 0 {
			entry(&b, cfg.Billing.Currency, fmt.Sprintf("DEMO-RT-%d", d.ID), today, "DBIT", d.AmountCents, d.EndToEndID, "AM04")
		}
	}
	b.WriteString("</Stmt></BkToCstmrStmt></Document>\n")
	return b.Bytes(), nil
}

func entry(b *bytes.Buffer, currency, ref string, day date.Date, cd string, cents int64, endToEnd, reason string) {
	rtr := ""
	if reason != "" {
		rtr = "<RtrInf><Rsn><Cd>" + reason + "</Cd></Rsn></RtrInf>"
	}
	fmt.Fprintf(b, `<Ntry><Amt Ccy="%s">%s</Amt><CdtDbtInd>%s</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>%s</Dt></BookgDt>
<AcctSvcrRef>%s</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>IDDT</Cd><SubFmlyCd>ESDD</SubFmlyCd></Fmly></Domn></BkTxCd>
<NtryDtls><TxDtls><Refs><EndToEndId>%s</EndToEndId></Refs>%s</TxDtls></NtryDtls></Ntry>
`, esc(currency), money.Decimal(cents, "."), cd, day.String(), esc(ref), esc(endToEnd), rtr)
}

func esc(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
