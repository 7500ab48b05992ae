package handlers_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"coin/store"
)

func TestDeviceSNMPPageFormAndDownFlag(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		ctx := context.Background()
		a.addMember("admin", "admin", "admin-password")
		a.addMember("treasurer", "treasurer", "treasurer-password")
		ty := &store.ItemType{Name: "Routeur"}
		if err := a.store.CreateItemType(ctx, ty); err != nil {
			t.Fatal(err)
		}
		it := &store.Item{Designation: "core-1", TypeID: ty.ID, Deployed: true}
		if err := a.store.CreateItem(ctx, it); err != nil {
			t.Fatal(err)
		}
		b := a.browser()
		b.login("admin", "admin-password")
		page := fmt.Sprintf("/admin/hardware/%d", it.ID)
		mustContain(t, b.get(page).Body, "This item has no SNMP agent")

		// Bad input: form errors, nothing saved, secrets not echoed.
		res := b.post(page+"/snmp", url.Values{"host": {"bad host!"}, "port": {"0"}, "version": {"v3"},
			"v3_user": {"mon"}, "auth_protocol": {"SHA"}, "auth_password": {"short"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad form: %d", res.Status)
		}
		mustContain(t, res.Body, "Enter an IP address or a host name.", "Enter a port between 1 and 65535.", "At least 8 characters.")
		if tg, _ := a.store.SNMPTargetOf(ctx, it.ID); tg != nil {
			t.Fatal("refused form saved")
		}
		res = b.post(page+"/snmp", url.Values{"host": {"192.0.2.1"}, "port": {"161"}, "version": {"v3"},
			"v3_user": {"mon"}, "auth_protocol": {"SHA"}, "auth_password": {"auth-secret-1"},
			"priv_protocol": {"AES"}, "priv_password": {"priv-secret-1"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", res.Status, res.Body)
		}
		body := b.get(page).Body
		mustContain(t, body, "not polled yet", "saved: leave empty to keep it")
		mustNotContain(t, body, "auth-secret-1", "priv-secret-1")

		// Two polls a minute apart: a graph with its text alternative.
		t0 := time.Now().Add(-10 * time.Minute)
		for i, in := range []uint64{0, 7_500_000} {
			err := a.store.RecordSNMPPoll(ctx, it.ID, t0.Add(time.Duration(i)*time.Minute), 90061,
				[]store.SNMPSample{{IfIndex: 2, IfName: "eth0", OperStatus: 1, InOctets: in, OutOctets: in / 10}}, nil)
			if err != nil {
				t.Fatal(err)
			}
		}
		body = b.get(page).Body
		mustContain(t, body, "1 d 1 h 1 min", "<svg", "<polyline", "Traffic of eth0",
			"Received: 1.0 Mbit/s now", "Sent: 100.0 kbit/s now")
		b.lang = "fr"
		mustContain(t, b.get(page).Body, "Reçu : 1,0 Mbit/s actuellement", "1 j 1 h 1 min")
		b.lang = "en"

		// Down: on the item, the inventory and the dashboard.
		if err := a.store.RecordSNMPPoll(ctx, it.ID, time.Now(), 0, nil, errors.New("request timeout (after 1 retries)")); err != nil {
			t.Fatal(err)
		}
		mustContain(t, b.get(page).Body, "request timeout", ">down<")
		for _, p := range []string{"/admin/hardware", "/admin"} {
			body := b.get(p).Body
			if !strings.Contains(body, "1 network device down") || !strings.Contains(body, ">core-1</a>") {
				t.Errorf("%s does not flag the device down", p)
			}
		}
		// Staff without the inventory permission neither see nor set it.
		tr := a.browser()
		tr.login("treasurer", "treasurer-password")
		mustNotContain(t, tr.get("/admin").Body, "network device down")
		if res := tr.post(page+"/snmp", url.Values{"host": {"192.0.2.9"}, "port": {"161"}, "version": {"v2c"}, "community": {"x"}}); res.Status != http.StatusForbidden {
			t.Fatalf("treasurer sets an agent: %d", res.Status)
		}

		if res := b.post(page+"/snmp/delete", nil); res.Status != http.StatusSeeOther {
			t.Fatalf("delete: %d", res.Status)
		}
		if tg, _ := a.store.SNMPTargetOf(ctx, it.ID); tg != nil {
			t.Fatal("agent not deleted")
		}
	})
}
