package snmppoll

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"coin/store"
)

// Point is an interface's traffic between two polls, in bits per second.
type Point struct {
	At     time.Time
	InBps  float64
	OutBps float64
}

// Series is the recent traffic of one interface.
type Series struct {
	IfIndex    int
	Name       string
	OperStatus int // of the latest sample
	Points     []Point
	// Peak, last and average rates, in bits per second.
	PeakIn, PeakOut, LastIn, LastOut, AvgIn, AvgOut float64
}

// Up tells whether the interface was up at the latest poll (ifOperStatus 1).
func (s *Series) Up() bool { return s.OperStatus == 1 }

// Traffic turns samples (any order) into rates per interface, by index. A
// counter that went back (a reboot, a 32-bit wrap) starts over without a
// point.
func Traffic(samples []store.SNMPSample) []Series {
	byIf := map[int][]store.SNMPSample{}
	for _, s := range samples {
		byIf[s.IfIndex] = append(byIf[s.IfIndex], s)
	}
	out := make([]Series, 0, len(byIf))
	for idx, ss := range byIf {
		slices.SortFunc(ss, func(a, b store.SNMPSample) int { return a.SampledAt.Compare(b.SampledAt) })
		last := ss[len(ss)-1]
		se := Series{IfIndex: idx, Name: last.IfName, OperStatus: last.OperStatus}
		if se.Name == "" {
			se.Name = "#" + strconv.Itoa(idx)
		}
		var sumIn, sumOut float64
		for i := 1; i < len(ss); i++ {
			a, b := ss[i-1], ss[i]
			dt := b.SampledAt.Sub(a.SampledAt).Seconds()
			if dt <= 0 || b.InOctets < a.InOctets || b.OutOctets < a.OutOctets {
				continue
			}
			p := Point{At: b.SampledAt, InBps: float64(b.InOctets-a.InOctets) * 8 / dt,
				OutBps: float64(b.OutOctets-a.OutOctets) * 8 / dt}
			se.Points = append(se.Points, p)
			se.PeakIn, se.PeakOut = max(se.PeakIn, p.InBps), max(se.PeakOut, p.OutBps)
			sumIn, sumOut = sumIn+p.InBps, sumOut+p.OutBps
		}
		if n := len(se.Points); n > 0 {
			se.LastIn, se.LastOut = se.Points[n-1].InBps, se.Points[n-1].OutBps
			se.AvgIn, se.AvgOut = sumIn/float64(n), sumOut/float64(n)
		}
		out = append(out, se)
	}
	slices.SortFunc(out, func(a, b Series) int { return a.IfIndex - b.IfIndex })
	return out
}

// Plot is a series drawn in a width × height box: SVG polyline points for
// each direction, y growing downwards, scaled to the peak.
type Plot struct {
	Width, Height int
	In, Out       string
	Max           float64
	// The latest point of each direction, marked (one point alone draws no line).
	LastX, LastIn, LastOut string
}

// Draw plots a series over [from, to].
func Draw(s Series, from, to time.Time, width, height int) Plot {
	p := Plot{Width: width, Height: height, Max: max(s.PeakIn, s.PeakOut)}
	span := to.Sub(from).Seconds()
	if span <= 0 || len(s.Points) == 0 {
		return p
	}
	scale := p.Max
	if scale == 0 {
		scale = 1
	}
	var in, out strings.Builder
	for _, pt := range s.Points {
		x := strconv.FormatFloat(pt.At.Sub(from).Seconds()/span*float64(width), 'f', 1, 64)
		yIn := strconv.FormatFloat(float64(height)-pt.InBps/scale*float64(height), 'f', 1, 64)
		yOut := strconv.FormatFloat(float64(height)-pt.OutBps/scale*float64(height), 'f', 1, 64)
		in.WriteString(x + "," + yIn + " ")
		out.WriteString(x + "," + yOut + " ")
		p.LastX, p.LastIn, p.LastOut = x, yIn, yOut
	}
	p.In, p.Out = strings.TrimSpace(in.String()), strings.TrimSpace(out.String())
	return p
}
