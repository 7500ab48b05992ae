// Package ldapsync writes the VPN and DSL configurations to an LDAP tree,
// where OpenVPN or RADIUS authenticate members (COIN's vpn and dsl_ldap
// apps). A change marks its subscription pending in its transaction and
// pushes the entry once committed; a push that fails is retried by the
// ldap-sync job with a growing delay, and the failure is shown on the
// subscription. Reconcile compares the whole tree with the database.
//
// coin touches only the entries it created, which carry the marker
// attribute ("coin subscription N"): it never deletes an entry, it sets the
// status of those whose subscription ended or vanished to "disabled".
package ldapsync

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"time"

	"github.com/go-ldap/ldap/v3"

	"coin/config"
	"coin/store"
)

// Syncer writes configurations to LDAP. A nil *Syncer syncs nothing.
type Syncer struct {
	Store *store.Store
	Cfg   *config.LDAP
	Log   *slog.Logger
	// Now is the clock of the retry delays; tests replace it.
	Now func() time.Time
}

// New returns a syncer, or nil when [ldap] has no URL.
func New(st *store.Store, cfg *config.LDAP, log *slog.Logger) *Syncer {
	if !cfg.Enabled() {
		return nil
	}
	return &Syncer{Store: st, Cfg: cfg, Log: log, Now: time.Now}
}

// Handles tells whether configurations of the backend go to LDAP.
func (s *Syncer) Handles(backend string) bool {
	return s != nil && s.Cfg.BaseDN(backend) != ""
}

// Changed marks, in the transaction tx of a change, the subscription's
// entry to be written, and writes it once tx has committed. A failed write
// is recorded and retried by RunDue; the change stands. Backends that do
// not go to LDAP are left alone.
func (s *Syncer) Changed(ctx context.Context, tx *store.Store, id int64, backend string) error {
	if !s.Handles(backend) {
		return nil
	}
	if err := tx.MarkLDAPPending(ctx, id); err != nil {
		return err
	}
	tx.AfterCommit(func() {
		if err := s.Push(context.WithoutCancel(ctx), id); err != nil {
			s.Log.Warn("LDAP entry left for the ldap-sync job", "subscription", id, "err", err)
		}
	})
	return nil
}

// HashPassword returns the password in the form LDAP keeps it
// (ldap.password_scheme).
func (s *Syncer) HashPassword(password string) (string, error) {
	switch s.Cfg.PasswordScheme {
	case "crypt":
		return HashCrypt(password), nil
	case "argon2":
		return HashArgon2(password)
	}
	return HashSSHA(password), nil
}

// retryDelay is the wait after the n-th failure in a row: 1, 2, 4… minutes,
// at most 6 hours.
func retryDelay(n int) time.Duration {
	d := time.Minute
	for i := 1; i < n && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}

// connect dials and binds.
func (s *Syncer) connect() (*ldap.Conn, error) {
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if s.Cfg.CAFile != "" {
		pem, err := os.ReadFile(s.Cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("ldap.ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ldap.ca_file %s: no certificate", s.Cfg.CAFile)
		}
		tlsCfg.RootCAs = pool
	}
	if u, err := url.Parse(s.Cfg.URL); err == nil {
		tlsCfg.ServerName = u.Hostname()
	}
	conn, err := ldap.DialURL(s.Cfg.URL, ldap.DialWithDialer(&net.Dialer{Timeout: s.Cfg.Timeout}),
		ldap.DialWithTLSConfig(tlsCfg))
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", s.Cfg.URL, err)
	}
	conn.SetTimeout(s.Cfg.Timeout)
	if s.Cfg.StartTLS {
		if err := conn.StartTLS(tlsCfg); err != nil {
			conn.Close()
			return nil, fmt.Errorf("StartTLS with %s: %w", s.Cfg.URL, err)
		}
	}
	pw, err := s.Cfg.Password()
	if err != nil {
		conn.Close()
		return nil, err
	}
	if s.Cfg.BindDN != "" {
		if err := conn.Bind(s.Cfg.BindDN, pw); err != nil {
			conn.Close()
			return nil, fmt.Errorf("bind to %s as %s: %w", s.Cfg.URL, s.Cfg.BindDN, err)
		}
	}
	return conn, nil
}

// ErrNotOurs is the failure of writing an entry whose DN holds one coin
// did not create.
var ErrNotOurs = errors.New("an entry coin did not create is there: left alone")

// findMarked returns the entry carrying the subscription's marker under
// base, or nil.
func (s *Syncer) findMarked(conn *ldap.Conn, base string, id int64) (*ldap.Entry, error) {
	res, err := conn.Search(ldap.NewSearchRequest(base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 2, 0, false,
		"("+s.Cfg.Attributes.Marker+"="+ldap.EscapeFilter(marker(id))+")", s.managed(), nil))
	if err != nil {
		return nil, fmt.Errorf("search entry of subscription %d under %s: %w", id, base, err)
	}
	if len(res.Entries) == 0 {
		return nil, nil
	}
	return res.Entries[0], nil
}

// at returns the entry at dn with the attributes coin writes, nil if none.
func (s *Syncer) at(conn *ldap.Conn, dn string) (*ldap.Entry, error) {
	res, err := conn.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1, 0, false,
		"(objectClass=*)", s.managed(), nil))
	if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
		return nil, nil
	}
	if err != nil || len(res.Entries) == 0 {
		return nil, err
	}
	return res.Entries[0], nil
}

// ErrHeld is the failure of writing an entry whose DN is coin's entry of
// another subscription that still has its configuration.
var ErrHeld = errors.New("the entry belongs to another subscription")

// orphanOf returns the id of the subscription whose marker e carries when
// that subscription no longer has a configuration (its login is free), 0
// otherwise.
func (s *Syncer) orphanOf(ctx context.Context, e *ldap.Entry, self int64) (int64, error) {
	for _, v := range e.GetAttributeValues(s.Cfg.Attributes.Marker) {
		id := markedID(v)
		if id == 0 || id == self {
			continue
		}
		_, err := s.Store.ConfigurationOf(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return id, nil
		}
		if err != nil {
			return 0, err
		}
		return 0, fmt.Errorf("%s: %w %d", e.DN, ErrHeld, id)
	}
	return 0, nil
}

// exists tells whether an entry is at dn.
func exists(conn *ldap.Conn, dn string) (bool, error) {
	_, err := conn.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1, 0, true,
		"(objectClass=*)", []string{"1.1"}, nil))
	if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
		return false, nil
	}
	return err == nil, err
}

// Outcome is what applying one entry did.
type Outcome string

const (
	Created   Outcome = "created"
	Updated   Outcome = "updated"
	Unchanged Outcome = "unchanged"
	Disabled  Outcome = "disabled"
)

// apply makes the tree hold want, given the entry found with its marker
// (nil if none). An entry at want's DN that coin made for a subscription
// now gone (a login used again) is taken over: adopted is that
// subscription's id. With dryRun it only tells what it would do.
func (s *Syncer) apply(ctx context.Context, conn *ldap.Conn, want *Entry, have *ldap.Entry, dryRun bool) (out Outcome, adopted int64, err error) {
	if have == nil {
		holder, err := s.at(conn, want.DN)
		if err != nil {
			return "", 0, fmt.Errorf("look up %s: %w", want.DN, err)
		}
		if holder != nil {
			if adopted, err = s.orphanOf(ctx, holder, want.SubscriptionID); err != nil {
				return "", 0, err
			}
			if adopted == 0 {
				return "", 0, fmt.Errorf("%s: %w", want.DN, ErrNotOurs)
			}
			out, err := s.update(conn, want, holder, dryRun)
			return out, adopted, err
		}
		if dryRun {
			return Created, 0, nil
		}
		if err := conn.Add(s.addRequest(want)); err != nil {
			return "", 0, fmt.Errorf("add %s: %w", describe(want), err)
		}
		return Created, 0, nil
	}
	out, err = s.update(conn, want, have, dryRun)
	return out, 0, err
}

// update makes the existing entry have hold want, renaming it when the
// login changed.
func (s *Syncer) update(conn *ldap.Conn, want *Entry, have *ldap.Entry, dryRun bool) (Outcome, error) {
	moved := false
	if !sameDN(have.DN, want.DN) {
		// The login changed: rename the entry rather than leave the old one.
		if taken, err := exists(conn, want.DN); err != nil || taken {
			if err == nil {
				err = ErrNotOurs
			}
			return "", fmt.Errorf("rename %s to %s: %w", have.DN, want.DN, err)
		}
		if !dryRun {
			if err := conn.ModifyDN(ldap.NewModifyDNRequest(have.DN, want.RDN, true, want.Base)); err != nil {
				return "", fmt.Errorf("rename %s to %s: %w", have.DN, want.DN, err)
			}
		}
		have.DN, moved = want.DN, true
	}
	req := s.changes(have, want)
	if req == nil {
		if moved {
			return Updated, nil
		}
		return Unchanged, nil
	}
	if !dryRun {
		if err := conn.Modify(req); err != nil {
			return "", fmt.Errorf("modify %s: %w", describe(want), err)
		}
	}
	return Updated, nil
}

func sameDN(a, b string) bool {
	da, err1 := ldap.ParseDN(a)
	db, err2 := ldap.ParseDN(b)
	if err1 != nil || err2 != nil {
		return a == b
	}
	return da.EqualFold(db)
}

// Push writes the entry of one subscription and records the outcome: a
// failure is retried later by RunDue. The change that called it has
// committed whatever happens here.
func (s *Syncer) Push(ctx context.Context, id int64) error {
	if s == nil {
		return nil
	}
	state, err := s.Store.LDAPSyncOf(ctx, id)
	if err != nil {
		return err
	}
	var seq int64
	failures := 0
	if state != nil {
		seq, failures = state.ChangeSeq, state.Failures
	}
	dn, err := s.push(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil // the subscription is gone, and its row with it
	}
	if err != nil {
		s.Log.Warn("LDAP sync failed", "subscription", id, "err", err)
	}
	retryAt := s.Now().Add(retryDelay(failures + 1))
	if ferr := s.Store.FinishLDAPSync(ctx, id, seq, dn, err, retryAt); ferr != nil {
		return errors.Join(err, ferr)
	}
	return err
}

func (s *Syncer) push(ctx context.Context, id int64) (string, error) {
	want, err := s.wanted(ctx, id)
	if err != nil || want == nil {
		return "", err
	}
	conn, err := s.connect()
	if err != nil {
		return "", err
	}
	defer conn.Close()
	have, err := s.findMarked(conn, want.Base, id)
	if err != nil {
		return "", err
	}
	out, _, err := s.apply(ctx, conn, want, have, false)
	if err != nil {
		return "", err
	}
	if out != Unchanged {
		s.Log.Info("LDAP entry written", "subscription", id, "dn", want.DN, "outcome", string(out))
	}
	return want.DN, nil
}

// RunDue pushes the entries waiting whose next attempt has come (the
// ldap-sync job). It is idempotent: a written entry is not written again.
func (s *Syncer) RunDue(ctx context.Context, dryRun bool) (string, error) {
	if s == nil {
		return "LDAP sync is off (no ldap.url)", nil
	}
	ids, err := s.Store.DueLDAPSyncs(ctx, 200)
	if err != nil || len(ids) == 0 {
		return "", err
	}
	if dryRun {
		return fmt.Sprintf("%d LDAP entries would be written", len(ids)), nil
	}
	failed := 0
	for _, id := range ids {
		if err := s.Push(ctx, id); err != nil {
			failed++
		}
	}
	summary := fmt.Sprintf("%d LDAP entries written, %d failed", len(ids)-failed, failed)
	if failed > 0 {
		return summary, fmt.Errorf("%s", summary)
	}
	return summary, nil
}
