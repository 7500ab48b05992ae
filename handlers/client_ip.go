package handlers

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// clientIP is the address rate limits are keyed on. Behind trusted proxies
// it is the right-most address of X-Forwarded-For that is not one of them:
// everything to its left was written by the client and proves nothing.
// Without trusted proxies the header is ignored.
func (h *Handler) clientIP(c *fiber.Ctx) string {
	remote, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	if !ok {
		return c.Context().RemoteIP().String()
	}
	remote = remote.Unmap()
	if !h.trusted(remote) {
		return remote.String()
	}
	hops := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			// A hop we cannot read: the last good one is as far as we trust.
			break
		}
		a = a.Unmap()
		if !h.trusted(a) {
			return a.String()
		}
		remote = a
	}
	return remote.String()
}

func (h *Handler) trusted(a netip.Addr) bool {
	for _, p := range h.proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
