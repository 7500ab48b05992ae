package views

import (
	"context"
	"strconv"
	"strings"
)

// cronText says a five-field cron schedule in words for the usual shapes
// (every N minutes, hourly, daily, weekly, monthly); other schedules are
// shown as written, which is what the configuration holds anyway.
func cronText(ctx context.Context, spec string) string {
	f := strings.Fields(spec)
	if len(f) != 5 || f[3] != "*" {
		return ""
	}
	minute, hour, dom, dow := f[0], f[1], f[2], f[4]
	num := func(s string, max int) (int, bool) {
		n, err := strconv.Atoi(s)
		return n, err == nil && n >= 0 && n <= max
	}
	at := func() (string, bool) {
		h, okH := num(hour, 23)
		m, okM := num(minute, 59)
		return strconv.Itoa(100 + h)[1:] + ":" + strconv.Itoa(100 + m)[1:], okH && okM
	}
	switch {
	case hour == "*" && dom == "*" && dow == "*":
		if minute == "*" {
			return t(ctx, "cron.every_minute")
		}
		if n, ok := num(strings.TrimPrefix(minute, "*/"), 59); ok && strings.HasPrefix(minute, "*/") && n > 1 {
			return tf(ctx, "cron.every_n_minutes", map[string]any{"Count": n})
		}
		if m, ok := num(minute, 59); ok {
			return tf(ctx, "cron.hourly", map[string]any{"Minute": m})
		}
	case dom == "*" && dow == "*":
		if hm, ok := at(); ok {
			return tf(ctx, "cron.daily", map[string]any{"Time": hm})
		}
	case dom == "*":
		d, okD := num(dow, 7)
		if hm, ok := at(); ok && okD {
			return tf(ctx, "cron.weekly", map[string]any{"Day": t(ctx, "cron.day."+strconv.Itoa(d%7)), "Time": hm})
		}
	case dow == "*":
		d, okD := num(dom, 31)
		if hm, ok := at(); ok && okD && d > 0 {
			return tf(ctx, "cron.monthly", map[string]any{"Day": d, "Time": hm})
		}
	}
	return ""
}
