package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestReverseDNSCommand exports the demo's pools: the demo member's PTR
// name and delegated /56 appear, and the zone files pass named-checkzone.
func TestReverseDNSCommand(t *testing.T) {
	env := tempEnv(t)
	if r := run(t, "", env, "demo"); r.status != 0 {
		t.Fatalf("demo: %d %q", r.status, r.stderr)
	}
	v4 := run(t, "", env, "reverse-dns", "--pool", "VPN IPv4")
	if v4.status != 0 || !strings.Contains(v4.stdout, "in-addr.arpa.\t3600\tIN\tPTR\tvpn.emilie.example.org.") {
		t.Fatalf("reverse-dns VPN IPv4: %d %q %q", v4.status, v4.stdout, v4.stderr)
	}
	dir := t.TempDir()
	for _, c := range []struct{ pool, origin string }{
		{"VPN IPv4", "100.51.198.in-addr.arpa"},
		{"VPN IPv6", "8.b.d.0.1.0.0.2.ip6.arpa"},
	} {
		file := filepath.Join(dir, c.origin)
		r := run(t, "", env, "reverse-dns", "--pool", c.pool, "--header", "--ns", "ns1.isp.example", "--ns", "ns2.isp.example", "-o", file)
		if r.status != 0 {
			t.Fatalf("reverse-dns --header %s: %d %q", c.pool, r.status, r.stderr)
		}
		body, _ := os.ReadFile(file)
		if c.pool == "VPN IPv6" && !strings.Contains(string(body), "IN\tNS\tns1.emilie.example.org.") {
			t.Fatalf("the demo member's delegation is missing:\n%s", body)
		}
		bin, err := exec.LookPath("named-checkzone")
		if err != nil {
			bin = "/usr/sbin/named-checkzone"
			if _, err := os.Stat(bin); err != nil {
				t.Skip("named-checkzone is not installed")
			}
		}
		if out, err := exec.Command(bin, "-k", "fail", c.origin, file).CombinedOutput(); err != nil {
			t.Fatalf("named-checkzone %s: %v\n%s\n%s", c.origin, err, out, body)
		}
	}
	for _, c := range []struct {
		args   []string
		status int
		want   string
	}{
		{[]string{"--pool", "nope"}, 1, `no IP pool named "nope"`},
		{[]string{"--pool", "VPN IPv4", "--header"}, 1, "--header needs the zone's name servers"},
		{[]string{"--pool", "VPN IPv4", "--zone", "1.2.3.in-addr.arpa"}, 1, "has no reverse zone 1.2.3.in-addr.arpa"},
		{[]string{}, 2, "--pool"},
	} {
		r := run(t, "", env, append([]string{"reverse-dns"}, c.args...)...)
		if r.status != c.status || !strings.Contains(r.stderr, c.want) || r.stdout != "" {
			t.Errorf("reverse-dns %v: %d %q %q", c.args, r.status, r.stdout, r.stderr)
		}
	}
}
