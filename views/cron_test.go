package views

import (
	"context"
	"testing"
	"time"

	"coin/i18n"
)

func TestCronInWords(t *testing.T) {
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	fr := i18n.With(context.Background(), c.Locale("fr", time.UTC, "EUR"))
	en := i18n.With(context.Background(), c.Locale("en", time.UTC, "EUR"))
	for _, tc := range []struct {
		ctx        context.Context
		spec, want string
	}{
		{fr, "42 3 * * *", "chaque jour à 03:42"},
		{en, "59 23 * * *", "every day at 23:59"},
		{fr, "*/5 * * * *", "toutes les 5 minutes"},
		{en, "* * * * *", "every minute"},
		{en, "*/1 * * * *", ""},
		{fr, "5 * * * *", "chaque heure, à la minute 5"},
		{fr, "0 8 * * 1", "chaque lundi à 08:00"},
		{en, "30 6 * * 7", "every Sunday at 06:30"},
		{fr, "0 2 1 * *", "le 1 de chaque mois à 02:00"},
		{en, "0 2 1 1 *", ""},
		{en, "0 2-4 * * *", ""},
		{en, "@daily", ""},
		{en, "61 3 * * *", ""},
	} {
		if got := cronText(tc.ctx, tc.spec); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.spec, got, tc.want)
		}
	}
}
