// Package importer brings members, membership fees and subscriptions from
// another system's CSV export (COIN, Galette, coin itself, a spreadsheet in
// the documented generic layout). Every line is checked first; a file is
// written in one transaction, through the member, fee and subscription
// services, only when every line is valid or the user chose to skip the bad
// ones. Each line's id in the other system is kept (import_refs), so that
// importing the same file again changes nothing.
package importer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"strings"

	"coin/fees"
	"coin/form"
	"coin/member"
	"coin/model"
	"coin/store"
	"coin/subscription"
)

// MaxFileSize bounds an imported file.
const MaxFileSize = 16 << 20

// Service imports files.
type Service struct {
	Store   *store.Store
	Members *member.Service
	Fees    *fees.Service
	Subs    *subscription.Service
	Log     *slog.Logger
}

// Options says how to import.
type Options struct {
	DryRun  bool // check and tell, write nothing
	SkipBad bool // write the valid lines even when some are bad
	Actor   string
}

// Outcomes of a line.
const (
	Create    = "create"
	Update    = "update"
	Unchanged = "unchanged"
	Skipped   = "skipped" // known, but left alone (an anonymised member, a deleted record)
	Bad       = "bad"
)

// LineError is one reason a line cannot be imported: Column is the title of
// the file's column ("" for the line as a whole), Key a message id of
// i18n/locales with its Data.
type LineError struct {
	Line   int
	Column string
	Key    string
	Data   map[string]any
}

// Line is what a line of the file gives.
type Line struct {
	Line    int
	Ref     string
	Outcome string
	What    string // the member's name, or the fee's or subscription's member and dates
	Errors  []LineError
}

// Result is what an import did, or would do.
type Result struct {
	Kind      Kind
	Profile   string
	Encoding  string
	Separator string
	Lines     []Line
	Counts    map[string]int // by outcome
	Written   bool
}

// Bad lines of the result, with their errors.
func (r *Result) Bad() []Line {
	var out []Line
	for _, l := range r.Lines {
		if l.Outcome == Bad {
			out = append(out, l)
		}
	}
	return out
}

// errRollback ends a transaction that must write nothing.
var errRollback = errors.New("rolled back")

// Import reads data as kind under the profile named and imports it. A file
// that does not read is a *FileError; bad lines are in the result, with
// Written false unless opt.SkipBad.
func (s *Service) Import(ctx context.Context, kind Kind, profile string, data []byte, opt Options) (*Result, error) {
	p := ProfileByName(profile)
	if p == nil {
		return nil, &FileError{Key: "import.err_profile", Data: map[string]any{"Profile": profile, "Profiles": strings.Join(ProfileNames(), ", ")}}
	}
	if !p.Reads(kind) {
		return nil, &FileError{Key: "import.err_profile_kind", Data: map[string]any{"Profile": p.Name, "Kind": string(kind)}}
	}
	if len(data) > MaxFileSize {
		return nil, &FileError{Key: "import.err_too_big"}
	}
	t, err := read(data, p, kind)
	if err != nil {
		return nil, err
	}
	res := &Result{Kind: kind, Profile: p.Name, Encoding: t.Encoding, Separator: t.Separator, Counts: map[string]int{}}
	if opt.Actor == "" {
		opt.Actor = "import"
	}
	run := &run{s: s, p: p, t: t, opt: opt, seen: map[string]int{}, logins: map[string]bool{}}
	err = s.Store.Tx(ctx, func(tx *store.Store) error {
		run.tx = tx
		for _, rw := range t.Rows {
			l, err := run.line(ctx, kind, rw)
			if err != nil {
				return err
			}
			res.Lines = append(res.Lines, l)
			res.Counts[l.Outcome]++
		}
		if opt.DryRun || (res.Counts[Bad] > 0 && !opt.SkipBad) {
			return errRollback
		}
		// One audit entry for the file, in its transaction: the lines'
		// records say the rest.
		return tx.Audit(ctx, &store.AuditEntry{Action: "import.audited", RecordType: "import",
			Changes: []store.Change{{Field: "kind", New: string(kind)}, {Field: "profile", New: p.Name},
				{Field: "created", New: strconv.Itoa(res.Counts[Create])}, {Field: "updated", New: strconv.Itoa(res.Counts[Update])},
				{Field: "skipped", New: strconv.Itoa(res.Counts[Skipped] + res.Counts[Bad])}}})
	})
	var refused *refusedLine
	switch {
	case errors.As(err, &refused):
		res.Lines = append(res.Lines, refused.l)
		res.Counts[Bad]++
		return res, nil
	case errors.Is(err, errRollback):
		return res, nil
	case err != nil:
		return nil, fmt.Errorf("import %s: %w", kind, err)
	}
	res.Written = true
	s.Log.Info("import", "kind", kind, "profile", p.Name, "created", res.Counts[Create],
		"updated", res.Counts[Update], "unchanged", res.Counts[Unchanged], "skipped", res.Counts[Skipped],
		"bad", res.Counts[Bad], "by", opt.Actor)
	return res, nil
}

// refusedLine stops an import whose line was refused after part of it was
// written: the whole file is rolled back, whatever opt.SkipBad says.
type refusedLine struct{ l Line }

func (r *refusedLine) Error() string { return fmt.Sprintf("line %d refused", r.l.Line) }

// run is one import in progress.
type run struct {
	s      *Service
	p      *Profile
	t      *table
	opt    Options
	tx     *store.Store
	seen   map[string]int  // ref → first line giving it
	logins map[string]bool // logins given to members of this file
}

func (r *run) line(ctx context.Context, kind Kind, rw row) (Line, error) {
	l := Line{Line: rw.Line, Ref: rw.Fields[fRef]}
	if l.Ref != "" {
		if first, dup := r.seen[l.Ref]; dup {
			return r.bad(l, fRef, "import.err_duplicate", map[string]any{"Line": first}), nil
		}
		r.seen[l.Ref] = rw.Line
	}
	switch kind {
	case Members:
		return r.member(ctx, l, rw)
	case Fees:
		return r.fee(ctx, l, rw)
	default:
		return r.subscription(ctx, l, rw)
	}
}

// bad adds an error on field to l and marks it bad.
func (r *run) bad(l Line, field, key string, data map[string]any) Line {
	l.Outcome = Bad
	l.Errors = append(l.Errors, LineError{Line: l.Line, Column: r.t.Titles[field], Key: key, Data: data})
	return l
}

// formErrors adds the errors of a service's form, keyed by its fields, to
// l under the file's column titles.
func (r *run) formErrors(l Line, errs form.Errors, fields map[string]string) Line {
	keys := make([]string, 0, len(errs))
	for k := range errs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		id, data := form.Message(errs[k])
		f, ok := fields[k]
		if !ok {
			f = k
		}
		title := r.t.Titles[f]
		if title == "" {
			title = f
		}
		l.Errors = append(l.Errors, LineError{Line: l.Line, Column: title, Key: id, Data: data})
	}
	l.Outcome = Bad
	return l
}

// knownRef looks the line's ref up; found is nil for a new line.
func (r *run) knownRef(ctx context.Context, kind, ref string) (*store.ImportRef, error) {
	if ref == "" {
		return nil, nil
	}
	got, err := r.tx.ImportRefOf(ctx, r.p.Source, kind, ref)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	return got, err
}

// memberOf finds the member a fee or subscription line names, by the
// member's id in the same system or by login.
func (r *run) memberOf(ctx context.Context, rw row) (*store.Member, string, error) {
	if ref := rw.Fields[fMemberRef]; ref != "" {
		got, err := r.knownRef(ctx, store.ImportMember, ref)
		if err != nil || got == nil {
			return nil, fMemberRef, err
		}
		if got.Erased {
			return nil, fMemberRef, nil
		}
		m, err := r.tx.MemberByID(ctx, got.RecordID)
		if errors.Is(err, store.ErrNotFound) {
			return nil, fMemberRef, nil
		}
		return m, fMemberRef, err
	}
	m, err := r.tx.MemberByLogin(ctx, rw.Fields[fMemberLogin])
	if errors.Is(err, store.ErrNotFound) {
		return nil, fMemberLogin, nil
	}
	return m, fMemberLogin, err
}

func (r *run) fee(ctx context.Context, l Line, rw row) (Line, error) {
	m, field, err := r.memberOf(ctx, rw)
	if err != nil {
		return l, err
	}
	if m == nil {
		return r.bad(l, field, "import.err_member_unknown", nil), nil
	}
	f := fees.Form{Amount: rw.Fields[fAmount], StartDate: isoDate(rw.Fields[fStart]), EndDate: isoDate(rw.Fields[fEnd]),
		PaymentMethod: strings.ToLower(rw.Fields[fMethod]), PaymentDate: isoDate(rw.Fields[fPaid]), Reference: rw.Fields[fReference]}
	if f.PaymentMethod == "" {
		f.PaymentMethod = model.PayOther
	}
	if f.PaymentDate == "" {
		f.PaymentDate = f.StartDate
	}
	fee, errs := f.Validate(m.ID)
	l.What = m.DisplayName() + " " + f.StartDate + " – " + f.EndDate
	if errs.Any() {
		return r.formErrors(l, errs, map[string]string{"amount": fAmount, "start_date": fStart, "end_date": fEnd,
			"payment_method": fMethod, "payment_date": fPaid, "reference": fReference}), nil
	}
	if l.Ref == "" {
		l.Ref = strings.Join([]string{strconv.FormatInt(m.ID, 10), fee.StartDate.String(), fee.EndDate.String(),
			strconv.FormatInt(fee.Amount, 10)}, "|")
	}
	known, err := r.knownRef(ctx, store.ImportFee, l.Ref)
	if err != nil || known != nil {
		l.Outcome = Unchanged
		return l, err
	}
	if err := r.s.Fees.RecordTx(ctx, r.tx, fee, r.opt.Actor); errors.Is(err, store.ErrFeeOverlap) {
		return r.bad(l, fStart, "fees.err_overlap", nil), nil
	} else if err != nil {
		return l, err
	}
	l.Outcome = Create
	return l, r.tx.AddImportRef(ctx, r.p.Source, store.ImportFee, l.Ref, fee.ID, m.ID)
}

func (r *run) subscription(ctx context.Context, l Line, rw row) (Line, error) {
	m, field, err := r.memberOf(ctx, rw)
	if err != nil {
		return l, err
	}
	if m == nil {
		return r.bad(l, field, "import.err_member_unknown", nil), nil
	}
	o, err := r.offer(ctx, rw.Fields[fOffer])
	if err != nil {
		return l, err
	}
	if o == nil {
		return r.bad(l, fOffer, "import.err_offer_unknown", map[string]any{"Offer": rw.Fields[fOffer]}), nil
	}
	f := subscription.Form{StartDate: isoDate(rw.Fields[fStart]), ResignDate: isoDate(rw.Fields[fResign]),
		CommitmentMonths: rw.Fields[fCommitment], Comments: rw.Fields[fComments], Config: rw.Config}
	l.What = m.DisplayName() + " " + o.Name + " " + f.StartDate
	if l.Ref == "" {
		l.Ref = strings.Join([]string{strconv.FormatInt(m.ID, 10), o.Reference, f.StartDate}, "|")
	}
	known, err := r.knownRef(ctx, store.ImportSubscription, l.Ref)
	if err != nil || known != nil {
		l.Outcome = Unchanged
		return l, err
	}
	sub, errs, err := r.s.Subs.ImportTx(ctx, r.tx, m, o, f)
	fields := map[string]string{"start_date": fStart, "resign_date": fResign, "commitment_months": fCommitment,
		"comments": fComments, "offer_id": fOffer}
	switch {
	case errors.Is(err, subscription.ErrRefused):
		return l, &refusedLine{l: r.formErrors(l, errs, fields)}
	case err != nil:
		return l, err
	case errs.Any():
		return r.formErrors(l, errs, fields), nil
	}
	l.Outcome = Create
	return l, r.tx.AddImportRef(ctx, r.p.Source, store.ImportSubscription, l.Ref, sub.ID, m.ID)
}

// offer finds an offer by reference, else by name (case ignored).
func (r *run) offer(ctx context.Context, v string) (*store.Offer, error) {
	if v == "" {
		return nil, nil
	}
	o, err := r.tx.OfferByReference(ctx, v)
	if err == nil || !errors.Is(err, store.ErrNotFound) {
		return o, err
	}
	all, err := r.tx.ListOffers(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range all {
		if strings.EqualFold(o.Name, v) || strings.EqualFold(o.Reference, v) {
			return o, nil
		}
	}
	return nil, nil
}
