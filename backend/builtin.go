package backend

import "coin/form"

// noCheck is embedded by backends without cross-field rules.
type noCheck struct{}

func (noCheck) Check(Values, form.Errors) {}

// VPN is an OpenVPN-style tunnel: a login, a generated password and the
// addresses routed to the member.
type VPN struct{ noCheck }

func (VPN) Name() string    { return "vpn" }
func (VPN) HasSecret() bool { return true }
func (VPN) HasState() bool  { return false }
func (VPN) Fields() []Field {
	return []Field{
		{Name: "login", Label: "cfg.login", Kind: Login, Required: true, Member: true},
		{Name: "ipv4_endpoint", Label: "cfg.ipv4_endpoint", Kind: IPv4, Member: true},
		{Name: "ipv6_endpoint", Label: "cfg.ipv6_endpoint", Kind: IPv6, Member: true},
		{Name: "comment", Label: "cfg.comment", Kind: TextArea, Member: true, MemberEditable: true},
	}
}

// DSL is a DSL line with PPP credentials, e.g. checked by RADIUS.
type DSL struct{ noCheck }

func (DSL) Name() string    { return "dsl" }
func (DSL) HasSecret() bool { return true }
func (DSL) HasState() bool  { return false }
func (DSL) Fields() []Field {
	return []Field{
		{Name: "line_number", Label: "cfg.line_number", Kind: Text, Required: true, Member: true},
		{Name: "login", Label: "cfg.login", Kind: Login, Required: true, Member: true},
		{Name: "comment", Label: "cfg.comment", Kind: TextArea, Member: true},
	}
}

// SimpleDSL is a white-label DSL line: no authentication to manage.
type SimpleDSL struct{ noCheck }

func (SimpleDSL) Name() string    { return "simple_dsl" }
func (SimpleDSL) HasSecret() bool { return false }
func (SimpleDSL) HasState() bool  { return false }
func (SimpleDSL) Fields() []Field {
	return []Field{
		{Name: "line_number", Label: "cfg.line_number", Kind: Text, Required: true, Member: true},
		{Name: "comment", Label: "cfg.comment", Kind: TextArea, Member: true},
	}
}

// VPS is a virtual server whose state (running, stopped…) the state hook reports.
type VPS struct{ noCheck }

func (VPS) Name() string    { return "vps" }
func (VPS) HasSecret() bool { return false }
func (VPS) HasState() bool  { return true }
func (VPS) Fields() []Field {
	return []Field{
		{Name: "hostname", Label: "cfg.hostname", Kind: Hostname, Required: true, Member: true},
		{Name: "os", Label: "cfg.os", Kind: Select, Options: []string{"debian", "ubuntu", "alpine", "other"}, Required: true, Member: true},
		{Name: "ipv4_endpoint", Label: "cfg.ipv4_endpoint", Kind: IPv4, Member: true},
		{Name: "ipv6_endpoint", Label: "cfg.ipv6_endpoint", Kind: IPv6, Member: true},
		{Name: "comment", Label: "cfg.comment", Kind: TextArea, Member: true},
	}
}

// Housing is a machine of the member hosted in the association's rack.
type Housing struct{ noCheck }

func (Housing) Name() string    { return "housing" }
func (Housing) HasSecret() bool { return false }
func (Housing) HasState() bool  { return false }
func (Housing) Fields() []Field {
	return []Field{
		{Name: "location", Label: "cfg.location", Kind: Text, Required: true, Member: true},
		{Name: "power", Label: "cfg.power", Kind: Text, Member: true},
		{Name: "ipv4_endpoint", Label: "cfg.ipv4_endpoint", Kind: IPv4, Member: true},
		{Name: "ipv6_endpoint", Label: "cfg.ipv6_endpoint", Kind: IPv6, Member: true},
		{Name: "comment", Label: "cfg.comment", Kind: TextArea, Member: true},
	}
}
