package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestLDAPSettings(t *testing.T) {
	ex, err := Load("../isp.example.toml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ex.LDAP, Default().LDAP) || ex.LDAP.Enabled() || ex.Jobs.LDAPSync != Default().Jobs.LDAPSync {
		t.Fatalf("example %+v, default %+v", ex.LDAP, Default().LDAP)
	}
	pwFile := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pwFile, []byte("s3cret\n"), 0o600)
	p := write(t, "[ldap]\nurl = \"ldap://ldap.isp.test\"\nstarttls = true\nvpn_base_dn = \"ou=vpn,dc=isp\"\nbind_password_file = \""+pwFile+"\"\n")
	cfg, err := Load(p, []string{"COIN_LDAP_BIND_DN=cn=coin,dc=isp"})
	if err != nil {
		t.Fatal(err)
	}
	if pw, err := cfg.LDAP.Password(); err != nil || pw != "s3cret" || cfg.LDAP.BindDN != "cn=coin,dc=isp" ||
		cfg.LDAP.BaseDN("vpn") != "ou=vpn,dc=isp" || cfg.LDAP.BaseDN("dsl") != "" || cfg.LDAP.BaseDN("vps") != "" {
		t.Fatalf("loaded: %+v %q %v", cfg.LDAP, pw, err)
	}
	for body, want := range map[string]string{
		"url = \"http://ldap\"\nvpn_base_dn = \"x\"":                            "ldap.url",
		"url = \"ldap://ldap\"":                                                 "ldap.vpn_base_dn",
		"url = \"ldaps://ldap\"\nstarttls = true\nvpn_base_dn = \"x\"":          "ldap.starttls",
		"url = \"ldap://ldap\"\nvpn_base_dn = \"x\"\npassword_scheme = \"md5\"": "ldap.password_scheme",
	} {
		if _, err := Load(write(t, "[ldap]\n"+body+"\n"), nil); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %s", body, err, want)
		}
	}
}
