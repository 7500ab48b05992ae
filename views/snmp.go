package views

import (
	"github.com/a-h/templ"

	"context"
	"time"

	"coin/form"
	"coin/snmppoll"
	"coin/store"
)

// SNMPData fills the SNMP part of an item's page.
type SNMPData struct {
	Target   *store.SNMPTarget // nil: the item has no agent
	Form     snmppoll.Form
	Errs     form.Errors
	Series   []snmppoll.Series
	From, To time.Time
}

// graph sizes, in SVG user units.
const graphWidth, graphHeight = 600, 120

// rate writes a traffic rate in bits per second with its unit.
func rate(ctx context.Context, bps float64) string {
	units := []string{"snmp.rate.bps", "snmp.rate.kbps", "snmp.rate.mbps", "snmp.rate.gbps"}
	i := 0
	for bps >= 1000 && i < len(units)-1 {
		bps /= 1000
		i++
	}
	return tf(ctx, units[i], map[string]any{"N": loc(ctx).Decimal(bps)})
}

// uptimeText writes a device's uptime in days, hours and minutes.
func uptimeText(ctx context.Context, seconds int64) string {
	d := time.Duration(seconds) * time.Second
	return tf(ctx, "snmp.uptime_value", map[string]any{"Days": int64(d / (24 * time.Hour)),
		"Hours": int64(d%(24*time.Hour)) / int64(time.Hour), "Minutes": int64(d%time.Hour) / int64(time.Minute)})
}

func snmpStatusClass(status string) string {
	switch status {
	case store.SNMPUp:
		return "ok"
	case store.SNMPDown:
		return "bad"
	}
	return "warn"
}

func plot(d *SNMPData, s snmppoll.Series) snmppoll.Plot {
	return snmppoll.Draw(s, d.From, d.To, graphWidth, graphHeight)
}

var snmpVersions = []Option{{Value: "v2c", Label: "snmp.version_v2c"}, {Value: "v3", Label: "snmp.version_v3"}}

var snmpAuthProtocols = []Option{{Value: "", Label: "snmp.proto_none"}, {Value: "MD5", Label: "snmp.proto_md5"},
	{Value: "SHA", Label: "snmp.proto_sha"}, {Value: "SHA256", Label: "snmp.proto_sha256"},
	{Value: "SHA512", Label: "snmp.proto_sha512"}}

var snmpPrivProtocols = []Option{{Value: "", Label: "snmp.proto_none"}, {Value: "DES", Label: "snmp.proto_des"},
	{Value: "AES", Label: "snmp.proto_aes"}}

// snmpSummary is the text alternative of an interface's graph.
func snmpSummary(ctx context.Context, s snmppoll.Series) string {
	if len(s.Points) == 0 {
		return t(ctx, "snmp.no_samples")
	}
	return tf(ctx, "snmp.summary", map[string]any{"LastIn": rate(ctx, s.LastIn), "LastOut": rate(ctx, s.LastOut),
		"AvgIn": rate(ctx, s.AvgIn), "AvgOut": rate(ctx, s.AvgOut), "PeakIn": rate(ctx, s.PeakIn),
		"PeakOut": rate(ctx, s.PeakOut)})
}

// secretAttrs leaves a secret field empty, saying when one is saved (and
// kept if the field stays empty).
func secretAttrs(ctx context.Context, saved bool) templ.Attributes {
	a := templ.Attributes{"autocomplete": "new-password"}
	if saved {
		a["placeholder"] = t(ctx, "snmp.secret_kept")
	}
	return a
}
