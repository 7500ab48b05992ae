// Package api is the REST API under /api/v1: JSON over personal access
// tokens (Authorization: Bearer …). Cookies never authenticate it, so the
// session and CSRF middleware of the web interface are not on its routes:
// a request only acts with the token it carries, which another site cannot
// make a browser send. Reads go to the store, writes to the same domain
// services the web handlers call, each in one transaction.
package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"coin/auth"
	"coin/billing"
	"coin/config"
	"coin/fees"
	"coin/form"
	"coin/i18n"
	"coin/model"
	"coin/store"
	"coin/subscription"
)

// Deps is what the API needs from the rest of the program.
type Deps struct {
	Cfg     *config.Config
	Store   *store.Store
	Billing *billing.Service
	Fees    *fees.Service
	Subs    *subscription.Service
	Catalog *i18n.Catalog // for the messages of validation errors, in English
	Log     *slog.Logger
}

// bodyLimit is the largest request body: the API only takes small JSON
// objects (a payment, a fee).
const bodyLimit = 16 << 10

type api struct{ Deps }

// Mount adds the API's routes under r + "/api". It must come before the
// web interface's session and CSRF middleware, which the API does not use.
func Mount(r fiber.Router, d Deps) {
	a := &api{Deps: d}
	g := r.Group("/api")
	// The document describes the API, not data: it is public, as the
	// login page is.
	g.Get("/v1/openapi.json", a.openAPI)
	g.Use(a.authenticate)
	v1 := g.Group("/v1")
	v1.Get("/members", a.wrap(a.listMembers))
	v1.Get("/members/:id<int>", a.wrap(a.getMember))
	v1.Get("/members/:id<int>/fees", a.wrap(a.memberFees))
	v1.Post("/members/:id<int>/fees", a.wrap(a.createFee))
	v1.Get("/fees", a.wrap(a.listFees))
	v1.Get("/subscriptions", a.wrap(a.listSubscriptions))
	v1.Get("/subscriptions/:id<int>", a.wrap(a.getSubscription))
	v1.Get("/subscriptions/:id<int>/configuration", a.wrap(a.getConfiguration))
	v1.Get("/subscriptions/:id<int>/ip-allocations", a.wrap(a.subscriptionIPs))
	v1.Post("/subscriptions/:id<int>/suspend", a.wrap(a.suspend(true)))
	v1.Post("/subscriptions/:id<int>/resume", a.wrap(a.suspend(false)))
	v1.Get("/ip-allocations", a.wrap(a.listIPs))
	v1.Get("/invoices", a.wrap(a.listInvoices))
	v1.Get("/invoices/:id<int>", a.wrap(a.getInvoice))
	v1.Get("/invoices/:id<int>/pdf", a.wrap(a.invoicePDF))
	v1.Get("/payments", a.wrap(a.listPayments))
	v1.Get("/payments/:id<int>", a.wrap(a.getPayment))
	v1.Post("/payments", a.wrap(a.createPayment))
	// Anything else under /api is the API's too: a JSON 404, never the
	// web interface's pages.
	g.All("/*", a.wrap(func(c *fiber.Ctx, _ *principal) error { return errNotFound }))
}

// principal is who a request acts as: the token's owner, with the role
// they have now, narrowed by the token's scope.
type principal struct {
	Token    *store.APIToken
	MemberID int64
	Role     string
	Scope    string
}

// member tells whether the token is a member's: it sees only that member.
func (p *principal) member() bool { return p.Role == model.RoleMember }

// can tells whether the principal's role holds permission.
func (p *principal) can(perm auth.Permission) bool { return auth.Can(p.Role, perm) }

// Error is an API failure: a status and a message for the caller.
type Error struct {
	Status  int
	Message string
	Fields  map[string]string
}

func (e *Error) Error() string { return e.Message }

func newError(status int, msg string) *Error { return &Error{Status: status, Message: msg} }

var (
	errNotFound  = newError(fiber.StatusNotFound, "not found")
	errForbidden = newError(fiber.StatusForbidden, "your role does not allow this")
	errReadOnly  = newError(fiber.StatusForbidden, "this token's scope is read: writing needs a write token")
)

// errorBody is every error's JSON.
type errorBody struct {
	Error  string            `json:"error"`
	Status int               `json:"status"`
	Fields map[string]string `json:"fields,omitempty"`
}

func (a *api) fail(c *fiber.Ctx, err error) error {
	var e *Error
	var fe *fiber.Error
	switch {
	case errors.As(err, &e):
	case errors.As(err, &fe):
		e = newError(fe.Code, fe.Message)
	case errors.Is(err, store.ErrNotFound):
		e = errNotFound
	case errors.Is(err, store.ErrConflict):
		e = newError(fiber.StatusConflict, "conflicts with an existing record")
	default:
		a.Log.Error("api request failed", "method", c.Method(), "route", c.Route().Path, "err", err)
		e = newError(fiber.StatusInternalServerError, "internal error")
	}
	if e.Status == fiber.StatusUnauthorized {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="coin"`)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(e.Status).JSON(errorBody{Error: e.Message, Status: e.Status, Fields: e.Fields})
}

type handler func(c *fiber.Ctx, p *principal) error

// wrap turns a handler's error into the API's JSON error: the web
// interface's error handler would answer with an HTML page.
func (a *api) wrap(h handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, _ := c.Locals("api").(*principal)
		if p == nil {
			return a.fail(c, newError(fiber.StatusUnauthorized, "missing bearer token"))
		}
		if err := h(c, p); err != nil {
			return a.fail(c, err)
		}
		return nil
	}
}

// authenticate reads the bearer token. Only its hash is looked up (one
// indexed read); the last use is written at most once a minute.
func (a *api) authenticate(c *fiber.Ctx) error {
	n := c.Request().Header.ContentLength()
	if n > bodyLimit {
		c.Context().SetConnectionClose()
		return a.fail(c, newError(fiber.StatusRequestEntityTooLarge, "request body too large (at most 16 KiB)"))
	}
	if n == -1 {
		c.Context().SetConnectionClose()
		return a.fail(c, newError(fiber.StatusLengthRequired, "a request body needs a Content-Length"))
	}
	h := c.Get(fiber.HeaderAuthorization)
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return a.fail(c, newError(fiber.StatusUnauthorized, "missing bearer token: send Authorization: Bearer <token>"))
	}
	t, err := a.Store.APITokenByHash(c.UserContext(), auth.HashToken(strings.TrimSpace(token)))
	if errors.Is(err, store.ErrNotFound) {
		return a.fail(c, newError(fiber.StatusUnauthorized, "invalid token"))
	}
	if err != nil {
		return a.fail(c, err)
	}
	now := a.Store.Now()
	switch {
	case t.RevokedAt != nil:
		return a.fail(c, newError(fiber.StatusUnauthorized, "token revoked"))
	case !t.Live(now):
		return a.fail(c, newError(fiber.StatusUnauthorized, "token expired"))
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= time.Minute {
		if err := a.Store.TouchAPIToken(c.UserContext(), t.ID); err != nil {
			a.Log.Warn("touch api token", "token", t.ID, "err", err)
		}
	}
	c.Locals("api", &principal{Token: t, MemberID: t.MemberID, Role: t.MemberRole, Scope: t.Scope})
	return c.Next()
}

// need refuses unless the role holds perm (and, for a write, the token
// has the write scope). Members hold no permission.
func need(p *principal, perm auth.Permission, write bool) error {
	if write && p.Scope != store.ScopeWrite {
		return errReadOnly
	}
	if !p.can(perm) {
		return errForbidden
	}
	return nil
}

// page is a list's pagination: limit (1 to 200, 50 by default) and page
// (from 1).
type page struct{ Limit, Page int }

func (p page) offset() int { return (p.Page - 1) * p.Limit }

func pageOf(c *fiber.Ctx) (page, error) {
	p := page{Limit: 50, Page: 1}
	var err error
	if v := c.Query("limit"); v != "" {
		if p.Limit, err = strconv.Atoi(v); err != nil || p.Limit < 1 || p.Limit > 200 {
			return p, badParam("limit", "an integer from 1 to 200")
		}
	}
	if v := c.Query("page"); v != "" {
		if p.Page, err = strconv.Atoi(v); err != nil || p.Page < 1 || p.Page > 1_000_000 {
			return p, badParam("page", "an integer from 1")
		}
	}
	return p, nil
}

func badParam(name, want string) *Error {
	return &Error{Status: fiber.StatusBadRequest, Message: "bad parameter " + name + ": want " + want,
		Fields: map[string]string{name: "want " + want}}
}

// int64Query reads an optional id parameter.
func int64Query(c *fiber.Ctx, name string) (int64, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		return 0, badParam(name, "a positive integer")
	}
	return n, nil
}

// textQuery reads an optional text parameter, which must be valid UTF-8.
func textQuery(c *fiber.Ctx, name string) (string, error) {
	v := strings.TrimSpace(c.Query(name))
	if !utf8.ValidString(v) || len(v) > 200 {
		return "", badParam(name, "UTF-8 text of at most 200 bytes")
	}
	return v, nil
}

// oneOfQuery reads an optional parameter among allowed values.
func oneOfQuery(c *fiber.Ctx, name string, allowed ...string) (string, error) {
	v := c.Query(name)
	if v == "" {
		return "", nil
	}
	for _, x := range allowed {
		if v == x {
			return v, nil
		}
	}
	return "", badParam(name, "one of "+strings.Join(allowed, ", "))
}

func idParam(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return 0, errNotFound
	}
	return id, nil
}

// list is every list's JSON.
type list[T any] struct {
	Data     []T  `json:"data"`
	Page     int  `json:"page"`
	Limit    int  `json:"limit"`
	Total    int  `json:"total"`
	NextPage *int `json:"next_page"`
}

func newList[T any](data []T, p page, total int) list[T] {
	if data == nil {
		data = []T{}
	}
	l := list[T]{Data: data, Page: p.Page, Limit: p.Limit, Total: total}
	if p.Page*p.Limit < total {
		n := p.Page + 1
		l.NextPage = &n
	}
	return l
}

// items is the JSON of a short list without pages (a member's fees).
type items[T any] struct {
	Data []T `json:"data"`
}

func newItems[T any](data []T) items[T] {
	if data == nil {
		data = []T{}
	}
	return items[T]{Data: data}
}

func (a *api) currency() string {
	if a.Cfg.Billing.Currency == "" {
		return "EUR"
	}
	return a.Cfg.Billing.Currency
}

// invalid turns a form's errors into a 422 whose fields carry the English
// messages the web forms show.
func (a *api) invalid(errs form.Errors) *Error {
	e := &Error{Status: fiber.StatusUnprocessableEntity, Message: "invalid input", Fields: map[string]string{}}
	var l *i18n.Locale
	if a.Catalog != nil {
		l = a.Catalog.Locale("en", a.Cfg.Location(), a.currency())
	}
	for field, v := range errs {
		id, data := form.Message(v)
		if l != nil {
			e.Fields[field] = l.Tf(id, data)
		} else {
			e.Fields[field] = id
		}
	}
	return e
}

// decode reads a JSON body into v: malformed JSON is a 400.
func decode(c *fiber.Ctx, v any) error {
	if !strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEApplicationJSON) {
		return newError(fiber.StatusUnsupportedMediaType, "the body must be application/json")
	}
	body := c.Body()
	if !utf8.Valid(body) {
		return newError(fiber.StatusBadRequest, "the body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return newError(fiber.StatusBadRequest, "malformed JSON: "+err.Error())
	}
	return nil
}
