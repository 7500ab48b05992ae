package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"coin/date"
	"coin/store"
	"coin/store/storetest"
)

// TestKilledChargeResumesWithoutDuplicateOrGap kills a real
// `coin charge-subscriptions` with SIGKILL part-way, runs it again, and
// checks the books: one invoice per member, numbers without gaps, no
// draft or invoice without its PDF, no period charged twice.
func TestKilledChargeResumesWithoutDuplicateOrGap(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		data := t.TempDir()
		killAndResume(t, "sqlite", filepath.Join(data, "coin.db"), []string{"COIN_SERVER_DATA_DIR=" + data})
	})
	if os.Getenv(storetest.EnvPostgres) != "" {
		t.Run("postgres", func(t *testing.T) {
			dsn := storetest.PostgresDSN(t)
			killAndResume(t, "postgres", dsn, []string{"COIN_SERVER_DATA_DIR=" + t.TempDir(), "COIN_DATABASE_URL=" + dsn})
		})
	}
}

const killMembers = 1000

func killAndResume(t *testing.T, driver, dsn string, env []string) {
	ctx := context.Background()
	s, err := store.Open(ctx, driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	err = s.Tx(ctx, func(tx *store.Store) error {
		o := &store.Offer{Name: "VPN", Reference: "VPN", Backend: "vpn", BillingPeriodMonths: 1, PeriodFeeCents: 500, Open: true}
		if err := tx.CreateOffer(ctx, o); err != nil {
			return err
		}
		for i := 0; i < killMembers; i++ {
			m := &store.Member{Login: fmt.Sprintf("m%05d", i), Role: "member", PersonType: "natural",
				FirstName: "Zoé", LastName: fmt.Sprintf("N°%d", i), Email: "m@example.org", Status: "member"}
			if err := tx.CreateMember(ctx, m); err != nil {
				return err
			}
			if err := tx.CreateSubscription(ctx, &store.Subscription{MemberID: m.ID, OfferID: o.ID,
				StartDate: date.MustParse("2026-10-10")}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	env = append(env, "PATH="+os.Getenv("PATH"))
	charge := func() *exec.Cmd {
		cmd := exec.Command(coinBin, "charge-subscriptions", "--date", "2026-11-01")
		cmd.Env = env
		return cmd
	}
	cmd := charge()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		var n int
		s.DB().QueryRow(`SELECT COUNT(*) FROM invoices WHERE status = 'validated'`).Scan(&n)
		return n
	}
	killedAt := -1
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if n := count(); n > 0 {
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			killedAt = count()
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if killedAt < 0 || killedAt >= killMembers {
		t.Fatalf("could not kill the run part-way (%d invoices at kill)", killedAt)
	}
	t.Logf("killed with %d of %d invoices committed", killedAt, killMembers)
	out, err := charge().CombinedOutput()
	if err != nil {
		t.Fatalf("second run: %v\n%s", err, out)
	}
	out, err = charge().CombinedOutput()
	if err != nil {
		t.Fatalf("third run: %v\n%s", err, out)
	}
	var invoices, drafts, noPDF, numbers, minNum, maxNum, periods, lines int
	db := s.DB()
	db.QueryRow(`SELECT COUNT(*) FROM invoices WHERE status = 'validated'`).Scan(&invoices)
	db.QueryRow(`SELECT COUNT(*) FROM invoices WHERE status = 'draft'`).Scan(&drafts)
	db.QueryRow(`SELECT COUNT(*) FROM invoices i WHERE NOT EXISTS (SELECT 1 FROM invoice_pdfs p WHERE p.invoice_id = i.id)`).Scan(&noPDF)
	db.QueryRow(`SELECT COUNT(DISTINCT number) FROM invoices`).Scan(&numbers)
	db.QueryRow(`SELECT MIN(CAST(SUBSTR(number, 6) AS INTEGER)), MAX(CAST(SUBSTR(number, 6) AS INTEGER)) FROM invoices`).Scan(&minNum, &maxNum)
	db.QueryRow(`SELECT COUNT(*) FROM subscription_periods`).Scan(&periods)
	db.QueryRow(`SELECT COUNT(*) FROM invoice_lines`).Scan(&lines)
	if invoices != killMembers || drafts != 0 || noPDF != 0 {
		t.Fatalf("%d invoices, %d drafts, %d without PDF; want %d, 0, 0", invoices, drafts, noPDF, killMembers)
	}
	if numbers != killMembers || minNum != 1 || maxNum != killMembers {
		t.Fatalf("numbers: %d distinct from %d to %d, want 1..%d", numbers, minNum, maxNum, killMembers)
	}
	// Each member's October (prorated) and November periods, once each.
	if periods != 2*killMembers || lines != 2*killMembers {
		t.Fatalf("%d periods, %d lines; want %d each", periods, lines, 2*killMembers)
	}
}
