package handlers

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"coin/chart"
	"coin/date"
	"coin/i18n"
	"coin/views"
)

// chartMonths is how many months the charts over time show.
const chartMonths = 12

// overdueAges end the buckets of the overdue chart, in days past due.
var overdueAges = []int{30, 60, 90}

// charts is the treasurer's picture of the year, drawn by the server.
func (h *Handler) charts(c *fiber.Ctx) error {
	ctx := c.UserContext()
	l := i18n.From(ctx)
	today := date.Today(h.Cfg.Location())
	first := today.FirstOfMonth().AddMonths(-(chartMonths - 1))
	starts := make([]date.Date, chartMonths)
	labels, months := make([]string, chartMonths), make([]string, chartMonths)
	for i := range starts {
		starts[i] = first.AddMonths(i)
		labels[i] = shortMonth(l, starts[i], i == 0)
		months[i] = l.MonthName(starts[i].Month()) + " " + strconv.Itoa(starts[i].Year())
	}
	var d views.ChartsData
	invoiced, collected, err := h.Store.InvoicedAndCollected(ctx, starts, today.FirstOfMonth().AddMonths(1))
	if err != nil {
		return err
	}
	d.Charts = append(d.Charts, moneyChart(l, chartText{"chart-invoiced", "charts.invoiced_title", "charts.invoiced_desc", "charts.month"}, labels, months, []chart.Series{
		{Name: l.T("charts.invoiced"), Class: "s1", Values: invoiced},
		{Name: l.T("charts.collected"), Class: "s2", Values: collected}}))

	overdue, err := h.Store.OverdueByAge(ctx, today, overdueAges)
	if err != nil {
		return err
	}
	ages := make([]string, 0, len(overdueAges)+1)
	from := 1
	for _, a := range overdueAges {
		ages = append(ages, l.Tf("charts.age_range", map[string]any{"From": from, "To": a}))
		from = a + 1
	}
	ages = append(ages, l.Tf("charts.age_over", map[string]any{"Days": overdueAges[len(overdueAges)-1]}))
	d.Charts = append(d.Charts, moneyChart(l, chartText{"chart-overdue", "charts.overdue_title", "charts.overdue_desc", "charts.age"}, ages, nil, []chart.Series{
		{Name: l.T("charts.overdue"), Class: "s3", Values: overdue}}))

	ends := make([]date.Date, chartMonths)
	for i := range ends {
		ends[i] = starts[i].AddMonths(1).AddDays(-1)
	}
	ends[chartMonths-1] = today
	members, err := h.Store.CountMembersOn(ctx, ends)
	if err != nil {
		return err
	}
	subs, err := h.Store.CountActiveSubscriptionsOn(ctx, ends)
	if err != nil {
		return err
	}
	d.Charts = append(d.Charts, countChart(l, chartText{"chart-people", "charts.people_title", "charts.people_desc", "charts.month_end"}, labels, months, []chart.Series{
		{Name: l.T("charts.members"), Class: "s1", Values: ints(members)},
		{Name: l.T("charts.subscriptions"), Class: "s2", Values: ints(subs)}}))

	revenue, err := h.Store.RecurringRevenueByOffer(ctx, today)
	if err != nil {
		return err
	}
	offers, mrr := make([]string, len(revenue)), make([]int64, len(revenue))
	for i, r := range revenue {
		offers[i], mrr[i] = r.Reference, r.MonthlyCents
	}
	d.Charts = append(d.Charts, moneyChart(l, chartText{"chart-recurring", "charts.recurring_title", "charts.recurring_desc", "charts.offer"}, offers, nil, []chart.Series{
		{Name: l.T("charts.recurring"), Class: "s1", Values: mrr}}))

	weeks := []date.Date{today, today.AddDays(7), today.AddDays(14), today.AddDays(21), today.AddDays(28)}
	weekLabels, weekRows := make([]string, len(weeks)), make([]string, len(weeks))
	for i, w := range weeks {
		weekLabels[i] = l.Date(w)
		weekRows[i] = l.Tf("charts.from_day", map[string]any{"Day": l.Date(w)})
	}
	counts, cents, err := h.Store.FeesFallingDue(ctx, weeks, today.AddDays(31))
	if err != nil {
		return err
	}
	fees := countChart(l, chartText{"chart-fees", "charts.fees_title", "charts.fees_desc", "charts.week"}, weekLabels, weekRows, []chart.Series{{Name: l.T("charts.fees_due"), Class: "s2", Values: counts}})
	fees.Head = append(fees.Head, l.T("charts.fees_amount"))
	for i := range fees.Rows {
		fees.Rows[i] = append(fees.Rows[i], l.Money(cents[i]))
	}
	d.Charts = append(d.Charts, fees)
	return h.page(c, fiber.StatusOK, h.tr(c, "charts.title"), views.Charts(d))
}

// moneyChart and countChart build a chart and its table from the series;
// the table's rows are named rows, or the chart's labels when nil.
func moneyChart(l *i18n.Locale, id chartText, labels, rows []string, series []chart.Series) views.ChartData {
	return buildChart(l, id, labels, rows, series, l.Money)
}

func countChart(l *i18n.Locale, id chartText, labels, rows []string, series []chart.Series) views.ChartData {
	return buildChart(l, id, labels, rows, series, func(v int64) string { return l.Number(int(v)) })
}

// chartText names a chart's element id and its message ids.
type chartText struct{ id, title, desc, axis string }

func buildChart(l *i18n.Locale, id chartText, labels, rows []string, series []chart.Series, format func(int64) string) views.ChartData {
	if rows == nil {
		rows = labels
	}
	c := views.ChartData{ID: id.id, Title: l.T(id.title), Desc: l.T(id.desc),
		Legend: series, Layout: chart.Bars{Labels: labels, Series: series, Format: format}.Layout()}
	c.Head = []string{l.T(id.axis)}
	for _, s := range series {
		c.Head = append(c.Head, s.Name)
	}
	for i, label := range rows {
		row := []string{label}
		for _, s := range series {
			row = append(row, format(s.Values[i]))
		}
		c.Rows = append(c.Rows, row)
	}
	if len(labels) == 0 {
		c.Summary = l.T("charts.empty")
	}
	return c
}

// shortMonth names a month under its bar: with its year on the first bar
// and on January's, where the year changes.
func shortMonth(l *i18n.Locale, d date.Date, first bool) string {
	m := l.T("month_short." + strings.ToLower(d.Month().String()))
	if first || d.Month() == time.January {
		m += " " + strconv.Itoa(d.Year())
	}
	return m
}

func ints(xs []int) []int64 {
	out := make([]int64, len(xs))
	for i, x := range xs {
		out[i] = int64(x)
	}
	return out
}
