package handlers

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"coin/api"
	"coin/form"
	"coin/store"
	"coin/views"
)

// apiTokensPage lists the API tokens with their last use (admins).
func (h *Handler) apiTokensPage(c *fiber.Ctx) error {
	return h.apiTokens(c, fiber.StatusOK, views.APITokensData{Values: map[string]string{"scope": store.ScopeRead}})
}

func (h *Handler) apiTokens(c *fiber.Ctx, status int, d views.APITokensData) error {
	var err error
	if d.Tokens, err = h.Store.ListAPITokens(c.UserContext(), 0); err != nil {
		return err
	}
	d.Now = time.Now()
	// The page may carry a token shown once: no cache keeps it.
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.page(c, status, h.tr(c, "apitokens.title"), views.APITokens(d))
}

// apiTokenCreate creates a token and shows it once, on the answer itself.
func (h *Handler) apiTokenCreate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	v := map[string]string{"login": strings.TrimSpace(c.FormValue("login")), "scope": c.FormValue("scope"),
		"expires": strings.TrimSpace(c.FormValue("expires")), "name": strings.TrimSpace(c.FormValue("name"))}
	errs := form.Errors{}
	errs.Required("login", v["login"])
	errs.OneOf("scope", v["scope"], store.ScopeRead, store.ScopeWrite)
	errs.MaxLen("name", v["name"], 100)
	var m *store.Member
	if v["login"] != "" {
		var err error
		m, err = h.Store.MemberByLogin(ctx, v["login"])
		if errors.Is(err, store.ErrNotFound) {
			errs.Add("login", "apitokens.err_login")
		} else if err != nil {
			return err
		}
	}
	var expires *time.Time
	if v["expires"] != "" {
		d := errs.Date("expires", v["expires"])
		if errs.Get("expires") == "" {
			// The end of that day where the ISP is.
			e := time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 59, 0, h.Cfg.Location())
			if !e.After(time.Now()) {
				errs.Add("expires", "apitokens.err_expiry")
			}
			expires = &e
		}
	}
	if errs.Any() {
		return h.apiTokens(c, fiber.StatusUnprocessableEntity, views.APITokensData{Values: v, Errs: errs})
	}
	by := user(c).ID
	tok, t, err := api.CreateToken(ctx, h.Store, m, v["scope"], v["name"], expires, &by)
	if err != nil {
		return err
	}
	h.Log.Info("api token created", "token", t.ID, "member", m.ID, "scope", t.Scope, "by", by)
	return h.apiTokens(c, fiber.StatusOK, views.APITokensData{Created: tok,
		Values: map[string]string{"scope": store.ScopeRead}})
}

func (h *Handler) apiTokenRevoke(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return fiber.ErrNotFound
	}
	if err := api.RevokeToken(c.UserContext(), h.Store, id); err != nil {
		return err
	}
	h.Log.Info("api token revoked", "token", id, "by", user(c).ID)
	h.flash(c, "apitokens.revoked_flash", false)
	return h.redirect(c, "/admin/api-tokens")
}
