package snmppoll_test

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"coin/config"
	"coin/snmppoll"
	"coin/store"
	"coin/store/storetest"
)

func newDevice(t *testing.T, st *store.Store) *store.Item {
	t.Helper()
	ctx := context.Background()
	ty := &store.ItemType{Name: "Router"}
	if err := st.CreateItemType(ctx, ty); err != nil {
		t.Fatal(err)
	}
	it := &store.Item{Designation: "core-router", TypeID: ty.ID, Deployed: true}
	if err := st.CreateItem(ctx, it); err != nil {
		t.Fatal(err)
	}
	return it
}

func newService(st *store.Store) *snmppoll.Service {
	cfg := config.Default()
	cfg.SNMP.Timeout = 500 * time.Millisecond
	return snmppoll.New(st, &cfg.SNMP, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func TestPollRealSnmpdV2cAndV3(t *testing.T) {
	agent := startSnmpd(t)
	for _, f := range []snmppoll.Form{
		{Version: "v2c", Community: community},
		{Version: "v3", V3User: v3User, AuthProtocol: "SHA", AuthPassword: v3Auth, PrivProtocol: "AES", PrivPassword: v3Priv},
	} {
		t.Run(f.Version, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				ctx := context.Background()
				svc := newService(st)
				it := newDevice(t, st)
				f.Host, f.Port = "127.0.0.1", itoa(agent.port)
				if errs, err := svc.Save(ctx, it.ID, f); err != nil || errs.Any() {
					t.Fatalf("save: %v %v", err, errs)
				}
				sum, err := svc.PollAll(ctx, false)
				if err != nil || sum != "1 devices polled, 0 down, 0 old samples removed" {
					t.Fatalf("poll: %q %v", sum, err)
				}
				tg, _ := st.SNMPTargetOf(ctx, it.ID)
				if tg.Status != store.SNMPUp || tg.LastUpAt == nil || tg.LastError != "" {
					t.Fatalf("after a poll: %+v", tg)
				}
				samples, err := st.SNMPSamples(ctx, it.ID, time.Now().Add(-time.Hour), 1000)
				if err != nil || len(samples) == 0 {
					t.Fatalf("samples: %v %v", samples, err)
				}
				lo := false
				for _, s := range samples {
					if s.IfName == "lo" && s.OperStatus == 1 && s.InOctets > 0 {
						lo = true
					}
				}
				if !lo {
					t.Fatalf("no traffic on lo, up: %+v", samples)
				}
			})
		})
	}
	t.Run("wrong community", func(t *testing.T) {
		st := storetest.SQLite(t)
		svc := newService(st)
		it := newDevice(t, st)
		svc.Save(context.Background(), it.ID, snmppoll.Form{Host: "127.0.0.1", Port: itoa(agent.port), Version: "v2c", Community: "nope"})
		svc.PollAll(context.Background(), false)
		if tg, _ := st.SNMPTargetOf(context.Background(), it.ID); tg.Status != store.SNMPDown {
			t.Fatalf("a refused community is down: %+v", tg)
		}
	})
}

func TestStoppedSnmpdShowsDown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		agent := startSnmpd(t)
		svc := newService(st)
		it := newDevice(t, st)
		if errs, err := svc.Save(ctx, it.ID, snmppoll.Form{Host: "127.0.0.1", Port: itoa(agent.port), Version: "v2c", Community: community}); err != nil || errs.Any() {
			t.Fatal(err, errs)
		}
		svc.PollAll(ctx, false)
		agent.stop()
		sum, err := svc.PollAll(ctx, false)
		if err != nil || sum != "1 devices polled, 1 down, 0 old samples removed" {
			t.Fatalf("poll of a stopped agent: %q %v", sum, err)
		}
		tg, _ := st.SNMPTargetOf(ctx, it.ID)
		if tg.Status != store.SNMPDown || tg.LastError == "" || tg.LastUpAt == nil {
			t.Fatalf("stopped agent: %+v", tg)
		}
		if down, _ := st.DownSNMPTargets(ctx); len(down) != 1 || down[0].Designation != "core-router" {
			t.Fatalf("down devices: %+v", down)
		}
		// Samples past the retention are purged by the job.
		svc.Now = func() time.Time { return time.Now().Add(8 * 24 * time.Hour) }
		sum, _ = svc.PollAll(ctx, false)
		if n, _ := st.SNMPSamples(ctx, it.ID, time.Time{}, 1000); len(n) != 0 {
			t.Fatalf("%d samples left after the retention (%s)", len(n), sum)
		}
	})
}

func TestFormKeepsSecretsAndRefusesBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		svc := newService(st)
		it := newDevice(t, st)
		errs, _ := svc.Save(ctx, it.ID, snmppoll.Form{Host: "-bad host", Port: "70000", Version: "v3", V3User: "",
			AuthProtocol: "SHA", AuthPassword: "short", PrivProtocol: "AES"})
		for _, k := range []string{"host", "port", "v3_user", "auth_password", "priv_password"} {
			if errs.Get(k) == "" {
				t.Errorf("no error on %s: %v", k, errs)
			}
		}
		if tg, _ := st.SNMPTargetOf(ctx, it.ID); tg != nil {
			t.Fatal("refused form saved")
		}
		f := snmppoll.Form{Host: "router.isp.test", Port: "161", Version: "v3", V3User: "u", AuthProtocol: "SHA",
			AuthPassword: "auth-secret", PrivProtocol: "AES", PrivPassword: "priv-secret"}
		if errs, err := svc.Save(ctx, it.ID, f); err != nil || errs.Any() {
			t.Fatal(err, errs)
		}
		tg, _ := st.SNMPTargetOf(ctx, it.ID)
		back := snmppoll.FromTarget(tg)
		if back.AuthPassword != "" || back.PrivPassword != "" || back.Community != "" || back.Host != "router.isp.test" {
			t.Fatalf("form shows secrets back: %+v", back)
		}
		// Saved again with the secrets left empty: they are kept.
		if errs, err := svc.Save(ctx, it.ID, back); err != nil || errs.Any() {
			t.Fatal(err, errs)
		}
		if tg, _ := st.SNMPTargetOf(ctx, it.ID); tg.AuthPassword != "auth-secret" || tg.PrivPassword != "priv-secret" {
			t.Fatalf("secrets lost: %+v", tg)
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }
