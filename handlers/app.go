// Package handlers is the web interface: one handler per file, each reading
// the request, calling the domain packages or the store, and rendering a
// view. Plain requests get whole pages; htmx requests get fragments.
package handlers

import (
	"context"
	"errors"
	"log/slog"
	"net/netip"
	"time"

	"github.com/gofiber/fiber/v2"

	"coin/account"
	"coin/accounting"
	"coin/api"
	"coin/assets"
	"coin/auth"
	"coin/bank"
	"coin/billing"
	"coin/bulkmail"
	"coin/collections"
	"coin/config"
	"coin/fees"
	"coin/hardware"
	"coin/i18n"
	"coin/importer"
	"coin/ipam"
	"coin/ispdb"
	"coin/jobs"
	"coin/ledger"
	"coin/mail"
	"coin/maillists"
	"coin/member"
	"coin/metrics"
	"coin/overrides"
	"coin/receipt"
	"coin/selfservice"
	"coin/sepa"
	"coin/snmppoll"
	"coin/store"
	"coin/stripepay"
	"coin/subscription"
	"coin/views"
)

// Deps is what the web interface needs from the rest of the program.
type Deps struct {
	Cfg       *config.Config
	Store     *store.Store
	Catalog   *i18n.Catalog
	Assets    *assets.Set
	Accounts  *account.Service
	Templates *overrides.Registry
	Mail      *mail.Composer
	Subs      *subscription.Service
	Billing   *billing.Service
	ISP       *ispdb.Service
	Lists     *maillists.Syncer // nil: built from Cfg.Maillists
	Log       *slog.Logger
	// Site returns the ISP's identity for the interface; nil for the ISP
	// record and the overrides folder's assets.
	Site  func(ctx context.Context) views.Site
	Fees  *fees.Service
	Jobs  *jobs.Scheduler
	Bank  *bank.Service
	SEPA  *sepa.Service
	Books *accounting.Service
	// IPAM allocates subnets; nil: built from Cfg with Subs's allocator.
	IPAM *ipam.Allocator
	// Members writes members; nil: built from Store and Fees.
	Members *member.Service
	// Hardware writes the inventory; nil: built from Store and Cfg.
	Hardware *hardware.Service
	// Offers writes offers; nil: built from Store and Subs's backends.
	Offers *subscription.Offers
	// MailLists writes mailing lists; nil: built from Store and Lists.
	MailLists *maillists.Service
	// BulkMail sends messages composed in the back office; nil: built from
	// Store, Mail and the ISP identity.
	BulkMail *bulkmail.Service
	// Importer imports other systems' files; nil: built from Store, Members, Fees and Subs.
	Importer *importer.Service
	// SNMP polls network devices and writes their agents; nil: built from Store and Cfg.
	SNMP *snmppoll.Service
	// Receipts issues members' receipts; nil: built from Store, Cfg, Catalog and ISP.
	Receipts *receipt.Service
	// Metrics feeds and serves /metrics; nil: no /metrics and no request metrics.
	Metrics *metrics.Metrics
	// MetricsAuthorizer lets a request read /metrics when metrics.public is
	// off (an admin's API token); nil: only a signed-in admin's session.
	MetricsAuthorizer func(c *fiber.Ctx) bool
	// Collect reminds and suspends members in arrears; nil: built from the rest.
	Collect *collections.Service
	// Stripe takes card payments; nil: built from Cfg.Stripe (nil when off).
	Stripe *stripepay.Service
	// SelfService writes members' requests and notices; nil: built from Store, Subs and Mail.
	SelfService *selfservice.Service
}

// Handler holds the dependencies shared by every handler.
type Handler struct {
	Deps
	secret  []byte
	proxies []netip.Prefix // trusted_proxies

	routeLabels routeLabels // names of routes in the metrics
}

// New builds the Fiber application with every route under base_path.
func New(d Deps) *fiber.App {
	if d.Lists == nil {
		d.Lists = maillists.New(d.Store, d.Cfg.Maillists, d.Log)
	}
	if d.IPAM == nil {
		if a, ok := d.Subs.Allocator.(*ipam.Allocator); ok {
			d.IPAM = a
		} else if a, err := ipam.New(d.Store, d.Cfg, d.Log); err == nil {
			d.IPAM = a
		} else {
			// Load validated the settings; keep the pages up regardless.
			def := config.Default()
			d.Log.Error("ip settings", "err", err)
			d.IPAM, _ = ipam.New(d.Store, &def, d.Log)
		}
	}
	if d.Members == nil {
		d.Members = &member.Service{Store: d.Store, Fees: d.Fees, Log: d.Log}
	}
	if d.Hardware == nil {
		d.Hardware = &hardware.Service{Store: d.Store, Cfg: d.Cfg, Log: d.Log}
	}
	if d.SNMP == nil {
		d.SNMP = snmppoll.New(d.Store, &d.Cfg.SNMP, d.Log)
	}
	if d.MetricsAuthorizer == nil {
		d.MetricsAuthorizer = func(c *fiber.Ctx) bool { return api.AdminToken(c, d.Store) }
	}
	if d.Receipts == nil {
		d.Receipts = &receipt.Service{Store: d.Store, Cfg: d.Cfg, Catalog: d.Catalog, Identity: d.ISP.Identity, Log: d.Log}
	}
	if d.Offers == nil {
		d.Offers = &subscription.Offers{Store: d.Store, Backends: d.Subs.Backends, Log: d.Log}
	}
	if d.MailLists == nil {
		d.MailLists = &maillists.Service{Store: d.Store, Sync: d.Lists, Log: d.Log}
	}
	if d.BulkMail == nil {
		d.BulkMail = &bulkmail.Service{Store: d.Store, Mail: d.Mail, DefaultLanguage: d.Cfg.Server.DefaultLanguage, Log: d.Log,
			Site: func(ctx context.Context) mail.Site { return mail.SiteOf(d.ISP.Identity(ctx), d.Cfg.AbsoluteURL("/")) }}
	}
	if d.Importer == nil {
		d.Importer = &importer.Service{Store: d.Store, Members: d.Members, Fees: d.Fees, Subs: d.Subs, Log: d.Log}
	}
	if d.Collect == nil {
		d.Collect = &collections.Service{Store: d.Store, Cfg: d.Cfg, Catalog: d.Catalog, Mail: d.Mail, Subs: d.Subs, Log: d.Log,
			Site: func(ctx context.Context) mail.Site { return mail.SiteOf(d.ISP.Identity(ctx), d.Cfg.AbsoluteURL("/")) }}
		if d.Billing != nil && d.Billing.Paid == nil {
			d.Billing.Paid = d.Collect.Paid
		}
		d.Collect.PaymentLink = func(context.Context, *store.Member, []*store.Invoice) string { return stripepay.PayURL(d.Cfg) }
	}
	if d.Stripe == nil {
		var err error
		if d.Stripe, err = stripepay.New(d.Store, d.Cfg, d.Billing, d.Fees, d.Log); err != nil {
			// Load validated the settings (a secret file may have gone since).
			d.Log.Error("stripe settings: card payments are off", "err", err)
		}
	}
	if d.SelfService == nil {
		d.SelfService = &selfservice.Service{Store: d.Store, Cfg: d.Cfg, Subs: d.Subs, Mail: d.Mail, Catalog: d.Catalog, Log: d.Log,
			Site: func(ctx context.Context) mail.Site { return mail.SiteOf(d.ISP.Identity(ctx), d.Cfg.AbsoluteURL("/")) }}
	}
	h := &Handler{Deps: d, secret: []byte(d.Cfg.Server.SecretKey)}
	// Load validated them; a test's config may hold none.
	h.proxies, _ = d.Cfg.Server.TrustedProxyPrefixes()
	if h.Site == nil {
		h.Site = h.site
	}
	app := fiber.New(fiber.Config{
		AppName:               "coin",
		DisableStartupMessage: true,
		ErrorHandler:          h.errorHandler,
		BodyLimit:             formBodyLimit,
		StreamRequestBody:     true,
		// Multipart bodies are parsed when a handler asks, after limitBody.
		DisablePreParseMultipartForm: true,
		ReadTimeout:                  30 * time.Second,
		WriteTimeout:                 60 * time.Second,
		IdleTimeout:                  2 * time.Minute,
	})
	if d.Metrics != nil {
		app.Use(h.countRequests)
	}
	app.Use(h.recover, h.logRequests, h.securityHeaders)

	r := app.Group(d.Cfg.Server.BasePath)
	r.Get("/healthz", h.health)
	r.Get("/assets/:hash/*", h.asset)
	r.Get("/custom/:hash/*", h.customAsset)
	r.Get("/isp/logo/:hash", h.ispLogo)
	r.Get("/isp.json", h.ispJSON)
	r.Options("/isp.json", h.ispJSONPreflight)
	// The REST API authenticates by bearer token only: it is mounted before
	// the session and CSRF middleware, so a cookie never reaches it.
	api.Mount(r, api.Deps{Cfg: d.Cfg, Store: d.Store, Billing: d.Billing, Fees: d.Fees, Subs: d.Subs,
		Catalog: d.Catalog, Log: d.Log})
	if d.Metrics != nil {
		r.Get("/metrics", h.metrics)
	}
	// Stripe's notifications: signed, not sent from a browser, so outside
	// the session and CSRF checks.
	r.Post("/stripe/webhook", h.stripeWebhook)
	r.Use(h.loadSession, h.limitBody, h.csrf, h.prepare)
	h.routes(r)
	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	return app
}

func (h *Handler) routes(r fiber.Router) {
	r.Get("/login", h.loginPage)
	r.Post("/login", h.login)
	r.Post("/logout", h.logout)
	r.Post("/language", h.setLanguage)
	r.Get("/password-reset", h.passwordResetRequestPage)
	r.Post("/password-reset", h.passwordResetRequest)
	r.Get("/password-reset/:token", h.passwordResetPage)
	r.Post("/password-reset/:token", h.passwordReset)
	r.Get("/signup", h.signupPage)
	r.Post("/signup", h.signup)
	r.Get("/verify-email/:token", h.verifyEmail)
	r.Get("/legal", h.legal)

	me := r.Group("", h.signedIn)
	me.Get("/", h.home)
	me.Get("/profile", h.profile)
	me.Get("/profile/data.json", h.myData)
	me.Get("/profile/edit", h.profileEditPage)
	me.Post("/profile/edit", h.profileEdit)
	me.Get("/password", h.passwordChangePage)
	me.Post("/password", h.passwordChange)
	me.Get("/subscriptions", h.portalSubscriptions)
	me.Get("/subscriptions/:id<int>/config", h.portalConfigPage)
	me.Post("/subscriptions/:id<int>/config", h.portalConfig)
	me.Post("/subscriptions/:id<int>/password", h.portalPassword)
	me.Get("/subscriptions/:id<int>/network", h.portalNetwork)
	me.Post("/subscriptions/:id<int>/network/:aid<int>/ptr", h.portalRDNS("ptr"))
	me.Post("/subscriptions/:id<int>/network/:aid<int>/ptr/:pid<int>/delete", h.portalRDNS("ptr-delete"))
	me.Post("/subscriptions/:id<int>/network/:aid<int>/ns", h.portalRDNS("ns"))
	me.Get("/invoices", h.portalInvoices)
	me.Get("/invoices/:id<int>", h.portalInvoiceShow)
	me.Get("/invoices/:id<int>/pdf", h.portalInvoicePDF)
	me.Post("/invoices/:id<int>/receipt", h.invoiceReceipt)
	me.Post("/membership/fees/:id<int>/receipt", h.feeReceipt)
	me.Post("/membership/fees/:id<int>/tax-receipt", h.feeTaxReceipt)
	me.Get("/receipts/:id<int>/pdf", h.receiptPDF)
	me.Post("/donations/:id<int>/receipt", h.donationReceipt)
	me.Get("/donations/:id<int>/receipt.pdf", h.donationReceiptPDF)
	me.Get("/pay", h.stripeCheckout) // the link in reminders (stripepay.PayURL)
	me.Get("/pay/done", h.stripeReturn("cardpay.flash_done", false))
	me.Get("/pay/cancelled", h.stripeReturn("cardpay.flash_cancelled", true))
	me.Get("/membership", h.membership)
	me.Get("/requests", h.selfServicePage)
	me.Post("/requests/subscribe", h.selfServiceSubscribe)
	me.Post("/requests/resign", h.selfServiceResign)
	me.Get("/mandate", h.portalMandatePage)
	me.Post("/mandate", h.portalMandateSign)
	me.Get("/documents.zip", h.portalDocuments)
	hw, ml := h.feature(h.Cfg.Hardware.Enabled), h.feature(h.Cfg.Maillists.Enabled)
	me.Get("/hardware", hw, h.myHardware)
	me.Get("/lists", ml, h.myLists)
	me.Post("/lists/:id<int>", ml, h.myListToggle)

	admin := r.Group("/admin", h.require(auth.ViewBackOffice))
	admin.Get("/", h.dashboard)
	members := admin.Group("/members", h.require(auth.ManageMembers))
	members.Get("/", h.memberList)
	members.Get("/new", h.memberNewPage)
	members.Post("/bulk", h.memberBulk)
	members.Post("/bulk/email", h.memberBulkEmail)
	members.Post("/new", h.memberCreate)
	members.Get("/:id<int>", h.memberShow)
	members.Get("/:id<int>/edit", h.memberEditPage)
	members.Post("/:id<int>/edit", h.memberEdit)
	members.Post("/:id<int>/password-reset", h.memberPasswordReset)
	members.Get("/:id<int>/delete", h.require(auth.DeleteMembers), h.memberDeletePage)
	members.Post("/:id<int>/delete", h.require(auth.DeleteMembers), h.memberDelete)
	members.Get("/:id<int>/anonymise", h.require(auth.DeleteMembers), h.memberAnonymisePage)
	members.Post("/:id<int>/anonymise", h.require(auth.DeleteMembers), h.memberAnonymise)
	members.Get("/export.csv", h.require(auth.ExportMembers), h.memberExport)
	admin.Get("/import", h.require(auth.ImportMembers), h.importPage)
	admin.Post("/import", h.require(auth.ImportMembers), h.importUpload)
	admin.Post("/import/confirm", h.require(auth.ImportMembers), h.importConfirm)
	admin.Get("/register", h.require(auth.MemberRegister), h.registerPage)
	admin.Get("/register.csv", h.require(auth.MemberRegister), h.registerCSV)
	admin.Get("/register.pdf", h.require(auth.MemberRegister), h.registerPDF)
	admin.Get("/offers", h.offerList)
	offers := admin.Group("/offers", h.require(auth.ManageOffers))
	offers.Get("/new", h.offerNewPage)
	offers.Post("/new", h.offerCreate)
	offers.Get("/:id<int>/edit", h.offerEditPage)
	offers.Post("/:id<int>/edit", h.offerEdit)
	offers.Post("/:id<int>/delete", h.offerDelete)
	admin.Get("/subscriptions", h.subscriptionList)
	admin.Get("/subscriptions/:id<int>", h.subscriptionShow)
	subs := admin.Group("/subscriptions", h.require(auth.ManageSubscriptions))
	requests := admin.Group("/requests", h.require(auth.ManageSubscriptions))
	requests.Get("/", h.requestsAdmin)
	requests.Get("/:id<int>", h.requestPage)
	requests.Post("/:id<int>/approve", h.requestApprove)
	requests.Post("/:id<int>/refuse", h.requestRefuse)
	subs.Get("/new", h.subscriptionNewPage)
	subs.Post("/new", h.subscriptionCreate)
	subs.Get("/member-options", h.subscriptionMemberOptions)
	subs.Get("/config-fields", h.subscriptionConfigFields)
	subs.Get("/:id<int>/edit", h.subscriptionEditPage)
	subs.Post("/:id<int>/edit", h.subscriptionEdit)
	subs.Get("/:id<int>/config", h.subscriptionConfigPage)
	subs.Post("/:id<int>/config", h.subscriptionConfig)
	subs.Post("/:id<int>/password", h.subscriptionPassword)
	subs.Post("/:id<int>/suspend", h.subscriptionSuspend)
	subs.Post("/:id<int>/resume", h.subscriptionResume)
	subs.Post("/:id<int>/runs/:run<int>/retry", h.subscriptionRetry)
	// Billing routes share a prefix with nothing else: permissions go on
	// each route (a Group("") with middleware would guard every later
	// /admin route too).
	view, manage := h.require(auth.ViewBilling), h.require(auth.ManageBilling)
	admin.Get("/invoices", view, h.invoiceList)
	admin.Get("/invoices.csv", view, h.invoiceCSV)
	admin.Post("/invoices/bulk/email", manage, h.invoiceBulkEmail)
	admin.Get("/invoices/new", manage, h.invoiceNewPage)
	admin.Post("/invoices/new", manage, h.invoiceCreate)
	viewOne := h.require(auth.ViewMemberBilling)
	admin.Get("/invoices/:id<int>", viewOne, h.invoiceShow)
	admin.Get("/invoices/:id<int>/pdf", viewOne, h.invoicePDF)
	admin.Get("/invoices/:id<int>/edit", manage, h.invoiceEditPage)
	admin.Post("/invoices/:id<int>/edit", manage, h.invoiceEdit)
	admin.Post("/invoices/:id<int>/validate", manage, h.invoiceValidate)
	admin.Post("/invoices/:id<int>/delete", manage, h.invoiceDelete)
	admin.Post("/invoices/:id<int>/credit", manage, h.invoiceCredit)
	admin.Post("/invoices/:id<int>/resend", manage, h.invoiceResend)
	admin.Get("/charts", view, h.charts)
	admin.Get("/payments", view, h.paymentList)
	admin.Get("/payments/new", manage, h.paymentNewPage)
	admin.Get("/payments/member-options", manage, h.paymentMemberOptions)
	admin.Post("/payments/new", manage, h.paymentCreate)
	admin.Get("/payments/:id<int>", view, h.paymentShow)
	admin.Post("/payments/:id<int>/allocate", manage, h.paymentAllocate)
	admin.Post("/payments/:id<int>/delete", manage, h.paymentDelete)
	admin.Get("/bank-imports", manage, h.bankUploadPage)
	admin.Get("/bank-imports/new", manage, h.bankUploadPage)
	if h.Cfg.Demo {
		admin.Get("/bank-imports/demo-statement.csv", manage, h.bankDemoStatement)
		admin.Get("/bank-imports/demo-returns.xml", manage, h.bankDemoReturns)
	}
	admin.Post("/bank-imports", manage, h.bankUpload)
	admin.Get("/bank-imports/:id<int>", manage, h.bankImportShow)
	admin.Post("/bank-imports/:id<int>/confirm", manage, h.bankImportConfirm)
	admin.Get("/bank-imports/:id<int>/lines/:pos<int>", manage, h.bankLineEdit)
	admin.Post("/bank-imports/:id<int>/lines/:pos<int>", manage, h.bankLineFix)
	admin.Post("/bank-imports/:id<int>/lines/:pos<int>/book", manage, h.bankLineBook)
	admin.Get("/sepa", manage, h.sepaPage)
	admin.Post("/sepa/debit", manage, h.sepaDebit)
	admin.Get("/sepa/files/:id<int>", manage, h.sepaFileDownload)
	members.Get("/:id<int>/mandates", manage, h.mandatesPage)
	members.Post("/:id<int>/mandates", manage, h.mandateCreate)
	members.Get("/:id<int>/mandates/:mandate<int>/edit", manage, h.mandateEditPage)
	members.Post("/:id<int>/mandates/:mandate<int>/edit", manage, h.mandateEdit)
	members.Post("/:id<int>/mandates/:mandate<int>/resume", manage, h.mandateResume)
	admin.Get("/accounting", view, h.accountingPage)
	admin.Get("/accounting/export", view, h.accountingExport)
	admin.Get("/accounting/periods", manage, h.periodsPage)
	admin.Post("/accounting/periods", manage, h.periodClose)
	admin.Get("/accounting/entries", manage, h.entriesPage)
	admin.Get("/accounting/entries/new", manage, h.entryNewPage)
	admin.Post("/accounting/entries/new", manage, h.entryCreate)
	admin.Get("/accounting/entries/:id<int>", manage, h.entryShow)
	admin.Post("/accounting/entries/:id<int>/tax-receipt", manage, h.entryTaxReceipt)
	admin.Post("/accounting/entries/:id<int>/cancel", manage, h.entryCancel)
	admin.Get("/accounting/entries/:id<int>/tax-receipt.pdf", manage, h.entryTaxReceiptPDF)
	admin.Get("/charge", manage, h.chargePage)
	admin.Post("/charge", manage, h.chargeStart)
	admin.Get("/charge/progress", manage, h.chargeProgress)
	members.Post("/:id<int>/fees", h.require(auth.ManageBilling), h.feeCreate)
	members.Post("/:id<int>/fees/:fee<int>/delete", h.require(auth.ManageBilling), h.feeDelete)
	admin.Get("/fees", h.require(auth.ViewBilling), h.feeList)
	admin.Get("/overdue", view, h.overdueList)
	admin.Get("/overdue.csv", view, h.overdueCSV)
	admin.Post("/overdue/remind", manage, h.overdueRemind)
	members.Post("/:id<int>/collections", manage, h.memberCollectionsSave)
	admin.Post("/subscriptions/:id<int>/arrears-exempt", manage, h.subscriptionArrearsExempt)
	admin.Get("/audit", h.require(auth.ViewAudit), h.auditList)
	jobRoutes := admin.Group("/jobs", h.require(auth.ViewJobs))
	jobRoutes.Get("/", h.jobList)
	jobRoutes.Get("/runs/:id<int>", h.jobRunShow)
	jobRoutes.Post("/:name/run", h.require(auth.RunJobs), h.jobRun)
	admin.Get("/members-email", h.require(auth.ManageMembers), h.membersEmail)
	admin.Get("/members-email.txt", h.require(auth.ManageMembers), h.membersEmailDownload)
	inventory := admin.Group("/hardware", hw, h.require(auth.ManageInventory))
	inventory.Get("/", h.inventory)
	inventory.Get("/export.csv", h.inventoryExport)
	inventory.Get("/new", h.itemNewPage)
	inventory.Post("/new", h.itemCreate)
	inventory.Get("/:id<int>", h.itemShow)
	inventory.Get("/:id<int>/edit", h.itemEditPage)
	inventory.Post("/:id<int>/edit", h.itemEdit)
	inventory.Get("/:id<int>/delete", h.itemDeletePage)
	inventory.Post("/:id<int>/delete", h.itemDelete)
	inventory.Post("/:id<int>/lend", h.itemLend)
	inventory.Post("/:id<int>/return", h.itemReturn)
	inventory.Post("/:id<int>/snmp", h.itemSNMPSave)
	inventory.Post("/:id<int>/snmp/poll", h.itemSNMPPoll)
	inventory.Post("/:id<int>/snmp/delete", h.itemSNMPDelete)
	inventory.Get("/loans/:id<int>/edit", h.loanEditPage)
	inventory.Post("/loans/:id<int>/edit", h.loanEdit)
	inventory.Get("/types", h.itemTypes)
	inventory.Post("/types", h.itemTypeCreate)
	inventory.Post("/types/:id<int>", h.itemTypeRename)
	inventory.Post("/types/:id<int>/delete", h.itemTypeDelete)
	inventory.Get("/storage", h.storagePlaces)
	inventory.Post("/storage", h.storagePlaceCreate)
	inventory.Post("/storage/:id<int>", h.storagePlaceUpdate)
	inventory.Post("/storage/:id<int>/delete", h.storagePlaceDelete)
	lists := admin.Group("/lists", ml, h.require(auth.ManageLists))
	lists.Get("/", h.listIndex)
	lists.Get("/new", h.listNewPage)
	lists.Post("/new", h.listCreate)
	lists.Get("/:id<int>", h.listShow)
	lists.Get("/:id<int>/edit", h.listEditPage)
	lists.Post("/:id<int>/edit", h.listEdit)
	lists.Get("/:id<int>/delete", h.listDeletePage)
	lists.Post("/:id<int>/delete", h.listDelete)
	lists.Post("/:id<int>/sync", h.listSyncNow)
	lists.Post("/:id<int>/subscribers", h.listAddSubscriber)
	lists.Post("/:id<int>/subscribers/:member<int>/remove", h.listRemoveSubscriber)
	outbox := admin.Group("/outbox", h.require(auth.ViewOutbox))
	outbox.Get("/", h.outboxList)
	outbox.Get("/:id<int>", h.outboxShow)
	outbox.Post("/:id<int>/resend", h.outboxResend)
	pools := admin.Group("/pools", h.require(auth.ManageNetwork))
	pools.Get("/", h.poolList)
	pools.Get("/new", h.poolNewPage)
	pools.Post("/new", h.poolCreate)
	pools.Get("/:id<int>", h.poolShow)
	pools.Get("/:id<int>/edit", h.poolEditPage)
	pools.Post("/:id<int>/edit", h.poolEdit)
	pools.Post("/:id<int>/delete", h.poolDelete)
	pools.Post("/:id<int>/offers", h.poolLinkOffer)
	pools.Post("/:id<int>/offers/:offer<int>/unlink", h.poolUnlinkOffer)
	pools.Post("/:id<int>/allocate", h.poolAllocate)
	pools.Get("/:id<int>/zone.txt", h.poolZone)
	pools.Get("/:id<int>/allocations/:aid<int>", h.allocationShow)
	pools.Post("/:id<int>/allocations/:aid<int>/release", h.allocationRelease)
	pools.Post("/:id<int>/allocations/:aid<int>/ptr", h.allocationRDNS("ptr"))
	pools.Post("/:id<int>/allocations/:aid<int>/ptr/:pid<int>/delete", h.allocationRDNS("ptr-delete"))
	pools.Post("/:id<int>/allocations/:aid<int>/ns", h.allocationRDNS("ns"))
	isp := admin.Group("/isp", h.require(auth.ManageISP))
	isp.Get("/", h.ispPage)
	isp.Post("/", h.ispSave)
	isp.Post("/logo", h.ispLogoUpload)
	isp.Post("/logo/delete", h.ispLogoDelete)
	tokens := admin.Group("/api-tokens", h.require(auth.ManageAPITokens))
	tokens.Get("/", h.apiTokensPage)
	tokens.Post("/", h.apiTokenCreate)
	tokens.Post("/:id<int>/revoke", h.apiTokenRevoke)
	templates := admin.Group("/templates", h.require(auth.ManageISP))
	templates.Get("/", h.templateList)
	templates.Get("/*", h.templateShow)
	templates.Post("/*", h.templatePost)
}

// errorHandler renders refusals and failures as pages in the reader's language.
func (h *Handler) errorHandler(c *fiber.Ctx, err error) error {
	if closed := (*ledger.ClosedError)(nil); errors.As(err, &closed) {
		if c.UserContext().Value(preparedKey{}) == nil {
			h.prepareContext(c)
		}
		return h.closedPeriodPage(c, closed)
	}
	status := fiber.StatusInternalServerError
	var fe *fiber.Error
	switch {
	case errors.As(err, &fe):
		status = fe.Code
	case errors.Is(err, store.ErrNotFound):
		status = fiber.StatusNotFound
	case errors.Is(err, auth.ErrBusy):
		status = fiber.StatusServiceUnavailable
		c.Set(fiber.HeaderRetryAfter, "5")
	}
	if status >= 500 && status != fiber.StatusServiceUnavailable {
		h.Log.Error("request failed", "method", c.Method(), "route", c.Route().Path, "err", err)
	}
	msg := "error.generic"
	switch status {
	case fiber.StatusNotFound, fiber.StatusMethodNotAllowed:
		msg = "error.not_found"
	case fiber.StatusForbidden:
		msg = "error.forbidden"
	case fiber.StatusRequestEntityTooLarge:
		msg = "error.too_large"
	case fiber.StatusBadRequest:
		msg = "error.bad_request"
	case fiber.StatusTooManyRequests:
		msg = "error.too_many"
	case fiber.StatusServiceUnavailable:
		msg = "error.busy"
	case fiber.StatusLengthRequired:
		msg = "error.length_required"
	}
	if fe != nil && status == fiber.StatusForbidden && fe.Message == csrfFailure {
		msg = "error.csrf"
	}
	if c.UserContext().Value(preparedKey{}) == nil {
		// The failure happened before the request was prepared (unknown
		// path, bad CSRF…): give it a language and an Env now.
		h.prepareContext(c)
	}
	return h.page(c, status, h.tr(c, "error.title"), views.Error(status, msg))
}
