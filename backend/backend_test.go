package backend

import "testing"

func TestValidateVPN(t *testing.T) {
	v, errs := Validate(VPN{}, Values{"login": " Alice ", "ipv4_endpoint": "192.0.2.7", "ipv6_endpoint": "2001:DB8:1::/48", "junk": "x"})
	if errs.Any() {
		t.Fatal(errs)
	}
	if v["login"] != "alice" || v["ipv4_endpoint"] != "192.0.2.7/32" || v["ipv6_endpoint"] != "2001:db8:1::/48" {
		t.Fatalf("normalised: %v", v)
	}
	if _, ok := v["junk"]; ok {
		t.Fatal("unknown field kept")
	}
	_, errs = Validate(VPN{}, Values{"login": "x; rm -rf /", "ipv4_endpoint": "2001:db8::1", "ipv6_endpoint": "10.0.0.1"})
	if errs.Get("cfg_login") != "err.login_invalid" || errs.Get("cfg_ipv4_endpoint") != "err.ipv4_invalid" ||
		errs.Get("cfg_ipv6_endpoint") != "err.ipv6_invalid" {
		t.Fatalf("errors: %v", errs)
	}
}

func TestValidateVPS(t *testing.T) {
	_, errs := Validate(VPS{}, Values{"hostname": "-bad-.example", "os": "windows"})
	if errs.Get("cfg_hostname") != "err.hostname_invalid" || errs.Get("cfg_os") != "err.choice_invalid" {
		t.Fatalf("errors: %v", errs)
	}
	v, errs := Validate(VPS{}, Values{"hostname": "Web1.Example.ORG.", "os": "debian"})
	if errs.Any() || v["hostname"] != "web1.example.org" {
		t.Fatalf("%v %v", v, errs)
	}
}

func TestRegistry(t *testing.T) {
	r := NewRegistry()
	if r.Get("vpn") == nil || r.Get("nope") != nil || len(r.Names()) != 5 {
		t.Fatal(r.Names())
	}
	if LoginOf(DSL{}, Values{"login": "l"}) != "l" || LoginOf(Housing{}, Values{}) != "" {
		t.Fatal("LoginOf")
	}
}
