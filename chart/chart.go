// Package chart lays out the treasurer's bar charts: it turns series of
// numbers into the rectangles, ticks and labels of an SVG drawn by the
// server, so that a chart needs neither JavaScript nor a client library.
package chart

import "math"

// Series is one set of bars, one value per label.
type Series struct {
	Name   string
	Class  string // the CSS class giving its colour
	Values []int64
}

// Bars is a grouped bar chart.
type Bars struct {
	Labels []string
	Series []Series
	Format func(int64) string // how a value reads (money, a count)
}

// Rect is one bar.
type Rect struct {
	X, Y, W, H float64
	Class      string
	Title      string // the label, the series and the value, for a tooltip
}

// Text is a label placed on the chart.
type Text struct {
	X, Y float64
	Text string
}

// Layout is what the SVG draws, in the units of its viewBox.
type Layout struct {
	Width, Height float64
	Bars          []Rect
	Ticks         []Text // the value axis, with a grid line at each Y
	Labels        []Text // under each group of bars
	Left, Right   float64
	Base          float64 // the Y of the zero line
}

const (
	width   = 640.0
	height  = 260.0
	left    = 70.0
	right   = 10.0
	top     = 10.0
	bottom  = 30.0
	nTicks  = 4
	barGap  = 0.2 // of a group's width, between groups
	minStep = 1
)

// Layout places the bars: the value axis starts at zero (negative values
// are drawn as zero height; a chart of sums owed or paid has none) and
// ends at a round number above the largest value.
func (b Bars) Layout() Layout {
	l := Layout{Width: width, Height: height, Left: left, Right: width - right, Base: height - bottom}
	format := b.Format
	if format == nil {
		format = func(v int64) string { return itoa(v) }
	}
	var max int64
	for _, s := range b.Series {
		for _, v := range s.Values {
			if v > max {
				max = v
			}
		}
	}
	step := niceStep(max)
	top := step * nTicks
	plotH := l.Base - topMargin()
	for i := 0; i <= nTicks; i++ {
		v := step * int64(i)
		l.Ticks = append(l.Ticks, Text{X: left - 6, Y: l.Base - plotH*float64(v)/float64(top), Text: format(v)})
	}
	n := len(b.Labels)
	if n == 0 || len(b.Series) == 0 {
		return l
	}
	group := (l.Right - left) / float64(n)
	inner := group * (1 - barGap)
	bar := inner / float64(len(b.Series))
	for i, label := range b.Labels {
		x0 := left + group*float64(i) + group*barGap/2
		l.Labels = append(l.Labels, Text{X: x0 + inner/2, Y: l.Base + 18, Text: label})
		for j, s := range b.Series {
			var v int64
			if i < len(s.Values) {
				v = s.Values[i]
			}
			h := 0.0
			if v > 0 {
				h = plotH * float64(v) / float64(top)
			}
			l.Bars = append(l.Bars, Rect{X: x0 + bar*float64(j), Y: l.Base - h, W: bar * 0.9, H: h,
				Class: s.Class, Title: label + " · " + s.Name + " · " + format(v)})
		}
	}
	return l
}

func topMargin() float64 { return top }

// niceStep is the tick step (1, 2 or 5 times a power of ten) that puts
// max under the top tick.
func niceStep(max int64) int64 {
	if max <= 0 {
		return minStep
	}
	raw := float64(max) / nTicks
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if s := m * p; s >= raw {
			if s < minStep {
				return minStep
			}
			return int64(math.Ceil(s))
		}
	}
	return int64(math.Ceil(10 * p))
}

func itoa(v int64) string {
	if v == 0 {
		return "0"
	}
	neg := v < 0
	if neg {
		v = -v
	}
	var b [20]byte
	i := len(b)
	for v > 0 {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
