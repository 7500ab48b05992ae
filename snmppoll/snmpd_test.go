package snmppoll_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// snmpd is Debian's net-snmp agent run by the test on a free UDP port of
// 127.0.0.1, with a throwaway configuration and persistent directory.
type snmpd struct {
	t    testing.TB
	dir  string
	port int
	cmd  *exec.Cmd
}

const (
	community = "coin-test-ro"
	v3User    = "coinv3"
	v3Auth    = "auth-pass-123"
	v3Priv    = "priv-pass-123"
)

func startSnmpd(t testing.TB) *snmpd {
	t.Helper()
	if _, err := os.Stat("/usr/sbin/snmpd"); err != nil {
		t.Skip("snmpd is not installed (apt-get install snmpd)")
	}
	dir := t.TempDir()
	l, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.LocalAddr().(*net.UDPAddr).Port
	l.Close()
	conf := fmt.Sprintf(`agentAddress udp:127.0.0.1:%d
rocommunity %s 127.0.0.1
createUser %s SHA "%s" AES "%s"
rouser %s priv
[snmp] persistentDir %s
`, port, community, v3User, v3Auth, v3Priv, v3User, filepath.Join(dir, "persist"))
	if err := os.WriteFile(filepath.Join(dir, "snmpd.conf"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	s := &snmpd{t: t, dir: dir, port: port}
	s.start()
	t.Cleanup(s.stop)
	return s
}

func (s *snmpd) start() {
	s.t.Helper()
	// -C: no system configuration; SNMP_PERSISTENT_DIR keeps its state
	// (engine boots, users) in the test's directory, not /var/lib/snmp.
	s.cmd = exec.Command("/usr/sbin/snmpd", "-C", "-c", filepath.Join(s.dir, "snmpd.conf"), "-f", "-Lo",
		"-p", filepath.Join(s.dir, "snmpd.pid"))
	s.cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/bin", "SNMP_PERSISTENT_DIR=" + filepath.Join(s.dir, "persist"),
		"MIBS=", "HOME=" + s.dir}
	if testing.Verbose() {
		s.cmd.Stdout, s.cmd.Stderr = os.Stderr, os.Stderr
	}
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("start snmpd: %v", err)
	}
	// Ready once it has written its pid file.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(s.dir, "snmpd.pid")); err == nil {
			time.Sleep(100 * time.Millisecond)
			return
		}
		if time.Now().After(deadline) {
			s.stop()
			s.t.Fatal("snmpd did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *snmpd) stop() {
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
	os.Remove(filepath.Join(s.dir, "snmpd.pid"))
	s.cmd = nil
}
