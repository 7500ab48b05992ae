package bank

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"coin/billing"
	"coin/config"
	"coin/fees"
	"coin/model"
	"coin/money"
	"coin/sepa"
	"coin/store"
)

// ImportLifetime is how long a previewed statement waits for confirmation.
const ImportLifetime = 24 * time.Hour

// Service parses, matches and imports bank statements.
type Service struct {
	Store   *store.Store
	Cfg     *config.Config
	Billing *billing.Service
	Fees    *fees.Service // records the membership fees that lines pay
	SEPA    *sepa.Service // records the direct debits that lines send back
	Log     *slog.Logger
}

// Errors of the confirm and fix steps.
var (
	ErrExpired    = errors.New("this import expired: upload the statement again")
	ErrNotPending = fmt.Errorf("this import was already confirmed: %w", store.ErrConflict)
	ErrBadFix     = errors.New("this line cannot be matched so")
)

// Parse reads a statement with the configured profiles and size limit.
func (s *Service) Parse(data []byte, format string) ([]Line, error) {
	st, err := s.Read(data, format)
	if err != nil {
		return nil, err
	}
	return st.Lines, nil
}

// Read is Parse that also says how the file was read.
func (s *Service) Read(data []byte, format string) (*Statement, error) {
	if format == "" {
		format = s.Cfg.Bank.DefaultProfile
	}
	return Read(data, format, s.Cfg.Billing.Currency, s.Cfg.Bank.Profiles, s.Cfg.Bank.MaxFileSize)
}

// Match proposes what each line pays. Debits are ignored (the preview may
// book them to an account, see booking.go); lines imported before (same
// bank reference, or same key), debits booked before too, are marked
// duplicate.
func (s *Service) Match(ctx context.Context, lines []Line) ([]*store.BankImportLine, error) {
	ix, err := s.buildIndex(ctx)
	if err != nil {
		return nil, fmt.Errorf("read members for matching: %w", err)
	}
	return s.matchWith(ctx, s.Store, ix, lines)
}

func (s *Service) matchWith(ctx context.Context, st *store.Store, ix *index, lines []Line) ([]*store.BankImportLine, error) {
	refs, hashes := make([]string, 0, len(lines)), make([]string, 0, len(lines))
	for _, l := range lines {
		if l.Reference != "" {
			refs = append(refs, l.Reference)
		}
		hashes = append(hashes, l.Hash)
	}
	seen, err := st.ImportedBankKeys(ctx, refs, hashes)
	if err != nil {
		return nil, err
	}
	inFile := map[string]bool{}
	out := make([]*store.BankImportLine, len(lines))
	for i, l := range lines {
		il := &store.BankImportLine{Position: i + 1, Date: l.Date, AmountCents: l.AmountCents, Label: l.Label,
			BankReference: l.Reference, Account: l.Account, Counterparty: l.Counterparty, Hash: l.Hash, Method: l.Method,
			EndToEndID: l.EndToEndID, ReturnCode: l.ReturnCode}
		dup := seen[l.Hash] || (l.Reference != "" && (seen[l.Reference] || inFile[l.Reference]))
		switch {
		case l.ReturnCode != "" && !dup:
			if err := matchReturn(ctx, st, il, l.Reject); err != nil {
				return nil, err
			}
		case dup:
			il.Result = model.LineDuplicate // a debit too, when it was booked
		case l.AmountCents <= 0:
			il.Result = model.LineIgnored
		default:
			ix.match(il)
			ix.describe(il)
		}
		if l.Reference != "" {
			inFile[l.Reference] = true
		}
		out[i] = il
	}
	return out, checkReturns(ctx, st, out, lines)
}

// Preview parses and matches a statement and keeps it, pending, for the
// confirm step.
func (s *Service) Preview(ctx context.Context, fileName, format string, data []byte, by *int64) (*store.BankImport, []*store.BankImportLine, error) {
	if format == "" {
		format = s.Cfg.Bank.DefaultProfile
	}
	st, err := s.Read(data, format)
	if err != nil {
		return nil, nil, err
	}
	matched, err := s.Match(ctx, st.Lines)
	if err != nil {
		return nil, nil, err
	}
	if _, err := s.Store.DeleteExpiredBankImports(ctx, s.Store.Now()); err != nil {
		s.Log.Warn("delete expired bank imports", "err", err)
	}
	imp := &store.BankImport{FileName: fileName, Format: st.Format, Encoding: st.Encoding, Skipped: st.Skipped,
		CreatedBy: by, ExpiresAt: s.Store.Now().Add(ImportLifetime)}
	if err := s.Store.CreateBankImport(ctx, imp, matched); err != nil {
		return nil, nil, err
	}
	return imp, matched, nil
}

// Fix is a match chosen by hand: a member and what the line pays.
type Fix struct {
	MemberID  int64
	Target    string // model.TargetInvoice, TargetFee, TargetCredit; "" leaves the line out
	InvoiceID int64  // for TargetInvoice
}

// FixLine sets the match of a line of a pending import.
func (s *Service) FixLine(ctx context.Context, importID int64, position int, f Fix) (*store.BankImportLine, error) {
	var line *store.BankImportLine
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		if _, err := s.pending(ctx, tx, importID); err != nil {
			return err
		}
		l, err := tx.BankImportLine(ctx, importID, position)
		if err != nil {
			return err
		}
		if l.Result == model.LineIgnored || l.Result == model.LineDuplicate {
			return fmt.Errorf("line %d is %s: %w", position, l.Result, ErrBadFix)
		}
		if err := tx.DeleteBankBooking(ctx, importID, position); err != nil {
			return err
		}
		if f.Target == "" {
			l.Result, l.MemberID, l.Target, l.InvoiceID, l.Reason = model.LineUnmatched, nil, "", nil, ByHand
			line = l
			return tx.UpdateBankImportLine(ctx, l)
		}
		if l.ReturnCode != "" || f.Target == model.TargetReturn {
			return s.fixReturn(ctx, tx, l, f, &line)
		}
		m, err := tx.MemberByID(ctx, f.MemberID)
		if err != nil {
			return fmt.Errorf("member %d: %w", f.MemberID, ErrBadFix)
		}
		l.InvoiceID = nil
		switch f.Target {
		case model.TargetInvoice:
			inv, err := tx.InvoiceByID(ctx, f.InvoiceID)
			if err != nil || inv.MemberID != m.ID || inv.Kind != model.KindInvoice ||
				inv.Status != model.InvoiceValidated || inv.Remaining() <= 0 {
				return fmt.Errorf("invoice %d is not an open invoice of member %d: %w", f.InvoiceID, m.ID, ErrBadFix)
			}
			l.InvoiceID = &inv.ID
		case model.TargetFee, model.TargetCredit:
		default:
			return fmt.Errorf("target %q: %w", f.Target, ErrBadFix)
		}
		l.Result, l.MemberID, l.Target, l.Reason = model.LineMatched, &m.ID, f.Target, ByHand
		if err := tx.UpdateBankImportLine(ctx, l); err != nil {
			return err
		}
		line, err = tx.BankImportLine(ctx, importID, position)
		return err
	})
	return line, err
}

func (s *Service) pending(ctx context.Context, tx *store.Store, importID int64) (*store.BankImport, error) {
	imp, err := tx.BankImportByID(ctx, importID)
	if err != nil {
		return nil, err
	}
	if imp.Status != model.ImportPending {
		return nil, ErrNotPending
	}
	if s.Store.Now().After(imp.ExpiresAt) {
		return nil, ErrExpired
	}
	return imp, nil
}

// Actor is who imports: a signed-in volunteer, or the command line.
type Actor struct {
	ID   *int64 // nil from the command line
	Name string // for the accounting log
}

// ActorOf is the actor of a signed-in member.
func ActorOf(m *store.Member) Actor { return Actor{ID: &m.ID, Name: m.Login} }

// Summary says what confirming an import did.
type Summary struct {
	Payments   int   // payments created (fees included)
	Fees       int   // membership fees created
	TotalCents int64 // of the payments
	Duplicates int   // lines imported before, skipped
	LeftOut    int   // ambiguous or unmatched lines, not imported
	Ignored    int   // debits not booked
	Booked     int   // lines booked to an account (donations, fees, expenses)
	Returns    int   // direct debits sent back (payments reversed)
}

func (s Summary) String() string {
	out := fmt.Sprintf("payments imported: %d (membership fees: %d), total %s; already imported: %d; left out: %d; debits ignored: %d",
		s.Payments, s.Fees, money.Plain(s.TotalCents), s.Duplicates, s.LeftOut, s.Ignored)
	if s.Booked > 0 {
		out += fmt.Sprintf("; booked to accounts: %d", s.Booked)
	}
	if s.Returns > 0 {
		out += fmt.Sprintf("; direct debits returned: %d", s.Returns)
	}
	return out
}

// Confirm imports the matched lines of a pending import in one
// transaction: a payment per line (its bank reference kept), allocated to
// the invoice named first, then to the oldest open ones, the rest staying
// as credit; for a membership fee, an unallocated payment and the fee that
// points to it. Every line is recorded so that it is never imported again;
// lines imported meanwhile by another import are skipped. Ambiguous and
// unmatched lines are left out.
func (s *Service) Confirm(ctx context.Context, importID int64, by Actor) (Summary, error) {
	var sum Summary
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		imp, err := s.pending(ctx, tx, importID)
		if err != nil {
			return err
		}
		if err := tx.MarkBankImportConfirmed(ctx, importID); err != nil {
			return err
		}
		lines, err := tx.BankImportLines(ctx, importID)
		if err != nil {
			return err
		}
		var refs, hashes []string
		for _, l := range lines {
			if l.BankReference != "" {
				refs = append(refs, l.BankReference)
			}
			hashes = append(hashes, l.Hash)
		}
		seen, err := tx.ImportedBankKeys(ctx, refs, hashes)
		if err != nil {
			return err
		}
		members, err := importMembers(ctx, tx, lines)
		if err != nil {
			return err
		}
		bookings, err := tx.BankBookings(ctx, importID)
		if err != nil {
			return err
		}
		var returns []*store.BankImportLine
		for _, l := range lines {
			dup := l.Result == model.LineDuplicate || seen[l.Hash] || (l.BankReference != "" && seen[l.BankReference])
			switch b := bookings[l.Position]; {
			case b != nil && !dup: // see booking.go
				if err := s.bookLine(ctx, tx, importID, l, b, by, &sum); err != nil {
					return fmt.Errorf("line %d (%s): %w", l.Position, l.Label, err)
				}
				seen[l.Hash] = true
				if l.BankReference != "" {
					seen[l.BankReference] = true
				}
			case l.Result == model.LineIgnored:
				sum.Ignored++
			case dup:
				sum.Duplicates++
			case !l.Importable():
				sum.LeftOut++
			case l.Target == model.TargetReturn:
				// After the credits: a file may credit a collection and
				// send it back.
				returns = append(returns, l)
			default:
				if err := s.importLine(ctx, tx, importID, l, members[*l.MemberID], by, &sum); err != nil {
					return fmt.Errorf("line %d (%s): %w", l.Position, l.Label, err)
				}
				seen[l.Hash] = true
				if l.BankReference != "" {
					seen[l.BankReference] = true
				}
			}
		}
		for _, l := range returns {
			if err := s.importReturn(ctx, tx, imp, l, by, &sum); err != nil {
				return fmt.Errorf("line %d (%s): %w", l.Position, l.Label, err)
			}
		}
		return nil
	})
	if err != nil {
		return Summary{}, fmt.Errorf("confirm bank import %d: %w", importID, err)
	}
	s.Log.Info("bank statement imported", "import", importID, "payments", sum.Payments, "fees", sum.Fees,
		"total_cents", sum.TotalCents, "by", by.Name)
	return sum, nil
}

// importMembers reads the members of the importable lines at once.
func importMembers(ctx context.Context, tx *store.Store, lines []*store.BankImportLine) (map[int64]*store.Member, error) {
	var ids []int64
	for _, l := range lines {
		if l.Importable() {
			ids = append(ids, *l.MemberID)
		}
	}
	out := map[int64]*store.Member{}
	for start := 0; start < len(ids); start += 500 {
		part, err := tx.MembersByIDs(ctx, ids[start:min(start+500, len(ids))])
		if err != nil {
			return nil, err
		}
		for id, m := range part {
			out[id] = m
		}
	}
	return out, nil
}

func (s *Service) importLine(ctx context.Context, tx *store.Store, importID int64, l *store.BankImportLine, m *store.Member, by Actor, sum *Summary) error {
	label := CutUTF8(l.Label, maxPaymentLabel)
	p := &store.Payment{MemberID: *l.MemberID, Method: l.Method, Date: l.Date, AmountCents: l.AmountCents,
		Label: label, BankReference: l.BankReference, CreatedBy: by.ID}
	opts := billing.PaymentOptions{Unallocated: l.Target == model.TargetFee, Member: m}
	if l.Target == model.TargetInvoice && l.InvoiceID != nil {
		opts.FirstInvoiceID = *l.InvoiceID
	}
	if _, err := s.Billing.RecordPaymentTx(ctx, tx, p, opts, by.Name); err != nil {
		return err
	}
	if l.Target == model.TargetFee {
		if err := s.createFee(ctx, tx, p, m, by); err != nil {
			return err
		}
		sum.Fees++
	}
	sum.Payments++
	sum.TotalCents += p.AmountCents
	return tx.RecordBankLine(ctx, &store.BankLine{BankReference: l.BankReference, Hash: l.Hash, Date: l.Date,
		AmountCents: l.AmountCents, Label: l.Label, PaymentID: &p.ID, ImportID: &importID})
}

// createFee records the membership fee a payment paid, through fees.
func (s *Service) createFee(ctx context.Context, tx *store.Store, p *store.Payment, m *store.Member, by Actor) error {
	method := model.PayTransfer
	if p.Method != MethodTransfer {
		method = model.PayOther
	}
	_, err := s.Fees.RecordPaidTx(ctx, tx, p, m, method, by.ID, by.Name)
	return err
}
