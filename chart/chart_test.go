package chart

import (
	"strings"
	"testing"
)

func TestNiceStepPutsTheLargestValueUnderTheTopTick(t *testing.T) {
	for _, c := range []struct{ max, step int64 }{{0, 1}, {3, 1}, {4, 1}, {5, 2}, {9, 5}, {399, 100}, {401, 200}, {123456, 50000}} {
		if got := niceStep(c.max); got != c.step || got*nTicks < c.max {
			t.Errorf("niceStep(%d) = %d, want %d", c.max, got, c.step)
		}
	}
}

func TestLayoutScalesBarsToTheAxis(t *testing.T) {
	b := Bars{Labels: []string{"Jan", "Feb"}, Series: []Series{
		{Name: "invoiced", Class: "a", Values: []int64{400, 200}},
		{Name: "collected", Class: "b", Values: []int64{100, -5}},
	}}
	l := b.Layout()
	if len(l.Bars) != 4 || len(l.Labels) != 2 || len(l.Ticks) != nTicks+1 {
		t.Fatalf("layout: %+v", l)
	}
	jan, feb, collected := l.Bars[0], l.Bars[2], l.Bars[1]
	if jan.H != 2*feb.H || jan.H != 4*collected.H {
		t.Errorf("heights not proportional: %v %v %v", jan.H, feb.H, collected.H)
	}
	if l.Bars[3].H != 0 {
		t.Errorf("a negative value drew a bar of %v", l.Bars[3].H)
	}
	if jan.Y+jan.H != l.Base || jan.Y < top {
		t.Errorf("bar outside the plot: %+v base %v", jan, l.Base)
	}
	if !strings.Contains(jan.Title, "Jan") || !strings.Contains(jan.Title, "400") {
		t.Errorf("title %q", jan.Title)
	}
	if l.Ticks[nTicks].Text != "400" {
		t.Errorf("top tick %q", l.Ticks[nTicks].Text)
	}
}
