package store_test

import (
	"context"
	"strings"
	"testing"

	"coin/store"
	"coin/store/storetest"
)

// TestCollectionsQueriesUseIndexes seeds 2 000 members and 40 000 invoices
// (2 % open) and checks, with EXPLAIN on both databases, that the queries of
// call-for-payments, enforce-arrears and the overdue page read the partial
// index of open invoices instead of every invoice ("reminder plan" is the
// text of store.InvoiceReminderCandidates).
func TestCollectionsQueriesUseIndexes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		db := s.DB()
		seed := []string{
			`INSERT INTO members (login, email, date_joined, created_at, updated_at)
				WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
				SELECT 'm' || i, 'm' || i || '@example.org', DATE '2025-01-01', TIMESTAMP '2025-01-01 00:00:00', TIMESTAMP '2025-01-01 00:00:00' FROM n`,
			`INSERT INTO invoices (kind, member_id, status, number, issue_date, due_date, total_cents, paid_cents, created_at)
				WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40000)
				SELECT 'invoice', (SELECT MIN(id) FROM members) + (i % 2000), 'validated', 'F-' || i,
					DATE '2025-01-01', DATE '2025-02-01', 1000, CASE WHEN i % 50 = 0 THEN 0 ELSE 1000 END,
					TIMESTAMP '2025-01-01 00:00:00' FROM n`,
			`ANALYZE`,
		}
		if s.Dialect() == store.SQLite {
			for i := range seed {
				seed[i] = strings.NewReplacer("DATE '", "'", "TIMESTAMP '", "'").Replace(seed[i])
			}
		}
		for _, q := range seed {
			if _, err := db.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		queries := map[string]string{
			"members owing": `SELECT member_id, SUM(total_cents - paid_cents) FROM invoices WHERE kind = 'invoice'
				AND status = 'validated' AND paid_cents < total_cents AND due_date <= '2025-03-01' GROUP BY member_id
				HAVING SUM(total_cents - paid_cents) > 100`,
			"reminder plan": `SELECT m.id, m.login, m.person_type, m.first_name, m.last_name, m.organization_name,
				m.email, m.language, COALESCE(cs.no_remind, FALSE), i.id, i.kind, i.status, i.number, i.issue_date,
				i.due_date, i.total_cents, i.paid_cents, r.days_after
				FROM (SELECT id, member_id, kind, status, number, issue_date, due_date, total_cents, paid_cents,
						MAX(CASE WHEN due_date >= '2025-01-01' AND due_date <= '2025-03-01' THEN 1 ELSE 0 END) OVER (PARTITION BY member_id) AS in_window
					FROM invoices WHERE kind = 'invoice' AND status = 'validated' AND paid_cents < total_cents) i
				JOIN members m ON m.id = i.member_id
				LEFT JOIN collection_settings cs ON cs.member_id = i.member_id
				LEFT JOIN invoice_reminders r ON r.invoice_id = i.id
				WHERE i.in_window = 1
				ORDER BY i.member_id, i.issue_date, i.number, i.id, r.days_after`,
			"overdue page": `SELECT member_id, SUM(total_cents - paid_cents), COUNT(*), MIN(due_date)
				FROM invoices WHERE kind = 'invoice' AND status = 'validated' AND paid_cents < total_cents
				AND due_date < '2025-03-01' GROUP BY member_id HAVING SUM(total_cents - paid_cents) >= 0`,
		}
		for name, q := range queries {
			explain := "EXPLAIN "
			if s.Dialect() == store.SQLite {
				explain = "EXPLAIN QUERY PLAN "
			}
			rows, err := db.QueryContext(ctx, explain+q)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			cols, _ := rows.Columns()
			var plan strings.Builder
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				for _, v := range vals {
					switch x := v.(type) {
					case string:
						plan.WriteString(x + " ")
					case []byte:
						plan.WriteString(string(x) + " ")
					}
				}
				plan.WriteString("\n")
			}
			rows.Close()
			if !strings.Contains(plan.String(), "invoices_open") {
				t.Errorf("%s does not use invoices_open:\n%s", name, plan.String())
			}
			t.Logf("%s:\n%s", name, plan.String())
		}
	})
}
