package date

import "testing"

func TestAddMonthsClamps(t *testing.T) {
	cases := map[[2]string]int{{"2024-01-31", "2024-02-29"}: 1, {"2023-01-31", "2023-02-28"}: 1,
		{"2024-03-31", "2023-12-31"}: -3, {"2024-02-29", "2025-02-28"}: 12, {"2026-11-25", "2026-08-25"}: -3}
	for io, n := range cases {
		if got := MustParse(io[0]).AddMonths(n).String(); got != io[1] {
			t.Errorf("%s + %d months = %s, want %s", io[0], n, got, io[1])
		}
	}
}

func TestParseAndScan(t *testing.T) {
	if _, err := Parse("2026-02-30"); err == nil {
		t.Fatal("30 February accepted")
	}
	var d Date
	if err := d.Scan("2026-11-25 00:00:00+00:00"); err != nil || d.String() != "2026-11-25" {
		t.Fatalf("%v %v", d, err)
	}
	if err := d.Scan(nil); err != nil || !d.IsZero() {
		t.Fatal("NULL")
	}
	if v, _ := d.Value(); v != nil {
		t.Fatal("zero date must be NULL")
	}
	if MustParse("2026-01-01").DaysUntil(MustParse("2026-12-31")) != 364 {
		t.Fatal("DaysUntil")
	}
}
