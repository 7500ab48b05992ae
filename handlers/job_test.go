package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"coin/model"
	"coin/store"
)

// TestRunNowSendsRemindersOnce is the walk-through: a member whose
// fee ends next month gets a reminder in the outbox when an admin presses
// "Run now"; a second run adds nothing; the history shows both runs.
func TestRunNowSendsRemindersOnce(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		ctx := context.Background()
		zoe := a.addMember("zoe", "member", "zoe-password")
		end := a.today().AddMonths(1).AddDays(-3)
		a.addFee(zoe, end.AddYears(-1).AddDays(1), end)
		a.addMember("admin", "admin", "admin-password")
		b := a.browser()
		b.login("admin", "admin-password")
		page := b.get("/admin/jobs")
		mustContain(t, page.Body, "Membership fee reminders", "Run now", "does not run the schedules", "No run yet.")
		run := "/admin/jobs/call-for-membership-fees/run"
		if res := b.post(run, nil); res.Status != http.StatusSeeOther {
			t.Fatalf("run now: %d\n%s", res.Status, res.Body)
		}
		msgs, total, _ := a.store.ListMessages(ctx, store.OutboxFilter{MemberID: zoe.ID})
		if total != 1 || msgs[0].Kind != "fee_reminder" || msgs[0].To != "zoe@example.org" {
			t.Fatalf("outbox after the first run: %+v", msgs)
		}
		page = b.get("/admin/jobs")
		mustContain(t, page.Body, "The job has run", "1 reminder sent, 0 already sent earlier", "Run now")
		b.post(run, nil)
		if _, total, _ = a.store.ListMessages(ctx, store.OutboxFilter{}); total != 1 {
			t.Fatalf("second run queued more: %d messages", total)
		}
		page = b.get("/admin/jobs")
		mustContain(t, page.Body, "0 reminders sent, 1 already sent earlier")
		runs, _, _ := a.store.ListJobRuns(ctx, store.JobRunFilter{})
		if len(runs) != 2 || runs[0].Trigger != model.TriggerManual || runs[0].StartedBy == nil {
			t.Fatalf("history: %+v", runs)
		}
		// The run's page has the whole summary, and the dry run changes nothing.
		detail := b.get(fmt.Sprintf("/admin/jobs/runs/%d", runs[1].ID))
		mustContain(t, detail.Body, "zoe@example.org", "admin")
		b.get("/admin/jobs")
		b.post(run, map[string][]string{"dry_run": {"1"}})
		last, _, _ := a.store.ListJobRuns(ctx, store.JobRunFilter{Limit: 1})
		if !last[0].DryRun {
			t.Fatalf("dry run recorded as %+v", last[0])
		}
		// The member's page lists the reminder sent.
		mustContain(t, b.get(fmt.Sprintf("/admin/members/%d", zoe.ID)).Body, "1 reminder sent", "1 month before")
	})
}

func TestJobsNeedTheRightRole(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		a.addMember("treasurer", "treasurer", "treasurer-password")
		a.addMember("zoe", "member", "zoe-password")
		run := "/admin/jobs/call-for-membership-fees/run"
		tr := a.browser()
		tr.login("treasurer", "treasurer-password")
		page := tr.get("/admin/jobs")
		if page.Status != http.StatusOK {
			t.Fatalf("treasurer reads the jobs: %d", page.Status)
		}
		mustNotContain(t, page.Body, "Run now")
		if res := tr.post(run, nil); res.Status != http.StatusForbidden {
			t.Fatalf("treasurer runs a job: %d", res.Status)
		}
		m := a.browser()
		m.login("zoe", "zoe-password")
		if res := m.get("/admin/jobs"); res.Status != http.StatusForbidden {
			t.Fatalf("member reads the jobs: %d", res.Status)
		}
		if res := m.post(run, nil); res.Status != http.StatusForbidden {
			t.Fatalf("member runs a job: %d", res.Status)
		}
		a.addMember("admin", "admin", "admin-password")
		b := a.browser()
		b.login("admin", "admin-password")
		b.get("/admin/jobs")
		if res := b.post("/admin/jobs/rm-rf/run", nil); res.Status != http.StatusNotFound {
			t.Fatalf("unknown job: %d", res.Status)
		}
		if res := b.postRaw(run, nil); res.Status != http.StatusForbidden {
			t.Fatalf("run without CSRF token: %d", res.Status)
		}
		if runs, _, _ := a.store.ListJobRuns(context.Background(), store.JobRunFilter{}); len(runs) != 0 {
			t.Fatalf("refused requests ran jobs: %+v", runs)
		}
		if res := b.get("/admin/jobs/runs/999"); res.Status != http.StatusNotFound {
			t.Fatalf("unknown run: %d", res.Status)
		}
	})
}

func TestOutboxShowsErrors(t *testing.T) {
	eachApp(t, nil, func(t *testing.T, a *testApp) {
		ctx := context.Background()
		m := &store.Message{Kind: "welcome", To: "x@example.org", From: "coin@isp.test", Subject: "Hi", TextBody: "x"}
		a.store.QueueMessage(ctx, m)
		a.store.MarkMessageFailed(ctx, m.ID, "451 4.3.0 try again later", a.store.Now().Add(60e9))
		a.addMember("admin", "admin", "admin-password")
		b := a.browser()
		b.login("admin", "admin-password")
		mustContain(t, b.get("/admin/outbox").Body, "451 4.3.0 try again later")
		detail := b.get(fmt.Sprintf("/admin/outbox/%d", m.ID))
		mustContain(t, detail.Body, "Last error", "451 4.3.0 try again later", "Next attempt")
		if !regexp.MustCompile(`Attempts</dt>\s*<dd>1</dd>`).MatchString(detail.Body) {
			t.Fatalf("attempts not shown:\n%s", detail.Body)
		}
	})
}
