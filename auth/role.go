package auth

import "coin/model"

// Permission is something a role may do in the back office.
type Permission string

const (
	ViewBackOffice      Permission = "backoffice"
	ManageMembers       Permission = "members:manage"
	DeleteMembers       Permission = "members:delete"
	ManageRoles         Permission = "members:roles"
	ViewOutbox          Permission = "outbox:view"
	ManageOffers        Permission = "offers:manage"
	ManageSubscriptions Permission = "subscriptions:manage"
	ViewBilling         Permission = "billing:view"
	ViewMemberBilling   Permission = "billing:member"
	ManageBilling       Permission = "billing:manage"
	ManageNetwork       Permission = "network:manage"
	ManageISP           Permission = "isp:manage"
	ViewJobs            Permission = "jobs:view"
	RunJobs             Permission = "jobs:run"
	ManageInventory     Permission = "inventory:manage"
	ManageLists         Permission = "lists:manage"
	ImportMembers       Permission = "members:import"   // admins only
	ExportMembers       Permission = "members:export"   // admins only
	MemberRegister      Permission = "members:register" // the register for the general assembly
	ManageAPITokens     Permission = "api:tokens"       // admins only: a token acts as its owner
	ViewAudit           Permission = "audit:view"       // admins only: the audit log of staff actions
)

// grants says which staff role holds which permission. Admins hold all;
// members hold none.
//
// Money is split in two: ViewMemberBilling is what answering a member
// needs (on that member's page, their balance, invoices and fees, and each
// of their invoices with its PDF); ViewBilling is the treasurer's view
// across members: the invoice and payment lists, payments with their bank
// labels, the exports and the FEC. Support holds only the first.
var grants = map[string][]Permission{
	model.RoleTreasurer: {ViewBackOffice, ManageMembers, ViewOutbox, ViewBilling, ViewMemberBilling, ManageBilling, ViewJobs,
		MemberRegister},
	model.RoleSupport: {ViewBackOffice, ManageMembers, ViewOutbox, ManageSubscriptions, ViewMemberBilling,
		ManageNetwork, ManageInventory, ManageLists, ViewJobs},
}

// Can tells whether role holds permission p.
func Can(role string, p Permission) bool {
	if role == model.RoleAdmin {
		return true
	}
	for _, g := range grants[role] {
		if g == p {
			return true
		}
	}
	return false
}

// CanManageAccount tells whether role may edit, or send a password link
// to, an account of role target: the accounts of staff are the admins'
// business, or a treasurer could take over an admin's account by changing
// its e-mail address.
func CanManageAccount(role, target string) bool {
	if target != model.RoleMember {
		return Can(role, ManageRoles)
	}
	return Can(role, ManageMembers)
}
