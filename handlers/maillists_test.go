package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coin/config"
	"coin/model"
	"coin/store"
)

// listServer is a real program standing for the list server: it appends
// its arguments and standard input to a log, and fails while a file
// "down" exists beside it.
type listServer struct {
	dir string
}

func newListServer(t *testing.T) *listServer {
	t.Helper()
	dir := t.TempDir()
	script := "#!/bin/sh\ndir=$(dirname \"$0\")\n{ echo \"ARGS $*\"; cat; echo END; } >> \"$dir/log\"\n" +
		"if [ -f \"$dir/down\" ]; then echo 'connection refused' >&2; exit 75; fi\n"
	if err := os.WriteFile(filepath.Join(dir, "push"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return &listServer{dir: dir}
}

func (ls *listServer) configure(c *config.Config) {
	c.Maillists.SyncCommand = []string{filepath.Join(ls.dir, "push"), "{short_name}", "{email}"}
}

func (ls *listServer) log(t *testing.T) string {
	b, _ := os.ReadFile(filepath.Join(ls.dir, "log"))
	return string(b)
}

func (ls *listServer) down(t *testing.T, down bool) {
	p := filepath.Join(ls.dir, "down")
	if down {
		os.WriteFile(p, nil, 0o644)
	} else {
		os.Remove(p)
	}
}

func (a *testApp) addList(short string, open bool) *store.MailingList {
	a.t.Helper()
	l := &store.MailingList{ShortName: short, Email: short + "@listes.isp.test", Name: "Liste " + short, Open: open}
	if err := a.store.CreateMailingList(a.t.Context(), l); err != nil {
		a.t.Fatal(err)
	}
	return l
}

func TestMemberTogglesAListAndItIsPushed(t *testing.T) {
	ls := newListServer(t)
	eachApp(t, ls.configure, func(t *testing.T, a *testApp) {
		os.Remove(filepath.Join(ls.dir, "log"))
		alice := a.addMember("alice", "member", "alice-password")
		bob := a.addMember("bob", "member", "bob-password")
		annonces := a.addList("annonces", true)
		bureau := a.addList("bureau", false)
		a.store.Subscribe(t.Context(), annonces.ID, bob.ID)
		b := a.browser()
		b.login("alice", "alice-password")
		page := b.get("/lists")
		mustContain(t, page.Body, "Liste annonces", "Subscribe")
		mustNotContain(t, page.Body, "Liste bureau")
		row := fmt.Sprintf("list-%d", annonces.ID)
		res := b.post(fmt.Sprintf("/lists/%d", annonces.ID), url.Values{"subscribe": {"1"}}, "HX-Request", "true", "HX-Target", row)
		if res.Status != http.StatusOK || !strings.HasPrefix(res.Body, "<article") {
			t.Fatalf("subscribe: %d %.200s", res.Status, res.Body)
		}
		mustContain(t, res.Body, "Unsubscribe", "Subscribed")
		mustNotContain(t, res.Body, "shortly")
		want := "ARGS annonces annonces@listes.isp.test\nalice@example.org\nbob@example.org\nEND\n"
		if got := ls.log(t); got != want {
			t.Fatalf("the list server got %q, want %q", got, want)
		}
		l, _ := a.store.MailingListByID(t.Context(), annonces.ID)
		if l.SyncNeeded || l.LastSyncedAt == nil {
			t.Fatalf("list after the push: %+v", l)
		}
		// The server is down: the choice is kept, the member told it comes later.
		ls.down(t, true)
		res = b.post(fmt.Sprintf("/lists/%d", annonces.ID), url.Values{"subscribe": {"0"}}, "HX-Request", "true", "HX-Target", row)
		if res.Status != http.StatusOK {
			t.Fatalf("unsubscribe: %d", res.Status)
		}
		mustContain(t, res.Body, "Subscribe", "the list server will take it into account shortly")
		if lists, _ := a.store.MemberMailingLists(t.Context(), alice.ID); lists[0].Subscribed {
			t.Fatal("unsubscribe not saved")
		}
		l, _ = a.store.MailingListByID(t.Context(), annonces.ID)
		if !l.SyncNeeded || l.SyncFailures != 1 || !strings.Contains(l.LastSyncError, "exit status 75") {
			t.Fatalf("failure not recorded: %+v", l)
		}
		ls.down(t, false)
		// A closed list the member is not on: 404, and nothing changes.
		if res := b.post(fmt.Sprintf("/lists/%d", bureau.ID), url.Values{"subscribe": {"1"}}); res.Status != http.StatusNotFound {
			t.Fatalf("closed list: %d", res.Status)
		}
		if res := b.post(fmt.Sprintf("/lists/%d", 99999), url.Values{"subscribe": {"1"}}); res.Status != http.StatusNotFound {
			t.Fatalf("unknown list: %d", res.Status)
		}
		if subs, _ := a.store.ListSubscribers(t.Context(), bureau.ID); len(subs) != 0 {
			t.Fatalf("subscribed to a closed list: %v", subs)
		}
		// Without a CSRF token: refused.
		if res := b.postRaw(fmt.Sprintf("/lists/%d", annonces.ID), url.Values{"subscribe": {"1"}}); res.Status != http.StatusForbidden {
			t.Fatalf("no token: %d", res.Status)
		}
		// Without JavaScript: a redirect and a notice.
		res = b.post(fmt.Sprintf("/lists/%d", annonces.ID), url.Values{"subscribe": {"1"}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/lists" {
			t.Fatalf("plain toggle: %d %v", res.Status, res.Header)
		}
		mustContain(t, b.get("/lists").Body, "You are now on the list.")
		// The member's pages never show other subscribers.
		mustNotContain(t, b.get("/lists").Body, "bob@example.org")
		if res := b.get(fmt.Sprintf("/admin/lists/%d", annonces.ID)); res.Status != http.StatusForbidden {
			t.Fatalf("member on the staff list page: %d", res.Status)
		}
	})
}

func TestStaffManageListsAndSeeFailures(t *testing.T) {
	ls := newListServer(t)
	eachApp(t, ls.configure, func(t *testing.T, a *testApp) {
		a.addMember("support", "support", "support-password")
		a.addMember("treasurer", "treasurer", "treasurer-password")
		zoe := a.addMember("zoe", "member", "zoe-password")
		tb := a.browser()
		tb.login("treasurer", "treasurer-password")
		if res := tb.get("/admin/lists"); res.Status != http.StatusForbidden {
			t.Fatalf("treasurer on lists: %d", res.Status)
		}
		b := a.browser()
		b.login("support", "support-password")
		b.get("/admin/lists/new")
		res := b.post("/admin/lists/new", url.Values{"name": {"Technique"}, "short_name": {"Tech Team"}, "email": {"pas une adresse"}},
			"HX-Request", "true", "HX-Target", "list-form")
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad list: %d", res.Status)
		}
		mustContain(t, res.Body, "1 to 64 characters", "Enter a valid e-mail address.")
		if lists, _ := a.store.MailingLists(t.Context()); len(lists) != 0 {
			t.Fatal("an invalid form created a list")
		}
		res = b.post("/admin/lists/new", url.Values{"name": {"Technique"}, "short_name": {"technique"},
			"email": {"technique@listes.isp.test"}, "open": {"1"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("create list: %d %s", res.Status, res.Body)
		}
		listURL := res.Header.Get("Location")
		page := b.get(listURL)
		mustContain(t, page.Body, "The list has been created.", "technique@listes.isp.test", "Waiting")
		res = b.post(listURL+"/subscribers", url.Values{"member": {"zoe"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("add subscriber: %d %s", res.Status, res.Body)
		}
		page = b.get(listURL)
		mustContain(t, page.Body, "The member has been added and the list pushed.", "zoe@example.org", "Up to date")
		if !strings.Contains(ls.log(t), "zoe@example.org") {
			t.Fatalf("not pushed: %q", ls.log(t))
		}
		res = b.post(listURL+"/subscribers", url.Values{"member": {"nobody"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("add nobody: %d", res.Status)
		}
		// The server goes down: staff see it on the list and on the index.
		ls.down(t, true)
		res = b.post(fmt.Sprintf("%s/subscribers/%d/remove", listURL, zoe.ID), nil)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("remove: %d", res.Status)
		}
		page = b.get(listURL)
		mustContain(t, page.Body, "could not be told yet", "Failing (1 attempt)", "exit status 75", "connection refused")
		index := b.get("/admin/lists")
		mustContain(t, index.Body, "1 list cannot be pushed", "Failing (1 attempt)")
		ls.down(t, false)
		b.post(listURL+"/sync", nil)
		page = b.get(listURL)
		mustContain(t, page.Body, "The list has been pushed to the list server.", "Up to date")
		if res := b.post(fmt.Sprintf("%s/subscribers/%d/remove", listURL, zoe.ID), nil); res.Status != http.StatusNotFound {
			t.Fatalf("remove twice: %d", res.Status)
		}
	})
}

func TestListsWithoutCommandOrTurnedOff(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("admin", "admin", "admin-password")
		l := a.addList("annonces", true)
		b := a.browser()
		b.login("admin", "admin-password")
		mustContain(t, b.get("/admin/lists").Body, "No sync command is configured", "Kept in coin")
		b.get("/lists")
		res := b.post(fmt.Sprintf("/lists/%d", l.ID), url.Values{"subscribe": {"1"}}, "HX-Request", "true", "HX-Target", fmt.Sprintf("list-%d", l.ID))
		if res.Status != http.StatusOK {
			t.Fatalf("subscribe without a command: %d", res.Status)
		}
		mustNotContain(t, res.Body, "shortly")
	})
	eachApp(t, func(c *config.Config) { c.Maillists.Enabled = false }, func(t *testing.T, a *testApp) {
		a.addMember("admin", "admin", "admin-password")
		l := a.addList("annonces", true)
		b := a.browser()
		b.login("admin", "admin-password")
		for _, p := range []string{"/lists", "/admin/lists", fmt.Sprintf("/admin/lists/%d", l.ID)} {
			if res := b.get(p); res.Status != http.StatusNotFound {
				t.Fatalf("GET %s with lists off: %d", p, res.Status)
			}
		}
		if res := b.post(fmt.Sprintf("/lists/%d", l.ID), url.Values{"subscribe": {"1"}}); res.Status != http.StatusNotFound {
			t.Fatalf("toggle with lists off: %d", res.Status)
		}
		mustNotContain(t, b.get("/").Body, `href="/lists"`, `href="/admin/lists"`)
	})
}

func TestAutoSubscribeNewMembers(t *testing.T) {
	eachApp(t, func(c *config.Config) { c.Maillists.AutoSubscribe = []string{"adherents", "absente"} }, func(t *testing.T, a *testApp) {
		a.addMember("admin", "admin", "admin-password")
		l := a.addList("adherents", false)
		b := a.browser()
		b.login("admin", "admin-password")
		b.get("/admin/members/new")
		res := b.post("/admin/members/new", url.Values{"login": {"nina"}, "person_type": {"natural"}, "first_name": {"Nina"},
			"last_name": {"N"}, "email": {"nina@example.org"}, "status": {"pending"}, "date_joined": {"2026-01-01"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		if subs, _ := a.store.ListSubscribers(t.Context(), l.ID); len(subs) != 0 {
			t.Fatal("a pending applicant was subscribed")
		}
		nina, _ := a.store.MemberByLogin(t.Context(), "nina")
		edit := fmt.Sprintf("/admin/members/%d/edit", nina.ID)
		b.get(edit)
		res = b.post(edit, url.Values{"person_type": {"natural"}, "first_name": {"Nina"}, "last_name": {"N"},
			"email": {"nina@example.org"}, "status": {"member"}, "date_joined": {"2026-01-01"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("accept: %d %s", res.Status, res.Body)
		}
		if subs, _ := a.store.ListSubscribers(t.Context(), l.ID); len(subs) != 1 || subs[0].ID != nina.ID {
			t.Fatalf("accepted member not subscribed: %v", subs)
		}
	})
}

func TestMembersEmailExport(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("treasurer", "treasurer", "treasurer-password")
		alice := a.addMember("alice", "member", "alice-password")
		ann := a.addMember("ann", "member", "ann-password")
		ann.Status = model.StatusPending
		a.store.UpdateMember(t.Context(), ann)
		l := a.addList("technique", true)
		a.store.Subscribe(t.Context(), l.ID, alice.ID)
		mb := a.browser()
		mb.login("alice", "alice-password")
		if res := mb.get("/admin/members-email"); res.Status != http.StatusForbidden {
			t.Fatalf("member on the export: %d", res.Status)
		}
		b := a.browser()
		b.login("treasurer", "treasurer-password")
		res := b.get("/admin/members-email")
		mustContain(t, res.Body, "2 addresses", "alice@example.org\ntreasurer@example.org</textarea>")
		mustNotContain(t, res.Body, "ann@example.org")
		res = b.get("/admin/members-email?status=all&list=technique")
		mustContain(t, res.Body, "1 address", ">alice@example.org</textarea>")
		res = b.get("/admin/members-email.txt?status=pending")
		if res.Status != http.StatusOK || res.Body != "ann@example.org\n" ||
			res.Header.Get("Content-Type") != "text/plain; charset=utf-8" ||
			res.Header.Get("Content-Disposition") != `attachment; filename="members-email.txt"` {
			t.Fatalf("download: %d %q %v", res.Status, res.Body, res.Header)
		}
		// Nobody here has a fee or a subscription.
		for _, q := range []string{"fee=up-to-date", "offer=VPN", "active_subscription=1"} {
			res = b.get("/admin/members-email?" + q)
			if res.Status != http.StatusOK {
				t.Fatalf("%s: %d", q, res.Status)
			}
			mustContain(t, res.Body, "0 addresses")
		}
		if res := b.get("/admin/members-email?status=bogus"); res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad status: %d", res.Status)
		}
		if res := b.get("/admin/members-email?list=nope"); res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("unknown list: %d", res.Status)
		}
	})
}

// A member put by the team on a list closed to members may leave it: the
// card says so and that only the team can put them back, no error.
func TestMemberLeavesAClosedList(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		alice := a.addMember("alice", "member", "alice-password")
		l := a.addList("bureau", false)
		if _, err := a.store.Subscribe(t.Context(), l.ID, alice.ID); err != nil {
			t.Fatal(err)
		}
		b := a.browser()
		b.login("alice", "alice-password")
		mustContain(t, b.get("/lists").Body, "Liste bureau", "only they can put you back")
		res := b.post(fmt.Sprintf("/lists/%d", l.ID), url.Values{"subscribe": {"0"}}, "HX-Request", "true", "HX-Target", fmt.Sprintf("list-%d", l.ID))
		if res.Status != http.StatusOK {
			t.Fatalf("leave a closed list: %d\n%s", res.Status, res.Body)
		}
		mustContain(t, res.Body, "You left Liste bureau")
		mustNotContain(t, b.get("/lists").Body, "Liste bureau")
	})
}
