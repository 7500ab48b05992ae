package fees_test

import (
	"context"
	"fmt"
	"testing"

	"coin/date"
	"coin/model"
	"coin/store"
	"coin/store/storetest"
)

// BenchmarkCallForFees measures a run over 3000 members whose fees end
// across the year, on SQLite: the first run catches up every reminder due
// (about 1260: every member whose fee end is within the reminder windows),
// the baseline is the same run once they are all sent (candidate query,
// rule and one indexed look-up per candidate). The difference is the cost
// of composing, queueing and recording the reminders.
// Run: go test -bench CallForFees -run '^$' -benchtime 5x ./fees/
func BenchmarkCallForFees(b *testing.B) {
	st := storetest.SQLite(b)
	e := &env{t: &testing.T{}, st: st}
	e.svc = newEnv(&testing.T{}, st, "").svc
	ctx := context.Background()
	day := date.MustParse("2026-06-15")
	err := st.Tx(ctx, func(tx *store.Store) error {
		for i := 0; i < 3000; i++ {
			m := &store.Member{Login: fmt.Sprintf("m%04d", i), Role: model.RoleMember, PersonType: model.NaturalPerson,
				FirstName: "M", LastName: fmt.Sprint(i), Email: fmt.Sprintf("m%d@example.org", i),
				Status: model.StatusMember, SendFeeReminders: true, Language: []string{"fr", "en"}[i%2]}
			if err := tx.CreateMember(ctx, m); err != nil {
				return err
			}
			end := day.AddDays(i%365 - 60)
			if err := tx.CreateMembershipFee(ctx, &store.MembershipFee{MemberID: m.ID, Amount: 1500,
				StartDate: end.AddYears(-1).AddDays(1), EndDate: end}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("first run, sends all", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			st.DB().Exec(`DELETE FROM membership_fee_reminders`)
			st.DB().Exec(`DELETE FROM outbox`)
			b.StartTimer()
			res, err := e.svc.CallForFees(ctx, day, false)
			if err != nil || len(res.Sent) == 0 {
				b.Fatalf("%v %d", err, len(res.Sent))
			}
			b.ReportMetric(float64(len(res.Sent)), "reminders/op")
		}
	})
	b.Run("baseline: all already sent", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			res, err := e.svc.CallForFees(ctx, day, false)
			if err != nil || len(res.Sent) != 0 {
				b.Fatalf("%v %d", err, len(res.Sent))
			}
		}
	})
}
