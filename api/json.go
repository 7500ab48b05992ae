package api

import (
	"time"

	"coin/date"
	"coin/store"
)

// The JSON shapes: plain objects, dates as YYYY-MM-DD (null when unset),
// times in RFC 3339 UTC, money as integer cents with the currency.

func dateJSON(d date.Date) *string {
	if d.IsZero() {
		return nil
	}
	s := d.String()
	return &s
}

func timeJSON(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

type memberJSON struct {
	ID               int64   `json:"id"`
	Login            string  `json:"login"`
	Role             string  `json:"role"`
	PersonType       string  `json:"person_type"`
	DisplayName      string  `json:"display_name"`
	FirstName        string  `json:"first_name"`
	LastName         string  `json:"last_name"`
	OrganizationName string  `json:"organization_name"`
	Nickname         string  `json:"nickname"`
	Email            string  `json:"email"`
	Phone            string  `json:"phone"`
	Address          string  `json:"address"`
	PostalCode       string  `json:"postal_code"`
	City             string  `json:"city"`
	Country          string  `json:"country"`
	Status           string  `json:"status"`
	Language         string  `json:"language"`
	DateJoined       *string `json:"date_joined"`
	ResignDate       *string `json:"resign_date"`
	CreatedAt        string  `json:"created_at"`
	UpdatedAt        string  `json:"updated_at"`
}

func memberOf(m *store.Member) memberJSON {
	return memberJSON{ID: m.ID, Login: m.Login, Role: m.Role, PersonType: m.PersonType, DisplayName: m.DisplayName(),
		FirstName: m.FirstName, LastName: m.LastName, OrganizationName: m.OrganizationName, Nickname: m.Nickname,
		Email: m.Email, Phone: m.Phone, Address: m.Address, PostalCode: m.PostalCode, City: m.City, Country: m.Country,
		Status: m.Status, Language: m.Language, DateJoined: dateJSON(m.DateJoined), ResignDate: dateJSON(m.ResignDate),
		CreatedAt: *timeJSON(&m.CreatedAt), UpdatedAt: *timeJSON(&m.UpdatedAt)}
}

type subscriptionJSON struct {
	ID               int64   `json:"id"`
	MemberID         int64   `json:"member_id"`
	MemberLogin      string  `json:"member_login"`
	OfferID          int64   `json:"offer_id"`
	OfferName        string  `json:"offer_name"`
	OfferReference   string  `json:"offer_reference"`
	Backend          string  `json:"backend"`
	StartDate        *string `json:"start_date"`
	ResignDate       *string `json:"resign_date"`
	CommitmentMonths int     `json:"commitment_months"`
	Suspended        bool    `json:"suspended"`
	CreatedAt        string  `json:"created_at"`
	UpdatedAt        string  `json:"updated_at"`
}

func subscriptionOf(r *store.SubscriptionRow) subscriptionJSON {
	return subscriptionJSON{ID: r.ID, MemberID: r.MemberID, MemberLogin: r.MemberLogin, OfferID: r.OfferID,
		OfferName: r.OfferName, OfferReference: r.OfferReference, Backend: r.Backend, StartDate: dateJSON(r.StartDate),
		ResignDate: dateJSON(r.ResignDate), CommitmentMonths: r.CommitmentMonths, Suspended: r.Suspended,
		CreatedAt: *timeJSON(&r.CreatedAt), UpdatedAt: *timeJSON(&r.UpdatedAt)}
}

// configurationJSON leaves out the password's hashes: they are the
// backends' business.
type configurationJSON struct {
	SubscriptionID int64             `json:"subscription_id"`
	Backend        string            `json:"backend"`
	Login          string            `json:"login"`
	Data           map[string]string `json:"data"`
	HasPassword    bool              `json:"has_password"`
	UpdatedAt      string            `json:"updated_at"`
}

func configurationOf(c *store.Configuration) configurationJSON {
	return configurationJSON{SubscriptionID: c.SubscriptionID, Backend: c.Backend, Login: c.Login, Data: c.Data,
		HasPassword: c.SecretHash != "" || c.LDAPPassword != "", UpdatedAt: *timeJSON(&c.UpdatedAt)}
}

type ipAllocationJSON struct {
	ID             int64    `json:"id"`
	PoolID         int64    `json:"pool_id"`
	PoolName       string   `json:"pool_name"`
	SubscriptionID *int64   `json:"subscription_id"`
	MemberID       *int64   `json:"member_id"`
	Kind           string   `json:"kind"`
	Prefix         string   `json:"prefix"`
	Nameservers    []string `json:"nameservers"`
	AllocatedAt    string   `json:"allocated_at"`
	ReleasedAt     *string  `json:"released_at"`
}

func ipAllocationOf(x *store.IPAllocation) ipAllocationJSON {
	j := ipAllocationJSON{ID: x.ID, PoolID: x.PoolID, PoolName: x.PoolName, Kind: x.Kind, Prefix: x.Prefix.String(),
		Nameservers: x.Nameservers, AllocatedAt: *timeJSON(&x.AllocatedAt), ReleasedAt: timeJSON(x.ReleasedAt)}
	if j.Nameservers == nil {
		j.Nameservers = []string{}
	}
	if x.SubscriptionID != 0 {
		j.SubscriptionID = &x.SubscriptionID
	}
	if x.MemberID != 0 {
		j.MemberID = &x.MemberID
	}
	return j
}

type invoiceJSON struct {
	ID                int64   `json:"id"`
	Kind              string  `json:"kind"`
	MemberID          int64   `json:"member_id"`
	MemberLogin       string  `json:"member_login"`
	Status            string  `json:"status"`
	Number            string  `json:"number"`
	IssueDate         *string `json:"issue_date"`
	DueDate           *string `json:"due_date"`
	CreditedInvoiceID *int64  `json:"credited_invoice_id"`
	TotalExclCents    int64   `json:"total_excl_cents"`
	TaxCents          int64   `json:"tax_cents"`
	TotalCents        int64   `json:"total_cents"`
	PaidCents         int64   `json:"paid_cents"`
	Currency          string  `json:"currency"`
	HasPDF            bool    `json:"has_pdf"`
	CreatedAt         string  `json:"created_at"`
	ValidatedAt       *string `json:"validated_at"`
}

func invoiceOf(i *store.Invoice, currency string) invoiceJSON {
	return invoiceJSON{ID: i.ID, Kind: i.Kind, MemberID: i.MemberID, MemberLogin: i.MemberLogin, Status: i.Status,
		Number: i.Number, IssueDate: dateJSON(i.IssueDate), DueDate: dateJSON(i.DueDate),
		CreditedInvoiceID: i.CreditedInvoiceID, TotalExclCents: i.TotalExclCents, TaxCents: i.TaxCents,
		TotalCents: i.TotalCents, PaidCents: i.PaidCents, Currency: currency, HasPDF: i.HasPDF,
		CreatedAt: *timeJSON(&i.CreatedAt), ValidatedAt: timeJSON(i.ValidatedAt)}
}

type paymentJSON struct {
	ID             int64   `json:"id"`
	MemberID       int64   `json:"member_id"`
	MemberLogin    string  `json:"member_login"`
	Method         string  `json:"method"`
	Date           *string `json:"date"`
	AmountCents    int64   `json:"amount_cents"`
	AllocatedCents int64   `json:"allocated_cents"`
	Currency       string  `json:"currency"`
	Label          string  `json:"label"`
	BankReference  string  `json:"bank_reference"`
	CreatedAt      string  `json:"created_at"`
}

func paymentOf(p *store.Payment, currency string) paymentJSON {
	return paymentJSON{ID: p.ID, MemberID: p.MemberID, MemberLogin: p.MemberLogin, Method: p.Method,
		Date: dateJSON(p.Date), AmountCents: p.AmountCents, AllocatedCents: p.AllocatedCents, Currency: currency,
		Label: p.Label, BankReference: p.BankReference, CreatedAt: *timeJSON(&p.CreatedAt)}
}

type feeJSON struct {
	ID            int64   `json:"id"`
	MemberID      int64   `json:"member_id"`
	AmountCents   int64   `json:"amount_cents"`
	Currency      string  `json:"currency"`
	StartDate     *string `json:"start_date"`
	EndDate       *string `json:"end_date"`
	PaymentMethod string  `json:"payment_method"`
	PaymentDate   *string `json:"payment_date"`
	Reference     string  `json:"reference"`
	CreatedAt     string  `json:"created_at"`
}

func feeOf(f *store.MembershipFee, currency string) feeJSON {
	return feeJSON{ID: f.ID, MemberID: f.MemberID, AmountCents: f.Amount, Currency: currency,
		StartDate: dateJSON(f.StartDate), EndDate: dateJSON(f.EndDate), PaymentMethod: f.PaymentMethod,
		PaymentDate: dateJSON(f.PaymentDate), Reference: f.Reference, CreatedAt: *timeJSON(&f.CreatedAt)}
}

// memberFeeJSON is a line of the fee list: a member, whether their fee
// covers today, and their latest fee.
type memberFeeJSON struct {
	MemberID    int64    `json:"member_id"`
	MemberLogin string   `json:"member_login"`
	DisplayName string   `json:"display_name"`
	Status      string   `json:"status"`
	UpToDate    bool     `json:"up_to_date"`
	LatestFee   *feeJSON `json:"latest_fee"`
}
