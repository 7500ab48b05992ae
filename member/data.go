package member

import (
	"context"
	"errors"
	"time"

	"coin/date"
	"coin/model"
	"coin/store"
)

// Data is what coin keeps about a member, as they download it (GDPR,
// right of access and portability). Secrets (password and configuration
// hashes) and staff-only notes are not in it; invoices are listed, their
// PDFs are on the portal.
type Data struct {
	Generated     time.Time          `json:"generated"`
	Profile       Profile            `json:"profile"`
	Subscriptions []DataSubscription `json:"subscriptions"`
	Invoices      []DataInvoice      `json:"invoices"`
	Payments      []DataPayment      `json:"payments"`
	Fees          []DataFee          `json:"membership_fees"`
	Loans         []DataLoan         `json:"hardware_loans"`
	Lists         []string           `json:"mailing_lists"`
}

// Profile is the member's record.
type Profile struct {
	Login            string     `json:"login"`
	PersonType       string     `json:"person_type"`
	FirstName        string     `json:"first_name"`
	LastName         string     `json:"last_name"`
	OrganizationName string     `json:"organization_name"`
	Nickname         string     `json:"nickname"`
	Email            string     `json:"email"`
	EmailVerifiedAt  *time.Time `json:"email_verified_at"`
	Phone            string     `json:"phone"`
	Address          string     `json:"address"`
	PostalCode       string     `json:"postal_code"`
	City             string     `json:"city"`
	Country          string     `json:"country"`
	Status           string     `json:"status"`
	Language         string     `json:"language"`
	SendFeeReminders bool       `json:"send_fee_reminders"`
	DateJoined       date.Date  `json:"date_joined"`
	ResignDate       date.Date  `json:"resign_date"`
	CreatedAt        time.Time  `json:"created_at"`
}

// DataSubscription is a subscription with its configuration.
type DataSubscription struct {
	Offer            string            `json:"offer"`
	StartDate        date.Date         `json:"start_date"`
	ResignDate       date.Date         `json:"resign_date"`
	CommitmentMonths int               `json:"commitment_months"`
	Suspended        bool              `json:"suspended"`
	Configuration    map[string]string `json:"configuration"`
}

// DataInvoice is an invoice or credit note, amounts in cents.
type DataInvoice struct {
	Kind       string    `json:"kind"`
	Number     string    `json:"number"`
	IssueDate  date.Date `json:"issue_date"`
	DueDate    date.Date `json:"due_date"`
	TotalCents int64     `json:"total_cents"`
	PaidCents  int64     `json:"paid_cents"`
}

// DataPayment is a payment, in cents.
type DataPayment struct {
	Date        date.Date `json:"date"`
	Method      string    `json:"method"`
	AmountCents int64     `json:"amount_cents"`
	Label       string    `json:"label"`
}

// DataFee is a membership fee, in cents.
type DataFee struct {
	StartDate   date.Date `json:"start_date"`
	EndDate     date.Date `json:"end_date"`
	AmountCents int64     `json:"amount_cents"`
	Method      string    `json:"payment_method"`
	PaymentDate date.Date `json:"payment_date"`
	Reference   string    `json:"reference"`
}

// DataLoan is hardware lent.
type DataLoan struct {
	Item      string    `json:"item"`
	StartDate date.Date `json:"start_date"`
	EndDate   date.Date `json:"end_date"`
}

// DataOf gathers the data of member m.
func DataOf(ctx context.Context, st *store.Store, m *store.Member, now time.Time) (*Data, error) {
	d := &Data{Generated: now.UTC(), Profile: Profile{Login: m.Login, PersonType: m.PersonType, FirstName: m.FirstName,
		LastName: m.LastName, OrganizationName: m.OrganizationName, Nickname: m.Nickname, Email: m.Email,
		EmailVerifiedAt: m.EmailVerifiedAt, Phone: m.Phone, Address: m.Address, PostalCode: m.PostalCode,
		City: m.City, Country: m.Country, Status: m.Status, Language: m.Language, SendFeeReminders: m.SendFeeReminders,
		DateJoined: m.DateJoined, ResignDate: m.ResignDate, CreatedAt: m.CreatedAt},
		Subscriptions: []DataSubscription{}, Invoices: []DataInvoice{}, Payments: []DataPayment{},
		Fees: []DataFee{}, Loans: []DataLoan{}, Lists: []string{}}
	subs, _, err := st.ListSubscriptions(ctx, store.SubscriptionFilter{MemberID: m.ID, Limit: 100000})
	if err != nil {
		return nil, err
	}
	for _, s := range subs {
		ds := DataSubscription{Offer: s.OfferName, StartDate: s.StartDate, ResignDate: s.ResignDate,
			CommitmentMonths: s.CommitmentMonths, Suspended: s.Suspended, Configuration: map[string]string{}}
		cfg, err := st.ConfigurationOf(ctx, s.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		if cfg != nil {
			ds.Configuration = cfg.Data
		}
		d.Subscriptions = append(d.Subscriptions, ds)
	}
	invoices, _, err := st.ListInvoices(ctx, store.InvoiceFilter{MemberID: m.ID, Status: model.InvoiceValidated})
	if err != nil {
		return nil, err
	}
	for _, i := range invoices {
		d.Invoices = append(d.Invoices, DataInvoice{Kind: i.Kind, Number: i.Number, IssueDate: i.IssueDate,
			DueDate: i.DueDate, TotalCents: i.TotalCents, PaidCents: i.PaidCents})
	}
	payments, _, _, err := st.ListPayments(ctx, store.PaymentFilter{MemberID: m.ID, Limit: 100000})
	if err != nil {
		return nil, err
	}
	for _, p := range payments {
		d.Payments = append(d.Payments, DataPayment{Date: p.Date, Method: p.Method, AmountCents: p.AmountCents, Label: p.Label})
	}
	fees, err := st.MembershipFeesOfMember(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	for _, f := range fees {
		d.Fees = append(d.Fees, DataFee{StartDate: f.StartDate, EndDate: f.EndDate, AmountCents: f.Amount,
			Method: f.PaymentMethod, PaymentDate: f.PaymentDate, Reference: f.Reference})
	}
	loans, err := st.MemberLoans(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	for _, l := range loans {
		item := ""
		if l.Item != nil {
			item = l.Item.Designation
		}
		d.Loans = append(d.Loans, DataLoan{Item: item, StartDate: l.StartDate, EndDate: l.EndDate})
	}
	lists, err := st.MemberMailingLists(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	for _, l := range lists {
		if l.Subscribed {
			d.Lists = append(d.Lists, l.List.Email)
		}
	}
	return d, nil
}
