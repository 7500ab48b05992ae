package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coin/csvsafe"
	"coin/date"
	"coin/model"
	"coin/store"
	"coin/views"
)

const itemsPerPage = 50

// itemFilter reads the inventory filters of the query string; unknown
// values are dropped.
func itemFilter(c *fiber.Ctx) store.ItemFilter {
	f := store.ItemFilter{Search: strings.TrimSpace(c.Query("q")), State: c.Query("state")}
	f.TypeID, _ = strconv.ParseInt(c.Query("type"), 10, 64)
	f.StorageID, _ = strconv.ParseInt(c.Query("storage"), 10, 64)
	switch f.State {
	case "", model.ItemAvailable, model.ItemLent, model.ItemDeployed:
	default:
		f.State = ""
	}
	return f
}

// inventory shows the filtered, paged inventory. The filters and pages ask
// htmx for the table alone.
func (h *Handler) inventory(c *fiber.Ctx) error {
	ctx := c.UserContext()
	page := pageParam(c)
	f := itemFilter(c)
	f.Limit, f.Offset = itemsPerPage, pageOffset(page, itemsPerPage)
	items, total, err := h.Store.ListItems(ctx, f)
	if err != nil {
		return err
	}
	d := views.InventoryData{Items: items, Total: total, Filter: f, Page: page, PerPage: itemsPerPage}
	if hxTarget(c) == "inventory-table" {
		c.Set("HX-Push-Url", c.OriginalURL())
		return h.partial(c, fiber.StatusOK, views.InventoryTable(d))
	}
	if d.Types, err = h.Store.ItemTypes(ctx); err != nil {
		return err
	}
	if d.Places, err = h.Store.StoragePlaces(ctx); err != nil {
		return err
	}
	if d.Members, err = h.Store.LendableMembers(ctx); err != nil {
		return err
	}
	if d.Down, err = h.Store.DownSNMPTargets(ctx); err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, h.tr(c, "hardware.title"), views.Inventory(d))
}

// inventoryExport sends the items matching the inventory filters as CSV
// (UTF-8, comma separated, header row in the reader's language).
func (h *Handler) inventoryExport(c *fiber.Ctx) error {
	items, _, err := h.Store.ListItems(c.UserContext(), itemFilter(c))
	if err != nil {
		return err
	}
	today := date.Today(h.Cfg.Location())
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="inventory-`+today.String()+`.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	w := csvsafe.NewWriter(c.Response().BodyWriter())
	header := []string{"#"}
	for _, id := range []string{"hardware.item.designation", "hardware.item.type", "hardware.item.mac",
		"hardware.item.serial", "hardware.item.buy_date", "hardware.item.owner", "hardware.item.storage",
		"hardware.item.state", "hardware.loan.member", "hardware.loan.start", "hardware.item.comment"} {
		header = append(header, h.tr(c, id))
	}
	if err := w.Write(header); err != nil {
		return err
	}
	for _, it := range items {
		owner := h.tr(c, "hardware.owner.association")
		if it.Owner != nil {
			owner = it.Owner.Login
		}
		var borrower, since string
		if it.Loan != nil {
			borrower, since = it.Loan.Member.Login, it.Loan.StartDate.String()
		}
		row := []string{strconv.FormatInt(it.ID, 10), it.Designation, it.TypeName, it.MAC, it.Serial,
			it.BuyDate.String(), owner, it.StorageName, h.tr(c, "hardware.state."+it.State()), borrower, since, it.Comment}
		if err := w.Write(row); err != nil {
			return err
		}
	}
	return w.Flush()
}
