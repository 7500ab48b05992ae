package snmppoll

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"coin/config"
	"coin/form"
	"coin/store"
)

// Service polls the devices and writes their SNMP settings.
type Service struct {
	Store *store.Store
	Cfg   *config.SNMP
	Log   *slog.Logger
	// Now is the clock of the samples; tests replace it.
	Now func() time.Time
}

// New returns the service.
func New(st *store.Store, cfg *config.SNMP, log *slog.Logger) *Service {
	return &Service{Store: st, Cfg: cfg, Log: log, Now: time.Now}
}

// Form is the SNMP agent of a device as staff type it. Secrets left empty
// keep the ones saved: they are never shown back.
type Form struct {
	Host, Port, Version, Community     string
	V3User, AuthProtocol, AuthPassword string
	PrivProtocol, PrivPassword         string
}

// FromTarget fills a form from saved settings, without the secrets.
func FromTarget(t *store.SNMPTarget) Form {
	if t == nil {
		return Form{Port: "161", Version: "v2c"}
	}
	return Form{Host: t.Host, Port: strconv.Itoa(t.Port), Version: t.Version, V3User: t.V3User,
		AuthProtocol: t.AuthProtocol, PrivProtocol: t.PrivProtocol}
}

// Save validates f and saves it as the agent of item itemID.
func (s *Service) Save(ctx context.Context, itemID int64, f Form) (form.Errors, error) {
	old, err := s.Store.SNMPTargetOf(ctx, itemID)
	if err != nil {
		return nil, err
	}
	t, errs := check(f, old)
	if errs.Any() {
		return errs, nil
	}
	t.ItemID = itemID
	err = s.Store.Tx(ctx, func(tx *store.Store) error {
		if _, err := tx.ItemByID(ctx, itemID); err != nil {
			return err
		}
		if err := tx.SaveSNMPTarget(ctx, t); err != nil {
			return err
		}
		tx.AfterCommit(func() { s.Log.Info("SNMP target saved", "item", itemID, "host", t.Host, "version", t.Version) })
		return nil
	})
	return nil, err
}

// Delete stops watching a device.
func (s *Service) Delete(ctx context.Context, itemID int64) error {
	return s.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteSNMPTarget(ctx, itemID); err != nil {
			return err
		}
		tx.AfterCommit(func() { s.Log.Info("SNMP target removed", "item", itemID) })
		return nil
	})
}

func check(f Form, old *store.SNMPTarget) (*store.SNMPTarget, form.Errors) {
	errs := form.Errors{}
	t := &store.SNMPTarget{Host: strings.TrimSpace(f.Host), Version: f.Version,
		V3User: strings.TrimSpace(f.V3User), AuthProtocol: f.AuthProtocol, PrivProtocol: f.PrivProtocol}
	errs.Required("host", t.Host)
	if t.Host != "" && net.ParseIP(t.Host) == nil && !hostname(t.Host) {
		errs.Add("host", "snmp.err.host")
	}
	port, err := strconv.Atoi(strings.TrimSpace(f.Port))
	if err != nil || port < 1 || port > 65535 {
		errs.Add("port", "snmp.err.port")
	}
	t.Port = port
	keep := func(typed, saved string) string {
		if typed != "" {
			return typed
		}
		return saved
	}
	var saved store.SNMPTarget
	if old != nil {
		saved = *old
	}
	switch t.Version {
	case "v2c":
		t.Community = keep(f.Community, saved.Community)
		errs.Required("community", t.Community)
	case "v3":
		errs.Required("v3_user", t.V3User)
		errs.OneOf("auth_protocol", t.AuthProtocol, "", "MD5", "SHA", "SHA256", "SHA512")
		errs.OneOf("priv_protocol", t.PrivProtocol, "", "DES", "AES")
		if t.AuthProtocol != "" {
			t.AuthPassword = keep(f.AuthPassword, saved.AuthPassword)
			if len(t.AuthPassword) < 8 {
				errs.Add("auth_password", "snmp.err.passphrase")
			}
		}
		if t.PrivProtocol != "" {
			if t.AuthProtocol == "" {
				errs.Add("priv_protocol", "snmp.err.priv_without_auth")
			}
			t.PrivPassword = keep(f.PrivPassword, saved.PrivPassword)
			if len(t.PrivPassword) < 8 {
				errs.Add("priv_password", "snmp.err.passphrase")
			}
		}
	default:
		errs.Add("version", "err.choice_invalid")
	}
	for k, v := range map[string]string{"host": t.Host, "community": t.Community, "v3_user": t.V3User,
		"auth_password": t.AuthPassword, "priv_password": t.PrivPassword} {
		errs.MaxLen(k, v, 200)
	}
	return t, errs
}

func hostname(h string) bool {
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// parallelPolls is how many devices are polled at once.
const parallelPolls = 8

// PollAll polls every device once, records what each answered, and
// forgets the samples older than the retention (the snmp-poll job).
func (s *Service) PollAll(ctx context.Context, dryRun bool) (string, error) {
	targets, err := s.Store.SNMPTargets(ctx)
	if err != nil {
		return "", err
	}
	if dryRun {
		return fmt.Sprintf("%d devices would be polled", len(targets)), nil
	}
	// A few at once: a device that does not answer costs two timeouts,
	// and a run must end well before the next one is due.
	var down atomic.Int64
	var g errgroup.Group
	g.SetLimit(parallelPolls)
	for _, t := range targets {
		g.Go(func() error {
			if !s.PollOne(ctx, t) {
				down.Add(1)
			}
			return nil
		})
	}
	g.Wait()
	purged, err := s.Store.PurgeSNMPSamples(ctx, s.Now().Add(-s.Cfg.Retention))
	if err != nil {
		return "", err
	}
	if len(targets) == 0 && purged == 0 {
		return "", nil
	}
	return fmt.Sprintf("%d devices polled, %d down, %d old samples removed", len(targets), down.Load(), purged), nil
}

// PollOne polls one device and records the outcome; it tells whether the
// device answered.
func (s *Service) PollOne(ctx context.Context, t *store.SNMPTarget) bool {
	at := s.Now()
	r, err := Poll(ctx, t, s.Cfg.Timeout)
	var uptime int64
	var samples []store.SNMPSample
	if err == nil {
		uptime, samples = int64(r.Uptime/time.Second), r.Interfaces
	} else if t.Status != store.SNMPDown {
		s.Log.Warn("device down", "item", t.ItemID, "host", t.Host, "err", err)
	}
	if rerr := s.Store.RecordSNMPPoll(ctx, t.ItemID, at, uptime, samples, err); rerr != nil {
		s.Log.Error("record SNMP poll", "item", t.ItemID, "err", rerr)
	}
	return err == nil
}
