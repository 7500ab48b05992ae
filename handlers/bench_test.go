package handlers_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"

	"coin/store/storetest"
)

// BenchmarkPages measures pages against a bare Fiber handler answering
// "hello" through the same in-process test transport: the ratio, not the
// absolute time, is the figure to watch (the machines are noisy).
func BenchmarkPages(b *testing.B) {
	bare := fiber.New(fiber.Config{DisableStartupMessage: true})
	bare.Get("/hello", func(c *fiber.Ctx) error { return c.SendString("hello") })
	t := &testing.T{}
	a := newTestApp(t, storetest.SQLite(b), nil)
	a.t = t
	a.addMember("admin", "admin", "admin-password")
	for i := 0; i < 200; i++ {
		a.addMemberQuick(fmt.Sprintf("m%03d", i))
	}
	br := a.browser()
	br.login("admin", "admin-password")
	zoe := a.addMember("zoe", "member", "zoe-password")
	for i := 0; i < 12; i++ {
		a.validatedInvoice(zoe, int64(1000+i))
	}
	member := a.browser()
	member.login("zoe", "zoe-password")
	get := func(app *fiber.App, path string, cookies map[string]string) func(b *testing.B) {
		return func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				for k, v := range cookies {
					req.AddCookie(&http.Cookie{Name: k, Value: v})
				}
				res, err := app.Test(req, -1)
				if err != nil || res.StatusCode != 200 {
					b.Fatalf("%s: %v %v", path, res.StatusCode, err)
				}
				res.Body.Close()
			}
		}
	}
	b.Run("bare-hello", get(bare, "/hello", nil))
	b.Run("login-page", get(a.app, "/login", nil))
	b.Run("members-page-25-of-201", get(a.app, "/admin/members", br.cookies))
	b.Run("members-table-fragment", get(a.app, "/admin/members?q=m1", br.cookies))
	b.Run("member-home", get(a.app, "/", member.cookies))
	b.Run("member-invoices", get(a.app, "/invoices", member.cookies))
	b.Run("dashboard", get(a.app, "/admin/", br.cookies))
}
