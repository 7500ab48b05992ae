package handlers

import (
	"io"
	"math"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"

	"github.com/gofiber/fiber/v2"
)

func TestPageParam(t *testing.T) {
	app := fiber.New()
	app.Get("/", func(c *fiber.Ctx) error { return c.SendString(strconv.Itoa(pageParam(c))) })
	for q, want := range map[string]int{
		"": 1, "x": 1, "2x": 1, "1.5": 1, "0": 1, "-1": 1, "-9223372036854775808": 1, "-99999999999999999999": 1,
		"1": 1, "2": 2, " 3": 1, "1048576": maxPage, "1048577": maxPage,
		"9223372036854775807": maxPage, "99999999999999999999": maxPage,
	} {
		res, err := app.Test(httptest.NewRequest("GET", "/?page="+url.QueryEscape(q), nil))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		if got, _ := strconv.Atoi(string(body)); got != want {
			t.Errorf("page=%q: %s, want %d", q, body, want)
		}
	}
}

func TestPageOffset(t *testing.T) {
	for _, c := range []struct{ page, perPage, want int }{
		{1, 50, 0}, {2, 50, 50}, {3, 25, 50}, {0, 50, 0}, {-7, 50, 0}, {math.MinInt, 50, 0},
		{maxPage, 100, (maxPage - 1) * 100}, {math.MaxInt, 100, (maxPage - 1) * 100},
	} {
		if got := pageOffset(c.page, c.perPage); got != c.want {
			t.Errorf("pageOffset(%d, %d) = %d, want %d", c.page, c.perPage, got, c.want)
		}
	}
	if (maxPage-1)*100 > math.MaxInt32 {
		t.Error("maxPage lets a 32-bit offset overflow")
	}
}
