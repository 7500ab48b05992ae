package api

import (
	"github.com/gofiber/fiber/v2"

	"coin/auth"
	"coin/model"
	"coin/store"
)

// listMembers: staff who manage members see every member; a member's
// token sees a list of one, themselves.
func (a *api) listMembers(c *fiber.Ctx, p *principal) error {
	pg, err := pageOf(c)
	if err != nil {
		return err
	}
	if p.member() {
		m, err := a.Store.MemberByID(c.UserContext(), p.MemberID)
		if err != nil {
			return err
		}
		var data []memberJSON
		if pg.Page == 1 {
			data = []memberJSON{memberOf(m)}
		}
		return c.JSON(newList(data, pg, 1))
	}
	if err := need(p, auth.ManageMembers, false); err != nil {
		return err
	}
	f := store.MemberFilter{Limit: pg.Limit, Offset: pg.offset()}
	if f.Search, err = textQuery(c, "q"); err != nil {
		return err
	}
	if f.Status, err = oneOfQuery(c, "status", model.StatusPending, model.StatusMember, model.StatusNotMember); err != nil {
		return err
	}
	if f.Role, err = oneOfQuery(c, "role", model.RoleMember, model.RoleSupport, model.RoleTreasurer, model.RoleAdmin, "staff"); err != nil {
		return err
	}
	if f.Sort, err = oneOfQuery(c, "sort", "name", "login", "joined", "status", "id"); err != nil {
		return err
	}
	if f.Sort == "" {
		// By id: stable while pages are read, and served by the primary
		// key (by name sorts an expression no index holds).
		f.Sort = "id"
	}
	list, total, err := a.Store.ListMembers(c.UserContext(), f)
	if err != nil {
		return err
	}
	out := make([]memberJSON, 0, len(list))
	for _, m := range list {
		out = append(out, memberOf(m))
	}
	return c.JSON(newList(out, pg, total))
}

// memberFor returns the member of the path, if p may see it: a member only
// themselves (another member is not found), staff with perm.
func (a *api) memberFor(c *fiber.Ctx, p *principal, perm auth.Permission) (*store.Member, error) {
	id, err := idParam(c)
	if err != nil {
		return nil, err
	}
	if p.member() {
		if id != p.MemberID {
			return nil, errNotFound
		}
	} else if err := need(p, perm, false); err != nil {
		return nil, err
	}
	return a.Store.MemberByID(c.UserContext(), id)
}

func (a *api) getMember(c *fiber.Ctx, p *principal) error {
	m, err := a.memberFor(c, p, auth.ManageMembers)
	if err != nil {
		return err
	}
	return c.JSON(memberOf(m))
}
