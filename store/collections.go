package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"coin/date"
)

// Arrears states of a subscription (subscription_arrears.state). The
// "…ing" states are written in the transaction that changes the
// subscription, before its hook runs: a run interrupted after that commit
// finds them and runs the hook it missed.
const (
	ArrearsNone       = ""
	ArrearsSuspending = "suspending"
	ArrearsSuspended  = "suspended"
	ArrearsResuming   = "resuming"
)

// Kinds of collection steps.
const (
	StepReminder = "reminder"
	StepNotice   = "notice"
	StepSuspend  = "suspend"
	StepResume   = "resume"
	StepSetting  = "setting"
)

// CollectionSettings are the staff's choices for a member: no reminders,
// no suspension; each with the reason typed.
type CollectionSettings struct {
	MemberID       int64
	NoRemind       bool
	NoRemindReason string
	Exempt         bool
	ExemptReason   string
	UpdatedBy      string
	UpdatedAt      time.Time
}

// CollectionSettingsOf returns a member's settings, the defaults (remind,
// not exempt) when staff never set them.
func (s *Store) CollectionSettingsOf(ctx context.Context, memberID int64) (*CollectionSettings, error) {
	c := &CollectionSettings{MemberID: memberID}
	err := s.queryRow(ctx, `SELECT no_remind, no_remind_reason, exempt, exempt_reason, updated_by, updated_at
		FROM collection_settings WHERE member_id = ?`, memberID).
		Scan(&c.NoRemind, &c.NoRemindReason, &c.Exempt, &c.ExemptReason, &c.UpdatedBy, &c.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("collection settings of member %d: %w", memberID, err)
	}
	return c, nil
}

// SaveCollectionSettings writes a member's settings.
func (s *Store) SaveCollectionSettings(ctx context.Context, c *CollectionSettings) error {
	c.UpdatedAt = s.now()
	_, err := s.exec(ctx, `INSERT INTO collection_settings (member_id, no_remind, no_remind_reason, exempt,
		exempt_reason, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (member_id) DO UPDATE SET no_remind = excluded.no_remind,
		no_remind_reason = excluded.no_remind_reason, exempt = excluded.exempt,
		exempt_reason = excluded.exempt_reason, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		c.MemberID, c.NoRemind, c.NoRemindReason, c.Exempt, c.ExemptReason, c.UpdatedBy, c.UpdatedAt)
	if err != nil {
		return fmt.Errorf("save collection settings of member %d: %w", c.MemberID, err)
	}
	return nil
}

// CollectionStep is one thing collections did for a member: a reminder, a
// notice, a suspension, a restore, a change of settings.
type CollectionStep struct {
	ID             int64
	MemberID       int64
	Kind           string
	Key            string // unique: the step is done once
	Day            date.Date
	SubscriptionID *int64
	AmountCents    int64
	Level          int // reminders: days after the due date
	OutboxID       *int64
	HookRunID      *int64
	Details        string
	Actor          string
	CreatedAt      time.Time
}

// RecordCollectionStep writes st unless a step of that key exists, and
// says whether it wrote it. Call it in the transaction that does the step
// and roll back when it returns false.
func (s *Store) RecordCollectionStep(ctx context.Context, st *CollectionStep) (bool, error) {
	st.CreatedAt = s.now()
	err := s.queryRow(ctx, `INSERT INTO collection_steps (member_id, kind, step_key, day, subscription_id,
		amount_cents, level, outbox_id, hook_run_id, details, actor, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (step_key) DO NOTHING RETURNING id`,
		st.MemberID, st.Kind, st.Key, st.Day, st.SubscriptionID, st.AmountCents, st.Level, st.OutboxID,
		st.HookRunID, st.Details, st.Actor, st.CreatedAt).Scan(&st.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("record collection step %s: %w", st.Key, err)
	}
	return true, nil
}

// SetStepHookRun notes the hook run of a suspension or restore step.
func (s *Store) SetStepHookRun(ctx context.Context, stepID, runID int64) error {
	_, err := s.exec(ctx, `UPDATE collection_steps SET hook_run_id = ? WHERE id = ?`, runID, stepID)
	if err != nil {
		return fmt.Errorf("note hook run of step %d: %w", stepID, err)
	}
	return nil
}

// CollectionStepByKey returns the step of that key, or ErrNotFound.
func (s *Store) CollectionStepByKey(ctx context.Context, key string) (*CollectionStep, error) {
	rows, err := s.query(ctx, `SELECT `+stepColumns+` FROM collection_steps WHERE step_key = ?`, key)
	if err != nil {
		return nil, fmt.Errorf("collection step %s: %w", key, err)
	}
	out, err := collectSteps(rows)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, ErrNotFound
	}
	return out[0], nil
}

const stepColumns = `id, member_id, kind, step_key, day, subscription_id, amount_cents, level, outbox_id,
	hook_run_id, details, actor, created_at`

func collectSteps(rows *sql.Rows) ([]*CollectionStep, error) {
	defer rows.Close()
	var out []*CollectionStep
	for rows.Next() {
		var st CollectionStep
		if err := rows.Scan(&st.ID, &st.MemberID, &st.Kind, &st.Key, &st.Day, &st.SubscriptionID,
			&st.AmountCents, &st.Level, &st.OutboxID, &st.HookRunID, &st.Details, &st.Actor, &st.CreatedAt); err != nil {
			return nil, fmt.Errorf("scan collection step: %w", err)
		}
		out = append(out, &st)
	}
	return out, rows.Err()
}

// CollectionStepsOf returns a member's steps, latest first (at most limit).
func (s *Store) CollectionStepsOf(ctx context.Context, memberID int64, limit int) ([]*CollectionStep, error) {
	rows, err := s.query(ctx, `SELECT `+stepColumns+` FROM collection_steps WHERE member_id = ?
		ORDER BY created_at DESC, id DESC LIMIT ?`, memberID, limit)
	if err != nil {
		return nil, fmt.Errorf("collection steps of member %d: %w", memberID, err)
	}
	return collectSteps(rows)
}

// LastStepOf returns a member's latest step of a kind, or ErrNotFound.
func (s *Store) LastStepOf(ctx context.Context, memberID int64, kind string) (*CollectionStep, error) {
	rows, err := s.query(ctx, `SELECT `+stepColumns+` FROM collection_steps WHERE member_id = ? AND kind = ?
		ORDER BY created_at DESC, id DESC LIMIT 1`, memberID, kind)
	if err != nil {
		return nil, fmt.Errorf("last %s step of member %d: %w", kind, memberID, err)
	}
	out, err := collectSteps(rows)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, ErrNotFound
	}
	return out[0], nil
}

// RecordInvoiceReminder notes that the reminder daysAfter the due date of
// an invoice was sent, unless it was; says whether it wrote it.
func (s *Store) RecordInvoiceReminder(ctx context.Context, invoiceID int64, daysAfter int, memberID, stepID int64, on date.Date) (bool, error) {
	res, err := s.exec(ctx, `INSERT INTO invoice_reminders (invoice_id, days_after, member_id, step_id, sent_on)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (invoice_id, days_after) DO NOTHING`, invoiceID, daysAfter, memberID, stepID, on)
	if err != nil {
		return false, fmt.Errorf("record reminder %d of invoice %d: %w", daysAfter, invoiceID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// InvoiceRemindersOf returns, for a member, the reminder levels sent per
// invoice.
func (s *Store) InvoiceRemindersOf(ctx context.Context, memberID int64) (map[int64][]int, error) {
	rows, err := s.query(ctx, `SELECT invoice_id, days_after FROM invoice_reminders WHERE member_id = ?`, memberID)
	if err != nil {
		return nil, fmt.Errorf("invoice reminders of member %d: %w", memberID, err)
	}
	defer rows.Close()
	out := map[int64][]int{}
	for rows.Next() {
		var id int64
		var d int
		if err := rows.Scan(&id, &d); err != nil {
			return nil, err
		}
		out[id] = append(out[id], d)
	}
	return out, rows.Err()
}

// InvoiceReminderCandidate is a member with an open invoice due in a
// reminder window, with what call-for-payments decides on. Member and Open
// hold only the fields the decision and its summary read (Member: id,
// login, names, person type, e-mail, language; Open: id, member, kind,
// status, number, dates, amounts): sending reads the member again.
type InvoiceReminderCandidate struct {
	Member   *Member
	NoRemind bool
	Open     []*Invoice      // the member's open invoices, oldest first
	Sent     map[int64][]int // reminder levels sent, per open invoice
}

// InvoiceReminderCandidates returns, in one query, the members having an
// open invoice due between from and to (inclusive), each with all their
// open invoices, the levels already sent for them and their "do not
// remind" setting. It is one pass over the partial index invoices_open
// (only what is owed), grouped by member with a window that keeps the
// members having an invoice in the window, then the members, settings and
// levels by their keys: the plan of call-for-payments costs one query, not
// four per member. (A semi-join "member_id IN (members in the window)" let
// PostgreSQL, before its statistics were gathered, look each member up in
// invoices_open, where member_id is not leading: 1.5 s instead of 0.1 s on
// the 10 000-member demo.)
func (s *Store) InvoiceReminderCandidates(ctx context.Context, from, to date.Date) ([]*InvoiceReminderCandidate, error) {
	rows, err := s.query(ctx, `SELECT m.id, m.login, m.person_type, m.first_name, m.last_name, m.organization_name,
		m.email, m.language, COALESCE(cs.no_remind, FALSE), i.id, i.kind, i.status, i.number, i.issue_date,
		i.due_date, i.total_cents, i.paid_cents, r.days_after
		FROM (SELECT id, member_id, kind, status, number, issue_date, due_date, total_cents, paid_cents,
				MAX(CASE WHEN due_date >= ? AND due_date <= ? THEN 1 ELSE 0 END) OVER (PARTITION BY member_id) AS in_window
			FROM invoices WHERE kind = 'invoice' AND status = 'validated' AND paid_cents < total_cents) i
		JOIN members m ON m.id = i.member_id
		LEFT JOIN collection_settings cs ON cs.member_id = i.member_id
		LEFT JOIN invoice_reminders r ON r.invoice_id = i.id
		WHERE i.in_window = 1
		ORDER BY i.member_id, i.issue_date, i.number, i.id, r.days_after`, from, to)
	if err != nil {
		return nil, fmt.Errorf("reminder candidates: %w", err)
	}
	defer rows.Close()
	var out []*InvoiceReminderCandidate
	var cur *InvoiceReminderCandidate
	var last *Invoice
	for rows.Next() {
		var m Member
		var inv Invoice
		var number sql.NullString
		var noRemind bool
		var level sql.NullInt64
		if err := rows.Scan(&m.ID, &m.Login, &m.PersonType, &m.FirstName, &m.LastName, &m.OrganizationName,
			&m.Email, &m.Language, &noRemind, &inv.ID, &inv.Kind, &inv.Status, &number, &inv.IssueDate,
			&inv.DueDate, &inv.TotalCents, &inv.PaidCents, &level); err != nil {
			return nil, fmt.Errorf("scan reminder candidate: %w", err)
		}
		if cur == nil || cur.Member.ID != m.ID {
			cur = &InvoiceReminderCandidate{Member: &m, NoRemind: noRemind, Sent: map[int64][]int{}}
			out = append(out, cur)
			last = nil
		}
		if last == nil || last.ID != inv.ID {
			inv.MemberID, inv.Number, inv.MemberLogin = m.ID, number.String, m.Login
			last = &inv
			cur.Open = append(cur.Open, last)
		}
		if level.Valid {
			cur.Sent[inv.ID] = append(cur.Sent[inv.ID], int(level.Int64))
		}
	}
	return out, rows.Err()
}

func collectIDs(rows *sql.Rows) ([]int64, error) {
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Owed is what a member owes on invoices due by a day.
type Owed struct {
	MemberID    int64
	AmountCents int64
	Count       int
	OldestDue   date.Date
}

// MembersOwingOver returns the members owing more than threshold cents on
// open invoices due on or before cutoff (over the partial index).
func (s *Store) MembersOwingOver(ctx context.Context, cutoff date.Date, threshold int64) ([]Owed, error) {
	rows, err := s.query(ctx, `SELECT member_id, SUM(total_cents - paid_cents), COUNT(*), MIN(due_date)
		FROM invoices WHERE kind = 'invoice' AND status = 'validated' AND paid_cents < total_cents
		AND due_date <= ? GROUP BY member_id HAVING SUM(total_cents - paid_cents) > ? ORDER BY member_id`, cutoff, threshold)
	if err != nil {
		return nil, fmt.Errorf("members owing: %w", err)
	}
	defer rows.Close()
	var out []Owed
	for rows.Next() {
		var o Owed
		if err := rows.Scan(&o.MemberID, &o.AmountCents, &o.Count, &o.OldestDue); err != nil {
			return nil, fmt.Errorf("scan owed: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// OwedBy returns what a member owes on open invoices due on or before cutoff.
func (s *Store) OwedBy(ctx context.Context, memberID int64, cutoff date.Date) (int64, error) {
	var n int64
	err := s.queryRow(ctx, `SELECT COALESCE(SUM(total_cents - paid_cents), 0) FROM invoices
		WHERE member_id = ? AND kind = 'invoice' AND status = 'validated' AND paid_cents < total_cents
		AND due_date <= ?`, memberID, cutoff).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("owed by member %d: %w", memberID, err)
	}
	return n, nil
}

// SubscriptionArrears is the arrears state of one subscription.
type SubscriptionArrears struct {
	SubscriptionID int64
	MemberID       int64
	State          string
	Since          date.Date
	Exempt         bool
}

// ArrearsOfMember returns the arrears rows of a member's subscriptions, by
// subscription id.
func (s *Store) ArrearsOfMember(ctx context.Context, memberID int64) (map[int64]*SubscriptionArrears, error) {
	rows, err := s.query(ctx, `SELECT subscription_id, member_id, state, since, exempt FROM subscription_arrears
		WHERE member_id = ?`, memberID)
	if err != nil {
		return nil, fmt.Errorf("arrears of member %d: %w", memberID, err)
	}
	out, err := collectArrears(rows)
	if err != nil {
		return nil, err
	}
	m := map[int64]*SubscriptionArrears{}
	for _, a := range out {
		m[a.SubscriptionID] = a
	}
	return m, nil
}

func collectArrears(rows *sql.Rows) ([]*SubscriptionArrears, error) {
	defer rows.Close()
	var out []*SubscriptionArrears
	for rows.Next() {
		var a SubscriptionArrears
		if err := rows.Scan(&a.SubscriptionID, &a.MemberID, &a.State, &a.Since, &a.Exempt); err != nil {
			return nil, fmt.Errorf("scan arrears: %w", err)
		}
		out = append(out, &a)
	}
	return out, rows.Err()
}

// ArrearsOfSubscription returns one subscription's arrears row (a blank
// one when there is none).
func (s *Store) ArrearsOfSubscription(ctx context.Context, subID int64) (*SubscriptionArrears, error) {
	rows, err := s.query(ctx, `SELECT subscription_id, member_id, state, since, exempt FROM subscription_arrears
		WHERE subscription_id = ?`, subID)
	if err != nil {
		return nil, fmt.Errorf("arrears of subscription %d: %w", subID, err)
	}
	out, err := collectArrears(rows)
	if err != nil || len(out) == 0 {
		return &SubscriptionArrears{SubscriptionID: subID}, err
	}
	return out[0], nil
}

// PendingArrears returns the subscriptions left half-way (suspending or
// resuming) by an interrupted run, over a small partial index.
func (s *Store) PendingArrears(ctx context.Context) ([]*SubscriptionArrears, error) {
	rows, err := s.query(ctx, `SELECT subscription_id, member_id, state, since, exempt FROM subscription_arrears
		WHERE state <> '' AND state IN ('suspending', 'resuming') ORDER BY subscription_id`)
	if err != nil {
		return nil, fmt.Errorf("pending arrears: %w", err)
	}
	return collectArrears(rows)
}

// MembersSuspendedForArrears returns the members with a subscription
// suspended (or being suspended) for arrears.
func (s *Store) MembersSuspendedForArrears(ctx context.Context) ([]int64, error) {
	rows, err := s.query(ctx, `SELECT DISTINCT member_id FROM subscription_arrears
		WHERE state <> '' AND state IN ('suspending', 'suspended') ORDER BY member_id`)
	if err != nil {
		return nil, fmt.Errorf("members suspended for arrears: %w", err)
	}
	return collectIDs(rows)
}

// MoveArrearsState changes a subscription's arrears state from one state
// to another and says whether it did: of two runs (or a run and a
// payment) racing, one only moves it, so its hook runs once. The
// subscription's own suspended flag is set with it.
func (s *Store) MoveArrearsState(ctx context.Context, subID, memberID int64, from, to string, day date.Date, suspended bool) (bool, error) {
	now := s.now()
	if _, err := s.exec(ctx, `INSERT INTO subscription_arrears (subscription_id, member_id, state, updated_at)
		VALUES (?, ?, '', ?) ON CONFLICT (subscription_id) DO NOTHING`, subID, memberID, now); err != nil {
		return false, fmt.Errorf("arrears of subscription %d: %w", subID, err)
	}
	var since any = day
	if to == ArrearsNone {
		since = nil
	}
	res, err := s.exec(ctx, `UPDATE subscription_arrears SET state = ?, since = COALESCE(?, since), updated_at = ?
		WHERE subscription_id = ? AND state = ?`, to, since, now, subID, from)
	if err != nil {
		return false, fmt.Errorf("move arrears of subscription %d to %q: %w", subID, to, err)
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return false, err
	}
	if from == ArrearsSuspending || from == ArrearsResuming {
		return true, nil // the flag was set with the "…ing" state
	}
	if _, err := s.exec(ctx, `UPDATE subscriptions SET suspended = ?, updated_at = ? WHERE id = ?`,
		suspended, now, subID); err != nil {
		return false, fmt.Errorf("suspend subscription %d: %w", subID, err)
	}
	return true, nil
}

// SetSubscriptionExempt exempts (or not) a subscription from suspension.
func (s *Store) SetSubscriptionExempt(ctx context.Context, subID, memberID int64, exempt bool) error {
	_, err := s.exec(ctx, `INSERT INTO subscription_arrears (subscription_id, member_id, state, exempt, updated_at)
		VALUES (?, ?, '', ?, ?) ON CONFLICT (subscription_id) DO UPDATE SET exempt = excluded.exempt,
		updated_at = excluded.updated_at`, subID, memberID, exempt, s.now())
	if err != nil {
		return fmt.Errorf("exempt subscription %d: %w", subID, err)
	}
	return nil
}

// SubscriptionsOfMember returns a member's subscriptions with their offer.
func (s *Store) SubscriptionsOfMember(ctx context.Context, memberID int64) ([]*SubscriptionRow, error) {
	rows, err := s.query(ctx, `SELECT `+subscriptionRowColumns+subscriptionJoins+` WHERE s.member_id = ?
		ORDER BY s.id`, memberID)
	if err != nil {
		return nil, fmt.Errorf("subscriptions of member %d: %w", memberID, err)
	}
	defer rows.Close()
	var out []*SubscriptionRow
	for rows.Next() {
		r, err := scanSubscriptionRow(rows)
		if err != nil {
			return nil, fmt.Errorf("scan subscription: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// OverdueFilter selects the rows of the overdue page.
type OverdueFilter struct {
	Day      date.Date // invoices due before it are overdue
	MinCents int64
	State    string // "", "suspended", "no_remind", "exempt"
	Search   string // login or name
	Limit    int
	Offset   int
}

// OverdueRow is one member of the overdue page.
type OverdueRow struct {
	MemberID      int64
	Login         string
	Name          string
	Email         string
	AmountCents   int64
	Count         int
	OldestDue     date.Date
	RemindersSent int
	LastReminder  date.Date
	Suspended     int
	NoRemind      bool
	Exempt        bool
}

// OverdueMembers returns the members with overdue invoices, most owed
// first, and how many there are. The sums are one pass over the partial
// index invoices_open (only what is owed); the per-member counts use the
// member indexes of invoice_reminders and subscription_arrears.
func (s *Store) OverdueMembers(ctx context.Context, f OverdueFilter) ([]*OverdueRow, int, error) {
	conds := []string{"1 = 1"}
	args := []any{f.Day, f.MinCents}
	switch f.State {
	case "suspended":
		conds = append(conds, `EXISTS (SELECT 1 FROM subscription_arrears a WHERE a.member_id = o.member_id AND a.state <> '')`)
	case "no_remind":
		conds = append(conds, "COALESCE(c.no_remind, FALSE)")
	case "exempt":
		conds = append(conds, "COALESCE(c.exempt, FALSE)")
	}
	if q := strings.TrimSpace(f.Search); q != "" {
		conds = append(conds, `(LOWER(m.login) LIKE ? OR LOWER(m.last_name) LIKE ? OR LOWER(m.organization_name) LIKE ?)`)
		like := "%" + strings.ToLower(q) + "%"
		args = append(args, like, like, like)
	}
	base := ` FROM (SELECT member_id, SUM(total_cents - paid_cents) AS owed, COUNT(*) AS n, MIN(due_date) AS oldest
			FROM invoices WHERE kind = 'invoice' AND status = 'validated' AND paid_cents < total_cents
			AND due_date < ? GROUP BY member_id HAVING SUM(total_cents - paid_cents) >= ?) o
		JOIN members m ON m.id = o.member_id
		LEFT JOIN collection_settings c ON c.member_id = o.member_id
		WHERE ` + strings.Join(conds, " AND ")
	var total int
	if err := s.queryRow(ctx, `SELECT COUNT(*)`+base, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count overdue members: %w", err)
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	rows, err := s.query(ctx, `SELECT o.member_id, m.login, m.first_name, m.last_name, m.organization_name, m.email,
		o.owed, o.n, o.oldest,
		(SELECT COUNT(*) FROM collection_steps r WHERE r.member_id = o.member_id AND r.kind = 'reminder'),
		(SELECT MAX(r.day) FROM collection_steps r WHERE r.member_id = o.member_id AND r.kind = 'reminder'),
		(SELECT COUNT(*) FROM subscription_arrears a WHERE a.member_id = o.member_id AND a.state <> ''),
		COALESCE(c.no_remind, FALSE), COALESCE(c.exempt, FALSE)`+base+
		` ORDER BY o.owed DESC, o.member_id LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("overdue members: %w", err)
	}
	defer rows.Close()
	var out []*OverdueRow
	for rows.Next() {
		var r OverdueRow
		var first, last, org string
		if err := rows.Scan(&r.MemberID, &r.Login, &first, &last, &org, &r.Email, &r.AmountCents, &r.Count,
			&r.OldestDue, &r.RemindersSent, &r.LastReminder, &r.Suspended, &r.NoRemind, &r.Exempt); err != nil {
			return nil, 0, fmt.Errorf("scan overdue member: %w", err)
		}
		r.Name = strings.TrimSpace(first + " " + last)
		if org != "" {
			r.Name = org
		}
		out = append(out, &r)
	}
	return out, total, rows.Err()
}

// Attachment is a file attached to a queued e-mail.
type Attachment struct {
	Filename    string
	ContentType string
	Data        []byte
}

// AttachToMessage stores a file with a queued message (same transaction).
func (s *Store) AttachToMessage(ctx context.Context, outboxID int64, a Attachment) error {
	_, err := s.exec(ctx, `INSERT INTO outbox_attachments (outbox_id, filename, content_type, data)
		VALUES (?, ?, ?, ?)`, outboxID, a.Filename, a.ContentType, a.Data)
	if err != nil {
		return fmt.Errorf("attach %s to message %d: %w", a.Filename, outboxID, err)
	}
	return nil
}

// MessageAttachments returns the files of a message.
func (s *Store) MessageAttachments(ctx context.Context, outboxID int64) ([]Attachment, error) {
	rows, err := s.query(ctx, `SELECT filename, content_type, data FROM outbox_attachments WHERE outbox_id = ?
		ORDER BY id`, outboxID)
	if err != nil {
		return nil, fmt.Errorf("attachments of message %d: %w", outboxID, err)
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		var a Attachment
		if err := rows.Scan(&a.Filename, &a.ContentType, &a.Data); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// LastSubscriptionStep returns the latest step of a kind for a subscription.
func (s *Store) LastSubscriptionStep(ctx context.Context, subID int64, kind string) (*CollectionStep, error) {
	rows, err := s.query(ctx, `SELECT `+stepColumns+` FROM collection_steps WHERE subscription_id = ? AND kind = ?
		ORDER BY id DESC LIMIT 1`, subID, kind)
	if err != nil {
		return nil, fmt.Errorf("last %s step of subscription %d: %w", kind, subID, err)
	}
	out, err := collectSteps(rows)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, ErrNotFound
	}
	return out[0], nil
}

// SuspendedForArrears names the offers of a member's subscriptions
// suspended (or being suspended) for arrears, in one indexed query: the
// member's home says so.
func (s *Store) SuspendedForArrears(ctx context.Context, memberID int64) ([]string, error) {
	rows, err := s.query(ctx, `SELECT o.name FROM subscription_arrears a
		JOIN subscriptions s ON s.id = a.subscription_id JOIN offers o ON o.id = s.offer_id
		WHERE a.member_id = ? AND a.state IN (?, ?) ORDER BY s.id`, memberID, ArrearsSuspending, ArrearsSuspended)
	if err != nil {
		return nil, fmt.Errorf("subscriptions of member %d suspended for arrears: %w", memberID, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		out = append(out, name)
	}
	return out, rows.Err()
}
