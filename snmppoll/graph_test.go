package snmppoll

import (
	"testing"
	"time"

	"coin/store"
)

func TestTrafficRatesSkipCounterResets(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	samples := []store.SNMPSample{
		{IfIndex: 2, IfName: "eth0", OperStatus: 1, InOctets: 1000, OutOctets: 0, SampledAt: at(0)},
		{IfIndex: 2, IfName: "eth0", OperStatus: 1, InOctets: 1000 + 7500, OutOctets: 750, SampledAt: at(1)},
		{IfIndex: 2, IfName: "eth0", OperStatus: 1, InOctets: 10, OutOctets: 10, SampledAt: at(2)}, // reboot
		{IfIndex: 2, IfName: "eth0", OperStatus: 2, InOctets: 10 + 15000, OutOctets: 10, SampledAt: at(3)},
		{IfIndex: 1, IfName: "lo", OperStatus: 1, SampledAt: at(0)},
	}
	got := Traffic(samples)
	if len(got) != 2 || got[0].Name != "lo" || got[1].Name != "eth0" {
		t.Fatalf("series: %+v", got)
	}
	e := got[1]
	if len(e.Points) != 2 || e.Points[0].InBps != 1000 || e.Points[0].OutBps != 100 || e.PeakIn != 2000 ||
		e.LastIn != 2000 || e.AvgIn != 1500 || e.Up() {
		t.Fatalf("eth0: %+v", e)
	}
	p := Draw(e, at(0), at(3), 300, 100)
	if p.In != "100.0,50.0 300.0,0.0" || p.Out != "100.0,95.0 300.0,100.0" {
		t.Fatalf("plot: %+v", p)
	}
}
