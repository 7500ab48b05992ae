// Package ldaptest runs Debian's slapd for tests: a server of the test's
// own on a free port of 127.0.0.1, with a throwaway configuration (core,
// cosine, nis, inetorgperson and coin's schema) and an mdb database in a
// temporary directory, stopped when the test ends.
package ldaptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// Server is a running slapd.
type Server struct {
	t   testing.TB
	dir string
	// URL is ldap://127.0.0.1:PORT.
	URL string
	// CAFile is the server's self-signed certificate (StartTLS only).
	CAFile string
	cmd    *exec.Cmd
}

// The tree's suffix and its root account.
const (
	Suffix = "dc=example,dc=org"
	RootDN = "cn=admin," + Suffix
	RootPW = "secret"
)

// Start starts slapd with an empty database, or skips the test without it.
func Start(t testing.TB) *Server {
	t.Helper()
	return start(t, false)
}

// StartTLS starts slapd with a certificate for 127.0.0.1, for StartTLS;
// CAFile is the PEM file to trust it.
func StartTLS(t testing.TB) *Server {
	t.Helper()
	return start(t, true)
}

func start(t testing.TB, withTLS bool) *Server {
	t.Helper()
	bin, err := exec.LookPath("slapd")
	if err != nil {
		if _, err = os.Stat("/usr/sbin/slapd"); err != nil {
			t.Skip("slapd is not installed (apt-get install slapd ldap-utils)")
		}
		bin = "/usr/sbin/slapd"
	}
	_, file, _, _ := runtime.Caller(0)
	schema, _ := filepath.Abs(filepath.Join(filepath.Dir(file), "..", "..", "examples", "ldap", "coin.schema"))
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "db"), 0o700); err != nil {
		t.Fatal(err)
	}
	tlsConf, caFile := "", ""
	if withTLS {
		caFile = filepath.Join(dir, "cert.pem")
		writeCert(t, caFile, filepath.Join(dir, "key.pem"))
		tlsConf = fmt.Sprintf("TLSCertificateFile %s\nTLSCertificateKeyFile %s/key.pem\n", caFile, dir)
	}
	conf := fmt.Sprintf(`include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
include %s
%spidfile %s/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
%sdatabase mdb
maxsize 16777216
suffix "%s"
rootdn "%s"
rootpw %s
directory %s/db
`, schema, tlsConf, dir, argon2Module(), Suffix, RootDN, RootPW, dir)
	if err := os.WriteFile(filepath.Join(dir, "slapd.conf"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	s := &Server{t: t, dir: dir, URL: fmt.Sprintf("ldap://127.0.0.1:%d", port), CAFile: caFile}
	s.start(bin)
	t.Cleanup(s.Stop)
	return s
}

func (s *Server) start(bin string) {
	s.t.Helper()
	s.cmd = exec.Command(bin, "-f", filepath.Join(s.dir, "slapd.conf"), "-h", s.URL+"/", "-d", "0")
	s.cmd.Stdout, s.cmd.Stderr = os.Stderr, os.Stderr
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("start slapd: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := ldap.DialURL(s.URL)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			s.Stop()
			s.t.Fatalf("slapd did not answer on %s: %v", s.URL, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop ends the server and waits for it (the database stays, for Restart).
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
	s.cmd = nil
}

// Restart starts the server again on the same port and database.
func (s *Server) Restart() {
	s.t.Helper()
	bin, err := exec.LookPath("slapd")
	if err != nil {
		bin = "/usr/sbin/slapd"
	}
	s.start(bin)
}

// Admin is a connection bound as the root DN, closed at the end of the test.
func (s *Server) Admin() *ldap.Conn {
	s.t.Helper()
	c, err := ldap.DialURL(s.URL)
	if err != nil {
		s.t.Fatal(err)
	}
	if err := c.Bind(RootDN, RootPW); err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { c.Close() })
	return c
}

// Add creates an entry, failing the test otherwise.
func Add(t testing.TB, c *ldap.Conn, dn string, attrs map[string][]string) {
	t.Helper()
	req := ldap.NewAddRequest(dn, nil)
	for k, v := range attrs {
		req.Attribute(k, v)
	}
	if err := c.Add(req); err != nil {
		t.Fatalf("add %s: %v", dn, err)
	}
}

// Entry reads an entry, nil when it is not there.
func Entry(t testing.TB, c *ldap.Conn, dn string) *ldap.Entry {
	t.Helper()
	res, err := c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1, 0, false,
		"(objectClass=*)", []string{"*"}, nil))
	if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
		return nil
	}
	if err != nil {
		t.Fatalf("read %s: %v", dn, err)
	}
	return res.Entries[0]
}

// CanBind tells whether dn authenticates with password, as OpenVPN's or
// RADIUS's LDAP module would check it.
func (s *Server) CanBind(dn, password string) bool {
	s.t.Helper()
	c, err := ldap.DialURL(s.URL)
	if err != nil {
		s.t.Fatal(err)
	}
	defer c.Close()
	return c.Bind(dn, password) == nil
}

// argon2Module loads OpenLDAP's {ARGON2} password scheme where Debian's
// slapd ships it.
func argon2Module() string {
	if _, err := os.Stat("/usr/lib/ldap/argon2.so"); err != nil {
		return ""
	}
	return "moduleload argon2\n"
}

// HasArgon2 tells whether the server checks {ARGON2} passwords.
func HasArgon2() bool { return argon2Module() != "" }

// writeCert writes a self-signed certificate for 127.0.0.1 and its key.
func writeCert(t testing.TB, certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
}
