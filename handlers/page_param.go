package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// maxPage caps the page a list may be asked for, so that the offset of
// any page, (page-1)*perPage, stays far from overflowing (even a 32-bit
// int). No list here comes near a million pages.
const maxPage = 1 << 20

// pageParam reads the ?page= of a paged list: 1 when missing, garbage,
// zero or negative, and at most maxPage.
func pageParam(c *fiber.Ctx) int {
	// Atoi gives 0 for garbage and saturates values out of range.
	page, _ := strconv.Atoi(c.Query("page"))
	return min(max(page, 1), maxPage)
}

// pageOffset is the number of rows before the given page (clamped as
// pageParam does) of perPage rows.
func pageOffset(page, perPage int) int {
	return (min(max(page, 1), maxPage) - 1) * perPage
}
